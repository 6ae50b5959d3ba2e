package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"concierge/bot"
	"concierge/bot/tgfake"
	"concierge/intents"
	"concierge/storage"
)

// clock is a test clock the bot reads through Config.Now. It starts a week
// ahead of the real time, so rows the bot writes are never taken by the
// sender's sweep for lapsed leases before the bot sends them itself.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

// estateTime is a time a week or more ahead, at hour:min in Shanghai.
func estateTime(days, hour, min int) time.Time {
	d := time.Now().In(shanghai).AddDate(0, 0, 7+days)
	return time.Date(d.Year(), d.Month(), d.Day(), hour, min, 0, 0, shanghai)
}

// fenv is a bot with an injected clock and the follow-up configuration.
type fenv struct {
	*env
	clock *clock
	cfg   func(*bot.Config)
	next  int64 // next update id
}

const supervisorChat = 9100

func followSetup(t *testing.T, opts ...option) *fenv {
	t.Helper()
	c := &clock{now: estateTime(0, 10, 0)}
	apply := func(cfg *bot.Config) {
		cfg.Now = c.Now
		cfg.CallbackDelay = 2 * time.Hour
		cfg.CallbackDelayUrgent = 30 * time.Minute
		cfg.CallbackReminderInterval = 24 * time.Hour
		cfg.CallbackMaxReminders = 2
		cfg.AutoCloseAfter = 72 * time.Hour
		cfg.QuietStart, cfg.QuietEnd = 21*time.Hour, 8*time.Hour
		cfg.CallbackPoll = -1 // the tests tick by hand, with the moved clock
		for _, o := range opts {
			o(cfg)
		}
	}
	e := setup(t, apply)
	return &fenv{env: e, clock: c, cfg: apply, next: 1}
}

// say submits a text message from the owner in chat, a second after
// whatever came before: people take a moment to type.
func (f *fenv) say(t *testing.T, chat int64, text string) int64 {
	t.Helper()
	f.clock.Add(time.Second)
	id := f.next
	f.next++
	if err := f.bot.SubmitRaw(f.ctx, tgfake.Marshal(tgfake.TextUpdate(id, chat, "zh-hans", text))); err != nil {
		t.Fatal(err)
	}
	return id
}

// press submits a button press in chat.
func (f *fenv) press(t *testing.T, chat int64, data string) {
	t.Helper()
	id := f.next
	f.next++
	if err := f.bot.SubmitRaw(f.ctx, tgfake.Marshal(tgfake.CallbackUpdate(id, chat, "zh-hans", 1, data))); err != nil {
		t.Fatal(err)
	}
}

// reply waits for the n-th message (1-based) sent to chat.
func (f *fenv) reply(t *testing.T, chat int64, n int) tgfake.Message {
	t.Helper()
	return f.waitReplies(t, chat, n)[n-1]
}

func buttons(t *testing.T, m tgfake.Message) []string {
	t.Helper()
	var kb struct {
		Rows [][]struct {
			Data string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	if len(m.ReplyMarkup) > 0 {
		if err := json.Unmarshal(m.ReplyMarkup, &kb); err != nil {
			t.Fatalf("reply markup %s: %v", m.ReplyMarkup, err)
		}
	}
	var out []string
	for _, row := range kb.Rows {
		for _, b := range row {
			out = append(out, b.Data)
		}
	}
	return out
}

func hasButton(t *testing.T, m tgfake.Message, prefix string) string {
	t.Helper()
	for _, d := range buttons(t, m) {
		if strings.HasPrefix(d, prefix) {
			return d
		}
	}
	t.Fatalf("message %q has no %s… button (has %v)", m.Text, prefix, buttons(t, m))
	return ""
}

// openRepair opens a non-urgent repair with a location and returns it.
func (f *fenv) openRepair(t *testing.T, chat int64, n int) storage.Ticket {
	t.Helper()
	f.say(t, chat, "3栋1201 客厅的灯坏了")
	code := codeRe.FindString(f.reply(t, chat, n).Text)
	if code == "" {
		t.Fatalf("no ticket opened: %q", f.reply(t, chat, n).Text)
	}
	tk, err := f.store.TicketByCode(f.ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// autoClose runs auto-close passes until the ticket is closed. One pass
// skips a row another transaction holds at that moment (the sender marking
// the card sent, say), as it should with several processes.
func (f *fenv) autoClose(t *testing.T, id int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for f.ticket(t, id).Status != storage.StatusClosed {
		if time.Now().After(deadline) {
			t.Fatalf("ticket %d not auto-closed", id)
		}
		if err := f.bot.AutoCloseTick(f.ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// resolve does what the staff side's /resolve does to a ticket.
func (f *fenv) resolve(t *testing.T, tk storage.Ticket, assignee *storage.Staff) {
	t.Helper()
	var id *int64
	if assignee != nil {
		id = &assignee.ID
	}
	now := f.clock.Now()
	_, err := f.store.DB().ExecContext(f.ctx, `UPDATE tickets SET status = 'resolved', assignee_id = $2,
		claimed_at = $3, resolved_at = $3, resolution = 'done' WHERE id = $1`, tk.ID, id, now)
	if err != nil {
		t.Fatal(err)
	}
}

func (f *fenv) staff(t *testing.T, tgID int64, name, role string) storage.Staff {
	t.Helper()
	s, err := f.store.AddStaff(f.ctx, tgID, name, role, "zh-Hans")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (f *fenv) ticket(t *testing.T, id int64) storage.Ticket {
	t.Helper()
	tk, err := f.store.Ticket(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func (f *fenv) callback(t *testing.T, ticketID int64) storage.Callback {
	t.Helper()
	var c storage.Callback
	err := f.store.DB().GetContext(f.ctx, &c, `SELECT id, ticket_id, status, due_at, asked_at, reminders, score, comment,
		created_at, finished_at, complaint_id, escalated_at FROM callbacks WHERE ticket_id = $1 ORDER BY id DESC LIMIT 1`, ticketID)
	if err != nil {
		t.Fatalf("callback of ticket %d: %v", ticketID, err)
	}
	return c
}

// messages counts the messages queued for chat, button answers aside.
func (f *fenv) messages(t *testing.T, chat int64) int {
	t.Helper()
	return f.count(t, `SELECT count(*) FROM outgoing WHERE chat_id = $1 AND payload->>'kind' IS DISTINCT FROM 'answer'`, chat)
}

func (f *fenv) tick(t *testing.T) {
	t.Helper()
	if err := f.bot.CallbackTick(f.ctx); err != nil {
		t.Fatal(err)
	}
}

// confirmed opens a repair, resolves it with an assignee and has the owner
// press Solved; the callback is then scheduled.
func (f *fenv) confirmed(t *testing.T, chat int64) storage.Ticket {
	t.Helper()
	tk := f.openRepair(t, chat, 1)
	wang := f.staff(t, 9001, "王师傅", storage.RoleAgent)
	f.resolve(t, tk, &wang)
	f.press(t, chat, fmt.Sprintf("ok:%d", tk.ID))
	if got := f.reply(t, chat, 2).Text; !strings.Contains(got, "谢谢您的确认") {
		t.Fatalf("after Solved: %q", got)
	}
	f.waitProcessed(t)
	return f.ticket(t, tk.ID)
}

func TestSolvedThenScoreAndComment(t *testing.T) {
	t.Parallel()
	f := followSetup(t)
	const chat = 11001
	tk := f.confirmed(t, chat)
	if tk.Status != storage.StatusClosed || tk.ClosedAt == nil {
		t.Fatalf("ticket after Solved: status %s closed_at %v", tk.Status, tk.ClosedAt)
	}
	if n := f.count(t, `SELECT count(*) FROM ticket_events WHERE ticket_id = $1 AND kind = 'confirmed'`, tk.ID); n != 1 {
		t.Errorf("%d confirmed events, want 1", n)
	}
	c := f.callback(t, tk.ID)
	if want := f.clock.Now().Add(2 * time.Hour); c.Status != storage.CallbackScheduled || !c.DueAt.Equal(want) {
		t.Fatalf("callback %s due %s, want scheduled due %s", c.Status, c.DueAt, want)
	}

	f.tick(t) // not due yet
	if n := len(f.fake.SentTo(chat)); n != 2 {
		t.Fatalf("%d messages before the callback is due, want 2", n)
	}
	f.clock.Add(2 * time.Hour)
	f.tick(t)
	ask := f.reply(t, chat, 3)
	if !strings.Contains(ask.Text, tk.Code) || !strings.Contains(ask.Text, "满意") {
		t.Errorf("callback question %q", ask.Text)
	}
	five := hasButton(t, ask, fmt.Sprintf("cb:%d:5", c.ID))
	f.press(t, chat, five)
	if got := f.reply(t, chat, 4).Text; !strings.Contains(got, "意见") {
		t.Errorf("after score: %q, want the optional comment question", got)
	}
	f.say(t, chat, "师傅很专业,谢谢")
	if got := f.reply(t, chat, 5).Text; !strings.Contains(got, "谢谢您的宝贵意见") {
		t.Errorf("after comment: %q", got)
	}
	f.waitProcessed(t)
	tk = f.ticket(t, tk.ID)
	if tk.Satisfaction == nil || *tk.Satisfaction != 5 || tk.SatisfactionNote != "师傅很专业,谢谢" {
		t.Errorf("ticket satisfaction %v %q", tk.Satisfaction, tk.SatisfactionNote)
	}
	if c := f.callback(t, tk.ID); c.Status != storage.CallbackDone || c.Comment != "师傅很专业,谢谢" {
		t.Errorf("callback %s comment %q, want done with the comment", c.Status, c.Comment)
	}
	if n := f.count(t, `SELECT count(*) FROM tickets`); n != 1 {
		t.Errorf("%d tickets, want 1 (the comment is not a new request)", n)
	}
	// A second press on the old buttons changes nothing.
	f.press(t, chat, fmt.Sprintf("cb:%d:1", c.ID))
	if got := f.reply(t, chat, 6).Text; !strings.Contains(got, "已经记录") {
		t.Errorf("second score: %q", got)
	}
	if n := f.count(t, `SELECT count(*) FROM tickets WHERE kind = 'complaint'`); n != 0 {
		t.Errorf("a stale button opened %d complaints", n)
	}
}

func TestNotYetReopens(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		assigned bool
		status   string
		outbox   int
	}{
		{"back to the assignee", true, storage.StatusClaimed, 1},
		{"back to the queue", false, storage.StatusOpen, 2},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := followSetup(t)
			chat := int64(11100 + i)
			tk := f.openRepair(t, chat, 1)
			var wang *storage.Staff
			if c.assigned {
				s := f.staff(t, 9002, "王师傅", storage.RoleAgent)
				wang = &s
			}
			f.resolve(t, tk, wang)
			f.press(t, chat, fmt.Sprintf("no:%d", tk.ID))
			got := f.reply(t, chat, 2).Text
			if !strings.Contains(got, "重新打开") {
				t.Errorf("owner told %q", got)
			}
			f.waitProcessed(t)
			tk = f.ticket(t, tk.ID)
			if tk.Status != c.status || tk.ResolvedAt != nil {
				t.Errorf("status %s resolved_at %v, want %s and cleared", tk.Status, tk.ResolvedAt, c.status)
			}
			if n := f.count(t, `SELECT count(*) FROM ticket_events WHERE ticket_id = $1 AND kind = 'reopened'`, tk.ID); n != 1 {
				t.Errorf("%d reopened events", n)
			}
			if n := f.count(t, `SELECT count(*) FROM outbox WHERE ticket_id = $1`, tk.ID); n != c.outbox {
				t.Errorf("%d handoffs, want %d", n, c.outbox)
			}
			if c.assigned {
				msg := f.reply(t, 9002, 1)
				if !strings.Contains(msg.Text, tk.Code) || !strings.Contains(msg.Text, "仍未解决") {
					t.Errorf("assignee told %q", msg.Text)
				}
				if !strings.Contains(got, "王师傅") {
					t.Errorf("owner not told who follows up: %q", got)
				}
			}
			if n := f.count(t, `SELECT count(*) FROM callbacks`); n != 0 {
				t.Errorf("%d callbacks for a reopened ticket", n)
			}
		})
	}
}

func TestOnlyTheOwnerMayConfirm(t *testing.T) {
	t.Parallel()
	f := followSetup(t)
	const alice, mallory = 11201, 11202
	tk := f.openRepair(t, alice, 1)
	f.resolve(t, tk, nil)
	f.press(t, mallory, fmt.Sprintf("ok:%d", tk.ID))
	f.press(t, mallory, fmt.Sprintf("no:%d", tk.ID))
	f.waitProcessed(t)
	if got := f.ticket(t, tk.ID); got.Status != storage.StatusResolved {
		t.Errorf("another owner's press changed the ticket to %s", got.Status)
	}
	if n := f.count(t, `SELECT count(*) FROM callbacks`); n != 0 {
		t.Errorf("%d callbacks scheduled by a stranger", n)
	}
	if n := len(f.fake.SentTo(mallory)); n != 0 {
		t.Errorf("stranger received %d messages", n)
	}
}

func TestLowScoreOpensComplaintAndEscalates(t *testing.T) {
	t.Parallel()
	f := followSetup(t)
	const chat = 11301
	f.staff(t, supervisorChat, "李主管", storage.RoleSupervisor)
	tk := f.confirmed(t, chat)
	f.clock.Add(2 * time.Hour)
	f.tick(t)
	c := f.callback(t, tk.ID)
	f.press(t, chat, hasButton(t, f.reply(t, chat, 3), fmt.Sprintf("cb:%d:1", c.ID)))
	got := f.reply(t, chat, 4).Text
	code := codeRe.FindString(got)
	if !strings.HasPrefix(code, "C-") || !strings.Contains(got, "主管") {
		t.Fatalf("owner told %q, want a complaint number and that a supervisor will call", got)
	}
	f.waitProcessed(t)
	complaint, err := f.store.TicketByCode(f.ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if complaint.Kind != storage.KindComplaint || complaint.OwnerID != tk.OwnerID || !strings.Contains(complaint.Summary, tk.Code) {
		t.Errorf("complaint %+v", complaint)
	}
	var detail string
	f.store.DB().GetContext(f.ctx, &detail, `SELECT detail::text FROM ticket_events WHERE ticket_id = $1 AND kind = 'created'`, complaint.ID)
	if !strings.Contains(detail, tk.Code) {
		t.Errorf("complaint's created event %s does not link %s", detail, tk.Code)
	}
	if got := f.ticket(t, tk.ID); got.Satisfaction == nil || *got.Satisfaction != 1 {
		t.Errorf("original ticket satisfaction %v", got.Satisfaction)
	}
	f.tick(t) // the complaint is committed: now supervisors are alerted
	alert := f.reply(t, supervisorChat, 1)
	if !strings.Contains(alert.Text, code) || !strings.Contains(alert.Text, "回访不满意") {
		t.Errorf("supervisor alert %q", alert.Text)
	}
	f.tick(t)
	f.waitProcessed(t)
	if n := f.messages(t, supervisorChat); n != 1 {
		t.Errorf("%d alerts to the supervisor, want 1", n)
	}
	// The comment that follows goes with the complaint.
	f.say(t, chat, "师傅来了两次都没修好")
	f.reply(t, chat, 5)
	f.waitProcessed(t)
	if n := f.count(t, `SELECT count(*) FROM ticket_events WHERE ticket_id = $1 AND kind = 'owner_message'`, complaint.ID); n != 1 {
		t.Errorf("comment not on the complaint")
	}
	if n := f.count(t, `SELECT count(*) FROM tickets WHERE kind = 'complaint'`); n != 1 {
		t.Errorf("%d complaints, want 1", n)
	}
}

func TestNegativeCommentOpensComplaint(t *testing.T) {
	t.Parallel()
	f := followSetup(t)
	const chat = 11302
	tk := f.confirmed(t, chat)
	f.clock.Add(2 * time.Hour)
	f.tick(t)
	c := f.callback(t, tk.ID)
	f.press(t, chat, fmt.Sprintf("cb:%d:3", c.ID))
	f.reply(t, chat, 4)
	f.say(t, chat, "师傅态度很差,很不满意")
	got := f.reply(t, chat, 5).Text
	if !strings.HasPrefix(codeRe.FindString(got), "C-") {
		t.Fatalf("negative comment: %q, want a complaint", got)
	}
	f.waitProcessed(t)
	var cat string
	f.store.DB().GetContext(f.ctx, &cat, `SELECT category FROM tickets WHERE kind = 'complaint'`)
	if cat != "staff_attitude" {
		t.Errorf("complaint category %q, want staff_attitude", cat)
	}
}

func TestCallbackRemindsThenNoResponse(t *testing.T) {
	t.Parallel()
	f := followSetup(t)
	const chat = 11401
	tk := f.confirmed(t, chat)
	f.clock.Add(2 * time.Hour)
	f.tick(t)
	f.reply(t, chat, 3)
	for i := 1; i <= 2; i++ {
		f.clock.Add(24 * time.Hour)
		f.tick(t)
		r := f.reply(t, chat, 3+i)
		if !strings.Contains(r.Text, tk.Code) {
			t.Errorf("reminder %d: %q", i, r.Text)
		}
		hasButton(t, r, "cb:")
	}
	f.clock.Add(24 * time.Hour)
	f.tick(t)
	c := f.callback(t, tk.ID)
	if c.Status != storage.CallbackNoResponse || c.Reminders != 2 || c.FinishedAt == nil {
		t.Errorf("callback %s after %d reminders, want no_response after 2", c.Status, c.Reminders)
	}
	if n := f.count(t, `SELECT count(*) FROM ticket_events WHERE ticket_id = $1 AND kind = 'callback_no_response'`, tk.ID); n != 1 {
		t.Errorf("%d no_response events", n)
	}
	f.clock.Add(72 * time.Hour)
	f.tick(t)
	f.waitProcessed(t)
	if n := f.messages(t, chat); n != 5 {
		t.Errorf("%d messages to the owner, want 5 (2 replies, question, 2 reminders)", n)
	}
	// A late answer still counts.
	f.press(t, chat, fmt.Sprintf("cb:%d:4", c.ID))
	f.reply(t, chat, 6)
	f.waitProcessed(t)
	if got := f.ticket(t, tk.ID); got.Satisfaction == nil || *got.Satisfaction != 4 {
		t.Errorf("late score not recorded: %v", got.Satisfaction)
	}
}

func TestCallbackRespectsQuietHours(t *testing.T) {
	t.Parallel()
	f := followSetup(t)
	const chat = 11501
	f.clock.Set(estateTime(0, 20, 0))
	tk := f.confirmed(t, chat) // due at 22:00
	f.clock.Set(estateTime(0, 22, 5))
	f.tick(t)
	f.waitProcessed(t)
	if n := f.messages(t, chat); n != 2 {
		t.Fatalf("%d messages by 22:00, want no callback in quiet hours", n)
	}
	c := f.callback(t, tk.ID)
	if want := estateTime(1, 8, 0); !c.DueAt.Equal(want) || c.Status != storage.CallbackScheduled {
		t.Fatalf("callback %s due %s, want scheduled for %s", c.Status, c.DueAt.In(shanghai), want)
	}
	f.clock.Set(estateTime(1, 7, 59))
	f.tick(t)
	if n := f.messages(t, chat); n != 2 {
		t.Fatalf("callback sent before the quiet hours ended")
	}
	f.clock.Set(estateTime(1, 8, 0))
	f.tick(t)
	if got := f.reply(t, chat, 3); !strings.Contains(got.Text, tk.Code) {
		t.Errorf("callback at 08:00: %q", got.Text)
	}
}

func TestTwoSchedulersSendOneCallback(t *testing.T) {
	t.Parallel()
	f := followSetup(t)
	const chat = 11601
	tk := f.confirmed(t, chat)
	other := f.secondBot(t)
	f.clock.Add(2 * time.Hour)
	var wg sync.WaitGroup
	for _, b := range []*bot.Bot{f.bot, other, f.bot, other} {
		wg.Go(func() {
			if err := b.CallbackTick(f.ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	f.reply(t, chat, 3)
	if n := f.count(t, `SELECT count(*) FROM outgoing WHERE chat_id = $1 AND ticket_id = $2 AND payload::text LIKE '%cb:%'`, chat, tk.ID); n != 1 {
		t.Errorf("%d callback questions queued, want 1", n)
	}
	if c := f.callback(t, tk.ID); c.Status != storage.CallbackAsked || c.Reminders != 0 {
		t.Errorf("callback %s reminders %d", c.Status, c.Reminders)
	}
}

// secondBot runs another bot on the same database and Bot API, as a second
// serve process would.
func (f *fenv) secondBot(t *testing.T) *bot.Bot {
	t.Helper()
	local, err := intents.NewLocal()
	if err != nil {
		t.Fatal(err)
	}
	cfg := bot.Config{
		Store: f.store, Understand: local, TelegramToken: tgfake.DefaultToken, TelegramAPIURL: f.fake.URL(), SkipGetMe: true,
		StaffChatID: staffChat, Location: shanghai, ClaimTimeoutUrgent: 5 * time.Minute, ClaimTimeoutNormal: 30 * time.Minute, Workers: 2,
	}
	f.cfg(&cfg)
	b, err := bot.New(f.ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(f.ctx)
	var wg sync.WaitGroup
	wg.Go(func() { b.Run(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })
	return b
}

func TestAutoClose(t *testing.T) {
	t.Parallel()
	f := followSetup(t)
	const chat = 11701
	tk := f.openRepair(t, chat, 1)
	f.resolve(t, tk, nil)
	f.clock.Add(71 * time.Hour)
	if err := f.bot.AutoCloseTick(f.ctx); err != nil {
		t.Fatal(err)
	}
	if got := f.ticket(t, tk.ID); got.Status != storage.StatusResolved {
		t.Fatalf("closed after 71h: %s", got.Status)
	}
	f.clock.Add(time.Hour)
	f.autoClose(t, tk.ID)
	if got := f.ticket(t, tk.ID); got.Status != storage.StatusClosed {
		t.Fatalf("status %s after 72h, want closed", got.Status)
	}
	if n := f.count(t, `SELECT count(*) FROM ticket_events WHERE ticket_id = $1 AND kind = 'auto_closed'`, tk.ID); n != 1 {
		t.Errorf("%d auto_closed events", n)
	}
	if c := f.callback(t, tk.ID); c.Status != storage.CallbackScheduled || !c.DueAt.Equal(f.clock.Now().Add(2*time.Hour)) {
		t.Errorf("callback %s due %s", c.Status, c.DueAt)
	}
}

func TestFollowUpMatchedToSingleTicket(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, text string
		photo      bool
	}{
		{"nobody came", "还没人来", false},
		{"any update", "any update?", false},
		{"when will the technician come", "师傅几点到", false},
		{"same category", "灯还是一闪一闪的", false},
		{"a photo", "", true},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := followSetup(t)
			chat := int64(12000 + i)
			tk := f.openRepair(t, chat, 1)
			f.press(t, chat, fmt.Sprintf("ex:%d", tk.ID)) // skip the optional photo / time
			f.reply(t, chat, 2)
			id := f.next
			f.next++
			u := tgfake.TextUpdate(id, chat, "zh-hans", c.text)
			if c.photo {
				u = tgfake.PhotoUpdate(id, chat, "zh-hans", "")
			}
			f.bot.SubmitRaw(f.ctx, tgfake.Marshal(u))
			got := f.reply(t, chat, 3).Text
			if !strings.Contains(got, tk.Code) || !strings.Contains(got, "补充") {
				t.Errorf("reply %q, want it added to %s", got, tk.Code)
			}
			f.waitProcessed(t)
			if n := f.count(t, `SELECT count(*) FROM tickets`); n != 1 {
				t.Errorf("%d tickets, want 1", n)
			}
			if n := f.count(t, `SELECT count(*) FROM messages WHERE update_id = $1 AND ticket_id = $2`, id, tk.ID); n != 1 {
				t.Errorf("message not on the ticket's transcript")
			}
			if n := f.count(t, `SELECT count(*) FROM ticket_events WHERE ticket_id = $1 AND kind = 'owner_message'`, tk.ID); n != 1 {
				t.Errorf("%d owner_message events, want 1", n)
			}
		})
	}
}

func TestFollowUpRelayedToAssignee(t *testing.T) {
	t.Parallel()
	f := followSetup(t)
	const chat = 12101
	tk := f.openRepair(t, chat, 1)
	wang := f.staff(t, 9003, "王师傅", storage.RoleAgent)
	f.store.DB().ExecContext(f.ctx, `UPDATE tickets SET status = 'claimed', assignee_id = $2 WHERE id = $1`, tk.ID, wang.ID)
	f.say(t, chat, "师傅几点到?")
	got := f.reply(t, chat, 2).Text
	if !strings.Contains(got, "王师傅") || !strings.Contains(got, tk.Code) {
		t.Errorf("owner told %q", got)
	}
	relay := f.reply(t, 9003, 1)
	if !strings.HasPrefix(relay.Text, "["+tk.Code+"] 业主\uff1a师傅几点到?") {
		t.Errorf("assignee got %q", relay.Text)
	}
	f.waitProcessed(t)
	var purpose string
	f.store.DB().GetContext(f.ctx, &purpose, `SELECT purpose FROM outgoing WHERE chat_id = 9003`)
	if purpose != storage.PurposeRelay {
		t.Errorf("relay purpose %q", purpose)
	}
	// A photo goes to the assignee as a photo.
	f.bot.SubmitRaw(f.ctx, tgfake.Marshal(tgfake.PhotoUpdate(99, chat, "zh-hans", "")))
	if m := f.reply(t, 9003, 2); m.Photo == "" || !strings.Contains(m.Text, tk.Code) {
		t.Errorf("photo relay %+v", m)
	}
}

func TestFollowUpAmbiguousAsks(t *testing.T) {
	t.Parallel()
	f := followSetup(t)
	const chat = 12201
	first := f.openRepair(t, chat, 1)
	f.say(t, chat, "电梯坏了")
	second, err := f.store.TicketByCode(f.ctx, codeRe.FindString(f.reply(t, chat, 2).Text))
	if err != nil {
		t.Fatal(err)
	}
	id := f.say(t, chat, "还没人来")
	ask := f.reply(t, chat, 3)
	hasButton(t, ask, fmt.Sprintf("fu:%d", first.ID))
	hasButton(t, ask, fmt.Sprintf("fu:%d", second.ID))
	hasButton(t, ask, "fu:new")
	f.press(t, chat, fmt.Sprintf("fu:%d", first.ID))
	if got := f.reply(t, chat, 4).Text; !strings.Contains(got, first.Code) {
		t.Errorf("after choosing: %q", got)
	}
	f.waitProcessed(t)
	if n := f.count(t, `SELECT count(*) FROM messages WHERE update_id = $1 AND ticket_id = $2`, id, first.ID); n != 1 {
		t.Errorf("message not filed under the chosen ticket")
	}
	if n := f.count(t, `SELECT count(*) FROM tickets`); n != 2 {
		t.Errorf("%d tickets, want 2", n)
	}
}

func TestUrgentMessageOpensNewTicket(t *testing.T) {
	t.Parallel()
	f := followSetup(t)
	const chat = 12301
	f.openRepair(t, chat, 1)
	f.say(t, chat, "家里水管爆了,水漫到客厅了!")
	got := f.reply(t, chat, 2).Text
	if !strings.Contains(got, "🚨") {
		t.Fatalf("emergency reply %q", got)
	}
	f.waitProcessed(t)
	if n := f.count(t, `SELECT count(*) FROM tickets WHERE urgent`); n != 1 {
		t.Errorf("%d urgent tickets, want a new one", n)
	}
}

// TestVisitTimeOffer: under the photo / visit-time offer a time is
// recorded on the ticket; an emergency or a new request that happens to say
// when ("點" is also "how", "号" a building) is handled as a new message.
func TestVisitTimeOffer(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, text string
		visit      bool // recorded as the visit time
		urgent     int  // urgent tickets after it
		tickets    int
	}{
		{"a time", "明天下午3点", true, 0, 1},
		{"a time in Cantonese", "聽日朝早十點後都得", true, 0, 1},
		{"an emergency saying how", "救命呀 屋企個熱水爐爆咗 啲水一路噴出嚟 我唔知點閂", false, 1, 2},
		{"a new repair in another building", "另外5号楼302 卫生间下水道堵了", false, 0, 2},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := followSetup(t)
			chat := int64(12401 + 10*i)
			tk := f.openRepair(t, chat, 1)
			hasButton(t, f.reply(t, chat, 1), fmt.Sprintf("ex:%d", tk.ID))
			f.say(t, chat, c.text)
			got := f.reply(t, chat, 2).Text
			f.waitProcessed(t)
			if n := f.count(t, `SELECT count(*) FROM ticket_events WHERE ticket_id = $1 AND kind = 'visit_time'`, tk.ID); (n == 1) != c.visit {
				t.Errorf("%d visit times recorded, want %v (reply %q)", n, c.visit, got)
			}
			if c.visit && !strings.Contains(got, tk.Code) {
				t.Errorf("visit time reply %q", got)
			}
			if n := f.count(t, `SELECT count(*) FROM tickets WHERE urgent`); n != c.urgent {
				t.Errorf("%d urgent tickets, want %d (reply %q)", n, c.urgent, got)
			}
			if n := f.count(t, `SELECT count(*) FROM tickets`); n != c.tickets {
				t.Errorf("%d tickets, want %d (reply %q)", n, c.tickets, got)
			}
		})
	}
}

func TestSlotFilling(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		say     []string
		asks    []string // fragments of the bot's questions, in order
		kind    string   // "" → no ticket
		summary string   // a fragment the ticket's body must contain
	}{
		{"vague repair asks what, then where", []string{"坏了", "客厅的灯", "5号楼302"}, []string{"什么坏了", "位置"}, storage.KindRepair, "客厅的灯"},
		{"clear repair with a place asks nothing", []string{"3栋1201 客厅的灯坏了"}, nil, storage.KindRepair, "客厅"},
		{"complaint asks only when", []string{"有人把车停在消防通道", "每天晚上"}, []string{"什么时候"}, storage.KindComplaint, "每天晚上"},
		{"complaint asks at most two", []string{"垃圾没人清理", "楼道", "昨天"}, []string{"哪里", "什么时候"}, storage.KindComplaint, "昨天"},
		{"complete complaint asks nothing", []string{"上周保洁员态度很差"}, nil, storage.KindComplaint, "保洁"},
		{"how long it lasted says when", []string{"B座的电梯坏了三天了都没人来修,太过分了"}, nil, storage.KindComplaint, "三天"},
		{"skip moves on", []string{"坏了", "跳过", "skip"}, []string{"什么坏了", "位置"}, storage.KindRepair, "坏了"},
		{"cancel ends it", []string{"坏了", "取消"}, []string{"什么坏了"}, "", ""},
		{"emergency asks nothing", []string{"家里水管爆了,水漫到客厅了!"}, nil, storage.KindRepair, "水管"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := followSetup(t)
			chat := int64(12500 + i)
			for j, s := range c.say {
				f.say(t, chat, s)
				got := f.reply(t, chat, j+1).Text
				if j < len(c.asks) {
					if codeRe.MatchString(got) || !strings.Contains(got, c.asks[j]) {
						t.Fatalf("reply %d %q, want a question about %q", j+1, got, c.asks[j])
					}
				}
			}
			f.waitProcessed(t)
			if c.kind == "" {
				if n := f.count(t, `SELECT count(*) FROM tickets`); n != 0 {
					t.Errorf("%d tickets after cancel", n)
				}
				if got := f.reply(t, chat, len(c.say)).Text; !strings.Contains(got, "已取消") {
					t.Errorf("cancel reply %q", got)
				}
				return
			}
			last := f.reply(t, chat, len(c.say)).Text
			code := codeRe.FindString(last)
			if code == "" {
				t.Fatalf("no ticket after the answers: %q", last)
			}
			tk, err := f.store.TicketByCode(f.ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			if tk.Kind != c.kind || !strings.Contains(tk.Body, c.summary) {
				t.Errorf("ticket %s %s body %q, want %s with %q", tk.Code, tk.Kind, tk.Body, c.kind, c.summary)
			}
			if n := f.count(t, `SELECT count(*) FROM messages WHERE ticket_id = $1 AND direction = 'in'`, tk.ID); n != len(c.say) {
				t.Errorf("%d transcript lines on the ticket, want %d", n, len(c.say))
			}
		})
	}
}

func TestNewRepairWhileAwaitingCommentIsARequest(t *testing.T) {
	t.Parallel()
	f := followSetup(t)
	const chat = 12601
	tk := f.confirmed(t, chat)
	f.clock.Add(2 * time.Hour)
	f.tick(t)
	c := f.callback(t, tk.ID)
	f.press(t, chat, fmt.Sprintf("cb:%d:4", c.ID))
	f.reply(t, chat, 4)
	f.say(t, chat, "5号楼302 卫生间的水龙头关不紧")
	if got := f.reply(t, chat, 5).Text; !codeRe.MatchString(got) {
		t.Errorf("new repair while a comment was awaited: %q", got)
	}
	f.waitProcessed(t)
	if c := f.callback(t, tk.ID); c.Status != storage.CallbackDone || c.Comment != "" {
		t.Errorf("callback %s comment %q", c.Status, c.Comment)
	}
}

func TestStatusShowsLatestSteps(t *testing.T) {
	t.Parallel()
	f := followSetup(t)
	const chat = 12701
	tk := f.openRepair(t, chat, 1)
	f.resolve(t, tk, nil)
	f.press(t, chat, fmt.Sprintf("no:%d", tk.ID))
	f.reply(t, chat, 2)
	f.say(t, chat, "/status "+tk.Code)
	got := f.reply(t, chat, 3).Text
	for _, want := range []string{"最近进展", "已登记", "重新跟进"} {
		if !strings.Contains(got, want) {
			t.Errorf("/status %q lacks %q", got, want)
		}
	}
}

func TestReportText(t *testing.T) {
	t.Parallel()
	f := followSetup(t)
	const chat = 12801
	tk := f.confirmed(t, chat)
	f.clock.Add(2 * time.Hour)
	f.tick(t)
	c := f.callback(t, tk.ID)
	f.press(t, chat, fmt.Sprintf("cb:%d:5", c.ID))
	f.reply(t, chat, 4)
	f.waitProcessed(t)
	from, to, err := bot.MonthRange(f.clock.Now().In(shanghai).Format("2006-01"), f.clock.Now(), shanghai)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{bot.LangHans, bot.LangHant, bot.LangEn} {
		text, err := f.bot.ReportText(f.ctx, from, to, lang)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, "100.0% (1/1") && !strings.Contains(text, "100.0%(1/1") {
			t.Errorf("%s report lacks the callback rate 1/1:\n%s", lang, text)
		}
	}
	if _, _, err := bot.MonthRange("2026-13", f.clock.Now(), shanghai); err == nil {
		t.Error("month 13 accepted")
	}
	if from, to, _ := bot.MonthRange("2026-02", f.clock.Now(), shanghai); from.Day() != 1 || to.Month() != time.March {
		t.Errorf("MonthRange(2026-02) = %s, %s", from, to)
	}
}

func TestNotYetAfterAutoCloseReopens(t *testing.T) {
	t.Parallel()
	f := followSetup(t)
	const chat = 12901
	tk := f.openRepair(t, chat, 1)
	f.resolve(t, tk, nil)
	f.clock.Add(73 * time.Hour)
	f.autoClose(t, tk.ID)
	f.press(t, chat, fmt.Sprintf("no:%d", tk.ID))
	f.reply(t, chat, 2)
	f.waitProcessed(t)
	if got := f.ticket(t, tk.ID); got.Status != storage.StatusOpen || got.ClosedAt != nil {
		t.Errorf("status %s closed_at %v after Not yet, want open again", got.Status, got.ClosedAt)
	}
	if c := f.callback(t, tk.ID); c.Status != storage.CallbackCancelled {
		t.Errorf("callback %s, want cancelled", c.Status)
	}
}

// TestWholeFlowWithStaff runs the whole life of a repair through the real
// staff commands: report, claim, a follow-up relayed to the assignee, a
// reply, /resolve, Solved, the callback, a score and a comment.
func TestWholeFlowWithStaff(t *testing.T) {
	t.Parallel()
	f := followSetup(t)
	const owner = 13001
	wang := f.staff(t, 9301, "王芳", storage.RoleAgent)
	tk := f.openRepair(t, owner, 1)

	id := f.next
	f.next++
	u := tgfake.CallbackUpdate(id, wang.TelegramID, "zh-hans", 1, fmt.Sprintf("claim:%d", tk.ID))
	u.CallbackQuery.Message.Message.Chat = models.Chat{ID: staffChat, Type: models.ChatTypeSupergroup, Title: "客服工作群"}
	f.bot.SubmitRaw(f.ctx, tgfake.Marshal(u))
	if got := f.reply(t, owner, 2).Text; !strings.Contains(got, "王芳") {
		t.Fatalf("owner not told who claimed: %q", got)
	}

	f.say(t, owner, "师傅几点到?")
	if got := f.reply(t, owner, 3).Text; !strings.Contains(got, "王芳") {
		t.Errorf("follow-up reply %q", got)
	}
	f.waitText(t, wang.TelegramID, "业主\uff1a师傅几点到?")

	f.say(t, wang.TelegramID, "/resolve "+tk.Code+" 已更换灯管")
	done := f.reply(t, owner, 4)
	ok := hasButton(t, done, fmt.Sprintf("ok:%d", tk.ID))
	f.press(t, owner, ok)
	if got := f.reply(t, owner, 5).Text; !strings.Contains(got, "谢谢您的确认") {
		t.Fatalf("after Solved: %q", got)
	}
	f.waitProcessed(t)
	f.clock.Add(2 * time.Hour)
	f.tick(t)
	ask := f.reply(t, owner, 6)
	f.press(t, owner, hasButton(t, ask, "cb:"))
	f.reply(t, owner, 7)
	f.say(t, owner, "王芳服务很好")
	f.reply(t, owner, 8)
	f.waitProcessed(t)
	tk = f.ticket(t, tk.ID)
	if tk.Status != storage.StatusClosed || tk.Satisfaction == nil || *tk.Satisfaction != 5 || tk.SatisfactionNote != "王芳服务很好" {
		t.Errorf("ticket %s satisfaction %v %q", tk.Status, tk.Satisfaction, tk.SatisfactionNote)
	}
	for _, kind := range []string{"created", "claimed", "resolved", "confirmed", "callback_asked", "satisfaction", "satisfaction_comment"} {
		if n := f.count(t, `SELECT count(*) FROM ticket_events WHERE ticket_id = $1 AND kind = $2`, tk.ID, kind); n != 1 {
			t.Errorf("%d %s events, want 1", n, kind)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM messages WHERE ticket_id = $1 AND direction = 'in' AND author = 'owner'`, tk.ID); n != 3 {
		t.Errorf("%d owner lines on the transcript, want 3 (report, follow-up, comment)", n)
	}
}

// waitText waits for a message to chat containing s.
func (f *fenv) waitText(t *testing.T, chat int64, s string) tgfake.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(f.ctx, 20*time.Second)
	defer cancel()
	var found tgfake.Message
	_, err := f.fake.WaitFor(ctx, func([]tgfake.Call) bool {
		for _, m := range f.fake.SentTo(chat) {
			if strings.Contains(m.Text, s) {
				found = m
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("no message to %d containing %q (got %d messages)", chat, s, len(f.fake.SentTo(chat)))
	}
	return found
}

func TestExtrasOfferLapsesSilently(t *testing.T) {
	t.Parallel()
	f := followSetup(t)
	const chat = 13101
	f.openRepair(t, chat, 1)
	f.clock.Add(time.Hour)
	if err := f.bot.ExpireDialogues(f.ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.messages(t, chat); n != 1 {
		t.Errorf("%d messages, want only the confirmation (an optional offer lapses quietly)", n)
	}
	if n := f.count(t, `SELECT count(*) FROM conversations WHERE chat_id = $1 AND state = 'idle'`, chat); n != 1 {
		t.Errorf("conversation not back to idle")
	}
}

func TestCancelWhileAskedWhichTicket(t *testing.T) {
	t.Parallel()
	f := followSetup(t)
	const chat = 13201
	f.openRepair(t, chat, 1)
	f.say(t, chat, "电梯坏了")
	f.reply(t, chat, 2)
	f.say(t, chat, "还没人来")
	hasButton(t, f.reply(t, chat, 3), "fu:new")
	f.say(t, chat, "取消")
	if got := f.reply(t, chat, 4).Text; codeRe.MatchString(got) || strings.Contains(got, "哪张工单") {
		t.Errorf("cancel answered %q", got)
	}
	f.waitProcessed(t)
	if n := f.count(t, `SELECT count(*) FROM tickets`); n != 2 {
		t.Errorf("%d tickets, want 2", n)
	}
}

func TestPressedButtonsAreSettled(t *testing.T) {
	t.Parallel()
	f := followSetup(t)
	const chat = 13301
	tk := f.openRepair(t, chat, 1)
	f.resolve(t, tk, nil)
	id := f.next
	f.next++
	u := tgfake.CallbackUpdate(id, chat, "zh-hans", 77, fmt.Sprintf("ok:%d", tk.ID))
	u.CallbackQuery.Message.Message.Text = "您好,您的工单已处理完毕"
	f.bot.SubmitRaw(f.ctx, tgfake.Marshal(u))
	f.reply(t, chat, 2)
	ctx, cancel := context.WithTimeout(f.ctx, 20*time.Second)
	defer cancel()
	_, err := f.fake.WaitFor(ctx, func(cs []tgfake.Call) bool {
		for _, c := range cs {
			if c.Method == "editMessageText" && c.ChatID == chat {
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("the Solved / Not yet message was not edited: %v", err)
	}
}

func TestCommentWaitEnds(t *testing.T) {
	t.Parallel()
	f := followSetup(t)
	const chat = 13401
	tk := f.confirmed(t, chat)
	f.clock.Add(2 * time.Hour)
	f.tick(t)
	c := f.callback(t, tk.ID)
	f.press(t, chat, fmt.Sprintf("cb:%d:4", c.ID))
	f.reply(t, chat, 4)
	f.waitProcessed(t)
	f.clock.Add(2 * time.Hour)
	f.tick(t)
	if c := f.callback(t, tk.ID); c.Status != storage.CallbackDone {
		t.Fatalf("callback %s two hours after the score, want done", c.Status)
	}
	f.say(t, chat, "您好")
	f.reply(t, chat, 5)
	f.waitProcessed(t)
	if got := f.ticket(t, tk.ID); got.SatisfactionNote != "" {
		t.Errorf("a later message became the comment: %q", got.SatisfactionNote)
	}
}

func TestUrgentTicketCallbackSooner(t *testing.T) {
	t.Parallel()
	f := followSetup(t)
	const chat = 13501
	f.say(t, chat, "家里水管爆了,水漫到客厅了!")
	tk, err := f.store.TicketByCode(f.ctx, codeRe.FindString(f.reply(t, chat, 1).Text))
	if err != nil {
		t.Fatal(err)
	}
	f.resolve(t, tk, nil)
	f.press(t, chat, fmt.Sprintf("ok:%d", tk.ID))
	f.reply(t, chat, 2)
	f.waitProcessed(t)
	if c := f.callback(t, tk.ID); !c.DueAt.Equal(f.clock.Now().Add(30 * time.Minute)) {
		t.Errorf("urgent callback due %s, want 30 minutes after confirmation", c.DueAt.Sub(f.clock.Now()))
	}
}
