package intents

import (
	"bytes"
	"concierge/intents/internal/model"
	"strings"
)

// area is a common area with the words owners use for it (normalised:
// simplified script, lower case).
type area struct {
	name  string // canonical English name
	words []string
}

// areas are tried in this order at each position; longer words first where
// one contains another.
var areas = [...]area{
	{"lift", []string{"电梯", "升降机", "䢂", "lift", "elevator"}}, // 䢂 is 𨋢 (Cantonese "lift") simplified
	{"car park", []string{"地下停车场", "停车场", "地下车库", "车库", "地库", "car park", "carpark", "parking lot", "garage"}},
	{"lobby", []string{"入户大堂", "大堂", "大厅", "lobby"}},
	{"corridor", []string{"走廊", "走道", "过道", "楼道", "corridor", "hallway"}},
	{"staircase", []string{"楼梯间", "楼梯", "消防通道", "走火通道", "staircase", "stairwell", "stairs", "fire escape"}},
	{"garden", []string{"花园", "绿化带", "草坪", "garden", "lawn"}},
	{"clubhouse", []string{"会所", "clubhouse"}},
	{"rubbish room", []string{"垃圾房", "垃圾站", "垃圾间", "rubbish room", "refuse room", "garbage room", "bin room"}},
	{"main gate", []string{"小区大门", "小区门口", "大门", "正门", "main gate", "main entrance"}},
	{"roof", []string{"天台", "楼顶", "屋顶", "rooftop", "roof"}},
	{"playground", []string{"儿童乐园", "游乐场", "游乐区", "playground"}},
	{"swimming pool", []string{"游泳池", "泳池", "swimming pool"}},
	{"gym", []string{"健身房", "健身室", "gym"}},
	{"basement", []string{"地下室", "basement"}},
	{"mailboxes", []string{"信箱", "mailbox"}},
	{"podium", []string{"平台", "podium"}},
}

var areaLexicon = func() *model.Lexicon {
	var words []string
	var ids []int
	for k, a := range areas {
		for _, w := range a.words {
			words, ids = append(words, w), append(ids, k)
		}
	}
	return model.NewLexicon(words, ids)
}()

// findArea returns the common area mentioned first in normalised text, with
// the lift number ("lift 2") or the floor of a corridor ("12/F corridor").
// The second result is a fixed name when no number was found, so only
// numbered areas cost an allocation.
func findArea(s []byte, buf []byte) (string, []byte) {
	e, bestAt, ok := areaLexicon.First(s)
	if !ok {
		return "", buf
	}
	best, bestLen := e.ID, len(e.Word)
	name := areas[best].name
	switch name {
	case "lift":
		if n := liftNumber(s, bestAt, bestAt+bestLen); n != nil {
			buf = appendUpper(append(buf, "lift "...), n)
			return "", buf
		}
	case "corridor", "lobby":
		if f := floorBefore(s, bestAt); f != nil {
			buf = append(append(appendUpper(buf, f), "/F "...), name...)
			return "", buf
		}
	}
	return name, buf
}

// liftNumber finds "2号电梯", "2号梯", "lift 2", "lift no. 2", "#2 lift".
func liftNumber(s []byte, start, end int) []byte {
	// before: digits or a letter, then optional 号, right before the word.
	j := start
	for _, suffix := range [...]string{"号", "#", " "} {
		if bytes.HasSuffix(s[:j], []byte(suffix)) {
			j -= len(suffix)
			break
		}
	}
	k := j
	for k > 0 && isDigit(s[k-1]) {
		k--
	}
	if k < j && j-k <= 2 && (k == 0 || !isAlnum(s[k-1])) {
		return s[k:j]
	}
	// after: "lift 2", "lift no. 2", "电梯2", "lift #2", "lift b"
	i := skipSpace(s, end)
	for _, prefix := range [...]string{"no.", "no", "#", "号"} {
		if bytes.HasPrefix(s[i:], []byte(prefix)) {
			i = skipSpace(s, i+len(prefix))
			break
		}
	}
	e := i
	for e < len(s) && isDigit(s[e]) {
		e++
	}
	if e == i && e < len(s) && isLower(s[e]) && (e+1 == len(s) || !isLower(s[e+1])) && strings.ContainsRune("abcdeh", rune(s[e])) && end > 0 && isLower(s[end-1]) {
		e++
	}
	if e > i && e-i <= 2 && (e == len(s) || !isAlnum(s[e]) || e-i == 1 && !isDigit(s[i])) {
		if bytes.HasPrefix(s[e:], []byte("楼")) || bytes.HasPrefix(s[e:], []byte("/f")) || bytes.HasPrefix(s[e:], []byte("层")) {
			return nil // "电梯12楼" is a floor, not a lift
		}
		return s[i:e]
	}
	return nil
}

// floorBefore finds "12楼", "12层", "12/f", "12楼的" right before position
// i, or "on 12/f" right after an English word.
func floorBefore(s []byte, i int) []byte {
	j := i
	for _, w := range [...]string{"的", " "} {
		if bytes.HasSuffix(s[:j], []byte(w)) {
			j -= len(w)
		}
	}
	found := false
	for _, m := range [...]string{"楼", "层", "/f", "f"} {
		if bytes.HasSuffix(s[:j], []byte(m)) {
			j -= len(m)
			found = true
			break
		}
	}
	if !found {
		return nil
	}
	k := j
	for k > 0 && isDigit(s[k-1]) {
		k--
	}
	if k == j || j-k > 3 || k > 0 && isLower(s[k-1]) {
		return nil
	}
	return s[k:j]
}
