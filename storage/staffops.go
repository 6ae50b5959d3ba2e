package storage

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Resolution is what a staff member reports when a ticket is done.
// Complaints also need Cause (原因分析) and Action (整改措施).
type Resolution struct {
	Opinion string // the handling opinion shown to the owner (处理意见)
	Cause   string
	Action  string
}

// ResolveTicket marks a ticket that still needs work as resolved, waiting
// for the owner's confirmation: resolved_at, the resolution and, for
// complaints, cause and corrective action, plus a "resolved" event, in the
// caller's transaction. A ticket nobody held becomes by's. Only the assignee
// or a supervisor may resolve, and a complaint needs cause and action:
// ErrNotAllowed otherwise; an unknown ticket gives ErrNotFound.
func (q *Queries) ResolveTicket(ctx context.Context, ticketID int64, by Staff, r Resolution, now time.Time) (Ticket, error) {
	cur, err := q.lockTicket(ctx, ticketID)
	if err != nil {
		return Ticket{}, err
	}
	if !mayHandOn(cur, by) {
		return cur, fmt.Errorf("resolve %s: %w", cur.Code, ErrNotAllowed)
	}
	if cur.Kind == KindComplaint && (strings.TrimSpace(r.Cause) == "" || strings.TrimSpace(r.Action) == "") {
		return cur, fmt.Errorf("resolve complaint %s without cause and action: %w", cur.Code, ErrNotAllowed)
	}
	const upd = `
		UPDATE tickets SET status = 'resolved', resolved_at = $2, updated_at = $2,
			assignee_id = COALESCE(assignee_id, $3), claimed_at = COALESCE(claimed_at, $2),
			resolution = $4, cause = $5, corrective_action = $6
		WHERE id = $1
		RETURNING ` + ticketColumns
	var t Ticket
	if err := q.db.GetContext(ctx, &t, upd, ticketID, now, by.ID, r.Opinion, r.Cause, r.Action); err != nil {
		return Ticket{}, fmt.Errorf("resolve %s: %w", cur.Code, err)
	}
	detail := map[string]any{"resolution": r.Opinion}
	if r.Cause != "" || r.Action != "" {
		detail["cause"], detail["corrective_action"] = r.Cause, r.Action
	}
	if err := q.AddEvent(ctx, staffEvent(t.ID, by, "resolved", now, detail)); err != nil {
		return Ticket{}, err
	}
	return t, nil
}

// ProgressTicket records progress on a claimed or in-progress ticket: status
// in_progress and a "progress" event with the note, in the caller's
// transaction. Only the assignee or a supervisor may report progress
// (ErrNotAllowed otherwise, and for a ticket nobody holds).
func (q *Queries) ProgressTicket(ctx context.Context, ticketID int64, by Staff, note string, now time.Time) (Ticket, error) {
	cur, err := q.lockTicket(ctx, ticketID)
	if err != nil {
		return Ticket{}, err
	}
	if cur.AssigneeID == nil || !mayHandOn(cur, by) {
		return cur, fmt.Errorf("progress %s: %w", cur.Code, ErrNotAllowed)
	}
	const upd = `UPDATE tickets SET status = 'in_progress', updated_at = $2 WHERE id = $1 RETURNING ` + ticketColumns
	var t Ticket
	if err := q.db.GetContext(ctx, &t, upd, ticketID, now); err != nil {
		return Ticket{}, fmt.Errorf("progress %s: %w", cur.Code, err)
	}
	if err := q.AddEvent(ctx, staffEvent(t.ID, by, "progress", now, map[string]any{"note": note})); err != nil {
		return Ticket{}, err
	}
	return t, nil
}

// AddNote writes an internal "note" event by a staff member; owners never
// see notes.
func (q *Queries) AddNote(ctx context.Context, ticketID int64, by Staff, note string, now time.Time) error {
	return q.AddEvent(ctx, staffEvent(ticketID, by, "note", now, map[string]any{"note": note}))
}

// ActiveStaffByName returns the active staff member with this name (case
// does not matter), ErrNotFound when there is none and ErrDuplicate when
// several share it.
func (q *Queries) ActiveStaffByName(ctx context.Context, name string) (Staff, error) {
	var ss []Staff
	const sel = `SELECT ` + staffColumns + ` FROM staff WHERE active AND lower(name) = lower($1) ORDER BY id LIMIT 2`
	if err := q.db.SelectContext(ctx, &ss, sel, strings.TrimSpace(name)); err != nil {
		return Staff{}, fmt.Errorf("staff named %q: %w", name, err)
	}
	switch len(ss) {
	case 0:
		return Staff{}, fmt.Errorf("staff named %q: %w", name, ErrNotFound)
	case 1:
		return ss[0], nil
	}
	return Staff{}, fmt.Errorf("staff named %q: %w", name, ErrDuplicate)
}

// RecentMessages returns the ticket's last n transcript lines, oldest first.
func (q *Queries) RecentMessages(ctx context.Context, ticketID int64, n int) ([]Message, error) {
	var ms []Message
	const sel = `SELECT * FROM (
			SELECT id, ticket_id, chat_id, direction, author, staff_id, text, photo, update_id, at
			FROM messages WHERE ticket_id = $1 ORDER BY id DESC LIMIT $2) m
		ORDER BY id`
	if err := q.db.SelectContext(ctx, &ms, sel, ticketID, n); err != nil {
		return nil, fmt.Errorf("recent messages: %w", err)
	}
	return ms, nil
}
