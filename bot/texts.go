package bot

import (
	"fmt"
	"strings"
)

// Languages the bot speaks.
const (
	LangHans = "zh-Hans"
	LangHant = "zh-Hant"
	LangEn   = "en"
)

// text is one message in the three languages.
type text struct{ hans, hant, en string }

// T returns the message key in lang, formatted with args. Every key exists
// in all three languages (TestTextsComplete).
func T(lang, key string, args ...any) string {
	tx, ok := texts[key]
	if !ok {
		return key
	}
	var s string
	switch lang {
	case LangHant:
		s = tx.hant
	case LangEn:
		s = tx.en
	default:
		s = tx.hans
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

func normLang(lang string) string {
	switch {
	case lang == LangHant, lang == LangEn, lang == LangHans:
		return lang
	case strings.HasPrefix(strings.ToLower(lang), "en"):
		return LangEn
	case strings.EqualFold(lang, "zh-hk"), strings.EqualFold(lang, "zh-tw"), strings.EqualFold(lang, "zh-mo"):
		return LangHant
	}
	return LangHans
}

// texts is every message the bot sends; each dialogue keeps its own table.
var texts = joinTexts(coreTexts, notifyTexts, staffTexts, followupTexts)

func joinTexts(tables ...map[string]text) map[string]text {
	all := map[string]text{}
	for _, t := range tables {
		for k, v := range t {
			if _, dup := all[k]; dup {
				panic("text key defined twice: " + k) // caught by TestTextsComplete
			}
			all[k] = v
		}
	}
	return all
}

var coreTexts = map[string]text{
	"welcome": {
		"您好%s，欢迎使用%s客服助手！😊\n\n您可以直接用自己的话告诉我：\n• 报修：例如「3栋2单元1201 厨房水龙头关不紧，一直滴水」\n• 投诉：例如「楼上每天半夜装修，吵得睡不着」\n• 咨询：例如「装修要办什么手续？」\n\n我会为您登记工单并转交客服同事跟进，处理进度会在这里通知您。紧急情况（漏水、燃气味、有人困在电梯里）请直接说明，我们会立即安排；24小时服务热线：%s。\n\n常用命令：/mytickets 我的工单 · /status 工单号 查询进度 · /cancel 工单号 撤销 · /help 帮助",
		"您好%s，歡迎使用%s客服助手！😊\n\n您可以直接用自己的說話話我知：\n• 報修：例如「第8座15樓C室 廚房水喉一直滴水」\n• 投訴：例如「樓上成日半夜裝修，嘈到瞓唔著」\n• 查詢：例如「裝修要辦咩手續？」\n\n我會為您登記工單並轉交客服同事跟進，處理進度會喺呢度通知您。緊急情況（漏水、煤氣味、有人困咗喺電梯）請直接講，我們會即刻安排；24小時服務熱線：%s。\n\n常用指令：/mytickets 我的工單 · /status 工單號 查詢進度 · /cancel 工單號 撤銷 · /help 幫助",
		"Hello%s, welcome to the %s service assistant! 😊\n\nJust tell me in your own words:\n• a repair, e.g. \"The light in the 12/F corridor of Block B is not working\"\n• a complaint, e.g. \"Renovation noise upstairs every night\"\n• a question, e.g. \"How do I apply for a renovation permit?\"\n\nI will open a ticket and pass it to our service team; you will get updates right here. For emergencies (flooding, gas smell, someone stuck in a lift) just say so and we act at once; 24-hour hotline: %s.\n\nCommands: /mytickets your tickets · /status CODE progress · /cancel CODE withdraw · /help help",
	},
	"help": {
		"请直接描述您的问题，最好包括楼栋和房号，例如「5号楼302 卫生间下水道堵了」。\n/mytickets 查看我的工单\n/status 工单号 查看进度\n/cancel 工单号 撤销工单\n紧急情况请拨打24小时热线 %s。",
		"請直接描述您的問題，最好包括座數同單位，例如「B座1203 洗手間去水塞咗」。\n/mytickets 查看我的工單\n/status 工單號 查看進度\n/cancel 工單號 撤銷工單\n緊急情況請致電24小時熱線 %s。",
		"Just describe the problem, ideally with your block and flat, e.g. \"Block B 12/F Flat C, bathroom drain blocked\".\n/mytickets your tickets\n/status CODE progress of a ticket\n/cancel CODE withdraw a ticket\nFor emergencies call our 24-hour hotline %s.",
	},
	"ticket.repair": {
		"好的，已为您登记报修，工单号 %s。\n📍 位置：%s\n📝 %s\n\n客服同事会尽快受理并安排维修师傅与您联系，受理后我会告诉您是哪位同事负责。您可以随时发送 /status %s 查看进度，补充说明或照片也可以直接发给我。",
		"好的，已為您登記報修，工單號 %s。\n📍 位置：%s\n📝 %s\n\n客服同事會盡快受理並安排維修師傅同您聯絡，受理後我會話您知係邊位同事負責。您可以隨時發送 /status %s 查看進度，補充資料或相片亦可以直接發俾我。",
		"Thank you, your repair request is logged as %s.\n📍 Location: %s\n📝 %s\n\nOur team will pick it up shortly and arrange a technician; I will tell you who is handling it as soon as someone does. Send /status %s any time to check progress, and feel free to send more details or photos here.",
	},
	"ticket.complaint": {
		"非常抱歉给您带来困扰，我们已登记您的投诉，工单号 %s。\n📝 %s\n\n客服主管会认真核实处理，并在24小时内联系您反馈处理意见。您可以发送 /status %s 查看进度，补充的情况也可以直接发给我。",
		"非常抱歉為您帶來困擾，我們已登記您的投訴，工單號 %s。\n📝 %s\n\n客服主管會認真核實處理，並喺24小時內聯絡您回覆處理意見。您可以發送 /status %s 查看進度，補充資料亦可以直接發俾我。",
		"We are very sorry for the trouble. Your complaint is logged as %s.\n📝 %s\n\nA supervisor will look into it carefully and get back to you within 24 hours. Send /status %s to check progress, and send me anything you want to add.",
	},
	"ticket.inquiry": {
		"谢谢您的咨询，已登记为 %s。\n📝 %s\n\n客服同事核实后会在24小时内（%s 前）在这里回复您。如需查询进度，请发送 /status %s。",
		"多謝您的查詢，已登記為 %s。\n📝 %s\n\n客服同事核實後會喺24小時內（%s 前）喺呢度回覆您。如需查詢進度，請發送 /status %s。",
		"Thank you for your question, logged as %s.\n📝 %s\n\nA colleague will check and reply here within 24 hours (by %s). Send /status %s to check progress.",
	},
	"ticket.urgent": {
		"🚨 收到，这是紧急情况，已为您登记紧急工单 %s，正在立即通知值班同事，几分钟内会有人跟进。\n如有危险请先确保自身安全；燃气泄漏请勿开关电器、请开窗并离开现场。\n24小时紧急热线：%s",
		"🚨 收到，呢個係緊急情況，已為您登記緊急工單 %s，正即刻通知當值同事，幾分鐘內會有人跟進。\n如有危險請先確保自身安全；煤氣洩漏請勿開關電器、請打開窗並離開現場。\n24小時緊急熱線：%s",
		"🚨 Understood, this is an emergency. Urgent ticket %s is open and the duty team is being alerted right now; someone will be on it within minutes.\nPlease keep yourself safe first; if you smell gas, do not switch anything on or off, open the windows and leave.\n24-hour emergency hotline: %s",
	},
	"ask.location": {
		"好的，收到您的报修：%s\n请问具体位置是哪里？请告诉我楼栋和房号（例如 3栋2单元1201），或公共区域（例如 5号楼大堂）。",
		"好的，收到您的報修：%s\n請問具體位置係邊度？請話我知座數同單位（例如 第8座15樓C室），或者公共地方（例如 B座大堂）。",
		"Got it: %s\nWhere exactly is it? Please tell me your block and flat (e.g. Block B 12/F Flat C) or the common area (e.g. lobby of Block 5).",
	},
	"ask.location.same": {"同上次：%s", "同上次：%s", "Same as last time: %s"},
	"ask.kind": {
		"谢谢您的留言。为了更好地帮您，请问这是哪一类？",
		"多謝您的留言。為咗更好咁幫您，請問呢個係邊一類？",
		"Thank you for your message. So that I can help you properly, which of these is it?",
	},
	"kind.repair":        {"🔧 报修", "🔧 報修", "🔧 Repair"},
	"kind.complaint":     {"📣 投诉", "📣 投訴", "📣 Complaint"},
	"kind.inquiry":       {"❓ 咨询", "❓ 查詢", "❓ Question"},
	"kind.other":         {"💬 其他", "💬 其他", "💬 Something else"},
	"kindname.repair":    {"报修", "報修", "repair"},
	"kindname.complaint": {"投诉", "投訴", "complaint"},
	"kindname.inquiry":   {"咨询", "查詢", "inquiry"},
	"other.reply": {
		"您好！有什么可以帮您？报修、投诉或咨询，直接告诉我就可以了。😊",
		"您好！有咩可以幫到您？報修、投訴或者查詢，直接話我知就得。😊",
		"Hello! How can I help? Just tell me about a repair, a complaint or a question. 😊",
	},
	"thanks.reply": {
		"不客气，很高兴能帮到您！如有需要随时找我。😊",
		"唔使客氣，好高興幫到您！有需要隨時搵我。😊",
		"You're welcome, glad to help! Message me any time. 😊",
	},
	"nontext": {
		"抱歉，我暂时只能读懂文字。请用文字描述您的问题，例如「厨房水管漏水，3栋1201」，我会马上为您处理。",
		"唔好意思，我暫時只睇得明文字。請用文字講低您的問題，例如「廚房水喉漏水，B座1203」，我會即刻幫您處理。",
		"Sorry, I can only read text for now. Please describe the problem in words, e.g. \"kitchen pipe leaking, Block B 1203\", and I will take care of it.",
	},
	"photo.nocaption": {
		"谢谢您的照片，已收到。请再用一句话告诉我是什么问题、在哪里，我会把照片一并附到工单上。",
		"多謝您的相片，已收到。請再用一句說話話我知係咩問題、喺邊度，我會將相片一併附喺工單度。",
		"Thank you for the photo. Please tell me in a sentence what the problem is and where, and I will attach the photo to the ticket.",
	},
	"empty": {
		"收到您的表情啦 😊 如果需要报修、投诉或咨询，请用文字告诉我具体情况。",
		"收到您的表情啦 😊 如果需要報修、投訴或者查詢，請用文字話我知具體情況。",
		"Thanks! 😊 If you need a repair, want to complain or have a question, please tell me in words.",
	},
	"toolong": {
		"您的留言较长，我已完整保存，工作人员会看到全文。",
		"您的留言比較長，我已完整保存，工作人員會睇到全文。",
		"Your message is long; I have kept all of it and our staff will read it in full.",
	},
	"unknown.command": {
		"抱歉，我不认识这个命令。可用的命令有 /start /help /mytickets /status /cancel；您也可以直接用文字描述问题。",
		"唔好意思，我唔識呢個指令。可用指令有 /start /help /mytickets /status /cancel；您亦可以直接用文字講低問題。",
		"Sorry, I don't know that command. Try /start, /help, /mytickets, /status or /cancel — or just describe the problem in words.",
	},
	"mytickets.none": {
		"您目前还没有工单。需要报修、投诉或咨询，直接告诉我就可以了。",
		"您暫時未有工單。需要報修、投訴或者查詢，直接話我知就得。",
		"You have no tickets yet. Just tell me whenever you need a repair, want to complain or have a question.",
	},
	"mytickets.head": {"您的工单：", "您的工單：", "Your tickets:"},
	"status.usage": {
		"请在命令后面加上工单号，例如 /status R-20261124-0007。发送 /mytickets 可以查看您的全部工单。",
		"請喺指令後面加上工單號，例如 /status R-20261124-0007。發送 /mytickets 可以查看您的全部工單。",
		"Please add the ticket number, e.g. /status R-20261124-0007. Send /mytickets to see all your tickets.",
	},
	"status.notfound": {
		"抱歉，没有找到您名下的工单 %s。请核对工单号，或发送 /mytickets 查看您的工单。",
		"唔好意思，搵唔到您名下的工單 %s。請核對工單號，或者發送 /mytickets 查看您的工單。",
		"Sorry, I could not find a ticket %s of yours. Please check the number, or send /mytickets to see your tickets.",
	},
	"status.line":     {"%s · %s · %s\n%s", "%s · %s · %s\n%s", "%s · %s · %s\n%s"},
	"status.assignee": {"负责人：%s", "負責人：%s", "Handled by: %s"},
	"status.waiting":  {"正在等待客服同事受理，请稍等。", "正在等待客服同事受理，請稍等。", "Waiting for a colleague to pick it up; thank you for your patience."},
	"cancel.usage": {
		"请在命令后面加上要撤销的工单号，例如 /cancel R-20261124-0007。",
		"請喺指令後面加上要撤銷的工單號，例如 /cancel R-20261124-0007。",
		"Please add the ticket number to withdraw, e.g. /cancel R-20261124-0007.",
	},
	"cancel.done": {
		"好的，工单 %s 已撤销。如果之后还需要帮助，随时告诉我。",
		"好的，工單 %s 已撤銷。如果之後仲需要幫手，隨時話我知。",
		"Done, ticket %s is withdrawn. Tell me any time if you need help again.",
	},
	"cancel.closed": {
		"工单 %s 已经处理完毕或已关闭，无需撤销。谢谢！",
		"工單 %s 已經處理完畢或者已關閉，唔使撤銷。多謝！",
		"Ticket %s is already finished or closed, so there is nothing to withdraw. Thank you!",
	},
	"flow.cancelled": {
		"好的，已取消，没有登记工单。有需要随时告诉我。",
		"好的，已取消，冇登記工單。有需要隨時話我知。",
		"Okay, cancelled; no ticket was opened. Message me any time.",
	},
	"flow.expired": {
		"刚才的登记因为太久没有回复已暂停，没有开单。如果还需要帮助，请重新告诉我情况。",
		"啱先的登記因為太耐冇回覆已暫停，冇開單。如果仲需要幫手，請再話我知情況。",
		"The request we started has been paused because we did not hear back, and no ticket was opened. If you still need help, just tell me again.",
	},
	"group.ignored": {
		"您好，我只在私聊中为业主服务。请直接私信我报修、投诉或咨询，谢谢！",
		"您好，我只會喺私訊度為業主服務。請直接私訊我報修、投訴或者查詢，多謝！",
		"Hello, I serve owners in private chat only. Please message me directly for repairs, complaints or questions. Thank you!",
	},
	"sorry": {
		"抱歉，系统刚才处理您的消息时出了点问题，您的留言已保存，我们会尽快处理。紧急情况请拨打热线 %s。",
		"唔好意思，系統啱先處理您的訊息時出咗少少問題，您的留言已保存，我們會盡快處理。緊急情況請致電熱線 %s。",
		"Sorry, something went wrong while handling your message. It is saved and we will deal with it shortly. For emergencies please call %s.",
	},
	"status.open":              {"待受理", "待受理", "waiting"},
	"status.claimed":           {"已受理", "已受理", "accepted"},
	"status.in_progress":       {"处理中", "處理中", "in progress"},
	"status.resolved":          {"待确认", "待確認", "done, awaiting your confirmation"},
	"status.closed":            {"已完成", "已完成", "closed"},
	"status.cancelled":         {"已撤销", "已撤銷", "withdrawn"},
	"urgent.mark":              {"🚨紧急", "🚨緊急", "🚨urgent"},
	"location.none":            {"未提供", "未提供", "not given"},
	"card.claim":               {"✋ 受理", "✋ 受理", "✋ Claim"},
	"card.repost":              {"⏰ 仍未受理", "⏰ 仍未受理", "⏰ still unclaimed"},
	"card.waited":              {"⏱ 已等待 %s", "⏱ 已等待 %s", "⏱ waiting %s"},
	"escalate.unclaimed":       {"⚠️ 升级提醒：工单 %s 已等待 %s 仍无人受理，请安排跟进。", "⚠️ 升級提示：工單 %s 已等咗 %s 仍然冇人受理，請安排跟進。", "⚠️ Escalation: ticket %s has waited %s without being claimed. Please assign someone."},
	"escalate.overdue":         {"⚠️ 升级提醒：工单 %s 已受理 %s 但超过服务时限仍未完成，请跟进。", "⚠️ 升級提示：工單 %s 已受理 %s 但超過服務時限仍未完成，請跟進。", "⚠️ Escalation: ticket %s (open %s) is past its service deadline. Please follow up."},
	"escalate.poison":          {"⚠️ 系统提示：工单 %s（已等待 %s）的派单多次失败，已移出自动队列，请人工处理。", "⚠️ 系統提示：工單 %s（已等 %s）的派單多次失敗，已移出自動隊列，請人手處理。", "⚠️ System: the handoff of ticket %s (waiting %s) failed repeatedly and was set aside; please handle it by hand."},
	"kb.human":                 {"没有解答我的问题，转人工", "未解答到我的問題，轉人手", "That didn't answer it — talk to staff"},
	"kb.footer":                {"（已记录为 %s。如仍有疑问，请点下面的按钮，客服同事会在24小时内回复您。）", "（已記錄為 %s。如仍有疑問，請撳下面的按鈕，客服同事會喺24小時內回覆您。）", "(Logged as %s. If this does not answer your question, press the button below and a colleague will reply within 24 hours.)"},
	"category.water":           {"水/管道", "水/喉管", "water/plumbing"},
	"category.electricity":     {"电", "電", "electricity"},
	"category.lift":            {"电梯", "電梯", "lift"},
	"category.door_lock":       {"门窗/门锁", "門窗/門鎖", "doors/windows/locks"},
	"category.wall_ceiling":    {"墙面/天花/渗漏", "牆身/天花/滲漏", "walls/ceiling/leaks"},
	"category.gas":             {"燃气", "煤氣", "gas"},
	"category.public_facility": {"公共设施", "公共設施", "public facilities"},
	"category.noise":           {"噪音", "噪音", "noise"},
	"category.neighbour":       {"邻里", "鄰里", "neighbours"},
	"category.staff_attitude":  {"服务态度", "服務態度", "staff attitude"},
	"category.security":        {"安保", "保安", "security"},
	"category.cleaning":        {"清洁", "清潔", "cleaning"},
	"category.parking":         {"停车", "泊車", "parking"},
	"category.fees":            {"费用", "費用", "fees/billing"},
	"category.renovation":      {"装修", "裝修", "renovation"},
	"category.pets":            {"宠物", "寵物", "pets"},
	"category.other":           {"其他", "其他", "other"},
}
