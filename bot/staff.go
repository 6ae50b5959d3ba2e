package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"concierge/handoff"
	"concierge/storage"
)

// The staff side: claim buttons on the cards in the staff group, /next with
// accept and pass, the staff commands (staff_cmds.go) and the relay between
// owner and assignee. Only active registered staff act; anyone else gets a
// polite refusal and nothing changes.
//
// Claims, releases, transfers, progress, notes and resolutions are written
// with the update's transaction (storage's Tx methods, the same conditional
// UPDATE the hub uses), so the ticket, its event and the messages it causes
// commit together or not at all: of two Claim presses Postgres lets one
// win, and nobody hears of a claim that did not commit. Redis is not
// touched for them: a release or a transfer to a queue sets t.handoff, so
// the hub's relay publishes the outbox row after the commit; a claimed
// ticket's stream entries are acknowledged and skipped by Hub.Next, which
// checks every entry against Postgres. Only /next and Pass call the hub.

// The hub is what cmd/concierge connects with SetHub.
var _ Handoffs = (*handoff.Hub)(nil)

// staffOnly are the commands only staff may use; anyone else is refused.
var staffOnly = map[string]bool{
	"/next": true, "/mine": true, "/queue": true, "/ticket": true, "/note": true, "/transfer": true,
	"/release": true, "/resolve": true, "/progress": true, "/reply": true, "/report": true,
}

// ownerCommands stay with the owner routes even for staff (a staff member
// may also live on the estate).
var ownerCommands = map[string]bool{"/mytickets": true, "/status": true, "/cancel": true}

// staffRoutes registers the staff side: claim buttons and staff commands.
func (b *Bot) staffRoutes(on func(tgbot.MatchFunc, tgbot.HandlerFunc)) {
	on(callbackPrefix("claim:"), b.step(b.onClaim))
	on(callbackPrefix("acc:"), b.step(b.onClaim))
	on(callbackPrefix("pass:"), b.step(b.onPass))
	on(b.isStaffMessage, b.step(b.onStaffMessage))
}

// isStaffMessage matches what may be a staff member speaking: a command in
// the staff group, a command in private that is not an owner command, and a
// private reply to one of our messages. Whether the sender is staff is
// decided in the handler, inside the update's transaction.
func (b *Bot) isStaffMessage(u *models.Update) bool {
	m := u.Message
	if m == nil || m.From == nil {
		return false
	}
	inGroup := b.cfg.StaffChatID != 0 && m.Chat.ID == b.cfg.StaffChatID
	private := m.Chat.Type == models.ChatTypePrivate
	cmd, _ := staffCommand(m)
	switch {
	case cmd != "" && inGroup:
		return true
	case cmd != "" && private:
		return !ownerCommands[cmd]
	}
	return private && m.ReplyToMessage != nil
}

// staffCommand is command() that also reads a photo's caption.
func staffCommand(m *models.Message) (string, string) {
	if m.Text == "" && strings.HasPrefix(m.Caption, "/") {
		c := *m
		c.Text = m.Caption
		return command(&c)
	}
	return command(m)
}

// activeStaff returns the active staff member with this Telegram id;
// ok is false for anyone else (unknown or disabled).
func (b *Bot) activeStaff(ctx context.Context, t *turn, telegramID int64) (storage.Staff, bool, error) {
	s, err := t.tx.ActiveStaffByTelegram(ctx, telegramID)
	if errors.Is(err, storage.ErrNotFound) {
		return storage.Staff{}, false, nil
	}
	if err != nil {
		return storage.Staff{}, false, err
	}
	return s, true, nil
}

func (b *Bot) handoffs() Handoffs {
	b.hubMu.RLock()
	defer b.hubMu.RUnlock()
	return b.hub
}

// staffChat is where a staff member's words came from, and how to answer.
type staffChat struct {
	s      storage.Staff
	chatID int64
	lang   string
	msg    *models.Message
}

func (b *Bot) reply(ctx context.Context, t *turn, c staffChat, key string, args ...any) error {
	return b.send(ctx, t, c.chatID, Out{Text: T(c.lang, key, args...)}, false)
}

// onStaffMessage takes a staff command or a reply to a relayed message; for
// anyone who is not staff it refuses staff commands and hands the rest to
// the owner dialogue.
func (b *Bot) onStaffMessage(ctx context.Context, t *turn) error {
	m := t.upd.Message
	s, ok, err := b.activeStaff(ctx, t, m.From.ID)
	if err != nil {
		return err
	}
	cmd, rest := staffCommand(m)
	inGroup := m.Chat.ID == b.cfg.StaffChatID && m.Chat.Type != models.ChatTypePrivate
	if !ok {
		switch {
		case staffOnly[cmd] || inGroup:
			b.log.InfoContext(ctx, "staff command refused", "chat_id", m.Chat.ID, "command", cmd)
			return b.send(ctx, t, m.Chat.ID, Out{Text: T(userLang(m.From), "staff.refused")}, false)
		case cmd == "/start":
			return b.onStart(ctx, t)
		case cmd == "/help":
			return b.onHelp(ctx, t)
		}
		return b.onOwnerMessage(ctx, t)
	}
	c := staffChat{s: s, chatID: m.Chat.ID, lang: normLang(s.Lang), msg: m}
	if inGroup {
		c.lang = b.staffLang()
	}
	if cmd == "" {
		return b.onStaffReply(ctx, t, c)
	}
	switch cmd {
	case "/next":
		return b.onNext(ctx, t, c)
	case "/mine":
		return b.onMine(ctx, t, c)
	case "/queue":
		return b.onQueue(ctx, t, c)
	case "/ticket":
		return b.onTicket(ctx, t, c, rest)
	case "/note":
		return b.onNote(ctx, t, c, rest)
	case "/transfer":
		return b.onTransfer(ctx, t, c, rest)
	case "/release":
		return b.onRelease(ctx, t, c, rest)
	case "/resolve":
		return b.onResolve(ctx, t, c, rest)
	case "/progress":
		return b.onProgress(ctx, t, c, rest)
	case "/reply":
		return b.onReplyCommand(ctx, t, c, rest)
	case "/report":
		return b.onReport(ctx, t, c, rest)
	}
	return b.reply(ctx, t, c, "staff.help")
}

// callbackTicket reads the ticket id after the button's prefix.
func callbackTicket(data string) (int64, bool) {
	_, v, ok := strings.Cut(data, ":")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(v, 10, 64)
	return id, err == nil && id > 0
}

// staffButton checks who pressed a staff button; anyone who is not active
// staff is answered with a refusal and ok is false.
func (b *Bot) staffButton(ctx context.Context, t *turn) (storage.Staff, int64, bool, error) {
	cq := t.upd.CallbackQuery
	s, ok, err := b.activeStaff(ctx, t, cq.From.ID)
	if err != nil {
		return storage.Staff{}, 0, false, err
	}
	if !ok {
		b.log.InfoContext(ctx, "staff button refused", "data", cq.Data)
		return s, 0, false, b.answerButton(ctx, t, cq, T(userLang(&cq.From), "staff.refused"))
	}
	id, valid := callbackTicket(cq.Data)
	if !valid {
		return s, 0, false, b.answerButton(ctx, t, cq, "")
	}
	return s, id, true, nil
}

// mayClaim: technicians take repair tickets only.
func mayClaim(s storage.Staff, tk storage.Ticket) bool {
	return s.Role != storage.RoleTechnician || tk.Kind == storage.KindRepair
}

// maySee: technicians see repair tickets and their own; others see all.
func maySee(s storage.Staff, tk storage.Ticket) bool {
	return mayClaim(s, tk) || isAssignee(s, tk)
}

// mayAct: the assignee, or a supervisor on any ticket.
func mayAct(s storage.Staff, tk storage.Ticket) bool {
	return s.Role == storage.RoleSupervisor || isAssignee(s, tk)
}

func isAssignee(s storage.Staff, tk storage.Ticket) bool {
	return tk.AssigneeID != nil && *tk.AssigneeID == s.ID
}

// onClaim handles Claim on a card in the staff group and Accept on a ticket
// /next offered. Postgres decides (a conditional UPDATE in this update's
// transaction): of two presses exactly one wins; the other is told who has
// it. The card edit, the answer and the owner's notice commit with the
// claim, so nobody hears of a claim that did not happen.
func (b *Bot) onClaim(ctx context.Context, t *turn) error {
	cq := t.upd.CallbackQuery
	s, id, ok, err := b.staffButton(ctx, t)
	if err != nil || !ok {
		return err
	}
	lang := normLang(s.Lang)
	cur, err := t.tx.Ticket(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return b.answerButton(ctx, t, cq, T(lang, "staff.ticket.notfound", fmt.Sprint(id)))
	}
	if err != nil {
		return err
	}
	if !mayClaim(s, cur) {
		return b.answerButton(ctx, t, cq, T(lang, "staff.claim.repaironly"))
	}
	wasMine := isAssignee(s, cur)
	tk, err := t.tx.ClaimTicket(ctx, id, s, t.now)
	switch {
	case errors.Is(err, storage.ErrAlreadyClaimed):
		holder, err := t.tx.StaffByID(ctx, *tk.AssigneeID)
		if err != nil {
			return err
		}
		return b.answerButton(ctx, t, cq, T(lang, "staff.claim.taken", tk.Code, holder.Name))
	case errors.Is(err, storage.ErrNotAllowed):
		return b.answerButton(ctx, t, cq, T(lang, "staff.claim.closed", tk.Code, b.statusName(lang, tk.Status)))
	case err != nil:
		return err
	case wasMine:
		return b.answerButton(ctx, t, cq, T(lang, "staff.claim.already", tk.Code))
	}
	b.log.InfoContext(ctx, "ticket claimed", "ticket", tk.Code, "staff_id", s.ID)
	b.acknowledge(t, tk, s)
	pressed := cq.Message.Message
	line := T(b.staffLang(), "card.claimedby", s.Name, b.clock(t))
	if err := b.editCards(ctx, t, tk, line, pressed); err != nil {
		return err
	}
	if err := b.answerButton(ctx, t, cq, T(lang, "staff.claim.ok", tk.Code)); err != nil {
		return err
	}
	// The claimer gets the ticket privately: where the owner's words arrive.
	brief := T(lang, "staff.claim.private", tk.Code) + "\n\n" + b.ticketBrief(lang, tk)
	if pressed != nil && pressed.Chat.Type == models.ChatTypePrivate && pressed.Chat.ID == s.TelegramID {
		err = b.sendFor(ctx, t, s.TelegramID, Out{Kind: "edit", MessageID: int64(pressed.ID), Text: brief}, tk.Urgent, &tk.ID, "")
	} else {
		err = b.sendFor(ctx, t, s.TelegramID, Out{Text: brief}, tk.Urgent, &tk.ID, "")
	}
	if err != nil {
		return err
	}
	return b.tellOwnerClaimed(ctx, t, tk, s)
}

// clock is the time of this turn on the estate's clock, for cards.
func (b *Bot) clock(t *turn) string {
	return t.now.In(b.cfg.Location).Format("15:04")
}

// editCards rewrites the ticket's card in the staff group (and the card that
// was pressed, when that is an older one) with a line saying what happened,
// without buttons.
func (b *Bot) editCards(ctx context.Context, t *turn, tk storage.Ticket, line string, pressed *models.Message) error {
	type target struct{ chat, msg int64 }
	var targets []target
	if tk.CardMessageID != nil {
		chat := b.cfg.StaffChatID
		if tk.CardChatID != nil {
			chat = *tk.CardChatID
		}
		targets = append(targets, target{chat, *tk.CardMessageID})
	}
	if pressed != nil && b.cfg.StaffChatID != 0 && pressed.Chat.ID == b.cfg.StaffChatID {
		p := target{pressed.Chat.ID, int64(pressed.ID)}
		if len(targets) == 0 || targets[0] != p {
			targets = append(targets, p)
		}
	}
	text := b.cardText(tk, false) + "\n" + line
	for _, x := range targets {
		if err := b.sendFor(ctx, t, x.chat, Out{Kind: "edit", MessageID: x.msg, Text: text}, tk.Urgent, &tk.ID, ""); err != nil {
			return err
		}
	}
	return nil
}

// ticketBrief is a ticket in a staff member's language.
func (b *Bot) ticketBrief(lang string, tk storage.Ticket) string {
	var sb strings.Builder
	if tk.Urgent {
		sb.WriteString(T(lang, "urgent.mark") + " ")
	}
	fmt.Fprintf(&sb, "%s · %s · %s\n", tk.Code, T(lang, "kindname."+tk.Kind), T(lang, "category."+tk.Category))
	loc := tk.Location
	if loc == "" {
		loc = T(lang, "location.none")
	}
	fmt.Fprintf(&sb, "📍 %s\n📝 %s", loc, tk.Summary)
	return sb.String()
}

// onNext offers the staff member the next waiting ticket of the queues
// their role serves, urgent first, with Accept and Pass.
func (b *Bot) onNext(ctx context.Context, t *turn, c staffChat) error {
	h := b.handoffs()
	if h == nil {
		return b.reply(ctx, t, c, "staff.next.none")
	}
	tk, ok, err := h.Next(ctx, c.s)
	if err != nil {
		return err
	}
	if !ok {
		return b.reply(ctx, t, c, "staff.next.none")
	}
	text := T(c.lang, "staff.next.offer", b.waited(tk, t.now)) + "\n\n" + b.ticketBrief(c.lang, tk)
	buttons := [][]Button{{
		{Text: T(c.lang, "staff.btn.accept"), Data: fmt.Sprintf("acc:%d", tk.ID)},
		{Text: T(c.lang, "staff.btn.pass"), Data: fmt.Sprintf("pass:%d", tk.ID)},
	}}
	return b.sendFor(ctx, t, c.chatID, Out{Text: text, Buttons: buttons}, tk.Urgent, &tk.ID, "")
}

// onPass declines a ticket /next offered; it goes to the next colleague.
func (b *Bot) onPass(ctx context.Context, t *turn) error {
	cq := t.upd.CallbackQuery
	s, id, ok, err := b.staffButton(ctx, t)
	if err != nil || !ok {
		return err
	}
	lang := normLang(s.Lang)
	tk, err := t.tx.Ticket(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return b.answerButton(ctx, t, cq, T(lang, "staff.ticket.notfound", fmt.Sprint(id)))
	}
	if err != nil {
		return err
	}
	if h := b.handoffs(); h != nil {
		if err := h.Pass(ctx, id, s); err != nil {
			return err
		}
	}
	if err := b.answerButton(ctx, t, cq, ""); err != nil {
		return err
	}
	if m := cq.Message.Message; m != nil {
		return b.sendFor(ctx, t, m.Chat.ID, Out{Kind: "edit", MessageID: int64(m.ID), Text: T(lang, "staff.next.passed", tk.Code)}, false, &tk.ID, "")
	}
	return nil
}

// relayToAssignee passes an owner's words (or photo) on a ticket to its
// assignee's private chat as "[R-…] owner: …". The message is kept with
// PurposeRelay, so the assignee answers by replying to it. The owner's line
// in this chat is filed under the ticket. Nothing is sent when nobody (or
// nobody active) holds the ticket.
func (b *Bot) relayToAssignee(ctx context.Context, t *turn, tk storage.Ticket, text, photo string) error {
	if tk.AssigneeID == nil {
		return nil
	}
	s, err := t.tx.StaffByID(ctx, *tk.AssigneeID)
	if err != nil {
		return err
	}
	if !s.Active {
		return nil
	}
	t.ticketID = &tk.ID // the owner's line is filed under the ticket at the end of the turn
	lang := normLang(s.Lang)
	words := text
	if words == "" {
		words = "📷"
	}
	out := Out{Text: T(lang, "staff.relay", tk.Code, words)}
	if photo != "" {
		out.Kind, out.Photo = "photo", photo
	}
	return b.sendFor(ctx, t, s.TelegramID, out, tk.Urgent, &tk.ID, storage.PurposeRelay)
}

// afterOwnerCancel tells the assignee, if any, that the owner withdrew.
func (b *Bot) afterOwnerCancel(ctx context.Context, t *turn, tk storage.Ticket) error {
	if tk.AssigneeID == nil {
		return nil
	}
	s, err := t.tx.StaffByID(ctx, *tk.AssigneeID)
	if err != nil || !s.Active {
		return err
	}
	return b.sendFor(ctx, t, s.TelegramID, Out{Text: T(normLang(s.Lang), "staff.owner.cancelled", tk.Code)}, false, &tk.ID, "")
}

// staffTexts are the staff side's messages (and the owner's pushes it
// causes), joined into texts.
var staffTexts = map[string]text{
	"staff.refused": {
		"您好,抱歉,此操作仅限已登记的客服同事使用,没有做任何更改。如您是业主,请直接告诉我您的问题,我会为您登记。",
		"您好,唔好意思,呢個操作只限已登記的客服同事使用,冇作任何更改。如您係業主,請直接話我知您的問題,我會為您登記。",
		"Hello, sorry, this is for registered service staff only, so nothing was changed. If you are an owner, just tell me what you need and I will log it for you.",
	},
	"staff.report.only":  {"抱歉,月度报表只发给客服主管。如需数据请联系主管。", "唔好意思,月度報表只會發俾客服主管。如需數據請聯絡主管。", "Sorry, the monthly report is for supervisors only. Please ask your supervisor for the figures."},
	"staff.report.usage": {"请用 /report 查看上月报表,或 /report 2026-10 查看指定月份。", "請用 /report 查看上月報表,或 /report 2026-10 查看指定月份。", "Send /report for last month, or /report 2026-10 for a given month."},
	"staff.help": {
		"您好!客服同事可用的命令:\n/next 领取下一张待受理工单(紧急优先)\n/mine 我负责的工单\n/queue 各队列等待情况\n/ticket 工单号 详情、记录和最近对话\n/reply 工单号 内容 回复业主(也可直接回复我转来的业主消息)\n/progress 工单号 内容 更新进度并通知业主\n/note 工单号 内容 内部备注(业主看不到)\n/transfer 工单号 @TelegramID|姓名|报修/投诉/咨询 转交\n/release 工单号 退回队列\n/resolve 工单号 处理结果 办结并请业主确认(投诉请写明 原因: … / 整改: … / 处理意见: …)\n/report [年-月] 月度报表(主管)",
		"您好!客服同事可用的指令:\n/next 領取下一張待受理工單(緊急優先)\n/mine 我負責的工單\n/queue 各隊列等候情況\n/ticket 工單號 詳情、記錄同最近對話\n/reply 工單號 內容 回覆業主(亦可直接回覆我轉來的業主訊息)\n/progress 工單號 內容 更新進度並通知業主\n/note 工單號 內容 內部備註(業主睇唔到)\n/transfer 工單號 @TelegramID|姓名|報修/投訴/查詢 轉交\n/release 工單號 退回隊列\n/resolve 工單號 處理結果 完成並請業主確認(投訴請寫明 原因: … / 整改: … / 處理意見: …)\n/report [年-月] 月度報表(主管)",
		"Hello! Commands for staff:\n/next take the next waiting ticket (urgent first)\n/mine your tickets\n/queue what is waiting in each queue\n/ticket CODE details, history and latest messages\n/reply CODE text answer the owner (or simply reply to an owner's message I passed on)\n/progress CODE text update progress and tell the owner\n/note CODE text internal note (never shown to the owner)\n/transfer CODE @telegram_id|name|repair/complaint/inquiry hand it on\n/release CODE give it back to the queue\n/resolve CODE result mark done and ask the owner to confirm (complaints: cause: … / action: … / opinion: …)\n/report [YYYY-MM] monthly figures (supervisors)",
	},
	"staff.ticket.notfound": {
		"抱歉,没有找到工单 %s(或您的岗位无权查看)。请核对工单号,或发送 /mine 查看您的工单。",
		"唔好意思,搵唔到工單 %s(或者您的崗位無權查看)。請核對工單號,或發送 /mine 查看您的工單。",
		"Sorry, I could not find ticket %s (or your role cannot see it). Please check the number, or send /mine to see your tickets.",
	},
	"staff.ticket.usage": {
		"请在命令后加上工单号,例如 /ticket R-20261124-0007。",
		"請喺指令後加上工單號,例如 /ticket R-20261124-0007。",
		"Please add the ticket number, e.g. /ticket R-20261124-0007.",
	},
	"staff.ticket.closed": {
		"工单 %s 当前状态为「%s」,已无法进行此操作。如需重新处理,请联系客服主管。",
		"工單 %s 目前狀態為「%s」,已無法進行呢個操作。如需重新處理,請聯絡客服主管。",
		"Ticket %s is now \"%s\", so this can no longer be done. Please ask a supervisor if it needs to be reopened.",
	},
	"staff.notyours": {
		"抱歉,工单 %s 不由您负责,只有负责人或客服主管可以进行此操作,没有做任何更改。",
		"唔好意思,工單 %s 唔係由您負責,只有負責人或客服主管可以進行呢個操作,冇作任何更改。",
		"Sorry, ticket %s is not yours: only its assignee or a supervisor can do this, so nothing was changed.",
	},
	"staff.claim.repaironly": {
		"抱歉,维修岗位只能受理报修工单,这张工单请留给客服同事。谢谢!",
		"唔好意思,維修崗位只可以受理報修工單,呢張工單請留俾客服同事。多謝!",
		"Sorry, technicians take repair tickets only; please leave this one to the service team. Thank you!",
	},
	"staff.claim.taken":   {"工单 %s 已由%s受理,谢谢您!", "工單 %s 已由%s受理,多謝您!", "Ticket %s is already being handled by %s. Thank you!"},
	"staff.claim.closed":  {"工单 %s 当前为「%s」,无需再受理。", "工單 %s 目前為「%s」,唔使再受理。", "Ticket %s is \"%s\" and no longer needs claiming."},
	"staff.claim.already": {"工单 %s 已经由您负责。", "工單 %s 已經由您負責。", "Ticket %s is already yours."},
	"staff.claim.ok":      {"✅ 您已受理 %s,详情已私信给您。", "✅ 您已受理 %s,詳情已私訊俾您。", "✅ %s is yours; details are in your private chat."},
	"staff.claim.private": {
		"✅ 您已受理工单 %s,请尽快跟进(首问负责)。业主的新消息会转到这里,直接回复即可答复业主;办结请用 /resolve。",
		"✅ 您已受理工單 %s,請盡快跟進(首問負責)。業主的新訊息會轉到呢度,直接回覆即可答覆業主;完成請用 /resolve。",
		"✅ Ticket %s is yours; please follow it through. The owner's new messages come here; reply to them to answer the owner, and use /resolve when done.",
	},
	"card.claimedby": {"✋ 已由%s于 %s 受理", "✋ 已由%s於 %s 受理", "✋ claimed by %s at %s"},
	"card.released":  {"↩️ %s于 %s 退回队列,等待重新受理", "↩️ %s於 %s 退回隊列,等候重新受理", "↩️ released by %s at %s, waiting to be claimed again"},
	"card.toqueue":   {"↪️ 已转至%s队列(%s)", "↪️ 已轉至%s隊列(%s)", "↪️ moved to the %s queue (%s)"},
	"card.resolved":  {"✅ %s于 %s 办结,等待业主确认", "✅ %s於 %s 完成,等候業主確認", "✅ resolved by %s at %s, awaiting the owner's confirmation"},
	"staff.next.none": {
		"目前没有等待受理的工单,辛苦了!有新工单时会在工作群提醒。",
		"目前冇等候受理的工單,辛苦晒!有新工單時會喺工作群提示。",
		"Nothing is waiting right now, thank you! New tickets will show up in the staff group.",
	},
	"staff.next.offer": {"下一张待受理工单(已等待 %s):", "下一張待受理工單(已等 %s):", "Next waiting ticket (waiting %s):"},
	"staff.btn.accept": {"✅ 受理", "✅ 受理", "✅ Accept"},
	"staff.btn.pass":   {"⏭ 跳过", "⏭ 跳過", "⏭ Pass"},
	"staff.next.passed": {
		"已跳过工单 %s,它会转给其他同事。发送 /next 查看下一张。",
		"已跳過工單 %s,會轉俾其他同事。發送 /next 睇下一張。",
		"You passed on %s; it goes to a colleague. Send /next for another.",
	},
	"staff.relay": {
		"[%s] 业主:%s\n(直接回复此消息即可答复业主)",
		"[%s] 業主:%s\n(直接回覆呢個訊息即可答覆業主)",
		"[%s] Owner: %s\n(Reply to this message to answer the owner.)",
	},
	"staff.owner.cancelled": {
		"业主已撤销工单 %s,无需继续跟进,谢谢您!",
		"業主已撤銷工單 %s,唔使再跟進,多謝您!",
		"The owner withdrew ticket %s; no further follow-up is needed. Thank you!",
	},
	"staff.mine.none":         {"您目前没有负责中的工单。发送 /next 可领取下一张。", "您目前冇負責緊的工單。發送 /next 可以領取下一張。", "You have no tickets at the moment. Send /next to take one."},
	"staff.mine.head":         {"您负责的工单:", "您負責的工單:", "Your tickets:"},
	"staff.queue.head":        {"各队列等待情况:", "各隊列等候情況:", "Waiting in each queue:"},
	"staff.queue.line":        {"%s:%d 张等待,最久 %s", "%s:%d 張等候,最耐 %s", "%s: %d waiting, oldest %s"},
	"staff.queue.empty":       {"%s:无", "%s:冇", "%s: none"},
	"staff.queue.urgent":      {"🚨紧急", "🚨緊急", "🚨urgent"},
	"staff.queue.repair":      {"报修", "報修", "repair"},
	"staff.queue.complaint":   {"投诉", "投訴", "complaint"},
	"staff.queue.inquiry":     {"咨询", "查詢", "inquiry"},
	"staff.ticket.events":     {"📋 处理记录:", "📋 處理記錄:", "📋 History:"},
	"staff.ticket.transcript": {"💬 最近对话:", "💬 最近對話:", "💬 Latest messages:"},
	"staff.actor.owner":       {"业主", "業主", "owner"},
	"staff.actor.bot":         {"助手", "助手", "assistant"},
	"staff.actor.staff":       {"客服", "客服", "staff"},
	"staff.actor.system":      {"系统", "系統", "system"},
	"staff.ev.created":        {"登记", "登記", "opened"},
	"staff.ev.claimed":        {"受理", "受理", "claimed"},
	"staff.ev.passed":         {"跳过", "跳過", "passed"},
	"staff.ev.released":       {"退回队列", "退回隊列", "released"},
	"staff.ev.transferred":    {"转交", "轉交", "transferred"},
	"staff.ev.progress":       {"进度", "進度", "progress"},
	"staff.ev.note":           {"内部备注", "內部備註", "internal note"},
	"staff.ev.replied":        {"回复业主", "回覆業主", "replied to owner"},
	"staff.ev.resolved":       {"办结", "完成", "resolved"},
	"staff.ev.cancelled":      {"业主撤销", "業主撤銷", "withdrawn by owner"},
	"staff.ev.escalated":      {"升级提醒", "升級提示", "escalated"},
	"staff.note.usage": {
		"请写明工单号和备注内容,例如 /note R-20261124-0007 已约师傅明早9点上门。备注仅内部可见。",
		"請寫明工單號同備註內容,例如 /note R-20261124-0007 已約師傅聽朝9點上門。備註只限內部睇到。",
		"Please give the ticket number and the note, e.g. /note R-20261124-0007 technician booked for 9 am tomorrow. Notes are internal.",
	},
	"staff.note.done": {"📝 已为 %s 添加内部备注,业主看不到。", "📝 已為 %s 加入內部備註,業主睇唔到。", "📝 Internal note added to %s; the owner cannot see it."},
	"staff.transfer.usage": {
		"请写明工单号和转交对象,例如 /transfer R-20261124-0007 @123456789、/transfer R-20261124-0007 小王 或 /transfer R-20261124-0007 报修。",
		"請寫明工單號同轉交對象,例如 /transfer R-20261124-0007 @123456789、/transfer R-20261124-0007 小王 或 /transfer R-20261124-0007 報修。",
		"Please give the ticket number and where it goes, e.g. /transfer R-20261124-0007 @123456789, /transfer R-20261124-0007 Wang or /transfer R-20261124-0007 repair.",
	},
	"staff.transfer.nobody": {
		"抱歉,没有找到在岗的同事或队列「%s」。请用 @TelegramID、准确姓名,或 报修/投诉/咨询。",
		"唔好意思,搵唔到在職同事或隊列「%s」。請用 @TelegramID、準確姓名,或 報修/投訴/查詢。",
		"Sorry, I found no active colleague or queue called \"%s\". Use @telegram_id, the exact name, or repair/complaint/inquiry.",
	},
	"staff.transfer.repaironly": {"抱歉,%s是维修岗位,只能接报修工单。", "唔好意思,%s係維修崗位,只可以接報修工單。", "Sorry, %s is a technician and takes repair tickets only."},
	"staff.transfer.queued":     {"好的,工单 %s 已转到%s队列,等待同事受理。", "好的,工單 %s 已轉到%s隊列,等候同事受理。", "Done: ticket %s is back on the %s queue for a colleague to claim."},
	"staff.transfer.received": {
		"📨 工单 %s 已由%s转交给您,请跟进。业主的新消息会转到这里,直接回复即可答复业主。",
		"📨 工單 %s 已由%s轉交俾您,請跟進。業主的新訊息會轉到呢度,直接回覆即可答覆業主。",
		"📨 Ticket %s was handed to you by %s; please follow it up. The owner's new messages come here; reply to them to answer.",
	},
	"staff.transfer.done": {"好的,工单 %s 已转交给%s,业主会收到通知。", "好的,工單 %s 已轉交俾%s,業主會收到通知。", "Done: ticket %s is now with %s, and the owner has been told."},
	"staff.release.usage": {"请写明要退回的工单号,例如 /release R-20261124-0007。", "請寫明要退回的工單號,例如 /release R-20261124-0007。", "Please give the ticket number, e.g. /release R-20261124-0007."},
	"staff.release.done":  {"好的,工单 %s 已退回队列,会重新发到工作群等待受理。", "好的,工單 %s 已退回隊列,會重新發到工作群等候受理。", "Done: ticket %s is back in its queue and will be posted again in the staff group."},
	"staff.resolve.usage": {
		"请写明工单号和处理结果,例如 /resolve R-20261124-0007 已更换水龙头。投诉请写:/resolve C-… 原因: … / 整改: … / 处理意见: …",
		"請寫明工單號同處理結果,例如 /resolve R-20261124-0007 已更換水龍頭。投訴請寫:/resolve C-… 原因: … / 整改: … / 處理意見: …",
		"Please give the ticket number and the result, e.g. /resolve R-20261124-0007 tap replaced. For complaints: /resolve C-… cause: … / action: … / opinion: …",
	},
	"staff.resolve.complaint": {
		"投诉工单 %s 办结前需要写明原因分析和整改措施,目前没有做任何更改。请按此格式发送:\n/resolve %s 原因: … / 整改: … / 处理意见: …",
		"投訴工單 %s 完成前需要寫明原因分析同整改措施,目前冇作任何更改。請按呢個格式發送:\n/resolve %s 原因: … / 整改: … / 處理意見: …",
		"Complaint %s needs its cause and corrective action before it can be resolved; nothing was changed. Please send:\n/resolve %s cause: … / action: … / opinion: …",
	},
	"staff.resolve.done": {"✅ 工单 %s 已办结,已请业主确认;业主确认后会安排回访。", "✅ 工單 %s 已完成,已請業主確認;業主確認後會安排回訪。", "✅ Ticket %s is resolved and the owner has been asked to confirm; a satisfaction call follows."},
	"staff.progress.usage": {
		"请写明工单号和进度,例如 /progress R-20261124-0007 师傅已出发,约20分钟到。",
		"請寫明工單號同進度,例如 /progress R-20261124-0007 師傅已出發,約20分鐘到。",
		"Please give the ticket number and the progress, e.g. /progress R-20261124-0007 technician on the way, about 20 minutes.",
	},
	"staff.progress.done": {"好的,工单 %s 已更新为处理中,并已通知业主。", "好的,工單 %s 已更新為處理中,並已通知業主。", "Done: ticket %s is in progress and the owner has been told."},
	"owner.progress": {
		"您好,您的工单 %s 正在处理中。客服%s:%s\n如有补充,请直接在这里留言,谢谢您的耐心!",
		"您好,您的工單 %s 正喺處理中。客服%s:%s\n如有補充,請直接喺度留言,多謝您的耐心!",
		"Hello, your ticket %s is in progress. %s from our team: %s\nIf you want to add anything, just write here. Thank you for your patience!",
	},
	"staff.reply.usage": {
		"请写明工单号和回复内容,例如 /reply R-20261124-0007 您好,师傅下午2点上门。也可以直接回复我转来的业主消息。",
		"請寫明工單號同回覆內容,例如 /reply R-20261124-0007 您好,師傅下晝2點上門。亦可以直接回覆我轉來的業主訊息。",
		"Please give the ticket number and your answer, e.g. /reply R-20261124-0007 Hello, the technician will come at 2 pm. Or simply reply to an owner's message I passed on.",
	},
	"staff.reply.hint": {
		"这条回复没有对应的业主消息。请回复我转来的业主消息,或使用 /reply 工单号 内容。发送 /help 查看全部命令。",
		"呢個回覆搵唔到對應的業主訊息。請回覆我轉來的業主訊息,或者用 /reply 工單號 內容。發送 /help 睇全部指令。",
		"That reply is not to an owner's message. Reply to a message I passed on, or use /reply CODE text. Send /help for all commands.",
	},
	"staff.reply.nontext": {"抱歉,目前只能转达文字和照片给业主。", "唔好意思,目前只可以轉達文字同相片俾業主。", "Sorry, only text and photos can be passed on to the owner."},
	"staff.reply.done":    {"✓ 已转达给工单 %s 的业主。", "✓ 已轉達俾工單 %s 的業主。", "✓ Passed on to the owner of %s."},
	"owner.staffsays":     {"客服%s:%s", "客服%s:%s", "%s (service team): %s"},
	"owner.staffphoto":    {"客服%s发来一张照片。", "客服%s傳來一張相片。", "%s from our service team sent a photo."},
}
