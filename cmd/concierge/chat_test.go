package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"concierge/storage/storagetest"
)

// lockedBuffer collects what chat prints from its own and the sender's
// goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestChatPressesButtons: in `concierge chat` an owner reports a repair,
// gets the optional photo / visit-time offer, and presses its Skip button
// by typing its number; the bot takes the press and says so.
func TestChatPressesButtons(t *testing.T) {
	t.Parallel()
	cfg, err := loadConfig(env(map[string]string{
		"DATABASE_URL": storagetest.NewSchema(t),
		"REDIS_URL":    storagetest.RedisURL(),
		"QUIET_HOURS":  "",
	}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(storagetest.Context(t))
	defer cancel()
	in, typed := io.Pipe()
	out := &lockedBuffer{}
	done := make(chan error, 1)
	go func() { done <- chat(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), in, out) }()

	waitFor := func(want string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !strings.Contains(out.String(), want) {
			if time.Now().After(deadline) {
				t.Fatalf("chat never printed %q; it printed:\n%s", want, out.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	io.WriteString(typed, "3栋1201 客厅的灯坏了\n")
	waitFor("R-")
	waitFor("[1] 跳过")
	io.WriteString(typed, "1\n")
	waitFor("好的，没问题。有进展我会第一时间通知您。")
	typed.Close()
	if err := <-done; err != nil {
		t.Fatalf("chat: %v", err)
	}
}
