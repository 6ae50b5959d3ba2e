package intents

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxSummary is the summary's length limit in runes.
const maxSummary = 60

var intentLabels = map[Intent][3]string{ // zh-Hans, zh-Hant, en
	Repair:    {"报修", "報修", "Repair"},
	Complaint: {"投诉", "投訴", "Complaint"},
	Inquiry:   {"咨询", "查詢", "Inquiry"},
	Other:     {"其他", "其他", "Other"},
}

var categoryLabels = [len(categories)][3]string{
	{"给排水", "給排水", "plumbing"},
	{"电", "電力", "electrical"},
	{"电梯", "電梯", "lift"},
	{"门锁", "門鎖", "door/lock"},
	{"墙面天花", "牆身天花", "wall/ceiling"},
	{"燃气", "煤氣", "gas"},
	{"公共设施", "公共設施", "public facility"},
	{"噪音", "噪音", "noise"},
	{"邻里", "鄰里", "neighbour"},
	{"服务态度", "服務態度", "staff attitude"},
	{"安保", "保安", "security"},
	{"清洁", "清潔", "cleaning"},
	{"停车", "停車", "parking"},
	{"收费", "收費", "fees"},
	{"装修", "裝修", "renovation"},
	{"宠物", "寵物", "pets"},
	{"其他", "其他", "other"},
}

var urgentLabels = [3]string{"紧急", "緊急", "URGENT"}

func langIndex(lang string) int {
	switch lang {
	case LangHant:
		return 1
	case LangEn:
		return 2
	}
	return 0
}

// greetings are dropped from the start of the summarised clause.
var greetings = []string{"您好", "你好", "hello", "dear", "hi", "唔该", "唔該", "物业", "物業", "管理处", "管理處", "management office", "management"}

// appendSummary writes "紧急 报修·燃气 3栋2单元1201:厨房煤气味好重" or
// "Repair/plumbing, Flat 12C: kitchen sink blocked": labels, location and
// the message's first clause, cut to maxSummary runes.
func appendSummary(dst []byte, r *Result, catIdx int, text string) []byte {
	li := langIndex(r.Lang)
	start := len(dst)
	if r.Urgent {
		dst = append(append(dst, urgentLabels[li]...), ' ')
	}
	dst = append(dst, intentLabels[r.Intent][li]...)
	if r.Intent != Other {
		if li == 2 {
			dst = append(dst, '/')
		} else {
			dst = append(dst, "·"...)
		}
		dst = append(dst, categoryLabels[catIdx][li]...)
	}
	if r.Location.Unit != "" {
		dst = append(append(dst, ' '), r.Location.Unit...)
	} else if r.Location.Area != "" && li == 2 {
		dst = append(append(dst, ' '), r.Location.Area...)
	}
	if li == 2 {
		dst = append(dst, ": "...)
	} else {
		dst = append(dst, ':')
	}
	budget := maxSummary - utf8.RuneCount(dst[start:])
	return appendClause(dst, firstClause(text), budget)
}

// firstClause returns the first sentence of text without a leading greeting.
func firstClause(text string) string {
	text = strings.TrimSpace(text)
	for changed := true; changed; {
		changed = false
		for _, g := range greetings {
			if len(text) >= len(g) && strings.EqualFold(text[:len(g)], g) {
				rest := strings.TrimLeftFunc(text[len(g):], func(r rune) bool {
					return unicode.IsSpace(r) || unicode.IsPunct(r) || r == '～' || r == '~'
				})
				if rest != "" {
					text, changed = rest, true
				}
			}
		}
	}
	if i := strings.IndexAny(text, "。!?！？\n;；"); i > 0 {
		text = text[:i]
	} else if i == 0 {
		text = strings.TrimLeft(text, "。!?！？\n;；")
	}
	return text
}

// appendClause appends s with white space collapsed, cut to budget runes
// (ending with "…" when cut).
func appendClause(dst []byte, s string, budget int) []byte {
	if budget < 4 {
		budget = 4
	}
	n, space := 0, false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError {
			space = true
			continue
		}
		if space && n > 0 {
			if n+1 >= budget {
				break
			}
			dst = append(dst, ' ')
			n++
		}
		space = false
		if n+1 >= budget && utf8.RuneCountInString(s) > 0 {
			dst = append(dst, "…"...)
			return dst
		}
		dst = utf8.AppendRune(dst, r)
		n++
	}
	return dst
}
