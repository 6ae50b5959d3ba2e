package intents

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeOpenAI is an OpenAI-compatible chat completions server answering
// with reply for every request and counting the calls.
type fakeOpenAI struct {
	calls atomic.Int64
	stop  context.Context // done when the test ends: slow answers give up
	mu    sync.Mutex
	reply func(w http.ResponseWriter, r *http.Request)
}

func (f *fakeOpenAI) setReply(reply func(w http.ResponseWriter, r *http.Request)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reply = reply
}

func (f *fakeOpenAI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.calls.Add(1)
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		http.Error(w, `{"error":{"message":"not found"}}`, http.StatusNotFound)
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	defer context.AfterFunc(f.stop, cancel)()
	f.mu.Lock()
	reply := f.reply
	f.mu.Unlock()
	reply(w, r.WithContext(ctx))
}

// completion writes a chat completion whose message content is content.
func completion(content string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Model          string          `json:"model"`
			ResponseFormat json.RawMessage `json:"response_format"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || !bytes.Contains(req.ResponseFormat, []byte(`"json_schema"`)) {
			http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion", "created": 1764000000, "model": req.Model,
			"choices": []any{map[string]any{
				"index": 0, "finish_reason": "stop",
				"message": map[string]any{"role": "assistant", "content": content},
			}},
			"usage": map[string]any{"prompt_tokens": 100, "completion_tokens": 40, "total_tokens": 140},
		})
	}
}

func apiError(status int) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(`{"error":{"message":"try later","type":"server_error","code":null}}`))
	}
}

// logBuffer collects log records for assertions; safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type llmBundle struct {
	fake *fakeOpenAI
	llm  *LLM
	logs *logBuffer
	now  *time.Time
}

func setupLLM(t *testing.T, reply func(http.ResponseWriter, *http.Request), timeout time.Duration) llmBundle {
	t.Helper()
	stop, cancel := context.WithCancel(context.Background())
	fake := &fakeOpenAI{reply: reply, stop: stop}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	t.Cleanup(cancel) // runs first: a slow handler returns, so Close can finish
	logs := &logBuffer{}
	m := NewLLM(LLMConfig{
		APIKey: "test-key", BaseURL: srv.URL + "/v1", Model: "test-model", Timeout: timeout,
		Logger: slog.New(slog.NewTextHandler(logs, nil)),
	}, newLocal(t))
	now := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
	m.breaker.now = func() time.Time { return now }
	return llmBundle{fake: fake, llm: m, logs: logs, now: &now}
}

const goodAnswer = `{"intent":"repair","confidence":0.93,"urgent":false,"category":"water",
	"location":{"unit":"3栋2单元1201","area":""},"summary":"厨房水槽堵了"}`

func TestLLMUnderstand(t *testing.T) {
	t.Parallel()
	slow := func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		<-r.Context().Done() // the client gave up, or the test ended
		completion(goodAnswer)(w, r)
	}
	tests := []struct {
		name      string
		reply     func(http.ResponseWriter, *http.Request)
		wantModel string
		wantWarn  bool
	}{
		{"good answer", completion(goodAnswer), "llm:test-model", false},
		{"garbage json", completion(`{"intent": "repair", "confid`), LocalModelName, true},
		{"not json at all", completion(`Sure! The intent is repair.`), LocalModelName, true},
		{"invalid intent enum", completion(strings.Replace(goodAnswer, `"repair"`, `"emergency"`, 1)), LocalModelName, true},
		{"invalid category enum", completion(strings.Replace(goodAnswer, `"water"`, `"plumbing"`, 1)), LocalModelName, true},
		{"confidence out of range", completion(strings.Replace(goodAnswer, `0.93`, `93`, 1)), LocalModelName, true},
		{"missing urgent", completion(strings.Replace(goodAnswer, `"urgent":false,`, ``, 1)), LocalModelName, true},
		{"slow answer", slow, LocalModelName, true},
		{"rate limited 429", apiError(http.StatusTooManyRequests), LocalModelName, true},
		{"server error 500", apiError(http.StatusInternalServerError), LocalModelName, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setupLLM(t, tc.reply, 100*time.Millisecond)
			r, err := b.llm.Understand(context.Background(), "你好,3栋2单元1201厨房水槽堵了,水下不去")
			if err != nil {
				t.Fatalf("Understand: %v", err)
			}
			if r.Model != tc.wantModel {
				t.Errorf("Model = %q, want %q", r.Model, tc.wantModel)
			}
			if !r.Intent.Valid() || !r.Category.Valid() || r.Lang != LangHans || r.Summary == "" {
				t.Errorf("invalid result %+v", r)
			}
			if r.Location.Unit != "3栋2单元1201" {
				t.Errorf("unit = %q", r.Location.Unit)
			}
			if warned := strings.Contains(b.logs.String(), "level=WARN"); warned != tc.wantWarn {
				t.Errorf("warned = %v, want %v; logs: %s", warned, tc.wantWarn, b.logs.String())
			}
			if strings.Contains(b.logs.String(), "水槽") {
				t.Error("the message text must not be logged")
			}
			if got := b.fake.calls.Load(); got != 1 {
				t.Errorf("server called %d times, want 1", got)
			}
		})
	}
}

func TestLLMGoodAnswerFields(t *testing.T) {
	t.Parallel()
	b := setupLLM(t, completion(goodAnswer), time.Second)
	r, err := b.llm.Understand(context.Background(), "厨房水槽堵了")
	if err != nil {
		t.Fatal(err)
	}
	local, _ := b.llm.fallback.Understand(context.Background(), "厨房水槽堵了")
	want := Result{Intent: Repair, Confidence: 0.93, Category: CatWater, Summary: "厨房水槽堵了",
		Location: Location{Unit: "3栋2单元1201"}, Lang: LangHans, Model: "llm:test-model",
		Urgent: local.Urgent} // the answer says false; the local model may raise it
	if r != want {
		t.Errorf("got %+v\nwant %+v", r, want)
	}
}

func TestLLMNeverLowersUrgency(t *testing.T) {
	t.Parallel()
	notUrgent := `{"intent":"repair","confidence":0.9,"urgent":false,"category":"gas","location":{"unit":"","area":""},"summary":"煤气味"}`
	b := setupLLM(t, completion(notUrgent), time.Second)
	r, err := b.llm.Understand(context.Background(), "厨房煤气味好重,好像漏气了")
	if err != nil {
		t.Fatal(err)
	}
	if r.Model != "llm:test-model" || !r.Urgent {
		t.Errorf("model %q urgent %v: the local model's urgency must stand", r.Model, r.Urgent)
	}
}

func TestLLMBreaker(t *testing.T) {
	t.Parallel()
	b := setupLLM(t, apiError(http.StatusInternalServerError), time.Second)
	ctx := context.Background()
	for i := range breakerFailures + 3 {
		r, err := b.llm.Understand(ctx, "电梯坏了")
		if err != nil || r.Model != LocalModelName {
			t.Fatalf("call %d: %v, model %q", i, err, r.Model)
		}
	}
	if got := b.fake.calls.Load(); got != breakerFailures {
		t.Fatalf("server called %d times, want %d: the breaker must open", got, breakerFailures)
	}
	*b.now = b.now.Add(breakerCooldown - time.Second)
	b.llm.Understand(ctx, "电梯坏了")
	if got := b.fake.calls.Load(); got != breakerFailures {
		t.Fatalf("server called during the cool-down (%d calls)", got)
	}
	*b.now = b.now.Add(2 * time.Second)
	b.fake.setReply(completion(goodAnswer))
	r, _ := b.llm.Understand(ctx, "电梯坏了")
	if got := b.fake.calls.Load(); got != breakerFailures+1 || r.Model != "llm:test-model" {
		t.Fatalf("after the cool-down: %d calls, model %q", got, r.Model)
	}
}

func TestLLMCancelled(t *testing.T) {
	t.Parallel()
	b := setupLLM(t, completion(goodAnswer), time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.llm.Understand(ctx, "电梯坏了"); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}
