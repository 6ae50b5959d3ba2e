package handoff

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"concierge/storage"
)

// cardsLoop reads new entries in the "cards" group and posts one card per
// handoff. An entry whose card could not be posted stays pending; the
// reclaimer retries it and sets it aside after MaxDeliveries.
func (h *Hub) cardsLoop(ctx context.Context) {
	block := min(h.cfg.RelayInterval, time.Second)
	for ctx.Err() == nil {
		err := h.readCards(ctx, block)
		if isNoGroup(err) {
			// First start, or Redis lost its data: recreate (and refill)
			// the streams as the relay does.
			err = h.ensureStreams(ctx)
			h.Kick()
		}
		if err != nil && ctx.Err() == nil {
			h.log.WarnContext(ctx, "reading cards failed", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(block):
			}
		}
	}
}

func (h *Hub) readCards(ctx context.Context, block time.Duration) error {
	streams := make([]string, 0, 2*len(queues))
	for _, q := range queues {
		streams = append(streams, h.key(q))
	}
	for range queues {
		streams = append(streams, ">")
	}
	res, err := h.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: groupCards, Consumer: h.cfg.Consumer, Streams: streams, Count: 20, Block: block,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return nil
	}
	if err != nil {
		return err
	}
	var batch []queued
	for i, s := range res {
		q := h.queueOfKey(s.Stream, i)
		for _, m := range s.Messages {
			batch = append(batch, queued{queue: q, m: m})
		}
	}
	h.postCards(ctx, batch)
	return nil
}

// queued is one entry read from a queue's stream.
type queued struct {
	queue string
	m     redis.XMessage
}

// postCards posts a batch of entries' cards in one transaction and
// acknowledges them together: one commit for a burst of handoffs. If the
// batch fails, each entry is tried on its own, so one bad entry holds up no
// other (and is left pending for the reclaimer).
func (h *Hub) postCards(ctx context.Context, batch []queued) {
	if len(batch) == 0 {
		return
	}
	if len(batch) > 1 {
		err := h.store.InTx(ctx, func(tx *storage.Tx) error {
			for _, e := range batch {
				if err := h.postCardTx(ctx, tx, e.queue, e.m); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			_, err = h.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
				for _, e := range batch {
					p.XAck(ctx, h.key(e.queue), groupCards, e.m.ID)
				}
				return nil
			})
			if err != nil {
				h.log.WarnContext(ctx, "card entries not acknowledged", "n", len(batch), "err", err)
			}
			return
		}
		h.log.WarnContext(ctx, "card batch failed; posting one by one", "n", len(batch), "err", err)
	}
	for _, e := range batch {
		h.card(ctx, e.queue, e.m)
	}
}

// queueOfKey maps a stream key back to its queue name.
func (h *Hub) queueOfKey(key string, fallback int) string {
	for _, q := range queues {
		if h.key(q) == key {
			return q
		}
	}
	return queues[fallback%len(queues)]
}

// card handles one "cards" entry and acknowledges it when done; on failure
// it stays pending for the reclaimer.
func (h *Hub) card(ctx context.Context, queue string, m redis.XMessage) {
	if err := h.postCard(ctx, queue, m); err != nil {
		h.log.WarnContext(ctx, "card not posted; will retry", "entry_id", m.ID, "queue", queue, "err", err)
		return
	}
	if err := h.rdb.XAck(ctx, h.key(queue), groupCards, m.ID).Err(); err != nil {
		h.log.WarnContext(ctx, "card entry not acknowledged", "entry_id", m.ID, "err", err)
	}
}

// postCard posts the card for one entry unless it is not needed: the ticket
// is no longer waiting on this queue, the entry is a passed copy, or this
// handoff's card was already posted. A handoff that republishes a ticket
// whose card was posted before ("recovered") posts nothing; "released" and
// "transferred" repost. The handoff_cards row and the PostCard call commit
// together, so two processes or a reclaimed entry never post twice.
func (h *Hub) postCard(ctx context.Context, queue string, m redis.XMessage) error {
	return h.store.InTx(ctx, func(tx *storage.Tx) error { return h.postCardTx(ctx, tx, queue, m) })
}

// postCardTx is postCard inside the caller's transaction.
func (h *Hub) postCardTx(ctx context.Context, tx *storage.Tx, queue string, m redis.XMessage) error {
	e, err := parseEntry(queue, m)
	if err != nil {
		h.log.ErrorContext(ctx, "malformed entry dropped", "entry_id", m.ID, "err", err)
		return nil
	}
	if e.Reason == reasonPassed || e.OutboxID == 0 {
		return nil
	}
	t, err := tx.Ticket(ctx, e.TicketID)
	if errors.Is(err, storage.ErrNotFound) {
		h.log.ErrorContext(ctx, "entry for unknown ticket dropped", "entry_id", m.ID, "ticket_id", e.TicketID)
		return nil
	}
	if err != nil {
		return err
	}
	if !waiting(t, queue) {
		return nil
	}
	first, err := tx.RecordCard(ctx, e.OutboxID, t.ID, h.cfg.Now())
	if err != nil || !first {
		return err
	}
	repost := e.Reason == storage.ReasonReleased || e.Reason == storage.ReasonTransferred
	if !repost {
		posted, err := tx.CardPosted(ctx, t.ID, e.OutboxID)
		if err != nil || posted {
			return err
		}
	}
	if err := h.n.PostCard(ctx, tx, t, repost); err != nil {
		return err
	}
	h.log.InfoContext(ctx, "card posted", "ticket", t.Code, "entry_id", e.ID, "repost", repost)
	return nil
}

func (h *Hub) reclaimLoop(ctx context.Context) {
	interval := max(h.cfg.ReclaimIdle/2, 10*time.Millisecond)
	every(ctx, interval, nil, func(ctx context.Context) {
		if err := h.reclaimOnce(ctx); err != nil && ctx.Err() == nil {
			h.log.WarnContext(ctx, "reclaim cycle failed", "err", err)
		}
	})
}

// reclaimOnce sets aside entries idle in any group after MaxDeliveries
// deliveries, then takes over (XAUTOCLAIM) "cards" entries a dead consumer
// left idle for ReclaimIdle and posts their cards. Idle "staff" entries are
// taken over by Next, for the staff member asking.
func (h *Hub) reclaimOnce(ctx context.Context) error {
	for _, q := range queues {
		key := h.key(q)
		for _, g := range []string{groupCards, groupStaff} {
			pend, err := h.rdb.XPendingExt(ctx, &redis.XPendingExtArgs{
				Stream: key, Group: g, Idle: h.cfg.ReclaimIdle, Start: "-", End: "+", Count: 100,
			}).Result()
			if isNoGroup(err) {
				continue
			}
			if err != nil {
				return err
			}
			for _, p := range pend {
				if p.RetryCount >= int64(h.cfg.MaxDeliveries) {
					if err := h.poison(ctx, q, g, p.ID); err != nil {
						h.log.ErrorContext(ctx, "poison entry not set aside", "entry_id", p.ID, "err", err)
					}
				}
			}
		}
		start := "0-0"
		for {
			msgs, next, err := h.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
				Stream: key, Group: groupCards, Consumer: h.cfg.Consumer, MinIdle: h.cfg.ReclaimIdle, Start: start, Count: 100,
			}).Result()
			if isNoGroup(err) {
				break
			}
			if err != nil {
				return err
			}
			for _, m := range msgs {
				h.log.InfoContext(ctx, "entry reclaimed", "entry_id", m.ID, "queue", q)
				h.card(ctx, q, m)
			}
			if next == "0-0" || len(msgs) == 0 {
				break
			}
			start = next
		}
	}
	return nil
}

// poison takes an entry over (only one process wins the XCLAIM, as it
// resets the idle time), alerts the supervisors once and moves it to the
// dead stream. The ticket stays open in Postgres: its card can still be
// claimed and unclaimed escalations continue.
func (h *Hub) poison(ctx context.Context, queue, group, id string) error {
	key := h.key(queue)
	msgs, err := h.rdb.XClaim(ctx, &redis.XClaimArgs{
		Stream: key, Group: group, Consumer: h.cfg.Consumer, MinIdle: h.cfg.ReclaimIdle, Messages: []string{id},
	}).Result()
	if err != nil || len(msgs) == 0 {
		return err // another process took it, or it was trimmed
	}
	m := msgs[0]
	if e, err := parseEntry(queue, m); err == nil {
		t, err := h.store.Ticket(ctx, e.TicketID)
		if err == nil && t.Open() {
			if err := h.n.Escalate(ctx, t, storage.EscalatePoison); err != nil {
				return err // still pending: retried after ReclaimIdle
			}
			if err := h.store.MarkEscalated(ctx, t.ID, storage.EscalatePoison, nil, h.cfg.Now()); err != nil {
				h.log.WarnContext(ctx, "poison escalation not recorded", "ticket", t.Code, "err", err)
			}
		}
	}
	vals := map[string]any{"queue": queue, "group": group, "entry_id": id}
	for k, v := range m.Values {
		vals[k] = v
	}
	_, err = h.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAdd(ctx, &redis.XAddArgs{Stream: h.deadKey(), MaxLen: streamMaxLen, Approx: true, Values: vals})
		p.XAck(ctx, key, group, id)
		return nil
	})
	if err != nil {
		return err
	}
	h.log.ErrorContext(ctx, "entry set aside after too many deliveries", "entry_id", id, "queue", queue, "group", group)
	return nil
}
