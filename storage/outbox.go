package storage

import (
	"context"
	"fmt"
	"time"
)

// Handoff is an outbox row: a ticket that must reach the staff queue.
type Handoff struct {
	ID          int64      `db:"id"`
	TicketID    int64      `db:"ticket_id"`
	Queue       string     `db:"queue"`
	Urgent      bool       `db:"urgent"`
	CreatedAt   time.Time  `db:"created_at"`
	PublishedAt *time.Time `db:"published_at"`
	StreamID    string     `db:"stream_id"`
	Attempts    int        `db:"attempts"`
}

// EnqueueHandoff writes the outbox row that hands the ticket to staff.
func (q *Queries) EnqueueHandoff(ctx context.Context, t Ticket, now time.Time) error {
	const ins = `INSERT INTO outbox (ticket_id, queue, urgent, created_at) VALUES ($1, $2, $3, $4)`
	if _, err := q.db.ExecContext(ctx, ins, t.ID, t.Queue, t.Urgent, now); err != nil {
		return fmt.Errorf("enqueue handoff %s: %w", t.Code, err)
	}
	return nil
}

// PendingHandoffs locks up to limit unpublished outbox rows, urgent first,
// skipping rows another relay holds. Call it inside a transaction and mark
// what was published before committing.
func (q *Queries) PendingHandoffs(ctx context.Context, limit int) ([]Handoff, error) {
	var hs []Handoff
	const sel = `
		SELECT id, ticket_id, queue, urgent, created_at, published_at, stream_id, attempts
		FROM outbox WHERE published_at IS NULL
		ORDER BY urgent DESC, id
		LIMIT $1
		FOR UPDATE SKIP LOCKED`
	if err := q.db.SelectContext(ctx, &hs, sel, limit); err != nil {
		return nil, fmt.Errorf("pending handoffs: %w", err)
	}
	return hs, nil
}

// MarkHandoffPublished records the stream entry an outbox row became.
func (q *Queries) MarkHandoffPublished(ctx context.Context, id int64, streamID string, at time.Time) error {
	const upd = `UPDATE outbox SET published_at = $2, stream_id = $3, attempts = attempts + 1 WHERE id = $1`
	if _, err := q.db.ExecContext(ctx, upd, id, at, streamID); err != nil {
		return fmt.Errorf("mark handoff %d published: %w", id, err)
	}
	return nil
}
