package model

import (
	"slices"
	"testing"
)

func TestAppendNormalized(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"traditional to simplified", "電梯壞了，請幫忙", "电梯坏了,请帮忙"},
		{"full width", "３栋２单元１２０１ＡＢＣ", "3栋2单元1201abc"},
		{"lower case", "Block B 12/F Flat C", "block b 12/f flat c"},
		{"spaces collapse", "  水管\t\n  漏水  ", "水管 漏水"},
		{"ideographic space and stop", "好臭　。", "好臭 ."},
		{"cantonese kept", "有人困咗喺𨋢入面", "有人困咗喺䢂入面"},
		{"invalid utf8 dropped", "漏\xff水", "漏 水"},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := string(AppendNormalized(nil, tc.in)); got != tc.want {
				t.Errorf("AppendNormalized(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestScriptTables(t *testing.T) {
	t.Parallel()
	for _, r := range "電話樓單們漏" {
		if r != '漏' && !IsTraditional(r) {
			t.Errorf("IsTraditional(%q) = false", r)
		}
	}
	for _, r := range "电话楼单们" {
		if !IsSimplified(r) {
			t.Errorf("IsSimplified(%q) = false", r)
		}
		if IsTraditional(r) {
			t.Errorf("IsTraditional(%q) = true", r)
		}
	}
	if IsTraditional('漏') || IsSimplified('漏') {
		t.Error("漏 is the same in both scripts")
	}
	if !slices.IsSorted(t2sFrom[:]) || !slices.IsSorted(simpOnly[:]) {
		t.Error("generated tables must be sorted for binary search")
	}
}

func TestFeaturesDigitsFolded(t *testing.T) {
	t.Parallel()
	a := AppendFeatures(nil, AppendNormalized(nil, "1201室漏水"), 1<<17)
	b := AppendFeatures(nil, AppendNormalized(nil, "803室漏水"), 1<<17)
	if !slices.Equal(a, b) {
		t.Errorf("room numbers should share features: %v vs %v", a, b)
	}
	c := AppendFeatures(nil, AppendNormalized(nil, "803室漏电"), 1<<17)
	if slices.Equal(a, c) {
		t.Error("different texts gave the same features")
	}
	for _, f := range AppendFeatures(nil, AppendNormalized(nil, "Block B flat 12C 漏水?"), 1<<10) {
		if f&^(ConceptBit|GramBit|LocBit) >= 1<<10 {
			t.Fatalf("feature %d: bucket out of range", f)
		}
	}
}

func TestLookupTablesAgree(t *testing.T) {
	t.Parallel()
	for i, r := range t2sFrom {
		if got := ToSimplified(r); got != t2sTo[i] {
			t.Errorf("ToSimplified(%q) = %q, want %q", r, got, t2sTo[i])
		}
	}
	for _, r := range simpOnly {
		if !IsSimplified(r) {
			t.Errorf("IsSimplified(%q) = false", r)
		}
	}
}

func TestConceptsWholeWords(t *testing.T) {
	t.Parallel()
	count := func(s string) int {
		n := 0
		conceptLexicon.Each([]byte(s), func(int) { n++ })
		return n
	}
	tests := []struct {
		text string
		want int
	}{
		{"1201", 0},      // not the ambulance number 120
		{"call 120", 1},  // it is here
		{"what?", 2},     // "what" and "?"
		{"fixed", 1},     // one word
		{"prefixed", 0},  // inside a word
		{"lifts", 1},     // plural
		{"煤气味好重", 3},     // 煤气, 味, 气味
		{"gift shop", 0}, // "if" inside a word
		{"burst!!!", 3},  // burst, and "!!" twice (overlapping)
	}
	for _, tc := range tests {
		if got := count(tc.text); got != tc.want {
			t.Errorf("%q: %d concept words, want %d", tc.text, got, tc.want)
		}
	}
}
