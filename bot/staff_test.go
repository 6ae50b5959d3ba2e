package bot_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"concierge/bot"
	"concierge/bot/tgfake"
	"concierge/handoff"
	"concierge/storage"
	"concierge/storage/storagetest"
)

// testClock is the injected clock of the bot and the hub.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// staffEnv is a bot with registered staff and, when asked, a running hub.
type staffEnv struct {
	*env
	clock                *testClock
	li, wang, boss, chen storage.Staff
	disabled             int64 // Telegram id of a disabled staff member
	updates              atomic.Int64
}

func setupStaff(t *testing.T, withHub bool) *staffEnv {
	t.Helper()
	// 10:42 in Shanghai.
	clock := &testClock{t: time.Date(2026, 11, 24, 2, 42, 0, 0, time.UTC)}
	e := &staffEnv{env: setup(t, func(c *bot.Config) { c.Now = clock.Now }), clock: clock}
	e.updates.Store(1000)
	add := func(tg int64, name, role string) storage.Staff {
		s, err := e.store.AddStaff(e.ctx, tg, name, role, bot.LangHans)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	e.li = add(9001, "小李", storage.RoleAgent)
	e.wang = add(9002, "小王", storage.RoleAgent)
	e.boss = add(9003, "张主管", storage.RoleSupervisor)
	e.chen = add(9004, "老陈", storage.RoleTechnician)
	e.disabled = 9005
	add(e.disabled, "小赵", storage.RoleAgent)
	if err := e.store.SetStaffActive(e.ctx, e.disabled, false); err != nil {
		t.Fatal(err)
	}
	if withHub {
		rdb, prefix := storagetest.Redis(t)
		hub := handoff.New(rdb, e.store, e.bot, handoff.Config{
			Prefix: prefix, Now: clock.Now, Consumer: "test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		e.bot.SetHub(hub)
		ctx, cancel := context.WithCancel(e.ctx)
		var wg sync.WaitGroup
		wg.Go(func() { hub.Run(ctx) })
		t.Cleanup(func() { cancel(); wg.Wait() })
	}
	return e
}

func (e *staffEnv) submit(t *testing.T, u models.Update) {
	t.Helper()
	if err := e.bot.SubmitRaw(e.ctx, tgfake.Marshal(u)); err != nil {
		t.Fatal(err)
	}
}

func (e *staffEnv) nextID() int64 { return e.updates.Add(1) }

// say sends text in userID's private chat.
func (e *staffEnv) say(t *testing.T, userID int64, text string) {
	t.Helper()
	e.submit(t, tgfake.TextUpdate(e.nextID(), userID, "zh-hans", text))
}

// sayInGroup sends text in the staff group.
func (e *staffEnv) sayInGroup(t *testing.T, userID int64, text string) {
	t.Helper()
	e.submit(t, tgfake.GroupTextUpdate(e.nextID(), staffChat, userID, "zh-hans", text))
}

// press presses a button under message msgID in chatID (the staff group or
// userID's private chat) and returns the callback query id.
func (e *staffEnv) press(t *testing.T, userID, chatID int64, msgID int, data string) string {
	t.Helper()
	id := e.nextID()
	u := tgfake.CallbackUpdate(id, userID, "zh-hans", msgID, data)
	if chatID != userID {
		u.CallbackQuery.Message.Message.Chat = models.Chat{ID: chatID, Type: models.ChatTypeSupergroup, Title: "客服工作群"}
	}
	e.submit(t, u)
	return u.CallbackQuery.ID
}

// replyTo sends a Telegram reply (text, or a photo with caption) to message
// msgID in userID's private chat.
func (e *staffEnv) replyTo(t *testing.T, userID int64, msgID int, text string, photo bool) models.Update {
	t.Helper()
	var u models.Update
	if photo {
		u = tgfake.PhotoUpdate(e.nextID(), userID, "zh-hans", text)
	} else {
		u = tgfake.TextUpdate(e.nextID(), userID, "zh-hans", text)
	}
	u.Message.ReplyToMessage = &models.Message{ID: msgID, Chat: u.Message.Chat, From: &models.User{ID: tgfake.BotID, IsBot: true}}
	e.submit(t, u)
	return u
}

func (e *staffEnv) waitCalls(t *testing.T, what string, cond func([]tgfake.Call) bool) []tgfake.Call {
	t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 20*time.Second)
	defer cancel()
	calls, err := e.fake.WaitFor(ctx, cond)
	if err != nil {
		var seen strings.Builder
		all := e.fake.Calls()
		for _, c := range all[max(0, len(all)-12):] {
			fmt.Fprintf(&seen, "\n  %s chat=%d ok=%v %q", c.Method, c.ChatID, c.OK(), c.Text)
		}
		t.Fatalf("waiting for %s: %v; the last calls:%s", what, err, seen.String())
	}
	return calls
}

// waitText waits for a message to chat containing s.
func (e *staffEnv) waitText(t *testing.T, chat int64, s string) tgfake.Message {
	t.Helper()
	var got tgfake.Message
	e.waitCalls(t, fmt.Sprintf("a message to %d with %q", chat, s), func(cs []tgfake.Call) bool {
		for _, c := range cs {
			if c.OK() && c.ChatID == chat && strings.HasPrefix(c.Method, "send") && strings.Contains(c.Text, s) {
				got = tgfake.Message{Method: c.Method, ChatID: c.ChatID, MessageID: c.MessageID, Text: c.Text, ReplyMarkup: c.ReplyMarkup, Photo: c.Photo}
				return true
			}
		}
		return false
	})
	return got
}

// waitAnswer waits for the answer to a button press and returns its text.
func (e *staffEnv) waitAnswer(t *testing.T, callbackID string) string {
	t.Helper()
	var text string
	e.waitCalls(t, "answer to "+callbackID, func(cs []tgfake.Call) bool {
		for _, c := range cs {
			if c.OK() && c.Method == "answerCallbackQuery" && c.Params["callback_query_id"] == callbackID {
				text = c.Text
				return true
			}
		}
		return false
	})
	return text
}

// waitEdit waits for an edit of message msgID in chat containing s.
func (e *staffEnv) waitEdit(t *testing.T, chat int64, msgID int, s string) tgfake.Call {
	t.Helper()
	var got tgfake.Call
	e.waitCalls(t, fmt.Sprintf("edit of %d/%d with %q", chat, msgID, s), func(cs []tgfake.Call) bool {
		for _, c := range cs {
			if c.OK() && c.Method == "editMessageText" && c.ChatID == chat && c.MessageID == msgID && strings.Contains(c.Text, s) {
				got = c
				return true
			}
		}
		return false
	})
	return got
}

// waitDB waits until the query counts want rows (the sender records
// Telegram's message ids after the send).
func (e *staffEnv) waitDB(t *testing.T, want int, q string, args ...any) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for e.count(t, q, args...) != want {
		if time.Now().After(deadline) {
			t.Fatalf("%s: never %d", q, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// report has the owner report something and returns the ticket opened.
func (e *staffEnv) report(t *testing.T, ownerChat int64, text string) storage.Ticket {
	t.Helper()
	e.say(t, ownerChat, text)
	reply := e.waitReplies(t, ownerChat, 1)[0]
	code := codeRe.FindString(reply.Text)
	if code == "" {
		t.Fatalf("no ticket for %q: %q", text, reply.Text)
	}
	tk, err := e.store.TicketByCode(e.ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func (e *staffEnv) ticket(t *testing.T, id int64) storage.Ticket {
	t.Helper()
	tk, err := e.store.Ticket(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func (e *staffEnv) events(t *testing.T, id int64, kind string) int {
	t.Helper()
	return e.count(t, `SELECT count(*) FROM ticket_events WHERE ticket_id = $1 AND kind = $2`, id, kind)
}

// TestStaffMainFlow: owner reports → card in the staff group → two staff
// press Claim → one wins → the owner is told who → the assignee answers by
// /reply and by replying to a relayed message (text and photo) → a note
// stays internal → /resolve asks the owner to confirm.
func TestStaffMainFlow(t *testing.T) {
	t.Parallel()
	e := setupStaff(t, true)
	const owner = 5100
	tk := e.report(t, owner, "3栋1201 卧室的灯坏了")

	card := e.waitText(t, staffChat, tk.Code)
	if !strings.Contains(string(card.ReplyMarkup), fmt.Sprintf("claim:%d", tk.ID)) {
		t.Fatalf("card has no Claim button: %s", card.ReplyMarkup)
	}
	cb1 := e.press(t, e.li.TelegramID, staffChat, card.MessageID, fmt.Sprintf("claim:%d", tk.ID))
	cb2 := e.press(t, e.wang.TelegramID, staffChat, card.MessageID, fmt.Sprintf("claim:%d", tk.ID))
	ans1, ans2 := e.waitAnswer(t, cb1), e.waitAnswer(t, cb2)

	tk = e.ticket(t, tk.ID)
	if tk.AssigneeID == nil || tk.Status != storage.StatusClaimed {
		t.Fatalf("ticket %s: status %s, assignee %v after two claims", tk.Code, tk.Status, tk.AssigneeID)
	}
	if n := e.events(t, tk.ID, "claimed"); n != 1 {
		t.Errorf("%d claimed events, want exactly one", n)
	}
	winner, loserAnswer := e.li, ans2
	if *tk.AssigneeID == e.wang.ID {
		winner, loserAnswer = e.wang, ans1
	}
	if !strings.Contains(loserAnswer, winner.Name) {
		t.Errorf("the second presser was told %q, want who has it (%s)", loserAnswer, winner.Name)
	}
	edit := e.waitEdit(t, staffChat, card.MessageID, "✋ 已由"+winner.Name+"于 10:42 受理")
	if strings.Contains(string(edit.ReplyMarkup), "claim:") {
		t.Errorf("claimed card still has a Claim button: %s", edit.ReplyMarkup)
	}
	told := e.waitText(t, owner, "客服"+winner.Name+"已受理")
	if strings.Contains(told.Text, fmt.Sprint(winner.TelegramID)) {
		t.Errorf("owner sees the staff account: %q", told.Text)
	}

	// The assignee answers with /reply.
	e.say(t, winner.TelegramID, "/reply "+tk.Code+" 您好,师傅下午两点上门")
	e.waitText(t, owner, "客服"+winner.Name+"\uff1a您好,师傅下午两点上门")

	// The owner writes again; the follow-up dialogue relays it to the assignee.
	if err := e.bot.RelayToAssigneeForTest(e.ctx, tk.ID, "水还在滴,麻烦快点", ""); err != nil {
		t.Fatal(err)
	}
	relayed := e.waitText(t, winner.TelegramID, "["+tk.Code+"] 业主\uff1a水还在滴,麻烦快点")
	if err := e.bot.RelayToAssigneeForTest(e.ctx, tk.ID, "看这里", "AgACownerphoto"); err != nil {
		t.Fatal(err)
	}
	if p := e.waitText(t, winner.TelegramID, "业主\uff1a看这里"); p.Method != "sendPhoto" || p.Photo != "AgACownerphoto" {
		t.Errorf("owner's photo reached the assignee as %s %q", p.Method, p.Photo)
	}
	e.waitDB(t, 2, `SELECT count(*) FROM outgoing WHERE chat_id = $1 AND purpose = 'relay' AND message_id IS NOT NULL`, winner.TelegramID)

	// A Telegram reply to the relayed message reaches the owner, text and photo.
	e.replyTo(t, winner.TelegramID, relayed.MessageID, "好的,师傅马上到", false)
	e.waitText(t, owner, "客服"+winner.Name+"\uff1a好的,师傅马上到")
	pu := e.replyTo(t, winner.TelegramID, relayed.MessageID, "这是换好的阀门", true)
	photo := e.waitText(t, owner, "客服"+winner.Name+"\uff1a这是换好的阀门")
	if photo.Method != "sendPhoto" || photo.Photo != pu.Message.Photo[1].FileID {
		t.Errorf("staff photo reached the owner as %s %q", photo.Method, photo.Photo)
	}

	// A note stays internal.
	e.say(t, winner.TelegramID, "/note "+tk.Code+" 业主脾气急,注意沟通")
	e.waitText(t, winner.TelegramID, "内部备注")
	if n := e.events(t, tk.ID, "note"); n != 1 {
		t.Errorf("%d note events, want 1", n)
	}

	// Staff see the history, the note and the conversation; /mine lists it.
	e.say(t, winner.TelegramID, "/ticket "+tk.Code)
	view := e.waitText(t, winner.TelegramID, "📋 处理记录")
	for _, want := range []string{"受理", "内部备注:业主脾气急", "业主:水还在滴", winner.Name + ":好的,师傅马上到"} {
		if !strings.Contains(view.Text, want) {
			t.Errorf("/ticket lacks %q:\n%s", want, view.Text)
		}
	}
	e.say(t, winner.TelegramID, "/mine")
	e.waitText(t, winner.TelegramID, "您负责的工单\uff1a\n\n"+tk.Code)

	// Resolve: the owner gets the result and Solved / Not yet.
	e.say(t, winner.TelegramID, "/resolve "+tk.Code+" 已更换厨房进水阀")
	done := e.waitText(t, owner, "已更换厨房进水阀")
	for _, want := range []string{fmt.Sprintf("ok:%d", tk.ID), fmt.Sprintf("no:%d", tk.ID)} {
		if !strings.Contains(string(done.ReplyMarkup), want) {
			t.Errorf("resolved message lacks button %s: %s", want, done.ReplyMarkup)
		}
	}
	e.waitProcessed(t)
	tk = e.ticket(t, tk.ID)
	if tk.Status != storage.StatusResolved || tk.ResolvedAt == nil || !tk.ResolvedAt.Equal(e.clock.Now()) || tk.Resolution != "已更换厨房进水阀" {
		t.Errorf("after /resolve: status %s, resolved_at %v, resolution %q", tk.Status, tk.ResolvedAt, tk.Resolution)
	}
	for _, m := range e.fake.SentTo(owner) {
		if strings.Contains(m.Text, "脾气急") {
			t.Errorf("the owner saw an internal note: %q", m.Text)
		}
	}
	if n := e.count(t, `SELECT count(*) FROM messages WHERE ticket_id = $1 AND author = 'staff' AND staff_id = $2`, tk.ID, winner.ID); n != 3 {
		t.Errorf("%d staff transcript lines, want 3 (reply command, text reply, photo reply)", n)
	}
	if n := e.count(t, `SELECT count(*) FROM ticket_events WHERE ticket_id = $1 AND actor = 'staff' AND staff_id IS NULL`, tk.ID); n != 0 {
		t.Errorf("%d staff events without staff_id", n)
	}
}

// TestNonStaffIsRefused: a stranger and a disabled staff member pressing
// Claim or typing staff commands are refused politely and nothing changes.
func TestNonStaffIsRefused(t *testing.T) {
	t.Parallel()
	e := setupStaff(t, false)
	const owner, stranger = 5200, 9100
	tk := e.report(t, owner, "3栋1201 卧室的灯坏了")
	data := fmt.Sprintf("claim:%d", tk.ID)

	for _, who := range []int64{stranger, e.disabled} {
		if ans := e.waitAnswer(t, e.press(t, who, staffChat, 77, data)); !strings.Contains(ans, "仅限") {
			t.Errorf("%d pressing Claim was told %q, want a polite refusal", who, ans)
		}
	}
	e.say(t, stranger, "/next")
	if got := e.waitReplies(t, stranger, 1)[0].Text; !strings.Contains(got, "仅限") || strings.Contains(got, "不认识") {
		t.Errorf("stranger's /next answered %q, want the staff refusal", got)
	}
	e.say(t, stranger, "/resolve "+tk.Code+" done")
	e.sayInGroup(t, stranger, "/next")
	e.waitText(t, staffChat, "仅限")
	e.waitReplies(t, stranger, 2)
	e.waitProcessed(t)

	tk = e.ticket(t, tk.ID)
	if tk.Status != storage.StatusOpen || tk.AssigneeID != nil {
		t.Errorf("ticket changed by non-staff: status %s, assignee %v", tk.Status, tk.AssigneeID)
	}
	if n := e.count(t, `SELECT count(*) FROM ticket_events WHERE ticket_id = $1`, tk.ID); n != 1 {
		t.Errorf("%d events, want only 'created'", n)
	}
	if n := e.fake.Count("editMessageText"); n != 0 {
		t.Errorf("%d card edits for refused presses", n)
	}
	if n := e.count(t, `SELECT count(*) FROM outgoing WHERE chat_id = $1`, owner); n != 1 {
		t.Errorf("%d messages for the owner, want only the ticket confirmation", n)
	}
	// Owner commands still work for everyone.
	e.say(t, stranger, "/help")
	if got := e.waitReplies(t, stranger, 3)[2].Text; !strings.Contains(got, "/mytickets") {
		t.Errorf("non-staff /help answered %q, want the owner help", got)
	}
}

// TestResolveComplaintNeedsCauseAndAction: without cause and corrective
// action a complaint is not resolved; with them it is.
func TestResolveComplaintNeedsCauseAndAction(t *testing.T) {
	t.Parallel()
	e := setupStaff(t, false)
	const owner = 5300
	tk := e.report(t, owner, "楼上每天半夜装修,吵得睡不着")
	if tk.Kind != storage.KindComplaint {
		t.Fatalf("ticket %s is a %s, want a complaint", tk.Code, tk.Kind)
	}
	data := fmt.Sprintf("claim:%d", tk.ID)
	if ans := e.waitAnswer(t, e.press(t, e.chen.TelegramID, staffChat, 50, data)); !strings.Contains(ans, "维修") {
		t.Errorf("technician claiming a complaint was told %q", ans)
	}
	e.waitAnswer(t, e.press(t, e.li.TelegramID, staffChat, 50, data))
	e.waitText(t, owner, "客服小李已受理")

	e.say(t, e.li.TelegramID, "/resolve "+tk.Code+" 已经处理好了")
	e.waitText(t, e.li.TelegramID, "原因分析")
	e.waitProcessed(t)
	if got := e.ticket(t, tk.ID); got.Status != storage.StatusClaimed || got.ResolvedAt != nil {
		t.Fatalf("complaint resolved without cause and action: %s", got.Status)
	}
	if n := e.events(t, tk.ID, "resolved"); n != 0 {
		t.Errorf("%d resolved events", n)
	}
	if n := e.count(t, `SELECT count(*) FROM outgoing WHERE chat_id = $1`, owner); n != 2 {
		t.Errorf("%d messages for the owner, want 2 (ticket, claimed)", n)
	}

	e.say(t, e.li.TelegramID, "/resolve "+tk.Code+" 原因: 楼上装修超时施工 / 整改: 已约谈装修队并限定施工时间 / 处理意见: 已协调装修队只在白天施工")
	e.waitText(t, owner, "已协调装修队只在白天施工")
	got := e.ticket(t, tk.ID)
	if got.Status != storage.StatusResolved || got.Cause != "楼上装修超时施工" || got.CorrectiveAction != "已约谈装修队并限定施工时间" {
		t.Errorf("resolved complaint: status %s, cause %q, action %q", got.Status, got.Cause, got.CorrectiveAction)
	}
}

// TestTransferNeedsAssigneeOrSupervisor: another agent may not transfer or
// release a colleague's ticket; a supervisor may reassign it.
func TestTransferNeedsAssigneeOrSupervisor(t *testing.T) {
	t.Parallel()
	e := setupStaff(t, false)
	const owner = 5500
	tk := e.report(t, owner, "3栋1201 卧室的灯坏了")
	e.waitAnswer(t, e.press(t, e.li.TelegramID, staffChat, 60, fmt.Sprintf("claim:%d", tk.ID)))

	for _, cmd := range []string{"/transfer " + tk.Code + " 小王", "/transfer " + tk.Code + " 投诉", "/release " + tk.Code, "/resolve " + tk.Code + " 好了"} {
		e.say(t, e.wang.TelegramID, cmd)
	}
	msgs := e.waitReplies(t, e.wang.TelegramID, 4)
	for _, m := range msgs {
		if !strings.Contains(m.Text, "不由您负责") {
			t.Errorf("non-assignee agent was told %q, want a refusal", m.Text)
		}
	}
	e.waitProcessed(t)
	got := e.ticket(t, tk.ID)
	if got.AssigneeID == nil || *got.AssigneeID != e.li.ID || got.Status != storage.StatusClaimed {
		t.Fatalf("ticket changed by a non-assignee: assignee %v, status %s", got.AssigneeID, got.Status)
	}
	if n := e.count(t, `SELECT count(*) FROM ticket_events WHERE ticket_id = $1 AND kind IN ('transferred', 'released', 'resolved')`, tk.ID); n != 0 {
		t.Errorf("%d hand-on events after refusals", n)
	}

	e.say(t, e.boss.TelegramID, fmt.Sprintf("/transfer %s @%d", tk.Code, e.wang.TelegramID))
	e.waitText(t, e.boss.TelegramID, "已转交给小王")
	e.waitText(t, e.wang.TelegramID, "转交给您")
	e.waitText(t, owner, "客服小王已受理")
	if got := e.ticket(t, tk.ID); got.AssigneeID == nil || *got.AssigneeID != e.wang.ID {
		t.Errorf("supervisor's transfer: assignee %v, want 小王", got.AssigneeID)
	}
}

// TestNextUrgentFirstAcceptAndPass: /next offers the urgent ticket first;
// pass gives it to a colleague, accept claims it.
func TestNextUrgentFirstAcceptAndPass(t *testing.T) {
	t.Parallel()
	e := setupStaff(t, true)
	normal := e.report(t, 5400, "3栋1201 卧室的灯坏了")
	urgent := e.report(t, 5401, "家里水管爆了,水漫到客厅了!")
	if normal.Urgent || !urgent.Urgent {
		t.Fatalf("tickets: %s urgent=%v, %s urgent=%v", normal.Code, normal.Urgent, urgent.Code, urgent.Urgent)
	}
	e.waitText(t, staffChat, normal.Code)
	e.waitText(t, staffChat, urgent.Code)
	e.waitDB(t, 2, `SELECT count(*) FROM tickets WHERE card_message_id IS NOT NULL`)

	e.say(t, e.li.TelegramID, "/queue")
	queue := e.waitText(t, e.li.TelegramID, "各队列等待情况")
	for _, want := range []string{"🚨紧急\uff1a1 张等待\uff0c最久 <1m", "报修\uff1a1 张等待", "投诉\uff1a无"} {
		if !strings.Contains(queue.Text, want) {
			t.Errorf("/queue answered %q, want %q", queue.Text, want)
		}
	}

	e.say(t, e.li.TelegramID, "/next")
	offer := e.waitText(t, e.li.TelegramID, urgent.Code)
	if !strings.Contains(string(offer.ReplyMarkup), fmt.Sprintf("pass:%d", urgent.ID)) {
		t.Fatalf("offer has no Pass button: %s", offer.ReplyMarkup)
	}
	e.waitAnswer(t, e.press(t, e.li.TelegramID, e.li.TelegramID, offer.MessageID, fmt.Sprintf("pass:%d", urgent.ID)))
	e.waitEdit(t, e.li.TelegramID, offer.MessageID, "已跳过")

	e.say(t, e.li.TelegramID, "/next")
	e.waitText(t, e.li.TelegramID, "下一张待受理工单\uff08已等待 <1m\uff09\uff1a\n\n"+normal.Code)

	e.say(t, e.wang.TelegramID, "/next")
	offer = e.waitText(t, e.wang.TelegramID, urgent.Code)
	ans := e.waitAnswer(t, e.press(t, e.wang.TelegramID, e.wang.TelegramID, offer.MessageID, fmt.Sprintf("acc:%d", urgent.ID)))
	if !strings.Contains(ans, urgent.Code) {
		t.Errorf("accept answered %q", ans)
	}
	e.waitText(t, 5401, "客服小王已受理")
	e.waitEdit(t, e.wang.TelegramID, offer.MessageID, "您已受理工单 "+urgent.Code)
	card := e.ticket(t, urgent.ID)
	e.waitEdit(t, staffChat, int(*card.CardMessageID), "✋ 已由小王于 10:42 受理")
	if card.AssigneeID == nil || *card.AssigneeID != e.wang.ID {
		t.Errorf("accepted ticket assignee %v, want 小王", card.AssigneeID)
	}
	if n := e.events(t, urgent.ID, "passed"); n != 1 {
		t.Errorf("%d passed events, want 1", n)
	}
	if got := e.ticket(t, normal.ID); got.Status != storage.StatusOpen {
		t.Errorf("offered but not accepted ticket is %s, want open", got.Status)
	}
}

// TestConcurrentAcceptHasOneWinner: two staff accept the same tickets at
// the same moment from their private chats (different workers, concurrent
// transactions); Postgres lets exactly one win each, the other is told who
// has it, and the owner hears of one claim only.
func TestConcurrentAcceptHasOneWinner(t *testing.T) {
	t.Parallel()
	e := setupStaff(t, false)
	for i := range int64(4) {
		owner := 5600 + i
		tk := e.report(t, owner, "3栋1201 卧室的灯坏了")
		data := fmt.Sprintf("acc:%d", tk.ID)
		cbs := []string{
			e.press(t, e.li.TelegramID, e.li.TelegramID, 10+int(i), data),
			e.press(t, e.wang.TelegramID, e.wang.TelegramID, 10+int(i), data),
		}
		answers := []string{e.waitAnswer(t, cbs[0]), e.waitAnswer(t, cbs[1])}
		e.waitProcessed(t)
		got := e.ticket(t, tk.ID)
		if got.AssigneeID == nil {
			t.Fatalf("%s: nobody won", tk.Code)
		}
		winner, loser := e.li, answers[1]
		if *got.AssigneeID == e.wang.ID {
			winner, loser = e.wang, answers[0]
		}
		if !strings.Contains(loser, "已由"+winner.Name+"受理") {
			t.Errorf("%s: loser told %q, want who has it (%s)", tk.Code, loser, winner.Name)
		}
		if n := e.events(t, tk.ID, "claimed"); n != 1 {
			t.Errorf("%s: %d claimed events", tk.Code, n)
		}
		e.waitText(t, owner, "客服"+winner.Name+"已受理")
		if n := e.count(t, `SELECT count(*) FROM outgoing WHERE chat_id = $1`, owner); n != 2 {
			t.Errorf("%s: %d messages for the owner, want ticket + one claim notice", tk.Code, n)
		}
	}
}

// TestRelayRefusedGoesToStaffGroup: when Telegram will not deliver an
// owner's words to the assignee privately (they never pressed Start), the
// words go to the staff group instead of being lost.
func TestRelayRefusedGoesToStaffGroup(t *testing.T) {
	t.Parallel()
	e := setupStaff(t, false)
	const owner = 7301
	tk := e.report(t, owner, "3栋1201 卧室的灯坏了")
	card := e.waitText(t, staffChat, tk.Code)
	e.press(t, e.li.TelegramID, staffChat, card.MessageID, fmt.Sprintf("claim:%d", tk.ID))
	e.waitText(t, owner, "小李")
	// FailNext refuses the next sendMessage to any chat: let everything
	// queued so far go out first, so the refusal hits the relay.
	e.waitDB(t, 0, `SELECT count(*) FROM outgoing WHERE sent_at IS NULL AND NOT failed`)
	e.fake.FailNext("sendMessage", 1, http.StatusForbidden, 0)
	if err := e.bot.RelayToAssigneeForTest(e.ctx, tk.ID, "水还在滴,麻烦快点", ""); err != nil {
		t.Fatal(err)
	}
	got := e.waitText(t, staffChat, "水还在滴")
	if !strings.Contains(got.Text, "无法私信") || !strings.Contains(got.Text, tk.Code) {
		t.Errorf("group copy %q", got.Text)
	}
}
