package handoff

import (
	"sync"
	"testing"
	"time"

	"concierge/storage"
)

func TestEscalationsFollowTheClock(t *testing.T) {
	t.Parallel()
	b := setup(t, Config{})
	second := b.another("test-b", b.notes)
	tk := b.ticket(t, storage.KindRepair, true) // claim within 5m, SLA 8h
	created := tk.CreatedAt

	// Both "processes" run each cycle at the same moment.
	cycle := func(at time.Duration) {
		t.Helper()
		b.clock.mu.Lock()
		b.clock.t = created.Add(at)
		b.clock.mu.Unlock()
		var wg sync.WaitGroup
		for _, h := range []*Hub{b.hub, second} {
			wg.Go(func() {
				if err := h.EscalateOnce(b.ctx); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	steps := []struct {
		at        time.Duration
		unclaimed int
	}{
		{4 * time.Minute, 0},
		{5*time.Minute + time.Second, 1},
		{6 * time.Minute, 1},
		{9 * time.Minute, 1},
		{10*time.Minute + 2*time.Second, 2}, // still unclaimed one timeout later
		{10*time.Minute + 3*time.Second, 2},
	}
	for _, s := range steps {
		cycle(s.at)
		if n := b.notes.escalations(storage.EscalateUnclaimed, tk.ID); n != s.unclaimed {
			t.Fatalf("at +%v: %d unclaimed escalations, want %d", s.at, n, s.unclaimed)
		}
		if n := b.notes.repost(tk.ID); n != s.unclaimed {
			t.Fatalf("at +%v: %d reposted cards, want %d", s.at, n, s.unclaimed)
		}
	}

	agent := b.staff(t, storage.RoleAgent)
	if _, err := b.hub.Claim(b.ctx, tk.ID, agent); err != nil {
		t.Fatal(err)
	}
	cycle(16 * time.Minute) // claimed: no more unclaimed alerts
	cycle(7 * time.Hour)
	if n := b.notes.escalations(storage.EscalateOverdue, tk.ID); n != 0 {
		t.Fatalf("overdue before the SLA: %d", n)
	}
	for _, at := range []time.Duration{8*time.Hour + time.Second, 9 * time.Hour, 30 * time.Hour} {
		cycle(at)
		if n := b.notes.escalations(storage.EscalateOverdue, tk.ID); n != 1 {
			t.Fatalf("at +%v: %d overdue escalations, want 1", at, n)
		}
	}
	if n := b.notes.escalations(storage.EscalateUnclaimed, tk.ID); n != 2 {
		t.Errorf("unclaimed escalations after the claim: %d, want 2", n)
	}
	escalated := 0
	for _, k := range eventKinds(t, b, tk.ID) {
		if k == "escalated" {
			escalated++
		}
	}
	if escalated != 3 {
		t.Errorf("%d escalated events, want 3", escalated)
	}
}
