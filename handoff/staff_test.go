package handoff

import (
	"errors"
	"slices"
	"sync"
	"testing"

	"concierge/storage"
)

func TestHundredConcurrentClaimsHaveOneWinner(t *testing.T) {
	t.Parallel()
	b := setup(t, Config{})
	tk := b.ticket(t, storage.KindRepair, true)
	b.relay(t, b.hub)
	staff := make([]storage.Staff, 100)
	for i := range staff {
		staff[i] = b.staff(t, storage.RoleAgent)
	}
	type result struct {
		t   storage.Ticket
		err error
	}
	results := make([]result, len(staff))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, s := range staff {
		wg.Go(func() {
			<-start
			got, err := b.hub.Claim(b.ctx, tk.ID, s)
			results[i] = result{got, err}
		})
	}
	close(start)
	wg.Wait()
	var winner int64
	won, lost := 0, 0
	for i, r := range results {
		switch {
		case r.err == nil:
			won++
			winner = staff[i].ID
		case errors.Is(r.err, storage.ErrAlreadyClaimed):
			lost++
		default:
			t.Errorf("claim by %d: %v", staff[i].ID, r.err)
		}
	}
	if won != 1 || lost != 99 {
		t.Fatalf("%d winners and %d ErrAlreadyClaimed, want 1 and 99", won, lost)
	}
	for _, r := range results {
		if r.t.AssigneeID == nil || *r.t.AssigneeID != winner {
			t.Fatalf("a caller was not told the winner: %+v", r.t.AssigneeID)
		}
	}
	claims := 0
	for _, k := range eventKinds(t, b, tk.ID) {
		if k == "claimed" {
			claims++
		}
	}
	if claims != 1 {
		t.Errorf("%d claimed events, want 1", claims)
	}
}

func TestNextOffersUrgentFirstByRoleAndPassLeavesItForOthers(t *testing.T) {
	t.Parallel()
	b := setup(t, Config{})
	complaint := b.ticket(t, storage.KindComplaint, false) // oldest
	repair := b.ticket(t, storage.KindRepair, false)
	urgent := b.ticket(t, storage.KindInquiry, true) // newest, but urgent
	b.relay(t, b.hub)
	tech := b.staff(t, storage.RoleTechnician)
	agent, agent2 := b.staff(t, storage.RoleAgent), b.staff(t, storage.RoleAgent)

	next := func(s storage.Staff) int64 {
		t.Helper()
		got, ok, err := b.hub.Next(b.ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return 0
		}
		if got.AssigneeID != nil || got.Status != storage.StatusOpen {
			t.Errorf("Next claimed %s", got.Code)
		}
		return got.ID
	}
	steps := []struct {
		name string
		who  storage.Staff
		pass bool
		want int64
	}{
		{"urgent before older tickets", tech, true, urgent.ID},
		{"technician after passing: repair, never the complaint", tech, false, repair.ID},
		{"passed urgent ticket waits for others", agent, false, urgent.ID},
		{"then the oldest normal ticket", agent2, false, complaint.ID},
		{"nothing left the technician may take", tech, false, 0},
	}
	for _, s := range steps {
		got := next(s.who)
		if got != s.want {
			t.Fatalf("%s: ticket %d, want %d", s.name, got, s.want)
		}
		if s.pass {
			if err := b.hub.Pass(b.ctx, got, s.who); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !slices.Contains(eventKinds(t, b, urgent.ID), "passed") {
		t.Error("no passed event")
	}
	if _, err := b.hub.Claim(b.ctx, urgent.ID, agent); err != nil {
		t.Fatal(err)
	}
	if n := b.pending(t, storage.UrgentQueue, groupStaff); n != 0 {
		t.Errorf("%d urgent entries pending after the claim", n)
	}
}

func TestNextSkipsTicketsNoLongerWaiting(t *testing.T) {
	t.Parallel()
	b := setup(t, Config{})
	taken := b.ticket(t, storage.KindRepair, false)
	free := b.ticket(t, storage.KindRepair, false)
	b.relay(t, b.hub)
	a, c := b.staff(t, storage.RoleAgent), b.staff(t, storage.RoleAgent)
	if _, err := b.hub.Claim(b.ctx, taken.ID, a); err != nil { // from its card
		t.Fatal(err)
	}
	got, ok, err := b.hub.Next(b.ctx, c)
	if err != nil || !ok || got.ID != free.ID {
		t.Fatalf("Next: %d %v %v, want ticket %d", got.ID, ok, err, free.ID)
	}
	if n := b.pending(t, storage.KindRepair, groupStaff); n != 1 {
		t.Errorf("%d pending, want only the offered one", n)
	}
}

func TestReleaseAndTransfer(t *testing.T) {
	t.Parallel()
	b := setup(t, Config{})
	owner, other := b.staff(t, storage.RoleAgent), b.staff(t, storage.RoleAgent)
	sup := b.staff(t, storage.RoleSupervisor)
	tk := b.ticket(t, storage.KindRepair, false)
	b.relay(t, b.hub)
	if err := b.hub.readCards(b.ctx, -1); err != nil {
		t.Fatal(err)
	}
	if _, err := b.hub.Claim(b.ctx, tk.ID, owner); err != nil {
		t.Fatal(err)
	}
	if _, err := b.hub.Release(b.ctx, tk.ID, other); !errors.Is(err, storage.ErrNotAllowed) {
		t.Fatalf("release by another agent: %v, want ErrNotAllowed", err)
	}
	if _, err := b.hub.Transfer(b.ctx, tk.ID, other, &other, ""); !errors.Is(err, storage.ErrNotAllowed) {
		t.Fatalf("transfer by another agent: %v, want ErrNotAllowed", err)
	}

	got, err := b.hub.Release(b.ctx, tk.ID, owner)
	if err != nil || got.Status != storage.StatusOpen || got.AssigneeID != nil {
		t.Fatalf("release: %+v %v", got.Status, err)
	}
	b.relay(t, b.hub)
	if got := b.entries(t, storage.KindRepair); len(got) != 2 {
		t.Fatalf("repair stream after release: %v, want the ticket twice", got)
	}
	if err := b.hub.readCards(b.ctx, -1); err != nil {
		t.Fatal(err)
	}
	if n, r := b.notes.card(tk.ID), b.notes.repost(tk.ID); n != 1 || r != 1 {
		t.Errorf("after release: %d cards, %d reposts; want 1 and 1", n, r)
	}

	if _, err := b.hub.Claim(b.ctx, tk.ID, other); err != nil {
		t.Fatal(err)
	}
	got, err = b.hub.Transfer(b.ctx, tk.ID, other, nil, storage.KindComplaint)
	if err != nil || got.Queue != storage.KindComplaint || got.Status != storage.StatusOpen {
		t.Fatalf("transfer to queue: %+v %v", got, err)
	}
	b.relay(t, b.hub)
	if got := b.entries(t, storage.KindComplaint); !slices.Equal(got, []int64{tk.ID}) {
		t.Errorf("complaint stream %v", got)
	}
	got, err = b.hub.Transfer(b.ctx, tk.ID, sup, &owner, "")
	if err != nil || got.AssigneeID == nil || *got.AssigneeID != owner.ID || got.Status != storage.StatusClaimed {
		t.Fatalf("supervisor assigns: %+v %v", got.AssigneeID, err)
	}
	mine, err := b.store.AssigneeTickets(b.ctx, owner.ID)
	if err != nil || len(mine) != 1 || mine[0].ID != tk.ID {
		t.Errorf("AssigneeTickets: %v %v", len(mine), err)
	}
	want := []string{"created", "claimed", "released", "claimed", "transferred", "transferred"}
	if got := eventKinds(t, b, tk.ID); !slices.Equal(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}
}

func TestStats(t *testing.T) {
	t.Parallel()
	b := setup(t, Config{})
	b.ticket(t, storage.KindRepair, false)
	b.ticket(t, storage.KindRepair, false)
	b.ticket(t, storage.KindComplaint, true)
	b.relay(t, b.hub)
	b.clock.Add(10 * 60e9)
	st, err := b.hub.Stats(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	byQueue := map[string]QueueStat{}
	for _, s := range st {
		byQueue[s.Queue] = s
	}
	if s := byQueue[storage.KindRepair]; s.Waiting != 2 || s.StreamLen != 2 || s.OldestWait < 10*60e9 {
		t.Errorf("repair: %+v", s)
	}
	if s := byQueue[storage.UrgentQueue]; s.Waiting != 1 || s.StreamLen != 1 {
		t.Errorf("urgent: %+v", s)
	}
	if s := byQueue[storage.KindComplaint]; s.Waiting != 0 || s.StreamLen != 0 {
		t.Errorf("complaint: %+v", s)
	}
}
