package handoff

import (
	"context"
	"errors"
	"net"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"concierge/storage"
	"concierge/storage/storagetest"
)

func TestRelayPublishesOnTheTicketsQueueAndMarksOutbox(t *testing.T) {
	t.Parallel()
	b := setup(t, Config{})
	repair := b.ticket(t, storage.KindRepair, false)
	urgent := b.ticket(t, storage.KindComplaint, true)
	inquiry := b.ticket(t, storage.KindInquiry, false)

	if n := b.relay(t, b.hub); n != 3 {
		t.Fatalf("published %d, want 3", n)
	}
	cases := []struct {
		queue string
		want  []int64
	}{
		{storage.UrgentQueue, []int64{urgent.ID}},
		{storage.KindRepair, []int64{repair.ID}},
		{storage.KindComplaint, nil},
		{storage.KindInquiry, []int64{inquiry.ID}},
	}
	for _, c := range cases {
		if got := b.entries(t, c.queue); !slices.Equal(got, c.want) {
			t.Errorf("%s stream: tickets %v, want %v", c.queue, got, c.want)
		}
	}
	ms, _ := b.rdb.XRange(b.ctx, b.hub.key(storage.UrgentQueue), "-", "+").Result()
	for _, f := range []string{"ticket_id", "code", "kind", "urgent", "outbox_id"} {
		if _, ok := ms[0].Values[f]; !ok {
			t.Errorf("entry lacks field %s: %v", f, ms[0].Values)
		}
	}
	if ms[0].Values["code"] != urgent.Code || ms[0].Values["kind"] != storage.KindComplaint || ms[0].Values["urgent"] != "true" {
		t.Errorf("urgent entry %v", ms[0].Values)
	}
	var unpublished int
	b.store.DB().Get(&unpublished, `SELECT count(*) FROM outbox WHERE published_at IS NULL OR stream_id = ''`)
	if unpublished != 0 {
		t.Errorf("%d outbox rows not marked published", unpublished)
	}
	if n := b.relay(t, b.hub); n != 0 {
		t.Errorf("second cycle published %d, want 0", n)
	}
}

func TestRelayKeepsOutboxPendingWhileRedisIsDown(t *testing.T) {
	t.Parallel()
	b := setup(t, Config{})
	var down atomic.Bool
	down.Store(true)
	opt, _ := redis.ParseURL(storagetest.RedisURL())
	opt.MaxRetries = -1
	opt.Dialer = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if down.Load() {
			return nil, errors.New("connection refused (redis stopped)")
		}
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() })
	h := New(rdb, b.store, b.notes, b.cfg)

	tk := b.ticket(t, storage.KindRepair, true)
	if _, err := h.relayOnce(b.ctx); err == nil {
		t.Fatal("relay with Redis down: no error")
	}
	var pending int
	b.store.DB().Get(&pending, `SELECT count(*) FROM outbox WHERE published_at IS NULL`)
	if pending != 1 {
		t.Fatalf("%d outbox rows pending while Redis is down, want 1", pending)
	}

	down.Store(false) // Redis is back
	if n := b.relay(t, h); n != 1 {
		t.Fatalf("published %d after Redis came back, want 1", n)
	}
	if got := b.entries(t, storage.UrgentQueue); !slices.Equal(got, []int64{tk.ID}) {
		t.Errorf("urgent stream %v, want [%d]", got, tk.ID)
	}
}

func TestRelayRunsWhenKicked(t *testing.T) {
	t.Parallel()
	b := setup(t, Config{RelayInterval: time.Hour}) // only a kick can wake it
	ctx, cancel := context.WithCancel(b.ctx)
	done := make(chan error)
	go func() { done <- b.hub.Run(ctx) }()
	waitFor(t, "groups created", func() bool {
		return b.rdb.Exists(b.ctx, b.hub.key(storage.KindRepair)).Val() == 1
	})
	tk := b.ticket(t, storage.KindRepair, false)
	b.hub.Kick()
	b.hub.Kick() // never blocks
	waitFor(t, "card posted", func() bool { return b.notes.card(tk.ID) == 1 })
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func TestRedisLossRepublishesOpenTicketsOnly(t *testing.T) {
	t.Parallel()
	b := setup(t, Config{})
	agent := b.staff(t, storage.RoleAgent)
	carded := b.ticket(t, storage.KindRepair, false)
	claimed := b.ticket(t, storage.KindRepair, false)
	urgent := b.ticket(t, storage.KindInquiry, true)
	b.relay(t, b.hub)
	if err := b.hub.readCards(b.ctx, -1); err != nil {
		t.Fatal(err)
	}
	if _, err := b.hub.Claim(b.ctx, claimed.ID, agent); err != nil {
		t.Fatal(err)
	}
	// Published, but Redis is lost before any card is read for it.
	late := b.ticket(t, storage.KindComplaint, false)
	b.relay(t, b.hub)

	b.loseRedis(t)
	b.relay(t, b.hub) // one cycle

	cases := []struct {
		queue string
		want  []int64
	}{
		{storage.UrgentQueue, []int64{urgent.ID}},
		{storage.KindRepair, []int64{carded.ID}},
		{storage.KindComplaint, []int64{late.ID}},
		{storage.KindInquiry, nil},
	}
	for _, c := range cases {
		if got := b.entries(t, c.queue); !slices.Equal(got, c.want) {
			t.Errorf("%s stream after loss: %v, want %v", c.queue, got, c.want)
		}
	}
	if err := b.hub.readCards(b.ctx, -1); err != nil {
		t.Fatal(err)
	}
	for _, tk := range []storage.Ticket{carded, urgent, late} {
		if n, r := b.notes.card(tk.ID), b.notes.repost(tk.ID); n != 1 || r != 0 {
			t.Errorf("%s: %d cards and %d reposts, want exactly one card", tk.Code, n, r)
		}
	}
	if n := b.notes.card(claimed.ID); n != 1 {
		t.Errorf("claimed ticket: %d cards, want the 1 from before", n)
	}
	// A second Hub finds the groups in place: no second recovery.
	b.relay(t, b.another("test-b", b.notes))
	if got := b.entries(t, storage.KindRepair); len(got) != 1 {
		t.Errorf("repair stream after second hub's cycle: %v", got)
	}
}

func TestTwoRelaysPublishEachRowOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, Config{})
	second := b.another("test-b", b.notes)
	b.relay(t, b.hub) // groups in place
	want := map[int64]bool{}
	for range 60 {
		want[b.ticket(t, storage.KindRepair, false).ID] = true
	}
	errs := make(chan error, 2)
	for _, h := range []*Hub{b.hub, second} {
		go func() { _, err := h.relayOnce(b.ctx); errs <- err }()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	got := b.entries(t, storage.KindRepair)
	seen := map[int64]bool{}
	for _, id := range got {
		if seen[id] {
			t.Errorf("ticket %d published twice", id)
		}
		seen[id] = true
	}
	if len(seen) != len(want) {
		t.Errorf("%d tickets published, want %d", len(seen), len(want))
	}
}
