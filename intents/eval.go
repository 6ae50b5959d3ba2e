package intents

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
)

// evalLine is one labelled line; other fields are ignored.
type evalLine struct {
	Text     string    `json:"text"`
	Intent   Intent    `json:"intent"`
	Urgent   bool      `json:"urgent"`
	Lang     *string   `json:"lang"`
	Category *Category `json:"category"`
}

// Evaluate scores u on labelled JSON lines from in ({"text", "intent",
// "urgent"}, other fields ignored, blank lines skipped) and writes a report
// to out: per-intent precision and recall, the confusion matrix, urgent
// recall and precision, accuracy per language when lines carry "lang", category
// accuracy when they carry "category", and
// last exactly one line "accuracy=0.9525 urgent_recall=0.9714 n=400".
// Urgent recall is 1 when no line is urgent. It fails on a malformed line, an
// unknown intent, an empty input, or when u fails (a cancelled ctx).
func Evaluate(ctx context.Context, u interface {
	Understand(context.Context, string) (Result, error)
}, in io.Reader, out io.Writer) (accuracy, urgentRecall float64, err error) {
	var (
		confusion        [len(intentsOrder)][len(intentsOrder)]int
		n, correct       int
		sure, sureRight  int // at or above ConfidenceThreshold
		catN, catRight   int // lines with a category
		tp, fn, fp       int
		langN, langRight = map[string]int{}, map[string]int{}
	)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 4<<20)
	for lineNo := 1; sc.Scan(); lineNo++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var l evalLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return 0, 0, fmt.Errorf("line %d: %w", lineNo, err)
		}
		gold := slices.Index(intentsOrder[:], l.Intent)
		if gold < 0 {
			return 0, 0, fmt.Errorf("line %d: unknown intent %q", lineNo, l.Intent)
		}
		r, err := u.Understand(ctx, l.Text)
		if err != nil {
			return 0, 0, fmt.Errorf("line %d: understand: %w", lineNo, err)
		}
		pred := slices.Index(intentsOrder[:], r.Intent)
		if pred < 0 {
			pred = slices.Index(intentsOrder[:], Other)
		}
		n++
		confusion[gold][pred]++
		ok := gold == pred
		if ok {
			correct++
		}
		if r.Confident() {
			sure++
			if ok {
				sureRight++
			}
		}
		switch {
		case l.Urgent && r.Urgent:
			tp++
		case l.Urgent:
			fn++
		case r.Urgent:
			fp++
		}
		if l.Category != nil {
			catN++
			if r.Category == *l.Category {
				catRight++
			}
		}
		if l.Lang != nil {
			langN[*l.Lang]++
			if ok {
				langRight[*l.Lang]++
			}
		}
	}
	if err := sc.Err(); err != nil {
		return 0, 0, fmt.Errorf("read labelled lines: %w", err)
	}
	if n == 0 {
		return 0, 0, fmt.Errorf("no labelled lines")
	}
	accuracy = float64(correct) / float64(n)
	urgentRecall = 1
	if tp+fn > 0 {
		urgentRecall = float64(tp) / float64(tp+fn)
	}

	w := &errWriter{w: out}
	w.printf("%-10s %9s %9s %6s\n", "intent", "precision", "recall", "n")
	for i, it := range intentsOrder {
		gold, predicted := 0, 0
		for j := range intentsOrder {
			gold += confusion[i][j]
			predicted += confusion[j][i]
		}
		w.printf("%-10s %9.4f %9.4f %6d\n", it, ratio(confusion[i][i], predicted), ratio(confusion[i][i], gold), gold)
	}
	w.printf("\nconfusion (rows: labelled, columns: predicted)\n%-10s", "")
	for _, it := range intentsOrder {
		w.printf(" %9s", it)
	}
	w.printf("\n")
	for i, it := range intentsOrder {
		w.printf("%-10s", it)
		for j := range intentsOrder {
			w.printf(" %9d", confusion[i][j])
		}
		w.printf("\n")
	}
	if catN > 0 {
		w.printf("\ncategory accuracy=%.4f n=%d\n", ratio(catRight, catN), catN)
	}
	w.printf("\nconfident (>= %.2f): %d of %d (%.1f%%), accuracy=%.4f; the rest ask the owner\n",
		ConfidenceThreshold, sure, n, 100*ratio(sure, n), ratio(sureRight, sure))
	w.printf("\nurgent: recall=%.4f precision=%.4f (caught %d, missed %d, false alarms %d)\n",
		urgentRecall, ratio(tp, tp+fp), tp, fn, fp)
	if len(langN) > 0 {
		w.printf("\n")
		langs := make([]string, 0, len(langN))
		for l := range langN {
			langs = append(langs, l)
		}
		slices.Sort(langs)
		for _, l := range langs {
			w.printf("lang %-8s accuracy=%.4f n=%d\n", l, ratio(langRight[l], langN[l]), langN[l])
		}
	}
	w.printf("\naccuracy=%.4f urgent_recall=%.4f n=%d\n", accuracy, urgentRecall, n)
	if w.err != nil {
		return accuracy, urgentRecall, fmt.Errorf("write evaluation: %w", w.err)
	}
	return accuracy, urgentRecall, nil
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// errWriter keeps the first write error so the report reads straight.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
