package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"concierge/intents"
	"concierge/storage"
)

// Satisfaction callbacks (回访): a durable job per closed ticket, asked after
// a delay outside quiet hours, reminded a bounded number of times; a low
// score or a clearly negative comment opens a complaint about the service
// and alerts the supervisors.

const (
	callbackEvery = 5 * time.Second // how often RunCallbacks looks for work
	tickBatch     = 200             // jobs one tick handles at most
	// commentWait is how long after a score the owner's next message is
	// taken as their comment; later words are requests or follow-ups.
	commentWait = time.Hour
)

func (b *Bot) callbackDelay(urgent bool) time.Duration {
	if urgent {
		return cmpDur(b.cfg.CallbackDelayUrgent, 30*time.Minute)
	}
	return cmpDur(b.cfg.CallbackDelay, 2*time.Hour)
}

func (b *Bot) reminderInterval() time.Duration {
	return cmpDur(b.cfg.CallbackReminderInterval, 24*time.Hour)
}

func (b *Bot) maxReminders() int {
	switch n := b.cfg.CallbackMaxReminders; {
	case n < 0:
		return 0
	case n == 0:
		return 2
	default:
		return n
	}
}

func (b *Bot) autoCloseAfter() time.Duration { return cmpDur(b.cfg.AutoCloseAfter, 72*time.Hour) }

func cmpDur(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// scheduleCallback creates the ticket's satisfaction callback, due after the
// delay for its urgency.
func (b *Bot) scheduleCallback(ctx context.Context, t *turn, tk storage.Ticket) error {
	_, _, err := t.tx.ScheduleCallback(ctx, tk.ID, t.now.Add(b.callbackDelay(tk.Urgent)), t.now)
	return err
}

// RunCallbacks closes tickets left unconfirmed and runs satisfaction
// callbacks until ctx ends. Several processes may run it on one database:
// each job is handled by one of them.
func (b *Bot) RunCallbacks(ctx context.Context) error {
	tick := time.NewTicker(cmp.Or(b.cfg.CallbackPoll, callbackEvery))
	defer tick.Stop()
	for {
		if err := b.AutoCloseTick(ctx); err != nil && ctx.Err() == nil {
			b.log.WarnContext(ctx, "auto-close", "err", err)
		}
		if err := b.CallbackTick(ctx); err != nil && ctx.Err() == nil {
			b.log.WarnContext(ctx, "callbacks", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// AutoCloseTick closes every ticket resolved and unconfirmed for
// AutoCloseAfter (event "auto_closed") and schedules its callback.
func (b *Bot) AutoCloseTick(ctx context.Context) error {
	for range tickBatch {
		found := false
		err := b.inTx(ctx, func(t *turn) error {
			tk, err := t.tx.ClaimStaleResolved(ctx, t.now.Add(-b.autoCloseAfter()))
			if errors.Is(err, storage.ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			found = true
			tk, closed, err := t.tx.CloseResolved(ctx, tk.ID, t.now, storage.ActorSystem, "auto_closed")
			if err != nil || !closed {
				return err
			}
			b.log.InfoContext(ctx, "ticket auto-closed", "ticket", tk.Code)
			return b.scheduleCallback(ctx, t, tk)
		})
		if err != nil || !found {
			return err
		}
	}
	return nil
}

// CallbackTick does one pass over the callback jobs that are due: asks,
// reminds, gives up, ends the wait for a comment, and escalates complaints
// opened by low scores. Jobs are claimed with FOR UPDATE SKIP LOCKED, so
// concurrent ticks never act on the same job twice.
func (b *Bot) CallbackTick(ctx context.Context) error {
	for range tickBatch {
		found := false
		err := b.inTx(ctx, func(t *turn) error {
			c, err := t.tx.ClaimDueCallback(ctx, t.now)
			if errors.Is(err, storage.ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			found = true
			return b.advanceCallback(ctx, t, c)
		})
		if err != nil || !found {
			return err
		}
	}
	return nil
}

func (b *Bot) advanceCallback(ctx context.Context, t *turn, c storage.Callback) error {
	if c.ComplaintID != nil && c.EscalatedAt == nil {
		complaint, err := t.tx.Ticket(ctx, *c.ComplaintID)
		if err != nil {
			return err
		}
		// Escalate commits on its own; the complaint is committed already.
		// Should this transaction fail, the next tick alerts again: better
		// twice than never.
		if err := b.Escalate(ctx, complaint, "low_score"); err != nil {
			return err
		}
		if err := t.tx.AddEvent(ctx, storage.Event{TicketID: complaint.ID, At: t.now, Actor: storage.ActorSystem, Kind: "escalated",
			Detail: map[string]any{"reason": "low_score"}}); err != nil {
			return err
		}
		c.EscalatedAt = &t.now
	}
	due := !c.DueAt.After(t.now)
	switch {
	case !due:
	case c.Status == storage.CallbackScored:
		c.Status, c.FinishedAt = storage.CallbackDone, &t.now
	case c.Status == storage.CallbackScheduled || c.Status == storage.CallbackAsked:
		return b.askOrRemind(ctx, t, c)
	}
	return t.tx.SaveCallback(ctx, c)
}

// askOrRemind sends the score question, a reminder, or records that the
// owner did not answer.
func (b *Bot) askOrRemind(ctx context.Context, t *turn, c storage.Callback) error {
	tk, err := t.tx.Ticket(ctx, c.TicketID)
	if err != nil {
		return err
	}
	if tk.Status != storage.StatusClosed {
		c.Status, c.FinishedAt = storage.CallbackCancelled, &t.now // reopened or withdrawn meanwhile
		return t.tx.SaveCallback(ctx, c)
	}
	if c.Status == storage.CallbackAsked && c.Reminders >= b.maxReminders() {
		c.Status, c.FinishedAt = storage.CallbackNoResponse, &t.now
		if err := t.tx.AddEvent(ctx, storage.Event{TicketID: tk.ID, At: t.now, Actor: storage.ActorSystem, Kind: "callback_no_response",
			Detail: map[string]any{"reminders": c.Reminders}}); err != nil {
			return err
		}
		return t.tx.SaveCallback(ctx, c)
	}
	if until, quiet := b.quietUntil(t.now); quiet {
		c.DueAt = until
		return t.tx.SaveCallback(ctx, c)
	}
	o, err := t.tx.Owner(ctx, tk.OwnerID)
	if err != nil {
		return err
	}
	kind := "callback_asked"
	msg := T(o.Lang, "callback.ask", b.estate(o.Lang), T(o.Lang, "kindname."+tk.Kind), tk.Code, truncateRunes(tk.Summary, 60))
	if c.Status == storage.CallbackAsked {
		kind = "callback_reminded"
		msg = T(o.Lang, "callback.remind", tk.Code)
		c.Reminders++
	} else {
		c.Status, c.AskedAt = storage.CallbackAsked, &t.now
	}
	c.DueAt = t.now.Add(b.reminderInterval())
	if err := b.sendFor(ctx, t, o.ChatID, Out{Text: msg, Buttons: scoreButtons(o.Lang, c.ID)}, false, &tk.ID, ""); err != nil {
		return err
	}
	if err := t.tx.AddEvent(ctx, storage.Event{TicketID: tk.ID, At: t.now, Actor: storage.ActorBot, Kind: kind,
		Detail: map[string]any{"callback_id": c.ID, "reminders": c.Reminders}}); err != nil {
		return err
	}
	return t.tx.SaveCallback(ctx, c)
}

func scoreButtons(lang string, id int64) [][]Button {
	btn := func(score int) Button {
		return Button{Text: T(lang, "score."+strconv.Itoa(score)), Data: fmt.Sprintf("cb:%d:%d", id, score)}
	}
	return [][]Button{{btn(5), btn(4)}, {btn(3), btn(2), btn(1)}}
}

// parseScore reads callback data cb:<callbackID>:<score>.
func parseScore(data string) (id int64, score int, ok bool) {
	rest, found := strings.CutPrefix(data, "cb:")
	if !found {
		return 0, 0, false
	}
	a, s, found := strings.Cut(rest, ":")
	if !found {
		return 0, 0, false
	}
	id, err1 := strconv.ParseInt(a, 10, 64)
	score, err2 := strconv.Atoi(s)
	if err1 != nil || err2 != nil || id <= 0 || score < 1 || score > 5 {
		return 0, 0, false
	}
	return id, score, true
}

// ownCallback loads, locked, the callback a button names and its ticket,
// checking the presser owns the ticket. ok is false when the press was
// answered already (not theirs, unknown).
func (b *Bot) ownCallback(ctx context.Context, t *turn, o *owner, id int64) (storage.Callback, storage.Ticket, bool, error) {
	cq := t.upd.CallbackQuery
	c, err := t.tx.LockCallback(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return c, storage.Ticket{}, false, b.answerButton(ctx, t, cq, T(o.Lang, "button.notyours"))
	}
	if err != nil {
		return c, storage.Ticket{}, false, err
	}
	tk, err := t.tx.Ticket(ctx, c.TicketID)
	if err != nil {
		return c, tk, false, err
	}
	if tk.OwnerID != o.ID {
		return c, tk, false, b.answerButton(ctx, t, cq, T(o.Lang, "button.notyours"))
	}
	return c, tk, true, nil
}

// onScore records the owner's 1–5 score and asks for an optional comment; a
// score of 1 or 2 opens a complaint about the service.
func (b *Bot) onScore(ctx context.Context, t *turn) error {
	cq := t.upd.CallbackQuery
	o, err := b.loadOwnerFromCallback(ctx, t)
	if err != nil || o == nil {
		return err
	}
	id, score, ok := parseScore(cq.Data)
	if !ok {
		return b.answerButton(ctx, t, cq, "")
	}
	c, tk, ok, err := b.ownCallback(ctx, t, o, id)
	if err != nil || !ok {
		return err
	}
	// A late answer, after the reminders ran out, still counts.
	if c.Status != storage.CallbackAsked && c.Status != storage.CallbackNoResponse {
		if err := b.answerButton(ctx, t, cq, ""); err != nil {
			return err
		}
		return b.say(ctx, t, o, "callback.already", tk.Code)
	}
	if err := b.answerButton(ctx, t, cq, T(o.Lang, "callback.thanks.short")); err != nil {
		return err
	}
	if err := b.settleButtons(ctx, t, "⭐ "+T(o.Lang, "score."+strconv.Itoa(score))); err != nil {
		return err
	}
	s := int16(score)
	c.Score, c.Status, c.DueAt, c.FinishedAt = &s, storage.CallbackScored, t.now.Add(commentWait), nil
	if err := t.tx.SetSatisfaction(ctx, tk.ID, &s, "", t.now); err != nil {
		return err
	}
	if err := t.tx.AddEvent(ctx, storage.Event{TicketID: tk.ID, At: t.now, Actor: storage.ActorOwner, Kind: "satisfaction",
		Detail: map[string]any{"score": score, "callback_id": c.ID}}); err != nil {
		return err
	}
	skip := [][]Button{{{Text: T(o.Lang, "btn.skip"), Data: fmt.Sprintf("cbskip:%d", c.ID)}}}
	if score <= 2 {
		complaint, err := b.lowScore(ctx, t, o, tk, &c, "", "low_score")
		if err != nil {
			return err
		}
		if err := t.tx.SaveCallback(ctx, c); err != nil {
			return err
		}
		return b.sendFor(ctx, t, o.ChatID, Out{Text: T(o.Lang, "callback.low", complaint.Code), Buttons: skip}, false, &tk.ID, "")
	}
	if err := t.tx.SaveCallback(ctx, c); err != nil {
		return err
	}
	return b.sendFor(ctx, t, o.ChatID, Out{Text: T(o.Lang, "callback.comment", score), Buttons: skip}, false, &tk.ID, "")
}

// onCommentSkip ends the wait for a comment.
func (b *Bot) onCommentSkip(ctx context.Context, t *turn) error {
	cq := t.upd.CallbackQuery
	o, err := b.loadOwnerFromCallback(ctx, t)
	if err != nil || o == nil {
		return err
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(cq.Data, "cbskip:"), 10, 64)
	if err != nil {
		return b.answerButton(ctx, t, cq, "")
	}
	c, _, ok, err := b.ownCallback(ctx, t, o, id)
	if err != nil || !ok {
		return err
	}
	if err := b.answerButton(ctx, t, cq, ""); err != nil {
		return err
	}
	if c.Status != storage.CallbackScored {
		return nil // done already: one thank-you is enough
	}
	c.Status, c.FinishedAt = storage.CallbackDone, &t.now
	if err := t.tx.SaveCallback(ctx, c); err != nil {
		return err
	}
	return b.say(ctx, t, o, "callback.bye")
}

// takeComment treats a text message from an owner whose callback has a
// score and waits for a comment as that comment.
func (b *Bot) takeComment(ctx context.Context, t *turn, o *owner, text string) (bool, error) {
	c, err := t.tx.OwnerScoredCallback(ctx, o.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	tk, err := t.tx.Ticket(ctx, c.TicketID)
	if err != nil {
		return false, err
	}
	if isWord(text, skipWords) || isWord(text, cancelWords) {
		c.Status, c.FinishedAt = storage.CallbackDone, &t.now
		if err := t.tx.SaveCallback(ctx, c); err != nil {
			return false, err
		}
		return true, b.say(ctx, t, o, "callback.bye")
	}
	// A new repair or an emergency is not a comment: the wait for one ends
	// and the message is handled as a request. Complaints are comments.
	r, err := b.understand(ctx, t, text)
	if err != nil {
		return false, err
	}
	newRepair := r.Intent == intents.Repair && r.Confident() && r.Category != intents.CatOther && !isNegative(text)
	if (r.Urgent && substantive(text, r.Location) && !isNegative(text)) || newRepair {
		c.Status, c.FinishedAt = storage.CallbackDone, &t.now
		return false, t.tx.SaveCallback(ctx, c)
	}
	t.ticketID = &tk.ID // the comment is on the ticket's transcript
	c.Comment, c.Status, c.FinishedAt = truncateRunes(text, 2000), storage.CallbackDone, &t.now
	if err := t.tx.SetSatisfaction(ctx, tk.ID, nil, c.Comment, t.now); err != nil {
		return false, err
	}
	if err := t.tx.AddEvent(ctx, storage.Event{TicketID: tk.ID, At: t.now, Actor: storage.ActorOwner, Kind: "satisfaction_comment",
		Detail: map[string]any{"callback_id": c.ID, "comment": c.Comment}}); err != nil {
		return false, err
	}
	switch {
	case c.ComplaintID != nil:
		// The low score opened a complaint already: the comment is its detail.
		if err := t.tx.AddEvent(ctx, storage.Event{TicketID: *c.ComplaintID, At: t.now, Actor: storage.ActorOwner, Kind: "owner_message",
			Detail: map[string]any{"text": c.Comment}}); err != nil {
			return false, err
		}
		if err := t.tx.SaveCallback(ctx, c); err != nil {
			return false, err
		}
		return true, b.say(ctx, t, o, "callback.comment.low")
	case isNegative(text):
		complaint, err := b.lowScore(ctx, t, o, tk, &c, text, "negative_comment")
		if err != nil {
			return false, err
		}
		if err := t.tx.SaveCallback(ctx, c); err != nil {
			return false, err
		}
		return true, b.say(ctx, t, o, "callback.low.comment", complaint.Code)
	}
	if err := t.tx.SaveCallback(ctx, c); err != nil {
		return false, err
	}
	return true, b.say(ctx, t, o, "callback.bye")
}

// lowScore opens a complaint about the service the ticket received and
// links it to the callback; the scheduler escalates it once committed.
func (b *Bot) lowScore(ctx context.Context, t *turn, o *owner, tk storage.Ticket, c *storage.Callback, comment, reason string) (storage.Ticket, error) {
	category := tk.Category
	if tk.Kind == storage.KindComplaint || aboutAttitude(comment) || category == "" {
		category = "staff_attitude"
	}
	score := 0
	if c.Score != nil {
		score = int(*c.Score)
	}
	body := T(o.Lang, "lowscore.body", tk.Code, score)
	if comment != "" {
		body += "\n" + comment
	}
	complaint, err := t.tx.CreateTicket(ctx, storage.NewTicket{
		Kind: storage.KindComplaint, Category: category, Estate: tk.Estate, Unit: tk.Unit, Location: tk.Location,
		Summary: T(o.Lang, "lowscore.summary", tk.Code, score), Body: body, Lang: o.Lang, OwnerID: o.ID,
		Model: "callback", Confidence: 1, Now: t.now, ClaimDue: b.cfg.ClaimTimeoutNormal,
		SLA: slaFor(storage.KindComplaint, false), Loc: b.cfg.Location,
		EventDetail: map[string]any{"reason": reason, "from_ticket": tk.Code, "from_ticket_id": tk.ID, "score": score},
	})
	if err != nil {
		return storage.Ticket{}, err
	}
	if err := t.tx.AddEvent(ctx, storage.Event{TicketID: tk.ID, At: t.now, Actor: storage.ActorSystem, Kind: "followup_complaint",
		Detail: map[string]any{"reason": reason, "ticket": complaint.Code, "ticket_id": complaint.ID}}); err != nil {
		return storage.Ticket{}, err
	}
	c.ComplaintID = &complaint.ID
	t.handoff = true
	b.log.InfoContext(ctx, "low satisfaction: complaint opened", "ticket", tk.Code, "complaint", complaint.Code, "reason", reason)
	return complaint, nil
}

// Words that make a comment clearly negative, or about someone's attitude.
var (
	negativeWords = []string{"不满意", "不滿意", "很差", "太差", "差劲", "差勁", "垃圾", "没修好", "沒修好", "没解决", "沒解決", "未解决",
		"冇整好", "唔滿意", "態度差", "态度差", "态度很差", "態度好差", "投诉", "投訴", "不专业", "唔專業", "敷衍",
		"terrible", "awful", "bad service", "poor", "rude", "not fixed", "unhappy", "disappointed", "unprofessional", "complain"}
	attitudeWords = []string{"态度", "態度", "不礼貌", "唔禮貌", "凶", "骂", "鬧", "rude", "attitude", "impolite"}
)

func isNegative(s string) bool    { return containsAny(s, negativeWords) }
func aboutAttitude(s string) bool { return containsAny(s, attitudeWords) }

func containsAny(s string, words []string) bool {
	l := strings.ToLower(s)
	for _, w := range words {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// callbackTexts joins followupTexts (followup.go).
var callbackTexts = map[string]text{
	"callback.ask": {
		"您好，这里是%s客服中心回访。您的%s %s(%s)已处理完毕，请问您对这次服务满意吗？请点下面的分数，5分为非常满意。",
		"您好，呢度係%s客服中心回訪。您的%s %s(%s)已處理完畢，請問您對今次服務滿唔滿意？請撳下面的分數，5分為非常滿意。",
		"Hello, this is the %s service centre following up. Your %s %s (%s) has been completed. How satisfied are you with our service? Please tap a score; 5 is very satisfied.",
	},
	"callback.remind": {
		"您好，打扰了。想再请您为工单 %s 的服务打个分，只需点一下，谢谢您！",
		"您好，打擾晒。想再請您為工單 %s 的服務評個分，只需撳一下，多謝您！",
		"Hello, sorry to bother you again. Could you rate our service on ticket %s? One tap is enough. Thank you!",
	},
	"score.5":               {"5 😊 非常满意", "5 😊 非常滿意", "5 😊 Very satisfied"},
	"score.4":               {"4 🙂 满意", "4 🙂 滿意", "4 🙂 Satisfied"},
	"score.3":               {"3 😐 一般", "3 😐 一般", "3 😐 OK"},
	"score.2":               {"2 🙁 不满意", "2 🙁 唔滿意", "2 🙁 Unsatisfied"},
	"score.1":               {"1 😞 很不满意", "1 😞 好唔滿意", "1 😞 Very unsatisfied"},
	"btn.skip":              {"跳过", "跳過", "Skip"},
	"callback.thanks.short": {"谢谢您的评分！", "多謝您的評分！", "Thank you for rating!"},
	"callback.comment": {
		"谢谢您给出 %d 分！还有什么意见或建议吗？直接回复这条消息就可以；不需要的话请点「跳过」。",
		"多謝您俾 %d 分！仲有冇咩意見或建議？直接回覆就得；唔需要的話請撳「跳過」。",
		"Thank you for the %d! Any comments or suggestions? Just reply here, or press Skip.",
	},
	"callback.low": {
		"非常抱歉这次服务没有让您满意。我们已登记为投诉 %s，客服主管会在24小时内亲自联系您。方便的话，请告诉我们哪里做得不好（也可以点「跳过」）。",
		"非常抱歉今次服務未能令您滿意。我們已登記為投訴 %s，客服主管會喺24小時內親自聯絡您。方便的話，請話我們知邊度做得唔好（亦可以撳「跳過」）。",
		"We are very sorry our service did not satisfy you. We have logged it as complaint %s and a supervisor will contact you personally within 24 hours. If you can, tell us what went wrong (or press Skip).",
	},
	"callback.low.comment": {
		"非常抱歉给您带来不好的体验。我们已登记为投诉 %s，客服主管会在24小时内亲自联系您。谢谢您告诉我们。",
		"非常抱歉為您帶來唔好的體驗。我們已登記為投訴 %s，客服主管會喺24小時內親自聯絡您。多謝您話我們知。",
		"We are very sorry for the poor experience. We have logged it as complaint %s and a supervisor will contact you personally within 24 hours. Thank you for telling us.",
	},
	"callback.comment.low": {
		"谢谢您，已把您的意见附到投诉中，客服主管联系您时会一并跟进。",
		"多謝您，已將您的意見附喺投訴度，客服主管聯絡您時會一併跟進。",
		"Thank you, your words are added to the complaint and the supervisor will follow them up with you.",
	},
	"callback.bye": {
		"谢谢您的宝贵意见，祝您生活愉快！有需要随时找我。再见！😊",
		"多謝您的寶貴意見，祝您生活愉快！有需要隨時搵我。再見！😊",
		"Thank you for your feedback, and have a lovely day! Message me any time. Goodbye! 😊",
	},
	"callback.already": {
		"谢谢，工单 %s 的评分已经记录过了。",
		"多謝，工單 %s 的評分已經記錄咗。",
		"Thank you, your score for ticket %s is already recorded.",
	},
	"lowscore.summary": {"回访不满意：%s 的服务（评分 %d/5）", "回訪不滿意：%s 的服務（評分 %d/5）", "Unsatisfied at callback: service on %s (score %d/5)"},
	"lowscore.body":    {"业主在回访中对工单 %s 的服务不满意，评分 %d/5。", "業主喺回訪中對工單 %s 的服務唔滿意，評分 %d/5。", "At the satisfaction callback the owner was unhappy with the service on %s, score %d/5."},
	"escalate.low_score": {
		"⚠️ 回访不满意：投诉 %s（已等待 %s）由业主的低分或差评转来，请主管24小时内亲自联系业主。",
		"⚠️ 回訪不滿意：投訴 %s（已等 %s）由業主的低分或差評轉來，請主管24小時內親自聯絡業主。",
		"⚠️ Unsatisfied owner: complaint %s (waiting %s) comes from a low score or negative comment at callback. A supervisor should contact the owner within 24 hours.",
	},
}
