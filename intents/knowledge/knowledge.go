// Package knowledge is the estate knowledge base: text in, answer out.
//
// An estate's facts (fees, renovation, move-in and move-out, parking, …)
// live in a YAML file embedded in the binary (kb/default.yaml). Load parses
// it and builds a BM25 index over each entry's titles, sample questions and
// keywords in all three languages; Lookup answers an owner's question only
// when one entry is a clear best match, and Compose optionally lets an LLM
// phrase a reply grounded in the retrieved entries.
//
// The package imports no Telegram, Postgres or Redis code and no other
// Concierge package.
package knowledge

import (
	"cmp"
	_ "embed"
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The languages every entry is written in.
const (
	LangHans = "zh-Hans" // simplified Chinese
	LangHant = "zh-Hant" // traditional Chinese (Hong Kong, Taiwan)
	LangEn   = "en"
)

var languages = [...]string{LangHans, LangHant, LangEn}

//go:embed kb/default.yaml
var defaultKB []byte

// Entry is one topic of the knowledge base.
type Entry struct {
	ID        string              `yaml:"id"`
	Titles    map[string]string   `yaml:"title"`     // language → title
	Keywords  []string            `yaml:"keywords"`  // any language
	Questions map[string][]string `yaml:"questions"` // language → sample questions
	Answers   map[string]string   `yaml:"answer"`    // language → answer
}

// Answer returns the answer in lang (a code such as "zh-Hans", "zh-hk" or
// "en-US"), falling back to simplified Chinese, then English.
func (e *Entry) Answer(lang string) string { return pick(e.Answers, lang) }

// Title returns the title in lang, with the same fallbacks as Answer.
func (e *Entry) Title(lang string) string { return pick(e.Titles, lang) }

func pick(m map[string]string, lang string) string {
	if s := m[Lang(lang)]; s != "" {
		return s
	}
	return cmp.Or(m[LangHans], m[LangEn])
}

// Lang maps a language code as Telegram reports it ("zh-hans", "zh-TW",
// "zh-hk", "en-GB", …) to LangHans, LangHant or LangEn; it returns "" for
// other languages.
func Lang(code string) string {
	c := strings.ToLower(strings.ReplaceAll(code, "_", "-"))
	switch {
	case c == "en" || strings.HasPrefix(c, "en-"):
		return LangEn
	case strings.HasPrefix(c, "zh-hant"), c == "zh-tw", c == "zh-hk", c == "zh-mo", c == "yue" || strings.HasPrefix(c, "yue-"):
		return LangHant
	case c == "zh" || strings.HasPrefix(c, "zh-"):
		return LangHans
	}
	return ""
}

// Base is a parsed knowledge base with its search index. It is read-only
// after Load or Parse and safe for concurrent use.
type Base struct {
	estate  map[string]string
	hotline string
	entries []*Entry
	byID    map[string]*Entry
	index   *index
}

// Match is a retrieved entry with its score: the BM25 score divided by the
// query's total IDF weight, so it does not grow with the query's length
// (about 1 when every query term occurs once in an average entry).
type Match struct {
	Entry *Entry
	Score float64
}

// Load returns the embedded knowledge base of the estate "default".
func Load() (*Base, error) {
	b, err := Parse(defaultKB)
	if err != nil {
		return nil, fmt.Errorf("load default knowledge base: %w", err)
	}
	return b, nil
}

// Parse reads a knowledge base in the YAML format of kb/default.yaml and
// indexes it. Every entry needs a unique id and, in each of the three
// languages, a title, an answer and at least one sample question; all
// problems are reported together.
func Parse(data []byte) (*Base, error) {
	var doc struct {
		Estate  map[string]string `yaml:"estate"`
		Hotline string            `yaml:"hotline"`
		Entries []*Entry          `yaml:"entries"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parse knowledge base: %w", err)
	}
	var errs []error
	if len(doc.Entries) == 0 {
		errs = append(errs, errors.New("no entries"))
	}
	if strings.TrimSpace(doc.Hotline) == "" {
		errs = append(errs, errors.New("no hotline"))
	}
	byID := make(map[string]*Entry, len(doc.Entries))
	for i, e := range doc.Entries {
		if e.ID == "" {
			errs = append(errs, fmt.Errorf("entry %d: no id", i+1))
			continue
		}
		if byID[e.ID] != nil {
			errs = append(errs, fmt.Errorf("entry %s: duplicate id", e.ID))
		}
		byID[e.ID] = e
		for _, l := range languages {
			if strings.TrimSpace(e.Titles[l]) == "" {
				errs = append(errs, fmt.Errorf("entry %s: no %s title", e.ID, l))
			}
			if strings.TrimSpace(e.Answers[l]) == "" {
				errs = append(errs, fmt.Errorf("entry %s: no %s answer", e.ID, l))
			}
			if len(e.Questions[l]) == 0 {
				errs = append(errs, fmt.Errorf("entry %s: no %s questions", e.ID, l))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("invalid knowledge base: %w", err)
	}
	return &Base{estate: doc.Estate, hotline: strings.TrimSpace(doc.Hotline), entries: doc.Entries, byID: byID, index: newIndex(doc.Entries)}, nil
}

// Hotline returns the estate's 24-hour service number.
func (b *Base) Hotline() string { return b.hotline }

// Estate returns the estate's name in lang, with the usual fallbacks.
func (b *Base) Estate(lang string) string { return pick(b.estate, lang) }

// Entries returns every entry in file order. Callers must not modify them.
func (b *Base) Entries() []*Entry { return b.entries }

// Entry returns the entry with this id, or false.
func (b *Base) Entry(id string) (*Entry, bool) {
	e, ok := b.byID[id]
	return e, ok
}

// Confidence thresholds for Lookup, tuned on the tests' questions: the best
// match must reach MinScore and beat the runner-up by MinMargin (a ratio).
const (
	MinScore  = 0.45
	MinMargin = 1.3
)

// Lookup finds the entry answering text. ok is true only when the best match
// scores at least MinScore and at least MinMargin times the second best; a
// repair report, a complaint or small talk should come back not ok. lang is
// the owner's language; retrieval itself covers all three languages, and
// lang only decides which answer the caller shows.
func (b *Base) Lookup(text, lang string) (Match, bool) {
	top := b.TopK(text, lang, 2)
	if len(top) == 0 {
		return Match{}, false
	}
	best := top[0]
	if best.Score < MinScore {
		return best, false
	}
	if len(top) > 1 && best.Score < MinMargin*top[1].Score {
		return best, false
	}
	return best, true
}

// TopK returns up to k entries with a positive score, best first.
func (b *Base) TopK(text, lang string, k int) []Match {
	return b.index.search(text, k)
}
