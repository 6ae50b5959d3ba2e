package knowledge_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"concierge/intents/knowledge"
)

// chatServer answers /v1/chat/completions with reply (a handler gets the
// decoded request) and returns a go-openai client pointed at it.
func chatServer(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, req openai.ChatCompletionRequest)) *openai.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/chat/completions" {
			http.NotFound(w, r)
			return
		}
		var req openai.ChatCompletionRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		_, _ = io.Copy(io.Discard, r.Body) // at EOF net/http notices a client that leaves
		handle(w, r, req)
	}))
	t.Cleanup(srv.Close)
	cfg := openai.DefaultConfig("test-key")
	cfg.BaseURL = srv.URL + "/v1"
	return openai.NewClientWithConfig(cfg)
}

func completion(content string) string {
	b, _ := json.Marshal(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "created": 1764000000, "model": "test-model",
		"choices": []map[string]any{{"index": 0, "finish_reason": "stop", "message": map[string]string{"role": "assistant", "content": content}}},
		"usage":   map[string]int{"prompt_tokens": 200, "completion_tokens": 50, "total_tokens": 250},
	})
	return string(b)
}

func TestCompose(t *testing.T) {
	t.Parallel()
	b := load(t)
	fees, _ := b.Entry("fees")
	title := fees.Title("zh-hans")
	tests := []struct {
		name    string
		handle  func(w http.ResponseWriter, _ *http.Request, req openai.ChatCompletionRequest)
		matches []knowledge.Match
		want    string
		wantErr error // nil: any error when want is ""
	}{
		{
			name: "grounded reply citing the entry",
			handle: func(w http.ResponseWriter, _ *http.Request, req openai.ChatCompletionRequest) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(completion("您好!管理费为每月 2.80 元/平方米,可在小程序缴纳。【" + title + "】")))
			},
			want: "您好!管理费为每月 2.80 元/平方米,可在小程序缴纳。【" + title + "】",
		},
		{
			name: "reply without a citation",
			handle: func(w http.ResponseWriter, _ *http.Request, _ openai.ChatCompletionRequest) {
				w.Write([]byte(completion("管理费是每月 1 元。")))
			},
			wantErr: knowledge.ErrUngrounded,
		},
		{
			name: "empty reply",
			handle: func(w http.ResponseWriter, _ *http.Request, _ openai.ChatCompletionRequest) {
				w.Write([]byte(completion("  ")))
			},
			wantErr: knowledge.ErrUngrounded,
		},
		{
			name: "server error",
			handle: func(w http.ResponseWriter, _ *http.Request, _ openai.ChatCompletionRequest) {
				w.WriteHeader(http.StatusInternalServerError)
				w.Write([]byte(`{"error":{"message":"boom","type":"server_error"}}`))
			},
		},
		{
			name: "garbage",
			handle: func(w http.ResponseWriter, _ *http.Request, _ openai.ChatCompletionRequest) {
				w.Write([]byte(`<html>bad gateway</html>`))
			},
		},
		{
			name: "slow server hits the caller's deadline",
			handle: func(_ http.ResponseWriter, r *http.Request, _ openai.ChatCompletionRequest) {
				<-r.Context().Done() // never answers; ends when the client gives up
			},
			wantErr: context.DeadlineExceeded,
		},
		{
			name: "no matches",
			handle: func(http.ResponseWriter, *http.Request, openai.ChatCompletionRequest) {
				t.Error("model called without matches")
			},
			matches: []knowledge.Match{},
			wantErr: knowledge.ErrNoMatches,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client := chatServer(t, tt.handle)
			ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
			defer cancel()
			matches := tt.matches
			if matches == nil {
				matches = b.TopK("管理费怎么交", "zh-hans", 3)
			}
			got, err := b.Compose(ctx, client, "test-model", "管理费怎么交", "zh-hans", matches)
			switch {
			case tt.want != "":
				if err != nil || got != tt.want {
					t.Errorf("Compose = %q, %v; want %q", got, err, tt.want)
				}
			case err == nil:
				t.Errorf("Compose = %q, want an error", got)
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Errorf("Compose error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestComposePromptIsGrounded(t *testing.T) {
	t.Parallel()
	b := load(t)
	var got openai.ChatCompletionRequest
	client := chatServer(t, func(w http.ResponseWriter, _ *http.Request, req openai.ChatCompletionRequest) {
		got = req
		w.Write([]byte(completion("Thank you! Please bring your vehicle licence. 【" + b.TopK("parking card", "en", 1)[0].Entry.Title("en") + "】")))
	})
	matches := b.TopK("How do I get a parking card?", "en", 2)
	if len(matches) < 2 || matches[0].Entry.ID != "parking_card" {
		t.Fatalf("TopK = %+v", matches)
	}
	if _, err := b.Compose(t.Context(), client, "test-model", "How do I get a parking card?", "en", matches); err != nil {
		t.Fatalf("Compose: %v", err)
	}
	if got.Model != "test-model" || len(got.Messages) != 2 || got.Messages[1].Content != "How do I get a parking card?" {
		t.Fatalf("request = %+v", got)
	}
	sys := got.Messages[0].Content
	for _, want := range []string{"ONLY", "Jade Lake Garden", "Write in English", matches[0].Entry.Title("en"), matches[0].Entry.Answer("en"), matches[1].Entry.Title("en")} {
		if !strings.Contains(sys, want) {
			t.Errorf("system prompt lacks %q:\n%s", want, sys)
		}
	}
}
