package tgfake

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

// apiError is an answer with "ok": false.
type apiError struct {
	code        int
	description string
}

func badRequest(description string) *apiError {
	return &apiError{code: http.StatusBadRequest, description: "Bad Request: " + description}
}

// handler runs one Bot API method and returns its "result".
type handler func(s *Server, ctx context.Context, c *Call) (any, *apiError)

// handlerFor finds the method, case-insensitively like Telegram.
func handlerFor(method string) (handler, bool) {
	switch strings.ToLower(method) {
	case "getme":
		return func(s *Server, _ context.Context, _ *Call) (any, *apiError) { return s.me, nil }, true
	case "sendmessage":
		return (*Server).sendMessage, true
	case "sendphoto":
		return (*Server).sendPhoto, true
	case "copymessage":
		return (*Server).copyMessage, true
	case "editmessagetext", "editmessagereplymarkup":
		return (*Server).editMessage, true
	case "answercallbackquery":
		return func(_ *Server, _ context.Context, c *Call) (any, *apiError) {
			if c.Params["callback_query_id"] == "" {
				return nil, badRequest("query_id is empty")
			}
			return true, nil
		}, true
	case "deletemessage":
		return func(_ *Server, _ context.Context, c *Call) (any, *apiError) {
			if c.ChatID == 0 || c.MessageID == 0 {
				return nil, badRequest("message to delete not found")
			}
			return true, nil
		}, true
	case "setwebhook":
		return (*Server).setWebhook, true
	case "deletewebhook":
		return (*Server).deleteWebhook, true
	case "getwebhookinfo":
		return func(s *Server, _ context.Context, _ *Call) (any, *apiError) {
			s.mu.Lock()
			defer s.mu.Unlock()
			info := s.webhook
			info.PendingUpdateCount = len(s.updates)
			return info, nil
		}, true
	case "getupdates":
		return (*Server).getUpdates, true
	case "setmycommands", "deletemycommands", "setchatmenubutton", "sendchataction":
		return func(*Server, context.Context, *Call) (any, *apiError) { return true, nil }, true
	}
	return nil, false
}

// chatOf builds the chat object Telegram would return for id: positive ids
// are private chats, -100… ids supergroups, other negative ids groups.
func chatOf(id int64) models.Chat {
	switch {
	case id > 0:
		return models.Chat{ID: id, Type: models.ChatTypePrivate, FirstName: "Owner" + strconv.FormatInt(id, 10)}
	case id < -1000000000000:
		return models.Chat{ID: id, Type: models.ChatTypeSupergroup, Title: "Group " + strconv.FormatInt(id, 10)}
	default:
		return models.Chat{ID: id, Type: models.ChatTypeGroup, Title: "Group " + strconv.FormatInt(id, 10)}
	}
}

// newMessage assigns the next message id in the call's chat and builds the
// message the bot just sent.
func (s *Server) newMessage(c *Call) *models.Message {
	s.mu.Lock()
	s.nextMsgID[c.ChatID]++
	c.MessageID = s.nextMsgID[c.ChatID]
	date := s.now().Unix()
	s.mu.Unlock()
	me := s.me
	m := &models.Message{ID: c.MessageID, From: &me, Date: int(date), Chat: chatOf(c.ChatID)}
	if c.ReplyToMessageID != 0 {
		m.ReplyToMessage = &models.Message{ID: c.ReplyToMessageID, Date: int(date), Chat: chatOf(c.ChatID)}
	}
	if len(c.ReplyMarkup) > 0 {
		var kb models.InlineKeyboardMarkup
		if json.Unmarshal(c.ReplyMarkup, &kb) == nil && len(kb.InlineKeyboard) > 0 {
			m.ReplyMarkup = &kb
		}
	}
	return m
}

func (s *Server) sendMessage(_ context.Context, c *Call) (any, *apiError) {
	if c.ChatID == 0 {
		return nil, badRequest("chat not found")
	}
	if err := checkKeyboard(c.ReplyMarkup); err != nil {
		return nil, err
	}
	if strings.TrimSpace(c.Params["text"]) == "" {
		return nil, badRequest("message text is empty")
	}
	if len([]rune(c.Params["text"])) > 4096 {
		return nil, badRequest("message is too long")
	}
	m := s.newMessage(c)
	m.Text = c.Params["text"]
	return m, nil
}

func (s *Server) sendPhoto(_ context.Context, c *Call) (any, *apiError) {
	if c.ChatID == 0 {
		return nil, badRequest("chat not found")
	}
	if c.Photo == "" {
		return nil, badRequest("there is no photo in the request")
	}
	if err := checkKeyboard(c.ReplyMarkup); err != nil {
		return nil, err
	}
	m := s.newMessage(c)
	m.Caption = c.Params["caption"]
	fileID := "AgACAgUAAxkBAAI" + strconv.FormatInt(c.ChatID, 36) + "x" + strconv.Itoa(m.ID)
	m.Photo = []models.PhotoSize{
		{FileID: fileID + "s", FileUniqueID: "AQAD" + strconv.Itoa(m.ID) + "s", Width: 90, Height: 67, FileSize: 1203},
		{FileID: fileID + "m", FileUniqueID: "AQAD" + strconv.Itoa(m.ID) + "m", Width: 800, Height: 600, FileSize: 48211},
	}
	return m, nil
}

func (s *Server) copyMessage(_ context.Context, c *Call) (any, *apiError) {
	if c.ChatID == 0 || c.Params["from_chat_id"] == "" {
		return nil, badRequest("chat not found")
	}
	if c.Params["message_id"] == "" {
		return nil, badRequest("message to copy not found")
	}
	m := s.newMessage(c) // replaces the source message_id with the new one
	return models.MessageID{ID: m.ID}, nil
}

// editMessage serves editMessageText and editMessageReplyMarkup. It is
// lenient: any message id in a known chat can be edited, since tests often
// push callback queries for messages the fake never sent.
func (s *Server) editMessage(_ context.Context, c *Call) (any, *apiError) {
	if err := checkKeyboard(c.ReplyMarkup); err != nil {
		return nil, err
	}
	if c.Params["inline_message_id"] != "" {
		return true, nil
	}
	if c.ChatID == 0 || c.MessageID == 0 {
		return nil, badRequest("message to edit not found")
	}
	if strings.EqualFold(c.Method, "editMessageText") && strings.TrimSpace(c.Params["text"]) == "" {
		return nil, badRequest("message text is empty")
	}
	s.mu.Lock()
	date := s.now().Unix()
	s.mu.Unlock()
	me := s.me
	m := &models.Message{ID: c.MessageID, From: &me, Date: int(date) - 1, EditDate: int(date), Chat: chatOf(c.ChatID), Text: c.Params["text"]}
	if len(c.ReplyMarkup) > 0 {
		var kb models.InlineKeyboardMarkup
		if json.Unmarshal(c.ReplyMarkup, &kb) == nil && len(kb.InlineKeyboard) > 0 {
			m.ReplyMarkup = &kb
		}
	}
	return m, nil
}

func (s *Server) setWebhook(_ context.Context, c *Call) (any, *apiError) {
	u := c.Params["url"]
	if u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return nil, badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	info := models.WebhookInfo{URL: u}
	if mc, err := strconv.Atoi(c.Params["max_connections"]); err == nil {
		info.MaxConnections = mc
	}
	if au := c.Params["allowed_updates"]; au != "" {
		_ = json.Unmarshal([]byte(au), &info.AllowedUpdates) // malformed lists are ignored, as Telegram does
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = info
	if c.Params["drop_pending_updates"] == "true" {
		s.updates = nil
	}
	return true, nil
}

func (s *Server) deleteWebhook(_ context.Context, c *Call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = models.WebhookInfo{}
	if c.Params["drop_pending_updates"] == "true" {
		s.updates = nil
	}
	return true, nil
}

// PushUpdate queues updates for getUpdates. An update with ID 0 gets the
// next id after the last pushed one. Message ids of incoming messages also
// advance the chat's counter, so the bot's replies get later ids, as in a
// real chat.
func (s *Server) PushUpdate(updates ...models.Update) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range updates {
		if u.ID == 0 {
			u.ID = s.lastPush + 1
		}
		s.lastPush = max(s.lastPush, u.ID)
		if m := u.Message; m != nil {
			s.nextMsgID[m.Chat.ID] = max(s.nextMsgID[m.Chat.ID], m.ID)
		}
		s.updates = append(s.updates, u)
	}
	close(s.arrived)
	s.arrived = make(chan struct{})
}

// Pending returns how many queued updates have not been confirmed by an
// offset yet.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.updates)
}

// getUpdates confirms updates below offset, then answers those at or above
// it (at most limit, default 100), waiting up to timeout seconds for one to
// arrive. It answers [] when the wait ends, the request is cancelled or the
// server closes.
func (s *Server) getUpdates(ctx context.Context, c *Call) (any, *apiError) {
	offset, _ := strconv.ParseInt(c.Params["offset"], 10, 64)
	limit, err := strconv.Atoi(c.Params["limit"])
	if err != nil || limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(c.Params["timeout"])
	var deadline <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(time.Duration(timeout) * time.Second)
		defer t.Stop()
		deadline = t.C
	}
	for {
		s.mu.Lock()
		if s.webhook.URL != "" {
			s.mu.Unlock()
			return nil, &apiError{code: http.StatusConflict, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
		}
		if offset > 0 {
			s.updates = slices.DeleteFunc(s.updates, func(u models.Update) bool { return u.ID < offset })
		}
		out := make([]models.Update, 0, min(limit, len(s.updates)))
		for _, u := range s.updates {
			if len(out) == limit {
				break
			}
			if u.ID >= offset {
				out = append(out, u)
			}
		}
		arrived := s.arrived
		if len(out) > 0 || deadline == nil {
			s.mu.Unlock()
			return out, nil
		}
		s.polling++
		s.notifyLocked()
		s.mu.Unlock()
		ended := false
		select {
		case <-arrived:
		case <-deadline:
			ended = true
		case <-ctx.Done():
			ended = true
		case <-s.done:
			ended = true
		}
		s.mu.Lock()
		s.polling--
		s.mu.Unlock()
		if ended {
			return []models.Update{}, nil
		}
	}
}

// WaitPolling blocks until a getUpdates long poll is waiting for updates, or
// returns ctx's error. Tests use it to push updates into a live poll.
func (s *Server) WaitPolling(ctx context.Context) error {
	return s.waitState(ctx, "a long poll", func() bool { return s.polling > 0 })
}

// checkKeyboard refuses an inline keyboard the way Telegram does: every
// button needs exactly one action, callback_data of 1-64 bytes, and a
// copy_text button a non-empty text.
func checkKeyboard(raw json.RawMessage) *apiError {
	if len(raw) == 0 {
		return nil
	}
	var kb struct {
		InlineKeyboard [][]map[string]json.RawMessage `json:"inline_keyboard"`
	}
	if err := json.Unmarshal(raw, &kb); err != nil {
		return badRequest("can't parse reply keyboard markup JSON object")
	}
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if ct, ok := b["copy_text"]; ok {
				var v struct{ Text string }
				if json.Unmarshal(ct, &v) != nil || v.Text == "" {
					return badRequest("BUTTON_COPY_TEXT_INVALID")
				}
			}
			actions := 0
			for k := range b {
				if k != "text" && k != "icon_custom_emoji_id" && k != "style" {
					actions++
				}
			}
			if actions != 1 {
				return badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
			}
			if cd, ok := b["callback_data"]; ok {
				var s string
				if json.Unmarshal(cd, &s) != nil || len(s) == 0 || len(s) > 64 {
					return badRequest("BUTTON_DATA_INVALID")
				}
			}
		}
	}
	return nil
}
