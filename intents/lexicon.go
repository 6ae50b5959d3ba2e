package intents

import "unicode/utf8"

// lexicon finds words in normalised text in one pass: the words are indexed
// by their first rune (an array for ASCII, a read-only map otherwise), so a
// message costs one lookup per rune instead of one search per word.
type lexicon struct {
	ascii [128][]lexEntry
	other map[rune][]lexEntry
}

type lexEntry struct {
	word string
	id   int
}

// newLexicon indexes words; ids[i] is returned for words[i]. Within one first
// rune, longer words are tried first.
func newLexicon(words []string, ids []int) *lexicon {
	lx := &lexicon{other: make(map[rune][]lexEntry)}
	for i, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		e := lexEntry{w, ids[i]}
		var list *[]lexEntry
		if r < utf8.RuneSelf {
			list = &lx.ascii[r]
		} else {
			l := lx.other[r]
			list = &l
		}
		at := len(*list)
		for j, o := range *list {
			if len(w) > len(o.word) {
				at = j
				break
			}
		}
		*list = append((*list)[:at], append([]lexEntry{e}, (*list)[at:]...)...)
		if r >= utf8.RuneSelf {
			lx.other[r] = *list
		}
	}
	return lx
}

// first returns the earliest (then longest) word in s, its id and position;
// ok is false when none occurs. ASCII words match only as whole words (a
// trailing "s" allowed: "lifts").
func (lx *lexicon) first(s []byte) (e lexEntry, at int, ok bool) {
	for i := 0; i < len(s); {
		c := s[i]
		var list []lexEntry
		n := 1
		if c < utf8.RuneSelf {
			if i > 0 && isLower(s[i-1]) {
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
			if len(s)-i < len(e.word) || string(s[i:i+len(e.word)]) != e.word {
				continue
			}
			if end := i + len(e.word); c < utf8.RuneSelf && end < len(s) && isLower(s[end]) &&
				(s[end] != 's' || end+1 < len(s) && isLower(s[end+1])) {
				continue
			}
			return e, i, true
		}
		i += n
	}
	return lexEntry{}, 0, false
}
