package intents

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"concierge/intents/internal/model"
)

func TestLocalHardCases(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	tests := []struct {
		name, text string
		intent     Intent
		urgent     bool
		category   Category // "" to skip
	}{
		{"slow repair is a complaint", "报修三天了都没人来", Complaint, false, ""},
		{"slow repair traditional", "報修咗三日都冇人嚟", Complaint, false, ""},
		{"conditional question", "电梯坏了的话找谁?", Inquiry, false, ""},
		{"negated complaint is a question", "不是投诉,就是想问一下管理费怎么交", Inquiry, false, CatFees},
		{"fee question", "请问管理费可以用微信交吗?", Inquiry, false, CatFees},
		{"burst pipe", "家里水管爆了,水漫到客厅了!", Repair, true, CatWater},
		{"gas smell", "煤气味好重", Repair, true, CatGas},
		{"trapped in lift cantonese", "有人困咗喺lift入面", Repair, true, CatLift},
		{"trapped in lift", "someone is trapped in the lift", Repair, true, CatLift},
		{"gas smell english", "I can smell gas in the corridor", Repair, true, CatGas},
		{"dripping tap is not urgent", "厨房水龙头一直滴水,关不紧,想报修", Repair, false, CatWater},
		{"noise complaint", "楼上每天晚上12点还在剁东西,吵得睡不着", Complaint, false, CatNoise},
		{"rude guard", "保安态度很差,对业主大呼小叫", Complaint, false, CatStaffAttitude},
		{"thanks", "谢谢你们,师傅已经修好了", Other, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := l.Understand(context.Background(), tc.text)
			if err != nil {
				t.Fatal(err)
			}
			if r.Intent != tc.intent {
				t.Errorf("Understand(%q).Intent = %s (%.2f), want %s", tc.text, r.Intent, r.Confidence, tc.intent)
			}
			if r.Urgent != tc.urgent {
				t.Errorf("Understand(%q).Urgent = %v, want %v", tc.text, r.Urgent, tc.urgent)
			}
			if tc.category != "" && r.Category != tc.category {
				t.Errorf("Understand(%q).Category = %s, want %s", tc.text, r.Category, tc.category)
			}
		})
	}
}

func TestLocalResult(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	r, err := l.Understand(context.Background(), "您好,3栋2单元1201厨房水管爆了,水漫到客厅了,请马上派人来!")
	if err != nil {
		t.Fatal(err)
	}
	if r.Model != LocalModelName || r.Lang != LangHans || r.Location.Unit != "3栋2单元1201" {
		t.Errorf("got model %q lang %q unit %q", r.Model, r.Lang, r.Location.Unit)
	}
	if !strings.Contains(r.Summary, "3栋2单元1201") || !strings.Contains(r.Summary, "水管爆了") || strings.Contains(r.Summary, "您好") {
		t.Errorf("summary %q should name the unit and the problem, without the greeting", r.Summary)
	}
	if r.Confidence < 0 || r.Confidence > 1 || !r.Confident() {
		t.Errorf("confidence %v should be a confident probability", r.Confidence)
	}

	long := strings.Repeat("Block B 12/F Flat C, the water pipe under the kitchen sink is leaking badly ", 20)
	r, _ = l.Understand(context.Background(), long)
	if n := utf8.RuneCountInString(r.Summary); n > maxSummary || strings.ContainsAny(r.Summary, "\n\t") {
		t.Errorf("summary has %d runes or several lines: %q", n, r.Summary)
	}
	if r.Lang != LangEn || !strings.HasPrefix(strings.TrimPrefix(r.Summary, "URGENT "), "Repair/") {
		t.Errorf("English summary %q (lang %s)", r.Summary, r.Lang)
	}

	r, _ = l.Understand(context.Background(), "12樓C室廁所塞咗")
	if r.Lang != LangHant || !strings.Contains(r.Summary, "報修") {
		t.Errorf("traditional summary %q (lang %s)", r.Summary, r.Lang)
	}
}

func TestConfident(t *testing.T) {
	t.Parallel()
	if (Result{Confidence: ConfidenceThreshold - 0.01}).Confident() {
		t.Error("below the threshold must not be confident")
	}
	if !(Result{Confidence: ConfidenceThreshold}).Confident() {
		t.Error("at the threshold must be confident")
	}
}

func TestSummaryShowsUnitOnce(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	tests := []struct{ text, unit, gone, keep string }{
		{"3-2-1201 厨房漏水", "3栋2单元1201", "3-2-1201", "厨房漏水"},
		{"Block B 12/F Flat C has no power", "Block B 12/F Flat C", "", "has no power"},
		{"你好,厨房水槽堵了,3栋2单元1201", "3栋2单元1201", "堵了,", "厨房水槽堵了"},
		{"。。。", "", ":", ""},
	}
	for _, tc := range tests {
		r, _ := l.Understand(context.Background(), tc.text)
		if strings.Count(r.Summary, tc.unit) != 1 && tc.unit != "" {
			t.Errorf("summary %q should show %q once", r.Summary, tc.unit)
		}
		if tc.gone != "" && strings.Contains(r.Summary, tc.gone) {
			t.Errorf("summary %q should not contain %q", r.Summary, tc.gone)
		}
		if !strings.Contains(r.Summary, tc.keep) {
			t.Errorf("summary %q should contain %q", r.Summary, tc.keep)
		}
	}
}

func TestLabelOrderMatchesModel(t *testing.T) {
	t.Parallel()
	for i, c := range categories {
		if string(c) != model.Categories[i] {
			t.Errorf("category %d: %q here, %q in the model", i, c, model.Categories[i])
		}
	}
	for i, it := range intentsOrder {
		if string(it) != model.Intents[i] {
			t.Errorf("intent %d: %q here, %q in the model", i, it, model.Intents[i])
		}
	}
}

// TestLocalUrgencySanity is what the bot must get right whatever the corpus:
// everyday repairs, a bare location and a slow-repair complaint are not
// emergencies; burst pipes, gas, people trapped, flooding and intruders are.
// The urgent threshold is set for recall first (98.5% out of fold), so a few
// everyday repairs that share an emergency's words ("水管", "一直", "is
// out") may be flagged: those are listed as borderline, and must still score
// below every emergency here, whatever the threshold.
func TestLocalUrgencySanity(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	const (
		calm       = iota // never urgent
		borderline        // may be flagged; scores below every emergency
		emergency         // always urgent
	)
	tests := []struct {
		text string
		kind int
	}{
		{"3栋2单元1201 厨房水管一直在滴水", borderline},
		{"The light in the 12/F corridor of Block B is out", borderline},
		{"5号楼302 卫生间下水道堵了", calm},
		{"卫生间的水龙头一直在滴水,关不紧", calm},
		{"厨房水龙头关不紧,一直滴水", calm},
		{"The corridor light on 12/F is not working", calm},
		{"5号楼302", calm},
		{"报修咗三日都冇人嚟", calm},
		{"家里水管爆了,水漫到客厅了!", emergency},
		{"煤气味好重", emergency},
		{"有人困咗喺lift入面", emergency},
		{"2号电梯困人了", emergency},
		{"smell gas in the kitchen", emergency},
		{"厨房好像有点煤气味", emergency},
		{"成屋水浸呀", emergency},
		{"someone broke into my flat", emergency},
	}
	lowest := 1.0 // the lowest score of an emergency
	for _, tc := range tests {
		if tc.kind == emergency {
			lowest = min(lowest, urgentScore(l, tc.text))
		}
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			t.Parallel()
			r, err := l.Understand(context.Background(), tc.text)
			if err != nil {
				t.Fatal(err)
			}
			p := urgentScore(l, tc.text)
			switch {
			case tc.kind == calm && r.Urgent, tc.kind == emergency && !r.Urgent:
				t.Errorf("Understand(%q).Urgent = %v (P %.3f, threshold %.3f), want %v (intent %s, category %s)",
					tc.text, r.Urgent, p, l.m.UrgentThreshold, tc.kind == emergency, r.Intent, r.Category)
			case tc.kind == borderline && p >= lowest:
				t.Errorf("everyday repair %q scores %.3f, not below every emergency (lowest %.3f)", tc.text, p, lowest)
			}
		})
	}
}

// urgentScore is the local model's probability that text is urgent.
func urgentScore(l *Local, text string) float64 {
	norm := model.AppendNormalized(nil, text)
	var s model.Scores
	l.m.Predict(model.AppendFeatures(nil, norm, l.m.Buckets), &s)
	return s.Urgent
}
