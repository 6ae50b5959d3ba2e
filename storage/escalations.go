package storage

import (
	"context"
	"fmt"
	"time"
)

// Escalation reasons, recorded on the "escalated" event.
const (
	EscalateUnclaimed = "unclaimed" // open and unassigned past claim_due_at
	EscalateOverdue   = "overdue"   // assigned and not resolved past sla_due_at
	EscalatePoison    = "poison"    // its queue entry kept failing
)

// UnclaimedDue locks up to limit open, unassigned tickets whose claim
// deadline has passed at now, urgent first, skipping rows another process
// holds. Call it in a transaction and MarkEscalated each before committing.
func (q *Queries) UnclaimedDue(ctx context.Context, now time.Time, limit int) ([]Ticket, error) {
	var ts []Ticket
	err := q.db.SelectContext(ctx, &ts, `SELECT `+ticketColumns+` FROM tickets
		WHERE status = 'open' AND assignee_id IS NULL AND claim_due_at <= $1
		ORDER BY urgent DESC, claim_due_at, id
		LIMIT $2
		FOR UPDATE SKIP LOCKED`, now, limit)
	if err != nil {
		return nil, fmt.Errorf("unclaimed due: %w", err)
	}
	return ts, nil
}

// OverdueClaimed locks up to limit assigned tickets, not yet resolved, past
// their SLA at now and not escalated as overdue yet, skipping rows another
// process holds. Call it in a transaction and MarkEscalated each.
func (q *Queries) OverdueClaimed(ctx context.Context, now time.Time, limit int) ([]Ticket, error) {
	var ts []Ticket
	err := q.db.SelectContext(ctx, &ts, `SELECT `+ticketColumns+` FROM tickets
		WHERE status IN ('claimed', 'in_progress') AND sla_due_at <= $1 AND overdue_escalated_at IS NULL
		ORDER BY urgent DESC, sla_due_at, id
		LIMIT $2
		FOR UPDATE SKIP LOCKED`, now, limit)
	if err != nil {
		return nil, fmt.Errorf("overdue claimed: %w", err)
	}
	return ts, nil
}

// MarkEscalated records an escalation: escalated_at, for "overdue" the
// once-only mark, for "unclaimed" the next claim deadline (nextClaimDue, so
// it alerts again one period later if still unclaimed), and an "escalated"
// event by the system with the reason.
func (q *Queries) MarkEscalated(ctx context.Context, ticketID int64, reason string, nextClaimDue *time.Time, now time.Time) error {
	const upd = `
		UPDATE tickets SET escalated_at = $3, updated_at = $3,
			claim_due_at = COALESCE($4, claim_due_at),
			overdue_escalated_at = CASE WHEN $2 = 'overdue' THEN $3 ELSE overdue_escalated_at END
		WHERE id = $1`
	if _, err := q.db.ExecContext(ctx, upd, ticketID, reason, now, nextClaimDue); err != nil {
		return fmt.Errorf("mark ticket %d escalated: %w", ticketID, err)
	}
	ev := Event{TicketID: ticketID, At: now, Actor: ActorSystem, Kind: "escalated", Detail: map[string]any{"reason": reason}}
	return q.AddEvent(ctx, ev)
}

// ClearOverdueEscalation undoes the once-only overdue mark, so the alert is
// tried again when the supervisors could not be told.
func (q *Queries) ClearOverdueEscalation(ctx context.Context, ticketID int64) error {
	if _, err := q.db.ExecContext(ctx, `UPDATE tickets SET overdue_escalated_at = NULL WHERE id = $1`, ticketID); err != nil {
		return fmt.Errorf("clear overdue mark %d: %w", ticketID, err)
	}
	return nil
}
