// Package tgfake is an in-process Telegram Bot API server for tests and for
// `concierge bench`.
//
// It speaks the real Bot API JSON over HTTP, so go-telegram/bot talks to it
// unmodified through tgbot.WithServerURL(srv.URL()). It records every call,
// assigns message ids per chat, serves queued updates to getUpdates long
// polls, injects failures (429 with retry_after, 500, 502, delays) and can
// check Telegram's sending limits. It imports no other Concierge package.
package tgfake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// BotID is the user id of the bot behind DefaultToken; the update builders
// use it as the author of the bot's own messages.
const BotID int64 = 7000000001

// DefaultToken is a well-formed token whose numeric prefix is BotID.
const DefaultToken = "7000000001:AAFakeTokenForTestsOnly-concierge"

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
	Params           map[string]string // every form field, first value
	At               time.Time         // when the request arrived (server clock)
	Status           int               // HTTP status answered: 200, 401, 404, 429, …
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

// Server is a fake Bot API server. Its methods are safe for concurrent use.
type Server struct {
	token string
	me    models.User
	http  *httptest.Server
	done  chan struct{} // closed by Close, ends long polls and delays

	mu        sync.Mutex
	now       func() time.Time
	calls     []Call
	changed   chan struct{} // closed and replaced on every recorded call
	nextMsgID map[int64]int
	fails     []failure
	delays    map[string]time.Duration
	updates   []models.Update
	lastPush  int64
	arrived   chan struct{} // closed and replaced on every PushUpdate
	polling   int           // getUpdates requests waiting for updates
	inFlight  int           // requests received and not yet answered
	webhook   models.WebhookInfo
	limits    *limiter
	closeOnce sync.Once
}

type failure struct {
	method     string // lower case, "" for any
	left       int
	status     int
	retryAfter int
}

// New starts a server accepting requests for token. Close it when done,
// typically with t.Cleanup(srv.Close).
func New(token string) *Server {
	s := &Server{
		token:     token,
		me:        botUser(token),
		done:      make(chan struct{}),
		now:       time.Now,
		changed:   make(chan struct{}),
		arrived:   make(chan struct{}),
		nextMsgID: make(map[int64]int),
		delays:    make(map[string]time.Duration),
	}
	s.http = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// URL is the server's base URL, for tgbot.WithServerURL.
func (s *Server) URL() string { return s.http.URL }

// Token is the token the server accepts.
func (s *Server) Token() string { return s.token }

// Me is the bot user answered by getMe.
func (s *Server) Me() models.User { return s.me }

// Close ends pending long polls and delays, then shuts the server down.
// Calling it twice is harmless.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.http.Close()
	})
}

// SetClock replaces the clock used for timestamps, message dates and the
// limit checker (default time.Now). Tests use it to move time instead of
// waiting.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// Reset forgets calls, sent messages, queued updates, injected failures,
// delays, violations and the webhook. Message ids keep counting so ids stay
// unique per chat.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
	s.fails = nil
	s.delays = make(map[string]time.Duration)
	s.updates = nil
	s.webhook = models.WebhookInfo{}
	if s.limits != nil {
		s.limits = newLimiter(s.limits.mode)
	}
	s.notifyLocked()
}

// FailNext makes the next n calls of method ("" for any method) fail with
// status. 429 answers carry parameters.retry_after = retryAfter; 502, 503 and
// 504 answer an HTML page like Telegram's front proxies do, so clients see
// garbage instead of JSON; other statuses answer the usual error JSON.
func (s *Server) FailNext(method string, n int, status int, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = append(s.fails, failure{method: strings.ToLower(method), left: n, status: status, retryAfter: retryAfter})
}

// SetDelay makes every call of method ("" for any method) wait d before it is
// answered. The wait ends early when the request is cancelled or the server
// closes. A zero d removes the delay.
func (s *Server) SetDelay(method string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d <= 0 {
		delete(s.delays, strings.ToLower(method))
		return
	}
	s.delays[strings.ToLower(method)] = d
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
	return sentIn(s.calls, func(int64) bool { return true })
}

// SentTo returns the messages delivered to chatID so far, in order.
func (s *Server) SentTo(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sentIn(s.calls, func(id int64) bool { return id == chatID })
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
func (s *Server) WaitSent(ctx context.Context, chatID int64, n int) ([]Message, error) {
	match := func(id int64) bool { return chatID == 0 || id == chatID }
	calls, err := s.WaitFor(ctx, func(cs []Call) bool { return len(sentIn(cs, match)) >= n })
	if err != nil {
		return nil, err
	}
	return sentIn(calls, match), nil
}

func sentIn(calls []Call, match func(int64) bool) []Message {
	var out []Message
	for _, c := range calls {
		if !c.OK() || !isSend(c.Method) || !match(c.ChatID) {
			continue
		}
		out = append(out, Message{
			Method: c.Method, ChatID: c.ChatID, MessageID: c.MessageID, Text: c.Text,
			ReplyMarkup: c.ReplyMarkup, ReplyToMessageID: c.ReplyToMessageID, Photo: c.Photo, At: c.At,
		})
	}
	return out
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
	s.notifyLocked()
}

// serveHTTP parses /bot<token>/<method>, applies delays, injected failures
// and limits, runs the method and records the call.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	at := s.now()
	s.inFlight++
	s.notifyLocked()
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.notifyLocked()
		s.mu.Unlock()
	}()

	token, method, ok := splitPath(r.URL.Path)
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found", 0)
		return
	}
	params, upload, err := readParams(r)
	call := Call{Method: method, Params: params, At: at}
	fillCall(&call, params, upload)
	if token != s.token {
		call.Status = http.StatusUnauthorized
		s.record(call)
		writeError(w, http.StatusUnauthorized, "Unauthorized", 0)
		return
	}
	if err != nil {
		call.Status = http.StatusBadRequest
		s.record(call)
		writeError(w, http.StatusBadRequest, "Bad Request: "+err.Error(), 0)
		return
	}

	if !s.wait(r.Context(), method) {
		call.Status = http.StatusServiceUnavailable
		s.record(call)
		return // the client is gone; nobody reads an answer
	}
	if f, ok := s.takeFailure(method); ok {
		call.Status = f.status
		s.record(call)
		writeFailure(w, f)
		return
	}
	h, ok := handlerFor(method)
	if !ok {
		call.Status = http.StatusNotFound
		s.record(call)
		writeError(w, http.StatusNotFound, "Not Found: method not found", 0)
		return
	}
	if isSend(method) {
		if retry, rejected := s.checkLimits(call.ChatID); rejected {
			call.Status = http.StatusTooManyRequests
			s.record(call)
			writeError(w, http.StatusTooManyRequests, fmt.Sprintf("Too Many Requests: retry after %d", retry), retry)
			return
		}
	}
	result, apiErr := h(s, r.Context(), &call)
	if apiErr != nil {
		call.Status = apiErr.code
		s.record(call)
		writeError(w, apiErr.code, apiErr.description, 0)
		return
	}
	call.Status = http.StatusOK
	s.record(call)
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "result": result})
}

// splitPath turns "/bot<token>/<method>" into its parts.
func splitPath(p string) (token, method string, ok bool) {
	rest, ok := strings.CutPrefix(p, "/bot")
	if !ok {
		return "", "", false
	}
	i := strings.LastIndexByte(rest, '/')
	if i < 0 || i == len(rest)-1 {
		return "", "", false
	}
	return rest[:i], rest[i+1:], true
}

// readParams accepts multipart forms (what go-telegram/bot sends), URL-encoded
// forms, query strings and JSON objects, like the real Bot API.
func readParams(r *http.Request) (params map[string]string, upload string, err error) {
	params = make(map[string]string)
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "application/json"):
		var obj map[string]json.RawMessage
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return params, "", fmt.Errorf("read body: %w", err)
		}
		if len(body) > 0 {
			if err := json.Unmarshal(body, &obj); err != nil {
				return params, "", fmt.Errorf("can't parse JSON object")
			}
		}
		for k, v := range obj {
			var str string
			if json.Unmarshal(v, &str) == nil {
				params[k] = str
			} else {
				params[k] = string(v)
			}
		}
	case strings.HasPrefix(ct, "multipart/form-data"):
		// go-telegram/bot sends an empty body for methods without parameters.
		if err := r.ParseMultipartForm(32 << 20); err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, multipart.ErrMessageTooLarge) {
			return params, "", fmt.Errorf("can't parse multipart form")
		}
		if r.MultipartForm != nil {
			for k, fhs := range r.MultipartForm.File {
				if len(fhs) > 0 {
					params[k] = "upload:" + fhs[0].Filename
					if k == "photo" {
						upload = params[k]
					}
				}
			}
		}
	default:
		if err := r.ParseForm(); err != nil {
			return params, "", fmt.Errorf("can't parse form")
		}
	}
	for k, v := range r.Form {
		if len(v) > 0 {
			params[k] = v[0]
		}
	}
	return params, upload, nil
}

// fillCall lifts the common fields out of the raw parameters.
func fillCall(c *Call, p map[string]string, upload string) {
	c.ChatID = parseChatID(p["chat_id"])
	c.Text = p["text"]
	if c.Text == "" {
		c.Text = p["caption"]
	}
	if rm := p["reply_markup"]; rm != "" {
		c.ReplyMarkup = json.RawMessage(rm)
	}
	c.Photo = p["photo"]
	if upload != "" {
		c.Photo = upload
	}
	if id, err := strconv.Atoi(p["message_id"]); err == nil {
		c.MessageID = id
	}
	if rp := p["reply_parameters"]; rp != "" {
		var v models.ReplyParameters
		if json.Unmarshal([]byte(rp), &v) == nil {
			c.ReplyToMessageID = v.MessageID
		}
	} else if id, err := strconv.Atoi(p["reply_to_message_id"]); err == nil {
		c.ReplyToMessageID = id
	}
}

// parseChatID reads a chat_id form value; go-telegram/bot JSON-encodes the
// `any` field, so strings arrive quoted.
func parseChatID(v string) int64 {
	id, err := strconv.ParseInt(strings.Trim(v, `"`), 10, 64)
	if err != nil {
		return 0
	}
	return id
}

// wait applies the configured delay; false when the request or server ended.
func (s *Server) wait(ctx context.Context, method string) bool {
	s.mu.Lock()
	d, ok := s.delays[strings.ToLower(method)]
	if !ok {
		d = s.delays[""]
	}
	s.mu.Unlock()
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.done:
	}
	return false
}

func (s *Server) takeFailure(method string) (failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := strings.ToLower(method)
	for i := range s.fails {
		f := &s.fails[i]
		if f.left > 0 && (f.method == "" || f.method == m) {
			f.left--
			got := *f
			if f.left == 0 {
				s.fails = slices.Delete(s.fails, i, i+1)
			}
			return got, true
		}
	}
	return failure{}, false
}

func writeFailure(w http.ResponseWriter, f failure) {
	switch f.status {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		text := fmt.Sprintf("%d %s", f.status, http.StatusText(f.status))
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.status)
		fmt.Fprintf(w, "<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", text, text)
	case http.StatusTooManyRequests:
		writeError(w, f.status, fmt.Sprintf("Too Many Requests: retry after %d", f.retryAfter), f.retryAfter)
	default:
		writeError(w, f.status, describe(f.status), 0)
	}
}

// describe gives Telegram's description prefix for a status.
func describe(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "Bad Request: injected failure"
	case http.StatusForbidden:
		return "Forbidden: bot was blocked by the user"
	case http.StatusConflict:
		return "Conflict: terminated by other getUpdates request"
	}
	return http.StatusText(status)
}

func writeError(w http.ResponseWriter, status int, description string, retryAfter int) {
	body := map[string]any{"ok": false, "error_code": status, "description": description}
	if retryAfter > 0 {
		body["parameters"] = map[string]int{"retry_after": retryAfter}
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client may be gone; nothing to do about it
}

// botUser is the identity getMe answers; like Telegram, the token's numeric
// prefix is the bot's user id.
func botUser(token string) models.User {
	id := BotID
	if prefix, _, ok := strings.Cut(token, ":"); ok {
		if n, err := strconv.ParseInt(prefix, 10, 64); err == nil {
			id = n
		}
	}
	return models.User{ID: id, IsBot: true, FirstName: "Concierge", Username: "concierge_test_bot"}
}
