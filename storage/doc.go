// Package storage owns Concierge's PostgreSQL: the goose migrations, every
// SQL statement, the row types and the transactions that keep related writes
// together (a ticket, its first event and its outbox row; an update and the
// replies it caused).
//
// It knows nothing of Telegram or Redis and imports no other Concierge
// package. Driver errors are mapped here to sentinels (ErrNotFound,
// ErrDuplicate, ErrAlreadyClaimed); callers never import lib/pq.
package storage
