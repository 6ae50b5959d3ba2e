package intents

import (
	"sync"
	"time"
)

// breaker is a consecutive-failure circuit breaker: after threshold failures
// in a row it stays open for cooldown, then lets calls through again (one
// more failure re-opens it at once).
type breaker struct {
	threshold int
	cooldown  time.Duration
	now       func() time.Time // injectable clock

	mu        sync.Mutex
	fails     int
	openUntil time.Time
}

// allow reports whether a call may be made now.
func (b *breaker) allow() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !b.now().Before(b.openUntil)
}

func (b *breaker) success() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.fails = 0
}

// failure records a failed call and reports whether the circuit is now open.
func (b *breaker) failure() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.fails++
	if b.fails >= b.threshold {
		b.openUntil = b.now().Add(b.cooldown)
		return true
	}
	return false
}
