package bot

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"concierge/intents"
	"concierge/storage"
)

// Slot filling: before a ticket opens the engine asks only for what is
// missing, one question at a time and at most maxQuestions in all. A repair
// needs what is broken and where; a complaint needs what happened, where or
// who, and when. Emergencies skip every question. After a non-urgent repair
// opens, one optional message offers to take a photo and a time to visit.

const maxQuestions = 2

// Slots asked about.
const (
	slotWhat  = "what"
	slotWhere = "where"
	slotWho   = "who" // a complaint's where or who
	slotWhen  = "when"
)

// nextSlot returns the first slot the draft still lacks, or "" when it can
// become a ticket.
func nextSlot(d *draft) string {
	if d.Urgent || len(d.Asked) >= maxQuestions || utf8.RuneCountInString(d.Text) > maxUnderstandRunes {
		return "" // an emergency, asked enough, or a long message says what it can
	}
	var need []string
	switch intents.Intent(d.Intent) {
	case intents.Repair:
		if vagueRepair(d.Text, d) {
			need = append(need, slotWhat)
		}
		if d.Unit == "" && d.Area == "" {
			need = append(need, slotWhere)
		}
	case intents.Complaint:
		if !saysWhat(d.Text) {
			need = append(need, slotWhat)
		}
		if d.Unit == "" && d.Area == "" && !containsAny(d.Text, whoWords) {
			need = append(need, slotWho)
		}
		if !containsAny(d.Text, whenWords) && !hasClock(d.Text) {
			need = append(need, slotWhen)
		}
	}
	for _, s := range need {
		if !slices.Contains(d.Asked, s) {
			return s
		}
	}
	return ""
}

// Words that say nothing about what is broken.
var vagueWords = []string{
	"我要报修", "我要報修", "报修", "報修", "坏掉了", "坏了", "壞咗", "坏", "壞", "有问题", "有問題", "出问题", "出問題", "问题", "問題",
	"不能用", "用不了", "唔用得", "不好使", "不行", "唔得", "故障", "维修", "維修", "修一下", "整下", "麻烦", "麻煩", "帮忙", "幫手",
	"请", "請", "了", "咗", "啦", "呀", "的", "我", "家", "东西", "東西",
	"it's", "its", "it", "is", "isn't", "not", "working", "broken", "problem", "repair", "fix", "please", "help",
	"there", "a", "the", "my", "need", "needs", "something", "i", "have", "has", "need", "want", "to",
}

// vagueRepair reports whether a repair says what is broken: "坏了" or
// "it's broken" does not.
func vagueRepair(text string, d *draft) bool {
	rest := strings.ToLower(text)
	for _, p := range []string{d.Unit, d.Area} {
		if p != "" {
			rest = strings.ReplaceAll(rest, strings.ToLower(p), " ")
		}
	}
	fields := strings.FieldsFunc(rest, func(r rune) bool { return r != '\'' && !hasLetters(string(r)) })
	var kept []string
	for _, f := range fields {
		for _, w := range vagueWords {
			if !isLatinWord(w) {
				f = strings.ReplaceAll(f, w, "")
			}
		}
		if f != "" && !slices.Contains(vagueWords, f) {
			kept = append(kept, f)
		}
	}
	return contentRunes(strings.Join(kept, "")) < 1
}

func isLatinWord(w string) bool {
	for _, r := range w {
		if r > 0x7f {
			return false
		}
	}
	return true
}

// Complaint words that do not say what happened.
var complaintWords = []string{"我要投诉", "我要投訴", "投诉", "投訴", "我想投诉", "i want to complain", "i want to make a complaint",
	"complaint", "complain", "我", "要", "想"}

func saysWhat(text string) bool {
	rest := strings.ToLower(text)
	for _, w := range complaintWords {
		rest = strings.ReplaceAll(rest, w, "")
	}
	return contentRunes(rest) >= 4
}

// Words that say where or who a complaint is about.
var whoWords = []string{
	"楼上", "楼下", "隔壁", "邻居", "对面", "保安", "保洁", "清洁", "客服", "前台", "管家", "师傅", "维修", "物业", "经理", "工作人员",
	"员工", "门卫", "电梯", "大堂", "车库", "停车场", "车位", "小区", "花园", "走廊", "楼道", "门口", "栋", "号楼", "单元",
	"樓上", "樓下", "鄰居", "對面", "保安員", "清潔", "管理處", "職員", "師傅", "維修", "電梯", "停車場", "車位", "屋苑", "座",
	"upstairs", "downstairs", "neighbour", "neighbor", "next door", "guard", "security", "cleaner", "staff", "manager",
	"technician", "lobby", "car park", "parking", "corridor", "lift", "elevator", "block", "flat", "gate", "reception",
}

// Words that say when.
var whenWords = []string{
	"今天", "昨天", "前天", "每天", "天天", "每晚", "晚上", "半夜", "凌晨", "早上", "上午", "中午", "下午", "傍晚", "夜里", "周末",
	"星期", "礼拜", "周一", "周二", "周三", "周四", "周五", "周六", "周日", "最近", "经常", "一直", "总是", "刚才", "刚刚", "现在",
	"今早", "今晚", "昨晚", "上周", "上个月", "这几天", "这周", "点钟",
	"琴日", "今日", "尋晚", "成日", "而家", "啱啱", "朝早", "夜晚", "禮拜", "最近", "經常", "每日", "點鐘",
	"today", "yesterday", "tonight", "last night", "morning", "afternoon", "evening", "night", "every", "always", "week",
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "just now", "right now", "o'clock", "daily",
	// how long it has lasted says when too: "broken for 3 days", "三天了"
	"天了", "几天", "多天", "个月", "小时", "日了", "幾日", "個月", "鐘頭", "days", "weeks", "months", "hours", "since", "ago",
}

// hasClock reports whether s names a time or a date by number: "3:30",
// "3pm", "3点", "十點", "12号" ("5号楼" is a building, not a date). A bare
// 点 or 號 says nothing of time: "有点漏水" (a bit), "點閂" (how to shut).
func hasClock(s string) bool {
	l := strings.ToLower(s)
	for i := 0; i+2 < len(l); i++ {
		if l[i+1] == ':' && l[i] >= '0' && l[i] <= '9' && l[i+2] >= '0' && l[i+2] <= '9' {
			return true
		}
	}
	rs := []rune(l)
	for i := 1; i < len(rs); i++ {
		if !strings.ContainsRune("点點时時号號", rs[i]) || !isNumeral(rs[i-1]) {
			continue
		}
		if i+1 < len(rs) && strings.ContainsRune("楼樓栋棟座房室铺舖", rs[i+1]) {
			continue
		}
		return true
	}
	return strings.Contains(l, "am") && hasDigits(l) || strings.Contains(l, "pm") && hasDigits(l)
}

func isNumeral(r rune) bool {
	return '0' <= r && r <= '9' || strings.ContainsRune("一二三四五六七八九十两兩", r)
}

// askSlot asks for one missing slot and remembers it was asked.
func (b *Bot) askSlot(ctx context.Context, t *turn, o *owner, d *draft, slot string) error {
	d.Asked = append(d.Asked, slot)
	o.dlg.Draft = d
	state := stateAwaitSlot
	if slot == slotWhere {
		state = stateAwaitLocation
	}
	if err := b.saveDialogue(ctx, t, o, state); err != nil {
		return err
	}
	skip := []Button{{Text: T(o.Lang, "btn.skip"), Data: "ex:slot"}}
	switch slot {
	case slotWhere:
		buttons := [][]Button{}
		if o.Unit != "" {
			buttons = append(buttons, []Button{{Text: T(o.Lang, "ask.location.same", o.Unit), Data: "loc:same"}})
		}
		return b.send(ctx, t, o.ChatID, Out{Text: T(o.Lang, "ask.location", d.Summary), Buttons: append(buttons, skip)}, false)
	case slotWhat:
		key := "ask.what.repair"
		if d.Intent == string(intents.Complaint) {
			key = "ask.what.complaint"
		}
		return b.send(ctx, t, o.ChatID, Out{Text: T(o.Lang, key), Buttons: [][]Button{skip}}, false)
	}
	return b.send(ctx, t, o.ChatID, Out{Text: T(o.Lang, "ask."+slot), Buttons: [][]Button{skip}}, false)
}

// answerSlot takes the owner's answer to a what / who / when question.
func (b *Bot) answerSlot(ctx context.Context, t *turn, o *owner, text string) error {
	d := o.dlg.Draft
	if done, err := b.cancelOrSkip(ctx, t, o, text); done || err != nil {
		return err
	}
	r, err := b.understand(ctx, t, text)
	if err != nil {
		return fmt.Errorf("understand answer: %w", err)
	}
	// An emergency told in answer to a question is a request of its own.
	if r.Urgent && r.Intent == intents.Repair && r.Confident() && !d.Urgent && substantive(text, r.Location) &&
		r.Category != intents.CatOther && string(r.Category) != d.Category {
		return b.understandAndAct(ctx, t, o, text)
	}
	slot := ""
	if n := len(d.Asked); n > 0 {
		slot = d.Asked[n-1]
	}
	d.Text = d.Text + "\n" + text
	if d.Unit == "" && d.Area == "" {
		d.Unit, d.Area = r.Location.Unit, r.Location.Area
	}
	if slot == slotWhat {
		if d.Category == "" || d.Category == string(intents.CatOther) || d.Category == string(intents.CatPublicFacility) {
			if r.Category != "" && r.Category != intents.CatOther {
				d.Category = string(r.Category)
			}
		}
		d.Summary = truncateRunes(whatSummary(d, text), 60)
	}
	return b.act(ctx, t, o, d)
}

// whatSummary is the one-line summary once the owner said what it is
// about: "客厅的灯" + "坏了" reads "客厅的灯坏了"; for a complaint the answer
// is the story.
func whatSummary(d *draft, answer string) string {
	answer = strings.TrimSpace(answer)
	if d.Intent != string(intents.Repair) {
		return answer
	}
	first, _, _ := strings.Cut(d.Text, "\n")
	first = strings.TrimSpace(first)
	if isLatinWord(answer) || isLatinWord(first) {
		return answer + ": " + first
	}
	return strings.TrimRight(answer, "\u3002\uff0c,.\uff01! ") + first
}

// offerExtras turns the repair's confirmation into the optional offer of a
// photo and a time to visit, answered by the next message or Skip.
func (b *Bot) offerExtras(ctx context.Context, t *turn, o *owner, tk storage.Ticket, msg *Out) error {
	o.dlg = dialogue{Extras: tk.ID}
	if err := b.saveDialogue(ctx, t, o, stateAwaitExtras); err != nil {
		return err
	}
	msg.Text += "\n\n" + T(o.Lang, "extras.offer")
	msg.Buttons = [][]Button{{{Text: T(o.Lang, "btn.skip"), Data: "ex:" + strconv.FormatInt(tk.ID, 10)}}}
	return nil
}

// answerExtras takes the message after a repair opened: a photo or a time
// to visit goes on the ticket; anything else is dealt with as usual.
func (b *Bot) answerExtras(ctx context.Context, t *turn, o *owner, text, photo string) (bool, error) {
	id := o.dlg.Extras
	if isWord(text, skipWords) || isWord(text, cancelWords) && photo == "" {
		if err := b.reset(ctx, t, o); err != nil {
			return true, err
		}
		return true, b.say(ctx, t, o, "extras.skipped")
	}
	tk, err := t.tx.Ticket(ctx, id)
	if err != nil || tk.OwnerID != o.ID || !tk.Open() {
		return false, b.reset(ctx, t, o)
	}
	if photo == "" && !containsAny(text, whenWords) && !hasClock(text) && !containsAny(text, anytimeWords) {
		return false, b.reset(ctx, t, o) // not an answer: handle it as any message
	}
	if photo == "" {
		// An emergency or a new request that happens to say when ("现在",
		// "一直", "3点") is not a time for the visit.
		r, err := b.understand(ctx, t, text)
		if err != nil {
			return true, err
		}
		if r.Urgent || (r.Intent == intents.Repair || r.Intent == intents.Complaint) && r.Confident() && r.Category != intents.CatOther {
			return false, b.reset(ctx, t, o)
		}
		if err := t.tx.AddEvent(ctx, storage.Event{TicketID: tk.ID, At: t.now, Actor: storage.ActorOwner, Kind: "visit_time",
			Detail: map[string]any{"text": text}}); err != nil {
			return true, err
		}
	}
	return true, b.addToTicket(ctx, t, o, tk, text, photo, t.updateID)
}

var anytimeWords = []string{"随时", "隨時", "都可以", "都得", "any time", "anytime", "whenever"}

// onExtrasSkip handles Skip under the photo / visit-time offer and under a
// question before a ticket opens.
func (b *Bot) onExtrasSkip(ctx context.Context, t *turn) error {
	cq := t.upd.CallbackQuery
	o, err := b.loadOwnerFromCallback(ctx, t)
	if err != nil || o == nil {
		return err
	}
	if err := b.answerButton(ctx, t, cq, ""); err != nil {
		return err
	}
	if cq.Data == "ex:slot" {
		if d := o.dlg.Draft; d != nil && (o.conv.State == stateAwaitSlot || o.conv.State == stateAwaitLocation) {
			return b.act(ctx, t, o, d)
		}
		return b.say(ctx, t, o, "flow.expired")
	}
	if o.conv.State != stateAwaitExtras || cq.Data != "ex:"+strconv.FormatInt(o.dlg.Extras, 10) {
		return nil // answered already
	}
	if err := b.reset(ctx, t, o); err != nil {
		return err
	}
	return b.say(ctx, t, o, "extras.skipped")
}

// slotTexts joins followupTexts (followup.go).
var slotTexts = map[string]text{
	"ask.what.repair": {
		"好的，请问具体是什么坏了？例如「卫生间水龙头关不紧」「客厅的灯不亮」，这样师傅可以带对工具。",
		"好的，請問具體係咩壞咗？例如「洗手間水龍頭關唔實」「客廳盞燈唔著」，咁師傅可以帶啱工具。",
		"Of course. What exactly is broken? For example \"the bathroom tap won't turn off\" or \"the living-room light is out\", so the technician brings the right tools.",
	},
	"ask.what.complaint": {
		"非常抱歉给您带来不便。请问发生了什么事？请简单描述一下情况。",
		"非常抱歉為您帶來不便。請問發生咗咩事？請簡單講下情況。",
		"We are sorry for the trouble. What happened? Please describe it briefly.",
	},
	"ask.who": {
		"明白。请问是在哪里发生的，或者涉及哪一位/哪一户（例如 5号楼楼上、大堂保安）？",
		"明白。請問喺邊度發生，或者涉及邊位/邊戶（例如 B座樓上、大堂保安）？",
		"I see. Where did it happen, or who is involved (e.g. the flat upstairs, the lobby guard)?",
	},
	"ask.when": {
		"明白。请问大概是什么时候发生的（例如 昨晚11点、每天半夜）？",
		"明白。請問大概係幾時發生（例如 尋晚11點、每晚半夜）？",
		"I see. Roughly when did it happen (e.g. last night at 11, every night after midnight)?",
	},
	"extras.offer": {
		"（可选）如方便，可以直接发一张照片，或告诉我您方便师傅上门的时间（例如 明天下午）；不需要请点「跳过」，工单已经在处理中。",
		"（可選）如方便，可以直接發一張相片，或話我知您方便師傅上門的時間（例如 聽日下晝）；唔需要請撳「跳過」，工單已經處理緊。",
		"(Optional) If convenient, send a photo, or tell me a good time for the technician to visit (e.g. tomorrow afternoon); otherwise press Skip — the ticket is already being handled.",
	},
	"extras.skipped": {
		"好的，没问题。有进展我会第一时间通知您。",
		"好的，冇問題。有進展我會第一時間通知您。",
		"No problem. I will let you know as soon as there is news.",
	},
}
