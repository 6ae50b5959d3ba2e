package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// Purposes of outgoing messages whose Telegram message id matters later.
const (
	PurposeCard  = "card"  // a handoff card in the staff group; its id lets the card be edited
	PurposeRelay = "relay" // an owner's words relayed to staff; replying to it answers the owner
)

// Outgoing is one message (or edit) waiting for, or done with, the sender.
// Payload is the sender's own JSON; storage does not look inside.
type Outgoing struct {
	ID          int64           `db:"id"`
	ChatID      int64           `db:"chat_id"`
	Payload     json.RawMessage `db:"payload"`
	Urgent      bool            `db:"urgent"`
	TicketID    *int64          `db:"ticket_id"`
	Purpose     string          `db:"purpose"`
	CreatedAt   time.Time       `db:"created_at"`
	NotBefore   time.Time       `db:"not_before"`
	LeasedUntil *time.Time      `db:"leased_until"`
	Attempts    int             `db:"attempts"`
	SentAt      *time.Time      `db:"sent_at"`
	MessageID   *int64          `db:"message_id"`
}

const outgoingColumns = `id, chat_id, payload, urgent, ticket_id, purpose, created_at, not_before,
	leased_until, attempts, sent_at, message_id`

// EnqueueOutgoing stores a message for the sender, leased to the caller until
// leaseUntil so that the caller may send it at once without another sender
// taking it. The stored row is returned with its id.
func (q *Queries) EnqueueOutgoing(ctx context.Context, o Outgoing, leaseUntil time.Time) (Outgoing, error) {
	if o.CreatedAt.IsZero() {
		o.CreatedAt = time.Now()
	}
	if o.NotBefore.IsZero() {
		o.NotBefore = o.CreatedAt
	}
	const ins = `
		INSERT INTO outgoing (chat_id, payload, urgent, ticket_id, purpose, created_at, not_before, leased_until)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		RETURNING id`
	var lease *time.Time
	if !leaseUntil.IsZero() {
		lease = &leaseUntil
	}
	if err := q.db.GetContext(ctx, &o.ID, ins, o.ChatID, string(o.Payload), o.Urgent, o.TicketID, o.Purpose,
		o.CreatedAt, o.NotBefore, lease); err != nil {
		return Outgoing{}, fmt.Errorf("enqueue outgoing: %w", err)
	}
	o.LeasedUntil = lease
	return o, nil
}

// FinishTurn writes, in one statement, the end of a conversation turn: the
// inbound transcript line (if any), the chat's conversation state (if any)
// and the outgoing messages, leased until leaseUntil. It returns the
// messages with their ids, in the order given.
func (q *Queries) FinishTurn(ctx context.Context, in *Message, conv *Conversation, out []Outgoing, leaseUntil time.Time) ([]Outgoing, error) {
	n := len(out)
	chats, tickets := make([]int64, n), make([]int64, n)
	payloads, purposes, created := make([]string, n), make([]string, n), make([]string, n)
	urgent := make([]bool, n)
	for i, o := range out {
		if o.CreatedAt.IsZero() {
			out[i].CreatedAt = time.Now()
		}
		chats[i], payloads[i], urgent[i], purposes[i] = o.ChatID, string(o.Payload), o.Urgent, o.Purpose
		created[i] = out[i].CreatedAt.UTC().Format(time.RFC3339Nano)
		if o.TicketID != nil {
			tickets[i] = *o.TicketID
		}
	}
	var m Message
	if in != nil {
		m = *in
		if m.At.IsZero() {
			m.At = time.Now()
		}
	}
	c := Conversation{Data: json.RawMessage("{}")}
	if conv != nil {
		c = *conv
		if len(c.Data) == 0 {
			c.Data = json.RawMessage("{}")
		}
	}
	const stmt = `
		WITH m AS (
			INSERT INTO messages (ticket_id, chat_id, direction, author, staff_id, text, photo, update_id, at)
			SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 WHERE $10),
		c AS (
			INSERT INTO conversations (chat_id, state, data, updated_at, expires_at)
			SELECT $18, $19, $20, $21, $22 WHERE $23
			ON CONFLICT (chat_id) DO UPDATE SET state = EXCLUDED.state, data = EXCLUDED.data,
				updated_at = EXCLUDED.updated_at, expires_at = EXCLUDED.expires_at),
		o AS (
			INSERT INTO outgoing (chat_id, payload, urgent, ticket_id, purpose, created_at, not_before, leased_until)
			SELECT x.chat, x.payload, x.urgent, NULLIF(x.ticket, 0), x.purpose, x.created, x.created, $17
			FROM unnest($11::bigint[], $12::jsonb[], $13::boolean[], $14::bigint[], $15::text[], $16::timestamptz[])
				WITH ORDINALITY AS x (chat, payload, urgent, ticket, purpose, created, n)
			ORDER BY x.n
			RETURNING id)
		SELECT id FROM o ORDER BY id`
	var ids []int64
	err := q.db.SelectContext(ctx, &ids, stmt, m.TicketID, m.ChatID, cmpOr(m.Direction, "in"), cmpOr(m.Author, AuthorOwner), m.StaffID,
		m.Text, m.Photo, m.UpdateID, m.At, in != nil,
		int64Array(chats), stringArray(payloads), pq.Array(urgent), int64Array(tickets), stringArray(purposes), stringArray(created), leaseUntil,
		c.ChatID, c.State, string(c.Data), c.UpdatedAt, c.ExpiresAt, conv != nil)
	if err != nil {
		return nil, fmt.Errorf("finish turn: %w", err)
	}
	if len(ids) != n {
		return nil, fmt.Errorf("finish turn: %d messages stored of %d", len(ids), n)
	}
	for i := range out {
		out[i].ID = ids[i]
		out[i].NotBefore = out[i].CreatedAt
		lu := leaseUntil
		out[i].LeasedUntil = &lu
	}
	return out, nil
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// LeaseOutgoing takes up to limit unsent messages that are due and not
// leased by another sender, urgent first, and leases them until leaseUntil.
func (s *Store) LeaseOutgoing(ctx context.Context, now, leaseUntil time.Time, limit int) ([]Outgoing, error) {
	var os []Outgoing
	const upd = `
		UPDATE outgoing SET leased_until = $2
		WHERE id IN (
			SELECT id FROM outgoing
			WHERE sent_at IS NULL AND NOT failed AND not_before <= $1
				AND (leased_until IS NULL OR leased_until < $1)
			ORDER BY urgent DESC, id
			LIMIT $3
			FOR UPDATE SKIP LOCKED)
		RETURNING ` + outgoingColumns
	if err := s.db.SelectContext(ctx, &os, upd, now, leaseUntil, limit); err != nil {
		return nil, fmt.Errorf("lease outgoing: %w", err)
	}
	return os, nil
}

// Sent is what Telegram confirmed for one outgoing row.
type Sent struct {
	ID        int64
	MessageID int64
	At        time.Time
}

// MarkSent records confirmed sends in one statement, and remembers the
// message ids of handoff cards on their tickets.
func (s *Store) MarkSent(ctx context.Context, sent []Sent) error {
	if len(sent) == 0 {
		return nil
	}
	ids := make([]int64, len(sent))
	mids := make([]int64, len(sent))
	ats := make([]string, len(sent))
	for i, x := range sent {
		ids[i], mids[i], ats[i] = x.ID, x.MessageID, x.At.UTC().Format(time.RFC3339Nano)
	}
	const upd = `
		WITH done AS (
			UPDATE outgoing o SET sent_at = x.at, message_id = NULLIF(x.mid, 0), attempts = o.attempts + 1, leased_until = NULL
			FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[]) AS x (id, mid, at)
			WHERE o.id = x.id
			RETURNING o.ticket_id, o.purpose, o.chat_id, o.message_id)
		UPDATE tickets t SET card_chat_id = d.chat_id, card_message_id = d.message_id
		FROM done d
		WHERE d.purpose = 'card' AND d.ticket_id = t.id AND d.message_id IS NOT NULL`
	if _, err := s.db.ExecContext(ctx, upd, int64Array(ids), int64Array(mids), stringArray(ats)); err != nil {
		return fmt.Errorf("mark sent: %w", err)
	}
	return nil
}

// RetryOutgoing releases a message after a failed attempt, due again at
// notBefore; after maxAttempts it is set aside as failed.
func (s *Store) RetryOutgoing(ctx context.Context, id int64, notBefore time.Time, msg string, maxAttempts int) (gaveUp bool, err error) {
	const upd = `
		UPDATE outgoing SET attempts = attempts + 1, not_before = $2, last_error = $3,
			leased_until = NULL, failed = attempts + 1 >= $4
		WHERE id = $1 RETURNING failed`
	if err := s.db.GetContext(ctx, &gaveUp, upd, id, notBefore, msg, maxAttempts); err != nil {
		return false, fmt.Errorf("retry outgoing %d: %w", id, mapErr(err))
	}
	return gaveUp, nil
}

// FailOutgoing sets a message aside for good (Telegram refused it: blocked
// by the user, chat not found, bad request).
func (s *Store) FailOutgoing(ctx context.Context, id int64, msg string) error {
	const upd = `UPDATE outgoing SET attempts = attempts + 1, failed = true, last_error = $2, leased_until = NULL WHERE id = $1`
	if _, err := s.db.ExecContext(ctx, upd, id, msg); err != nil {
		return fmt.Errorf("fail outgoing %d: %w", id, err)
	}
	return nil
}

// OutgoingByMessage finds what we sent as Telegram message messageID in chat
// chatID (to route a staff member's reply), or ErrNotFound.
func (q *Queries) OutgoingByMessage(ctx context.Context, chatID, messageID int64) (Outgoing, error) {
	var o Outgoing
	const sel = `SELECT ` + outgoingColumns + ` FROM outgoing WHERE chat_id = $1 AND message_id = $2 ORDER BY id DESC LIMIT 1`
	if err := q.db.GetContext(ctx, &o, sel, chatID, messageID); err != nil {
		return Outgoing{}, fmt.Errorf("outgoing message %d: %w", messageID, mapErr(err))
	}
	return o, nil
}

// RenewOutgoing extends the lease on rows a sender still holds.
func (s *Store) RenewOutgoing(ctx context.Context, ids []int64, until time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	const upd = `UPDATE outgoing SET leased_until = $2 WHERE id = ANY($1) AND sent_at IS NULL`
	if _, err := s.db.ExecContext(ctx, upd, int64Array(ids), until); err != nil {
		return fmt.Errorf("renew outgoing leases: %w", err)
	}
	return nil
}
