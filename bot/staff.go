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

// staffButton checks who pressed a staff button and finds its ticket;
// anyone who is not active staff is answered with a refusal, a ticket that
// does not exist with "not found", and ok is false.
func (b *Bot) staffButton(ctx context.Context, t *turn) (storage.Staff, storage.Ticket, bool, error) {
	cq := t.upd.CallbackQuery
	s, ok, err := b.activeStaff(ctx, t, cq.From.ID)
	if err != nil {
		return storage.Staff{}, storage.Ticket{}, false, err
	}
	if !ok {
		b.log.InfoContext(ctx, "staff button refused", "data", cq.Data)
		return s, storage.Ticket{}, false, b.answerButton(ctx, t, cq, T(userLang(&cq.From), "staff.refused"))
	}
	id, valid := callbackTicket(cq.Data)
	if !valid {
		return s, storage.Ticket{}, false, b.answerButton(ctx, t, cq, "")
	}
	tk, err := t.tx.Ticket(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return s, tk, false, b.answerButton(ctx, t, cq, T(normLang(s.Lang), "staff.ticket.notfound", fmt.Sprint(id)))
	}
	if err != nil {
		return s, tk, false, err
	}
	return s, tk, true, nil
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
	s, cur, ok, err := b.staffButton(ctx, t)
	if err != nil || !ok {
		return err
	}
	lang := normLang(s.Lang)
	id := cur.ID
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
	s, tk, ok, err := b.staffButton(ctx, t)
	if err != nil || !ok {
		return err
	}
	lang := normLang(s.Lang)
	id := tk.ID
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
