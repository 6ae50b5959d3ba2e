package tgfake

import (
	"fmt"
	"net/http"
	"net/http/httptest"
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

// Server is a fake Bot API server. Its methods are safe for concurrent use.
type Server struct {
	token string
	me    models.User
	http  *httptest.Server
	done  chan struct{} // closed by Close, ends long polls and delays

	mu        sync.Mutex
	now       func() time.Time
	calls     []Call
	sent      []Message           // calls that delivered a message, in order
	sentBy    map[int64][]Message // the same, per chat
	changed   chan struct{}       // closed and replaced on every recorded call
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
	s.sent, s.sentBy = nil, nil
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
