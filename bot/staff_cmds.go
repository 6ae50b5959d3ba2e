package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"concierge/storage"
)

// Staff commands. Each reads parse → decide → store → reply, inside the
// update's transaction; a refusal changes nothing.

// staffTicket finds the ticket a command names; found is false (and the
// staff member told) when the code is missing, unknown or not theirs to
// see.
func (b *Bot) staffTicket(ctx context.Context, t *turn, c staffChat, arg, usage string) (storage.Ticket, string, bool, error) {
	code, rest, _ := strings.Cut(strings.TrimSpace(arg), " ")
	if code == "" {
		return storage.Ticket{}, "", false, b.reply(ctx, t, c, usage)
	}
	code = ticketCode(code)
	tk, err := t.tx.TicketByCode(ctx, code)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && !maySee(c.s, tk)) {
		return storage.Ticket{}, "", false, b.reply(ctx, t, c, "staff.ticket.notfound", code)
	}
	if err != nil {
		return storage.Ticket{}, "", false, err
	}
	return tk, strings.TrimSpace(rest), true, nil
}

// refuse answers a staff member who may not do this to the ticket.
func (b *Bot) refuse(ctx context.Context, t *turn, c staffChat, tk storage.Ticket) error {
	b.log.InfoContext(ctx, "staff action refused", "ticket", tk.Code, "staff_id", c.s.ID)
	if mayAct(c.s, tk) {
		// Theirs to act on, but not in this state (finished, or not claimed).
		return b.reply(ctx, t, c, "staff.ticket.closed", tk.Code, b.statusName(c.lang, tk.Status))
	}
	return b.reply(ctx, t, c, "staff.notyours", tk.Code)
}

func (b *Bot) onMine(ctx context.Context, t *turn, c staffChat) error {
	ts, err := t.tx.AssigneeTickets(ctx, c.s.ID)
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		return b.reply(ctx, t, c, "staff.mine.none")
	}
	return b.send(ctx, t, c.chatID, Out{Text: b.ticketList(c.lang, "staff.mine.head", ts)}, false)
}

func (b *Bot) onQueue(ctx context.Context, t *turn, c staffChat) error {
	h := b.handoffs()
	if h == nil {
		return b.reply(ctx, t, c, "staff.next.none")
	}
	stats, err := h.Stats(ctx)
	if err != nil {
		return err
	}
	var sb strings.Builder
	sb.WriteString(T(c.lang, "staff.queue.head"))
	for _, st := range stats {
		name := T(c.lang, "staff.queue."+st.Queue)
		if st.Waiting == 0 {
			sb.WriteString("\n" + T(c.lang, "staff.queue.empty", name))
			continue
		}
		sb.WriteString("\n" + T(c.lang, "staff.queue.line", name, st.Waiting, shortDuration(st.OldestWait)))
	}
	return b.send(ctx, t, c.chatID, Out{Text: sb.String()}, false)
}

func shortDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	if d < time.Minute {
		return "<1m"
	}
	return strings.TrimSuffix(d.String(), "0s")
}

// onTicket shows a ticket to staff: details, its event log and the last
// lines of the transcript.
func (b *Bot) onTicket(ctx context.Context, t *turn, c staffChat, arg string) error {
	tk, _, ok, err := b.staffTicket(ctx, t, c, arg, "staff.ticket.usage")
	if err != nil || !ok {
		return err
	}
	var sb strings.Builder
	sb.WriteString(b.ticketBrief(c.lang, tk))
	fmt.Fprintf(&sb, "\n%s · %s", b.statusName(c.lang, tk.Status), tk.CreatedAt.In(b.cfg.Location).Format("01-02 15:04"))
	names := map[int64]string{}
	name := func(id *int64) (string, error) {
		if id == nil {
			return "", nil
		}
		if n, ok := names[*id]; ok {
			return n, nil
		}
		s, err := t.tx.StaffByID(ctx, *id)
		if err != nil {
			return "", err
		}
		names[*id] = s.Name
		return s.Name, nil
	}
	if who, err := name(tk.AssigneeID); err != nil {
		return err
	} else if who != "" {
		sb.WriteString("\n" + T(c.lang, "status.assignee", who))
	}
	if tk.Body != "" && tk.Body != tk.Summary {
		sb.WriteString("\n💬 " + truncateRunes(tk.Body, 300))
	}
	evs, err := t.tx.Events(ctx, tk.ID)
	if err != nil {
		return err
	}
	if len(evs) > 12 {
		evs = evs[len(evs)-12:]
	}
	sb.WriteString("\n\n" + T(c.lang, "staff.ticket.events"))
	for _, e := range evs {
		who, err := name(e.StaffID)
		if err != nil {
			return err
		}
		if who == "" {
			who = T(c.lang, "staff.actor."+e.Actor)
		}
		fmt.Fprintf(&sb, "\n%s %s · %s", e.At.In(b.cfg.Location).Format("01-02 15:04"), who, eventName(c.lang, e.Kind))
		for _, k := range []string{"note", "resolution"} {
			if v, _ := e.Detail[k].(string); v != "" {
				sb.WriteString(":" + truncateRunes(v, 120))
			}
		}
	}
	ms, err := t.tx.RecentMessages(ctx, tk.ID, 6)
	if err != nil {
		return err
	}
	if len(ms) > 0 {
		sb.WriteString("\n\n" + T(c.lang, "staff.ticket.transcript"))
	}
	for _, m := range ms {
		who := T(c.lang, "staff.actor."+m.Author)
		if m.Author == storage.AuthorStaff {
			if n, err := name(m.StaffID); err != nil {
				return err
			} else if n != "" {
				who = n
			}
		}
		line := m.Text
		if m.Photo != "" {
			line = strings.TrimSpace("📷 " + line)
		}
		fmt.Fprintf(&sb, "\n%s %s:%s", m.At.In(b.cfg.Location).Format("15:04"), who, truncateRunes(line, 200))
	}
	return b.send(ctx, t, c.chatID, Out{Text: truncateRunes(sb.String(), 4000)}, false)
}

func eventName(lang, kind string) string {
	if _, ok := texts["staff.ev."+kind]; ok {
		return T(lang, "staff.ev."+kind)
	}
	return kind
}

// onNote writes an internal note; the owner never sees it.
func (b *Bot) onNote(ctx context.Context, t *turn, c staffChat, arg string) error {
	tk, note, ok, err := b.staffTicket(ctx, t, c, arg, "staff.note.usage")
	if err != nil || !ok {
		return err
	}
	if note == "" {
		return b.reply(ctx, t, c, "staff.note.usage")
	}
	if err := t.tx.AddNote(ctx, tk.ID, c.s, note, t.now); err != nil {
		return err
	}
	return b.reply(ctx, t, c, "staff.note.done", tk.Code)
}

// queueNames maps what staff may type to a queue.
var queueNames = map[string]string{
	"repair": storage.KindRepair, "报修": storage.KindRepair, "報修": storage.KindRepair, "维修": storage.KindRepair, "維修": storage.KindRepair,
	"complaint": storage.KindComplaint, "投诉": storage.KindComplaint, "投訴": storage.KindComplaint,
	"inquiry": storage.KindInquiry, "咨询": storage.KindInquiry, "查詢": storage.KindInquiry, "查询": storage.KindInquiry, "諮詢": storage.KindInquiry,
}

// onTransfer hands a ticket to another staff member (@telegram_id or name)
// or back to a queue. Only the assignee or a supervisor may.
func (b *Bot) onTransfer(ctx context.Context, t *turn, c staffChat, arg string) error {
	tk, target, ok, err := b.staffTicket(ctx, t, c, arg, "staff.transfer.usage")
	if err != nil || !ok {
		return err
	}
	if target == "" {
		return b.reply(ctx, t, c, "staff.transfer.usage")
	}
	if !mayAct(c.s, tk) || !tk.Open() {
		return b.refuse(ctx, t, c, tk)
	}
	var to *storage.Staff
	queue := queueNames[strings.ToLower(target)]
	if queue == "" {
		s, err := b.findStaff(ctx, t, target)
		if errors.Is(err, storage.ErrNotFound) || errors.Is(err, storage.ErrDuplicate) {
			return b.reply(ctx, t, c, "staff.transfer.nobody", target)
		}
		if err != nil {
			return err
		}
		if s.ID == c.s.ID && isAssignee(c.s, tk) {
			return b.reply(ctx, t, c, "staff.claim.already", tk.Code)
		}
		if !mayClaim(s, tk) {
			return b.reply(ctx, t, c, "staff.transfer.repaironly", s.Name)
		}
		to = &s
	}
	claimDue := b.cfg.ClaimTimeoutNormal
	if tk.Urgent {
		claimDue = b.cfg.ClaimTimeoutUrgent
	}
	tk, err = t.tx.TransferTicket(ctx, tk.ID, c.s, to, queue, t.now.Add(claimDue), t.now)
	if errors.Is(err, storage.ErrNotAllowed) {
		return b.refuse(ctx, t, c, tk)
	}
	if err != nil {
		return err
	}
	if to == nil {
		t.handoff = true // the hub publishes it on its new queue and reposts the card
		if err := b.editCards(ctx, t, tk, T(b.staffLang(), "card.toqueue", T(b.staffLang(), "staff.queue."+queue), b.clock(t)), nil); err != nil {
			return err
		}
		return b.reply(ctx, t, c, "staff.transfer.queued", tk.Code, T(c.lang, "staff.queue."+queue))
	}
	tl := normLang(to.Lang)
	msg := T(tl, "staff.transfer.received", tk.Code, c.s.Name) + "\n\n" + b.ticketBrief(tl, tk)
	if err := b.sendFor(ctx, t, to.TelegramID, Out{Text: msg}, tk.Urgent, &tk.ID, ""); err != nil {
		return err
	}
	if err := b.editCards(ctx, t, tk, T(b.staffLang(), "card.claimedby", to.Name, b.clock(t)), nil); err != nil {
		return err
	}
	if err := b.tellOwnerClaimed(ctx, t, tk, *to); err != nil {
		return err
	}
	return b.reply(ctx, t, c, "staff.transfer.done", tk.Code, to.Name)
}

// findStaff reads "@123456789" or "123456789" as a Telegram id, anything
// else as a name.
func (b *Bot) findStaff(ctx context.Context, t *turn, target string) (storage.Staff, error) {
	target = strings.TrimSpace(target)
	if id, err := strconv.ParseInt(strings.TrimPrefix(target, "@"), 10, 64); err == nil {
		return t.tx.ActiveStaffByTelegram(ctx, id)
	}
	return t.tx.ActiveStaffByName(ctx, strings.TrimPrefix(target, "@"))
}

// onRelease gives a ticket back to its queue.
func (b *Bot) onRelease(ctx context.Context, t *turn, c staffChat, arg string) error {
	tk, _, ok, err := b.staffTicket(ctx, t, c, arg, "staff.release.usage")
	if err != nil || !ok {
		return err
	}
	if !mayAct(c.s, tk) || tk.AssigneeID == nil {
		return b.refuse(ctx, t, c, tk)
	}
	claimDue := b.cfg.ClaimTimeoutNormal
	if tk.Urgent {
		claimDue = b.cfg.ClaimTimeoutUrgent
	}
	tk, err = t.tx.ReleaseTicket(ctx, tk.ID, c.s, t.now.Add(claimDue), t.now)
	if errors.Is(err, storage.ErrNotAllowed) {
		return b.refuse(ctx, t, c, tk)
	}
	if err != nil {
		return err
	}
	t.handoff = true
	if err := b.editCards(ctx, t, tk, T(b.staffLang(), "card.released", c.s.Name, b.clock(t)), nil); err != nil {
		return err
	}
	return b.reply(ctx, t, c, "staff.release.done", tk.Code)
}

// resolveLabel finds the labelled parts of a complaint's resolution.
var resolveLabel = regexp.MustCompile(`(?i)(原因分析|原因|整改措施|整改|处理意见|處理意見|corrective action|cause|action|opinion|resolution)\s*[:\x{FF1A}]`)

// parseResolution splits "原因： … / 整改： … / 处理意见： …"; text outside any
// label is the handling opinion.
func parseResolution(s string) storage.Resolution {
	var r storage.Resolution
	trim := func(v string) string { return strings.Trim(v, " \t\n/\uff1b;|\uff0c,\u3002") }
	locs := resolveLabel.FindAllStringSubmatchIndex(s, -1)
	var opinion []string
	if len(locs) == 0 {
		return storage.Resolution{Opinion: trim(s)}
	}
	if head := trim(s[:locs[0][0]]); head != "" {
		opinion = append(opinion, head)
	}
	for i, l := range locs {
		end := len(s)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		v := trim(s[l[1]:end])
		switch strings.ToLower(s[l[2]:l[3]]) {
		case "原因分析", "原因", "cause":
			r.Cause = v
		case "整改措施", "整改", "corrective action", "action":
			r.Action = v
		default:
			opinion = append(opinion, v)
		}
	}
	r.Opinion = strings.Join(opinion, ";")
	return r
}

// onResolve reports a ticket done and asks the owner to confirm. A
// complaint needs cause and corrective action; without them nothing
// changes and the staff member is asked for them.
func (b *Bot) onResolve(ctx context.Context, t *turn, c staffChat, arg string) error {
	tk, text, ok, err := b.staffTicket(ctx, t, c, arg, "staff.resolve.usage")
	if err != nil || !ok {
		return err
	}
	if !mayAct(c.s, tk) || !tk.Open() {
		return b.refuse(ctx, t, c, tk)
	}
	if text == "" {
		return b.reply(ctx, t, c, "staff.resolve.usage")
	}
	r := parseResolution(text)
	if tk.Kind == storage.KindComplaint {
		if r.Cause == "" || r.Action == "" {
			return b.reply(ctx, t, c, "staff.resolve.complaint", tk.Code, tk.Code)
		}
		if r.Opinion == "" {
			r.Opinion = r.Action
		}
	} else if r.Opinion == "" {
		r.Opinion = strings.TrimSpace(text)
	}
	tk, err = t.tx.ResolveTicket(ctx, tk.ID, c.s, r, t.now)
	if errors.Is(err, storage.ErrNotAllowed) {
		return b.refuse(ctx, t, c, tk)
	}
	if err != nil {
		return err
	}
	if err := b.editCards(ctx, t, tk, T(b.staffLang(), "card.resolved", c.s.Name, b.clock(t)), nil); err != nil {
		return err
	}
	if err := b.tellOwnerResolved(ctx, t, tk, c.s, r.Opinion); err != nil {
		return err
	}
	return b.reply(ctx, t, c, "staff.resolve.done", tk.Code)
}

// onProgress marks a ticket in progress and tells the owner.
func (b *Bot) onProgress(ctx context.Context, t *turn, c staffChat, arg string) error {
	tk, note, ok, err := b.staffTicket(ctx, t, c, arg, "staff.progress.usage")
	if err != nil || !ok {
		return err
	}
	if note == "" {
		return b.reply(ctx, t, c, "staff.progress.usage")
	}
	if !mayAct(c.s, tk) || !tk.Open() || tk.AssigneeID == nil {
		return b.refuse(ctx, t, c, tk)
	}
	tk, err = t.tx.ProgressTicket(ctx, tk.ID, c.s, note, t.now)
	if errors.Is(err, storage.ErrNotAllowed) {
		return b.refuse(ctx, t, c, tk)
	}
	if err != nil {
		return err
	}
	o, err := b.ownerOf(ctx, t, tk)
	if err != nil {
		return err
	}
	if err := b.sendFor(ctx, t, o.ChatID, Out{Text: T(o.Lang, "owner.progress", tk.Code, c.s.Name, note)}, tk.Urgent, &tk.ID, ""); err != nil {
		return err
	}
	return b.reply(ctx, t, c, "staff.progress.done", tk.Code)
}

// onReplyCommand answers the owner: /reply CODE text (or a photo captioned
// so).
func (b *Bot) onReplyCommand(ctx context.Context, t *turn, c staffChat, arg string) error {
	tk, text, ok, err := b.staffTicket(ctx, t, c, arg, "staff.reply.usage")
	if err != nil || !ok {
		return err
	}
	photo := largestPhoto(c.msg.Photo)
	if text == "" && photo == "" {
		return b.reply(ctx, t, c, "staff.reply.usage")
	}
	return b.replyToOwner(ctx, t, c, tk, text, photo)
}

// onStaffReply routes a staff member's Telegram reply to a relayed owner
// message back to that owner.
func (b *Bot) onStaffReply(ctx context.Context, t *turn, c staffChat) error {
	m := c.msg
	row, err := t.tx.OutgoingByMessage(ctx, m.Chat.ID, int64(m.ReplyToMessage.ID))
	if errors.Is(err, storage.ErrNotFound) || (err == nil && (row.Purpose != storage.PurposeRelay || row.TicketID == nil)) {
		return b.reply(ctx, t, c, "staff.reply.hint")
	}
	if err != nil {
		return err
	}
	tk, err := t.tx.Ticket(ctx, *row.TicketID)
	if err != nil {
		return err
	}
	text := strings.TrimSpace(m.Text)
	if text == "" {
		text = strings.TrimSpace(m.Caption)
	}
	photo := largestPhoto(m.Photo)
	if text == "" && photo == "" {
		return b.reply(ctx, t, c, "staff.reply.nontext")
	}
	return b.replyToOwner(ctx, t, c, tk, text, photo)
}

// replyToOwner sends a staff member's words to the ticket's owner under the
// staff member's name (never their account), and keeps them in the
// transcript and the event log.
func (b *Bot) replyToOwner(ctx context.Context, t *turn, c staffChat, tk storage.Ticket, text, photo string) error {
	if !mayAct(c.s, tk) {
		return b.refuse(ctx, t, c, tk)
	}
	if tk.Status == storage.StatusClosed || tk.Status == storage.StatusCancelled {
		return b.reply(ctx, t, c, "staff.ticket.closed", tk.Code, b.statusName(c.lang, tk.Status))
	}
	o, err := b.ownerOf(ctx, t, tk)
	if err != nil {
		return err
	}
	out := Out{Text: T(o.Lang, "owner.staffsays", c.s.Name, text)}
	if photo != "" {
		out.Kind, out.Photo = "photo", photo
		if text == "" {
			out.Text = T(o.Lang, "owner.staffphoto", c.s.Name)
		}
	}
	if err := b.sendFor(ctx, t, o.ChatID, out, tk.Urgent, &tk.ID, ""); err != nil {
		return err
	}
	id := c.s.ID
	if err := t.tx.AddMessage(ctx, storage.Message{TicketID: &tk.ID, ChatID: o.ChatID, Direction: "out", Author: storage.AuthorStaff,
		StaffID: &id, Text: text, Photo: photo, UpdateID: &t.updateID, At: t.now}); err != nil {
		return err
	}
	ev := storage.Event{TicketID: tk.ID, At: t.now, Actor: storage.ActorStaff, StaffID: &id, Kind: "replied",
		Detail: map[string]any{"photo": photo != ""}}
	if err := t.tx.AddEvent(ctx, ev); err != nil {
		return err
	}
	return b.reply(ctx, t, c, "staff.reply.done", tk.Code)
}

// onReport sends the monthly figures (last month, or /report YYYY-MM) to a
// supervisor.
func (b *Bot) onReport(ctx context.Context, t *turn, c staffChat, rest string) error {
	if c.s.Role != storage.RoleSupervisor {
		return b.reply(ctx, t, c, "staff.report.only")
	}
	from, to, err := MonthRange(strings.TrimSpace(rest), t.now, b.cfg.Location)
	if err != nil {
		return b.reply(ctx, t, c, "staff.report.usage")
	}
	text, err := b.ReportText(ctx, from, to, c.lang)
	if err != nil {
		return err
	}
	return b.send(ctx, t, c.chatID, Out{Text: text}, false)
}
