package storage

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// lockTicket returns the ticket, locked until the transaction ends, or
// ErrNotFound.
func (q *Queries) lockTicket(ctx context.Context, id int64) (Ticket, error) {
	var t Ticket
	err := q.db.GetContext(ctx, &t, `SELECT `+ticketColumns+` FROM tickets WHERE id = $1 FOR UPDATE`, id)
	if err != nil {
		return Ticket{}, fmt.Errorf("lock ticket %d: %w", id, mapErr(err))
	}
	return t, nil
}

func staffEvent(ticketID int64, by Staff, kind string, at time.Time, detail map[string]any) Event {
	id := by.ID
	return Event{TicketID: ticketID, At: at, Actor: ActorStaff, StaffID: &id, Kind: kind, Detail: detail}
}

// ClaimTicket makes staffID the assignee of an open, unassigned ticket with
// one conditional UPDATE, so of many concurrent claims exactly one wins, and
// writes the "claimed" event. Run it in a transaction (Store.InTx) so the
// event commits with the claim.
//
// When the ticket is already assigned to someone else it returns the current
// ticket and an error wrapping ErrAlreadyClaimed, so the caller can say who
// has it; claiming one's own ticket again returns it without error. A
// ticket that is no longer open (resolved, closed, cancelled) gives
// ErrNotAllowed, an unknown one ErrNotFound.
func (q *Queries) ClaimTicket(ctx context.Context, ticketID int64, by Staff, now time.Time) (Ticket, error) {
	const upd = `
		UPDATE tickets SET status = 'claimed', assignee_id = $2, claimed_at = $3, updated_at = $3
		WHERE id = $1 AND status = 'open' AND assignee_id IS NULL
		RETURNING ` + ticketColumns
	var t Ticket
	err := q.db.GetContext(ctx, &t, upd, ticketID, by.ID, now)
	if errors.Is(mapErr(err), ErrNotFound) {
		cur, err := q.Ticket(ctx, ticketID)
		switch {
		case err != nil:
			return Ticket{}, fmt.Errorf("claim: %w", err)
		case cur.AssigneeID != nil && *cur.AssigneeID == by.ID:
			return cur, nil
		case cur.AssigneeID != nil:
			return cur, fmt.Errorf("claim %s: %w", cur.Code, ErrAlreadyClaimed)
		default:
			return cur, fmt.Errorf("claim %s (%s): %w", cur.Code, cur.Status, ErrNotAllowed)
		}
	}
	if err != nil {
		return Ticket{}, fmt.Errorf("claim ticket %d: %w", ticketID, err)
	}
	ev := staffEvent(t.ID, by, "claimed", now, map[string]any{"staff_id": by.ID})
	if err := q.AddEvent(ctx, ev); err != nil {
		return Ticket{}, err
	}
	return t, nil
}

// mayHandOn reports whether by may release or transfer t: its assignee, or a
// supervisor while the ticket still needs work.
func mayHandOn(t Ticket, by Staff) bool {
	if !t.Open() {
		return false
	}
	if by.Role == RoleSupervisor {
		return true
	}
	return t.AssigneeID != nil && *t.AssigneeID == by.ID
}

// ReleaseTicket gives a claimed ticket back: status open, no assignee, a new
// claim deadline, a "released" event and an outbox row (reason "released")
// that republishes it, all in the caller's transaction. Only the assignee or
// a supervisor may release (ErrNotAllowed otherwise, or when the ticket is
// not claimed).
func (q *Queries) ReleaseTicket(ctx context.Context, ticketID int64, by Staff, claimDue, now time.Time) (Ticket, error) {
	cur, err := q.lockTicket(ctx, ticketID)
	if err != nil {
		return Ticket{}, err
	}
	if cur.AssigneeID == nil || !mayHandOn(cur, by) {
		return cur, fmt.Errorf("release %s: %w", cur.Code, ErrNotAllowed)
	}
	const upd = `
		UPDATE tickets SET status = 'open', assignee_id = NULL, claimed_at = NULL,
			claim_due_at = $2, updated_at = $3
		WHERE id = $1
		RETURNING ` + ticketColumns
	var t Ticket
	if err := q.db.GetContext(ctx, &t, upd, ticketID, claimDue, now); err != nil {
		return Ticket{}, fmt.Errorf("release %s: %w", cur.Code, err)
	}
	ev := staffEvent(t.ID, by, "released", now, map[string]any{"from_staff_id": *cur.AssigneeID})
	if err := q.AddEvent(ctx, ev); err != nil {
		return Ticket{}, err
	}
	if err := q.EnqueueHandoffReason(ctx, t, ReasonReleased, now); err != nil {
		return Ticket{}, err
	}
	return t, nil
}

// TransferTicket hands a ticket on, in the caller's transaction. With to set
// it becomes to's ticket directly (claimed, or still in progress); otherwise
// it goes back to queue (a ticket kind) as open and unassigned, with a new
// claim deadline and an outbox row (reason "transferred"). Either way a
// "transferred" event is written. Only the assignee or a supervisor may
// transfer, and only to an active staff member: ErrNotAllowed otherwise.
func (q *Queries) TransferTicket(ctx context.Context, ticketID int64, by Staff, to *Staff, queue string, claimDue, now time.Time) (Ticket, error) {
	cur, err := q.lockTicket(ctx, ticketID)
	if err != nil {
		return Ticket{}, err
	}
	if !mayHandOn(cur, by) {
		return cur, fmt.Errorf("transfer %s: %w", cur.Code, ErrNotAllowed)
	}
	detail := map[string]any{}
	if cur.AssigneeID != nil {
		detail["from_staff_id"] = *cur.AssigneeID
	}
	var t Ticket
	if to != nil {
		if !to.Active {
			return cur, fmt.Errorf("transfer %s to inactive staff %d: %w", cur.Code, to.ID, ErrNotAllowed)
		}
		const upd = `
			UPDATE tickets SET assignee_id = $2, claimed_at = $3, updated_at = $3,
				status = CASE WHEN status = 'in_progress' THEN status ELSE 'claimed' END
			WHERE id = $1
			RETURNING ` + ticketColumns
		if err := q.db.GetContext(ctx, &t, upd, ticketID, to.ID, now); err != nil {
			return Ticket{}, fmt.Errorf("transfer %s: %w", cur.Code, err)
		}
		detail["to_staff_id"] = to.ID
	} else {
		switch queue {
		case KindRepair, KindComplaint, KindInquiry:
		default:
			return cur, fmt.Errorf("transfer %s to unknown queue %q: %w", cur.Code, queue, ErrNotAllowed)
		}
		const upd = `
			UPDATE tickets SET status = 'open', assignee_id = NULL, claimed_at = NULL, queue = $2,
				claim_due_at = $3, updated_at = $4
			WHERE id = $1
			RETURNING ` + ticketColumns
		if err := q.db.GetContext(ctx, &t, upd, ticketID, queue, claimDue, now); err != nil {
			return Ticket{}, fmt.Errorf("transfer %s: %w", cur.Code, err)
		}
		detail["from_queue"] = cur.Queue
		detail["to_queue"] = queue
	}
	if err := q.AddEvent(ctx, staffEvent(t.ID, by, "transferred", now, detail)); err != nil {
		return Ticket{}, err
	}
	if to == nil {
		if err := q.EnqueueHandoffReason(ctx, t, ReasonTransferred, now); err != nil {
			return Ticket{}, err
		}
	}
	return t, nil
}

// AssigneeTickets lists the tickets staffID is handling or waiting on the
// owner to confirm (for /mine), urgent first, then oldest.
func (q *Queries) AssigneeTickets(ctx context.Context, staffID int64) ([]Ticket, error) {
	var ts []Ticket
	err := q.db.SelectContext(ctx, &ts, `SELECT `+ticketColumns+` FROM tickets
		WHERE assignee_id = $1 AND status IN ('claimed', 'in_progress', 'resolved')
		ORDER BY urgent DESC, created_at, id`, staffID)
	if err != nil {
		return nil, fmt.Errorf("assignee tickets: %w", err)
	}
	return ts, nil
}
