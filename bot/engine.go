package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/prometheus/client_golang/prometheus"

	"concierge/handoff"
	"concierge/intents"
	"concierge/storage"
)

// understander turns an owner's words into a result: the local model, or an
// LLM with the local model as fallback.
type understander interface {
	Understand(ctx context.Context, text string) (intents.Result, error)
}

// Config is everything the bot needs; cmd/concierge fills it from the
// environment.
type Config struct {
	Store      *storage.Store
	Understand understander
	// UnderstandFirst asks Understand about a private text message before
	// the turn's transaction opens. Set it for a model across the network
	// (the LLM): a slow answer then holds neither a database connection nor
	// the chat's lock. The local model answers in microseconds and needs it not.
	UnderstandFirst bool
	Answers         answerer // the knowledge base; nil: inquiries always go to staff

	TelegramToken  string    // empty: terminal mode (`concierge chat`)
	TelegramAPIURL string    // Bot API server
	SkipGetMe      bool      // do not check the token at start (tests, bench)
	Terminal       io.Writer // where terminal mode prints the bot's messages

	StaffChatID        int64
	StaffLang          string            // language of cards in the staff group
	EstateName         string            // the estate, as recorded on tickets
	EstateNames        map[string]string // the estate's name per language, for messages
	Hotline            string
	Location           *time.Location
	Now                func() time.Time
	ClaimTimeoutUrgent time.Duration
	ClaimTimeoutNormal time.Duration
	DialogueTimeout    time.Duration // an unanswered question expires after this

	// Satisfaction callbacks (回访) and auto-close; zero values take the
	// DESIGN.md defaults.
	CallbackDelay            time.Duration // confirmed solved → callback after this long (2h)
	CallbackDelayUrgent      time.Duration // the same for urgent tickets (30m)
	CallbackReminderInterval time.Duration // between reminders of an unanswered callback (24h)
	CallbackMaxReminders     int           // reminders before no_response (0: 2; negative: none)
	AutoCloseAfter           time.Duration // resolved and unconfirmed this long → closed (72h)
	QuietStart, QuietEnd     time.Duration // quiet hours since midnight, estate time; equal: none
	CallbackPoll             time.Duration // how often Run looks for callback work (5s); negative: never (tests tick by hand)

	Sender   SenderConfig
	Workers  int // update-processing workers (each chat stays on one)
	Logger   *slog.Logger
	Registry prometheus.Registerer
}

// Bot is the running Telegram side.
type Bot struct {
	cfg    Config
	store  *storage.Store
	tg     *tgbot.Bot
	sender *Sender
	log    *slog.Logger
	m      *metrics

	hubMu sync.RWMutex
	hub   Handoffs

	queues []chan int64
}

// Handoffs is what the bot asks of the staff queue (handoff.Hub). Claims,
// releases and transfers are written by the bot in the update's own
// transaction (storage), so they commit with the messages they cause.
type Handoffs interface {
	Kick()
	Acknowledge(ctx context.Context, t storage.Ticket, s storage.Staff)
	Next(ctx context.Context, s storage.Staff) (storage.Ticket, bool, error)
	Pass(ctx context.Context, ticketID int64, s storage.Staff) error
	Stats(ctx context.Context) ([]handoff.QueueStat, error)
}

// New builds the bot. With a token it checks it with getMe unless
// SkipGetMe; without one it runs in terminal mode.
func New(ctx context.Context, cfg Config) (*Bot, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 16
	}
	if cfg.DialogueTimeout <= 0 {
		cfg.DialogueTimeout = 30 * time.Minute
	}
	if cfg.Hotline == "" {
		cfg.Hotline = "400-800-1234"
	}
	if cfg.EstateName == "" {
		cfg.EstateName = "物业"
	}
	cfg.Sender.Logger = cfg.Logger
	b := &Bot{cfg: cfg, store: cfg.Store, log: cfg.Logger.With("component", "bot"), m: newMetrics(cfg.Registry)}

	token := cfg.TelegramToken
	opts := []tgbot.Option{
		tgbot.WithNotAsyncHandlers(),
		tgbot.WithDefaultHandler(b.step(b.onOwnerMessage)),
		tgbot.WithErrorsHandler(func(err error) { b.log.Warn("telegram client", "err", err) }),
	}
	if token == "" || cfg.SkipGetMe {
		opts = append(opts, tgbot.WithSkipGetMe())
	}
	if token == "" {
		token = "terminal"
	}
	if cfg.TelegramAPIURL != "" {
		opts = append(opts, tgbot.WithServerURL(cfg.TelegramAPIURL))
	}
	tg, err := tgbot.New(token, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect to the Bot API: %w", err)
	}
	b.tg = tg
	var tr transport = telegramTransport{tg: tg}
	if cfg.TelegramToken == "" {
		tr = &terminalTransport{w: cfg.Terminal}
		cfg.Sender.Limits = false // nothing to pace in a terminal
	}
	if cfg.StaffChatID == 0 {
		b.log.Info("STAFF_CHAT_ID is not set: handoff cards are not posted; staff take tickets with /next")
	}
	b.sender = newSender(cfg.Store, tr, cfg.Sender, b.m)
	b.sender.refused = b.relayRefused
	b.queues = make([]chan int64, cfg.Workers)
	for i := range b.queues {
		b.queues[i] = make(chan int64, 256)
	}
	b.routes()
	return b, nil
}

// SetHub connects the staff queue; call it before Run.
func (b *Bot) SetHub(h Handoffs) {
	b.hubMu.Lock()
	b.hub = h
	b.hubMu.Unlock()
}

// acknowledge clears a claimed ticket's Redis entries once the claim has
// committed; Postgres already decided, so this is housekeeping.
func (b *Bot) acknowledge(t *turn, tk storage.Ticket, s storage.Staff) {
	t.after = append(t.after, func(ctx context.Context) {
		b.hubMu.RLock()
		h := b.hub
		b.hubMu.RUnlock()
		if h != nil {
			h.Acknowledge(ctx, tk, s)
		}
	})
}

// estate is the estate's name in lang, for messages.
func (b *Bot) estate(lang string) string {
	if n := b.cfg.EstateNames[lang]; n != "" {
		return n
	}
	return b.cfg.EstateName
}

func (b *Bot) kick() {
	b.hubMu.RLock()
	h := b.hub
	b.hubMu.RUnlock()
	if h != nil {
		h.Kick()
	}
}

// Telegram returns the go-telegram/bot client (for setWebhook and friends).
func (b *Bot) Telegram() *tgbot.Bot { return b.tg }

// turn is one update being processed inside its transaction.
type turn struct {
	tx       *storage.Tx
	upd      *models.Update
	updateID int64
	now      time.Time
	out      []storage.Outgoing // queued messages; stored by finishTurn
	handoff  bool
	err      error

	inbound  *storage.Message        // the person's words, written at the end of the turn
	conv     *storage.Conversation   // the chat's dialogue state, written at the end of the turn
	ticketID *int64                  // the ticket this turn opened, if any
	after    []func(context.Context) // run once the turn has committed

	understood map[string]intents.Result // what this turn understood, by text
}

// understand returns what the words mean, asking the model once per turn
// for the same text (follow-up matching, comments and the request itself
// look at the same message; an LLM should be asked once). Long messages are
// read up to maxUnderstandRunes.
func (b *Bot) understand(ctx context.Context, t *turn, text string) (intents.Result, error) {
	text = truncateRunes(text, maxUnderstandRunes)
	if r, ok := t.understood[text]; ok {
		return r, nil
	}
	r, err := b.cfg.Understand.Understand(ctx, text)
	if err != nil {
		return intents.Result{}, fmt.Errorf("understand: %w", err)
	}
	if t.understood == nil {
		t.understood = map[string]intents.Result{}
	}
	t.understood[text] = r
	return r, nil
}

// understandFirst asks the model about an owner's private text message
// before the turn's transaction opens (Config.UnderstandFirst) and returns
// the answer keyed as understand looks it up, so the turn finds it ready.
// Commands, empty words, other updates and failures are left to the turn.
func (b *Bot) understandFirst(ctx context.Context, upd *models.Update) map[string]intents.Result {
	if !b.cfg.UnderstandFirst || upd.Message == nil || upd.Message.Chat.Type != models.ChatTypePrivate {
		return nil
	}
	text := ownerWords(upd.Message)
	if strings.HasPrefix(text, "/") || !hasLetters(text) && !hasDigits(text) {
		return nil
	}
	text = truncateRunes(text, maxUnderstandRunes)
	r, err := b.cfg.Understand.Understand(ctx, text)
	if err != nil {
		return nil
	}
	return map[string]intents.Result{text: r}
}

// finishTurn writes what the turn kept for its end, in one statement: the
// inbound transcript line, filed under the ticket the turn opened, the
// chat's dialogue state, and the messages it queued, leased to this process so the sender may send them as
// soon as the transaction commits. Every transaction that queues messages
// ends with it (process, ingest, inTx).
func (b *Bot) finishTurn(ctx context.Context, t *turn) error {
	if t.inbound != nil && t.inbound.TicketID == nil {
		t.inbound.TicketID = t.ticketID
	}
	if t.inbound == nil && len(t.out) == 0 && t.conv == nil {
		return nil
	}
	rows, err := t.tx.FinishTurn(ctx, t.inbound, t.conv, t.out, t.now.Add(b.sender.cfg.Lease))
	if err != nil {
		return err
	}
	t.out = rows
	return nil
}

type turnKey struct{}

func turnFrom(ctx context.Context) *turn {
	t, _ := ctx.Value(turnKey{}).(*turn)
	return t
}

// step adapts a handler that returns an error to go-telegram/bot's
// HandlerFunc; the error and any panic are kept on the turn, which rolls
// the transaction back.
func (b *Bot) step(fn func(context.Context, *turn) error) tgbot.HandlerFunc {
	return func(ctx context.Context, _ *tgbot.Bot, _ *models.Update) {
		t := turnFrom(ctx)
		if t == nil {
			return
		}
		defer func() {
			if r := recover(); r != nil {
				t.err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
			}
		}()
		t.err = fn(ctx, t)
	}
}

// process handles one stored update in one transaction. Updates already
// processed, or taken by another worker, are skipped.
func (b *Bot) process(ctx context.Context, updateID int64) error {
	start := time.Now()
	var known map[string]intents.Result
	if b.cfg.UnderstandFirst {
		if u, err := b.store.Update(ctx, updateID); err == nil {
			var upd models.Update
			if json.Unmarshal(u.Payload, &upd) == nil {
				known = b.understandFirst(ctx, &upd)
			}
		}
	}
	var t *turn
	err := b.store.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		t, err = b.handle(ctx, tx, updateID, known)
		return err
	})
	if err != nil {
		b.failed(ctx, updateID, err)
		return err
	}
	b.afterTurn(t, start)
	return nil
}

// ingest stores one update and processes it in the same transaction: one
// commit makes the update durable and applies it. When processing fails the
// update is stored on its own, unprocessed, so it is still acknowledged and
// the inbox sweep retries it. Only a failure to store is returned.
func (b *Bot) ingest(ctx context.Context, in storage.InboxUpdate) error {
	start := time.Now()
	var (
		t     *turn
		fresh bool
		perr  error
	)
	var upd models.Update
	parsed := json.Unmarshal(in.Payload, &upd) == nil // parseUpdate read it already
	var known map[string]intents.Result
	if parsed {
		known = b.understandFirst(ctx, &upd)
	}
	err := b.store.InTx(ctx, func(tx *storage.Tx) error {
		t, perr = nil, nil
		now := b.cfg.Now()
		var err error
		// Stored as processed: the mark commits with the processing.
		if fresh, err = tx.StoreUpdate(ctx, in, &now); err != nil || !fresh || !parsed {
			return err
		}
		t, perr = b.run(ctx, tx, in.UpdateID, &upd, now, known)
		return perr
	})
	if perr != nil {
		// Processing failed and took the insert with it: store the update
		// alone, unprocessed, for the inbox sweep to retry.
		t = nil
		if err = b.store.InTx(ctx, func(tx *storage.Tx) error {
			fresh, err = tx.StoreUpdate(ctx, in, nil)
			return err
		}); err == nil && fresh {
			b.m.received.Inc()
			b.failed(ctx, in.UpdateID, perr)
			return nil
		}
	}
	if err != nil {
		return err
	}
	if fresh {
		b.m.received.Inc()
	}
	b.afterTurn(t, start)
	return nil
}

// handle applies one update inside tx: it takes the update from the inbox,
// routes it through go-telegram/bot and writes what the turn kept for its
// end. A nil turn means there was nothing to do.
func (b *Bot) handle(ctx context.Context, tx *storage.Tx, updateID int64, known map[string]intents.Result) (*turn, error) {
	now := b.cfg.Now()
	row, err := tx.BeginUpdate(ctx, updateID, now)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("take update: %w", err)
	}
	var upd models.Update
	if err := json.Unmarshal(row.Payload, &upd); err != nil {
		b.log.WarnContext(ctx, "stored update unreadable; set aside", "update_id", updateID, "err", err)
		return nil, nil
	}
	return b.run(ctx, tx, updateID, &upd, now, known)
}

// run routes one update through go-telegram/bot inside tx and writes what
// the turn kept for its end; known is what was understood before the
// transaction opened (see understandFirst).
func (b *Bot) run(ctx context.Context, tx *storage.Tx, updateID int64, upd *models.Update, now time.Time, known map[string]intents.Result) (*turn, error) {
	t := &turn{tx: tx, upd: upd, updateID: updateID, now: now, understood: maps.Clone(known)}
	b.tg.ProcessUpdate(context.WithValue(ctx, turnKey{}, t), upd)
	if t.err != nil {
		return nil, t.err
	}
	return t, b.finishTurn(ctx, t)
}

// failed records a failed attempt; after the last one the person is told,
// kindly, that their message was kept.
func (b *Bot) failed(ctx context.Context, updateID int64, err error) {
	ctx = context.WithoutCancel(ctx)
	b.m.updateErrors.Inc()
	b.log.ErrorContext(ctx, "update not handled", "update_id", updateID, "err", err)
	gaveUp, ferr := b.store.RecordUpdateFailure(ctx, updateID, err.Error(), maxUpdateAttempts, b.cfg.Now())
	if ferr != nil {
		b.log.ErrorContext(ctx, "record update failure", "update_id", updateID, "err", ferr)
		return
	}
	if !gaveUp {
		return
	}
	u, lerr := b.store.Update(ctx, updateID)
	if lerr != nil {
		b.log.ErrorContext(ctx, "load failed update", "update_id", updateID, "err", lerr)
		return
	}
	var upd models.Update
	if json.Unmarshal(u.Payload, &upd) == nil {
		b.apologise(ctx, &upd)
	}
}

// committed does what a turn left for after its commit: send its messages,
// wake the relay, acknowledge claims.
func (b *Bot) committed(t *turn) {
	b.sender.Deliver(t.out...)
	if t.handoff {
		b.kick()
	}
	for _, fn := range t.after {
		fn(context.Background())
	}
}

// afterTurn sends what a committed turn queued and wakes the relay.
func (b *Bot) afterTurn(t *turn, start time.Time) {
	if t == nil {
		return
	}
	b.committed(t)
	b.m.updates.Inc()
	b.m.processSeconds.Observe(time.Since(start).Seconds())
}

const maxUpdateAttempts = 5

// apologise tells the person their message was kept but could not be
// handled, in a transaction of its own.
func (b *Bot) apologise(ctx context.Context, u *models.Update) {
	chat, lang := updateChat(u)
	if chat == 0 {
		return
	}
	err := b.inTx(ctx, func(t *turn) error {
		return b.send(ctx, t, chat, Out{Text: T(lang, "sorry", b.cfg.Hotline)}, false)
	})
	if err != nil {
		b.log.ErrorContext(ctx, "apology not queued", "chat_id", chat, "err", err)
	}
}

// send queues a message in the turn; it is written with the turn's other
// writes at its end and leaves once the transaction commits.
func (b *Bot) send(ctx context.Context, t *turn, chatID int64, o Out, urgent bool) error {
	return b.sendFor(ctx, t, chatID, o, urgent, nil, "")
}

func (b *Bot) sendFor(_ context.Context, t *turn, chatID int64, o Out, urgent bool, ticketID *int64, purpose string) error {
	payload, err := json.Marshal(o)
	if err != nil {
		return fmt.Errorf("encode message: %w", err)
	}
	t.out = append(t.out, storage.Outgoing{
		ChatID: chatID, Payload: payload, Urgent: urgent, TicketID: ticketID, Purpose: purpose, CreatedAt: t.now,
	})
	return nil
}

// Run processes updates and sends messages until ctx ends.
func (b *Bot) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, q := range b.queues {
		wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case id := <-q:
					b.process(ctx, id)
				}
			}
		})
	}
	wg.Go(func() { b.sender.Run(ctx) })
	wg.Go(func() { b.sweepInbox(ctx) })
	wg.Go(func() { b.expireDialogues(ctx) })
	if b.cfg.CallbackPoll >= 0 {
		wg.Go(func() { b.RunCallbacks(ctx) })
	}
	wg.Wait()
	return nil
}
