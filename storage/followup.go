package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// CloseResolved closes a ticket that is waiting for the owner's
// confirmation, with an event of kind eventKind ("confirmed" by the owner,
// "auto_closed" by the system). closed is false, with the ticket as it is,
// when the ticket was not resolved.
func (q *Queries) CloseResolved(ctx context.Context, id int64, now time.Time, actor, eventKind string) (t Ticket, closed bool, err error) {
	const upd = `UPDATE tickets SET status = 'closed', closed_at = $2, updated_at = $2
		WHERE id = $1 AND status = 'resolved' RETURNING ` + ticketColumns
	err = q.db.GetContext(ctx, &t, upd, id, now)
	if mapErr(err) == ErrNotFound {
		t, err = q.Ticket(ctx, id)
		return t, false, err
	}
	if err != nil {
		return Ticket{}, false, fmt.Errorf("close ticket %d: %w", id, err)
	}
	return t, true, q.AddEvent(ctx, Event{TicketID: id, At: now, Actor: actor, Kind: eventKind})
}

// ReopenResolved puts a resolved ticket back to work because the owner says
// it is not solved: back to its assignee ('claimed'), or, with none, 'open'
// and handed off again (an outbox row with reason "released", so the card is
// reposted; claim due after claimDue). The work gets a fresh deadline (sla
// from now, overdue alert re-armed). It cancels any callback in progress and
// records a "reopened" event with detail. A ticket closed less than
// ReopenWithin ago (auto-closed, or confirmed too soon) reopens the same way.
// reopened is false, with the ticket as it is, otherwise.
func (q *Queries) ReopenResolved(ctx context.Context, id int64, now time.Time, claimDue, sla time.Duration, detail map[string]any) (t Ticket, reopened bool, err error) {
	const upd = `
		UPDATE tickets SET
			status = CASE WHEN assignee_id IS NULL THEN 'open' ELSE 'claimed' END,
			claim_due_at = CASE WHEN assignee_id IS NULL THEN $3::timestamptz ELSE claim_due_at END,
			sla_due_at = $4, overdue_escalated_at = NULL,
			resolved_at = NULL, closed_at = NULL, updated_at = $2
		WHERE id = $1 AND (status = 'resolved' OR status = 'closed' AND closed_at >= $5)
		RETURNING ` + ticketColumns
	err = q.db.GetContext(ctx, &t, upd, id, now, now.Add(claimDue), now.Add(sla), now.Add(-ReopenWithin))
	if mapErr(err) == ErrNotFound {
		t, err = q.Ticket(ctx, id)
		return t, false, err
	}
	if err != nil {
		return Ticket{}, false, fmt.Errorf("reopen ticket %d: %w", id, err)
	}
	if t.Status == StatusOpen {
		if err := q.EnqueueHandoffReason(ctx, t, ReasonReleased, now); err != nil {
			return Ticket{}, false, err
		}
	}
	if err := q.CancelCallbacks(ctx, id, now); err != nil {
		return Ticket{}, false, err
	}
	return t, true, q.AddEvent(ctx, Event{TicketID: id, At: now, Actor: ActorOwner, Kind: "reopened", Detail: detail})
}

// ReopenWithin is how long after closing an owner may still say "not yet".
const ReopenWithin = 7 * 24 * time.Hour

// ClaimStaleResolved locks one ticket resolved at or before before and still
// unconfirmed, skipping tickets another process holds; ErrNotFound when
// there is none. Call it in a transaction.
func (q *Queries) ClaimStaleResolved(ctx context.Context, before time.Time) (Ticket, error) {
	const sel = `SELECT ` + ticketColumns + ` FROM tickets
		WHERE status = 'resolved' AND resolved_at <= $1
		ORDER BY resolved_at, id
		LIMIT 1
		FOR UPDATE SKIP LOCKED`
	var t Ticket
	if err := q.db.GetContext(ctx, &t, sel, before); err != nil {
		return Ticket{}, fmt.Errorf("stale resolved ticket: %w", mapErr(err))
	}
	return t, nil
}

// FileMessage files the transcript line that update updateID brought in
// chat chatID under the ticket (a follow-up to it).
func (q *Queries) FileMessage(ctx context.Context, chatID, updateID, ticketID int64) error {
	const upd = `UPDATE messages SET ticket_id = $3 WHERE chat_id = $1 AND update_id = $2 AND ticket_id IS NULL`
	if _, err := q.db.ExecContext(ctx, upd, chatID, updateID, ticketID); err != nil {
		return fmt.Errorf("file message of update %d: %w", updateID, err)
	}
	return nil
}

// LatestEvents returns the ticket's last n events, newest first.
func (q *Queries) LatestEvents(ctx context.Context, ticketID int64, n int) ([]Event, error) {
	var es []Event
	err := q.db.SelectContext(ctx, &es, `SELECT id, ticket_id, at, actor, staff_id, kind, detail
		FROM ticket_events WHERE ticket_id = $1 ORDER BY id DESC LIMIT $2`, ticketID, n)
	if err != nil {
		return nil, fmt.Errorf("latest events: %w", err)
	}
	for i := range es {
		json.Unmarshal(es[i].Raw, &es[i].Detail)
	}
	return es, nil
}

// EventOfKind returns the ticket's latest event of this kind, or ErrNotFound.
func (q *Queries) EventOfKind(ctx context.Context, ticketID int64, kind string) (Event, error) {
	var e Event
	err := q.db.GetContext(ctx, &e, `SELECT id, ticket_id, at, actor, staff_id, kind, detail
		FROM ticket_events WHERE ticket_id = $1 AND kind = $2 ORDER BY id DESC LIMIT 1`, ticketID, kind)
	if err != nil {
		return Event{}, fmt.Errorf("%s event: %w", kind, mapErr(err))
	}
	json.Unmarshal(e.Raw, &e.Detail)
	return e, nil
}

// HandOffAnswered turns an inquiry the knowledge base answered into one for
// staff (the owner said the answer did not help): open again, with claim
// and answer deadlines, an event, and the handoff in the outbox. Only the
// owner's own answered inquiry qualifies; false otherwise.
func (q *Queries) HandOffAnswered(ctx context.Context, id, ownerID int64, now time.Time, claimDue, sla time.Duration) (Ticket, bool, error) {
	const upd = `
		UPDATE tickets SET status = 'open', answered = false, closed_at = NULL,
			claim_due_at = $4, sla_due_at = $5, updated_at = $3
		WHERE id = $1 AND owner_id = $2 AND answered AND status = 'closed'
		RETURNING ` + ticketColumns
	var t Ticket
	err := q.db.GetContext(ctx, &t, upd, id, ownerID, now, now.Add(claimDue), now.Add(sla))
	if mapErr(err) == ErrNotFound {
		return Ticket{}, false, nil
	}
	if err != nil {
		return Ticket{}, false, fmt.Errorf("hand off answered %d: %w", id, err)
	}
	if err := q.EnqueueHandoff(ctx, t, now); err != nil {
		return Ticket{}, false, err
	}
	return t, true, q.AddEvent(ctx, Event{TicketID: id, At: now, Actor: ActorOwner, Kind: "asked_for_staff"})
}
