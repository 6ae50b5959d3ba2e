package tgfake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

// The builders below make incoming updates shaped like Telegram's: a
// private chat's id equals the user's id, the message id equals the update
// id (unique enough for tests), the date is now. Push them with
// Server.PushUpdate, or Marshal them for a webhook request.

// owner is the sender of a test update.
func owner(userID int64, lang string) *models.User {
	return &models.User{ID: userID, FirstName: "Owner", LastName: strconv.FormatInt(userID, 10), LanguageCode: lang}
}

func privateMessage(updateID, userID int64, lang string) *models.Message {
	return &models.Message{
		ID:   int(updateID),
		From: owner(userID, lang),
		Date: int(time.Now().Unix()),
		Chat: models.Chat{ID: userID, Type: models.ChatTypePrivate, FirstName: "Owner", LastName: strconv.FormatInt(userID, 10)},
	}
}

// commandEntities marks a leading /command as Telegram does, so
// go-telegram/bot's command matching works; lengths are UTF-16 units.
func commandEntities(text string) []models.MessageEntity {
	if !strings.HasPrefix(text, "/") {
		return nil
	}
	cmd, _, _ := strings.Cut(text, " ")
	return []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: len(utf16.Encode([]rune(cmd)))}}
}

// TextUpdate is a private text message from userID; lang is the user's
// Telegram language_code (e.g. "zh-hans", "zh-hant", "en").
func TextUpdate(updateID, userID int64, lang, text string) models.Update {
	m := privateMessage(updateID, userID, lang)
	m.Text = text
	m.Entities = commandEntities(text)
	return models.Update{ID: updateID, Message: m}
}

// GroupTextUpdate is a text message from userID in the group chatID (< 0).
func GroupTextUpdate(updateID, chatID, userID int64, lang, text string) models.Update {
	m := privateMessage(updateID, userID, lang)
	m.Chat = chatOf(chatID)
	m.Text = text
	m.Entities = commandEntities(text)
	return models.Update{ID: updateID, Message: m}
}

// CallbackUpdate is a press on an inline button carrying data, under the
// bot's message messageID in userID's private chat.
func CallbackUpdate(updateID, userID int64, lang string, messageID int, data string) models.Update {
	m := privateMessage(updateID, userID, lang)
	m.ID = messageID
	m.From = &models.User{ID: BotID, IsBot: true, FirstName: "Concierge", Username: "concierge_test_bot"}
	m.Text = "…"
	return models.Update{ID: updateID, CallbackQuery: &models.CallbackQuery{
		ID:           strconv.FormatInt(updateID*7919, 10),
		From:         *owner(userID, lang),
		Message:      models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage, Message: m},
		ChatInstance: "-" + strconv.FormatInt(userID*31, 10),
		Data:         data,
	}}
}

// StickerUpdate is a sticker (with its emoji) sent in a private chat.
func StickerUpdate(updateID, userID int64, lang, emoji string) models.Update {
	m := privateMessage(updateID, userID, lang)
	m.Sticker = &models.Sticker{
		FileID: "CAACAgIAAxkBAAI" + strconv.FormatInt(updateID, 36), FileUniqueID: "AgAD" + strconv.FormatInt(updateID, 36),
		Type: "regular", Width: 512, Height: 512, Emoji: emoji,
	}
	return models.Update{ID: updateID, Message: m}
}

// VoiceUpdate is a voice note of seconds length sent in a private chat.
func VoiceUpdate(updateID, userID int64, lang string, seconds int) models.Update {
	m := privateMessage(updateID, userID, lang)
	m.Voice = &models.Voice{
		FileID: "AwACAgUAAxkBAAI" + strconv.FormatInt(updateID, 36), FileUniqueID: "AgAD" + strconv.FormatInt(updateID, 36),
		Duration: seconds, MimeType: "audio/ogg", FileSize: int64(seconds) * 4000,
	}
	return models.Update{ID: updateID, Message: m}
}

// PhotoUpdate is a photo with an optional caption sent in a private chat,
// in the usual two sizes.
func PhotoUpdate(updateID, userID int64, lang, caption string) models.Update {
	m := privateMessage(updateID, userID, lang)
	id := strconv.FormatInt(updateID, 36)
	m.Photo = []models.PhotoSize{
		{FileID: "AgACAgUAAxkBAAI" + id + "s", FileUniqueID: "AQAD" + id + "s", Width: 90, Height: 120, FileSize: 1620},
		{FileID: "AgACAgUAAxkBAAI" + id + "m", FileUniqueID: "AQAD" + id + "m", Width: 960, Height: 1280, FileSize: 98304},
	}
	m.Caption = caption
	m.CaptionEntities = commandEntities(caption)
	return models.Update{ID: updateID, Message: m}
}

// Marshal encodes an update as Telegram posts it to a webhook.
func Marshal(u models.Update) []byte {
	b, err := json.Marshal(&u)
	if err != nil {
		panic("tgfake: marshal update: " + err.Error()) // models.Update always encodes
	}
	return b
}

// Deliver posts u to a webhook the way Telegram does: a JSON body and, when
// secret is set, the X-Telegram-Bot-Api-Secret-Token header. It returns the
// webhook's HTTP status; Telegram retries anything but 2xx, so a test can
// call it again to simulate a redelivery.
func Deliver(ctx context.Context, webhookURL, secret string, u models.Update) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, webhookURL, bytes.NewReader(Marshal(u)))
	if err != nil {
		return 0, fmt.Errorf("deliver update %d: %w", u.ID, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("deliver update %d: %w", u.ID, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body) // lets the connection be reused
	return resp.StatusCode, nil
}
