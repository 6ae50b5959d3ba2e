package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	tgbot "github.com/go-telegram/bot"

	"concierge/intents"
	"concierge/storage"
)

// followupRoutes registers the follow-up buttons (which ticket a message is
// about, solved / not yet, satisfaction scores).
func (b *Bot) followupRoutes(on func(tgbot.MatchFunc, tgbot.HandlerFunc)) {
	on(callbackPrefix("ok:"), b.step(b.onSolved))
	on(callbackPrefix("no:"), b.step(b.onNotYet))
	on(callbackPrefix("cb:"), b.step(b.onScore))
	on(callbackPrefix("cbskip:"), b.step(b.onCommentSkip))
	on(callbackPrefix("fu:"), b.step(b.onWhichTicket))
	on(callbackPrefix("ex:"), b.step(b.onExtrasSkip))
}

// followUp takes a message from an owner who has tickets in progress when it
// belongs to one of them; handled is false when it is a new request.
//
// A message is a follow-up when it is a photo, reads like one ("还没人来",
// "any update?"), or shares the category or place of an open ticket. An
// emergency or a confident request of another kind is new. What remains is
// asked about with buttons.
func (b *Bot) followUp(ctx context.Context, t *turn, o *owner, text, photo string) (handled bool, err error) {
	if text != "" && o.awaitingComment {
		if ok, err := b.takeComment(ctx, t, o, text); ok || err != nil {
			return ok, err
		}
	}
	if o.openTickets == 0 {
		return false, nil
	}
	open, err := t.tx.OwnerOpenTickets(ctx, o.ID)
	if err != nil || len(open) == 0 {
		return false, err
	}
	if text == "" {
		if photo == "" {
			return false, nil
		}
		if len(open) == 1 {
			return true, b.addToTicket(ctx, t, o, open[0], text, photo, t.updateID)
		}
		return true, b.askWhichTicket(ctx, t, o, open, text, photo)
	}
	if isWord(text, ackWords) || isWord(text, cancelWords) || isWord(text, skipWords) ||
		(isThanks(text) && utf8.RuneCountInString(text) <= 12) {
		return false, nil
	}
	r, err := b.understand(ctx, t, text)
	if err != nil {
		return false, err
	}
	matches := matching(open, r)
	known := r.Category != "" && r.Category != intents.CatOther
	clearlyNew := r.Intent != intents.Other && r.Confident() && known && len(matches) == 0
	if isFollowupPhrase(text) && !clearlyNew {
		switch {
		case len(matches) == 1:
			return true, b.addToTicket(ctx, t, o, matches[0], text, photo, t.updateID)
		case len(open) == 1:
			return true, b.addToTicket(ctx, t, o, open[0], text, photo, t.updateID)
		case len(matches) > 1:
			return true, b.askWhichTicket(ctx, t, o, matches, text, photo)
		}
		return true, b.askWhichTicket(ctx, t, o, open, text, photo)
	}
	if r.Urgent && substantive(text, r.Location) {
		for _, tk := range matches {
			if tk.Urgent && tk.Category == string(r.Category) && known {
				return true, b.addToTicket(ctx, t, o, tk, text, photo, t.updateID)
			}
		}
		return false, nil // an emergency is its own ticket
	}
	switch {
	case len(matches) == 1:
		return true, b.addToTicket(ctx, t, o, matches[0], text, photo, t.updateID)
	case len(matches) > 1:
		return true, b.askWhichTicket(ctx, t, o, matches, text, photo)
	case r.Intent != intents.Other && r.Confident():
		return false, nil
	}
	return true, b.askWhichTicket(ctx, t, o, open, text, photo)
}

// matching returns the open tickets that share the message's category or
// place.
func matching(open []storage.Ticket, r intents.Result) []storage.Ticket {
	var out []storage.Ticket
	for _, tk := range open {
		sameCat := r.Category != "" && r.Category != intents.CatOther && string(r.Category) == tk.Category
		sameUnit := r.Location.Unit != "" && r.Location.Unit == tk.Unit
		sameArea := r.Location.Area != "" && strings.Contains(tk.Location, r.Location.Area)
		if sameCat || sameUnit || sameArea {
			out = append(out, tk)
		}
	}
	return out
}

// Phrases owners use when chasing something they reported.
var followupPhrases = []string{
	"还没人", "还没来", "还没有人", "怎么还没", "还没修", "还没好", "还没处理", "还没解决", "没人来", "没人管", "有人来吗",
	"什么时候来", "什么时候到", "什么时候修", "几点到", "几点来", "多久", "进度", "到哪了", "怎么样了", "催一下", "催促",
	"师傅", "还在漏", "还是不行", "还是坏", "又坏", "又漏", "补充", "刚才报", "之前报", "上次报",
	"仲未", "仲係", "未有人", "冇人嚟", "幾時", "幾點", "進度", "點樣", "師傅", "跟進", "補充", "仲漏",
	"any update", "any news", "update?", "status", "progress", "still", "when will", "when is", "what time",
	"nobody came", "no one came", "hasn't come", "not come yet", "technician", "follow up", "following up", "chase",
}

// Short acknowledgements that need no ticket and no question.
var ackWords = []string{"好", "好的", "好嘅", "好啊", "嗯", "嗯嗯", "收到", "知道了", "明白", "得", "行", "ok", "okay", "k", "👍", "noted", "sure", "got it"}

func isFollowupPhrase(s string) bool { return containsAny(s, followupPhrases) }

// substantive reports whether a message says more than where: an answer
// like "5号楼302" is a location, not a new request, whatever a model thinks.
func substantive(text string, loc intents.Location) bool {
	rest := text
	for _, p := range []string{loc.Unit, loc.Area} {
		if p != "" {
			rest = strings.ReplaceAll(rest, p, "")
		}
	}
	return contentRunes(rest) >= 3
}

// contentRunes counts letters (Han characters and Latin letters), leaving
// out digits, spaces and punctuation.
func contentRunes(s string) int {
	n := 0
	for _, r := range s {
		if hasLetters(string(r)) {
			n++
		}
	}
	return n
}

// addToTicket files the owner's message under the ticket, puts it in front
// of the assignee (or on the ticket's log while nobody has it), and tells
// the owner where things stand.
func (b *Bot) addToTicket(ctx context.Context, t *turn, o *owner, tk storage.Ticket, text, photo string, updateID int64) error {
	if err := b.fileUnder(ctx, t, o, tk, updateID); err != nil {
		return err
	}
	var who string
	if tk.AssigneeID != nil {
		s, err := t.tx.StaffByID(ctx, *tk.AssigneeID)
		if err != nil {
			return err
		}
		who = s.Name
		if err := b.relayToAssignee(ctx, t, tk, text, photo); err != nil {
			return err
		}
	} else {
		if err := t.tx.AddEvent(ctx, storage.Event{TicketID: tk.ID, At: t.now, Actor: storage.ActorOwner, Kind: "owner_message",
			Detail: map[string]any{"text": text, "photo": photo}}); err != nil {
			return err
		}
	}
	if o.conv.State != stateIdle {
		if err := b.reset(ctx, t, o); err != nil {
			return err
		}
	}
	status := b.statusName(o.Lang, tk.Status)
	var msg string
	var buttons [][]Button
	switch {
	case tk.Status == storage.StatusResolved:
		msg = T(o.Lang, "followup.resolved", tk.Code)
		buttons = [][]Button{{
			{Text: T(o.Lang, "btn.solved"), Data: fmt.Sprintf("ok:%d", tk.ID)},
			{Text: T(o.Lang, "btn.notyet"), Data: fmt.Sprintf("no:%d", tk.ID)},
		}}
	case who != "":
		msg = T(o.Lang, "followup.relayed", tk.Code, status, who)
	default:
		msg = T(o.Lang, "followup.noted", tk.Code, status)
	}
	return b.sendFor(ctx, t, o.ChatID, Out{Text: msg, Buttons: buttons}, tk.Urgent, &tk.ID, "")
}

// fileUnder files the owner's line that update updateID brought under the
// ticket: this turn's line is written at the end of the turn
// (t.ticketID); an earlier turn's line is already stored.
func (b *Bot) fileUnder(ctx context.Context, t *turn, o *owner, tk storage.Ticket, updateID int64) error {
	if updateID == t.updateID && t.upd != nil && t.upd.Message != nil {
		t.ticketID = &tk.ID
		return nil
	}
	return t.tx.FileMessage(ctx, o.ChatID, updateID, tk.ID)
}

// pending is an owner's message waiting for them to say which ticket it is
// about.
type pending struct {
	Text     string `json:"text,omitempty"`
	Photo    string `json:"photo,omitempty"`
	UpdateID int64  `json:"update_id"`
}

const maxChoices = 3

// askWhichTicket asks, with buttons, whether a message is about one of the
// owner's tickets or something new.
func (b *Bot) askWhichTicket(ctx context.Context, t *turn, o *owner, tickets []storage.Ticket, text, photo string) error {
	o.dlg = dialogue{Pending: &pending{Text: text, Photo: photo, UpdateID: t.updateID}, Since: t.now}
	if err := b.saveDialogue(ctx, t, o, stateAwaitTicket); err != nil {
		return err
	}
	var rows [][]Button
	for i, tk := range tickets {
		if i == maxChoices {
			break
		}
		rows = append(rows, []Button{{Text: tk.Code + " " + truncateRunes(tk.Summary, 24), Data: fmt.Sprintf("fu:%d", tk.ID)}})
	}
	rows = append(rows, []Button{{Text: T(o.Lang, "btn.new"), Data: "fu:new"}})
	return b.send(ctx, t, o.ChatID, Out{Text: T(o.Lang, "ask.which"), Buttons: rows}, false)
}

// onWhichTicket takes the owner's answer: a ticket, or something new.
func (b *Bot) onWhichTicket(ctx context.Context, t *turn) error {
	cq := t.upd.CallbackQuery
	o, err := b.loadOwnerFromCallback(ctx, t)
	if err != nil || o == nil {
		return err
	}
	p := o.dlg.Pending
	if o.conv.State != stateAwaitTicket || p == nil {
		if err := b.answerButton(ctx, t, cq, ""); err != nil {
			return err
		}
		return b.say(ctx, t, o, "flow.expired")
	}
	choice := strings.TrimPrefix(cq.Data, "fu:")
	if choice == "new" {
		if err := b.answerButton(ctx, t, cq, ""); err != nil {
			return err
		}
		since := o.dlg.Since
		o.dlg = dialogue{Since: since}
		if p.Text == "" {
			o.dlg.Photos = []string{p.Photo}
			if err := b.saveDialogue(ctx, t, o, stateIdle); err != nil {
				return err
			}
			return b.say(ctx, t, o, "photo.nocaption")
		}
		return b.understandAndAct(ctx, t, o, p.Text)
	}
	id, err := strconv.ParseInt(choice, 10, 64)
	if err != nil {
		return b.answerButton(ctx, t, cq, "")
	}
	tk, err := t.tx.Ticket(ctx, id)
	if errors.Is(err, storage.ErrNotFound) || err == nil && tk.OwnerID != o.ID {
		return b.answerButton(ctx, t, cq, T(o.Lang, "button.notyours"))
	}
	if err != nil {
		return err
	}
	if err := b.answerButton(ctx, t, cq, ""); err != nil {
		return err
	}
	return b.addToTicket(ctx, t, o, tk, p.Text, p.Photo, p.UpdateID)
}

// ownTicketButton loads the ticket a Solved / Not yet button names,
// answering the press itself when the presser does not own it.
func (b *Bot) ownTicketButton(ctx context.Context, t *turn, prefix string) (*owner, storage.Ticket, bool, error) {
	cq := t.upd.CallbackQuery
	o, err := b.loadOwnerFromCallback(ctx, t)
	if err != nil || o == nil {
		return nil, storage.Ticket{}, false, err
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(cq.Data, prefix), 10, 64)
	if err != nil {
		return o, storage.Ticket{}, false, b.answerButton(ctx, t, cq, "")
	}
	tk, err := t.tx.Ticket(ctx, id)
	if errors.Is(err, storage.ErrNotFound) || err == nil && tk.OwnerID != o.ID {
		return o, tk, false, b.answerButton(ctx, t, cq, T(o.Lang, "button.notyours"))
	}
	if err != nil {
		return o, tk, false, err
	}
	return o, tk, true, b.answerButton(ctx, t, cq, "")
}

// settleButtons edits the message whose button was pressed so its buttons
// go and it says what was chosen; a second press is then impossible.
func (b *Bot) settleButtons(ctx context.Context, t *turn, choice string) error {
	m := t.upd.CallbackQuery.Message.Message
	if m == nil || m.Text == "" || m.Text == "…" {
		return nil
	}
	return b.send(ctx, t, m.Chat.ID, Out{Kind: "edit", MessageID: int64(m.ID), Text: m.Text + "\n\n" + choice}, false)
}

// onSolved closes a resolved ticket the owner confirms, schedules the
// satisfaction callback and thanks the owner.
func (b *Bot) onSolved(ctx context.Context, t *turn) error {
	o, tk, ok, err := b.ownTicketButton(ctx, t, "ok:")
	if err != nil || !ok {
		return err
	}
	tk, closed, err := t.tx.CloseResolved(ctx, tk.ID, t.now, storage.ActorOwner, "confirmed")
	if err != nil {
		return err
	}
	if !closed {
		return b.notResolved(ctx, t, o, tk)
	}
	if err := b.scheduleCallback(ctx, t, tk); err != nil {
		return err
	}
	if err := b.settleButtons(ctx, t, T(o.Lang, "btn.solved")); err != nil {
		return err
	}
	return b.sendFor(ctx, t, o.ChatID, Out{Text: T(o.Lang, "solved.thanks", tk.Code)}, false, &tk.ID, "")
}

// notResolved answers a Solved / Not yet press on a ticket that is no longer
// waiting for the owner.
func (b *Bot) notResolved(ctx context.Context, t *turn, o *owner, tk storage.Ticket) error {
	switch tk.Status {
	case storage.StatusClosed:
		return b.say(ctx, t, o, "solved.already", tk.Code)
	case storage.StatusCancelled:
		return b.say(ctx, t, o, "cancel.closed", tk.Code)
	}
	return b.say(ctx, t, o, "notyet.already", tk.Code, b.statusName(o.Lang, tk.Status))
}

// onNotYet reopens a resolved ticket: back to its assignee, or to the queue
// when nobody has it, and tells both sides what happens next.
func (b *Bot) onNotYet(ctx context.Context, t *turn) error {
	o, tk, ok, err := b.ownTicketButton(ctx, t, "no:")
	if err != nil || !ok {
		return err
	}
	claimDue := b.cfg.ClaimTimeoutNormal
	if tk.Urgent {
		claimDue = b.cfg.ClaimTimeoutUrgent
	}
	tk, reopened, err := t.tx.ReopenResolved(ctx, tk.ID, t.now, claimDue, slaFor(tk.Kind, tk.Urgent), map[string]any{"by": "owner"})
	if err != nil {
		return err
	}
	if !reopened {
		return b.notResolved(ctx, t, o, tk)
	}
	if err := b.settleButtons(ctx, t, T(o.Lang, "btn.notyet")); err != nil {
		return err
	}
	if tk.AssigneeID == nil {
		t.handoff = true
		return b.sendFor(ctx, t, o.ChatID, Out{Text: T(o.Lang, "notyet.queued", tk.Code)}, tk.Urgent, &tk.ID, "")
	}
	s, err := t.tx.StaffByID(ctx, *tk.AssigneeID)
	if err != nil {
		return err
	}
	if err := b.sendFor(ctx, t, s.TelegramID, Out{Text: T(s.Lang, "relay.reopened", tk.Code, truncateRunes(tk.Summary, 60))},
		tk.Urgent, &tk.ID, storage.PurposeRelay); err != nil {
		return err
	}
	return b.sendFor(ctx, t, o.ChatID, Out{Text: T(o.Lang, "notyet.assignee", tk.Code, s.Name)}, tk.Urgent, &tk.ID, "")
}

// statusHistory is the ticket's latest steps in plain words, for /status.
func (b *Bot) statusHistory(ctx context.Context, t *turn, lang string, tk storage.Ticket) (string, error) {
	es, err := t.tx.LatestEvents(ctx, tk.ID, 20)
	if err != nil {
		return "", err
	}
	var lines []string
	for _, e := range es {
		key := "event." + e.Kind
		if _, ok := texts[key]; !ok {
			continue // internal steps (escalations, reminders) are not the owner's business
		}
		lines = append(lines, e.At.In(b.cfg.Location).Format("01-02 15:04")+" "+T(lang, key))
		if len(lines) == 4 {
			break
		}
	}
	if len(lines) == 0 {
		return "", nil
	}
	slices.Reverse(lines)
	return "\n\n" + T(lang, "status.history") + "\n• " + strings.Join(lines, "\n• "), nil
}

// followupTexts are the follow-up, callback and slot-filling messages.
var followupTexts = joinTexts(followTexts, slotTexts, callbackTexts, reportTexts)

var followTexts = map[string]text{
	// Follow-ups on tickets in progress.
	"ask.which": {
		"收到。请问这条消息是关于哪张工单的？还是一件新的事情？",
		"收到。請問呢個訊息係關於邊張工單？定係一件新嘅事？",
		"Thank you. Is this about one of your tickets, or something new?",
	},
	"btn.new": {"🆕 新的事情", "🆕 新嘅事", "🆕 Something new"},
	"followup.relayed": {
		"收到，已补充到工单 %s(%s)，并转告负责同事%s,TA会尽快在这里回复您。",
		"收到，已補充到工單 %s(%s)，並轉告負責同事%s，佢會盡快喺度回覆您。",
		"Thank you, I have added this to ticket %s (%s) and passed it to %s, who will reply here shortly.",
	},
	"followup.noted": {
		"收到，已补充到工单 %s(%s)。客服同事受理时会一并看到，受理后我会告诉您是哪位同事负责。请稍等。",
		"收到，已補充到工單 %s(%s)。客服同事受理時會一併睇到，受理後我會話您知係邊位同事負責。請稍等。",
		"Thank you, I have added this to ticket %s (%s). The colleague who picks it up will see it, and I will tell you who it is. Thank you for your patience.",
	},
	"followup.resolved": {
		"收到，已转告负责同事。工单 %s 已处理完毕，请问问题解决了吗？如果还没有，请点「还没有」，我们会马上重新跟进。",
		"收到，已轉告負責同事。工單 %s 已處理完畢，請問問題解決咗未？如果仲未，請撳「仲未」，我們會即刻重新跟進。",
		"Thank you, I have passed this on. Ticket %s was marked as done; is the problem solved? If not, press \"Not yet\" and we will pick it up again at once.",
	},
	"relay.reopened": {
		"[%s] 业主反馈问题仍未解决，工单已退回给您继续跟进：%s",
		"[%s] 業主反映問題仍未解決，工單已交返您繼續跟進：%s",
		"[%s] The owner says the problem is not solved yet; the ticket is back with you: %s",
	},
	"button.notyours": {"抱歉，这张工单不在您名下。", "唔好意思，呢張工單唔喺您名下。", "Sorry, this ticket is not yours."},

	// /status history: what each event means to the owner.
	"status.history":       {"最近进展：", "最近進展：", "Latest steps:"},
	"event.created":        {"已登记", "已登記", "logged"},
	"event.claimed":        {"客服同事已受理", "客服同事已受理", "picked up by a colleague"},
	"event.reassigned":     {"已转交其他同事跟进", "已轉交其他同事跟進", "handed to another colleague"},
	"event.in_progress":    {"正在处理", "正在處理", "work under way"},
	"event.staff_reply":    {"客服同事已回复您", "客服同事已回覆您", "a colleague replied to you"},
	"event.resolved":       {"已处理完毕，等待您确认", "已處理完畢，等待您確認", "marked as done, waiting for your confirmation"},
	"event.confirmed":      {"您已确认解决", "您已確認解決", "you confirmed it is solved"},
	"event.auto_closed":    {"已完成关闭", "已完成關閉", "closed"},
	"event.reopened":       {"您反馈未解决，已重新跟进", "您反映未解決，已重新跟進", "reopened at your request"},
	"event.owner_message":  {"您补充了信息", "您補充了資料", "you added details"},
	"event.visit_time":     {"已记录您方便上门的时间", "已記錄您方便上門的時間", "your preferred visit time noted"},
	"event.cancelled":      {"已撤销", "已撤銷", "withdrawn"},
	"event.callback_asked": {"回访：请您评分", "回訪：請您評分", "we asked for your rating"},
	"event.satisfaction":   {"已收到您的评分，谢谢", "已收到您的評分，多謝", "your rating received, thank you"},

	// Solved / not yet.
	"solved.thanks": {
		"谢谢您的确认！工单 %s 已完成关闭。稍后我们会请您为这次服务打个分，您的意见对我们很重要。如有其他需要，随时告诉我。😊",
		"多謝您的確認！工單 %s 已完成並關閉。稍後我們會請您為今次服務評分，您的意見對我們好重要。如有其他需要，隨時話我知。😊",
		"Thank you for confirming! Ticket %s is now closed. A little later we will ask you to rate our service; your opinion matters to us. Message me any time. 😊",
	},
	"solved.already": {
		"工单 %s 已经完成关闭，谢谢您！如有新的问题，直接告诉我就可以了。",
		"工單 %s 已經完成並關閉，多謝您！如有新問題，直接話我知就得。",
		"Ticket %s is already closed, thank you! If anything new comes up, just tell me.",
	},
	"notyet.already": {
		"工单 %s 目前状态：%s，负责同事正在跟进，请稍等。有任何补充可以直接发给我。",
		"工單 %s 而家狀態：%s，負責同事正在跟進，請稍等。有任何補充可以直接發俾我。",
		"Ticket %s is currently %s and a colleague is on it; thank you for your patience. Send me anything you want to add.",
	},
	"notyet.assignee": {
		"非常抱歉问题还没有解决！工单 %s 已重新打开，%s会继续跟进并尽快联系您。请告诉我现在还有什么问题，我会马上转告TA。",
		"非常抱歉問題仲未解決！工單 %s 已重新開啟，%s會繼續跟進並盡快聯絡您。請話我知而家仲有咩問題，我會即刻轉告佢。",
		"We are very sorry it is not solved yet! Ticket %s is open again and %s will follow it up and contact you shortly. Tell me what is still wrong and I will pass it on at once.",
	},
	"notyet.queued": {
		"非常抱歉问题还没有解决！工单 %s 已重新打开并转交客服同事，受理后我会告诉您是哪位同事负责。请告诉我现在还有什么问题，我会一并附上。",
		"非常抱歉問題仲未解決！工單 %s 已重新開啟並轉交客服同事，受理後我會話您知係邊位同事負責。請話我知而家仲有咩問題，我會一併附上。",
		"We are very sorry it is not solved yet! Ticket %s is open again and back with our team; I will tell you who picks it up. Tell me what is still wrong and I will add it.",
	},
}
