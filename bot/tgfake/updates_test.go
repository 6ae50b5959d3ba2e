package tgfake_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"concierge/bot/tgfake"
)

func TestLongPollDeliversQueuedUpdatesWithOffset(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []*models.Update
	received := make(chan struct{}, 10)
	srv, b := setup(t, tgbot.WithNotAsyncHandlers(), tgbot.WithDefaultHandler(func(_ context.Context, _ *tgbot.Bot, u *models.Update) {
		mu.Lock()
		got = append(got, u)
		mu.Unlock()
		received <- struct{}{}
	}))
	ctx := testContext(t)
	pollCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { b.Start(pollCtx); close(done) }()

	// The bot is already waiting in a long poll when the updates arrive.
	if err := srv.WaitPolling(ctx); err != nil {
		t.Fatal(err)
	}
	srv.PushUpdate(
		tgfake.TextUpdate(1, 42, "zh-hans", "装修要办什么手续?"),
		tgfake.CallbackUpdate(2, 42, "zh-hans", 10, "intent:inquiry"),
		tgfake.PhotoUpdate(3, 42, "zh-hant", "廚房漏水"),
	)
	for range 3 {
		select {
		case <-received:
		case <-ctx.Done():
			t.Fatal("updates not delivered")
		}
	}
	// The next poll confirms all three with offset 4, emptying the queue.
	if err := srv.WaitPolling(ctx); err != nil {
		t.Fatal(err)
	}
	if n := srv.Pending(); n != 0 {
		t.Errorf("Pending() = %d after the offset confirmed them, want 0", n)
	}
	stop()
	select {
	case <-done: // the pending long poll ended with the request context
	case <-ctx.Done():
		t.Fatal("Start did not return after cancel")
	}
	calls, err := srv.WaitFor(ctx, func(cs []tgfake.Call) bool {
		return cs[len(cs)-1].Method == "getUpdates" && cs[len(cs)-1].Params["offset"] == "4"
	})
	if err != nil {
		t.Fatalf("last poll: %v; calls %+v", err, calls)
	}

	mu.Lock()
	defer mu.Unlock()
	if got[0].Message == nil || got[0].Message.Text != "装修要办什么手续?" || got[0].Message.From.LanguageCode != "zh-hans" {
		t.Errorf("update 1 = %+v", got[0].Message)
	}
	if cq := got[1].CallbackQuery; cq == nil || cq.Data != "intent:inquiry" || cq.Message.Message == nil || cq.Message.Message.ID != 10 {
		t.Errorf("update 2 callback = %+v", cq)
	}
	if m := got[2].Message; m == nil || len(m.Photo) != 2 || m.Caption != "廚房漏水" {
		t.Errorf("update 3 = %+v", m)
	}
}

// poll calls getUpdates directly, to check offset, limit and timeout.
func poll(t *testing.T, srv *tgfake.Server, params url.Values) []models.Update {
	t.Helper()
	resp, err := http.PostForm(srv.URL()+"/bot"+tgfake.DefaultToken+"/getUpdates", params)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		OK     bool            `json:"ok"`
		Result []models.Update `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || !body.OK {
		t.Fatalf("getUpdates: ok=%v err=%v", body.OK, err)
	}
	return body.Result
}

func ids(us []models.Update) []int64 {
	var out []int64
	for _, u := range us {
		out = append(out, u.ID)
	}
	return out
}

func TestGetUpdatesOffsetLimitTimeout(t *testing.T) {
	t.Parallel()
	srv := tgfake.New(tgfake.DefaultToken)
	t.Cleanup(srv.Close)
	srv.PushUpdate(tgfake.TextUpdate(0, 1, "en", "a"), tgfake.TextUpdate(0, 1, "en", "b"), tgfake.TextUpdate(0, 1, "en", "c"))

	if got := ids(poll(t, srv, url.Values{"limit": {"2"}})); len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Errorf("limit 2 = %v, want [1 2]", got)
	}
	if got := ids(poll(t, srv, url.Values{"offset": {"3"}})); len(got) != 1 || got[0] != 3 {
		t.Errorf("offset 3 = %v, want [3]", got)
	}
	if got := ids(poll(t, srv, nil)); len(got) != 1 {
		t.Errorf("after offset 3 confirmed 1 and 2, got %v, want [3]", got)
	}
	if got := poll(t, srv, url.Values{"offset": {"4"}, "timeout": {"1"}}); len(got) != 0 {
		t.Errorf("timeout with nothing queued = %v, want []", got)
	}
}

func TestGetUpdatesConflictsWithWebhook(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := testContext(t)
	if _, err := b.SetWebhook(ctx, &tgbot.SetWebhookParams{URL: "https://example.invalid/hook"}); err != nil {
		t.Fatal(err)
	}
	resp, err := http.PostForm(srv.URL()+"/bot"+tgfake.DefaultToken+"/getUpdates", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("getUpdates with a webhook set: status %d, want 409", resp.StatusCode)
	}
}

func TestUpdatesMatchTheBotAPI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		update models.Update
		fields []string
	}{
		{"text", tgfake.TextUpdate(1, 42, "en", "/start"), []string{`"update_id":1`, `"message":{`, `"text":"/start"`, `"type":"bot_command"`, `"language_code":"en"`, `"type":"private"`}},
		{"callback", tgfake.CallbackUpdate(2, 42, "zh-hans", 7, "rate:5"), []string{`"callback_query":{`, `"data":"rate:5"`, `"message":{"message_id":7`, `"chat_instance"`}},
		{"sticker", tgfake.StickerUpdate(3, 42, "en", "👍"), []string{`"sticker":{`, `"emoji":"👍"`}},
		{"voice", tgfake.VoiceUpdate(4, 42, "en", 5), []string{`"voice":{`, `"duration":5`, `"mime_type":"audio/ogg"`}},
		{"photo", tgfake.PhotoUpdate(5, 42, "zh-hant", "天花漏水"), []string{`"photo":[{`, `"caption":"天花漏水"`}},
		{"group", tgfake.GroupTextUpdate(6, -100777, 42, "zh-hans", "/next"), []string{`"chat":{"id":-100777`, `"type":"group"`, `"from":{"id":42`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			raw := string(tgfake.Marshal(tt.update))
			for _, f := range tt.fields {
				if !strings.Contains(raw, f) {
					t.Errorf("%s lacks %s", raw, f)
				}
			}
			var back models.Update
			if err := json.Unmarshal([]byte(raw), &back); err != nil || back.ID != tt.update.ID {
				t.Errorf("round trip: id %d, err %v", back.ID, err)
			}
		})
	}
}

func TestCommandUpdatesReachCommandHandlers(t *testing.T) {
	t.Parallel()
	_, b := setup(t, tgbot.WithNotAsyncHandlers())
	var hit string
	b.RegisterHandler(tgbot.HandlerTypeMessageText, "start", tgbot.MatchTypeCommand, func(_ context.Context, _ *tgbot.Bot, u *models.Update) {
		hit = u.Message.Text
	})
	u := tgfake.TextUpdate(1, 42, "en", "/start ref_abc")
	b.ProcessUpdate(testContext(t), &u)
	if hit != "/start ref_abc" {
		t.Errorf("command handler saw %q", hit)
	}
}

// clock is a manual clock for the limit checker.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestLimits(t *testing.T) {
	t.Parallel()
	type send struct {
		chat  int64
		after time.Duration // clock advance before the send
	}
	repeat := func(n int, s send) []send {
		out := make([]send, n)
		for i := range out {
			out[i] = s
		}
		return out
	}
	distinct := func(n int) []send {
		out := make([]send, n)
		for i := range out {
			out[i] = send{chat: int64(1000 + i)}
		}
		return out
	}
	tests := []struct {
		name       string
		sends      []send
		violations int
	}{
		{"private burst of 3 is tolerated", repeat(3, send{chat: 1}), 0},
		{"private burst of 5 breaks twice", repeat(5, send{chat: 1}), 2},
		{"private 1/s sustained is fine", repeat(20, send{chat: 1, after: time.Second}), 0},
		// Delivered messages use up the allowance, so once over, 2/s stays over.
		{"private 2/s sustained breaks", repeat(20, send{chat: 1, after: 500 * time.Millisecond}), 15},
		{"group 20 in a minute is fine", repeat(20, send{chat: -5, after: 2 * time.Second}), 0},
		{"group 21 in a minute breaks", repeat(21, send{chat: -5, after: 2 * time.Second}), 1},
		{"group 1 per 3 s is fine", repeat(40, send{chat: -5, after: 3 * time.Second}), 0},
		{"global 30 at once is fine", distinct(30), 0},
		{"global 31 at once breaks", distinct(31), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, b := setup(t)
			ctx := testContext(t)
			clk := &clock{now: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
			srv.SetClock(clk.Now)
			srv.SetLimits(tgfake.LimitsRecord)
			for _, s := range tt.sends {
				clk.Add(s.after)
				if _, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: s.chat, Text: "您好"}); err != nil {
					t.Fatalf("send in record mode: %v", err)
				}
			}
			if got := srv.Violations(); got != tt.violations {
				t.Errorf("Violations() = %d, want %d: %+v", got, tt.violations, srv.ViolationList())
			}
		})
	}
}

func TestLimitsEnforcedAnswer429(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := testContext(t)
	clk := &clock{now: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	srv.SetClock(clk.Now)
	srv.SetLimits(tgfake.LimitsEnforce)
	send := func() error {
		_, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: 8, Text: "您好"})
		return err
	}
	for range tgfake.PrivateBurst {
		if err := send(); err != nil {
			t.Fatal(err)
		}
	}
	var tooMany *tgbot.TooManyRequestsError
	if err := send(); !errors.As(err, &tooMany) || tooMany.RetryAfter != 1 {
		t.Fatalf("send over the burst: %v, want 429 retry after 1", err)
	}
	clk.Add(time.Second)
	if err := send(); err != nil {
		t.Fatalf("send after retry_after: %v", err)
	}
	if got, sent := srv.Violations(), len(srv.SentTo(8)); got != 1 || sent != tgfake.PrivateBurst+1 {
		t.Errorf("violations %d, sent %d; want 1 and %d", got, sent, tgfake.PrivateBurst+1)
	}
}

func TestWaitForEndsWithContext(t *testing.T) {
	t.Parallel()
	srv := tgfake.New(tgfake.DefaultToken)
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := srv.WaitSent(ctx, 1, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitSent on a cancelled context: %v", err)
	}
}

func TestDelayEndsWithCancelAndClose(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	srv.SetDelay("sendMessage", time.Hour)
	ctx := testContext(t)
	send := func(ctx context.Context, errc chan<- error) {
		_, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: 3, Text: "slow"})
		errc <- err
	}

	cancelled, cancel := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go send(cancelled, errc)
	if err := srv.WaitInFlight(ctx, 1); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("delayed send after cancel: %v, want context.Canceled", err)
	}

	go send(ctx, errc)
	if err := srv.WaitInFlight(ctx, 1); err != nil {
		t.Fatal(err)
	}
	srv.Close() // must not wait an hour for the delayed request
	if err := <-errc; err == nil {
		t.Error("delayed send survived Close")
	}
	srv.Close() // twice is harmless
	if n := len(srv.SentTo(3)); n != 0 {
		t.Errorf("delayed sends delivered: %d", n)
	}
}

func TestReset(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := testContext(t)
	srv.SetLimits(tgfake.LimitsRecord)
	srv.FailNext("", 5, 500, 0)
	srv.PushUpdate(tgfake.TextUpdate(1, 3, "en", "hi"))
	srv.Reset()
	m, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: 3, Text: "after reset"})
	if err != nil {
		t.Fatalf("send after Reset: %v (injected failures should be gone)", err)
	}
	if m.ID != 2 {
		t.Errorf("message id after Reset = %d, want 2 (ids keep counting after the pushed message 1)", m.ID)
	}
	if n, p := len(srv.Calls()), srv.Pending(); n != 1 || p != 0 {
		t.Errorf("after Reset: %d calls, %d pending; want 1 and 0", n, p)
	}
}

func TestDeliverPostsLikeTelegram(t *testing.T) {
	t.Parallel()
	type got struct {
		secret, contentType string
		update              models.Update
	}
	gotc := make(chan got, 1)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var g got
		g.secret, g.contentType = r.Header.Get("X-Telegram-Bot-Api-Secret-Token"), r.Header.Get("Content-Type")
		if err := json.NewDecoder(r.Body).Decode(&g.update); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		gotc <- g
		w.WriteHeader(http.StatusServiceUnavailable) // e.g. the inbox is down: Telegram would retry
	}))
	t.Cleanup(hook.Close)

	status, err := tgfake.Deliver(testContext(t), hook.URL, "s3cret", tgfake.VoiceUpdate(77, 42, "en", 3))
	if err != nil || status != http.StatusServiceUnavailable {
		t.Fatalf("Deliver = %d, %v", status, err)
	}
	g := <-gotc
	if g.secret != "s3cret" || g.contentType != "application/json" || g.update.ID != 77 || g.update.Message.Voice == nil {
		t.Errorf("webhook got %+v", g)
	}
}
