package intents

import (
	"bytes"
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
func appendSummary(dst []byte, r *Result, catIdx int, text string, skip [2]int) []byte {
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
	lo, hi := firstClause(text)
	n := len(dst)
	dst = appendClause(dst, text, lo, hi, skip, budget)
	if len(dst) == n { // nothing to quote: no dangling colon
		dst = bytes.TrimRight(dst, ": ")
	}
	if utf8.RuneCount(dst[start:]) > maxSummary { // labels and unit alone too long
		cut, k := start, 0
		for k < maxSummary-1 {
			_, w := utf8.DecodeRune(dst[cut:])
			cut += w
			k++
		}
		dst = append(dst[:cut], "…"...)
	}
	return dst
}

// firstClause returns the byte span of the first sentence of text, without
// a leading greeting.
func firstClause(text string) (lo, hi int) {
	lo, hi = 0, len(text)
	skipBlank := func() {
		for lo < hi {
			r, n := utf8.DecodeRuneInString(text[lo:])
			if !unicode.IsSpace(r) && !unicode.IsPunct(r) && r != '～' && r != '~' {
				return
			}
			lo += n
		}
	}
	skipBlank()
	for changed := true; changed; {
		changed = false
		for _, g := range greetings {
			if hi-lo > len(g) && strings.EqualFold(text[lo:lo+len(g)], g) {
				save := lo
				lo += len(g)
				if next, _ := utf8.DecodeRuneInString(text[lo:]); next < utf8.RuneSelf && isLower(byte(next)|0x20) && g[0] < utf8.RuneSelf {
					lo = save // "hi" in "his": not a greeting
					continue
				}
				skipBlank()
				if lo == hi {
					lo = save
					continue
				}
				changed = true
			}
		}
	}
	for i, r := range text[lo:hi] {
		switch r {
		case '.': // a full stop, not "3.5" or "no."
			if next := lo + i + 1; i > 0 && (next == hi || text[next] == ' ') && text[lo+i-1] != 'o' {
				return lo, lo + i
			}
		case '。', '!', '?', '！', '？', '\n', ';', '；':
			if i > 0 {
				return lo, lo + i
			}
		}
	}
	return lo, hi
}

// appendClause appends text[lo:hi] without the bytes in skip (the unit
// number, already shown), white space collapsed, separators trimmed at both
// ends, cut to budget runes (ending with "…" when cut).
func appendClause(dst []byte, text string, lo, hi int, skip [2]int, budget int) []byte {
	if budget < 4 {
		budget = 4
	}
	start := len(dst)
	n, space, lead := 0, false, true
	for i := lo; i < hi; {
		if i >= skip[0] && i < skip[1] {
			i, space = skip[1], true
			continue
		}
		r, w := utf8.DecodeRuneInString(text[i:])
		i += w
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError {
			space = true
			continue
		}
		if lead && isSeparator(r) {
			continue
		}
		if space && !lead {
			if n+1 >= budget {
				break
			}
			dst = append(dst, ' ')
			n++
		}
		space, lead = false, false
		if n+1 >= budget {
			dst = append(dst, "…"...)
			return dst
		}
		dst = utf8.AppendRune(dst, r)
		n++
	}
	for len(dst) > start { // a unit number at the end leaves "看看,"
		r, w := utf8.DecodeLastRune(dst[start:])
		if !isSeparator(r) && r != ' ' {
			break
		}
		dst = dst[:len(dst)-w]
	}
	return dst
}

func isSeparator(r rune) bool {
	switch r {
	case ',', '，', '、', ':', '：', '-', ';', '；', '.':
		return true
	}
	return false
}
