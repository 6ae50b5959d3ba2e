package model

// Concept features: groups of words that mean the same thing across simplified
// and traditional Chinese, Cantonese and English ("trapped", "困", "卡住").
// Each group present in a message is one more input feature, and so is each
// pair of groups present together ("trapped" with "if": a question, not an
// emergency). They are inputs like the n-grams: their weights are learned, and
// a word here decides nothing by itself. Words are normalised (simplified,
// lower case); English ones match whole words.
var concepts = [...][]string{
	{"爆", "爆管", "爆水喉", "喷水", "水浸", "淹", "漫", "涌", "倒灌", "全是水", "到处都是水", "成地水", "水管裂", "burst", "flood", "flooding", "flooded", "gushing", "pouring", "everywhere", "raining", "spraying", "waterfall", "瀑布"},
	{"煤气", "燃气", "天然气", "瓦斯", "石油气", "gas", "臭鸡蛋"},
	{"味", "气味", "闻到", "嗅到", "smell", "smelling", "odour", "odor"},
	{"泄漏", "漏气", "嘶嘶", "leak", "leaking", "hissing"},
	{"着火", "起火", "火灾", "冒烟", "浓烟", "烟雾", "焦", "烧焦", "焦糊", "火花", "冒火", "fire", "smoke", "smoking", "burning", "sparks", "spark", "sparking", "melting", "flames"},
	{"困", "被困", "卡住", "出不去", "困住", "困咗", "关住", "trapped", "stuck"},
	{"电梯", "lift", "elevator", "䢂", "升降机"},
	{"受伤", "流血", "血", "晕倒", "昏迷", "跌倒", "摔倒", "救护车", "120", "999", "collapsed", "bleeding", "injured", "hurt", "ambulance", "unconscious", "fainted", "掉进", "fell"},
	{"漏电", "触电", "电到", "短路", "电线", "shock", "electrocuted", "wire", "wires"},
	{"没水", "停水", "冇水", "无水", "没电", "停电", "冇电", "无电", "断电", "no water", "no power", "no electricity", "blackout", "power cut", "outage"},
	{"整栋", "整个", "成座", "成间", "全屋", "全楼", "全部", "整层", "whole", "entire", "all"},
	{"撬", "小偷", "贼", "闯入", "爆窗", "抢", "跟踪", "威胁", "打人", "打架", "可疑", "陌生人", "broke", "break-in", "burglar", "thief", "intruder", "robbed", "threatening", "fight", "suspicious", "stranger"},
	{"快", "马上", "立刻", "赶紧", "赶快", "急", "紧急", "救命", "求救", "快啲", "help", "urgent", "asap", "now", "immediately", "emergency", "quick", "quickly", "!!"},
	{"害怕", "好惊", "惊", "吓", "scared", "panicking", "panic", "afraid", "dangerous", "危险", "terrified"},
	{"老人", "小孩", "孩子", "婴儿", "bb", "孕妇", "老人家", "妈妈", "阿婆", "elderly", "baby", "kid", "child", "children", "mum", "mom", "grandma", "oxygen", "氧气"},
	{"如果", "万一", "假如", "要是", "的话", "嘅话", "应该", "怎么办", "点算", "if", "in case", "should"},
	{"吗", "么", "呢", "请问", "想问", "问一下", "问下", "?", "几时", "几点", "多少", "哪里", "边度", "点样", "系咪", "是不是", "what", "when", "how", "where", "who", "can", "could", "is it", "do you"},
	{"已经修好", "修好了", "好了", "没事了", "解决了", "已经处理", "搞掂", "fixed", "resolved", "sorted", "working again", "已经没有", "冇事"},
	{"上次", "昨天", "上个月", "之前", "以前", "上周", "上星期", "听说", "last week", "yesterday", "last time", "heard", "last month"},
	{"投诉", "太差", "不满", "没人理", "没人来", "冇人嚟", "都冇人", "几天", "三天", "一个星期", "多次", "仍然", "一直没", "还没", "complain", "complaint", "unacceptable", "still", "again", "nobody", "no one", "days", "weeks"},
	{"报修", "维修", "修理", "修一下", "派人", "师傅", "来看", "上门", "坏了", "坏咗", "不亮", "不通", "堵", "塞", "fix", "repair", "broken", "not working", "blocked", "send someone", "check"},
	{"一点", "有点", "少少", "小小", "轻微", "偶尔", "有时", "好像", "似乎", "a bit", "slight", "slightly", "tiny", "sometimes", "not sure", "maybe", "might"},
	{"吵", "噪音", "嘈", "noise", "noisy", "loud"},
	{"管理费", "物业费", "收费", "费用", "缴费", "发票", "欠费", "交钱", "fee", "fees", "charge", "charged", "bill", "invoice"},
	{"邻居", "楼上", "楼下", "隔壁", "对门", "neighbour", "neighbor", "upstairs", "downstairs", "next door"},
	{"保安", "客服", "前台", "管家", "工作人员", "保洁", "staff", "guard", "receptionist", "cleaner"},
	{"车位", "停车", "泊车", "车卡", "parking", "car", "泊"},
	{"狗", "猫", "宠物", "pet", "dog", "cat"},
	{"装修", "电钻", "敲墙", "renovation", "renovating", "drilling"},
	{"垃圾", "脏", "卫生", "清洁", "打扫", "臭", "dirty", "rubbish", "garbage", "trash", "clean", "cleaning", "stinks"},
	{"谢谢", "多谢", "感谢", "唔该晒", "辛苦", "thank", "thanks"},
	{"你好", "您好", "早上好", "在吗", "有人吗", "hi", "hello"},
}

var conceptLexicon = func() *Lexicon {
	var words []string
	var ids []int
	for id, ws := range concepts {
		for _, w := range ws {
			words, ids = append(words, w), append(ids, id)
		}
	}
	return NewLexicon(words, ids)
}()

const (
	tagConcept = 0x6A09E667F3BCC909
	tagPair    = 0xBB67AE8584CAA73B
)

// appendConcepts adds one feature per concept present and one per pair.
func appendConcepts(dst []uint32, norm []byte, shift uint) []uint32 {
	var present uint64
	conceptLexicon.Each(norm, func(id int) { present |= 1 << uint(id) })
	for a := range len(concepts) {
		if present&(1<<uint(a)) == 0 {
			continue
		}
		dst = append(dst, uint32(mix(uint64(a)^tagConcept)>>shift))
		for b := a + 1; b < len(concepts); b++ {
			if present&(1<<uint(b)) != 0 {
				dst = append(dst, uint32(mix(uint64(a*64+b)^tagPair)>>shift))
			}
		}
	}
	return dst
}
