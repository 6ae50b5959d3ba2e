package bot

import (
	"context"
	"errors"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// telegramTransport sends through go-telegram/bot.
type telegramTransport struct {
	tg *tgbot.Bot
}

// inlineKeyboard is the inline_keyboard reply markup as Telegram wants it.
// go-telegram/bot's models.InlineKeyboardButton always sends an empty
// copy_text object, which Telegram refuses (BUTTON_COPY_TEXT_INVALID), so
// the bot sends its own.
type inlineKeyboard struct {
	InlineKeyboard [][]inlineButton `json:"inline_keyboard"`
}

type inlineButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data"`
}

func keyboard(rows [][]Button) models.ReplyMarkup {
	if len(rows) == 0 {
		return nil
	}
	return buttons(rows)
}

func buttons(rows [][]Button) *inlineKeyboard {
	kb := &inlineKeyboard{InlineKeyboard: make([][]inlineButton, 0, len(rows))}
	for _, row := range rows {
		r := make([]inlineButton, 0, len(row))
		for _, b := range row {
			r = append(r, inlineButton{Text: b.Text, CallbackData: b.Data})
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, r)
	}
	return kb
}

func (t telegramTransport) deliver(ctx context.Context, chatID int64, o Out) (int64, error) {
	var (
		msg *models.Message
		err error
	)
	var reply *models.ReplyParameters
	if o.ReplyTo != 0 {
		reply = &models.ReplyParameters{MessageID: int(o.ReplyTo), AllowSendingWithoutReply: true}
	}
	switch o.Kind {
	case "answer":
		_, err = t.tg.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: o.CallbackID, Text: o.Text})
		if err != nil && errors.Is(err, tgbot.ErrorBadRequest) {
			return 0, nil // too old to answer: nothing to do
		}
	case "edit":
		markup := buttons(o.Buttons) // none: the edit removes the buttons
		msg, err = t.tg.EditMessageText(ctx, &tgbot.EditMessageTextParams{ChatID: chatID, MessageID: int(o.MessageID), Text: o.Text, ReplyMarkup: markup})
		if err != nil && strings.Contains(err.Error(), "message is not modified") {
			return o.MessageID, nil
		}
	case "photo":
		msg, err = t.tg.SendPhoto(ctx, &tgbot.SendPhotoParams{ChatID: chatID, Photo: &models.InputFileString{Data: o.Photo}, Caption: o.Text, ReplyMarkup: keyboard(o.Buttons), ReplyParameters: reply})
	default:
		msg, err = t.tg.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: chatID, Text: o.Text, ReplyMarkup: keyboard(o.Buttons), ReplyParameters: reply})
	}
	if err != nil {
		return 0, classify(err)
	}
	if msg == nil {
		return 0, nil
	}
	return int64(msg.ID), nil
}

// classify maps go-telegram/bot's errors onto the sender's outcomes.
func classify(err error) error {
	var tooMany *tgbot.TooManyRequestsError
	switch {
	case errors.As(err, &tooMany):
		return &retryAfterError{wait: time.Duration(max(tooMany.RetryAfter, 1)) * time.Second}
	case errors.Is(err, tgbot.ErrorForbidden), errors.Is(err, tgbot.ErrorBadRequest), errors.Is(err, tgbot.ErrorNotFound):
		return errors.Join(errRefused, err)
	}
	var mig *tgbot.MigrateError
	if errors.As(err, &mig) {
		return errors.Join(errRefused, err)
	}
	return err // network, 5xx, unauthorized: transient, retried
}
