package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"concierge/bot/tgfake"
	"concierge/storage/storagetest"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// TestServeEndToEnd runs `concierge serve` in both modes against the fake
// Bot API: the webhook is registered (or removed for polling), an owner's
// message becomes a ticket with a reply, and the HTTP endpoints answer.
func TestServeEndToEnd(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		webhook bool
	}{
		{"long polling", false},
		{"webhook", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fake := tgfake.New(tgfake.DefaultToken)
			t.Cleanup(fake.Close)
			// An optional method failing never stops the start.
			fake.FailNext("setMyCommands", 1, http.StatusNotFound, 0)
			addr := freeAddr(t)
			vars := map[string]string{
				"DATABASE_URL":       storagetest.NewSchema(t),
				"REDIS_URL":          storagetest.RedisURL(),
				"TELEGRAM_BOT_TOKEN": tgfake.DefaultToken,
				"TELEGRAM_API_URL":   fake.URL(),
				"HTTP_ADDR":          addr,
				"STAFF_CHAT_ID":      "-100123",
			}
			if c.webhook {
				vars["TELEGRAM_WEBHOOK_URL"] = "http://" + addr + "/telegram/hook"
				vars["TELEGRAM_WEBHOOK_SECRET"] = "s3cret_1"
			}
			cfg, err := loadConfig(env(vars))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(storagetest.Context(t))
			var wg sync.WaitGroup
			wg.Go(func() {
				if err := serve(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), io.Discard); err != nil {
					t.Errorf("serve: %v", err)
				}
			})
			t.Cleanup(func() { cancel(); wg.Wait() })

			wctx, wcancel := context.WithTimeout(ctx, 20*time.Second)
			defer wcancel()
			method := "deleteWebhook"
			if c.webhook {
				method = "setWebhook"
			}
			calls, err := fake.WaitFor(wctx, func(cs []tgfake.Call) bool {
				for _, x := range cs {
					if x.Method == method {
						return true
					}
				}
				return false
			})
			if err != nil {
				t.Fatalf("no %s call: %v", method, err)
			}
			for _, x := range calls {
				if x.Method == "setWebhook" && (x.Params["secret_token"] != "s3cret_1" || !strings.HasSuffix(x.Params["url"], "/telegram/hook")) {
					t.Errorf("setWebhook params %v", x.Params)
				}
			}
			upd := tgfake.TextUpdate(1, 4242, "zh-hans", "楼上每天半夜装修,吵得睡不着")
			if c.webhook {
				deadline := time.Now().Add(10 * time.Second)
				for {
					code, err := tgfake.Deliver(wctx, "http://"+addr+"/telegram/hook", "s3cret_1", upd)
					if err == nil && code == http.StatusOK {
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("webhook: %d %v", code, err)
					}
					time.Sleep(50 * time.Millisecond)
				}
				if code, _ := tgfake.Deliver(wctx, "http://"+addr+"/telegram/hook", "wrong", upd); code != http.StatusUnauthorized {
					t.Errorf("wrong secret: %d, want 401", code)
				}
			} else {
				fake.PushUpdate(upd)
			}
			msgs, err := fake.WaitSent(wctx, 4242, 1)
			if err != nil {
				t.Fatalf("no reply: %v", err)
			}
			if !strings.Contains(msgs[0].Text, "C-") {
				t.Errorf("reply lacks a complaint number: %q", msgs[0].Text)
			}
			if _, err := fake.WaitSent(wctx, -100123, 1); err != nil {
				t.Errorf("no card in the staff group: %v", err)
			}
			for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/metrics": 200} {
				resp, err := http.Get("http://" + addr + path)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != want {
					t.Errorf("%s: %d %s", path, resp.StatusCode, body)
				}
				if path == "/metrics" && !strings.Contains(string(body), "concierge_tickets_opened_total") {
					t.Errorf("/metrics lacks concierge_tickets_opened_total")
				}
			}
		})
	}
}
