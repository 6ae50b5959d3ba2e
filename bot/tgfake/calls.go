package tgfake

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Call is one request the server received, successful or not.
type Call struct {
	Method      string          // as requested, e.g. "sendMessage"
	ChatID      int64           // chat_id, 0 when absent or not numeric
	Text        string          // text, or caption for media
	ReplyMarkup json.RawMessage // reply_markup as sent, nil when absent
	// MessageID is the id assigned to a new message (send*, copyMessage) or
	// the id targeted by editMessage*/deleteMessage.
	MessageID        int
	ReplyToMessageID int               // from reply_parameters or reply_to_message_id
	Photo            string            // file_id or URL, or "upload:<filename>" for an uploaded file
	Params           map[string]string // every form field, first value; read-only
	At               time.Time         // when the request arrived (server clock)
	Status           int               // HTTP status answered: 200, 401, 404, 429, …; 503 if the client left during a delay
}

// OK reports whether the call was answered with "ok": true.
func (c Call) OK() bool { return c.Status == http.StatusOK }

// Message is a message the bot delivered (sendMessage, sendPhoto,
// copyMessage answered ok).
type Message struct {
	Method           string
	ChatID           int64
	MessageID        int
	Text             string // text, or caption for media
	ReplyMarkup      json.RawMessage
	ReplyToMessageID int
	Photo            string
	At               time.Time
}

// Calls returns a copy of every call received so far, in arrival order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// Sent returns the messages delivered so far, in order.
func (s *Server) Sent() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent)
}

// SentTo returns the messages delivered to chatID so far, in order.
func (s *Server) SentTo(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sentBy[chatID])
}

// Count returns how many calls of method were answered ok.
func (s *Server) Count(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if c.OK() && strings.EqualFold(c.Method, method) {
			n++
		}
	}
	return n
}

// WaitFor blocks until cond holds for the calls received so far and returns
// them, or returns ctx's error. cond is called again after each new call; it
// must not modify or keep the slice.
func (s *Server) WaitFor(ctx context.Context, cond func([]Call) bool) ([]Call, error) {
	for {
		s.mu.Lock()
		view := s.calls[:len(s.calls):len(s.calls)] // elements are never changed once appended
		changed := s.changed
		s.mu.Unlock()
		if cond(view) {
			return slices.Clone(view), nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for calls (have %d): %w", len(view), ctx.Err())
		case <-changed:
		}
	}
}

// WaitSent blocks until at least n messages were delivered to chatID (any
// chat when chatID is 0) and returns them, or returns ctx's error.
// It looks only at the chat's own messages, so many waiters stay cheap.
func (s *Server) WaitSent(ctx context.Context, chatID int64, n int) ([]Message, error) {
	for {
		s.mu.Lock()
		got := s.sent
		if chatID != 0 {
			got = s.sentBy[chatID]
		}
		got = got[:len(got):len(got)]
		changed := s.changed
		s.mu.Unlock()
		if len(got) >= n {
			return slices.Clone(got), nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for %d messages to %d (have %d): %w", n, chatID, len(got), ctx.Err())
		case <-changed:
		}
	}
}

// message is the delivered message a successful send call made.
func message(c Call) Message {
	return Message{
		Method: c.Method, ChatID: c.ChatID, MessageID: c.MessageID, Text: c.Text,
		ReplyMarkup: c.ReplyMarkup, ReplyToMessageID: c.ReplyToMessageID, Photo: c.Photo, At: c.At,
	}
}

// isSend reports whether method delivers a new message (and so counts
// against Telegram's sending limits).
func isSend(method string) bool {
	switch strings.ToLower(method) {
	case "sendmessage", "sendphoto", "copymessage":
		return true
	}
	return false
}

// WaitInFlight blocks until at least n requests are being served (received
// and not yet answered, e.g. held by SetDelay or a long poll), or returns
// ctx's error. Calls are recorded only when answered, so this is how a test
// sees a request that is still in progress.
func (s *Server) WaitInFlight(ctx context.Context, n int) error {
	return s.waitState(ctx, "requests in flight", func() bool { return s.inFlight >= n })
}

// waitState waits until cond, called under s.mu, holds.
func (s *Server) waitState(ctx context.Context, what string, cond func() bool) error {
	for {
		s.mu.Lock()
		ok, changed := cond(), s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for %s: %w", what, ctx.Err())
		case <-changed:
		}
	}
}

func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
	if c.OK() && isSend(c.Method) {
		m := message(c)
		s.sent = append(s.sent, m)
		if s.sentBy == nil {
			s.sentBy = map[int64][]Message{}
		}
		s.sentBy[c.ChatID] = append(s.sentBy[c.ChatID], m)
	}
	s.notifyLocked()
}
