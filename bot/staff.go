package bot

import (
	"context"

	tgbot "github.com/go-telegram/bot"

	"concierge/storage"
)

var staffTexts = map[string]text{}

// staffRoutes registers the staff side: claim buttons and staff commands.
func (b *Bot) staffRoutes(on func(tgbot.MatchFunc, tgbot.HandlerFunc)) {}

// afterOwnerCancel tells the assignee, if any, that the owner withdrew.
func (b *Bot) afterOwnerCancel(ctx context.Context, t *turn, tk storage.Ticket) error {
	return nil
}
