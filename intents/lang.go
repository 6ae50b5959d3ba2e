package intents

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"concierge/intents/internal/model"
)

// Languages a Result can be in.
const (
	LangHans = "zh-Hans"
	LangHant = "zh-Hant"
	LangEn   = "en"
)

// DetectLang returns "zh-Hans", "zh-Hant" or "en" for a message.
//
// Chinese text decides by its script: more traditional-only than
// simplified-only characters means zh-Hant, and the reverse zh-Hans; with no
// difference, Cantonese particles (咗, 喺, 嘅, 冇, …) mean zh-Hant. Otherwise
// the Telegram language code decides the script of Chinese text ("zh-hk",
// "zh-tw", "zh-hant*" → zh-Hant, else zh-Hans). Text without Chinese
// characters but with two Latin letters or more is en. Otherwise the code decides
// ("zh-hk", "zh-tw" → zh-Hant; "zh", "zh-cn" → zh-Hans; "en*" → en), and the
// default is zh-Hans.
func DetectLang(text, telegramLanguageCode string) string {
	trad, simp, han, latin, canto := 0, 0, 0, 0, 0
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		i += n
		switch {
		case r < utf8.RuneSelf:
			if 'a' <= r|0x20 && r|0x20 <= 'z' {
				latin++
			}
		case unicode.Is(unicode.Han, r):
			han++
			if model.IsTraditional(r) {
				trad++
			} else if model.IsSimplified(r) {
				simp++
			}
			if strings.ContainsRune("咗喺嘅冇啲嘢佢哋嚟唔咁噉乜嘥攞", r) {
				canto++
			}
		}
	}
	switch {
	case trad > simp:
		return LangHant
	case simp > trad:
		return LangHans
	}
	code := strings.ToLower(strings.ReplaceAll(telegramLanguageCode, "_", "-"))
	if han > 0 {
		if canto > 0 || code == "zh-hk" || code == "zh-tw" || code == "zh-mo" || strings.HasPrefix(code, "zh-hant") || code == "yue" {
			return LangHant
		}
		return LangHans
	}
	switch {
	case latin >= 2:
		return LangEn
	case code == "zh-hk" || code == "zh-tw" || code == "zh-mo" || strings.HasPrefix(code, "zh-hant"):
		return LangHant
	case code == "zh" || strings.HasPrefix(code, "zh-"):
		return LangHans
	case code == "en" || strings.HasPrefix(code, "en-"):
		return LangEn
	}
	return LangHans
}
