package handoff

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"concierge/storage"
)

// Consumer groups on every stream.
const (
	groupCards = "cards" // posts one card per handoff
	groupStaff = "staff" // /next: one consumer per staff member
)

// queues lists the streams in the order they are read: urgent first.
var queues = []string{storage.UrgentQueue, storage.KindRepair, storage.KindComplaint, storage.KindInquiry}

// Config tunes a Hub. Zero fields take the defaults in their comments.
type Config struct {
	Prefix             string           // Redis key prefix, e.g. "concierge:"
	ClaimTimeoutUrgent time.Duration    // unclaimed this long → escalate (default 5m)
	ClaimTimeoutNormal time.Duration    // default 30m
	RelayInterval      time.Duration    // outbox poll when not kicked (default 1s)
	ReclaimIdle        time.Duration    // XAUTOCLAIM min-idle for a dead consumer's entries (default 1m)
	MaxDeliveries      int              // poison after this many deliveries (default 5)
	Consumer           string           // this process's consumer name (hostname-pid default)
	Now                func() time.Time // injectable clock (default time.Now)
	Logger             *slog.Logger     // default slog.Default()
}

func (c Config) withDefaults() Config {
	c.ClaimTimeoutUrgent = cmp.Or(c.ClaimTimeoutUrgent, 5*time.Minute)
	c.ClaimTimeoutNormal = cmp.Or(c.ClaimTimeoutNormal, 30*time.Minute)
	c.RelayInterval = cmp.Or(c.RelayInterval, time.Second)
	c.ReclaimIdle = cmp.Or(c.ReclaimIdle, time.Minute)
	c.MaxDeliveries = cmp.Or(c.MaxDeliveries, 5)
	if c.Consumer == "" {
		host, _ := os.Hostname()
		c.Consumer = fmt.Sprintf("%s-%d", cmp.Or(host, "concierge"), os.Getpid())
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Notifier is implemented by the bot, which writes durable Telegram
// messages; the Hub calls it. A returned error means "not done": the Hub
// tries again later.
type Notifier interface {
	// PostCard queues, in tx, a card with a Claim button for the staff
	// group; it is sent once tx commits, so the card and the record that it
	// was posted commit together. repost is true after an escalation and
	// when a ticket comes back to a queue (released or transferred) after
	// its first card.
	PostCard(ctx context.Context, tx *storage.Tx, t storage.Ticket, repost bool) error
	// Escalate alerts the supervisors; reason is "unclaimed", "overdue" or
	// "poison".
	Escalate(ctx context.Context, t storage.Ticket, reason string) error
}

// Hub runs the staff queues of one process. Several Hubs (processes) may
// share one Postgres and one Redis.
type Hub struct {
	rdb   *redis.Client
	store *storage.Store
	n     Notifier
	cfg   Config
	log   *slog.Logger
	kick  chan struct{}
}

// New returns a Hub; nothing runs until Run.
func New(rdb *redis.Client, store *storage.Store, n Notifier, cfg Config) *Hub {
	cfg = cfg.withDefaults()
	return &Hub{
		rdb:   rdb,
		store: store,
		n:     n,
		cfg:   cfg,
		log:   cfg.Logger.With("component", "handoff"),
		kick:  make(chan struct{}, 1),
	}
}

// Run runs the relay, the cards consumer, the reclaimer and the escalator
// until ctx ends, then returns nil. Failures (Redis or Postgres away) are
// logged and retried on the next cycle; they never end Run.
func (h *Hub) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	loops := []func(context.Context){h.relayLoop, h.cardsLoop, h.reclaimLoop, h.escalateLoop}
	for _, loop := range loops {
		wg.Go(func() { loop(ctx) })
	}
	wg.Wait()
	return nil
}

// Kick wakes the relay now, for a ticket just committed. It never blocks.
func (h *Hub) Kick() {
	select {
	case h.kick <- struct{}{}:
	default:
	}
}

// every runs step now and then every interval (or when wake fires) until
// ctx ends.
func every(ctx context.Context, interval time.Duration, wake <-chan struct{}, step func(context.Context)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		step(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-wake:
		}
	}
}

func (h *Hub) key(queue string) string { return h.cfg.Prefix + "handoff:" + queue }

// deadKey is the stream poison entries are set aside on.
func (h *Hub) deadKey() string { return h.cfg.Prefix + "handoff:dead" }

// offerKey holds the entry Next last offered a staff member:
// "ticket_id queue entry_id", expiring after offerTTL.
func (h *Hub) offerKey(staffID int64) string {
	return fmt.Sprintf("%shandoff:offer:%d", h.cfg.Prefix, staffID)
}

// offerTTL bounds how long an unanswered offer is remembered.
const offerTTL = 24 * time.Hour

// queueOf is the stream a ticket waits on.
func queueOf(queue string, urgent bool) string {
	if urgent {
		return storage.UrgentQueue
	}
	return queue
}

// waiting reports whether the ticket can still be claimed from queue.
func waiting(t storage.Ticket, queue string) bool {
	return t.Status == storage.StatusOpen && t.AssigneeID == nil && queueOf(t.Queue, t.Urgent) == queue
}

func (h *Hub) claimTimeout(urgent bool) time.Duration {
	if urgent {
		return h.cfg.ClaimTimeoutUrgent
	}
	return h.cfg.ClaimTimeoutNormal
}
