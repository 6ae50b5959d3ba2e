package bot

import (
	"context"

	tgbot "github.com/go-telegram/bot"
)

var followupTexts = map[string]text{}

// followupRoutes registers the follow-up buttons (which ticket a message is
// about, solved / not yet, satisfaction scores).
func (b *Bot) followupRoutes(on func(tgbot.MatchFunc, tgbot.HandlerFunc)) {}

// followUp takes a message from an owner who has tickets in progress when it
// belongs to one of them; handled is false when it is a new request.
func (b *Bot) followUp(ctx context.Context, t *turn, o *owner, text, photo string) (handled bool, err error) {
	return false, nil
}
