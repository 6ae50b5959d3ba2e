package bot_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

	"concierge/bot"
	"concierge/bot/tgfake"
	"concierge/handoff"
	"concierge/intents"
	"concierge/intents/knowledge"
	"concierge/storage"
	"concierge/storage/storagetest"
)

const staffChat = -100777

// env is one bot running against its own schema and a fake Bot API.
type env struct {
	ctx    context.Context
	store  *storage.Store
	fake   *tgfake.Server
	bot    *bot.Bot
	hook   *httptest.Server
	rdb    *redis.Client
	prefix string // Redis key prefix of the running hub
}

type option func(*bot.Config)

func setup(t testing.TB, opts ...option) *env {
	t.Helper()
	ctx := storagetest.Context(t)
	store := storagetest.Store(t)
	fake := tgfake.New(tgfake.DefaultToken)
	t.Cleanup(fake.Close)
	local, err := intents.NewLocal()
	if err != nil {
		t.Fatal(err)
	}
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	cfg := bot.Config{
		Store: store, Understand: local, TelegramToken: tgfake.DefaultToken, TelegramAPIURL: fake.URL(), SkipGetMe: true,
		StaffChatID: staffChat, Location: shanghai, ClaimTimeoutUrgent: 5 * time.Minute, ClaimTimeoutNormal: 30 * time.Minute,
		Hotline: "400-000-0000", EstateName: "翠湖花园", Workers: 4,
	}
	for _, o := range opts {
		o(&cfg)
	}
	b, err := bot.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rdb, prefix := storagetest.Redis(t)
	// The hub keeps the bot's clock, so a test that moves time moves both
	// (a hub on the real clock would escalate a test's old tickets).
	hub := handoff.New(rdb, store, b, handoff.Config{Prefix: prefix, ClaimTimeoutUrgent: time.Hour, ClaimTimeoutNormal: time.Hour, Now: cfg.Now})
	b.SetHub(hub)
	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { b.Run(runCtx) })
	wg.Go(func() { hub.Run(runCtx) })
	t.Cleanup(func() { cancel(); wg.Wait() })
	hook := httptest.NewServer(b.WebhookHandler("s3cret"))
	t.Cleanup(hook.Close)
	return &env{ctx: ctx, store: store, fake: fake, bot: b, hook: hook, rdb: rdb, prefix: prefix}
}

func (e *env) post(t *testing.T, body []byte, secret string) int {
	t.Helper()
	req, _ := http.NewRequestWithContext(e.ctx, http.MethodPost, e.hook.URL, strings.NewReader(string(body)))
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func (e *env) waitReplies(t *testing.T, chat int64, n int) []tgfake.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 20*time.Second)
	defer cancel()
	msgs, err := e.fake.WaitSent(ctx, chat, n)
	if err != nil {
		t.Fatalf("waiting for %d replies to %d: %v (got %d)", n, chat, err, len(e.fake.SentTo(chat)))
	}
	return msgs
}

func (e *env) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.store.DB().GetContext(e.ctx, &n, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// waitProcessed waits until the inbox has no unprocessed update.
func (e *env) waitProcessed(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for e.count(t, `SELECT count(*) FROM inbox WHERE processed_at IS NULL`) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("updates still unprocessed")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitStream waits until the stream holds exactly one entry, for code.
func (e *env) waitStream(t *testing.T, stream, code string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		msgs, err := e.rdb.XRange(e.ctx, stream, "-", "+").Result()
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) > 0 {
			if len(msgs) != 1 || msgs[0].Values["code"] != code {
				t.Fatalf("stream %s: %v, want one entry for %s", stream, msgs, code)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no entry on %s", stream)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

var codeRe = regexp.MustCompile(`[RCQ]-\d{8}-\d{4}`)

func TestOwnerMessageOpensTicket(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, lang, text string
		kind             string // "" → no ticket
		urgent           bool
		reply            string // a fragment the reply must contain
	}{
		{"repair with unit", "zh-hans", "3栋2单元1201 厨房水龙头关不紧，一直滴水", storage.KindRepair, false, "报修"},
		{"repair in English with common area", "en", "The light in the 12/F corridor of Block B is not working", storage.KindRepair, false, "repair"},
		{"complaint", "zh-hans", "楼上每天半夜装修,吵得睡不着", storage.KindComplaint, false, "投诉"},
		{"inquiry", "zh-hans", "装修要办什么手续?", storage.KindInquiry, false, "24"},
		{"emergency skips questions", "zh-hans", "家里水管爆了,水漫到客厅了!", storage.KindRepair, true, "🚨"},
		{"greeting", "zh-hans", "您好", "", false, "您好"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			chat := int64(5000 + i)
			if code := e.post(t, tgfake.Marshal(tgfake.TextUpdate(int64(100+i), chat, c.lang, c.text)), "s3cret"); code != http.StatusOK {
				t.Fatalf("webhook answered %d", code)
			}
			reply := e.waitReplies(t, chat, 1)[0]
			if !strings.Contains(reply.Text, c.reply) {
				t.Errorf("reply %q lacks %q", reply.Text, c.reply)
			}
			tickets := e.count(t, `SELECT count(*) FROM tickets`)
			if c.kind == "" {
				if tickets != 0 {
					t.Errorf("%d tickets for small talk, want 0", tickets)
				}
				return
			}
			if tickets != 1 {
				t.Fatalf("%d tickets, want 1 (reply %q)", tickets, reply.Text)
			}
			var id int64
			if err := e.store.DB().GetContext(e.ctx, &id, `SELECT id FROM tickets`); err != nil {
				t.Fatal(err)
			}
			tk, err := e.store.Ticket(e.ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if tk.Kind != c.kind || tk.Urgent != c.urgent {
				t.Errorf("ticket %s kind %s urgent %v, want %s %v", tk.Code, tk.Kind, tk.Urgent, c.kind, c.urgent)
			}
			if !strings.Contains(reply.Text, tk.Code) {
				t.Errorf("reply %q lacks ticket number %s", reply.Text, tk.Code)
			}
			if n := e.count(t, `SELECT count(*) FROM ticket_events WHERE ticket_id = $1`, tk.ID); n != 1 {
				t.Errorf("%d events, want 1", n)
			}
			if n := e.count(t, `SELECT count(*) FROM outbox WHERE ticket_id = $1`, tk.ID); n != 1 {
				t.Errorf("%d outbox rows, want 1", n)
			}
			if n := e.count(t, `SELECT count(*) FROM messages WHERE ticket_id = $1 AND direction = 'in'`, tk.ID); n != 1 {
				t.Errorf("%d transcript lines on the ticket, want 1", n)
			}
			// The relay puts the handoff on its queue's stream (urgent first).
			stream := e.prefix + "handoff:" + c.kind
			if c.urgent {
				stream = e.prefix + "handoff:urgent"
			}
			e.waitStream(t, stream, tk.Code)
			if _, err := e.fake.WaitSent(e.ctx, staffChat, 1); err != nil {
				t.Errorf("no card in the staff group: %v", err)
			}
		})
	}
}

func TestRepairWithoutLocationAsksThenOpens(t *testing.T) {
	t.Parallel()
	e := setup(t)
	const chat = 6001
	e.bot.SubmitRaw(e.ctx, tgfake.Marshal(tgfake.TextUpdate(1, chat, "zh-hans", "卫生间的水龙头一直在滴水,关不紧")))
	ask := e.waitReplies(t, chat, 1)[0]
	if codeRe.MatchString(ask.Text) || !strings.Contains(ask.Text, "位置") {
		t.Fatalf("first reply should ask where, got %q", ask.Text)
	}
	e.bot.SubmitRaw(e.ctx, tgfake.Marshal(tgfake.TextUpdate(2, chat, "zh-hans", "5号楼302")))
	done := e.waitReplies(t, chat, 2)[1]
	code := codeRe.FindString(done.Text)
	if code == "" {
		t.Fatalf("second reply has no ticket number: %q", done.Text)
	}
	tk, err := e.store.TicketByCode(e.ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tk.Location, "302") || tk.Kind != storage.KindRepair {
		t.Errorf("ticket %+v: want a repair at 302", tk)
	}
	if n := e.count(t, `SELECT count(*) FROM messages WHERE ticket_id = $1`, tk.ID); n != 2 {
		t.Errorf("transcript on ticket: %d lines, want both messages", n)
	}
}

func TestDuplicateDeliveryIsNoOp(t *testing.T) {
	t.Parallel()
	e := setup(t)
	const chat = 6002
	body := tgfake.Marshal(tgfake.TextUpdate(42, chat, "zh-hans", "3栋2单元1201 厨房水龙头关不紧，一直滴水"))
	// Delivered by webhook twice and once more as if polled.
	for range 2 {
		if code := e.post(t, body, "s3cret"); code != http.StatusOK {
			t.Fatalf("webhook answered %d", code)
		}
	}
	if err := e.bot.SubmitRaw(e.ctx, body); err != nil {
		t.Fatal(err)
	}
	e.waitReplies(t, chat, 1)
	// And twice more by long polling (Telegram repeats an update whose
	// offset was not confirmed).
	pollCtx, stopPoll := context.WithCancel(e.ctx)
	defer stopPoll()
	go e.bot.Poll(pollCtx, e.fake.URL(), tgfake.DefaultToken, time.Second)
	upd := tgfake.TextUpdate(42, chat, "zh-hans", "3栋2单元1201 厨房水龙头关不紧，一直滴水")
	e.fake.PushUpdate(upd, upd)
	if _, err := e.fake.WaitFor(e.ctx, func(cs []tgfake.Call) bool {
		n := 0
		for _, c := range cs {
			if c.Method == "getUpdates" {
				n++
			}
		}
		return n >= 2 // the batch was served and the next poll asked with a new offset
	}); err != nil {
		t.Fatal(err)
	}
	e.waitProcessed(t)
	if n := e.count(t, `SELECT count(*) FROM tickets`); n != 1 {
		t.Errorf("%d tickets, want 1", n)
	}
	if n := e.count(t, `SELECT count(*) FROM outgoing WHERE chat_id = $1`, chat); n != 1 {
		t.Errorf("%d replies queued, want 1", n)
	}
}

func TestWebhookRejectsWrongSecretAndGarbage(t *testing.T) {
	t.Parallel()
	e := setup(t)
	good := tgfake.Marshal(tgfake.TextUpdate(7, 6003, "en", "hello"))
	cases := []struct {
		name   string
		body   []byte
		secret string
		want   int
	}{
		{"no secret", good, "", http.StatusUnauthorized},
		{"wrong secret", good, "guess", http.StatusUnauthorized},
		{"garbage", []byte("{not json"), "s3cret", http.StatusBadRequest},
		{"json but no update id", []byte(`{"message":{"text":"hi"}}`), "s3cret", http.StatusBadRequest},
		{"empty body", nil, "s3cret", http.StatusBadRequest},
	}
	for _, c := range cases {
		if got := e.post(t, c.body, c.secret); got != c.want {
			t.Errorf("%s: status %d, want %d", c.name, got, c.want)
		}
	}
	if n := e.count(t, `SELECT count(*) FROM inbox`); n != 0 {
		t.Errorf("%d updates stored, want 0", n)
	}
}

func TestSender429IsRetriedOnceAfterWait(t *testing.T) {
	t.Parallel()
	e := setup(t)
	const chat = 6004
	e.fake.FailNext("sendMessage", 1, http.StatusTooManyRequests, 1)
	e.bot.SubmitRaw(e.ctx, tgfake.Marshal(tgfake.TextUpdate(9, chat, "en", "hello")))
	e.waitReplies(t, chat, 1)
	var attempts, ok429 int
	for _, c := range e.fake.Calls() {
		if c.Method == "sendMessage" && c.ChatID == chat {
			attempts++
			if c.Status == http.StatusTooManyRequests {
				ok429++
			}
		}
	}
	if attempts != 2 || ok429 != 1 {
		t.Errorf("sendMessage calls %d (429s %d), want one refused and one accepted", attempts, ok429)
	}
	calls := e.fake.Calls()
	var first, second time.Time
	for _, c := range calls {
		if c.Method == "sendMessage" && c.ChatID == chat {
			if first.IsZero() {
				first = c.At
			} else {
				second = c.At
			}
		}
	}
	if second.Sub(first) < 900*time.Millisecond {
		t.Errorf("retried after %s, before retry_after", second.Sub(first))
	}
	deadline := time.Now().Add(10 * time.Second)
	for e.count(t, `SELECT count(*) FROM outgoing WHERE sent_at IS NOT NULL AND chat_id = $1`, chat) != 1 {
		if time.Now().After(deadline) {
			t.Fatal("send not recorded")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(e.fake.SentTo(chat)) != 1 {
		t.Errorf("owner received %d messages, want 1", len(e.fake.SentTo(chat)))
	}
}

func TestBadInputGetsClearAnswer(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("物业太差了,", 700) // about 4,200 characters
	cases := []struct {
		name   string
		update func(id, chat int64) models.Update
		reply  string // "" → no reply at all (ignored)
		ticket bool
	}{
		{"sticker", func(id, chat int64) models.Update { return tgfake.StickerUpdate(id, chat, "zh-hans", "😀") }, "文字", false},
		{"voice", func(id, chat int64) models.Update { return tgfake.VoiceUpdate(id, chat, "zh-hans", 5) }, "文字", false},
		{"photo without caption", func(id, chat int64) models.Update { return tgfake.PhotoUpdate(id, chat, "zh-hans", "") }, "照片", false},
		{"emoji only", func(id, chat int64) models.Update { return tgfake.TextUpdate(id, chat, "zh-hans", "😡😡😡") }, "文字", false},
		{"unknown command", func(id, chat int64) models.Update { return tgfake.TextUpdate(id, chat, "zh-hans", "/foo") }, "命令", false},
		{"4,000-character rant", func(id, chat int64) models.Update { return tgfake.TextUpdate(id, chat, "zh-hans", long) }, "", true},
		{"other group", func(id, chat int64) models.Update {
			return tgfake.GroupTextUpdate(id, -4242, chat, "zh-hans", "大家好")
		}, "", false},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			chat := int64(7000 + i)
			if code := e.post(t, tgfake.Marshal(c.update(int64(300+i), chat)), "s3cret"); code != http.StatusOK {
				t.Fatalf("webhook answered %d", code)
			}
			e.waitProcessed(t)
			if n := e.count(t, `SELECT count(*) FROM inbox WHERE failed`); n != 0 {
				t.Fatalf("update failed")
			}
			switch {
			case c.ticket:
				msgs := e.waitReplies(t, chat, 1)
				if !codeRe.MatchString(msgs[0].Text) && !strings.Contains(msgs[0].Text, "哪一类") {
					t.Errorf("long message: reply %q neither opens a ticket nor asks", msgs[0].Text)
				}
			case c.reply == "":
				if n := e.count(t, `SELECT count(*) FROM outgoing`); n != 0 {
					t.Errorf("%d messages for an update that should be ignored", n)
				}
			default:
				msg := e.waitReplies(t, chat, 1)[0]
				if !strings.Contains(msg.Text, c.reply) {
					t.Errorf("reply %q lacks %q", msg.Text, c.reply)
				}
				if n := e.count(t, `SELECT count(*) FROM tickets`); n != 0 {
					t.Errorf("%d tickets, want none", n)
				}
			}
		})
	}
}

func TestMyTicketsShowsOnlyOwnTickets(t *testing.T) {
	t.Parallel()
	e := setup(t)
	const alice, bob = 8001, 8002
	e.bot.SubmitRaw(e.ctx, tgfake.Marshal(tgfake.TextUpdate(1, alice, "zh-hans", "3栋2单元1201 厨房水龙头关不紧，一直滴水")))
	first := e.waitReplies(t, alice, 1)[0]
	code := codeRe.FindString(first.Text)
	e.bot.SubmitRaw(e.ctx, tgfake.Marshal(tgfake.TextUpdate(2, bob, "zh-hans", "/mytickets")))
	e.bot.SubmitRaw(e.ctx, tgfake.Marshal(tgfake.TextUpdate(3, bob, "zh-hans", "/status "+code)))
	e.bot.SubmitRaw(e.ctx, tgfake.Marshal(tgfake.TextUpdate(4, alice, "zh-hans", "/mytickets")))
	bobs := e.waitReplies(t, bob, 2)
	for _, m := range bobs {
		if strings.Contains(m.Text, code) && !strings.Contains(m.Text, "没有找到") {
			t.Errorf("bob sees alice's ticket: %q", m.Text)
		}
	}
	if got := e.waitReplies(t, alice, 2)[1].Text; !strings.Contains(got, code) {
		t.Errorf("alice's /mytickets lacks %s: %q", code, got)
	}
}

// TestUnclaimedUrgentTicketEscalates moves the clock past the urgent claim
// timeout: the supervisor is alerted privately and the card is posted again.
func TestUnclaimedUrgentTicketEscalates(t *testing.T) {
	t.Parallel()
	e := setup(t)
	sup, err := e.store.AddStaff(e.ctx, 90001, "王主管", storage.RoleSupervisor, "zh-Hans")
	if err != nil {
		t.Fatal(err)
	}
	const chat = 8101
	e.bot.SubmitRaw(e.ctx, tgfake.Marshal(tgfake.TextUpdate(1, chat, "zh-hans", "家里水管爆了,水漫到客厅了!")))
	code := codeRe.FindString(e.waitReplies(t, chat, 1)[0].Text)
	if _, err := e.fake.WaitSent(e.ctx, staffChat, 1); err != nil {
		t.Fatal(err)
	}
	later := handoff.New(e.rdb, e.store, e.bot, handoff.Config{Prefix: e.prefix, ClaimTimeoutUrgent: 5 * time.Minute,
		Now: func() time.Time { return time.Now().Add(6 * time.Minute) }})
	// A cycle skips rows another process holds at that moment (the running
	// hub), so run cycles until one has escalated.
	deadline := time.Now().Add(10 * time.Second)
	for e.count(t, `SELECT count(*) FROM ticket_events WHERE kind = 'escalated'`) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("never escalated")
		}
		if err := later.EscalateOnce(e.ctx); err != nil {
			t.Fatal(err)
		}
	}
	alert := e.waitReplies(t, sup.TelegramID, 1)[0]
	if !strings.Contains(alert.Text, code) || !strings.Contains(alert.Text, "升级") {
		t.Errorf("supervisor alert %q", alert.Text)
	}
	cards := e.waitReplies(t, staffChat, 2)
	if !strings.Contains(cards[1].Text, code) {
		t.Errorf("reposted card %q", cards[1].Text)
	}
	if n := e.count(t, `SELECT count(*) FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.code = $1 AND e.kind = 'escalated'`, code); n != 1 {
		t.Errorf("%d escalated events, want 1", n)
	}
	// A second cycle at the same moment alerts nobody again.
	if err := later.EscalateOnce(e.ctx); err != nil {
		t.Fatal(err)
	}
	if n := e.count(t, `SELECT count(*) FROM outgoing WHERE chat_id = $1`, sup.TelegramID); n != 1 {
		t.Errorf("supervisor alerted %d times, want 1", n)
	}
}

// kb answers from the estate's knowledge base, as cmd/concierge wires it.
type kb struct{ base *knowledge.Base }

func (k kb) Answer(_ context.Context, q, lang string) (string, bool) {
	m, ok := k.base.Lookup(q, lang)
	if !ok {
		return "", false
	}
	return m.Entry.Answer(lang), true
}

func withKnowledge(t *testing.T) option {
	base, err := knowledge.Load()
	if err != nil {
		t.Fatal(err)
	}
	return func(c *bot.Config) { c.Answers = kb{base} }
}

// TestInquiryAnsweredThenHandedToStaff: the knowledge base answers and the
// inquiry is recorded as answered; "that didn't answer it" hands it to staff
// with the 24-hour promise.
func TestInquiryAnsweredThenHandedToStaff(t *testing.T) {
	t.Parallel()
	e := setup(t, withKnowledge(t))
	const chat = 8201
	e.bot.SubmitRaw(e.ctx, tgfake.Marshal(tgfake.TextUpdate(1, chat, "zh-hans", "装修要办什么手续?")))
	answer := e.waitReplies(t, chat, 1)[0]
	if !strings.Contains(answer.Text, "装修") || !strings.Contains(string(answer.ReplyMarkup), "hum:") {
		t.Fatalf("answer %q %s", answer.Text, answer.ReplyMarkup)
	}
	code := codeRe.FindString(answer.Text)
	tk, err := e.store.TicketByCode(e.ctx, code)
	if err != nil || !tk.Answered || tk.Status != storage.StatusClosed {
		t.Fatalf("answered inquiry %+v %v", tk, err)
	}
	if n := e.count(t, `SELECT count(*) FROM outbox WHERE ticket_id = $1`, tk.ID); n != 0 {
		t.Errorf("answered inquiry handed off %d times", n)
	}
	press := tgfake.CallbackUpdate(2, chat, "zh-hans", answer.MessageID, fmt.Sprintf("hum:%d", tk.ID))
	e.bot.SubmitRaw(e.ctx, tgfake.Marshal(press))
	e.bot.SubmitRaw(e.ctx, tgfake.Marshal(tgfake.CallbackUpdate(3, chat, "zh-hans", answer.MessageID, fmt.Sprintf("hum:%d", tk.ID))))
	promise := e.waitReplies(t, chat, 2)[1]
	if !strings.Contains(promise.Text, "24") || !strings.Contains(promise.Text, code) {
		t.Errorf("promise %q", promise.Text)
	}
	e.waitProcessed(t)
	tk, _ = e.store.TicketByCode(e.ctx, code)
	if tk.Status != storage.StatusOpen || tk.Answered {
		t.Errorf("after asking for staff: %s answered=%v", tk.Status, tk.Answered)
	}
	if n := e.count(t, `SELECT count(*) FROM outbox WHERE ticket_id = $1`, tk.ID); n != 1 {
		t.Errorf("%d handoffs after pressing twice, want 1", n)
	}
	e.waitStream(t, e.prefix+"handoff:inquiry", code)
}

// BenchmarkIngest measures the hot path of one owner message inside the
// process: store the update, understand it, open the ticket with its event
// and handoff, queue the reply — one transaction (the webhook's work before
// it answers 200). The sender and relay run alongside, as in serve.
func BenchmarkIngest(b *testing.B) {
	e := setup(b)
	texts := []string{"3栋2单元1201 厨房水龙头关不紧，一直滴水", "楼上每天半夜装修,吵得睡不着", "您好", "B座1203 洗手間去水塞咗"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		upd := tgfake.TextUpdate(int64(i+1), int64(1_000_000+i), "zh-hans", texts[i%len(texts)])
		if err := e.bot.SubmitRaw(e.ctx, tgfake.Marshal(upd)); err != nil {
			b.Fatal(err)
		}
	}
}

// broken understands nothing: every call fails, as an LLM outage without a
// fallback would.
type broken struct{}

func (broken) Understand(context.Context, string) (intents.Result, error) {
	return intents.Result{}, fmt.Errorf("model unavailable")
}

// TestFailingUpdateIsKeptRetriedThenApologised: an update whose processing
// fails is still stored and acknowledged (200), retried from the inbox, and
// after the last attempt the owner is told, kindly, that it was kept.
func TestFailingUpdateIsKeptRetriedThenApologised(t *testing.T) {
	t.Parallel()
	e := setup(t, func(c *bot.Config) { c.Understand = broken{} })
	const chat = 8301
	if code := e.post(t, tgfake.Marshal(tgfake.TextUpdate(1, chat, "zh-hans", "3栋2单元1201 厨房水龙头关不紧，一直滴水")), "s3cret"); code != http.StatusOK {
		t.Fatalf("webhook answered %d for a stored update", code)
	}
	if n := e.count(t, `SELECT count(*) FROM inbox WHERE update_id = 1`); n != 1 {
		t.Fatalf("update not stored")
	}
	sorry := e.waitReplies(t, chat, 1)[0]
	if !strings.Contains(sorry.Text, "已保存") {
		t.Errorf("apology %q", sorry.Text)
	}
	var attempts int
	var failed bool
	e.store.DB().QueryRowContext(e.ctx, `SELECT attempts, failed FROM inbox WHERE update_id = 1`).Scan(&attempts, &failed)
	if attempts != 5 || !failed {
		t.Errorf("attempts %d failed %v, want 5 and set aside", attempts, failed)
	}
	if n := e.count(t, `SELECT count(*) FROM tickets`); n != 0 {
		t.Errorf("%d tickets from a failed update", n)
	}
}
