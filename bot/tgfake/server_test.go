package tgfake_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"concierge/bot/tgfake"
)

// setup starts a fake and a real go-telegram/bot client talking to it.
func setup(t *testing.T, opts ...tgbot.Option) (*tgfake.Server, *tgbot.Bot) {
	t.Helper()
	srv := tgfake.New(tgfake.DefaultToken)
	t.Cleanup(srv.Close)
	opts = append([]tgbot.Option{
		tgbot.WithServerURL(srv.URL()),
		tgbot.WithErrorsHandler(func(err error) { t.Logf("tgbot: %v", err) }),
	}, opts...)
	b, err := tgbot.New(tgfake.DefaultToken, opts...)
	if err != nil {
		t.Fatalf("tgbot.New: %v", err)
	}
	return srv, b
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestGetMeIdentifiesTheBot(t *testing.T) {
	t.Parallel()
	_, b := setup(t)
	if b.ID() != tgfake.BotID {
		t.Errorf("bot id = %d, want %d", b.ID(), tgfake.BotID)
	}
}

func TestKeyboardChecks(t *testing.T) {
	t.Parallel()
	_, b := setup(t)
	ctx := testContext(t)
	cases := []struct {
		name   string
		markup any
		want   string // "" → accepted
	}{
		{"callback button", map[string]any{"inline_keyboard": [][]map[string]string{{{"text": "a", "callback_data": "b"}}}}, ""},
		{"library type adds an empty copy_text", &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "a", CallbackData: "b"}}}}, "BUTTON_COPY_TEXT_INVALID"},
		{"text only", map[string]any{"inline_keyboard": [][]map[string]string{{{"text": "a"}}}}, "Text buttons are unallowed"},
		{"callback data over 64 bytes", map[string]any{"inline_keyboard": [][]map[string]string{{{"text": "a", "callback_data": strings.Repeat("x", 65)}}}}, "BUTTON_DATA_INVALID"},
	}
	for _, c := range cases {
		_, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: int64(42), Text: "hi", ReplyMarkup: c.markup})
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want %s", c.name, err, c.want)
		}
	}
}

func TestSendMessage(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := testContext(t)
	// A keyboard as Telegram wants it. go-telegram/bot's own
	// models.InlineKeyboardButton always adds an empty copy_text, which
	// Telegram (and this fake) refuse: see TestKeyboardChecks.
	kb := map[string]any{"inline_keyboard": [][]map[string]string{{{"text": "报修", "callback_data": "intent:repair"}}}}

	m1, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: int64(42), Text: "您好,请问有什么可以帮您?", ReplyMarkup: kb})
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	m2, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: 42, Text: "谢谢", ReplyParameters: &models.ReplyParameters{MessageID: m1.ID}})
	if err != nil {
		t.Fatalf("send reply: %v", err)
	}
	other, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: -100123, Text: "新工单"})
	if err != nil {
		t.Fatalf("send to group: %v", err)
	}

	if m1.ID != 1 || m2.ID != 2 || other.ID != 1 {
		t.Errorf("message ids = %d, %d, %d; want 1, 2 and 1 (counted per chat)", m1.ID, m2.ID, other.ID)
	}
	if m1.Chat.ID != 42 || m1.Chat.Type != models.ChatTypePrivate || m1.From == nil || m1.From.ID != tgfake.BotID || m1.Date == 0 {
		t.Errorf("result message = %+v, want chat 42 (private) from the bot with a date", m1)
	}
	if m1.ReplyMarkup == nil || m1.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "intent:repair" {
		t.Errorf("result reply markup = %+v", m1.ReplyMarkup)
	}
	if m2.ReplyToMessage == nil || m2.ReplyToMessage.ID != m1.ID {
		t.Errorf("reply_to_message = %+v, want id %d", m2.ReplyToMessage, m1.ID)
	}

	sent := srv.SentTo(42)
	if len(sent) != 2 {
		t.Fatalf("SentTo(42) = %d messages, want 2", len(sent))
	}
	if sent[0].Text != "您好,请问有什么可以帮您?" || sent[0].MessageID != 1 {
		t.Errorf("sent[0] = %+v", sent[0])
	}
	var got models.InlineKeyboardMarkup
	if err := json.Unmarshal(sent[0].ReplyMarkup, &got); err != nil || got.InlineKeyboard[0][0].Text != "报修" {
		t.Errorf("recorded reply_markup %s: %v", sent[0].ReplyMarkup, err)
	}
	if sent[1].ReplyToMessageID != 1 {
		t.Errorf("recorded reply_to = %d, want 1", sent[1].ReplyToMessageID)
	}
	if n := len(srv.Sent()); n != 3 {
		t.Errorf("Sent() = %d messages, want 3", n)
	}
}

func TestOtherMethods(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := testContext(t)

	photo, err := b.SendPhoto(ctx, &tgbot.SendPhotoParams{ChatID: 7, Photo: &models.InputFileUpload{Filename: "leak.jpg", Data: strings.NewReader("jpeg")}, Caption: "漏水照片"})
	if err != nil || len(photo.Photo) == 0 || photo.Caption != "漏水照片" {
		t.Fatalf("sendPhoto = %+v, %v", photo, err)
	}
	cp, err := b.CopyMessage(ctx, &tgbot.CopyMessageParams{ChatID: -100555, FromChatID: 7, MessageID: photo.ID})
	if err != nil || cp.ID != 1 {
		t.Fatalf("copyMessage = %+v, %v; want id 1 in the new chat", cp, err)
	}
	ed, err := b.EditMessageText(ctx, &tgbot.EditMessageTextParams{ChatID: 7, MessageID: photo.ID, Text: "已受理"})
	if err != nil || ed.EditDate == 0 || ed.Text != "已受理" {
		t.Fatalf("editMessageText = %+v, %v", ed, err)
	}
	if _, err := b.EditMessageReplyMarkup(ctx, &tgbot.EditMessageReplyMarkupParams{ChatID: 7, MessageID: photo.ID, ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{}}}); err != nil {
		t.Fatalf("editMessageReplyMarkup: %v", err)
	}
	if ok, err := b.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: "99", Text: "好的"}); err != nil || !ok {
		t.Fatalf("answerCallbackQuery = %v, %v", ok, err)
	}
	if ok, err := b.DeleteMessage(ctx, &tgbot.DeleteMessageParams{ChatID: 7, MessageID: photo.ID}); err != nil || !ok {
		t.Fatalf("deleteMessage = %v, %v", ok, err)
	}
	if _, err := b.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "start", Description: "开始"}}}); err != nil {
		t.Fatalf("setMyCommands: %v", err)
	}
	if _, err := b.SetChatMenuButton(ctx, &tgbot.SetChatMenuButtonParams{MenuButton: models.MenuButtonCommands{Type: models.MenuButtonTypeCommands}}); err != nil {
		t.Fatalf("setChatMenuButton: %v", err)
	}
	if _, err := b.SetWebhook(ctx, &tgbot.SetWebhookParams{URL: "https://example.invalid/hook", SecretToken: "s"}); err != nil {
		t.Fatalf("setWebhook: %v", err)
	}
	info, err := b.GetWebhookInfo(ctx)
	if err != nil || info.URL != "https://example.invalid/hook" {
		t.Fatalf("getWebhookInfo = %+v, %v", info, err)
	}
	if _, err := b.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{DropPendingUpdates: true}); err != nil {
		t.Fatalf("deleteWebhook: %v", err)
	}

	calls := srv.Calls()
	if c := calls[len(calls)-1]; c.Method != "deleteWebhook" || c.Params["drop_pending_updates"] != "true" || !c.OK() {
		t.Errorf("last call = %+v", c)
	}
	if sent := srv.SentTo(7); len(sent) != 1 || sent[0].Photo != "upload:leak.jpg" || sent[0].Text != "漏水照片" {
		t.Errorf("SentTo(7) = %+v, want the photo with its caption", sent)
	}
	if got := srv.Count("copyMessage"); got != 1 {
		t.Errorf("Count(copyMessage) = %d", got)
	}
}

func TestFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		check  func(t *testing.T, err error)
	}{
		{"429 carries retry_after", http.StatusTooManyRequests, func(t *testing.T, err error) {
			var tooMany *tgbot.TooManyRequestsError
			if !errors.As(err, &tooMany) || tooMany.RetryAfter != 3 {
				t.Errorf("err = %v, want *TooManyRequestsError with RetryAfter 3", err)
			}
		}},
		{"500 is an error response", http.StatusInternalServerError, func(t *testing.T, err error) {
			if err == nil || !strings.Contains(err.Error(), "500 Internal Server Error") {
				t.Errorf("err = %v, want the 500 description", err)
			}
		}},
		{"502 is an HTML page", http.StatusBadGateway, func(t *testing.T, err error) {
			if err == nil || !strings.Contains(err.Error(), "error decode response body") {
				t.Errorf("err = %v, want a decode error", err)
			}
		}},
		{"403 is forbidden", http.StatusForbidden, func(t *testing.T, err error) {
			if !errors.Is(err, tgbot.ErrorForbidden) {
				t.Errorf("err = %v, want ErrorForbidden", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, b := setup(t)
			ctx := testContext(t)
			srv.FailNext("sendMessage", 1, tt.status, 3)
			_, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: 5, Text: "您好"})
			tt.check(t, err)
			if _, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: 5, Text: "您好"}); err != nil {
				t.Errorf("second send: %v, want success after the injected failure", err)
			}
			if sent := srv.SentTo(5); len(sent) != 1 || sent[0].MessageID != 1 {
				t.Errorf("sent = %+v, want only the second message, with id 1", sent)
			}
			if calls := srv.Calls(); calls[len(calls)-2].Status != tt.status {
				t.Errorf("failed call recorded with status %d, want %d", calls[len(calls)-2].Status, tt.status)
			}
		})
	}
}

func TestWrongTokenAndUnknownMethod(t *testing.T) {
	t.Parallel()
	srv := tgfake.New(tgfake.DefaultToken)
	t.Cleanup(srv.Close)

	_, err := tgbot.New("123:wrong", tgbot.WithServerURL(srv.URL()))
	if !errors.Is(err, tgbot.ErrorUnauthorized) {
		t.Errorf("tgbot.New with a wrong token: err = %v, want ErrorUnauthorized", err)
	}

	tests := []struct {
		name, path string
		status     int
		body       string
	}{
		{"unknown method", "/bot" + tgfake.DefaultToken + "/sendTelepathy", 404, `"description":"Not Found: method not found"`},
		{"wrong token", "/bot123:nope/sendMessage", 401, `"description":"Unauthorized"`},
		{"method names ignore case", "/bot" + tgfake.DefaultToken + "/GETME", 200, `"is_bot":true`},
		{"empty text", "/bot" + tgfake.DefaultToken + "/sendMessage?chat_id=1", 400, `"Bad Request: message text is empty"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := http.Post(srv.URL()+tt.path, "application/x-www-form-urlencoded", nil)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status || !strings.Contains(string(body), tt.body) {
				t.Errorf("got %d %s, want %d containing %s", resp.StatusCode, body, tt.status, tt.body)
			}
		})
	}
}

func TestJSONBody(t *testing.T) {
	t.Parallel()
	srv := tgfake.New(tgfake.DefaultToken)
	t.Cleanup(srv.Close)
	resp, err := http.Post(srv.URL()+"/bot"+tgfake.DefaultToken+"/sendMessage", "application/json",
		strings.NewReader(`{"chat_id":9,"text":"hi","reply_markup":{"inline_keyboard":[[{"text":"a","callback_data":"b"}]]}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	sent := srv.SentTo(9)
	if len(sent) != 1 || sent[0].Text != "hi" || !strings.Contains(string(sent[0].ReplyMarkup), `"callback_data":"b"`) {
		t.Errorf("sent = %+v", sent)
	}
}
