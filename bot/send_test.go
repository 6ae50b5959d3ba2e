package bot

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"

	"concierge/bot/tgfake"
	"concierge/storage"
	"concierge/storage/storagetest"
)

func newTestSender(t *testing.T, limits bool) (*Sender, *storage.Store, *tgfake.Server, context.Context) {
	t.Helper()
	ctx := storagetest.Context(t)
	store := storagetest.Store(t)
	fake := tgfake.New(tgfake.DefaultToken)
	t.Cleanup(fake.Close)
	tg, err := tgbot.New(tgfake.DefaultToken, tgbot.WithServerURL(fake.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	s := newSender(store, telegramTransport{tg: tg}, SenderConfig{Limits: limits, MaxAttempts: 3}, newMetrics(nil))
	return s, store, fake, ctx
}

func queue(t *testing.T, ctx context.Context, store *storage.Store, chat int64, text string, urgent bool) storage.Outgoing {
	t.Helper()
	payload, _ := json.Marshal(Out{Text: text})
	row, err := store.EnqueueOutgoing(ctx, storage.Outgoing{ChatID: chat, Payload: payload, Urgent: urgent}, time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	return row
}

func run(t *testing.T, ctx context.Context, s *Sender) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { s.Run(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })
}

// TestSenderKeepsTelegramLimitsUrgentFirst sends a burst through a Bot API
// that answers 429 to anything over Telegram's limits: nothing is refused,
// urgent messages go first, each chat's messages stay in order.
func TestSenderKeepsTelegramLimitsUrgentFirst(t *testing.T) {
	t.Parallel()
	s, store, fake, ctx := newTestSender(t, true)
	fake.SetLimits(tgfake.LimitsEnforce)
	var rows []storage.Outgoing
	for i := range 40 {
		rows = append(rows, queue(t, ctx, store, int64(1000+i), "normal", false))
	}
	for i := range 3 {
		rows = append(rows, queue(t, ctx, store, 777, []string{"first", "second", "third"}[i], false))
	}
	for range 2 {
		rows = append(rows, queue(t, ctx, store, -100999, "card", false))
	}
	for i := range 8 {
		rows = append(rows, queue(t, ctx, store, int64(2000+i), "urgent", true))
	}
	s.Deliver(rows...)
	run(t, ctx, s)
	sent, err := fake.WaitSent(ctx, 0, len(rows))
	if err != nil {
		t.Fatal(err)
	}
	if v := fake.Violations(); v != 0 {
		t.Errorf("%d limit violations: %v", v, fake.ViolationList())
	}
	for i, m := range sent[:8] {
		if m.Text != "urgent" {
			t.Errorf("message %d was %q; the 8 urgent ones go first", i, m.Text)
		}
	}
	var order []string
	for _, m := range fake.SentTo(777) {
		order = append(order, m.Text)
	}
	if len(order) != 3 || order[0] != "first" || order[1] != "second" || order[2] != "third" {
		t.Errorf("chat order %v", order)
	}
	if n := fake.Count("sendMessage"); n != len(rows) {
		t.Errorf("%d sendMessage calls answered ok, want %d (none repeated)", n, len(rows))
	}
}

func TestSenderRetriesTransientAndSetsAsideRefused(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		status     int
		failures   int
		wantSent   int
		wantFailed bool
	}{
		{"500 then ok", http.StatusInternalServerError, 1, 1, false},
		{"502 twice then ok", http.StatusBadGateway, 2, 1, false},
		{"blocked by the user", http.StatusForbidden, 1, 0, true},
		{"always failing gives up", http.StatusInternalServerError, 10, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s, store, fake, ctx := newTestSender(t, false)
			fake.FailNext("sendMessage", c.failures, c.status, 0)
			row := queue(t, ctx, store, 42, "hello", false)
			s.Deliver(row)
			run(t, ctx, s)
			deadline := time.Now().Add(30 * time.Second)
			for {
				var sent, failed bool
				store.DB().QueryRowContext(ctx, `SELECT sent_at IS NOT NULL, failed FROM outgoing WHERE id = $1`, row.ID).Scan(&sent, &failed)
				if sent || failed {
					if failed != c.wantFailed {
						t.Errorf("failed=%v, want %v", failed, c.wantFailed)
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("neither sent nor set aside")
				}
				time.Sleep(20 * time.Millisecond)
			}
			if got := len(fake.SentTo(42)); got != c.wantSent {
				t.Errorf("delivered %d times, want %d", got, c.wantSent)
			}
		})
	}
}
