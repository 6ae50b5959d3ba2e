package tgfake

import (
	"math"
	"time"
)

// LimitMode says what the server does with sends that break Telegram's
// limits. Only sendMessage, sendPhoto and copyMessage count.
type LimitMode int

const (
	// LimitsOff checks nothing (the default, and what benchmarks use).
	LimitsOff LimitMode = iota
	// LimitsRecord counts violations but still delivers the message.
	LimitsRecord
	// LimitsEnforce counts violations and answers them with 429 and a
	// retry_after, like Telegram; the rejected message is not delivered and
	// does not use up the allowance.
	LimitsEnforce
)

// The limits, as Telegram documents them ("about 1 message per second" per
// chat, 20 per minute per group, about 30 per second overall).
//
// A private chat gets a token bucket: a burst of PrivateBurst messages, then
// one per second. The burst absorbs network jitter and the short bursts
// Telegram tolerates, while a sustained 2 messages/s still trips it within a
// few seconds. Groups (chat_id < 0) and the global limit are sliding
// windows: more than GroupPerMinute messages to one group in any 60 s, or
// more than GlobalPerSecond messages in any 1 s, is a violation.
const (
	PrivateBurst    = 3
	GroupPerMinute  = 20
	GlobalPerSecond = 30
)

// Violation is one send that broke a limit.
type Violation struct {
	ChatID int64
	Rule   string // "private 1/s", "group 20/min" or "global 30/s"
	At     time.Time
}

// limiter tracks the three limits. It is guarded by Server.mu.
type limiter struct {
	mode       LimitMode
	private    map[int64]time.Time   // chat → theoretical arrival time (GCRA)
	groups     map[int64][]time.Time // chat → send times within the last minute
	global     []time.Time           // send times within the last second
	violations []Violation
}

func newLimiter(mode LimitMode) *limiter {
	return &limiter{mode: mode, private: make(map[int64]time.Time), groups: make(map[int64][]time.Time)}
}

// SetLimits turns the limit checker on or off. Switching mode starts with a
// clean history and no violations.
func (s *Server) SetLimits(mode LimitMode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if mode == LimitsOff {
		s.limits = nil
		return
	}
	s.limits = newLimiter(mode)
}

// Violations returns how many sends broke a limit since SetLimits or Reset.
func (s *Server) Violations() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limits == nil {
		return 0
	}
	return len(s.limits.violations)
}

// ViolationList returns the violations recorded since SetLimits or Reset.
func (s *Server) ViolationList() []Violation {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limits == nil {
		return nil
	}
	return append([]Violation(nil), s.limits.violations...)
}

// checkLimits records a send to chatID now; rejected is true (with the
// seconds to wait) when the limits are enforced and the send breaks one.
func (s *Server) checkLimits(chatID int64) (retryAfter int, rejected bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.now() // read under the lock so windows stay sorted
	l := s.limits
	if l == nil {
		return 0, false
	}
	var wait time.Duration
	var rule string

	// Global: sliding 1 s window.
	l.global = dropBefore(l.global, t.Add(-time.Second))
	if len(l.global) >= GlobalPerSecond {
		wait, rule = l.global[0].Add(time.Second).Sub(t), "global 30/s"
	}

	// Per chat.
	var tat time.Time
	if chatID > 0 {
		const interval = time.Second
		tat = l.private[chatID]
		if tat.Before(t) {
			tat = t
		}
		tat = tat.Add(interval)
		if over := tat.Sub(t) - PrivateBurst*interval; over > 0 && rule == "" {
			wait, rule = over, "private 1/s"
		}
	} else {
		win := dropBefore(l.groups[chatID], t.Add(-time.Minute))
		l.groups[chatID] = win
		if len(win) >= GroupPerMinute && rule == "" {
			wait, rule = win[0].Add(time.Minute).Sub(t), "group 20/min"
		}
	}

	if rule != "" {
		l.violations = append(l.violations, Violation{ChatID: chatID, Rule: rule, At: t})
		if l.mode == LimitsEnforce {
			return max(1, int(math.Ceil(wait.Seconds()))), true
		}
	}
	// The send is delivered: it uses up the allowance.
	l.global = append(l.global, t)
	if chatID > 0 {
		l.private[chatID] = tat
	} else {
		l.groups[chatID] = append(l.groups[chatID], t)
	}
	return 0, false
}

// dropBefore removes the leading times at or before cut from a sorted
// slice: a send exactly one window ago no longer counts.
func dropBefore(ts []time.Time, cut time.Time) []time.Time {
	i := 0
	for i < len(ts) && !ts[i].After(cut) {
		i++
	}
	return ts[i:]
}
