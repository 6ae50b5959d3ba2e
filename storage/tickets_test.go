package storage_test

import (
	"errors"
	"testing"
	"time"

	"concierge/storage"
	"concierge/storage/storagetest"
)

func TestCreateTicketNumbersPerDayAndWritesEventAndOutbox(t *testing.T) {
	t.Parallel()
	s := storagetest.Store(t)
	ctx := storagetest.Context(t)
	o, err := s.UpsertOwner(ctx, 1001, 1001, "Ms Chan", "zh-Hant")
	if err != nil {
		t.Fatal(err)
	}
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	// 23:30 UTC on the 23rd is already the 24th in Shanghai.
	now := time.Date(2026, 11, 23, 23, 30, 0, 0, time.UTC)
	cases := []struct {
		name, kind string
		update     int64
		answered   bool
		want       string
		outbox     int
	}{
		{"first repair", storage.KindRepair, 1, false, "R-20261124-0001", 1},
		{"second repair", storage.KindRepair, 2, false, "R-20261124-0002", 1},
		{"complaint has its own counter", storage.KindComplaint, 3, false, "C-20261124-0001", 1},
		{"answered inquiry is closed, no handoff", storage.KindInquiry, 4, true, "Q-20261124-0001", 0},
	}
	for _, c := range cases {
		var tk storage.Ticket
		err := s.InTx(ctx, func(tx *storage.Tx) error {
			var err error
			tk, err = tx.CreateTicket(ctx, storage.NewTicket{Kind: c.kind, Category: "water", Summary: "s", Body: "b", Lang: "zh-Hant",
				OwnerID: o.ID, SourceUpdateID: c.update, Now: now, Loc: shanghai, Answered: c.answered, ClaimDue: time.Minute, SLA: time.Hour})
			return err
		})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if tk.Code != c.want {
			t.Errorf("%s: code %s, want %s", c.name, tk.Code, c.want)
		}
		var n int
		s.DB().Get(&n, `SELECT count(*) FROM outbox WHERE ticket_id = $1`, tk.ID)
		if n != c.outbox {
			t.Errorf("%s: %d outbox rows, want %d", c.name, n, c.outbox)
		}
		evs, err := s.Events(ctx, tk.ID)
		if err != nil || len(evs) != 1 || evs[0].Kind != "created" {
			t.Errorf("%s: events %+v, %v", c.name, evs, err)
		}
	}
	_, err = s.CreateTicket(ctx, storage.NewTicket{Kind: storage.KindRepair, Summary: "s", Body: "b", Lang: "en", OwnerID: o.ID, SourceUpdateID: 1, Now: now})
	if !errors.Is(err, storage.ErrDuplicate) {
		t.Errorf("same source update twice: %v, want ErrDuplicate", err)
	}
}

func TestOwnerSeesOnlyOwnTickets(t *testing.T) {
	t.Parallel()
	s := storagetest.Store(t)
	ctx := storagetest.Context(t)
	a, _ := s.UpsertOwner(ctx, 1, 1, "A", "en")
	b, _ := s.UpsertOwner(ctx, 2, 2, "B", "en")
	tk, err := s.CreateTicket(ctx, storage.NewTicket{Kind: storage.KindRepair, Summary: "s", Body: "b", Lang: "en", OwnerID: a.ID, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.OwnerTicket(ctx, b.ID, tk.Code); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("other owner's ticket: %v, want ErrNotFound", err)
	}
	if got, err := s.OwnerTicket(ctx, a.ID, tk.Code); err != nil || got.ID != tk.ID {
		t.Errorf("own ticket: %v %v", got.ID, err)
	}
	list, _ := s.OwnerTickets(ctx, b.ID, 10)
	if len(list) != 0 {
		t.Errorf("B lists %d tickets, want 0", len(list))
	}
}

func TestInboxStoresOnceAndOutgoingMarksCard(t *testing.T) {
	t.Parallel()
	s := storagetest.Store(t)
	ctx := storagetest.Context(t)
	chat := int64(5)
	ups := []storage.InboxUpdate{{UpdateID: 10, ChatID: &chat, Payload: []byte(`{"update_id":10}`)}, {UpdateID: 11, Payload: []byte(`{"update_id":11}`)}}
	fresh, err := s.StoreUpdates(ctx, ups)
	if err != nil || len(fresh) != 2 {
		t.Fatalf("first store: %v %v", fresh, err)
	}
	fresh, err = s.StoreUpdates(ctx, ups)
	if err != nil || len(fresh) != 0 {
		t.Fatalf("second store: %v %v", fresh, err)
	}
	o, _ := s.UpsertOwner(ctx, 1, 1, "A", "en")
	tk, _ := s.CreateTicket(ctx, storage.NewTicket{Kind: storage.KindRepair, Summary: "s", Body: "b", Lang: "en", OwnerID: o.ID, Now: time.Now()})
	out, err := s.EnqueueOutgoing(ctx, storage.Outgoing{ChatID: -100, Payload: []byte(`{"text":"card"}`), TicketID: &tk.ID, Purpose: storage.PurposeCard}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	leased, err := s.LeaseOutgoing(ctx, time.Now().Add(time.Second), time.Now().Add(time.Minute), 10)
	if err != nil || len(leased) != 1 {
		t.Fatalf("lease: %d %v", len(leased), err)
	}
	if err := s.MarkSent(ctx, []storage.Sent{{ID: out.ID, MessageID: 77, At: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Ticket(ctx, tk.ID)
	if got.CardMessageID == nil || *got.CardMessageID != 77 || *got.CardChatID != -100 {
		t.Errorf("card message not recorded: %+v", got)
	}
	if again, _ := s.LeaseOutgoing(ctx, time.Now().Add(time.Hour), time.Now().Add(2*time.Hour), 10); len(again) != 0 {
		t.Errorf("sent message leased again")
	}
}
