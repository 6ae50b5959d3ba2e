package model

import (
	"bytes"
	"testing"
)

var tiny = []Example{
	{"水管漏水", 0, false, 0, ""}, {"水龙头漏水了", 0, false, 0, ""}, {"厨房漏水", 0, false, 0, ""},
	{"煤气泄漏好大味", 0, true, 5, ""}, {"闻到煤气味", 0, true, 5, ""}, {"有煤气味", 0, true, 5, ""},
	{"楼上太吵了", 1, false, 7, ""}, {"隔壁装修好吵", 1, false, 7, ""}, {"晚上很吵", 1, false, 7, ""},
	{"管理费多少钱?", 2, false, 13, ""}, {"怎么交管理费?", 2, false, 13, ""}, {"管理费几时交?", 2, false, 13, ""},
	{"谢谢", 3, false, 16, ""}, {"谢谢你们", 3, false, 16, ""}, {"好的谢谢", 3, false, 16, ""},
}

func TestTrainDeterministicAndRoundTrip(t *testing.T) {
	t.Parallel()
	cfg := DefaultTrainConfig
	cfg.Buckets, cfg.Folds, cfg.MinDF = 1<<12, 3, 1
	m1, rep := Train(tiny, cfg)
	m2, _ := Train(tiny, cfg)
	var b1, b2 bytes.Buffer
	if err := m1.Encode(&b1); err != nil {
		t.Fatal(err)
	}
	if err := m2.Encode(&b2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
		t.Fatal("training twice gave different models")
	}
	if rep.Temperature <= 0 || rep.UrgentThreshold <= 0 || rep.UrgentThreshold > 0.5 {
		t.Errorf("report %+v", rep)
	}
	m, err := Decode(b1.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var s Scores
	m.Predict(AppendFeatures(nil, AppendNormalized(nil, "管理费怎么交?"), m.Buckets), &s)
	if best := argmax(s.Intent[:]); best != 2 {
		t.Errorf("trained model says intent %d for a fee question, probabilities %v", best, s.Intent)
	}
	m.Predict(AppendFeatures(nil, AppendNormalized(nil, "有好大煤气味"), m.Buckets), &s)
	if float32(s.Urgent) < m.UrgentThreshold {
		t.Errorf("gas smell not urgent: %v < %v", s.Urgent, m.UrgentThreshold)
	}
	if _, err := Decode([]byte("garbage")); err == nil {
		t.Error("Decode accepted garbage")
	}
	if _, err := Decode(b1.Bytes()[:b1.Len()/2]); err == nil {
		t.Error("Decode accepted a truncated file")
	}
}

func TestFitStack(t *testing.T) {
	t.Parallel()
	// Urgent when the head's logit is high, except for questions (intent 2).
	var xs [][StackWidth]float64
	var ys []bool
	for i := range 400 {
		logit := float64(i%20) - 10
		question := i%3 == 0
		var in [NIntent]float64
		in[0], in[2] = 0.9, 0.1
		if question {
			in[0], in[2] = 0.1, 0.9
		}
		in[1], in[3] = 1e-3, 1e-3
		var cat [NCategory]float64
		for k := range cat {
			cat[k] = 1.0 / float64(NCategory)
		}
		var x [StackWidth]float64
		StackInputs(&x, logit, &in, &cat, 0)
		xs, ys = append(xs, x), append(ys, logit > 0 && !question)
	}
	beta := fitStack(xs, ys, 1)
	hi, q := xs[19], xs[18] // logit 9: a report; logit 8: a question (18%3 == 0)
	if p := stackProb(beta, &hi); p < 0.5 {
		t.Errorf("report with a high logit: p=%.3f", p)
	}
	if p := stackProb(beta, &q); p > 0.5 {
		t.Errorf("question with a high logit: p=%.3f", p)
	}
}

func TestIsUrgentTwoLevels(t *testing.T) {
	t.Parallel()
	m := &Model{UrgentThreshold: 0.2, UrgentSure: 0.6}
	const event, calm, drip = 1 << 0, 1 << 1, 1 << 10
	tests := []struct {
		p        float64
		concepts uint32
		want     bool
	}{
		{0.1, event, false},       // below the threshold
		{0.3, event, true},        // borderline with an event
		{0.3, 0, true},            // borderline, nothing says it is minor
		{0.3, drip, false},        // borderline drip with no event
		{0.3, event | calm, true}, // an event outweighs the marker
		{0.3, calm, false},        // borderline and hypothetical/past
		{0.7, drip | calm, true},  // at the second level whatever it says
	}
	for _, tc := range tests {
		s := Scores{Urgent: tc.p, Concepts: tc.concepts}
		if got := m.IsUrgent(&s); got != tc.want {
			t.Errorf("IsUrgent(p=%.2f, concepts=%b) = %v, want %v", tc.p, tc.concepts, got, tc.want)
		}
	}
	one := &Model{UrgentThreshold: 0.2, UrgentSure: 0.2} // one level
	if s := (Scores{Urgent: 0.3, Concepts: drip}); !one.IsUrgent(&s) {
		t.Error("with one level, the threshold alone decides")
	}
}

func TestStem(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"leaking": "leak", "leaked": "leak", "leaks": "leak", "flooding": "flood",
		"stopped": "stop", "gas": "gas", "glass": "glass", "bus": "bus", "lift": "lift", "ring": "ring",
	} {
		if got := string(Stem([]byte(in))); got != want {
			t.Errorf("Stem(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLocationFeaturesMarked(t *testing.T) {
	t.Parallel()
	loc := 0
	for _, f := range AppendFeatures(nil, AppendNormalized(nil, "3栋1201 漏水"), 1<<12) {
		if f&LocBit != 0 {
			loc++
		}
	}
	if loc == 0 {
		t.Error("no feature of the unit number is marked LocBit")
	}
	for _, f := range AppendFeatures(nil, AppendNormalized(nil, "厨房漏水"), 1<<12) {
		if f&LocBit != 0 {
			t.Errorf("feature %x of a text without a unit is marked LocBit", f)
		}
	}
}

func TestConceptWordsNormalised(t *testing.T) {
	t.Parallel()
	var present uint64
	conceptLexicon.Each(AppendNormalized(nil, "有人困咗喺升降機入面,聞到煤氣味"), func(id int) { present |= 1 << uint(id) })
	for _, id := range []int{1, 2, 5, 6} { // gas, smell, trapped, lift
		if present&(1<<uint(id)) == 0 {
			t.Errorf("concept %d (%q) not found in traditional text", id, concepts[id][0])
		}
	}
}
