package bot_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"concierge/bot"
	"concierge/bot/tgfake"
	"concierge/intents"
)

// turnLocks counts the locks that an open transaction, waiting on its
// client, holds on this test's inbox, owners and conversations tables: a
// turn in progress. Other schemas' tables are other relations.
const turnLocks = `
	SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
	WHERE l.relation IN ('inbox'::regclass, 'owners'::regclass, 'conversations'::regclass)
		AND a.state LIKE 'idle in transaction%' AND l.pid <> pg_backend_pid()`

// TestLLMAskedBeforeTheTurnOpens: with UnderstandFirst a network model is
// asked before the turn's transaction opens, by webhook and by long
// polling, so a slow model holds no connection and no chat lock; its answer
// is used, once, and recorded on the ticket. Without it (the local model's
// setting) the question is asked inside the turn, which the same probe sees.
func TestLLMAskedBeforeTheTurnOpens(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		first     bool
		poll      bool
		wantLocks bool
	}{
		{"webhook", true, false, false},
		{"long polling", true, true, false},
		{"inside the turn when not set", false, false, true},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var (
				e     *env
				ready = make(chan struct{})
				calls atomic.Int64
				locks = make(chan int, 4)
			)
			llm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				io.Copy(io.Discard, r.Body)
				<-ready
				var n int
				if err := e.store.DB().GetContext(r.Context(), &n, turnLocks); err != nil {
					t.Errorf("probe: %v", err)
				}
				locks <- n
				w.Header().Set("Content-Type", "application/json")
				json.NewEncoder(w).Encode(map[string]any{
					"id": "chatcmpl-1", "object": "chat.completion", "created": 1764000000, "model": "test-model",
					"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{
						"role": "assistant",
						"content": `{"intent":"repair","confidence":0.93,"urgent":false,"category":"water",` +
							`"location":{"unit":"3栋2单元1201","area":""},"summary":"厨房水槽堵了"}`,
					}}},
				})
			}))
			t.Cleanup(llm.Close)
			e = setup(t, func(cfg *bot.Config) {
				cfg.Understand = intents.NewLLM(intents.LLMConfig{
					APIKey: "k", BaseURL: llm.URL + "/v1", Model: "test-model", Timeout: 10 * time.Second,
				}, nil)
				cfg.UnderstandFirst = c.first
			})
			close(ready)
			chat := int64(7300 + i)
			upd := tgfake.TextUpdate(int64(900+i), chat, "zh-hans", "3栋2单元1201 厨房水槽堵了,水下不去")
			if c.poll {
				ctx, stop := context.WithCancel(e.ctx)
				defer stop()
				go e.bot.Poll(ctx, e.fake.URL(), tgfake.DefaultToken, time.Second)
				e.fake.PushUpdate(upd)
			} else if code := e.post(t, tgfake.Marshal(upd), "s3cret"); code != http.StatusOK {
				t.Fatalf("webhook answered %d", code)
			}
			e.waitReplies(t, chat, 1)
			if n := <-locks; (n > 0) != c.wantLocks {
				t.Errorf("%d turn locks held while the model was asked, want locks %v", n, c.wantLocks)
			}
			if n := calls.Load(); n != 1 {
				t.Errorf("model asked %d times, want 1", n)
			}
			if n := e.count(t, `SELECT count(*) FROM tickets WHERE model = 'llm:test-model' AND category = 'water'`); n != 1 {
				t.Errorf("%d tickets decided by the model, want 1", n)
			}
		})
	}
}
