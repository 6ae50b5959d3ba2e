package intents

import (
	"context"
	_ "embed"
	"fmt"
	"sync"
	"unicode/utf8"

	"concierge/intents/internal/model"
)

//go:generate go run ./internal/train -in corpus/train.jsonl,corpus/train_extra.jsonl,corpus/train_more.jsonl -out model.bin

//go:embed model.bin
var modelFile []byte

// LocalModelName is Result.Model for the embedded model.
const LocalModelName = "local-v1"

// maxInput bounds the bytes of a message that are read; owners' messages are
// short, and the bound keeps the cost of one message bounded too.
const maxInput = 4096

// Local is the embedded trained model: hashed character and word n-grams
// into three linear heads (intent, urgency, category), plus deterministic
// unit and area parsing. It is safe for concurrent use.
type Local struct {
	m    *model.Model
	pool sync.Pool // *scratch
}

type scratch struct {
	norm  []byte
	feats []uint32
	buf   []byte
}

// NewLocal loads the embedded trained model.
func NewLocal() (*Local, error) {
	m, err := model.Decode(modelFile)
	if err != nil {
		return nil, fmt.Errorf("load local intent model: %w", err)
	}
	l := &Local{m: m}
	l.pool.New = func() any {
		return &scratch{norm: make([]byte, 0, 512), feats: make([]uint32, 0, 1024), buf: make([]byte, 0, 256)}
	}
	return l, nil
}

// Understand classifies one message. It never fails, whatever the text
// (empty, binary, huge); ctx is not used, the work takes microseconds.
func (l *Local) Understand(_ context.Context, text string) (Result, error) {
	text = truncate(text)
	sc := l.pool.Get().(*scratch)
	defer l.pool.Put(sc)

	sc.norm = model.AppendNormalized(sc.norm[:0], text)
	sc.feats = model.AppendFeatures(sc.feats[:0], sc.norm, l.m.Buckets)
	var s model.Scores
	l.m.Predict(sc.feats, &s)

	ii := argmax(s.Intent[:])
	ci := argmax(s.Category[:])
	r := Result{
		Intent:     intentsOrder[ii],
		Confidence: s.Intent[ii],
		Urgent:     l.m.IsUrgent(&s),
		Category:   categories[ci],
		Lang:       DetectLang(text, ""),
		Model:      LocalModelName,
	}
	var skip [2]int // the unit's bytes in text, left out of the summary's clause
	r.Location, skip = l.locate(sc, r.Lang, text)
	sc.buf = appendSummary(sc.buf[:0], &r, ci, text, skip)
	r.Summary = string(sc.buf)
	return r, nil
}

// Locate returns the unit and common area mentioned in text, if any.
func (l *Local) Locate(text string) Location {
	sc := l.pool.Get().(*scratch)
	defer l.pool.Put(sc)
	text = truncate(text)
	sc.norm = model.AppendNormalized(sc.norm[:0], text)
	loc, _ := l.locate(sc, DetectLang(text, ""), text)
	return loc
}

// locate parses sc.norm, the normalised text; it also returns where the
// unit number is in text (byte offsets, both 0 when there is none).
func (l *Local) locate(sc *scratch, lang, text string) (Location, [2]int) {
	var loc Location
	var span [2]int
	if u, ok := findUnit(sc.norm); ok {
		sc.buf = appendUnit(sc.buf[:0], u, lang)
		loc.Unit = string(sc.buf)
		span[0], span[1] = textSpan(text, sc.norm, u.start, u.end)
	}
	name, b := findArea(sc.norm, sc.buf[:0])
	if name == "" && len(b) > 0 {
		name = string(b)
	}
	loc.Area = name
	return loc, span
}

// textSpan maps a byte span of the normalised text back to text, following
// model.AppendNormalized: one rune for one rune, white space runs as one.
func textSpan(text string, norm []byte, lo, hi int) (int, int) {
	a, b := utf8.RuneCount(norm[:lo]), utf8.RuneCount(norm[:hi])
	tlo, thi := len(text), len(text)
	emitted, space := 0, true
	for i, r := range text {
		if emitted == a && tlo == len(text) {
			tlo = i
		}
		if emitted == b {
			thi = i
			break
		}
		if model.IsBlank(model.Fold(r)) {
			if !space {
				emitted++
				space = true
			}
			continue
		}
		space = false
		emitted++
	}
	return tlo, thi
}

// truncate cuts text to at most maxInput bytes, at a rune boundary.
func truncate(text string) string {
	if len(text) <= maxInput {
		return text
	}
	cut := maxInput
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut]
}

func argmax(p []float64) int {
	best := 0
	for i, v := range p {
		if v > p[best] {
			best = i
		}
	}
	return best
}
