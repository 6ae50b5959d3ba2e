package handoff

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"concierge/storage"
)

// queuesFor lists the queues a role serves, urgent first.
func queuesFor(role string) []string {
	if role == storage.RoleTechnician {
		return []string{storage.UrgentQueue, storage.KindRepair}
	}
	return queues
}

func consumerOf(s storage.Staff) string { return fmt.Sprintf("staff-%d", s.ID) }

// offered returns the queue and entry id Next last offered s for this
// ticket, if any.
func (h *Hub) offered(ctx context.Context, ticketID int64, s storage.Staff) (queue, id string, ok bool, err error) {
	v, err := h.rdb.Get(ctx, h.offerKey(s.ID)).Result()
	if errors.Is(err, redis.Nil) {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, err
	}
	f := strings.Fields(v)
	if len(f) != 3 || f[0] != strconv.FormatInt(ticketID, 10) {
		return "", "", false, nil
	}
	return f[1], f[2], true, nil
}

// Claim makes s the ticket's assignee if it is still open and unassigned;
// Postgres decides, so of concurrent claims exactly one wins. It writes a
// "claimed" event and acknowledges the ticket's stream entries. When someone
// else has it, it returns the current ticket (to say who) and an error
// wrapping storage.ErrAlreadyClaimed; claiming one's own ticket again
// succeeds; a ticket no longer open gives storage.ErrNotAllowed.
func (h *Hub) Claim(ctx context.Context, ticketID int64, s storage.Staff) (storage.Ticket, error) {
	var t storage.Ticket
	err := h.store.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		t, err = tx.ClaimTicket(ctx, ticketID, s, h.cfg.Now())
		return err
	})
	if err != nil {
		return t, err
	}
	h.log.InfoContext(ctx, "ticket claimed", "ticket", t.Code, "staff_id", s.ID)
	h.ackTicket(ctx, t, s)
	return t, nil
}

// Acknowledge acknowledges a claimed ticket's entries in Redis for s, as
// Claim does, when the claim itself was made in another transaction (the
// bot claims inside the update's transaction and calls this after commit).
func (h *Hub) Acknowledge(ctx context.Context, t storage.Ticket, s storage.Staff) {
	h.ackTicket(ctx, t, s)
}

// ackTicket acknowledges the ticket's entries in the "staff" group, so they
// do not linger as pending. Best effort: an entry left behind is skipped
// when read, because Postgres says the ticket is taken.
func (h *Hub) ackTicket(ctx context.Context, t storage.Ticket, s storage.Staff) {
	hs, err := h.store.PublishedHandoffs(ctx, t.ID)
	if err != nil {
		h.log.WarnContext(ctx, "entries not acknowledged", "ticket", t.Code, "err", err)
		return
	}
	q, id, offered, _ := h.offered(ctx, t.ID, s)
	_, err = h.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, o := range hs {
			p.XAck(ctx, h.key(queueOf(o.Queue, o.Urgent)), groupStaff, o.StreamID)
		}
		if offered {
			p.XAck(ctx, h.key(q), groupStaff, id)
			p.Del(ctx, h.offerKey(s.ID))
		}
		return nil
	})
	if err != nil {
		h.log.WarnContext(ctx, "entries not acknowledged", "ticket", t.Code, "err", err)
	}
}

// Next offers s the next waiting ticket without claiming it: from the "staff"
// group, consumer "staff-<id>", on the queues s's role serves (technicians:
// urgent and repair; agents and supervisors: all), the urgent queue first,
// then the oldest entry of the others. Entries another staff member left
// unanswered for ReclaimIdle are offered again. Entries whose ticket is no
// longer waiting are acknowledged and skipped, tickets s passed are left
// for others. It returns false when nothing waits.
func (h *Hub) Next(ctx context.Context, s storage.Staff) (storage.Ticket, bool, error) {
	consumer := consumerOf(s)
	qs := queuesFor(s.Role)
	requeued := map[int64]bool{}
	for range 100 {
		e, ok, err := h.take(ctx, qs, consumer)
		if err != nil || !ok {
			return storage.Ticket{}, false, err
		}
		t, err := h.store.Ticket(ctx, e.TicketID)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return storage.Ticket{}, false, err
		}
		if err != nil || !waiting(t, e.Queue) {
			if err := h.rdb.XAck(ctx, h.key(e.Queue), groupStaff, e.ID).Err(); err != nil {
				return storage.Ticket{}, false, fmt.Errorf("next: %w", err)
			}
			continue
		}
		if slices.Contains(e.Passed, s.ID) {
			if err := h.requeue(ctx, e); err != nil {
				return storage.Ticket{}, false, err
			}
			if requeued[t.ID] {
				// Back round to it: s passed everything left on this queue.
				qs = slices.DeleteFunc(slices.Clone(qs), func(q string) bool { return q == e.Queue })
			}
			requeued[t.ID] = true
			continue
		}
		offer := fmt.Sprintf("%d %s %s", t.ID, e.Queue, e.ID)
		if err := h.rdb.Set(ctx, h.offerKey(s.ID), offer, offerTTL).Err(); err != nil {
			return storage.Ticket{}, false, fmt.Errorf("next: %w", err)
		}
		h.log.InfoContext(ctx, "ticket offered", "ticket", t.Code, "staff_id", s.ID, "entry_id", e.ID)
		return t, true, nil
	}
	return storage.Ticket{}, false, nil
}

// candidate is the oldest entry a staff member could be given from a queue.
type candidate struct {
	queue, id string
	pending   bool // idle in another consumer's pending list
}

// take gives consumer one entry: it looks, per queue, at the oldest entry
// left idle for ReclaimIdle in the group and the oldest never delivered,
// then takes the best (urgent queue first, then the oldest id) with XCLAIM
// or XREADGROUP. Losing a race to another consumer just moves on.
func (h *Hub) take(ctx context.Context, qs []string, consumer string) (entry, bool, error) {
	cands, err := h.candidates(ctx, qs)
	if err != nil {
		return entry{}, false, err
	}
	for _, c := range cands {
		key := h.key(c.queue)
		var msgs []redis.XMessage
		if c.pending {
			msgs, err = h.rdb.XClaim(ctx, &redis.XClaimArgs{
				Stream: key, Group: groupStaff, Consumer: consumer, MinIdle: h.cfg.ReclaimIdle, Messages: []string{c.id},
			}).Result()
		} else {
			var res []redis.XStream
			res, err = h.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
				Group: groupStaff, Consumer: consumer, Streams: []string{key, ">"}, Count: 1, Block: -1,
			}).Result()
			if len(res) > 0 {
				msgs = res[0].Messages
			}
		}
		if errors.Is(err, redis.Nil) || isNoGroup(err) {
			continue
		}
		if err != nil {
			return entry{}, false, fmt.Errorf("take from %s: %w", c.queue, err)
		}
		if len(msgs) == 0 {
			continue
		}
		e, err := parseEntry(c.queue, msgs[0])
		if err != nil {
			h.log.ErrorContext(ctx, "malformed entry dropped", "entry_id", msgs[0].ID, "err", err)
			h.rdb.XAck(ctx, key, groupStaff, msgs[0].ID)
			continue
		}
		return e, true, nil
	}
	return entry{}, false, nil
}

func (h *Hub) candidates(ctx context.Context, qs []string) ([]candidate, error) {
	pend := make([]*redis.XPendingExtCmd, len(qs))
	infos := make([]*redis.XInfoGroupsCmd, len(qs))
	_, _ = h.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, q := range qs {
			pend[i] = p.XPendingExt(ctx, &redis.XPendingExtArgs{
				Stream: h.key(q), Group: groupStaff, Idle: h.cfg.ReclaimIdle, Start: "-", End: "+", Count: 1,
			})
			infos[i] = p.XInfoGroups(ctx, h.key(q))
		}
		return nil
	})
	var cands []candidate
	ranges := make([]*redis.XMessageSliceCmd, len(qs))
	_, _ = h.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, q := range qs {
			if ps, err := pend[i].Result(); err == nil && len(ps) > 0 {
				cands = append(cands, candidate{queue: q, id: ps[0].ID, pending: true})
			}
			gs, err := infos[i].Result()
			if err != nil {
				continue // no stream yet
			}
			for _, g := range gs {
				if g.Name == groupStaff {
					ranges[i] = p.XRangeN(ctx, h.key(q), "("+g.LastDeliveredID, "+", 1)
				}
			}
		}
		return nil
	})
	for i, q := range qs {
		if ranges[i] == nil {
			continue
		}
		if ms, err := ranges[i].Result(); err == nil && len(ms) > 0 {
			cands = append(cands, candidate{queue: q, id: ms[0].ID})
		}
	}
	slices.SortStableFunc(cands, func(a, b candidate) int {
		au, bu := a.queue == storage.UrgentQueue, b.queue == storage.UrgentQueue
		if au != bu {
			if au {
				return -1
			}
			return 1
		}
		return compareIDs(a.id, b.id)
	})
	return cands, nil
}

// compareIDs orders stream ids ("ms-seq") by time, then sequence.
func compareIDs(a, b string) int {
	am, as, _ := strings.Cut(a, "-")
	bm, bs, _ := strings.Cut(b, "-")
	num := func(s string) uint64 { n, _ := strconv.ParseUint(s, 10, 64); return n }
	return cmp.Or(cmp.Compare(num(am), num(bm)), cmp.Compare(num(as), num(bs)))
}

// requeue acknowledges e in the "staff" group and adds a copy at the end of
// its stream, in one MULTI, so it waits for the next staff member.
func (h *Hub) requeue(ctx context.Context, e entry) error {
	c := e
	c.Reason = reasonPassed
	_, err := h.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAck(ctx, h.key(e.Queue), groupStaff, e.ID)
		p.XAdd(ctx, &redis.XAddArgs{Stream: h.key(e.Queue), NoMkStream: true, MaxLen: streamMaxLen, Approx: true, Values: c.values()})
		return nil
	})
	if err != nil {
		return fmt.Errorf("requeue %s: %w", e.Code, err)
	}
	return nil
}

// Pass records that s declines the ticket Next offered: the offered entry is
// acknowledged and a copy noting s among those who passed is added at the
// end of its stream, so others get it with their next Next while s is not
// offered it again. A "passed" event is written. Passing a ticket that was
// not offered to s (or no longer waits) only writes the event.
func (h *Hub) Pass(ctx context.Context, ticketID int64, s storage.Staff) error {
	t, err := h.store.Ticket(ctx, ticketID)
	if err != nil {
		return fmt.Errorf("pass: %w", err)
	}
	q, entryID, ok, err := h.offered(ctx, t.ID, s)
	if err != nil {
		return fmt.Errorf("pass %s: %w", t.Code, err)
	}
	if ok {
		if err := h.passEntry(ctx, q, entryID, s); err != nil {
			return fmt.Errorf("pass %s: %w", t.Code, err)
		}
		h.rdb.Del(ctx, h.offerKey(s.ID))
	}
	id := s.ID
	ev := storage.Event{TicketID: t.ID, At: h.cfg.Now(), Actor: storage.ActorStaff, StaffID: &id, Kind: "passed",
		Detail: map[string]any{"staff_id": s.ID}}
	if err := h.store.AddEvent(ctx, ev); err != nil {
		return err
	}
	h.log.InfoContext(ctx, "ticket passed", "ticket", t.Code, "staff_id", s.ID)
	return nil
}

// passEntry re-adds the offered entry with s among those who passed, if it
// is still pending on s's consumer (not reclaimed for someone else).
func (h *Hub) passEntry(ctx context.Context, queue, id string, s storage.Staff) error {
	key := h.key(queue)
	ps, err := h.rdb.XPendingExt(ctx, &redis.XPendingExtArgs{
		Stream: key, Group: groupStaff, Start: id, End: id, Count: 1, Consumer: consumerOf(s),
	}).Result()
	if err != nil || len(ps) == 0 {
		return err
	}
	ms, err := h.rdb.XRangeN(ctx, key, id, id, 1).Result()
	if err != nil || len(ms) == 0 {
		return err
	}
	e, err := parseEntry(queue, ms[0])
	if err != nil {
		return err
	}
	if !slices.Contains(e.Passed, s.ID) {
		e.Passed = append(e.Passed, s.ID)
	}
	return h.requeue(ctx, e)
}

// Release gives the ticket back: status open, no assignee, a "released"
// event, and republished on its queue (through the outbox, so the relay is
// kicked). Only the assignee or a supervisor may release:
// storage.ErrNotAllowed otherwise.
func (h *Hub) Release(ctx context.Context, ticketID int64, s storage.Staff) (storage.Ticket, error) {
	var t storage.Ticket
	err := h.store.InTx(ctx, func(tx *storage.Tx) error {
		cur, err := tx.Ticket(ctx, ticketID)
		if err != nil {
			return err
		}
		now := h.cfg.Now()
		t, err = tx.ReleaseTicket(ctx, ticketID, s, now.Add(h.claimTimeout(cur.Urgent)), now)
		return err
	})
	if err != nil {
		return t, err
	}
	h.Kick()
	h.log.InfoContext(ctx, "ticket released", "ticket", t.Code, "staff_id", s.ID)
	return t, nil
}

// Transfer hands the ticket to another staff member (assigned directly) or,
// with to nil, to queue (a ticket kind: open again there and republished).
// A "transferred" event is written. Only the assignee or a supervisor may
// transfer, and only to an active staff member: storage.ErrNotAllowed.
func (h *Hub) Transfer(ctx context.Context, ticketID int64, by storage.Staff, to *storage.Staff, queue string) (storage.Ticket, error) {
	var t storage.Ticket
	err := h.store.InTx(ctx, func(tx *storage.Tx) error {
		cur, err := tx.Ticket(ctx, ticketID)
		if err != nil {
			return err
		}
		now := h.cfg.Now()
		t, err = tx.TransferTicket(ctx, ticketID, by, to, queue, now.Add(h.claimTimeout(cur.Urgent)), now)
		return err
	})
	if err != nil {
		return t, err
	}
	if to != nil {
		h.ackTicket(ctx, t, by)
		h.log.InfoContext(ctx, "ticket transferred", "ticket", t.Code, "staff_id", by.ID, "to_staff_id", to.ID)
	} else {
		h.Kick()
		h.log.InfoContext(ctx, "ticket transferred", "ticket", t.Code, "staff_id", by.ID, "queue", queue)
	}
	return t, nil
}
