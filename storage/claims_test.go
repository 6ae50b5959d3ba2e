package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"concierge/storage"
	"concierge/storage/storagetest"
)

type world struct {
	ctx   context.Context
	s     *storage.Store
	owner storage.Owner
	now   time.Time
	n     int64
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{ctx: storagetest.Context(t), s: storagetest.Store(t), now: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	var err error
	if w.owner, err = w.s.UpsertOwner(w.ctx, 1, 1, "Mr Lee", "zh-Hans"); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) ticket(t *testing.T, kind string, urgent bool) storage.Ticket {
	t.Helper()
	w.n++
	tk, err := w.s.CreateTicket(w.ctx, storage.NewTicket{Kind: kind, Urgent: urgent, Summary: "s", Body: "b", Lang: "zh-Hans",
		OwnerID: w.owner.ID, SourceUpdateID: w.n, Now: w.now, ClaimDue: 5 * time.Minute, SLA: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func (w *world) staff(t *testing.T, role string) storage.Staff {
	t.Helper()
	w.n++
	s, err := w.s.AddStaff(w.ctx, 500+w.n, role, role, "zh-Hans")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (w *world) claim(tk storage.Ticket, s storage.Staff) (storage.Ticket, error) {
	var got storage.Ticket
	err := w.s.InTx(w.ctx, func(tx *storage.Tx) error {
		var err error
		got, err = tx.ClaimTicket(w.ctx, tk.ID, s, w.now)
		return err
	})
	return got, err
}

func TestClaimTicket(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, b := w.staff(t, storage.RoleAgent), w.staff(t, storage.RoleAgent)
	tk := w.ticket(t, storage.KindRepair, false)
	got, err := w.claim(tk, a)
	if err != nil || got.Status != storage.StatusClaimed || *got.AssigneeID != a.ID || got.ClaimedAt == nil {
		t.Fatalf("first claim: %+v %v", got, err)
	}
	if got, err := w.claim(tk, a); err != nil || *got.AssigneeID != a.ID {
		t.Errorf("claiming one's own ticket again: %v", err)
	}
	got, err = w.claim(tk, b)
	if !errors.Is(err, storage.ErrAlreadyClaimed) || got.AssigneeID == nil || *got.AssigneeID != a.ID {
		t.Errorf("second claimer: %v, assignee %v; want ErrAlreadyClaimed and a", err, got.AssigneeID)
	}
	if _, err := w.claim(storage.Ticket{ID: 99999}, b); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("unknown ticket: %v", err)
	}
	closed := w.ticket(t, storage.KindInquiry, false)
	w.s.DB().Exec(`UPDATE tickets SET status = 'cancelled' WHERE id = $1`, closed.ID)
	if _, err := w.claim(closed, b); !errors.Is(err, storage.ErrNotAllowed) {
		t.Errorf("cancelled ticket: %v, want ErrNotAllowed", err)
	}
	evs, _ := w.s.Events(w.ctx, tk.ID)
	if len(evs) != 2 || evs[1].Kind != "claimed" || evs[1].Actor != storage.ActorStaff || *evs[1].StaffID != a.ID {
		t.Errorf("events %+v", evs)
	}
}

func TestReleaseAndTransferPermissions(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	assignee, other := w.staff(t, storage.RoleAgent), w.staff(t, storage.RoleAgent)
	sup := w.staff(t, storage.RoleSupervisor)
	idle := w.staff(t, storage.RoleAgent)
	w.s.SetStaffActive(w.ctx, idle.TelegramID, false)
	idle.Active = false
	due := w.now.Add(time.Hour)
	release := func(tk storage.Ticket, by storage.Staff) error {
		return w.s.InTx(w.ctx, func(tx *storage.Tx) error {
			_, err := tx.ReleaseTicket(w.ctx, tk.ID, by, due, w.now)
			return err
		})
	}
	transfer := func(tk storage.Ticket, by storage.Staff, to *storage.Staff, queue string) error {
		return w.s.InTx(w.ctx, func(tx *storage.Tx) error {
			_, err := tx.TransferTicket(w.ctx, tk.ID, by, to, queue, due, w.now)
			return err
		})
	}
	cases := []struct {
		name string
		do   func(storage.Ticket) error
		want error
	}{
		{"assignee releases", func(tk storage.Ticket) error { return release(tk, assignee) }, nil},
		{"supervisor releases", func(tk storage.Ticket) error { return release(tk, sup) }, nil},
		{"another agent may not release", func(tk storage.Ticket) error { return release(tk, other) }, storage.ErrNotAllowed},
		{"assignee transfers to a colleague", func(tk storage.Ticket) error { return transfer(tk, assignee, &other, "") }, nil},
		{"supervisor transfers to a queue", func(tk storage.Ticket) error { return transfer(tk, sup, nil, storage.KindComplaint) }, nil},
		{"another agent may not transfer", func(tk storage.Ticket) error { return transfer(tk, other, &other, "") }, storage.ErrNotAllowed},
		{"not to an inactive colleague", func(tk storage.Ticket) error { return transfer(tk, assignee, &idle, "") }, storage.ErrNotAllowed},
		{"not to an unknown queue", func(tk storage.Ticket) error { return transfer(tk, assignee, nil, "urgent") }, storage.ErrNotAllowed},
	}
	for _, c := range cases {
		tk := w.ticket(t, storage.KindRepair, false)
		if _, err := w.claim(tk, assignee); err != nil {
			t.Fatal(err)
		}
		err := c.do(tk)
		if (c.want == nil && err != nil) || (c.want != nil && !errors.Is(err, c.want)) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	open := w.ticket(t, storage.KindRepair, false)
	if err := release(open, sup); !errors.Is(err, storage.ErrNotAllowed) {
		t.Errorf("releasing an unclaimed ticket: %v, want ErrNotAllowed", err)
	}
}

func TestEscalationQueriesSkipLockedRows(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	first := w.ticket(t, storage.KindRepair, true)
	w.ticket(t, storage.KindRepair, false)
	later := w.now.Add(6 * time.Minute)

	held := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error)
	go func() {
		done <- w.s.InTx(w.ctx, func(tx *storage.Tx) error {
			ts, err := tx.UnclaimedDue(w.ctx, later, 1)
			if err != nil || len(ts) != 1 || ts[0].ID != first.ID {
				t.Errorf("first process: %v %v", len(ts), err)
			}
			close(held)
			<-release
			next := later.Add(5 * time.Minute)
			return tx.MarkEscalated(w.ctx, ts[0].ID, storage.EscalateUnclaimed, &next, later)
		})
	}()
	<-held
	ts, err := w.s.UnclaimedDue(w.ctx, later, 10)
	if err != nil || len(ts) != 1 || ts[0].ID == first.ID {
		t.Errorf("second process saw %d tickets (%v); want only the other one", len(ts), err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	tk, _ := w.s.Ticket(w.ctx, first.ID)
	if !tk.ClaimDueAt.Equal(later.Add(5*time.Minute)) || tk.EscalatedAt == nil {
		t.Errorf("claim due %v, escalated %v", tk.ClaimDueAt, tk.EscalatedAt)
	}
}

func TestRepublishAndCards(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a := w.staff(t, storage.RoleAgent)
	pending := w.ticket(t, storage.KindRepair, false) // outbox row not yet published
	published := w.ticket(t, storage.KindRepair, false)
	urgent := w.ticket(t, storage.KindComplaint, true)
	claimed := w.ticket(t, storage.KindRepair, false)
	w.s.DB().Exec(`UPDATE outbox SET published_at = now(), stream_id = '1-0' WHERE ticket_id <> $1`, pending.ID)
	if _, err := w.claim(claimed, a); err != nil {
		t.Fatal(err)
	}
	n, err := w.s.RepublishOpenUnclaimed(w.ctx, []string{storage.KindRepair}, w.now)
	if err != nil || n != 1 {
		t.Fatalf("republished %d (%v), want only the published open repair", n, err)
	}
	es, err := w.s.LockPendingOutbox(w.ctx, 10)
	if err != nil || len(es) != 2 {
		t.Fatalf("pending outbox: %d %v", len(es), err)
	}
	if es[0].TicketID != pending.ID || es[1].TicketID != published.ID || es[1].Reason != storage.ReasonRecovered {
		t.Errorf("pending outbox %+v", es)
	}
	_ = urgent

	first, err := w.s.RecordCard(w.ctx, es[0].ID, pending.ID, w.now)
	if err != nil || !first {
		t.Fatalf("record card: %v %v", first, err)
	}
	if again, _ := w.s.RecordCard(w.ctx, es[0].ID, pending.ID, w.now); again {
		t.Error("the same handoff's card recorded twice")
	}
	if posted, _ := w.s.CardPosted(w.ctx, pending.ID, es[0].ID); posted {
		t.Error("CardPosted counts the handoff being handled")
	}
	if posted, _ := w.s.CardPosted(w.ctx, pending.ID, 0); !posted {
		t.Error("CardPosted misses an earlier card")
	}
	ws, err := w.s.WaitingByQueue(w.ctx)
	if err != nil || len(ws) != 2 || ws[0].Queue != storage.KindRepair || ws[0].Waiting != 2 || ws[1].Queue != storage.UrgentQueue {
		t.Errorf("waiting %+v %v", ws, err)
	}
	open, _ := w.s.OpenUnclaimedTickets(w.ctx)
	if len(open) != 3 || open[0].ID != urgent.ID {
		t.Errorf("open unclaimed: %d, urgent first", len(open))
	}
}
