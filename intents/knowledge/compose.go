package knowledge

import (
	"context"
	"errors"
	"fmt"
	"strings"

	openai "github.com/sashabaranov/go-openai"
)

// ErrNoMatches is returned by Compose when it is given no entries to ground
// an answer in.
var ErrNoMatches = errors.New("no knowledge base entries to answer from")

// ErrUngrounded is returned by Compose when the model's reply is empty or
// cites none of the entries it was given; the caller then shows the local
// answer instead.
var ErrUngrounded = errors.New("model reply does not cite the knowledge base")

var languageNames = map[string]string{
	LangHans: "Simplified Chinese (简体中文)",
	LangHant: "Traditional Chinese as used in Hong Kong (繁體中文)",
	LangEn:   "English",
}

// Compose asks an OpenAI-compatible model to answer question in lang using
// only the matched entries, citing them by title. The caller sets the
// deadline on ctx; on any error (ErrNoMatches, ErrUngrounded, a transport
// or API error) it should fall back to matches[0].Entry.Answer(lang).
func (b *Base) Compose(ctx context.Context, client *openai.Client, model, question, lang string, matches []Match) (string, error) {
	if len(matches) == 0 {
		return "", ErrNoMatches
	}
	resp, err := client.CreateChatCompletion(ctx, openai.ChatCompletionRequest{
		Model:       model,
		Temperature: 0.2,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: b.systemPrompt(lang, matches)},
			{Role: openai.ChatMessageRoleUser, Content: question},
		},
	})
	if err != nil {
		return "", fmt.Errorf("compose answer: %w", err)
	}
	if len(resp.Choices) == 0 {
		return "", fmt.Errorf("compose answer: no choices: %w", ErrUngrounded)
	}
	reply := strings.TrimSpace(resp.Choices[0].Message.Content)
	for _, m := range matches {
		if reply != "" && strings.Contains(reply, m.Entry.Title(lang)) {
			return reply, nil
		}
	}
	return "", fmt.Errorf("compose answer: %w", ErrUngrounded)
}

// systemPrompt gives the model the estate's entries and the rules: answer
// only from them, cite titles, be warm, say what happens next, and hand
// over to a colleague when the entries do not answer the question.
func (b *Base) systemPrompt(lang string, matches []Match) string {
	name := languageNames[Lang(lang)]
	if name == "" {
		name = languageNames[LangHans]
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "You are the customer-service assistant of the residential estate %s, writing to an owner in a chat.\n", b.Estate(lang))
	sb.WriteString("Rules:\n")
	sb.WriteString("- Answer ONLY with facts from the knowledge base entries below. Never invent fees, times, phone numbers or procedures.\n")
	sb.WriteString("- Cite every entry you use by its exact title in 【】 brackets, e.g. 【" + matches[0].Entry.Title(lang) + "】.\n")
	sb.WriteString("- If the entries do not answer the question, say so kindly and tell the owner a colleague will reply within 24 hours.\n")
	sb.WriteString("- Be polite and warm (please, thank you), never blame the owner, keep it short, and say what happens next.\n")
	fmt.Fprintf(&sb, "- Write in %s.\n\nKnowledge base entries:\n", name)
	for _, m := range matches {
		fmt.Fprintf(&sb, "\n### %s\n%s\n", m.Entry.Title(lang), m.Entry.Answer(lang))
	}
	return sb.String()
}
