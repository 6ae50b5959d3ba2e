package bot

import (
	"context"

	"strings"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// routes registers the handlers go-telegram/bot's ProcessUpdate chooses
// among; the first match wins, the default handler takes owners' words.
func (b *Bot) routes() {
	on := func(match tgbot.MatchFunc, fn tgbot.HandlerFunc) { b.tg.RegisterHandlerMatchFunc(match, fn) }

	on(b.isOtherGroup, func(ctx context.Context, _ *tgbot.Bot, u *models.Update) {})
	b.staffRoutes(on)
	b.followupRoutes(on)

	owner := []struct {
		cmd string
		fn  func(context.Context, *turn) error
	}{
		{"/start", b.onStart},
		{"/help", b.onHelp},
		{"/mytickets", b.onMyTickets},
		{"/status", b.onStatus},
		{"/cancel", b.onCancel},
	}
	for _, c := range owner {
		on(privateCommand(c.cmd), b.step(c.fn))
	}
	on(callbackPrefix("k:"), b.step(b.onKindChosen))
	on(callbackPrefix("loc:"), b.step(b.onSameLocation))
	on(callbackPrefix("hum:"), b.step(b.onHuman))
}

// command returns the command a message starts with ("/status"), without a
// @botname suffix, and the rest of the text.
func command(m *models.Message) (string, string) {
	if m == nil || !strings.HasPrefix(m.Text, "/") {
		return "", ""
	}
	cmd, rest, _ := strings.Cut(m.Text, " ")
	if at := strings.IndexByte(cmd, '@'); at > 0 {
		cmd = cmd[:at]
	}
	return strings.ToLower(cmd), strings.TrimSpace(rest)
}

func privateCommand(name string) tgbot.MatchFunc {
	return func(u *models.Update) bool {
		if u.Message == nil || u.Message.Chat.Type != models.ChatTypePrivate {
			return false
		}
		cmd, _ := command(u.Message)
		return cmd == name
	}
}

func callbackPrefix(p string) tgbot.MatchFunc {
	return func(u *models.Update) bool {
		return u.CallbackQuery != nil && strings.HasPrefix(u.CallbackQuery.Data, p)
	}
}

// isOtherGroup matches messages in groups other than the staff group: the
// bot serves owners in private and staff in their group only.
func (b *Bot) isOtherGroup(u *models.Update) bool {
	var chat models.Chat
	switch {
	case u.Message != nil:
		chat = u.Message.Chat
	case u.EditedMessage != nil:
		chat = u.EditedMessage.Chat
	default:
		return false
	}
	return chat.Type != models.ChatTypePrivate && chat.ID != b.cfg.StaffChatID
}
