package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"concierge/storage"
)

// Cards and escalations are what handoff asks of the bot (handoff.Notifier):
// durable messages to the staff group and to supervisors.

// PostCard queues, in the caller's transaction, the ticket's handoff card
// for the staff group with a Claim button; it is sent once tx commits. A
// repost (after an escalation) says how long the ticket has waited.
func (b *Bot) PostCard(ctx context.Context, tx *storage.Tx, tk storage.Ticket, repost bool) error {
	if b.cfg.StaffChatID == 0 {
		return nil // no staff group: staff pull tickets with /next
	}
	o := Out{Text: b.cardText(tk, repost), Buttons: [][]Button{{{Text: T(b.staffLang(), "card.claim"), Data: fmt.Sprintf("claim:%d", tk.ID)}}}}
	payload, err := json.Marshal(o)
	if err != nil {
		return fmt.Errorf("encode card: %w", err)
	}
	// Not leased: the sender takes it from the table once the caller has
	// committed, and is told to look soon.
	if _, err := tx.EnqueueOutgoing(ctx, storage.Outgoing{ChatID: b.cfg.StaffChatID, Payload: payload, Urgent: tk.Urgent,
		TicketID: &tk.ID, Purpose: storage.PurposeCard, CreatedAt: b.cfg.Now()}, time.Time{}); err != nil {
		return err
	}
	b.sender.sweepSoon()
	return nil
}

// Escalate alerts the supervisors (privately, or in the staff group when
// none is registered) and records nothing itself: handoff writes the event.
func (b *Bot) Escalate(ctx context.Context, tk storage.Ticket, reason string) error {
	return b.inTx(ctx, func(t *turn) error {
		sups, err := t.tx.Supervisors(ctx)
		if err != nil {
			return err
		}
		targets := make([]struct {
			chat int64
			lang string
		}, 0, len(sups))
		for _, s := range sups {
			targets = append(targets, struct {
				chat int64
				lang string
			}{s.TelegramID, s.Lang})
		}
		if len(targets) == 0 && b.cfg.StaffChatID != 0 {
			targets = append(targets, struct {
				chat int64
				lang string
			}{b.cfg.StaffChatID, b.staffLang()})
		}
		for _, x := range targets {
			msg := T(x.lang, "escalate."+reason, tk.Code, b.waited(tk, t.now)) + "\n\n" + b.cardText(tk, false)
			if err := b.sendFor(ctx, t, x.chat, Out{Text: msg}, true, &tk.ID, ""); err != nil {
				return err
			}
		}
		return nil
	})
}

// inTx runs fn in a transaction of its own and delivers what it queued.
func (b *Bot) inTx(ctx context.Context, fn func(*turn) error) error {
	var done *turn
	err := b.store.InTx(ctx, func(tx *storage.Tx) error {
		t := &turn{tx: tx, now: b.cfg.Now()}
		if err := fn(t); err != nil {
			return err
		}
		done = t
		return b.finishTurn(ctx, t)
	})
	if err != nil {
		return err
	}
	b.committed(done)
	return nil
}

func (b *Bot) staffLang() string {
	if b.cfg.StaffLang != "" {
		return b.cfg.StaffLang
	}
	return LangHans
}

func (b *Bot) waited(tk storage.Ticket, now time.Time) string {
	d := now.Sub(tk.CreatedAt).Round(time.Minute)
	if d < time.Minute {
		return "<1m"
	}
	return strings.TrimSuffix(d.String(), "0s")
}

// cardText is the staff-facing summary of a ticket.
func (b *Bot) cardText(tk storage.Ticket, repost bool) string {
	lang := b.staffLang()
	var sb strings.Builder
	if tk.Urgent {
		sb.WriteString(T(lang, "urgent.mark") + " ")
	}
	if repost {
		sb.WriteString(T(lang, "card.repost") + " ")
	}
	fmt.Fprintf(&sb, "%s · %s · %s\n", tk.Code, T(lang, "kindname."+tk.Kind), T(lang, "category."+tk.Category))
	loc := tk.Location
	if loc == "" {
		loc = T(lang, "location.none")
	}
	fmt.Fprintf(&sb, "📍 %s\n📝 %s\n", loc, tk.Summary)
	fmt.Fprintf(&sb, T(lang, "card.waited"), b.waited(tk, b.cfg.Now()))
	return sb.String()
}

// Notify queues one plain message to a chat through the durable sender:
// for notices from tools (outage announcements, the burst benchmark).
func (b *Bot) Notify(ctx context.Context, chatID int64, text string, urgent bool) error {
	return b.inTx(ctx, func(t *turn) error {
		return b.send(ctx, t, chatID, Out{Text: text}, urgent)
	})
}

// relayRefused keeps an owner's words from being lost when Telegram will
// not deliver them to the assignee privately (most often: the staff member
// never pressed Start in a chat with the bot). They go to the staff group
// instead, with the reason, so the team sees them.
func (b *Bot) relayRefused(ctx context.Context, o storage.Outgoing) {
	if o.Purpose != storage.PurposeRelay || b.cfg.StaffChatID == 0 || o.ChatID == b.cfg.StaffChatID {
		return
	}
	var out Out
	if err := json.Unmarshal(o.Payload, &out); err != nil {
		return
	}
	out.Text = T(b.staffLang(), "staff.relay.refused") + "\n" + out.Text
	err := b.inTx(ctx, func(t *turn) error {
		return b.sendFor(ctx, t, b.cfg.StaffChatID, out, o.Urgent, o.TicketID, storage.PurposeRelay)
	})
	if err != nil {
		b.log.ErrorContext(ctx, "refused relay not passed to the staff group", "outgoing_id", o.ID, "err", err)
	}
}
