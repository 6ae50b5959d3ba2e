package intents

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzUnderstand(f *testing.F) {
	for _, s := range []string{
		"", " ", "3栋2单元1201厨房漏水", "3-2-1201", "Block B 12/F Flat C", "12樓C室", "B座1203",
		"Flat 12C", "Rm 1203", "1201室", "2号电梯", "lift 2", "12楼走廊", "有人困咗喺lift入面",
		"三栋二单元", "十十十栋", "block", "flat #", "9999999999-9-99999", "\xff\xfe", "𨋢𨋢", "ｌｉｆｔ ２",
	} {
		f.Add(s)
	}
	l, err := NewLocal()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		r, err := l.Understand(context.Background(), text)
		if err != nil {
			t.Fatalf("Understand(%q): %v", text, err)
		}
		if !r.Intent.Valid() || !r.Category.Valid() || r.Model != LocalModelName {
			t.Fatalf("Understand(%q) = %+v", text, r)
		}
		if r.Lang != LangHans && r.Lang != LangHant && r.Lang != LangEn {
			t.Fatalf("lang %q", r.Lang)
		}
		if !(r.Confidence >= 0 && r.Confidence <= 1) {
			t.Fatalf("confidence %v", r.Confidence)
		}
		if !utf8.ValidString(r.Summary) || utf8.RuneCountInString(r.Summary) > maxSummary || strings.Contains(r.Summary, "\n") {
			t.Fatalf("summary %q", r.Summary)
		}
		loc := l.Locate(text)
		if !utf8.ValidString(loc.Unit) || !utf8.ValidString(loc.Area) || loc != r.Location {
			t.Fatalf("Locate(%q) = %+v, Understand said %+v", text, loc, r.Location)
		}
	})
}
