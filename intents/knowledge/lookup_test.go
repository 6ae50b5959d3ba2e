package knowledge_test

import (
	"fmt"
	"strings"
	"testing"

	"concierge/intents/knowledge"
)

func load(t testing.TB) *knowledge.Base {
	t.Helper()
	b, err := knowledge.Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return b
}

// Questions an owner might send, none copied from the file's samples.
var answerable = []struct {
	text, lang, want string
}{
	// zh-Hans
	{"装修要办什么手续?", "zh-hans", "renovation"},
	{"搬家要开放行条吗", "zh-hans", "move_out"},
	{"停水通知在哪里看", "zh-hans", "outages"},
	{"请问物业费怎么缴纳", "zh-hans", "fees"},
	{"管理费能用支付宝付吗", "zh-hans", "fees"},
	{"装修工人要办出入证吗?", "zh-hans", "renovation"},
	{"装修押金多久退回来", "zh-hans", "renovation"},
	{"收楼要带哪些资料", "zh-hans", "move_in"},
	{"验房发现的问题后续谁跟进?", "zh-hans", "move_in"},
	{"月卡快到期了,怎么续费", "zh-hans", "parking_card"},
	{"想租个固定车位", "zh-hans", "parking_lease"},
	{"二手房过户后物业费找谁改名字", "zh-hans", "fee_transfer"},
	{"朋友来小区要登记吗", "zh-hans", "visitors"},
	{"快递柜在哪", "zh-hans", "parcels"},
	{"明天停电吗?", "zh-hans", "outages"},
	{"客服中心几点下班", "zh-hans", "office_hours"},
	{"24小时值班电话是多少", "zh-hans", "office_hours"},
	{"小区里能养猫吗", "zh-hans", "pets"},
	{"物业费的发票怎么开", "zh-hans", "invoices"},
	{"门禁卡丢了", "zh-hans", "owner_card"},
	{"业主证在哪里办", "zh-hans", "owner_card"},
	{"交管理费", "zh-hans", "fees"},
	{"水费怎么交", "zh-hans", "fees"},
	{"放行条", "zh-hans", "move_out"},
	{"收据", "zh-hans", "invoices"},
	// zh-Hant and Cantonese
	{"管理費點樣交?", "zh-hk", "fees"},
	{"管理費可以用支付寶嗎", "zh-tw", "fees"},
	{"裝修要申請咩手續?", "zh-hk", "renovation"},
	{"裝修工人出入證點辦", "zh-hk", "renovation"},
	{"搬屋要唔要放行條?", "zh-hk", "move_out"},
	{"收樓驗樓有問題點跟進", "zh-hk", "move_in"},
	{"車卡點樣續期?", "zh-hk", "parking_card"},
	{"有冇車位出租?", "zh-hk", "parking_lease"},
	{"朋友嚟探我點登記", "zh-hk", "visitors"},
	{"停電通告喺邊度睇?", "zh-hk", "outages"},
	{"管理處電話係幾多?", "zh-hk", "office_hours"},
	{"養狗要登記嗎?", "zh-tw", "pets"},
	{"電子發票點樣攞?", "zh-hk", "invoices"},
	{"門卡唔見咗點算", "zh-hk", "owner_card"},
	{"賣樓之後管理費點過戶", "zh-hk", "fee_transfer"},
	{"包裹可唔可以放管理處", "zh-hk", "parcels"},
	// English
	{"How do I get a parking card?", "en", "parking_card"},
	{"How can I pay the management fee?", "en", "fees"},
	{"What documents do I need for renovation approval?", "en", "renovation"},
	{"When can workers do renovation work?", "en", "renovation"},
	{"Do I need a release slip when moving out?", "en", "move_out"},
	{"What should I bring on key handover day?", "en", "move_in"},
	{"Is there a parking space I can rent?", "en", "parking_lease"},
	{"How do I transfer the account after selling my flat?", "en", "fee_transfer"},
	{"My guest is coming tomorrow, how do they get in?", "en", "visitors"},
	{"Where do couriers leave packages?", "en", "parcels"},
	{"Where are water outage notices posted?", "en", "outages"},
	{"What is the 24 hour hotline number?", "en", "office_hours"},
	{"Are dogs allowed?", "en", "pets"},
	{"I need a VAT invoice for my company", "en", "invoices"},
	{"I lost my access card", "en", "owner_card"},
	{"How do I cancel my monthly parking pass?", "en", "parking_card"},
	{"ＨＯＷ ＤＯ Ｉ ＰＡＹ ＦＥＥＳ？", "en", "fees"}, // full-width
}

// Messages the knowledge base must not answer confidently: repairs,
// complaints, small talk and nonsense go to a person or a question.
var unanswerable = []struct{ text, lang string }{
	{"厨房水管漏水", "zh-hans"},
	{"楼上装修太吵了,晚上十点还在打电钻", "zh-hans"},
	{"电梯坏了,困在里面", "zh-hans"},
	{"保安态度太差了,我要投诉", "zh-hans"},
	{"你好", "zh-hans"},
	{"hello", "en"},
	{"asdfghjkl", "en"},
	{"The hallway light outside 1203 is broken", "en"},
	{"The neighbour's dog barks all night and nobody does anything, this is unacceptable", "en"},
	{"天花板滲水,好嚴重", "zh-hk"},
	{"冷氣機漏水", "zh-hk"},
	{"谢谢", "zh-hans"},
	{"😀😀😀", "en"},
	{"", "en"},
	{"我家门锁坏了打不开", "zh-hans"},
	{"What's the weather tomorrow?", "en"},
	{"我要报修", "zh-hans"},
	{"热水器坏了", "zh-hans"},
	{"楼道灯不亮", "zh-hans"},
	{"投诉邻居养狗很吵", "zh-hans"},
	{"装修噪音投诉", "zh-hans"},
	{"管理费太贵了,服务又差", "zh-hans"},
	{"我想投诉物业费乱收", "zh-hans"},
	{"wifi password", "en"},
	{"停车月卡和车位租赁", "zh-hans"}, // two topics at once: ask, do not guess
}

func TestLookupAnswers(t *testing.T) {
	t.Parallel()
	b := load(t)
	for _, tt := range answerable {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			m, ok := b.Lookup(tt.text, tt.lang)
			if !ok || m.Entry.ID != tt.want {
				t.Errorf("Lookup(%q) = %s %.2f ok=%v, want %s confidently; top: %s", tt.text, id(m), m.Score, ok, tt.want, top(b, tt.text))
			}
		})
	}
}

func TestLookupDeclines(t *testing.T) {
	t.Parallel()
	b := load(t)
	for _, tt := range unanswerable {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			if m, ok := b.Lookup(tt.text, tt.lang); ok {
				t.Errorf("Lookup(%q) = %s %.2f confidently, want no answer; top: %s", tt.text, id(m), m.Score, top(b, tt.text))
			}
		})
	}
}

func id(m knowledge.Match) string {
	if m.Entry == nil {
		return "<none>"
	}
	return m.Entry.ID
}

func top(b *knowledge.Base, text string) string {
	var parts []string
	for _, m := range b.TopK(text, "", 3) {
		parts = append(parts, fmt.Sprintf("%s=%.2f", m.Entry.ID, m.Score))
	}
	return strings.Join(parts, " ")
}
