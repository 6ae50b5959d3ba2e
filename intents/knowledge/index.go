package knowledge

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// BM25 parameters (the usual ones) and field weights: a title or keyword
// says more about an entry than one sample question among many.
const (
	bm25K1        = 1.2
	bm25B         = 0.75
	titleWeight   = 2
	keywordWeight = 2
)

// index is a BM25 index with one document per entry: its titles, sample
// questions and keywords in every language, tokenised like queries.
type index struct {
	entries []*Entry
	tf      []map[string]float64 // per entry: term → weighted frequency
	length  []float64            // per entry: weighted token count
	avgLen  float64
	idf     map[string]float64
	unknown float64 // idf of a term no entry contains
	fold    map[rune]rune
}

func newIndex(entries []*Entry) *index {
	ix := &index{entries: entries, idf: make(map[string]float64), fold: foldTable()}
	df := make(map[string]int)
	for _, e := range entries {
		tf := make(map[string]float64)
		var n float64
		add := func(text string, w float64) {
			for _, t := range ix.tokens(text) {
				tf[t] += w
				n += w
			}
		}
		for _, l := range languages {
			add(e.Titles[l], titleWeight)
			for _, q := range e.Questions[l] {
				add(q, 1)
			}
		}
		for _, k := range e.Keywords {
			add(k, keywordWeight)
		}
		for t := range tf {
			df[t]++
		}
		ix.tf = append(ix.tf, tf)
		ix.length = append(ix.length, n)
		ix.avgLen += n
	}
	ix.avgLen /= float64(max(1, len(entries)))
	N := float64(len(entries))
	for t, d := range df {
		ix.idf[t] = math.Log(1 + (N-float64(d)+0.5)/(float64(d)+0.5))
	}
	ix.unknown = math.Log(1 + (N+0.5)/0.5)
	return ix
}

// search scores every entry against text and returns the k best with a
// positive score. Unknown query terms keep their (high) weight in the
// denominator, so a message mostly about something else scores low.
func (ix *index) search(text string, k int) []Match {
	terms := ix.tokens(text)
	slices.Sort(terms)
	terms = slices.Compact(terms)
	var total float64
	for _, t := range terms {
		total += ix.weight(t)
	}
	if total == 0 || k <= 0 {
		return nil
	}
	var out []Match
	for i, e := range ix.entries {
		var s float64
		norm := bm25K1 * (1 - bm25B + bm25B*ix.length[i]/ix.avgLen)
		for _, t := range terms {
			if f := ix.tf[i][t]; f > 0 {
				s += ix.idf[t] * f * (bm25K1 + 1) / (f + norm)
			}
		}
		if s > 0 {
			out = append(out, Match{Entry: e, Score: s / total})
		}
	}
	slices.SortStableFunc(out, func(a, b Match) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	return out[:min(k, len(out))]
}

func (ix *index) weight(t string) float64 {
	if w, ok := ix.idf[t]; ok {
		return w
	}
	return ix.unknown
}

// tokens normalises text (full-width to ASCII, lower case, traditional to
// simplified), drops filler words, and returns character bigrams of each
// run of Han characters (a lone character stands for itself) and the words
// of each run of letters and digits, minus stop words, with plurals folded.
func (ix *index) tokens(text string) []string {
	norm := fillers.Replace(ix.normalise(text))
	var out []string
	var han []rune
	var word strings.Builder
	flushHan := func() {
		switch len(han) {
		case 0:
		case 1:
			out = append(out, string(han))
		default:
			for i := 0; i+1 < len(han); i++ {
				out = append(out, string(han[i:i+2]))
			}
		}
		han = han[:0]
	}
	flushWord := func() {
		if w := word.String(); w != "" && !stopWords[w] {
			out = append(out, stem(w))
		}
		word.Reset()
	}
	for _, r := range norm {
		switch {
		case unicode.Is(unicode.Han, r):
			flushWord()
			han = append(han, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			flushHan()
			word.WriteRune(r)
		default:
			flushHan()
			flushWord()
		}
	}
	flushHan()
	flushWord()
	return out
}

// normalise folds full-width forms, case and traditional characters.
func (ix *index) normalise(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	for _, r := range text {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
			r -= 0xFEE0
		case r == 0x3000: // ideographic space
			r = ' '
		}
		r = unicode.ToLower(r)
		if s, ok := ix.fold[r]; ok {
			r = s
		}
		b.WriteRune(r)
	}
	return b.String()
}

// stem folds English plurals: "cards" → "card", "passes" → "pass",
// "deliveries" → "delivery".
func stem(w string) string {
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"):
		return w[:len(w)-2]
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us"):
		return w[:len(w)-1]
	}
	return w
}

// fillers are question words and particles in Mandarin and Cantonese
// (already folded to simplified characters). They are replaced by a space
// so they neither match nor join their neighbours into false bigrams.
// Longer phrases come first: the replacer tries them in order.
var fillers = strings.NewReplacer(
	"可唔可以", " ", "需唔需要", " ", "使唔使", " ", "要唔要", " ", "有没有", " ", "能不能", " ",
	"请问", " ", "请教", " ", "你好", " ", "您好", " ", "问一下", " ", "想问", " ", "问下", " ", "一下", " ",
	"怎么样", " ", "怎么", " ", "怎样", " ", "如何", " ", "点样", " ", "点解", " ", "什么", " ", "哪里", " ",
	"哪儿", " ", "边度", " ", "边个", " ", "几时", " ", "可以", " ", "能否", " ", "是否", " ", "需要", " ",
	"有冇", " ", "有没", " ", "谢谢", " ", "唔该", " ", "多谢", " ", "我们", " ", "你们", " ", "我想", " ", "我要", " ",
	"我", " ", "你", " ", "您", " ", "吗", " ", "呢", " ", "吧", " ", "啊", " ", "呀", " ", "嘛", " ",
	"的", " ", "了", " ", "嘅", " ", "咗", " ", "喇", " ", "啦", " ", "咩", " ", "在", " ", "喺", " ",
)

// stopWords are English words that say nothing about the topic.
var stopWords = map[string]bool{
	"a": true, "an": true, "the": true, "i": true, "me": true, "my": true, "we": true, "our": true,
	"you": true, "your": true, "is": true, "are": true, "am": true, "be": true, "do": true, "does": true,
	"did": true, "can": true, "could": true, "how": true, "what": true, "where": true, "when": true,
	"who": true, "which": true, "to": true, "of": true, "for": true, "in": true, "on": true, "at": true,
	"with": true, "and": true, "or": true, "it": true, "this": true, "that": true, "there": true,
	"here": true, "please": true, "get": true, "need": true, "want": true, "would": true, "should": true,
	"will": true, "much": true, "many": true, "some": true, "any": true, "if": true, "about": true,
	"have": true, "has": true, "up": true, "so": true, "s": true, "m": true, "now": true, "thank": true,
	"thanks": true, "tell": true, "know": true, "like": true, "by": true, "from": true, "into": true,
}

// tradSimp pairs common traditional characters with their simplified forms.
// Each entry also carries traditional sample questions, so this only has to
// bridge the usual differences, not be complete.
const tradSimp = "費费點点樣样繳缴裝装證证辦办續续車车電电門门號号業业務务處处幾几時时間间關关開开條条遞递發发" +
	"請请問问謝谢們们麼么麽么嗎吗這这個个裡里裏里邊边說说話话錢钱預预約约戶户熱热線线訪访來来進进記记" +
	"寵宠養养貓猫飼饲規规區区還还過过換换買买賣卖權权產产輛辆場场庫库機机鎖锁驗验樓楼認认質质題题數数" +
	"據据稅税單单聯联絡络網网碼码統统現现當当員员擾扰寫写體体圖图資资歷历協协議议聽听講讲壞坏舊旧與与" +
	"於于為为會会無无須须應应該该對对錯错違违罰罚設设計计劃划書书讓让頭头氣气溫温燈灯鐘钟廳厅廚厨廁厕" +
	"陽阳臺台檯台櫃柜衛卫潔洁環环實实際际後后閘闸層层屬属夠够準准確确參参觀观歡欢週周節节國国慶庆雙双" +
	"讀读帶带禮礼貴贵寶宝貨货運运輸输郵邮驛驿擔担張张萬万兩两價价錄录積积滿满結结總总斷断暫暂復复檢检" +
	"維维護护測测報报願愿帳账賬账銀银轉转諮咨詢询狀状況况園园動动長长臉脸識识別别鑰钥補补掛挂遺遗團团" +
	"兒儿遊游戲戏樂乐聲声響响鄰邻靜静亂乱髒脏蟲虫濕湿滲渗牆墙鋪铺磚砖簡简詳详細细舉举訴诉態态緊紧災灾" +
	"煙烟塊块紙纸視视術术係系諗谂噉咁嗰个攞拿畀给睇看搵找嚟来冇没啲些約约館馆陸陆續续傢家俬私遷迁" +
	"屆届輪轮候候務务雜杂貼贴繫系聯联絕绝獲获損损賠赔償偿辭辞釋释證证傳传鐵铁鋼钢筆笔歲岁臨临嚴严厲厉"

func foldTable() map[rune]rune {
	m := make(map[rune]rune, utf8.RuneCountInString(tradSimp)/2)
	rs := []rune(tradSimp)
	for i := 0; i+1 < len(rs); i += 2 {
		if rs[i] != rs[i+1] {
			m[rs[i]] = rs[i+1]
		}
	}
	return m
}
