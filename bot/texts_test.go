package bot

import (
	"strings"
	"testing"
)

// TestTextsComplete checks every message exists in the three languages with
// the same placeholders, so no owner ever gets an empty or broken message.
func TestTextsComplete(t *testing.T) {
	for key, tx := range texts {
		for lang, s := range map[string]string{LangHans: tx.hans, LangHant: tx.hant, LangEn: tx.en} {
			if strings.TrimSpace(s) == "" {
				t.Errorf("%s: empty in %s", key, lang)
			}
			if got, want := strings.Count(s, "%"), strings.Count(tx.hans, "%"); got != want {
				t.Errorf("%s: %d placeholders in %s, %d in zh-Hans", key, got, lang, want)
			}
		}
	}
}

func TestNormLang(t *testing.T) {
	cases := []struct{ in, want string }{
		{"zh-hans", LangHans}, {"zh-CN", LangHans}, {"zh-hk", LangHant}, {"zh-TW", LangHant}, {"en-GB", LangEn}, {"", LangHans}, {"fr", LangHans},
	}
	for _, c := range cases {
		if got := normLang(c.in); got != c.want {
			t.Errorf("normLang(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}
