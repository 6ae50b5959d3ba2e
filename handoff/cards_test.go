package handoff

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"concierge/storage"
)

func TestTwoHubsPostExactlyOneCardPerHandoff(t *testing.T) {
	t.Parallel()
	b := setup(t, Config{RelayInterval: 20 * time.Millisecond, ReclaimIdle: 50 * time.Millisecond})
	ctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	second := b.another("test-b", b.notes)
	done := make(chan struct{}, 2)
	for _, h := range []*Hub{b.hub, second} {
		go func() { h.Run(ctx); done <- struct{}{} }()
	}
	var ids []int64
	for i := range 30 {
		kinds := []string{storage.KindRepair, storage.KindComplaint, storage.KindInquiry}
		tk := b.ticket(t, kinds[i%3], i%4 == 0)
		ids = append(ids, tk.ID)
		if i%2 == 0 {
			b.hub.Kick()
		} else {
			second.Kick()
		}
	}
	waitFor(t, "30 cards", func() bool { return b.notes.totalCards() >= 30 })
	waitFor(t, "every card entry acknowledged", func() bool {
		for _, q := range queues {
			if b.pending(t, q, groupCards) != 0 {
				return false
			}
		}
		return true
	})
	cancel()
	<-done
	<-done
	for _, id := range ids {
		if n := b.notes.card(id); n != 1 {
			t.Errorf("ticket %d: %d cards, want 1", id, n)
		}
	}
	if n := b.notes.totalCards(); n != 30 {
		t.Errorf("%d cards in all, want 30", n)
	}
}

// die reads every new entry of group as consumer and never acknowledges:
// a process killed mid-work.
func die(t *testing.T, b *bundle, group, consumer string) int {
	t.Helper()
	n := 0
	for _, q := range queues {
		res, err := b.rdb.XReadGroup(b.ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer, Streams: []string{b.hub.key(q), ">"}, Count: 100, Block: -1,
		}).Result()
		if err != nil && err != redis.Nil {
			t.Fatal(err)
		}
		for _, s := range res {
			n += len(s.Messages)
		}
	}
	return n
}

func TestDeadConsumersEntriesAreReclaimed(t *testing.T) {
	t.Parallel()
	b := setup(t, Config{ReclaimIdle: time.Millisecond})
	tk := b.ticket(t, storage.KindRepair, false)
	b.relay(t, b.hub)
	if n := die(t, b, groupCards, "killed-9"); n != 1 {
		t.Fatalf("dead consumer read %d entries, want 1", n)
	}
	waitFor(t, "card posted by the live hub", func() bool {
		if err := b.hub.reclaimOnce(b.ctx); err != nil {
			t.Fatal(err)
		}
		return b.notes.card(tk.ID) == 1
	})
	if n := b.pending(t, storage.KindRepair, groupCards); n != 0 {
		t.Errorf("%d card entries still pending", n)
	}

	// The same in the staff group: an offer the first staff member's
	// session never answered goes to the next one asking.
	away, next := b.staff(t, storage.RoleAgent), b.staff(t, storage.RoleAgent)
	if got, ok, err := b.hub.Next(b.ctx, away); err != nil || !ok || got.ID != tk.ID {
		t.Fatalf("first offer: %v %v %v", got.ID, ok, err)
	}
	waitFor(t, "offer reclaimed for the next staff member", func() bool {
		got, ok, err := b.hub.Next(b.ctx, next)
		if err != nil {
			t.Fatal(err)
		}
		return ok && got.ID == tk.ID
	})
	if _, err := b.hub.Claim(b.ctx, tk.ID, next); err != nil {
		t.Fatal(err)
	}
	if n := b.pending(t, storage.KindRepair, groupStaff); n != 0 {
		t.Errorf("%d staff entries pending after the claim, want 0", n)
	}
}

func TestPoisonEntrySetAsideAndEscalatedOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, Config{ReclaimIdle: time.Millisecond, MaxDeliveries: 3})
	second := b.another("test-b", b.notes)
	b.notes.failCards.Store(true) // the card can never be posted
	tk := b.ticket(t, storage.KindComplaint, false)
	b.relay(t, b.hub)
	if err := b.hub.readCards(b.ctx, -1); err != nil {
		t.Fatal(err)
	}
	dead := b.prefix + "handoff:dead"
	waitFor(t, "entry set aside", func() bool {
		for _, h := range []*Hub{b.hub, second} {
			if err := h.reclaimOnce(b.ctx); err != nil {
				t.Fatal(err)
			}
		}
		return b.rdb.XLen(b.ctx, dead).Val() == 1
	})
	for range 5 { // more cycles change nothing
		b.hub.reclaimOnce(b.ctx)
		second.reclaimOnce(b.ctx)
	}
	if n := b.notes.escalations(storage.EscalatePoison, tk.ID); n != 1 {
		t.Errorf("poison escalations %d, want 1", n)
	}
	if n := b.rdb.XLen(b.ctx, dead).Val(); n != 1 {
		t.Errorf("dead stream holds %d entries, want 1", n)
	}
	if n := b.pending(t, storage.KindComplaint, groupCards); n != 0 {
		t.Errorf("%d card entries still pending, want 0", n)
	}
	ms, _ := b.rdb.XRange(b.ctx, dead, "-", "+").Result()
	if ms[0].Values["ticket_id"] != fmt.Sprint(tk.ID) || ms[0].Values["group"] != groupCards {
		t.Errorf("dead entry %v", ms[0].Values)
	}
}
