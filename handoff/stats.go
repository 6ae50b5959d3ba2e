package handoff

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// QueueStat describes one queue: what Postgres says waits, and what Redis
// holds.
type QueueStat struct {
	Queue        string        // "urgent", "repair", "complaint", "inquiry"
	Waiting      int           // open, unassigned tickets (Postgres)
	OldestWait   time.Duration // age of the oldest of them, by the Hub's clock
	StreamLen    int64         // entries in the stream
	Pending      int64         // entries offered to staff and not yet acknowledged
	CardsPending int64         // entries whose card is being posted or retried
}

// Stats reports every queue, urgent first. Redis figures are zero when the
// stream does not exist (yet, or any more).
func (h *Hub) Stats(ctx context.Context) ([]QueueStat, error) {
	ws, err := h.store.WaitingByQueue(ctx)
	if err != nil {
		return nil, err
	}
	lens := make([]*redis.IntCmd, len(queues))
	staff := make([]*redis.XPendingCmd, len(queues))
	cards := make([]*redis.XPendingCmd, len(queues))
	_, _ = h.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, q := range queues {
			lens[i] = p.XLen(ctx, h.key(q))
			staff[i] = p.XPending(ctx, h.key(q), groupStaff)
			cards[i] = p.XPending(ctx, h.key(q), groupCards)
		}
		return nil
	})
	now := h.cfg.Now()
	stats := make([]QueueStat, len(queues))
	for i, q := range queues {
		st := QueueStat{Queue: q}
		for _, w := range ws {
			if w.Queue == q {
				st.Waiting = w.Waiting
				if w.Oldest != nil {
					st.OldestWait = max(now.Sub(*w.Oldest), 0)
				}
			}
		}
		n, err := lens[i].Result()
		if err != nil {
			return nil, fmt.Errorf("stats of %s: %w", q, err)
		}
		st.StreamLen = n
		if p, err := staff[i].Result(); err == nil {
			st.Pending = p.Count
		}
		if p, err := cards[i].Result(); err == nil {
			st.CardsPending = p.Count
		}
		stats[i] = st
	}
	return stats, nil
}
