package model

// Concept features: groups of words that mean the same thing across simplified
// and traditional Chinese, Cantonese and English ("trapped", "困", "卡住").
// Each group present in a message is one more input feature, and so is each
// pair of groups present together ("trapped" with "if": a question, not an
// emergency). They are inputs like the n-grams: their weights are learned, and
// a word here decides nothing by itself. Words are normalised (simplified,
// lower case); English ones match whole words.
var concepts = [...][]string{
	// emergency events
	{"爆", "爆管", "爆水喉", "喷水", "水浸", "淹", "漫", "涌", "倒灌", "全是水", "到处都是水", "成地水", "水管裂", "管子裂", "破裂", "爆裂", "裂开", "冒水", "往外冒", "往外流", "往外滋", "往外渗", "滋水", "喷", "大量漏水", "漏得好大", "流到", "漫到", "流下来", "流落嚟", "filling with", "好似条河", "像河", "river", "overflowing and", "won't stop", "can't stop it", "how to stop it", "running down", "往下淌", "往下流", "ankles", "ankle", "knee-deep", "up to my", "water from ceiling", "water from the ceiling", "浸到", "淹到", "流出来", "流出嚟", "burst", "flood", "flooding", "flooded", "gushing", "pouring", "everywhere", "raining", "spraying", "waterfall", "瀑布", "water coming", "all over the floor", "cm of water", "inches of water", "pipe cracked", "pipe split", "coming through the ceiling"},
	{"煤气", "燃气", "天然气", "瓦斯", "石油气", "gas", "lpg", "臭鸡蛋", "rotten egg", "rotten eggs", "一氧化碳", "carbon monoxide", "co alarm", "co detector", "co monitor"},
	{"味", "气味", "闻到", "嗅到", "smell", "smelling", "smells", "odour", "odor"},
	{"泄漏", "漏气", "嘶嘶", "leak", "leaking", "hissing"},
	{"着火", "起火", "火灾", "冒烟", "浓烟", "黑烟", "烟雾", "有烟", "焦", "烧焦", "焦糊", "燶", "燶味", "著火", "着咗火", "著咗火", "烧紧", "火烧", "火舌", "fire's", "on fire", "火花", "冒火", "烧起来", "烧黑", "烧着", "火警", "消防警报", "烟感", "爆炸", "fire", "smoke", "smoking", "burning", "burnt", "sparks", "spark", "sparking", "melting", "melted", "flames", "fire alarm", "smoke alarm", "explosion", "exploded", "scorch", "charred"},
	{"困", "被困", "卡住", "出不去", "困住", "困咗", "关住", "困人", "关在里面", "卡在", "停在半", "been in the lift", "in the lift for", "入面成", "里面半", "半层", "出唔到", "在里面", "喺入面", "trapped", "stuck", "locked in", "can't get out", "cannot get out", "inside", "between floors"},
	{"电梯", "lift", "elevator", "䢂", "𨋢", "升降机"},
	{"受伤", "流血", "血", "晕倒", "晕低", "昏迷", "跌倒", "摔倒", "救护车", "120", "999", "摔下来", "跌落嚟", "断了", "骨折", "一动不动", "躺地上", "叫极唔应", "叫不醒", "不动", "broke his", "broke her", "broken leg", "not moving", "lying on the floor", "lying on the ground", "won't wake up", "passed out", "溺水", "遇溺", "撞倒", "砸到", "砸伤", "起不来", "躺在地上", "不省人事", "没反应", "冇反应", "collapsed", "bleeding", "injured", "hurt", "ambulance", "unconscious", "fainted", "掉进", "fell", "drowning", "choking", "not breathing", "not responding", "unresponsive", "heart attack"},
	{"漏电", "触电", "电到", "短路", "电线", "带电", "电箱", "shock", "electrocuted", "zapped", "zap", "麻手", "电麻", "wire", "wires", "live wire", "exposed wire"},
	{"没水", "停水", "冇水", "无水", "没电", "停电", "冇电", "无电", "断电", "冇晒水", "冇晒电", "没有水", "没有电", "no water", "no power", "no electricity", "blackout", "power cut", "outage", "power outage", "power is out", "power's out", "no running water", "taps are dry", "taps dry", "dry taps", "have been dry", "gone off completely", "went off completely", "all the power", "no lights at all", "全黑", "一滴水都没有", "一滴水都冇", "完全没水", "完全没电", "全部没电"},
	{"整栋", "整个", "成座", "成间", "全屋", "全楼", "全部", "整层", "成屋", "成层", "成栋", "whole", "entire", "all", "whole building", "entire building", "all floors"},
	{"撬", "小偷", "贼", "闯入", "闯进", "爆窗", "抢", "跟踪", "威胁", "打人", "打架", "可疑", "陌生人", "陌生男子", "刀", "持刀", "拿刀", "棍", "追人", "闹事", "郁手", "醉酒", "爬进", "爬入", "砸车", "砸", "一直跟", "拍门", "踢门", "aggressive", "kill", "砍", "斩", "杀", "打死", "劈", "violent", "weapon", "武器", "打交", "掟", "screaming", "呼救", "叫救命", "喊救命", "screaming for help", "撞门", "撞烂", "爆门", "偷", "broke", "break-in", "broken into", "burglar", "thief", "intruder", "robbed", "threatening", "fight", "fighting", "suspicious", "stranger", "knife", "smashing", "smashed", "climb", "climbing", "exposing", "following me", "followed", "attack", "attacked", "assault", "banging on my door", "stealing", "stole"},
	// urgency and severity markers
	{"快", "马上", "立刻", "立即", "请即", "赶紧", "赶快", "急", "好急", "紧急", "救命", "求救", "快啲", "快来", "快来人", "快点", "help", "urgent", "asap", "now", "immediately", "emergency", "quick", "quickly", "hurry", "right now", "right away", "!!"},
	{"害怕", "好惊", "惊", "吓", "担心", "危险", "scared", "panicking", "panic", "afraid", "dangerous", "terrified", "worried", "frightened", "unsafe"},
	{"老人", "小孩", "孩子", "婴儿", "bb", "孕妇", "老人家", "妈妈", "阿婆", "伯伯", "细路", "病人", "轮椅", "胰岛素", "药", "高血压", "elderly", "baby", "kid", "child", "children", "mum", "mom", "grandma", "oxygen", "氧气", "pregnant", "insulin", "medicine", "medication", "wheelchair", "claustrophobic", "cpap", "dialysis", "透析", "洗肾", "洗肾机", "呼吸机", "制氧机", "ventilator", "newborn", "twins", "bedridden", "卧床", "瘫痪", "坐月子", "新生儿", "bb仔", "bb女"},
	// markers that an event is hypothetical, asked about, over or past
	{"如果", "万一", "假如", "假设", "要是", "的话", "嘅话", "应该", "怎么办", "点算", "if", "in case", "should", "what if", "what should", "in the event"},
	{"吗", "么", "呢", "请问", "想问", "问一下", "问下", "?", "几时", "几点", "多少", "哪里", "边度", "点样", "系咪", "是不是", "what", "when", "how", "where", "who", "can", "could", "is it", "do you"},
	{"已经修好", "修好了", "好了", "闩咗", "已经关", "已经闩", "关咗", "关掉了", "dry now", "now dry", "already", "turned it off", "shut it off", "stopped now", "停咗", "没事了", "解决了", "已经处理", "处理好了", "搞掂", "搞定", "恢复了", "恢复正常", "来电了", "有水了", "修复了", "fixed", "resolved", "sorted", "working again", "已经没有", "冇事", "back on", "back to normal", "all good now"},
	{"上次", "昨天", "上个月", "之前", "以前", "上周", "上星期", "上礼拜", "前几天", "前天", "前段时间", "去年", "那次", "那件事", "上回", "听说", "last week", "yesterday", "last time", "heard", "last month", "last year", "the other day", "a while ago"},
	// complaint and repair markers
	{"投诉", "太差", "不满", "没人理", "没人来", "冇人嚟", "都冇人", "几天", "三天", "一个星期", "多次", "仍然", "一直没", "还没", "仲未", "到现在", "至今", "还是没", "complain", "complaint", "unacceptable", "still", "again", "nobody", "no one", "days", "weeks", "still not", "nobody came", "no one came", "ridiculous", "terrible", "fed up", "disappointed"},
	{"报修", "维修", "修理", "修一下", "派人", "师傅", "来看", "上门", "坏了", "坏咗", "不亮", "不通", "堵", "塞", "fix", "repair", "broken", "not working", "blocked", "send someone", "check"},
	{"一点", "有点", "少少", "小小", "轻微", "偶尔", "有时", "好像", "似乎", "有啲", "不太", "不算", "唔算", "a bit", "slight", "slightly", "tiny", "sometimes", "not sure", "maybe", "might", "a little", "minor", "small"},
	// topics
	{"吵", "噪音", "嘈", "noise", "noisy", "loud"},
	{"管理费", "物业费", "收费", "费用", "缴费", "发票", "欠费", "交钱", "fee", "fees", "charge", "charged", "bill", "invoice"},
	{"邻居", "楼上", "楼下", "隔壁", "对门", "neighbour", "neighbor", "upstairs", "downstairs", "next door"},
	{"保安", "客服", "前台", "管家", "工作人员", "保洁", "看更", "staff", "guard", "receptionist", "cleaner", "security"},
	{"车位", "停车", "泊车", "车卡", "parking", "car", "泊"},
	{"狗", "猫", "宠物", "pet", "dog", "cat"},
	{"装修", "电钻", "敲墙", "renovation", "renovating", "drilling"},
	{"垃圾", "脏", "卫生", "清洁", "打扫", "臭", "dirty", "rubbish", "garbage", "trash", "clean", "cleaning", "stinks"},
	{"谢谢", "多谢", "感谢", "唔该晒", "辛苦", "thank", "thanks"},
	{"你好", "您好", "早上好", "在吗", "有人吗", "hi", "hello"},
	// more markers
	{"不是", "并不", "并没有", "唔系", "我冇", "冇困", "没被", "没有被", "我没", "并非", "只是", "只系", "就是发现", "no gas", "not trapped", "i'm not", "i am not", "nobody's inside", "no one inside", "just curious", "just checking", "just wondering", "只系试吓", "试吓", "没出事", "没人受伤", "没有人受伤", "冇人受伤", "not", "isn't", "wasn't", "didn't", "doesn't", "don't", "no one hurt", "nobody hurt", "nobody is hurt"},
	{"越来越", "越嚟越", "还在流", "还在冒", "仍在", "不停地", "止不住", "关不掉", "关不了", "总阀", "总开关", "总掣", "rising", "spreading", "getting worse", "won't stop", "can't turn off", "main valve", "stopcock", "shut off"},
	{"污水", "粪水", "化粪池", "反水", "返水", "sewage", "sewer", "backing up", "backed up"},
	{"塌", "倒塌", "bulging", "come down", "coming down", "power line", "电线杆", "吹倒", "倒了", "fallen", "跌落", "跌落嚟", "就嚟跌", "砸下来", "blown off", "about to fall", "塌下", "掉下", "掉落", "坠落", "高空", "玻璃碎", "碎了", "falling", "fell off", "collapse", "crashed", "shattered", "came down"},
	{"插座", "插苏", "电掣", "电器", "light fitting", "灯座", "lights are still on", "配电", "socket", "outlet", "appliance", "fuse", "switchboard", "breaker", "electrical"},
	{"晚上", "今晚", "夜晚", "半夜", "凌晨", "一个人", "独自", "得我", "alone", "tonight", "night", "midnight", "by myself"},
	{"报警", "110", "119", "警察", "消防", "急救", "police", "fire brigade", "firemen", "paramedic"},
	{"又", "再次", "第二次", "第三次", "几次", "好几次", "每次", "等了", "报修了", "报修咗", "again", "every time", "times", "repeatedly", "waiting", "waited", "yet", "never"},
	{"态度", "凶", "骂", "不耐烦", "没礼貌", "不理", "推卸", "大呼小叫", "rude", "attitude", "impolite", "unprofessional", "shouted", "yelled", "ignored", "arrogant"},
	{"办理", "手续", "申请", "需要什么", "要带", "流程", "apply", "application", "procedure", "process", "documents", "form", "how do i", "how can i", "where can i", "can i"},
	{"建议", "希望", "考虑", "表扬", "好评", "满意", "点赞", "赞", "服务好", "好专业", "好贴心", "开心", "compliments", "compliment", "lovely", "looks great", "shout out", "appreciate", "brilliant", "friendly", "great", "nice", "amazing", "kudos", "suggest", "suggestion", "would be nice", "praise", "great job", "well done"},
	{"滴水", "在滴", "一直滴", "滴答", "渗水", "渗", "潮湿", "湿了", "水渍", "水印", "发霉", "霉", "关不紧", "drip", "dripping", "drips", "damp", "stain", "stains", "seeping", "seep", "moist", "mould", "mold", "condensation"},
	{"优惠", "打折", "折扣", "代办", "推广", "加微信", "投资", "回报", "贷款", "办证", "开锁", "兼职", "免费领取", "中奖", "点击", "offer", "discount", "investment", "guaranteed", "returns", "loan", "singles", "bitcoin", "promo", "click", "http", "www", "call us", "% off", "winner", "prize"},
	{"修完", "整完", "修好后", "修过", "维修后", "来过", "修了", "越修越", "仲差过", "还不如", "after your", "after the", "since the", "was repaired", "was fixed", "fixed in", "made the", "made it worse", "worse", "came and", "came,", "left"},
	{"不急", "唔急", "不着急", "不紧急", "有空", "得闲", "方便的时候", "慢慢", "not urgent", "no rush", "no hurry", "when convenient", "whenever", "when you have time"},
}

// Derived concepts: any emergency event (burst, gas, fire, trapped, injury,
// shock, intruder, escalating water, sewage, collapse, police), and any
// marker that the message is hypothetical, over, past, negated or not urgent.
// Their pairs with the others let urgency depend on "an event, but asked
// about" without listing every combination.
const (
	eventConcepts  = 1<<0 | 1<<1 | 1<<4 | 1<<5 | 1<<7 | 1<<8 | 1<<11 | 1<<33 | 1<<34 | 1<<35 | 1<<38
	calmConcepts   = 1<<15 | 1<<17 | 1<<18 | 1<<32 | 1<<46
	conceptNoEvent = 61
	conceptEvent   = 62
	conceptCalm    = 63
)

func init() {
	if len(concepts) > conceptNoEvent {
		panic("model: too many concept groups")
	}
}

var conceptLexicon = func() *Lexicon {
	var words []string
	var ids []int
	for id, ws := range concepts {
		for _, w := range ws {
			words, ids = append(words, string(AppendNormalized(nil, w))), append(ids, id)
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
	if present&eventConcepts != 0 {
		present |= 1 << conceptEvent
	} else {
		present |= 1 << conceptNoEvent
	}
	if present&calmConcepts != 0 {
		present |= 1 << conceptCalm
	}
	for a := range 64 {
		if present&(1<<uint(a)) == 0 {
			continue
		}
		dst = append(dst, conceptFeature(a, shift))
		for b := a + 1; b < 64; b++ {
			if present&(1<<uint(b)) != 0 {
				dst = append(dst, uint32(mix(uint64(a*64+b)^tagPair)>>shift)|ConceptBit)
			}
		}
	}
	return dst
}

// conceptFeature is the feature of concept group id alone.
func conceptFeature(id int, shift uint) uint32 {
	return uint32(mix(uint64(id)^tagConcept)>>shift) | ConceptBit
}
