package handoff

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"concierge/storage"
)

// relayBatch is how many outbox rows one transaction publishes.
const relayBatch = 100

// streamMaxLen bounds each stream (approximately); entries are tiny and a
// queue never holds this many waiting tickets.
const streamMaxLen = 10000

// entry is one stream entry, parsed.
type entry struct {
	ID       string
	Queue    string
	TicketID int64
	OutboxID int64
	Code     string
	Kind     string
	Urgent   bool
	Reason   string
	Passed   []int64 // staff who passed the ticket when offered it
}

// reasonPassed marks a copy re-added by Pass: no card for it.
const reasonPassed = "passed"

func (e entry) values() map[string]any {
	v := map[string]any{
		"ticket_id": e.TicketID,
		"code":      e.Code,
		"kind":      e.Kind,
		"urgent":    strconv.FormatBool(e.Urgent),
		"outbox_id": e.OutboxID,
		"reason":    e.Reason,
	}
	if len(e.Passed) > 0 {
		ids := make([]string, len(e.Passed))
		for i, id := range e.Passed {
			ids[i] = strconv.FormatInt(id, 10)
		}
		v["passed"] = strings.Join(ids, ",")
	}
	return v
}

func parseEntry(queue string, m redis.XMessage) (entry, error) {
	str := func(k string) string { s, _ := m.Values[k].(string); return s }
	e := entry{ID: m.ID, Queue: queue, Code: str("code"), Kind: str("kind"), Reason: str("reason")}
	var err error
	if e.TicketID, err = strconv.ParseInt(str("ticket_id"), 10, 64); err != nil {
		return e, fmt.Errorf("entry %s: ticket_id: %w", m.ID, err)
	}
	e.OutboxID, _ = strconv.ParseInt(str("outbox_id"), 10, 64)
	e.Urgent, _ = strconv.ParseBool(str("urgent"))
	for p := range strings.SplitSeq(str("passed"), ",") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			e.Passed = append(e.Passed, id)
		}
	}
	return e, nil
}

func (h *Hub) relayLoop(ctx context.Context) {
	every(ctx, h.cfg.RelayInterval, h.kick, func(ctx context.Context) {
		if _, err := h.relayOnce(ctx); err != nil && ctx.Err() == nil {
			h.log.WarnContext(ctx, "relay cycle failed; outbox stays pending", "err", err)
		}
	})
}

// relayOnce is one relay cycle: make sure every stream and group exists,
// republishing open tickets from Postgres for any stream that was lost, then
// publish pending outbox rows. It returns how many rows it published.
func (h *Hub) relayOnce(ctx context.Context) (int, error) {
	if err := h.ensureStreams(ctx); err != nil {
		return 0, err
	}
	total := 0
	for {
		n, err := h.publishBatch(ctx)
		total += n
		if err != nil || n < relayBatch {
			return total, err
		}
	}
}

// ensureStreams creates the groups on every stream. Creating the "cards"
// group succeeds only where the stream had none: on first start, or when
// Redis lost its data. Exactly one process sees that success per stream, and
// it republishes that stream's open, unassigned tickets through the outbox.
// The relay adds with NOMKSTREAM, so a lost stream is recreated only here.
func (h *Hub) ensureStreams(ctx context.Context) error {
	cmds := make([]*redis.StatusCmd, 0, 2*len(queues))
	_, _ = h.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, q := range queues {
			cmds = append(cmds, p.XGroupCreateMkStream(ctx, h.key(q), groupCards, "0"))
			cmds = append(cmds, p.XGroupCreateMkStream(ctx, h.key(q), groupStaff, "0"))
		}
		return nil
	})
	var lost []string
	for i, c := range cmds {
		err := c.Err()
		if err != nil && !isBusyGroup(err) {
			return fmt.Errorf("create groups: %w", err)
		}
		if err == nil && i%2 == 0 {
			lost = append(lost, queues[i/2])
		}
	}
	if len(lost) == 0 {
		return nil
	}
	n, err := h.store.RepublishOpenUnclaimed(ctx, lost, h.cfg.Now())
	if err != nil {
		// Forget the group so the next cycle detects the loss again.
		for _, q := range lost {
			h.rdb.XGroupDestroy(ctx, h.key(q), groupCards)
		}
		return fmt.Errorf("recover queues %v: %w", lost, err)
	}
	if n > 0 {
		h.log.WarnContext(ctx, "queues were empty; open tickets republished from Postgres", "queues", lost, "tickets", n)
	}
	return nil
}

func isBusyGroup(err error) bool { return strings.HasPrefix(err.Error(), "BUSYGROUP") }

func isNoGroup(err error) bool { return err != nil && strings.HasPrefix(err.Error(), "NOGROUP") }

// errStreamGone means a stream vanished (Redis lost its data) since the
// groups were created; the next cycle recreates and refills it.
var errStreamGone = errors.New("stream missing")

// publishBatch locks pending outbox rows, adds each to its stream and marks
// it published in the same transaction. It stops at the first failure and
// commits what was published, so nothing is added twice on the retry.
func (h *Hub) publishBatch(ctx context.Context) (int, error) {
	var n int
	var pubErr error
	err := h.store.InTx(ctx, func(tx *storage.Tx) error {
		es, err := tx.LockPendingOutbox(ctx, relayBatch)
		if err != nil {
			return err
		}
		for _, o := range es {
			e := entry{TicketID: o.TicketID, OutboxID: o.ID, Code: o.Code, Kind: o.Kind, Urgent: o.Urgent, Reason: o.Reason}
			q := queueOf(o.Queue, o.Urgent)
			id, err := h.rdb.XAdd(ctx, &redis.XAddArgs{
				Stream: h.key(q), NoMkStream: true, MaxLen: streamMaxLen, Approx: true, Values: e.values(),
			}).Result()
			if errors.Is(err, redis.Nil) {
				err = errStreamGone
			}
			if err != nil {
				pubErr = fmt.Errorf("publish %s on %s: %w", o.Code, q, err)
				break
			}
			if err := tx.MarkHandoffPublished(ctx, o.ID, id, h.cfg.Now()); err != nil {
				return err
			}
			h.log.DebugContext(ctx, "handoff published", "ticket", o.Code, "entry_id", id, "queue", q)
			n++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, pubErr
}
