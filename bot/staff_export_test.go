package bot

import "context"

// RelayToAssigneeForTest runs relayToAssignee in a transaction of its own,
// as the follow-up dialogue does for an owner's later message.
func (b *Bot) RelayToAssigneeForTest(ctx context.Context, ticketID int64, text, photo string) error {
	return b.inTx(ctx, func(t *turn) error {
		tk, err := t.tx.Ticket(ctx, ticketID)
		if err != nil {
			return err
		}
		return b.relayToAssignee(ctx, t, tk, text, photo)
	})
}
