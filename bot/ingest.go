package bot

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"concierge/storage"
)

// ErrBadUpdate marks a body that is not a Telegram update.
var ErrBadUpdate = errors.New("not a telegram update")

const maxUpdateBytes = 1 << 20

// parseUpdate checks that raw is an update and finds its chat.
func parseUpdate(raw []byte) (storage.InboxUpdate, error) {
	var u models.Update
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&u); err != nil {
		return storage.InboxUpdate{}, fmt.Errorf("%w: %v", ErrBadUpdate, err)
	}
	if u.ID <= 0 {
		return storage.InboxUpdate{}, fmt.Errorf("%w: no update_id", ErrBadUpdate)
	}
	in := storage.InboxUpdate{UpdateID: u.ID, Payload: json.RawMessage(raw)}
	if chat, _ := updateChat(&u); chat != 0 {
		in.ChatID = &chat
	}
	return in, nil
}

// updateChat returns the chat an update belongs to and the language its
// sender's client uses.
func updateChat(u *models.Update) (int64, string) {
	switch {
	case u.Message != nil:
		return u.Message.Chat.ID, userLang(u.Message.From)
	case u.EditedMessage != nil:
		return u.EditedMessage.Chat.ID, userLang(u.EditedMessage.From)
	case u.CallbackQuery != nil:
		if m := u.CallbackQuery.Message.Message; m != nil {
			return m.Chat.ID, userLang(&u.CallbackQuery.From)
		}
		return u.CallbackQuery.From.ID, userLang(&u.CallbackQuery.From)
	case u.MyChatMember != nil:
		return u.MyChatMember.Chat.ID, userLang(&u.MyChatMember.From)
	}
	return 0, LangHans
}

func userLang(u *models.User) string {
	if u == nil {
		return LangHans
	}
	return normLang(u.LanguageCode)
}

// Submit stores updates in the inbox and queues the new ones for
// processing. When it returns nil every update is durable and may be
// acknowledged; updates already stored are no-ops.
func (b *Bot) Submit(ctx context.Context, ups ...storage.InboxUpdate) error {
	fresh, err := b.store.StoreUpdates(ctx, ups)
	if err != nil {
		return err
	}
	b.m.received.Add(float64(len(fresh)))
	if len(fresh) == 0 {
		return nil
	}
	chats := make(map[int64]int64, len(ups))
	for _, u := range ups {
		if u.ChatID != nil {
			chats[u.UpdateID] = *u.ChatID
		}
	}
	for _, id := range fresh {
		b.dispatch(id, chats[id])
	}
	return nil
}

// SubmitRaw parses one update body, stores it and processes it at once.
// When it returns nil the update is durable; a processing failure is left
// to the inbox sweep.
func (b *Bot) SubmitRaw(ctx context.Context, raw []byte) error {
	in, err := parseUpdate(raw)
	if err != nil {
		return err
	}
	return b.ingest(ctx, in)
}

// dispatch hands an update to its chat's worker; when that worker is busy
// the inbox sweep picks it up instead.
func (b *Bot) dispatch(updateID, chatID int64) {
	key := chatID
	if key < 0 {
		key = -key
	}
	q := b.queues[uint64(key)%uint64(len(b.queues))]
	select {
	case q <- updateID:
	default:
	}
}

// WebhookHandler serves Telegram's webhook: a wrong secret gets 401, a body
// that is not an update 400, a failure to store 500; otherwise 200 once the
// update is committed (and, in the same transaction, processed when it
// could be).
func (b *Bot) WebhookHandler(secret string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
		if secret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
			b.log.WarnContext(r.Context(), "webhook call with a wrong secret", "remote", r.RemoteAddr)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		raw, err := io.ReadAll(io.LimitReader(r.Body, maxUpdateBytes+1))
		if err != nil || len(raw) > maxUpdateBytes {
			b.log.WarnContext(r.Context(), "webhook body unreadable or too large", "bytes", len(raw), "err", err)
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		in, err := parseUpdate(raw)
		if err != nil {
			b.log.WarnContext(r.Context(), "webhook body is not an update", "bytes", len(raw), "err", err)
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if err := b.ingest(r.Context(), in); err != nil {
			b.log.ErrorContext(r.Context(), "update not stored", "update_id", in.UpdateID, "err", err)
			http.Error(w, "try again", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// Poll long-polls getUpdates until ctx ends. The offset advances only after
// a batch is stored, so nothing acknowledged is lost.
func (b *Bot) Poll(ctx context.Context, apiURL, token string, timeout time.Duration) error {
	client := &http.Client{Timeout: timeout + 15*time.Second}
	url := strings.TrimRight(apiURL, "/") + "/bot" + token + "/getUpdates"
	var offset int64
	backoff := time.Second
	for ctx.Err() == nil {
		ups, err := getUpdates(ctx, client, url, offset, timeout)
		if err == nil && len(ups) > 0 {
			err = b.Submit(ctx, ups...)
		}
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			b.log.WarnContext(ctx, "polling updates; will retry", "in", backoff.String(), "err", err)
			select {
			case <-time.After(backoff):
			case <-ctx.Done():
			}
			backoff = min(backoff*2, 30*time.Second)
			continue
		}
		backoff = time.Second
		for _, u := range ups {
			offset = max(offset, u.UpdateID+1)
		}
	}
	return nil
}

func getUpdates(ctx context.Context, client *http.Client, url string, offset int64, timeout time.Duration) ([]storage.InboxUpdate, error) {
	body, _ := json.Marshal(map[string]any{"offset": offset, "timeout": int(timeout.Seconds()), "limit": 100})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("getUpdates: %w", redactErr(err))
	}
	defer resp.Body.Close()
	var r struct {
		OK          bool              `json:"ok"`
		Description string            `json:"description"`
		Result      []json.RawMessage `json:"result"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&r); err != nil {
		return nil, fmt.Errorf("getUpdates: status %d: %w", resp.StatusCode, err)
	}
	if !r.OK {
		return nil, fmt.Errorf("getUpdates: %d %s", resp.StatusCode, r.Description)
	}
	ups := make([]storage.InboxUpdate, 0, len(r.Result))
	for _, raw := range r.Result {
		in, err := parseUpdate(raw)
		if err != nil {
			continue // cannot happen with Telegram; nothing to store
		}
		ups = append(ups, in)
	}
	return ups, nil
}

// redactErr keeps the bot token out of logs: url.Error carries the URL.
func redactErr(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "/bot"); i >= 0 {
		if j := strings.Index(msg[i:], "/getUpdates"); j > 0 {
			msg = msg[:i] + "/bot***" + msg[i+j:]
		}
	}
	return errors.New(msg)
}

// sweepInbox re-queues updates that a crash, a full queue or a failure left
// unprocessed.
func (b *Bot) sweepInbox(ctx context.Context) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ids, err := b.store.PendingUpdates(ctx, time.Now().Add(-3*time.Second), 500)
		if err != nil {
			if ctx.Err() == nil {
				b.log.WarnContext(ctx, "sweep inbox", "err", err)
			}
			continue
		}
		for _, id := range ids {
			if err := b.process(ctx, id); err != nil && ctx.Err() != nil {
				return
			}
		}
	}
}
