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

// The common CJK block gets direct lookup tables, built once from the
// generated sorted tables (read-only afterwards); rarer characters use
// binary search.
const (
	cjkLo = 0x3400
	cjkHi = 0xA000
)

// farTarget in cjkT2S means "the simplified form is outside the BMP: search".
const farTarget = 0xFFFF

// cjkT2S maps a character in [cjkLo, cjkHi) to its simplified form, 0 when
// it has none; cjkSimpOnly is a bit set of simplified-only characters.
var cjkT2S, cjkSimpOnly = func() (t [cjkHi - cjkLo]uint16, s [(cjkHi - cjkLo + 63) / 64]uint64) {
	for i, r := range t2sFrom {
		if r >= cjkLo && r < cjkHi {
			t[r-cjkLo] = uint16(min(t2sTo[i], farTarget))
		}
	}
	for _, r := range simpOnly {
		if r >= cjkLo && r < cjkHi {
			s[(r-cjkLo)/64] |= 1 << ((r - cjkLo) % 64)
		}
	}
	return t, s
}()

// ToSimplified returns the simplified form of a traditional character, or r.
func ToSimplified(r rune) rune {
	switch {
	case r < cjkLo:
		return r
	case r < cjkHi:
		switch v := cjkT2S[r-cjkLo]; v {
		case 0:
			return r
		case farTarget:
		default:
			return rune(v)
		}
	}
	if i, ok := slices.BinarySearch(t2sFrom[:], r); ok {
		return t2sTo[i]
	}
	return r
}

// IsTraditional reports whether r is written differently in simplified script.
func IsTraditional(r rune) bool {
	switch {
	case r < cjkLo:
		return false
	case r < cjkHi:
		return cjkT2S[r-cjkLo] != 0
	}
	_, ok := slices.BinarySearch(t2sFrom[:], r)
	return ok
}

// IsSimplified reports whether r exists only in simplified script.
func IsSimplified(r rune) bool {
	switch {
	case r < cjkLo:
		return false
	case r < cjkHi:
		return cjkSimpOnly[(r-cjkLo)/64]&(1<<((r-cjkLo)%64)) != 0
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
