package intents

import "testing"

func TestDetectLang(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text, code, want string
	}{
		{"simplified", "电梯坏了", "", LangHans},
		{"traditional", "電梯壞了", "", LangHant},
		{"simplified text beats hk code", "电梯坏了", "zh-hk", LangHans},
		{"traditional text beats cn code", "電梯壞了", "zh-cn", LangHant},
		{"cantonese particles", "有人困咗喺lift入面", "", LangHant},
		{"neutral chinese, hk code", "水管漏水", "zh-hk", LangHant},
		{"neutral chinese, tw code", "水管漏水", "zh-TW", LangHant},
		{"neutral chinese, en code", "水管漏水", "en", LangHans},
		{"neutral chinese, no code", "水管漏水", "", LangHans},
		{"english", "The lift is broken", "", LangEn},
		{"english with zh code", "The lift is broken", "zh", LangEn},
		{"digits only, hk code", "1201", "zh-hk", LangHant},
		{"digits only, zh code", "1201", "zh", LangHans},
		{"digits only, en code", "1201", "en-US", LangEn},
		{"emoji, no code", "👍", "", LangHans},
		{"empty", "", "", LangHans},
		{"mixed, more traditional", "Flat 12C 廁所塞咗", "", LangHant},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := DetectLang(tc.text, tc.code); got != tc.want {
				t.Errorf("DetectLang(%q, %q) = %q, want %q", tc.text, tc.code, got, tc.want)
			}
		})
	}
}
