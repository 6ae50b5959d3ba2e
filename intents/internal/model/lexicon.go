package model

import "unicode/utf8"

// Lexicon finds words in normalised text in one pass: the words are indexed
// by their first rune (an array for ASCII, a read-only map otherwise), so a
// message costs one lookup per rune instead of one search per word.
type Lexicon struct {
	ascii [128][]LexEntry
	other map[rune][]LexEntry
}

// LexEntry is one word of a Lexicon and its id.
type LexEntry struct {
	Word string
	ID   int
}

// NewLexicon indexes words; ids[i] is returned for words[i]. Within one first
// rune, longer words are tried first.
func NewLexicon(words []string, ids []int) *Lexicon {
	lx := &Lexicon{other: make(map[rune][]LexEntry)}
	for i, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		e := LexEntry{Word: w, ID: ids[i]}
		var list *[]LexEntry
		if r < utf8.RuneSelf {
			list = &lx.ascii[r]
		} else {
			l := lx.other[r]
			list = &l
		}
		at := len(*list)
		for j, o := range *list {
			if len(w) > len(o.Word) {
				at = j
				break
			}
		}
		*list = append((*list)[:at], append([]LexEntry{e}, (*list)[at:]...)...)
		if r >= utf8.RuneSelf {
			lx.other[r] = *list
		}
	}
	return lx
}

// First returns the earliest (then longest) word in s, its id and position;
// ok is false when none occurs. ASCII words match only as whole words (a
// trailing "s" allowed: "lifts").
func (lx *Lexicon) First(s []byte) (e LexEntry, at int, ok bool) {
	for i := 0; i < len(s); {
		c := s[i]
		var list []LexEntry
		n := 1
		if c < utf8.RuneSelf {
			if isAlnum(c) && i > 0 && isAlnum(s[i-1]) {
				i++
				continue
			}
			list = lx.ascii[c]
		} else {
			var r rune
			r, n = utf8.DecodeRune(s[i:])
			list = lx.other[r]
		}
		for _, e := range list {
			if len(s)-i < len(e.Word) || string(s[i:i+len(e.Word)]) != e.Word {
				continue
			}
			if end := i + len(e.Word); c < utf8.RuneSelf && isAlnum(e.Word[len(e.Word)-1]) && end < len(s) && isAlnum(s[end]) &&
				(s[end] != 's' || end+1 < len(s) && isAlnum(s[end+1])) {
				continue
			}
			return e, i, true
		}
		i += n
	}
	return LexEntry{}, 0, false
}

// Each calls fn for every word occurring in s (whole words for ASCII), with
// its id, in text order.
func (lx *Lexicon) Each(s []byte, fn func(id int)) {
	for i := 0; i < len(s); {
		c := s[i]
		var list []LexEntry
		n := 1
		if c < utf8.RuneSelf {
			if isAlnum(c) && i > 0 && isAlnum(s[i-1]) {
				i++
				continue
			}
			list = lx.ascii[c]
		} else {
			var r rune
			r, n = utf8.DecodeRune(s[i:])
			list = lx.other[r]
		}
		for _, e := range list {
			if len(s)-i < len(e.Word) || string(s[i:i+len(e.Word)]) != e.Word {
				continue
			}
			if end := i + len(e.Word); c < utf8.RuneSelf && isAlnum(e.Word[len(e.Word)-1]) && end < len(s) && isAlnum(s[end]) &&
				(s[end] != 's' || end+1 < len(s) && isAlnum(s[end+1])) {
				continue
			}
			fn(e.ID)
		}
		i += n
	}
}

func isAlnum(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }
