package handoff

import (
	"context"

	"concierge/storage"
)

// escalateBatch bounds the tickets one escalation cycle handles.
const escalateBatch = 100

func (h *Hub) escalateLoop(ctx context.Context) {
	every(ctx, h.cfg.RelayInterval, nil, func(ctx context.Context) {
		if err := h.EscalateOnce(ctx); err != nil && ctx.Err() == nil {
			h.log.WarnContext(ctx, "escalation cycle failed", "err", err)
		}
	})
}

// EscalateOnce runs one escalation cycle (Run does this every
// RelayInterval): it alerts the supervisors about tickets unclaimed past their
// claim deadline (and reposts their card), once per claim timeout while
// they stay unclaimed, and about claimed tickets past their SLA, once.
//
// The tickets are locked with SKIP LOCKED and marked in one transaction
// before anyone is told, so two processes never alert twice; the bot is
// told after the commit, so it may write to the ticket freely.
func (h *Hub) EscalateOnce(ctx context.Context) error {
	now := h.cfg.Now()
	var unclaimed, overdue []storage.Ticket
	err := h.store.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		if unclaimed, err = tx.UnclaimedDue(ctx, now, escalateBatch); err != nil {
			return err
		}
		for _, t := range unclaimed {
			next := now.Add(h.claimTimeout(t.Urgent))
			if err := tx.MarkEscalated(ctx, t.ID, storage.EscalateUnclaimed, &next, now); err != nil {
				return err
			}
		}
		if overdue, err = tx.OverdueClaimed(ctx, now, escalateBatch); err != nil {
			return err
		}
		for _, t := range overdue {
			if err := tx.MarkEscalated(ctx, t.ID, storage.EscalateOverdue, nil, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, t := range unclaimed {
		// A failed alert is not retried at once: the ticket alerts again
		// one claim timeout later if still unclaimed.
		if err := h.n.Escalate(ctx, t, storage.EscalateUnclaimed); err != nil {
			h.log.ErrorContext(ctx, "unclaimed ticket not escalated", "ticket", t.Code, "err", err)
			continue
		}
		if err := h.store.InTx(ctx, func(tx *storage.Tx) error { return h.n.PostCard(ctx, tx, t, true) }); err != nil {
			h.log.WarnContext(ctx, "card not reposted", "ticket", t.Code, "err", err)
		}
		h.log.InfoContext(ctx, "unclaimed ticket escalated", "ticket", t.Code, "urgent", t.Urgent)
	}
	for _, t := range overdue {
		if err := h.n.Escalate(ctx, t, storage.EscalateOverdue); err != nil {
			h.log.ErrorContext(ctx, "overdue ticket not escalated; will retry", "ticket", t.Code, "err", err)
			if err := h.store.ClearOverdueEscalation(ctx, t.ID); err != nil {
				h.log.ErrorContext(ctx, "overdue mark not cleared", "ticket", t.Code, "err", err)
			}
			continue
		}
		h.log.InfoContext(ctx, "overdue ticket escalated", "ticket", t.Code)
	}
	return nil
}
