package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"concierge/storage"
)

// Out is the payload of one outgoing row: a message, a photo, an edit of a
// message we sent, or the answer to a button press.
type Out struct {
	Kind       string     `json:"kind,omitempty"` // "" message, "photo", "edit", "answer"
	Text       string     `json:"text,omitempty"`
	Buttons    [][]Button `json:"buttons,omitempty"`
	ReplyTo    int64      `json:"reply_to,omitempty"`
	MessageID  int64      `json:"message_id,omitempty"` // the message an edit changes
	CallbackID string     `json:"callback_id,omitempty"`
	Photo      string     `json:"photo,omitempty"` // a Telegram file_id
}

// Button is one inline keyboard button.
type Button struct {
	Text string `json:"text"`
	Data string `json:"data"`
}

// Outcomes a transport reports besides success.
var (
	// errRefused: Telegram will never take this message (blocked by the
	// user, chat not found, bad request). Set it aside.
	errRefused = errors.New("refused by telegram")
)

// retryAfterError asks the sender to wait before the chat's next message.
type retryAfterError struct{ wait time.Duration }

func (e *retryAfterError) Error() string { return fmt.Sprintf("retry after %s", e.wait) }

// transport hands one message to Telegram (or the terminal in `concierge
// chat`) and returns the id Telegram gave it.
type transport interface {
	deliver(ctx context.Context, chatID int64, o Out) (messageID int64, err error)
}

// SenderConfig tunes the sender.
type SenderConfig struct {
	Limits      bool          // keep Telegram's rate limits (off only for benchmarks)
	Workers     int           // concurrent requests to the Bot API
	MaxAttempts int           // transient failures before a message is set aside
	Lease       time.Duration // how long a sender holds a row before another may take it
	Logger      *slog.Logger
}

// Telegram's limits: about one message a second per chat, 20 a minute per
// group, 30 a second in all.
const (
	perChatGap   = time.Second
	perGroupGap  = 3100 * time.Millisecond // a little under 20 a minute, so timing jitter never makes 21
	globalGap    = time.Second / 28        // a little under 30 a second, for the same reason
	sweepEvery   = 2 * time.Second
	markBatchMax = 128
)

// Sender is the one way messages leave Concierge. Rows come from outgoing
// (durable); the sender paces them within Telegram's limits, urgent first,
// keeps each chat in order, retries 429 and transient errors, and records
// what Telegram accepted. A message is repeated only if the process dies
// between Telegram's OK and that record.
type Sender struct {
	store *storage.Store
	tr    transport
	cfg   SenderConfig
	log   *slog.Logger

	mu         sync.Mutex
	chats      map[int64]*chatQueue
	held       map[int64]bool // row ids in memory, leased by us
	globalNext time.Time
	wake       chan struct{}
	soon       chan struct{} // asks the sweeper to look for new unleased rows
	work       chan job
	marks      chan storage.Sent
	metrics    *metrics
	refused    func(context.Context, storage.Outgoing) // told of each message Telegram refused for good
}

type chatQueue struct {
	id       int64
	msgs     []storage.Outgoing
	tries    []int
	readyAt  time.Time
	inflight bool
}

type job struct {
	chat *chatQueue
	msg  storage.Outgoing
	try  int
}

func newSender(store *storage.Store, tr transport, cfg SenderConfig, m *metrics) *Sender {
	if cfg.Workers <= 0 {
		cfg.Workers = 8
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 40 // with backoff up to 2 minutes: an hour or more of Telegram being away
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Sender{
		store: store, tr: tr, cfg: cfg, log: cfg.Logger.With("component", "sender"),
		chats: map[int64]*chatQueue{}, held: map[int64]bool{},
		wake: make(chan struct{}, 1), soon: make(chan struct{}, 1), work: make(chan job), marks: make(chan storage.Sent, 1024),
		metrics: m,
	}
}

// Deliver queues stored rows for sending now. Rows must be leased to this
// process (FinishTurn leases them) and committed.
func (s *Sender) Deliver(rows ...storage.Outgoing) {
	if len(rows) == 0 {
		return
	}
	s.mu.Lock()
	for _, r := range rows {
		if s.held[r.ID] {
			continue
		}
		s.held[r.ID] = true
		q := s.chats[r.ChatID]
		if q == nil {
			q = &chatQueue{id: r.ChatID}
			s.chats[r.ChatID] = q
		}
		q.msgs = append(q.msgs, r)
		q.tries = append(q.tries, r.Attempts)
	}
	s.mu.Unlock()
	s.poke()
}

func (s *Sender) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run sends until ctx ends.
func (s *Sender) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for range s.cfg.Workers {
		wg.Go(func() { s.worker(ctx) })
	}
	wg.Go(func() { s.marker(ctx) })
	wg.Go(func() { s.sweeper(ctx) })
	s.dispatch(ctx)
	wg.Wait()
	return nil
}

// pick returns the next message to send and how long to wait when none is
// ready. Among ready chats, a chat whose next message is urgent goes first,
// then the oldest row.
func (s *Sender) pick(now time.Time) (job, time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cfg.Limits && now.Before(s.globalNext) {
		return job{}, s.globalNext.Sub(now), false
	}
	var best *chatQueue
	wait := time.Hour
	for id, q := range s.chats {
		if q.inflight {
			continue
		}
		if len(q.msgs) == 0 {
			if !q.readyAt.After(now) {
				delete(s.chats, id)
			}
			continue
		}
		if q.readyAt.After(now) {
			wait = min(wait, q.readyAt.Sub(now))
			continue
		}
		if best == nil || before(q.msgs[0], best.msgs[0]) {
			best = q
		}
	}
	if best == nil {
		return job{}, wait, false
	}
	j := job{chat: best, msg: best.msgs[0], try: best.tries[0]}
	best.msgs, best.tries = best.msgs[1:], best.tries[1:]
	best.inflight = true
	if s.cfg.Limits {
		gap := perChatGap
		if best.id < 0 {
			gap = perGroupGap
		}
		if isAnswer(j.msg) {
			gap = 0 // answering a button press is not a chat message
		} else {
			s.globalNext = now.Add(globalGap)
		}
		best.readyAt = now.Add(gap)
	}
	return j, 0, true
}

func before(a, b storage.Outgoing) bool {
	if a.Urgent != b.Urgent {
		return a.Urgent
	}
	return a.ID < b.ID
}

func isAnswer(o storage.Outgoing) bool {
	return strings.Contains(string(o.Payload), `"kind":"answer"`)
}

func (s *Sender) dispatch(ctx context.Context) {
	defer close(s.work)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		j, wait, ok := s.pick(time.Now())
		if ok {
			select {
			case s.work <- j:
				continue
			case <-ctx.Done():
				return
			}
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-timer.C:
		}
	}
}

func (s *Sender) worker(ctx context.Context) {
	for j := range s.work {
		s.send(ctx, j)
	}
}

func (s *Sender) send(ctx context.Context, j job) {
	var o Out
	if err := json.Unmarshal(j.msg.Payload, &o); err != nil {
		s.log.ErrorContext(ctx, "outgoing payload unreadable; set aside", "outgoing_id", j.msg.ID, "err", err)
		s.store.FailOutgoing(context.WithoutCancel(ctx), j.msg.ID, err.Error())
		s.finish(j, nil)
		return
	}
	cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	mid, err := s.tr.deliver(cctx, j.msg.ChatID, o)
	cancel()
	if err == nil {
		s.metrics.sent.Inc()
		select {
		case s.marks <- storage.Sent{ID: j.msg.ID, MessageID: mid, At: time.Now()}:
		case <-ctx.Done():
		}
		s.finish(j, nil)
		return
	}
	var ra *retryAfterError
	switch {
	case errors.As(err, &ra):
		s.metrics.throttled.Inc()
		s.log.WarnContext(ctx, "telegram asked to slow down", "chat_id", j.msg.ChatID, "retry_after", ra.wait.String())
		s.requeue(j, ra.wait, false)
	case errors.Is(err, errRefused):
		s.log.WarnContext(ctx, "telegram refused a message; set aside", "chat_id", j.msg.ChatID, "outgoing_id", j.msg.ID, "err", err)
		if ferr := s.store.FailOutgoing(context.WithoutCancel(ctx), j.msg.ID, err.Error()); ferr != nil {
			s.log.ErrorContext(ctx, "record refused message", "outgoing_id", j.msg.ID, "err", ferr)
		} else if s.refused != nil {
			s.refused(context.WithoutCancel(ctx), j.msg)
		}
		s.finish(j, nil)
	case ctx.Err() != nil:
		s.finish(j, nil) // shutting down; the lease lapses and another run sends it
	default:
		s.metrics.sendErrors.Inc()
		if j.try+1 >= s.cfg.MaxAttempts {
			s.log.ErrorContext(ctx, "message not delivered after retries; set aside", "chat_id", j.msg.ChatID, "outgoing_id", j.msg.ID, "err", err)
			s.store.RetryOutgoing(context.WithoutCancel(ctx), j.msg.ID, time.Now(), err.Error(), 1)
			s.finish(j, nil)
			return
		}
		backoff := min(time.Duration(1<<min(j.try, 8))*500*time.Millisecond, 2*time.Minute)
		s.log.WarnContext(ctx, "send failed; will retry", "chat_id", j.msg.ChatID, "outgoing_id", j.msg.ID, "attempt", j.try+1, "in", backoff.String(), "err", err)
		s.requeue(j, backoff, true)
	}
}

// requeue puts the message back at the head of its chat's queue.
func (s *Sender) requeue(j job, wait time.Duration, counted bool) {
	s.mu.Lock()
	q := j.chat
	try := j.try
	if counted {
		try++
	}
	q.msgs = append([]storage.Outgoing{j.msg}, q.msgs...)
	q.tries = append([]int{try}, q.tries...)
	q.readyAt = time.Now().Add(wait)
	q.inflight = false
	s.mu.Unlock()
	s.poke()
}

// finish ends a message's turn; it stays held until its send is recorded.
func (s *Sender) finish(j job, _ error) {
	s.mu.Lock()
	j.chat.inflight = false
	s.mu.Unlock()
	s.poke()
}

// marker records sends in batches.
func (s *Sender) marker(ctx context.Context) {
	batch := make([]storage.Sent, 0, markBatchMax)
	flush := func() {
		for len(batch) > 0 {
			err := s.store.MarkSent(context.WithoutCancel(ctx), batch)
			if err == nil {
				break
			}
			s.log.Error("record sent messages; retrying", "n", len(batch), "err", err)
			select {
			case <-time.After(time.Second):
			case <-ctx.Done():
				return
			}
		}
		s.mu.Lock()
		for _, x := range batch {
			delete(s.held, x.ID)
		}
		s.mu.Unlock()
		batch = batch[:0]
	}
	for {
		select {
		case <-ctx.Done():
			// Drain what is already confirmed before stopping.
			for {
				select {
				case x := <-s.marks:
					batch = append(batch, x)
				default:
					flush()
					return
				}
			}
		case x := <-s.marks:
			batch = append(batch, x)
		drain:
			for len(batch) < markBatchMax {
				select {
				case x := <-s.marks:
					batch = append(batch, x)
				default:
					break drain
				}
			}
			flush()
		}
	}
}

// sweepSoon asks the sweeper to look for rows queued by other transactions
// (cards) shortly, once they have committed.
func (s *Sender) sweepSoon() {
	select {
	case s.soon <- struct{}{}:
	default:
	}
}

// sweeper renews the leases of rows held in memory and takes rows whose
// lease lapsed (a sender that died, a message due again).
func (s *Sender) sweeper(ctx context.Context) {
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	lastRenew := time.Now()
	for {
		if err := s.sweep(ctx, &lastRenew); err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "sweep outgoing", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.soon:
			// Give the caller's transaction a moment to commit, and let
			// several requests share one look.
			select {
			case <-ctx.Done():
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
}

func (s *Sender) sweep(ctx context.Context, lastRenew *time.Time) error {
	now := time.Now()
	if now.Sub(*lastRenew) > s.cfg.Lease/4 {
		s.mu.Lock()
		ids := make([]int64, 0, len(s.held))
		for id := range s.held {
			ids = append(ids, id)
		}
		s.mu.Unlock()
		if err := s.store.RenewOutgoing(ctx, ids, now.Add(s.cfg.Lease)); err != nil {
			return err
		}
		*lastRenew = now
	}
	rows, err := s.store.LeaseOutgoing(ctx, now, now.Add(s.cfg.Lease), 500)
	if err != nil {
		return err
	}
	s.Deliver(rows...)
	return nil
}
