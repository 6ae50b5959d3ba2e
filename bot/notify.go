package bot

import (
	"context"
	"fmt"

	"concierge/storage"
)

// Status pushes to the owner, in the owner's language, inside the caller's
// transaction. The staff side calls them when it changes a ticket.

func (b *Bot) ownerOf(ctx context.Context, t *turn, tk storage.Ticket) (storage.Owner, error) {
	return t.tx.Owner(ctx, tk.OwnerID)
}

// tellOwnerClaimed says who is handling the ticket (首问负责).
func (b *Bot) tellOwnerClaimed(ctx context.Context, t *turn, tk storage.Ticket, s storage.Staff) error {
	o, err := b.ownerOf(ctx, t, tk)
	if err != nil {
		return err
	}
	return b.sendFor(ctx, t, o.ChatID, Out{Text: T(o.Lang, "owner.claimed", s.Name, T(o.Lang, "kindname."+tk.Kind), tk.Code)}, tk.Urgent, &tk.ID, "")
}

// tellOwnerResolved reports the fix and asks the owner to confirm it.
func (b *Bot) tellOwnerResolved(ctx context.Context, t *turn, tk storage.Ticket, s storage.Staff, note string) error {
	o, err := b.ownerOf(ctx, t, tk)
	if err != nil {
		return err
	}
	msg := T(o.Lang, "owner.resolved", tk.Code, s.Name, note)
	buttons := [][]Button{{
		{Text: T(o.Lang, "btn.solved"), Data: fmt.Sprintf("ok:%d", tk.ID)},
		{Text: T(o.Lang, "btn.notyet"), Data: fmt.Sprintf("no:%d", tk.ID)},
	}}
	return b.sendFor(ctx, t, o.ChatID, Out{Text: msg, Buttons: buttons}, false, &tk.ID, "")
}

var notifyTexts = map[string]text{
	"owner.claimed": {
		"您好，客服%[1]s已受理您的%[2]s %[3]s，将全程跟进直到处理完毕。有任何补充可以直接在这里留言，%[1]s会看到。",
		"您好，客服%[1]s已受理您的%[2]s %[3]s，會全程跟進直至處理完畢。有任何補充可以直接喺度留言，%[1]s會睇到。",
		"Hello, %[1]s has taken on your %[2]s %[3]s and will follow it through to the end. Anything you add here goes straight to %[1]s.",
	},
	"owner.resolved": {
		"您好，您的工单 %s 已由%s处理完毕：%s\n请问问题解决了吗？请点下面的按钮告诉我们。",
		"您好，您的工單 %s 已由%s處理完畢：%s\n請問問題解決咗未？請撳下面的按鈕話我們知。",
		"Hello, your ticket %s has been completed by %s: %s\nIs the problem solved? Please tell us with a button below.",
	},
	"btn.solved": {"✅ 已解决", "✅ 已解決", "✅ Solved"},
	"btn.notyet": {"❌ 还没有", "❌ 仲未", "❌ Not yet"},
}
