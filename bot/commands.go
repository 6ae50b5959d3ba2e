package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"concierge/storage"
)

// answerer answers inquiries from the knowledge base when it is sure.
type answerer interface {
	Answer(ctx context.Context, question, lang string) (answer string, ok bool)
}

func (b *Bot) ownerFromMessage(ctx context.Context, t *turn) (*owner, string, error) {
	m := t.upd.Message
	_, rest := command(m)
	o, err := b.loadOwner(ctx, t, m.From, m.Chat.ID, rest)
	if err != nil {
		return nil, "", err
	}
	return o, rest, b.record(ctx, t, o, m.Text, "", nil)
}

func (b *Bot) onStart(ctx context.Context, t *turn) error {
	o, _, err := b.ownerFromMessage(ctx, t)
	if err != nil {
		return err
	}
	name := ""
	if first := strings.TrimSpace(t.upd.Message.From.FirstName); first != "" {
		if o.Lang == LangEn {
			name = " " + first
		} else {
			name = "\uff0c" + first // 您好，小明，欢迎…
		}
	}
	return b.say(ctx, t, o, "welcome", name, b.estate(o.Lang), b.cfg.Hotline)
}

func (b *Bot) onHelp(ctx context.Context, t *turn) error {
	o, _, err := b.ownerFromMessage(ctx, t)
	if err != nil {
		return err
	}
	return b.say(ctx, t, o, "help", b.cfg.Hotline)
}

func (b *Bot) statusName(lang, status string) string { return T(lang, "status."+status) }

func (b *Bot) onMyTickets(ctx context.Context, t *turn) error {
	o, _, err := b.ownerFromMessage(ctx, t)
	if err != nil {
		return err
	}
	ts, err := t.tx.OwnerTickets(ctx, o.ID, 10)
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		return b.say(ctx, t, o, "mytickets.none")
	}
	return b.send(ctx, t, o.ChatID, Out{Text: b.ticketList(o.Lang, "mytickets.head", ts)}, false)
}

// ticketList is a heading and one short block per ticket: number, urgency,
// kind, status and summary (owners' /mytickets, staff's /mine).
func (b *Bot) ticketList(lang, head string, ts []storage.Ticket) string {
	var sb strings.Builder
	sb.WriteString(T(lang, head))
	for _, tk := range ts {
		mark := ""
		if tk.Urgent {
			mark = " " + T(lang, "urgent.mark")
		}
		fmt.Fprintf(&sb, "\n\n%s%s · %s · %s\n%s", tk.Code, mark, T(lang, "kindname."+tk.Kind),
			b.statusName(lang, tk.Status), truncateRunes(tk.Summary, 60))
	}
	return sb.String()
}

// ticketCode normalises what an owner typed as a ticket number.
func ticketCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.NewReplacer("—", "-", "–", "-", " ", "").Replace(s)
	return s
}

func (b *Bot) onStatus(ctx context.Context, t *turn) error {
	o, rest, err := b.ownerFromMessage(ctx, t)
	if err != nil {
		return err
	}
	if rest == "" {
		return b.say(ctx, t, o, "status.usage")
	}
	tk, err := t.tx.OwnerTicket(ctx, o.ID, ticketCode(rest))
	if errors.Is(err, storage.ErrNotFound) {
		return b.say(ctx, t, o, "status.notfound", ticketCode(rest))
	}
	if err != nil {
		return err
	}
	msg := T(o.Lang, "status.line", tk.Code, T(o.Lang, "kindname."+tk.Kind), b.statusName(o.Lang, tk.Status), tk.Summary)
	if tk.AssigneeID != nil {
		s, err := t.tx.StaffByID(ctx, *tk.AssigneeID)
		if err != nil {
			return err
		}
		msg += "\n" + T(o.Lang, "status.assignee", s.Name)
	} else if tk.Status == storage.StatusOpen {
		msg += "\n" + T(o.Lang, "status.waiting")
	}
	history, err := b.statusHistory(ctx, t, o.Lang, tk)
	if err != nil {
		return err
	}
	return b.send(ctx, t, o.ChatID, Out{Text: msg + history}, false)
}

func (b *Bot) onCancel(ctx context.Context, t *turn) error {
	o, rest, err := b.ownerFromMessage(ctx, t)
	if err != nil {
		return err
	}
	if rest == "" {
		if o.conv.State != stateIdle {
			if err := b.reset(ctx, t, o); err != nil {
				return err
			}
			return b.say(ctx, t, o, "flow.cancelled")
		}
		return b.say(ctx, t, o, "cancel.usage")
	}
	code := ticketCode(rest)
	tk, err := t.tx.OwnerTicket(ctx, o.ID, code)
	if errors.Is(err, storage.ErrNotFound) {
		return b.say(ctx, t, o, "status.notfound", code)
	}
	if err != nil {
		return err
	}
	ok, err := t.tx.CancelTicket(ctx, tk.ID, t.now)
	if err != nil {
		return err
	}
	if !ok {
		return b.say(ctx, t, o, "cancel.closed", tk.Code)
	}
	if err := b.afterOwnerCancel(ctx, t, tk); err != nil {
		return err
	}
	return b.say(ctx, t, o, "cancel.done", tk.Code)
}

// answerInquiry replies from the knowledge base and records the inquiry as
// answered (closed, no handoff).
func (b *Bot) answerInquiry(ctx context.Context, t *turn, o *owner, d *draft, answer string) error {
	tk, err := t.tx.CreateTicket(ctx, storage.NewTicket{
		Kind: storage.KindInquiry, Category: d.Category, Estate: b.cfg.EstateName, Summary: d.Summary, Body: d.Text,
		Lang: o.Lang, OwnerID: o.ID, SourceUpdateID: t.updateID, Model: d.Model, Confidence: d.Confidence,
		Answered: true, Now: t.now, Loc: b.cfg.Location,
	})
	if errors.Is(err, storage.ErrDuplicate) {
		return nil
	}
	if err != nil {
		return err
	}
	t.ticketID = &tk.ID
	if err := b.reset(ctx, t, o); err != nil {
		return err
	}
	buttons := [][]Button{{{Text: T(o.Lang, "kb.human"), Data: fmt.Sprintf("hum:%d", tk.ID)}}}
	return b.sendFor(ctx, t, o.ChatID, Out{Text: answer + "\n\n" + T(o.Lang, "kb.footer", tk.Code), Buttons: buttons}, false, &tk.ID, "")
}

// onHuman takes "that didn't answer it": the inquiry the knowledge base
// answered goes to staff, with the usual 24-hour promise.
func (b *Bot) onHuman(ctx context.Context, t *turn) error {
	cq := t.upd.CallbackQuery
	o, err := b.ownerButton(ctx, t)
	if err != nil || o == nil {
		return err
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(cq.Data, "hum:"), 10, 64)
	if err != nil {
		return nil // not our button
	}
	tk, ok, err := t.tx.HandOffAnswered(ctx, id, o.ID, t.now, b.cfg.ClaimTimeoutNormal, slaFor(storage.KindInquiry, false))
	if err != nil {
		return err
	}
	if !ok {
		return nil // pressed twice, or not this owner's: nothing to do
	}
	t.handoff = true
	if m := cq.Message.Message; m != nil {
		// The button has done its work.
		if err := b.send(ctx, t, o.ChatID, Out{Kind: "edit", MessageID: int64(m.ID), Text: m.Text}, false); err != nil {
			return err
		}
	}
	due := tk.SLADueAt.In(b.cfg.Location).Format("01-02 15:04")
	return b.sendFor(ctx, t, o.ChatID, Out{Text: T(o.Lang, "ticket.inquiry", tk.Code, tk.Summary, due, tk.Code)}, false, &tk.ID, "")
}
