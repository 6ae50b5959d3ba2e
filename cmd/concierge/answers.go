package main

import (
	"context"
	"log/slog"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"concierge/intents/knowledge"
)

// answers serves inquiries from the estate's knowledge base: the local
// retrieval decides whether it is sure; with an LLM configured the answer is
// composed from the retrieved entries, falling back to the entry's own text.
type answers struct {
	kb    *knowledge.Base
	llm   *openai.Client
	model string
	log   *slog.Logger
}

func newAnswers(cfg Config, log *slog.Logger) (*answers, error) {
	kb, err := knowledge.Load()
	if err != nil {
		return nil, err
	}
	a := &answers{kb: kb, log: log}
	if cfg.OpenAIKey != "" {
		oc := openai.DefaultConfig(cfg.OpenAIKey)
		if cfg.OpenAIBaseURL != "" {
			oc.BaseURL = cfg.OpenAIBaseURL
		}
		a.llm, a.model = openai.NewClientWithConfig(oc), cfg.OpenAIModel
	}
	return a, nil
}

// Answer returns the knowledge base's answer when retrieval is confident.
func (a *answers) Answer(ctx context.Context, question, lang string) (string, bool) {
	m, ok := a.kb.Lookup(question, lang)
	if !ok {
		return "", false
	}
	if a.llm != nil {
		cctx, cancel := context.WithTimeout(ctx, 6*time.Second)
		defer cancel()
		text, err := a.kb.Compose(cctx, a.llm, a.model, question, lang, a.kb.TopK(question, lang, 3))
		if err == nil && text != "" {
			return text, true
		}
		a.log.WarnContext(ctx, "grounded answer failed; using the entry's text", "entry", m.Entry.ID, "err", err)
	}
	return m.Entry.Answer(lang), true
}

// EstateName is the estate's name in simplified Chinese, for texts.
func (a *answers) EstateName() string { return a.kb.Estate("zh-Hans") }

// EstateNames is the estate's name in each language the bot speaks.
func (a *answers) EstateNames() map[string]string {
	return map[string]string{"zh-Hans": a.kb.Estate("zh-Hans"), "zh-Hant": a.kb.Estate("zh-Hant"), "en": a.kb.Estate("en")}
}

// Hotline is the estate's 24-hour service number.
func (a *answers) Hotline() string { return a.kb.Hotline() }
