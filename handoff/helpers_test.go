package handoff

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"concierge/storage"
	"concierge/storage/storagetest"
)

// clock is a settable clock for Config.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// notes is a Notifier that counts what it was asked to do.
type notes struct {
	mu        sync.Mutex
	cards     map[int64]int // first cards per ticket
	reposts   map[int64]int
	escalated map[string]int // "reason:ticket id"
	failCards atomic.Bool
}

func newNotes() *notes {
	return &notes{cards: map[int64]int{}, reposts: map[int64]int{}, escalated: map[string]int{}}
}

func (n *notes) PostCard(_ context.Context, _ *storage.Tx, t storage.Ticket, repost bool) error {
	if n.failCards.Load() {
		return fmt.Errorf("telegram away")
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if repost {
		n.reposts[t.ID]++
	} else {
		n.cards[t.ID]++
	}
	return nil
}

func (n *notes) Escalate(_ context.Context, t storage.Ticket, reason string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.escalated[fmt.Sprintf("%s:%d", reason, t.ID)]++
	return nil
}

func (n *notes) card(id int64) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.cards[id]
}

func (n *notes) repost(id int64) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.reposts[id]
}

func (n *notes) totalCards() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	sum := 0
	for _, c := range n.cards {
		sum += c
	}
	return sum
}

func (n *notes) escalations(reason string, id int64) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.escalated[fmt.Sprintf("%s:%d", reason, id)]
}

// bundle is one test's world: a schema, a Redis prefix, a clock, a Hub.
type bundle struct {
	ctx    context.Context
	store  *storage.Store
	rdb    *redis.Client
	prefix string
	clock  *clock
	notes  *notes
	hub    *Hub
	owner  storage.Owner
	cfg    Config
}

func setup(t *testing.T, cfg Config) *bundle {
	t.Helper()
	b := &bundle{ctx: storagetest.Context(t), store: storagetest.Store(t), notes: newNotes(),
		clock: &clock{t: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}}
	b.rdb, b.prefix = storagetest.Redis(t)
	cfg.Prefix = b.prefix
	cfg.Now = b.clock.Now
	cfg.Consumer = "test-a"
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	b.cfg = cfg
	b.hub = New(b.rdb, b.store, b.notes, cfg)
	var err error
	if b.owner, err = b.store.UpsertOwner(b.ctx, 1, 1, "Ms Chan", "zh-Hant"); err != nil {
		t.Fatal(err)
	}
	return b
}

// another returns a second Hub ("process") on the same Postgres and Redis.
func (b *bundle) another(consumer string, n Notifier) *Hub {
	cfg := b.cfg
	cfg.Consumer = consumer
	return New(b.rdb, b.store, n, cfg)
}

var updates atomic.Int64

// ticket opens a ticket now, as the bot does: ticket, event, outbox row.
func (b *bundle) ticket(t *testing.T, kind string, urgent bool) storage.Ticket {
	t.Helper()
	claim, sla := 30*time.Minute, 24*time.Hour
	if urgent {
		claim, sla = 5*time.Minute, 8*time.Hour
	}
	tk, err := b.store.CreateTicket(b.ctx, storage.NewTicket{Kind: kind, Urgent: urgent, Summary: "s", Body: "b",
		Lang: "zh-Hant", OwnerID: b.owner.ID, SourceUpdateID: updates.Add(1), Now: b.clock.Now(), ClaimDue: claim, SLA: sla})
	if err != nil {
		t.Fatal(err)
	}
	b.clock.Add(time.Second) // distinct creation times
	return tk
}

func (b *bundle) staff(t *testing.T, role string) storage.Staff {
	t.Helper()
	id := updates.Add(1)
	s, err := b.store.AddStaff(b.ctx, 1_000_000+id, fmt.Sprintf("%s %d", role, id), role, "zh-Hans")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (b *bundle) relay(t *testing.T, h *Hub) int {
	t.Helper()
	n, err := h.relayOnce(b.ctx)
	if err != nil {
		t.Fatalf("relay: %v", err)
	}
	return n
}

// entries lists the ticket ids on a queue's stream, oldest first.
func (b *bundle) entries(t *testing.T, queue string) []int64 {
	t.Helper()
	ms, err := b.rdb.XRange(b.ctx, b.hub.key(queue), "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, m := range ms {
		e, err := parseEntry(queue, m)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.TicketID)
	}
	return ids
}

// loseRedis deletes every key under the test prefix: for our keys the same
// as Redis restarting empty, without touching other tests' data.
func (b *bundle) loseRedis(t *testing.T) {
	t.Helper()
	keys, err := b.rdb.Keys(b.ctx, b.prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) > 0 {
		if err := b.rdb.Del(b.ctx, keys...).Err(); err != nil {
			t.Fatal(err)
		}
	}
}

func (b *bundle) pending(t *testing.T, queue, group string) int64 {
	t.Helper()
	p, err := b.rdb.XPending(b.ctx, b.hub.key(queue), group).Result()
	if err != nil {
		t.Fatal(err)
	}
	return p.Count
}

// waitFor polls cond until it holds or a deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

func eventKinds(t *testing.T, b *bundle, ticketID int64) []string {
	t.Helper()
	evs, err := b.store.Events(b.ctx, ticketID)
	if err != nil {
		t.Fatal(err)
	}
	var ks []string
	for _, e := range evs {
		ks = append(ks, e.Kind)
	}
	return ks
}
