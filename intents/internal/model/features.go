package model

import (
	"unicode"
	"unicode/utf8"
)

// token kinds in the feature stream.
const (
	tagUni   = 0x9E3779B97F4A7C15
	tagBi    = 0xC2B2AE3D27D4EB4F
	tagTri   = 0x165667B19E3779F9
	tagChar3 = 0x27D4EB2F165667C5
	tagChar4 = 0x85EBCA77C2B2AE63
	tagStem  = 0xD6E8FEB86659FD93
)

func mix(x uint64) uint64 { // splitmix64 finaliser
	x ^= x >> 30
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 27
	x *= 0x94D049BB133111EB
	x ^= x >> 31
	return x
}

// AppendFeatures appends the hashed features of normalised text (see
// AppendNormalized) to dst, as bucket numbers below buckets (a power of two),
// the kind of feature in the high bits (ConceptBit, GramBit).
// A message is read as a stream of tokens: each Han character, each other
// symbol, and each run of letters/digits (a word, digit runs folded to "0");
// features are token 1-, 2- and 3-grams plus character 3- and 4-grams
// inside words of three or more letters, and concept features (see
// concepts). It never allocates when dst has room.
func AppendFeatures(dst []uint32, norm []byte, buckets int) []uint32 {
	shift := 64 - uint(log2(buckets))
	emit := func(h uint64, kind uint32) { dst = append(dst, uint32(mix(h)>>shift)|kind) }
	var p1, p2 uint64 // previous token hashes, 0 when none
	var l1, l2 uint32 // their LocBit
	push := func(t uint64, loc uint32) {
		emit(t^tagUni, loc)
		if p1 != 0 {
			emit(mix(p1^tagBi)^t, GramBit|loc|l1)
			if p2 != 0 {
				emit(mix(mix(p2^tagTri)^p1)^t, GramBit|loc|l1|l2)
			}
		}
		p2, p1 = p1, t
		l2, l1 = l1, loc
	}
	for i := 0; i < len(norm); {
		r, n := utf8.DecodeRune(norm[i:])
		switch {
		case r == ' ':
			i += n
		case isWordRune(r):
			// a word: letters and digits, digit runs folded to one '0'.
			start := i
			var h uint64 = 0xCBF29CE484222325
			letters := 0
			prevDigit := false
			for i < len(norm) {
				r, n = utf8.DecodeRune(norm[i:])
				if !isWordRune(r) {
					break
				}
				if '0' <= r && r <= '9' || unicode.IsDigit(r) {
					if !prevDigit {
						h = (h ^ '0') * 0x100000001B3
					}
					prevDigit = true
				} else {
					prevDigit = false
					letters++
					h = (h ^ uint64(r)) * 0x100000001B3
				}
				i += n
			}
			var loc uint32
			if letters < utf8.RuneCount(norm[start:i]) || isUnitWord(norm[start:i]) {
				loc = LocBit
			}
			push(mix(h)|1, loc)
			if letters >= 3 && letters == utf8.RuneCount(norm[start:i]) {
				dst = appendCharGrams(dst, norm[start:i], shift)
				if stem := Stem(norm[start:i]); len(stem) < i-start {
					var h uint64 = 0xCBF29CE484222325
					for _, c := range stem {
						h = (h ^ uint64(c)) * 0x100000001B3
					}
					emit(h^tagStem, 0)
				}
			}
		default:
			var loc uint32
			if r == '栋' || r == '幢' || r == '室' {
				loc = LocBit
			}
			push(mix(uint64(r)+0x10000000)|1, loc)
			i += n
		}
	}
	return appendConcepts(dst, norm, shift)
}

// appendCharGrams adds the character 3- and 4-grams of a word, with '<' and
// '>' marking its edges.
func appendCharGrams(dst []uint32, word []byte, shift uint) []uint32 {
	var w [4]uint64 // sliding window of rune values, w[3] newest
	w[3] = '<'
	count := 1
	add := func(r rune) {
		w[0], w[1], w[2], w[3] = w[1], w[2], w[3], uint64(r)
		count++
		if count >= 3 {
			dst = append(dst, uint32(mix(((w[1]*0x100000001B3^w[2])*0x100000001B3^w[3])^tagChar3)>>shift)|GramBit)
		}
		if count >= 4 {
			dst = append(dst, uint32(mix((((w[0]*0x100000001B3^w[1])*0x100000001B3^w[2])*0x100000001B3^w[3])^tagChar4)>>shift)|GramBit)
		}
	}
	for _, r := range string(word) {
		add(r)
	}
	add('>')
	return dst
}

// LocBit marks token n-grams that include a number or a unit designator
// (栋, 室, "block", "flat"...): where a message is, not what happened. The
// urgent head does not learn from them (owners in an emergency often give
// their unit, which says nothing about urgency).
const LocBit = 1 << 28

func isUnitWord(w []byte) bool {
	switch string(w) {
	case "block", "blk", "flat", "tower", "unit", "f", "rm":
		return true
	}
	return false
}

// GramBit marks token 2- and 3-grams and character grams (the bucket is in
// the low bits; see ConceptBit for concept features).
const GramBit = 1 << 30

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z'
	}
	if unicode.Is(unicode.Han, r) {
		return false
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func log2(n int) int {
	k := 0
	for 1<<k < n {
		k++
	}
	return k
}

// Stem strips one simple English suffix from a lower-case word: "leaking",
// "leaked", "leaks" → "leak"; "flooding" → "flood"; "stopped" → "stop".
// Short words and non-ASCII words are returned as they are.
func Stem(w []byte) []byte {
	n := len(w)
	for _, c := range w {
		if c >= 0x80 {
			return w
		}
	}
	switch {
	case n >= 6 && string(w[n-3:]) == "ing":
		w = w[:n-3]
	case n >= 5 && string(w[n-2:]) == "ed":
		w = w[:n-2]
	case n >= 5 && string(w[n-3:]) == "ies":
		return w[:n-2] // "flies" → "fli", as "fly" is not recoverable; consistent is enough
	case n >= 4 && w[n-1] == 's' && w[n-2] != 's' && w[n-2] != 'u' && w[n-2] != 'i':
		return w[:n-1]
	default:
		return w
	}
	// "stopped" → "stopp" → "stop"
	if m := len(w); m >= 4 && w[m-1] == w[m-2] && w[m-1] != 'l' && w[m-1] != 's' {
		w = w[:m-1]
	}
	return w
}
