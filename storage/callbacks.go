package storage

import (
	"context"
	"fmt"
	"time"
)

// Callback statuses: a job is scheduled, the owner is asked for a score,
// scores it (a comment may follow), and the job ends done, without an
// answer, or cancelled.
const (
	CallbackScheduled  = "scheduled"
	CallbackAsked      = "asked"
	CallbackScored     = "scored"
	CallbackDone       = "done"
	CallbackNoResponse = "no_response"
	CallbackCancelled  = "cancelled"
)

// Callback is one satisfaction callback (回访) job. DueAt is when the
// scheduler next looks at it: the first question, a reminder, giving up, or
// the end of the wait for a comment.
type Callback struct {
	ID          int64      `db:"id"`
	TicketID    int64      `db:"ticket_id"`
	Status      string     `db:"status"`
	DueAt       time.Time  `db:"due_at"`
	AskedAt     *time.Time `db:"asked_at"`
	Reminders   int        `db:"reminders"`
	Score       *int16     `db:"score"`
	Comment     string     `db:"comment"`
	CreatedAt   time.Time  `db:"created_at"`
	FinishedAt  *time.Time `db:"finished_at"`
	ComplaintID *int64     `db:"complaint_id"`
	EscalatedAt *time.Time `db:"escalated_at"`
}

const callbackColumns = `id, ticket_id, status, due_at, asked_at, reminders, score, comment, created_at,
	finished_at, complaint_id, escalated_at`

// ScheduleCallback creates the ticket's callback job due at due. A ticket
// has at most one job in progress: when one exists it is returned with
// created false.
func (q *Queries) ScheduleCallback(ctx context.Context, ticketID int64, due, now time.Time) (c Callback, created bool, err error) {
	const ins = `
		INSERT INTO callbacks (ticket_id, due_at, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (ticket_id) WHERE status IN ('scheduled', 'asked', 'scored') DO NOTHING
		RETURNING ` + callbackColumns
	err = q.db.GetContext(ctx, &c, ins, ticketID, due, now)
	if mapErr(err) == ErrNotFound {
		const sel = `SELECT ` + callbackColumns + ` FROM callbacks
			WHERE ticket_id = $1 AND status IN ('scheduled', 'asked', 'scored')`
		if err := q.db.GetContext(ctx, &c, sel, ticketID); err != nil {
			return Callback{}, false, fmt.Errorf("callback of ticket %d: %w", ticketID, mapErr(err))
		}
		return c, false, nil
	}
	if err != nil {
		return Callback{}, false, fmt.Errorf("schedule callback for ticket %d: %w", ticketID, err)
	}
	return c, true, nil
}

// ClaimDueCallback locks one callback job the scheduler must act on now: a
// scheduled, asked or scored job that is due, or one whose complaint still
// needs escalating. Jobs another scheduler holds are skipped; ErrNotFound
// when there is nothing to do. Call it in a transaction and save the job
// before committing.
func (q *Queries) ClaimDueCallback(ctx context.Context, now time.Time) (Callback, error) {
	const sel = `
		SELECT ` + callbackColumns + ` FROM callbacks
		WHERE (status IN ('scheduled', 'asked', 'scored') AND due_at <= $1)
			OR (complaint_id IS NOT NULL AND escalated_at IS NULL)
		ORDER BY due_at, id
		LIMIT 1
		FOR UPDATE SKIP LOCKED`
	var c Callback
	if err := q.db.GetContext(ctx, &c, sel, now); err != nil {
		return Callback{}, fmt.Errorf("claim due callback: %w", mapErr(err))
	}
	return c, nil
}

// LockCallback returns the callback job with this id, locked for the
// transaction, or ErrNotFound.
func (q *Queries) LockCallback(ctx context.Context, id int64) (Callback, error) {
	var c Callback
	err := q.db.GetContext(ctx, &c, `SELECT `+callbackColumns+` FROM callbacks WHERE id = $1 FOR UPDATE`, id)
	if err != nil {
		return Callback{}, fmt.Errorf("callback %d: %w", id, mapErr(err))
	}
	return c, nil
}

// OwnerScoredCallback returns, locked, the owner's callback that has a score
// and waits for an optional comment, or ErrNotFound.
func (q *Queries) OwnerScoredCallback(ctx context.Context, ownerID int64) (Callback, error) {
	const sel = `
		SELECT c.id, c.ticket_id, c.status, c.due_at, c.asked_at, c.reminders, c.score, c.comment, c.created_at,
			c.finished_at, c.complaint_id, c.escalated_at
		FROM callbacks c JOIN tickets t ON t.id = c.ticket_id
		WHERE t.owner_id = $1 AND c.status = 'scored'
		ORDER BY c.id DESC
		LIMIT 1
		FOR UPDATE OF c`
	var c Callback
	if err := q.db.GetContext(ctx, &c, sel, ownerID); err != nil {
		return Callback{}, fmt.Errorf("scored callback of owner %d: %w", ownerID, mapErr(err))
	}
	return c, nil
}

// SaveCallback writes the job's state back.
func (q *Queries) SaveCallback(ctx context.Context, c Callback) error {
	const upd = `
		UPDATE callbacks SET status = $2, due_at = $3, asked_at = $4, reminders = $5, score = $6, comment = $7,
			finished_at = $8, complaint_id = $9, escalated_at = $10
		WHERE id = $1`
	res, err := q.db.ExecContext(ctx, upd, c.ID, c.Status, c.DueAt, c.AskedAt, c.Reminders, c.Score, c.Comment,
		c.FinishedAt, c.ComplaintID, c.EscalatedAt)
	if err != nil {
		return fmt.Errorf("save callback %d: %w", c.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("save callback %d: %w", c.ID, ErrNotFound)
	}
	return nil
}

// CancelCallbacks cancels the ticket's callback jobs still in progress
// (the ticket was reopened).
func (q *Queries) CancelCallbacks(ctx context.Context, ticketID int64, now time.Time) error {
	const upd = `UPDATE callbacks SET status = 'cancelled', finished_at = $2
		WHERE ticket_id = $1 AND status IN ('scheduled', 'asked', 'scored')`
	if _, err := q.db.ExecContext(ctx, upd, ticketID, now); err != nil {
		return fmt.Errorf("cancel callbacks of ticket %d: %w", ticketID, err)
	}
	return nil
}

// SetSatisfaction records the owner's score and comment on the ticket; a
// nil score keeps the one recorded.
func (q *Queries) SetSatisfaction(ctx context.Context, ticketID int64, score *int16, note string, now time.Time) error {
	const upd = `UPDATE tickets SET satisfaction = COALESCE($2, satisfaction), satisfaction_note = $3, updated_at = $4 WHERE id = $1`
	if _, err := q.db.ExecContext(ctx, upd, ticketID, score, note, now); err != nil {
		return fmt.Errorf("set satisfaction of ticket %d: %w", ticketID, err)
	}
	return nil
}
