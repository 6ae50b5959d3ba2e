package storage

import (
	"context"
	"fmt"
	"time"
)

// UrgentQueue names the stream urgent tickets of every kind are published
// on; the other queues are named by ticket kind.
const UrgentQueue = "urgent"

// Why a ticket is (re)published on its queue, stored on the outbox row.
const (
	ReasonNew         = "new"         // the ticket was opened
	ReasonReleased    = "released"    // its assignee gave it back
	ReasonTransferred = "transferred" // moved to another queue
	ReasonRecovered   = "recovered"   // republished after Redis lost its data
)

// OutboxEntry is an unpublished outbox row with what the stream entry needs.
type OutboxEntry struct {
	Handoff
	Reason string `db:"reason"`
	Code   string `db:"code"`
	Kind   string `db:"kind"`
}

// EnqueueHandoffReason writes an outbox row that (re)publishes the ticket on
// its queue, recording why.
func (q *Queries) EnqueueHandoffReason(ctx context.Context, t Ticket, reason string, now time.Time) error {
	const ins = `INSERT INTO outbox (ticket_id, queue, urgent, created_at, reason) VALUES ($1, $2, $3, $4, $5)`
	if _, err := q.db.ExecContext(ctx, ins, t.ID, t.Queue, t.Urgent, now, reason); err != nil {
		return fmt.Errorf("enqueue handoff %s: %w", t.Code, err)
	}
	return nil
}

// LockPendingOutbox locks up to limit unpublished outbox rows, urgent first
// then oldest, skipping rows another relay holds. Call it in a transaction
// and mark what was published (MarkHandoffPublished) before committing.
func (q *Queries) LockPendingOutbox(ctx context.Context, limit int) ([]OutboxEntry, error) {
	const sel = `
		SELECT o.id, o.ticket_id, o.queue, o.urgent, o.created_at, o.published_at, o.stream_id,
			o.attempts, o.reason, t.code, t.kind
		FROM outbox o JOIN tickets t ON t.id = o.ticket_id
		WHERE o.published_at IS NULL
		ORDER BY o.urgent DESC, o.id
		LIMIT $1
		FOR UPDATE OF o SKIP LOCKED`
	var es []OutboxEntry
	if err := q.db.SelectContext(ctx, &es, sel, limit); err != nil {
		return nil, fmt.Errorf("lock pending outbox: %w", err)
	}
	return es, nil
}

// PublishedHandoffs returns the ticket's published outbox rows, oldest first.
func (q *Queries) PublishedHandoffs(ctx context.Context, ticketID int64) ([]Handoff, error) {
	const sel = `
		SELECT id, ticket_id, queue, urgent, created_at, published_at, stream_id, attempts
		FROM outbox WHERE ticket_id = $1 AND published_at IS NOT NULL ORDER BY id`
	var hs []Handoff
	if err := q.db.SelectContext(ctx, &hs, sel, ticketID); err != nil {
		return nil, fmt.Errorf("published handoffs: %w", err)
	}
	return hs, nil
}

// RepublishOpenUnclaimed writes a "recovered" outbox row for every open,
// unassigned ticket whose queue (UrgentQueue for urgent tickets) is in
// queues and that has no unpublished row already. It returns how many.
func (q *Queries) RepublishOpenUnclaimed(ctx context.Context, queues []string, now time.Time) (int64, error) {
	const ins = `
		INSERT INTO outbox (ticket_id, queue, urgent, created_at, reason)
		SELECT t.id, t.queue, t.urgent, $2, 'recovered' FROM tickets t
		WHERE t.status = 'open' AND t.assignee_id IS NULL
			AND (CASE WHEN t.urgent THEN 'urgent' ELSE t.queue END) = ANY($1)
			AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.ticket_id = t.id AND o.published_at IS NULL)
		ORDER BY t.urgent DESC, t.created_at, t.id`
	res, err := q.db.ExecContext(ctx, ins, stringArray(queues), now)
	if err != nil {
		return 0, fmt.Errorf("republish open tickets: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// OpenUnclaimedTickets lists every open, unassigned ticket, urgent first,
// then oldest.
func (q *Queries) OpenUnclaimedTickets(ctx context.Context) ([]Ticket, error) {
	var ts []Ticket
	err := q.db.SelectContext(ctx, &ts, `SELECT `+ticketColumns+` FROM tickets
		WHERE status = 'open' AND assignee_id IS NULL ORDER BY urgent DESC, created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("open unclaimed tickets: %w", err)
	}
	return ts, nil
}

// cardLockClass is the first key of the advisory locks that serialize card
// posting per ticket.
const cardLockClass = 0x0CA4D

// RecordCard notes that the card for this outbox row is being posted. It
// returns false when one was already recorded. Call it in the transaction
// that commits only after the card was handed to the bot: it also takes a
// transaction-scoped advisory lock on the ticket, so two handoffs of one
// ticket (a duplicate entry, a recovered one) are decided one after the
// other and CardPosted sees the earlier. The ticket row itself is not
// locked, so the bot may write to it while posting.
func (q *Queries) RecordCard(ctx context.Context, outboxID, ticketID int64, now time.Time) (bool, error) {
	const lock = `SELECT pg_advisory_xact_lock($1, ($2 % 2147483647)::int)`
	if _, err := q.db.ExecContext(ctx, lock, cardLockClass, ticketID); err != nil {
		return false, fmt.Errorf("lock card of ticket %d: %w", ticketID, err)
	}
	const ins = `INSERT INTO handoff_cards (outbox_id, ticket_id, posted_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`
	res, err := q.db.ExecContext(ctx, ins, outboxID, ticketID, now)
	if err != nil {
		return false, fmt.Errorf("record card: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// CardPosted reports whether a card for the ticket was posted for another
// outbox row than exceptOutbox, or the bot recorded its message.
func (q *Queries) CardPosted(ctx context.Context, ticketID, exceptOutbox int64) (bool, error) {
	const sel = `
		SELECT EXISTS (SELECT 1 FROM handoff_cards WHERE ticket_id = $1 AND outbox_id <> $2)
			OR EXISTS (SELECT 1 FROM tickets WHERE id = $1 AND card_message_id IS NOT NULL)`
	var ok bool
	if err := q.db.GetContext(ctx, &ok, sel, ticketID, exceptOutbox); err != nil {
		return false, fmt.Errorf("card posted: %w", err)
	}
	return ok, nil
}

// QueueWaiting counts the open, unassigned tickets of one queue.
type QueueWaiting struct {
	Queue   string     `db:"queue"`
	Waiting int        `db:"waiting"`
	Oldest  *time.Time `db:"oldest"`
}

// WaitingByQueue counts open, unassigned tickets per queue (UrgentQueue for
// urgent ones) with the creation time of the oldest. Empty queues are absent.
func (q *Queries) WaitingByQueue(ctx context.Context) ([]QueueWaiting, error) {
	const sel = `
		SELECT CASE WHEN urgent THEN 'urgent' ELSE queue END AS queue, count(*) AS waiting,
			min(created_at) AS oldest
		FROM tickets WHERE status = 'open' AND assignee_id IS NULL
		GROUP BY 1 ORDER BY 1`
	var ws []QueueWaiting
	if err := q.db.SelectContext(ctx, &ws, sel); err != nil {
		return nil, fmt.Errorf("waiting by queue: %w", err)
	}
	return ws, nil
}
