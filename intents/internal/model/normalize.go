package model

import (
	"slices"
	"unicode"
	"unicode/utf8"
)

//go:generate sh -c "cd ../../.. && go run ./intents/internal/gent2s -out intents/internal/model/t2s_table.go"

// FoldWidth maps full-width ASCII forms and the ideographic space to their
// half-width forms, a few CJK punctuation marks to ASCII ones, and upper-case
// letters to lower case. It keeps the script (traditional stays traditional).
func FoldWidth(r rune) rune {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFEE0
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	case r == 0x3000:
		return ' '
	case r == '。' || r == '｡':
		return '.'
	case r == '、':
		return ','
	case r == '「' || r == '」' || r == '『' || r == '』' || r == '“' || r == '”':
		return '"'
	case r == '～':
		return '~'
	}
	if r < 0x2E80 && unicode.IsUpper(r) {
		return unicode.ToLower(r)
	}
	return r
}

// ToSimplified returns the simplified form of a traditional character, or r.
func ToSimplified(r rune) rune {
	if r < 0x3400 {
		return r
	}
	if i, ok := slices.BinarySearch(t2sFrom[:], r); ok {
		return t2sTo[i]
	}
	return r
}

// IsTraditional reports whether r is written differently in simplified script.
func IsTraditional(r rune) bool {
	if r < 0x3400 {
		return false
	}
	_, ok := slices.BinarySearch(t2sFrom[:], r)
	return ok
}

// IsSimplified reports whether r exists only in simplified script.
func IsSimplified(r rune) bool {
	if r < 0x3400 {
		return false
	}
	_, ok := slices.BinarySearch(simpOnly[:], r)
	return ok
}

// Fold is the full normalisation of one rune: FoldWidth then ToSimplified.
func Fold(r rune) rune { return ToSimplified(FoldWidth(r)) }

// AppendNormalized appends the normalised form of s to dst: every rune
// folded, invalid UTF-8 replaced, runs of white space collapsed to one space,
// leading and trailing space dropped.
func AppendNormalized(dst []byte, s string) []byte {
	space := true // drop leading space
	for _, r := range s {
		r = Fold(r)
		if unicode.IsSpace(r) || r == utf8.RuneError || unicode.IsControl(r) {
			if !space {
				dst = append(dst, ' ')
				space = true
			}
			continue
		}
		space = false
		dst = utf8.AppendRune(dst, r)
	}
	if n := len(dst); n > 0 && dst[n-1] == ' ' {
		dst = dst[:n-1]
	}
	return dst
}
