package intents

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"
)

// LLMConfig configures the OpenAI-compatible understander.
type LLMConfig struct {
	APIKey  string
	BaseURL string // e.g. "http://host:port/v1"; "" means the client's default
	Model   string
	Timeout time.Duration // per request; default 4s
	Logger  *slog.Logger  // default slog.Default()
}

// Circuit breaker defaults: this many consecutive failures stop calls to the
// model for the cool-down; the local model answers meanwhile.
const (
	breakerFailures = 5
	breakerCooldown = 30 * time.Second
	defaultTimeout  = 4 * time.Second
)

// LLM understands messages with a chat model through structured output, and
// answers with the local model whenever the model is slow, failing, rate
// limited, or answers something invalid. It is safe for concurrent use.
type LLM struct {
	client   *openai.Client
	model    string
	timeout  time.Duration
	log      *slog.Logger
	fallback *Local
	breaker  *breaker
}

// NewLLM returns an understander calling cfg.Model, falling back to
// fallback (the local model is also consulted for urgency and location on
// every message); a nil fallback means a fresh NewLocal.
func NewLLM(cfg LLMConfig, fallback *Local) *LLM {
	if fallback == nil {
		fallback, _ = NewLocal() // the embedded model; its loading is tested
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		oc.BaseURL = cfg.BaseURL
	}
	log := cmp.Or(cfg.Logger, slog.Default())
	return &LLM{
		client:   openai.NewClientWithConfig(oc),
		model:    cfg.Model,
		timeout:  cmp.Or(cfg.Timeout, defaultTimeout),
		log:      log.With("component", "intents"),
		fallback: fallback,
		breaker:  &breaker{threshold: breakerFailures, cooldown: breakerCooldown, now: time.Now},
	}
}

// Understand asks the chat model. On a timeout, an HTTP error, a 429, or an
// answer that is not valid JSON of the expected shape, it logs a warning and
// returns the local model's result instead (Model "local-v1"); after
// repeated failures it stops calling the model for a cool-down. It returns an
// error only when ctx is done. Urgent is true when either model says so:
// the chat model never lowers the local model's urgency recall.
func (m *LLM) Understand(ctx context.Context, text string) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	if m.fallback == nil {
		return Result{}, errors.New("understand: no local model")
	}
	local, _ := m.fallback.Understand(ctx, text)
	if !m.breaker.allow() {
		m.log.DebugContext(ctx, "llm skipped: circuit open", "model", m.model)
		return local, nil
	}
	res, err := m.ask(ctx, text)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return Result{}, ctxErr
		}
		open := m.breaker.failure()
		m.log.WarnContext(ctx, "llm understanding failed, using local model",
			"model", m.model, "err", err, "circuit_open", open)
		return local, nil
	}
	m.breaker.success()
	res.Urgent = res.Urgent || local.Urgent
	res.Lang = local.Lang
	// The parser's normalised forms win ("3栋2单元1201", "lift 2"); the
	// model's reading fills in what the parser did not find.
	if local.Location.Unit != "" {
		res.Location.Unit = local.Location.Unit
	}
	if local.Location.Area != "" {
		res.Location.Area = local.Location.Area
	}
	res.Model = "llm:" + m.model
	return res, nil
}

// errInvalidAnswer marks a model answer that is not the promised JSON.
var errInvalidAnswer = errors.New("invalid model answer")

func (m *LLM) ask(ctx context.Context, text string) (Result, error) {
	ctx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	resp, err := m.client.CreateChatCompletion(ctx, openai.ChatCompletionRequest{
		Model:       m.model,
		Temperature: 0,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: systemPrompt},
			{Role: openai.ChatMessageRoleUser, Content: text},
		},
		ResponseFormat: &openai.ChatCompletionResponseFormat{
			Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
				Name:   "understanding",
				Schema: answerSchema,
				Strict: true,
			},
		},
	})
	if err != nil {
		return Result{}, fmt.Errorf("chat completion: %w", err)
	}
	if len(resp.Choices) == 0 {
		return Result{}, fmt.Errorf("%w: no choices", errInvalidAnswer)
	}
	return parseAnswer(resp.Choices[0].Message.Content)
}

// answer is the JSON the model must return.
type answer struct {
	Intent     string   `json:"intent"`
	Confidence *float64 `json:"confidence"`
	Urgent     *bool    `json:"urgent"`
	Category   string   `json:"category"`
	Location   *struct {
		Unit string `json:"unit"`
		Area string `json:"area"`
	} `json:"location"`
	Summary string `json:"summary"`
}

// parseAnswer validates the model's JSON: enum values, ranges, required
// fields. Over-long strings are cut rather than refused.
func parseAnswer(content string) (Result, error) {
	var a answer
	dec := json.NewDecoder(strings.NewReader(strings.TrimSpace(content)))
	if err := dec.Decode(&a); err != nil {
		return Result{}, fmt.Errorf("%w: %v", errInvalidAnswer, err)
	}
	switch {
	case !Intent(a.Intent).Valid():
		return Result{}, fmt.Errorf("%w: intent %q", errInvalidAnswer, a.Intent)
	case !Category(a.Category).Valid():
		return Result{}, fmt.Errorf("%w: category %q", errInvalidAnswer, a.Category)
	case a.Confidence == nil || math.IsNaN(*a.Confidence) || *a.Confidence < 0 || *a.Confidence > 1:
		return Result{}, fmt.Errorf("%w: confidence missing or out of 0..1", errInvalidAnswer)
	case a.Urgent == nil:
		return Result{}, fmt.Errorf("%w: urgent missing", errInvalidAnswer)
	case strings.TrimSpace(a.Summary) == "":
		return Result{}, fmt.Errorf("%w: empty summary", errInvalidAnswer)
	}
	r := Result{
		Intent:     Intent(a.Intent),
		Confidence: *a.Confidence,
		Urgent:     *a.Urgent,
		Category:   Category(a.Category),
		Summary:    clip(a.Summary, maxSummary),
	}
	if a.Location != nil {
		r.Location = Location{Unit: clip(a.Location.Unit, 40), Area: clip(a.Location.Area, 40)}
	}
	return r, nil
}

// clip returns s on one line, trimmed, at most n runes.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
