package knowledge_test

import (
	"strings"
	"testing"

	"concierge/intents/knowledge"
)

func TestDefaultBaseCoversTheProcedures(t *testing.T) {
	t.Parallel()
	b := load(t)
	for _, id := range []string{"fees", "renovation", "move_in", "move_out", "parking_card", "parking_lease", "fee_transfer",
		"visitors", "parcels", "outages", "office_hours", "pets", "invoices", "owner_card"} {
		e, ok := b.Entry(id)
		if !ok {
			t.Errorf("no entry %s", id)
			continue
		}
		for _, lang := range []string{knowledge.LangHans, knowledge.LangHant, knowledge.LangEn} {
			if len(e.Questions[lang]) < 3 {
				t.Errorf("entry %s has %d %s sample questions, want at least 3", id, len(e.Questions[lang]), lang)
			}
		}
	}
	// Facts the answers must state, so edits do not lose them.
	facts := map[string][]string{
		"renovation":   {"08:00–12:00", "14:00–18:00", "装修出入证", "3,000"},
		"move_out":     {"没有欠费", "放行条"},
		"move_in":      {"每 3 天"},
		"office_hours": {"400-820-6688"},
	}
	for id, want := range facts {
		e, _ := b.Entry(id)
		for _, f := range want {
			if !strings.Contains(e.Answer("zh-Hans"), f) {
				t.Errorf("entry %s answer lacks %q", id, f)
			}
		}
	}
	if got := b.Estate("en"); got != "Jade Lake Garden" {
		t.Errorf("Estate(en) = %q", got)
	}
}

func TestLang(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"zh-hans": knowledge.LangHans, "zh": knowledge.LangHans, "zh-CN": knowledge.LangHans, "zh_SG": knowledge.LangHans,
		"zh-hant": knowledge.LangHant, "zh-TW": knowledge.LangHant, "zh-hk": knowledge.LangHant, "zh-Hant-HK": knowledge.LangHant, "yue": knowledge.LangHant,
		"en": knowledge.LangEn, "en-GB": knowledge.LangEn, "fr": "", "": "",
	}
	for code, want := range tests {
		if got := knowledge.Lang(code); got != want {
			t.Errorf("Lang(%q) = %q, want %q", code, got, want)
		}
	}
}

func TestAnswerFallsBack(t *testing.T) {
	t.Parallel()
	e := &knowledge.Entry{Answers: map[string]string{"zh-Hans": "简", "zh-Hant": "繁", "en": "en"}}
	onlyEn := &knowledge.Entry{Answers: map[string]string{"en": "en"}}
	tests := []struct {
		e          *knowledge.Entry
		lang, want string
	}{
		{e, "zh-hk", "繁"}, {e, "en-US", "en"}, {e, "fr", "简"}, {e, "", "简"}, {onlyEn, "zh-Hant", "en"},
	}
	for _, tt := range tests {
		if got := tt.e.Answer(tt.lang); got != tt.want {
			t.Errorf("Answer(%q) = %q, want %q", tt.lang, got, tt.want)
		}
	}
}

func TestParseRejectsIncompleteEntries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"not yaml", "entries: [", []string{"parse knowledge base"}},
		{"no entries", "estate: {en: X}\n", []string{"no entries"}},
		{"missing languages and duplicate", `
entries:
  - id: a
    title: {zh-Hans: 甲, zh-Hant: 甲, en: A}
    questions: {zh-Hans: ["甲?"], en: ["A?"]}
    answer: {zh-Hans: 甲。, zh-Hant: 甲。}
  - id: a
    title: {zh-Hans: 乙, zh-Hant: 乙, en: B}
    questions: {zh-Hans: ["乙?"], zh-Hant: ["乙?"], en: ["B?"]}
    answer: {zh-Hans: 乙。, zh-Hant: 乙。, en: B.}
`, []string{"entry a: no zh-Hant questions", "entry a: no en answer", "entry a: duplicate id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := knowledge.Parse([]byte(tt.yaml))
			if err == nil {
				t.Fatal("Parse accepted it")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestTopK(t *testing.T) {
	t.Parallel()
	b := load(t)
	got := b.TopK("停车月卡和车位租赁", "zh-hans", 3)
	if len(got) < 2 || len(got) > 3 {
		t.Fatalf("TopK returned %d matches", len(got))
	}
	ids := map[string]bool{got[0].Entry.ID: true, got[1].Entry.ID: true}
	if !ids["parking_card"] || !ids["parking_lease"] {
		t.Errorf("TopK top two = %s, %s; want both parking entries", got[0].Entry.ID, got[1].Entry.ID)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Score > got[i-1].Score {
			t.Errorf("TopK not sorted: %v", got)
		}
	}
	if _, ok := b.Lookup("停车月卡和车位租赁", "zh-hans"); ok {
		t.Error("Lookup answered a question spanning two entries confidently")
	}
	if got := b.TopK("nothing matches xyzzy", "en", 3); len(got) != 0 {
		t.Errorf("TopK for unknown words = %v", got)
	}
}

func BenchmarkLookup(b *testing.B) {
	kb := load(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		q := answerable[i%len(answerable)]
		kb.Lookup(q.text, q.lang)
	}
}
