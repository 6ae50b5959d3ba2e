package intents

import (
	"strings"
	"unicode/utf8"
)

// appendUnit writes a parsed unit number in its normalised, readable form:
// Chinese parts keep their markers in the message's script ("3栋2单元1201",
// "B座12樓C室"), English ones are capitalised ("Block B 12/F Flat C"), and
// "3-2-1201" reads as 3栋2单元1201 in Chinese and stays as it is in English.
func appendUnit(dst []byte, u unitParts, lang string) []byte {
	prevEn := false
	for k, p := range u.p[:u.n] {
		en := isEnglishMarker(p.marker) || p.marker == "/f" || p.marker == "f" || p.marker == "-" && lang == LangEn
		if k > 0 && (en || prevEn) {
			if p.marker == "-" && lang == LangEn {
				dst = append(dst, '-')
			} else {
				dst = append(dst, ' ')
			}
		}
		prevEn = en
		switch {
		case p.marker == "-" && lang == LangEn:
			dst = appendUpper(dst, p.id)
		case p.marker == "-":
			dst = appendUpper(dst, p.id)
			switch p.kind {
			case 'b':
				dst = appendZh(dst, "栋", lang)
			case 'u':
				dst = appendZh(dst, "单元", lang)
			}
		case p.marker == "/f" || p.marker == "f" || p.marker == "floor" || p.marker == "floor.":
			dst = append(appendUpper(dst, p.id), "/F"...)
		case isEnglishMarker(p.marker):
			dst = append(dst, englishName(p.marker)...)
			dst = appendUpper(append(dst, ' '), p.id)
		case p.marker == "":
			dst = appendUpper(dst, p.id)
			if p.kind == 'r' && !isNumber(p.id) && lang != LangEn {
				dst = appendZh(dst, "室", lang)
			}
		default:
			dst = appendZh(appendUpper(dst, p.id), p.marker, lang)
		}
	}
	return dst
}

func isEnglishMarker(m string) bool {
	return m != "" && 'a' <= m[0] && m[0] <= 'z'
}

func englishName(m string) string {
	switch strings.TrimSuffix(m, ".") {
	case "block", "blk":
		return "Block"
	case "tower":
		return "Tower"
	case "bldg", "building":
		return "Bldg"
	case "flat":
		return "Flat"
	case "room", "rm":
		return "Rm"
	case "unit":
		return "Unit"
	case "apt", "apartment":
		return "Apt"
	case "suite":
		return "Suite"
	}
	return "Floor"
}

// appendZh appends a simplified marker, in traditional script for zh-Hant.
func appendZh(dst []byte, m, lang string) []byte {
	if lang != LangHant {
		return append(dst, m...)
	}
	for _, r := range m {
		switch r {
		case '栋':
			r = '棟'
		case '号':
			r = '號'
		case '楼':
			r = '樓'
		case '单':
			r = '單'
		case '层':
			r = '層'
		case '户':
			r = '戶'
		}
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}

func appendUpper(dst, s []byte) []byte {
	for _, c := range s {
		if isLower(c) {
			c -= 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
