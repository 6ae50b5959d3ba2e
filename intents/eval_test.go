package intents

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// fixed answers by text, to test the report without the model.
type fixed map[string]Result

func (f fixed) Understand(_ context.Context, text string) (Result, error) { return f[text], nil }

func TestEvaluate(t *testing.T) {
	t.Parallel()
	u := fixed{
		"a": {Intent: Repair, Urgent: true},
		"b": {Intent: Repair},
		"c": {Intent: Complaint},
		"d": {Intent: Inquiry},
		"e": {Intent: Other, Urgent: true},
	}
	in := strings.Join([]string{
		`{"text":"a","intent":"repair","urgent":true,"lang":"zh-Hans","category":"water"}`,
		`{"text":"b","intent":"repair","urgent":true,"lang":"zh-Hans"}`,
		``,
		`{"text":"c","intent":"inquiry","urgent":false,"lang":"en"}`,
		`{"text":"d","intent":"inquiry","urgent":false,"lang":"en"}`,
		`{"text":"e","intent":"other","urgent":false,"lang":"zh-Hant"}`,
	}, "\n")
	var out bytes.Buffer
	acc, rec, err := Evaluate(context.Background(), u, strings.NewReader(in), &out)
	if err != nil {
		t.Fatal(err)
	}
	if acc != 0.8 || rec != 0.5 {
		t.Errorf("accuracy %v urgent recall %v, want 0.8 and 0.5", acc, rec)
	}
	report := out.String()
	lines := strings.Split(strings.TrimRight(report, "\n"), "\n")
	if last := lines[len(lines)-1]; last != "accuracy=0.8000 urgent_recall=0.5000 n=5" {
		t.Errorf("last line %q", last)
	}
	for _, want := range []string{
		"inquiry       1.0000    0.5000      2", // precision 1/1, recall 1/2
		"complaint     0.0000    0.0000      0",
		"inquiry            0         1         1         0", // confusion row
		"lang en       accuracy=0.5000 n=2",
		"urgent: recall=0.5000 precision=0.5000",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
}

func TestEvaluateErrors(t *testing.T) {
	t.Parallel()
	for name, in := range map[string]string{
		"bad json":       `{"text": "a", "intent":`,
		"unknown intent": `{"text": "a", "intent": "praise", "urgent": false}`,
		"empty":          "\n\n",
	} {
		if _, _, err := Evaluate(context.Background(), fixed{}, strings.NewReader(in), &bytes.Buffer{}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestEvaluateLocalOnHeldout(t *testing.T) {
	t.Parallel()
	// Without lang the per-language block is left out.
	var out bytes.Buffer
	in := `{"text":"煤气味好重","intent":"repair","urgent":true}`
	if _, _, err := Evaluate(context.Background(), newLocal(t), strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "lang ") {
		t.Errorf("per-language accuracy printed without lang fields:\n%s", out.String())
	}
}
