package storage_test

import (
	"errors"
	"testing"
	"time"

	"concierge/storage"
	"concierge/storage/storagetest"
)

func newTicket(t *testing.T, s *storage.Store, ownerID int64, kind, category string, urgent bool, now time.Time) storage.Ticket {
	t.Helper()
	ctx := storagetest.Context(t)
	var tk storage.Ticket
	err := s.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		tk, err = tx.CreateTicket(ctx, storage.NewTicket{Kind: kind, Category: category, Urgent: urgent, Summary: "s", Body: "b",
			Lang: "zh-Hans", OwnerID: ownerID, Now: now, ClaimDue: time.Minute, SLA: time.Hour})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func TestCallbackJobs(t *testing.T) {
	t.Parallel()
	s := storagetest.Store(t)
	ctx := storagetest.Context(t)
	o, _ := s.UpsertOwner(ctx, 2001, 2001, "Ms Lee", "zh-Hans")
	now := time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)
	tk := newTicket(t, s, o.ID, storage.KindRepair, "water", false, now)

	c, created, err := s.ScheduleCallback(ctx, tk.ID, now.Add(time.Hour), now)
	if err != nil || !created {
		t.Fatalf("schedule: created %v err %v", created, err)
	}
	again, created, err := s.ScheduleCallback(ctx, tk.ID, now.Add(5*time.Hour), now)
	if err != nil || created || again.ID != c.ID || !again.DueAt.Equal(c.DueAt) {
		t.Fatalf("second schedule: %+v created %v err %v, want the first job", again, created, err)
	}

	if _, err := s.ClaimDueCallback(ctx, now); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("claimed a job not yet due: %v", err)
	}
	// Two schedulers: while one holds the job, the other finds nothing.
	later := now.Add(time.Hour)
	hold := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error)
	go func() {
		done <- s.InTx(ctx, func(tx *storage.Tx) error {
			if _, err := tx.ClaimDueCallback(ctx, later); err != nil {
				return err
			}
			close(hold)
			<-release
			return nil
		})
	}()
	<-hold
	err = s.InTx(ctx, func(tx *storage.Tx) error {
		_, err := tx.ClaimDueCallback(ctx, later)
		return err
	})
	close(release)
	if !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("second scheduler: %v, want ErrNotFound while the job is held", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	if err := s.CancelCallbacks(ctx, tk.ID, later); err != nil {
		t.Fatal(err)
	}
	if _, created, _ := s.ScheduleCallback(ctx, tk.ID, later, later); !created {
		t.Errorf("a cancelled job blocks a new one")
	}
}

func TestCloseAndReopenResolved(t *testing.T) {
	t.Parallel()
	s := storagetest.Store(t)
	ctx := storagetest.Context(t)
	o, _ := s.UpsertOwner(ctx, 2002, 2002, "Mr Wong", "zh-Hant")
	now := time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)
	tk := newTicket(t, s, o.ID, storage.KindRepair, "water", false, now)
	if _, closed, err := s.CloseResolved(ctx, tk.ID, now, storage.ActorOwner, "confirmed"); err != nil || closed {
		t.Fatalf("closed an open ticket: %v %v", closed, err)
	}
	if _, reopened, err := s.ReopenResolved(ctx, tk.ID, now, time.Minute, time.Hour, nil); err != nil || reopened {
		t.Fatalf("reopened an open ticket: %v %v", reopened, err)
	}
	s.DB().ExecContext(ctx, `UPDATE tickets SET status = 'resolved', resolved_at = $2 WHERE id = $1`, tk.ID, now)
	got, reopened, err := s.ReopenResolved(ctx, tk.ID, now, time.Minute, time.Hour, nil)
	if err != nil || !reopened || got.Status != storage.StatusOpen || got.ResolvedAt != nil {
		t.Fatalf("reopen: %s %v %v", got.Status, reopened, err)
	}
	var handoffs int
	s.DB().GetContext(ctx, &handoffs, `SELECT count(*) FROM outbox WHERE ticket_id = $1`, tk.ID)
	if handoffs != 2 {
		t.Errorf("%d handoffs after reopening an unassigned ticket, want 2", handoffs)
	}
	var reason string
	s.DB().GetContext(ctx, &reason, `SELECT reason FROM outbox WHERE ticket_id = $1 ORDER BY id DESC LIMIT 1`, tk.ID)
	if reason != storage.ReasonReleased {
		t.Errorf("reopen handoff reason %q, want %q so the card is posted again", reason, storage.ReasonReleased)
	}
	s.DB().ExecContext(ctx, `UPDATE tickets SET status = 'resolved', resolved_at = $2 WHERE id = $1`, tk.ID, now)
	if _, err := s.ClaimStaleResolved(ctx, now.Add(-time.Second)); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("stale before it was resolved: %v", err)
	}
	if stale, err := s.ClaimStaleResolved(ctx, now); err != nil || stale.ID != tk.ID {
		t.Errorf("stale: %v %v", stale.ID, err)
	}
	got, closed, err := s.CloseResolved(ctx, tk.ID, now, storage.ActorSystem, "auto_closed")
	if err != nil || !closed || got.Status != storage.StatusClosed || got.ClosedAt == nil {
		t.Fatalf("close: %s %v %v", got.Status, closed, err)
	}
}

func TestMonthlyReport(t *testing.T) {
	t.Parallel()
	s := storagetest.Store(t)
	ctx := storagetest.Context(t)
	o, _ := s.UpsertOwner(ctx, 2003, 2003, "Ms Ho", "zh-Hans")
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	at := from.Add(24 * time.Hour)

	// Repairs: an urgent one done in 3 h and called back (score 5), an
	// urgent one done in 10 h and called back (score 2), an ordinary one
	// resolved without a callback yet, one withdrawn.
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := s.DB().ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	r1 := newTicket(t, s, o.ID, storage.KindRepair, "water", true, at)
	r2 := newTicket(t, s, o.ID, storage.KindRepair, "water", true, at)
	r3 := newTicket(t, s, o.ID, storage.KindRepair, "electricity", false, at)
	r4 := newTicket(t, s, o.ID, storage.KindRepair, "lift", false, at)
	c1 := newTicket(t, s, o.ID, storage.KindComplaint, "noise", false, at)
	newTicket(t, s, o.ID, storage.KindComplaint, "noise", false, at)
	newTicket(t, s, o.ID, storage.KindRepair, "water", false, to.Add(time.Hour)) // next month
	exec(`UPDATE tickets SET status = 'closed', claimed_at = created_at + interval '10 minutes', resolved_at = created_at + interval '3 hours' WHERE id = $1`, r1.ID)
	exec(`UPDATE tickets SET status = 'closed', claimed_at = created_at + interval '20 minutes', resolved_at = created_at + interval '10 hours' WHERE id = $1`, r2.ID)
	exec(`UPDATE tickets SET status = 'resolved', resolved_at = created_at + interval '1 hour' WHERE id = $1`, r3.ID)
	exec(`UPDATE tickets SET status = 'cancelled' WHERE id = $1`, r4.ID)
	exec(`UPDATE tickets SET status = 'closed' WHERE id = $1`, c1.ID)
	exec(`INSERT INTO callbacks (ticket_id, status, due_at, asked_at, score) VALUES ($1, 'done', $2, $2, 5), ($3, 'done', $2, $2, 2)`, r1.ID, at.Add(5*time.Hour), r2.ID)

	r, err := s.MonthlyReport(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want int
	}{
		{"tickets", r.Tickets, 6},
		{"repairs resolved", r.RepairsResolved, 3},
		{"repairs called back", r.RepairsCalledBack, 2},
		{"scored", r.Scored, 2},
		{"satisfied", r.Satisfied, 1},
		{"complaints", r.Complaints, 2},
		{"complaints closed", r.ComplaintsClosed, 1},
		{"urgent repairs", r.UrgentRepairs, 2},
		{"urgent on time", r.UrgentOnTime, 1},
		{"claimed", r.Claimed, 2},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	if r.AverageClaim != 15*time.Minute {
		t.Errorf("average claim %s, want 15m", r.AverageClaim)
	}
	if len(r.ByCategory) == 0 || r.ByCategory[0] != (storage.CategoryCount{Kind: "complaint", Category: "noise", N: 2}) {
		t.Errorf("by category %+v", r.ByCategory)
	}
	if storage.Rate(1, 0) != -1 || storage.Rate(1, 2) != 0.5 {
		t.Errorf("Rate")
	}
}
