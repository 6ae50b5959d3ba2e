package intents

import (
	"bytes"
	"unicode/utf8"
)

// Unit numbers and common areas are parsed deterministically from the
// normalised text (half-width, lower case, simplified script): owners write
// them in a handful of fixed shapes, and a parser is exact where a model
// would guess.

// unitPart is one component of a unit number, pointing into the text.
type unitPart struct {
	kind   byte   // 'b' building, 'u' unit (单元), 'f' floor, 'r' room
	id     []byte // designator: digits and/or one letter
	marker string // how it was written: "栋", "座", "号楼", "单元", "楼", "层", "/f", "室", "block", "flat", ""
}

type unitParts struct {
	p [4]unitPart
	n int
}

func (u *unitParts) has(kind byte) bool {
	for _, p := range u.p[:u.n] {
		if p.kind == kind {
			return true
		}
	}
	return false
}

func (u *unitParts) add(p unitPart) bool {
	if u.n == len(u.p) || u.has(p.kind) {
		return false
	}
	u.p[u.n] = p
	u.n++
	return true
}

var (
	buildingMarkers = []string{"号楼", "栋", "幢", "座"}
	unitMarkers     = []string{"单元"}
	floorMarkers    = []string{"楼", "层", "/f"}
	roomMarkers     = []string{"室", "房", "号", "户"}
	enBuilding      = []string{"block", "blk", "tower", "bldg", "building"}
	enRoom          = []string{"flat", "room", "rm", "unit", "apt", "apartment", "suite"}
	enFloor         = []string{"floor"}
)

// findUnit returns the first unit number in normalised text, parsed.
func findUnit(s []byte) (unitParts, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i > 0 && isAlnum(s[i-1]) {
			continue // not at a word start
		}
		if isDigit(c) || isLower(c) || c >= 0xE4 && c <= 0xE9 && isCNNumeralAt(s, i) {
			if u, ok := parseUnitAt(s, i); ok {
				return u, true
			}
		}
	}
	return unitParts{}, false
}

// parseUnitAt reads consecutive unit components from s[i:].
func parseUnitAt(s []byte, i int) (unitParts, bool) {
	var u unitParts
	strong := false // a room marker or an English keyword
	if u, ok := parseDashed(s, i); ok {
		return u, true
	}
	for i < len(s) && u.n < len(u.p) {
		if u.n > 0 {
			i = skipSep(s, i)
		}
		// English keyword + designator: "block b", "flat 12c", "rm 1203", "floor 12".
		if kw, kind, ok := matchWord(s, i); ok {
			j := skipSpace(s, i+len(kw))
			if j < len(s) && s[j] == '#' {
				j = skipSpace(s, j+1)
			}
			id, k := designator(s, j)
			if id == nil || !u.add(unitPart{kind: kind, id: id, marker: kw}) {
				break
			}
			strong = true
			i = k
			continue
		}
		id, j := designator(s, i)
		if id == nil {
			id, j = cnNumeral(s, i)
			if id == nil {
				break
			}
			if m, kind := markerAt(s, j); kind != 'b' && kind != 'u' {
				_ = m
				break
			}
		}
		m, kind := markerAt(s, j)
		switch kind {
		case 'b', 'u', 'f':
			if kind == 'b' && u.n > 0 || kind == 'f' && !isNumber(id) && m != "/f" {
				return u, u.n >= 2 || strong
			}
			if !u.add(unitPart{kind: kind, id: id, marker: m}) {
				return u, u.n >= 2 || strong
			}
			i = j + len(m)
		case 'r':
			if m == "号" && (len(id) < 3 || followsLiftOrBuilding(s, j+len(m))) {
				return u, u.n >= 2 || strong
			}
			if !u.add(unitPart{kind: 'r', id: id, marker: m}) {
				return u, u.n >= 2 || strong
			}
			return u, true
		default: // a bare designator: a room after other parts
			if u.n == 0 || u.has('r') || isNumber(id) && len(id) < 3 && !u.has('f') {
				return u, u.n >= 2 || strong
			}
			if bytes.HasPrefix(s[j:], []byte("/f")) || j < len(s) && isLower(s[j]) {
				return u, u.n >= 2 || strong
			}
			u.add(unitPart{kind: 'r', id: id})
			return u, true
		}
	}
	ok := u.n >= 2 || strong || u.n == 1 && u.p[0].kind == 'b' && u.p[0].marker != "座"
	if u.n == 1 && u.p[0].kind == 'f' {
		ok = false
	}
	return u, ok
}

// parseDashed reads "3-2-1201" (building-unit-room) and "3-1201".
func parseDashed(s []byte, i int) (unitParts, bool) {
	var ids [3][]byte
	n := 0
	for n < 3 {
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j == i {
			return unitParts{}, false
		}
		ids[n] = s[i:j]
		n++
		if j < len(s) && s[j] == '-' && n < 3 {
			i = j + 1
			continue
		}
		if j < len(s) && (isAlnum(s[j]) || s[j] == '-') {
			return unitParts{}, false
		}
		break
	}
	last := ids[n-1]
	if n < 2 || len(last) < 3 || len(last) > 4 || len(ids[0]) > 2 || n == 3 && len(ids[1]) > 2 {
		return unitParts{}, false
	}
	var u unitParts
	u.add(unitPart{kind: 'b', id: ids[0], marker: "-"})
	if n == 3 {
		u.add(unitPart{kind: 'u', id: ids[1], marker: "-"})
	}
	u.add(unitPart{kind: 'r', id: last, marker: "-"})
	return u, true
}

// designator reads digits with at most one letter before or after ("12c",
// "b1203"), or one letter standing alone ("b座", "flat c").
func designator(s []byte, i int) ([]byte, int) {
	j := i
	if j < len(s) && isLower(s[j]) {
		j++
	}
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	digits := j > i && isDigit(s[j-1])
	if digits && j < len(s) && isLower(s[j]) && (j+1 >= len(s) || !isLower(s[j+1])) && s[j] != 'f' {
		j++
	}
	if j == i || j < len(s) && isLower(s[j]) && s[j] != 'f' {
		return nil, i
	}
	if j < len(s) && s[j] == 'f' && (j+1 >= len(s) || !isLower(s[j+1])) && digits {
		return s[i:j], j // "12f" reads as floor 12, see markerAt
	}
	if j < len(s) && isLower(s[j]) {
		return nil, i
	}
	return s[i:j], j
}

// markerAt returns the component marker at s[j:], skipping one space.
func markerAt(s []byte, j int) (string, byte) {
	if j < len(s) && s[j] == 'f' && (j+1 >= len(s) || !isLower(s[j+1])) {
		return "f", 'f'
	}
	for _, group := range [...]struct {
		ms   []string
		kind byte
	}{{buildingMarkers, 'b'}, {unitMarkers, 'u'}, {floorMarkers, 'f'}, {roomMarkers, 'r'}} {
		for _, m := range group.ms {
			if bytes.HasPrefix(s[j:], []byte(m)) {
				if m == "楼" && (bytes.HasPrefix(s[j+len(m):], []byte("梯")) || bytes.HasPrefix(s[j+len(m):], []byte("下"))) {
					continue
				}
				return m, group.kind
			}
		}
	}
	return "", 0
}

func matchWord(s []byte, i int) (string, byte, bool) {
	for _, g := range [...]struct {
		ws   []string
		kind byte
	}{{enBuilding, 'b'}, {enRoom, 'r'}, {enFloor, 'f'}} {
		for _, w := range g.ws {
			if bytes.HasPrefix(s[i:], []byte(w)) {
				end := i + len(w)
				if end < len(s) && isLower(s[end]) {
					continue
				}
				if end < len(s) && s[end] == '.' {
					return w + ".", g.kind, true
				}
				return w, g.kind, true
			}
		}
	}
	return "", 0, false
}

func followsLiftOrBuilding(s []byte, j int) bool {
	for _, w := range [...]string{"电梯", "梯", "楼", "lift", "elevator", "车位", "门", "停车"} {
		if bytes.HasPrefix(s[skipSpace(s, j):], []byte(w)) {
			return true
		}
	}
	return false
}

func skipSpace(s []byte, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

func skipSep(s []byte, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == ',') {
		i++
	}
	return i
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isAlnum(c byte) bool { return isDigit(c) || isLower(c) }

func isNumber(id []byte) bool {
	for _, c := range id {
		if !isDigit(c) {
			return false
		}
	}
	return len(id) > 0
}

// cnDigit returns the value of a Chinese digit (三栋二单元), or -1.
func cnDigit(r rune) int {
	switch r {
	case '〇', '零':
		return 0
	case '一':
		return 1
	case '二', '两':
		return 2
	case '三':
		return 3
	case '四':
		return 4
	case '五':
		return 5
	case '六':
		return 6
	case '七':
		return 7
	case '八':
		return 8
	case '九':
		return 9
	}
	return -1
}

func isCNNumeralAt(s []byte, i int) bool {
	id, _ := cnNumeral(s, i)
	return id != nil
}

// cnNumeral reads 1–99 written in Chinese (一 … 九十九) and returns it as
// ASCII digits from a small static table, so no allocation happens.
func cnNumeral(s []byte, i int) ([]byte, int) {
	val, j, seen := 0, i, false
	tens := false
	for j < len(s) {
		r, n := utf8.DecodeRune(s[j:])
		d := cnDigit(r)
		switch {
		case r == '十' && !tens:
			if !seen {
				val = 1
			}
			val *= 10
			tens = true
		case d >= 0:
			if tens {
				val += d
			} else {
				val = val*10 + d
			}
		default:
			goto done
		}
		seen = true
		j += n
	}
done:
	if !seen || val <= 0 || val > 99 {
		return nil, i
	}
	return smallNumbers[val], j
}

var smallNumbers = func() (t [100][]byte) {
	for i := range t {
		if i < 10 {
			t[i] = []byte{byte('0' + i)}
		} else {
			t[i] = []byte{byte('0' + i/10), byte('0' + i%10)}
		}
	}
	return t
}()
