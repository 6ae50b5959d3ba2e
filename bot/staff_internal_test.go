package bot

import (
	"context"
	"testing"
)

// RelayToAssigneeForTest does what an owner's later message on a ticket
// does once the follow-up dialogue takes it: the owner's line is recorded
// (as onOwnerMessage does) and relayToAssignee passes it on, in one
// transaction.
func (b *Bot) RelayToAssigneeForTest(ctx context.Context, ticketID int64, text, photo string) error {
	return b.inTx(ctx, func(t *turn) error {
		tk, err := t.tx.Ticket(ctx, ticketID)
		if err != nil {
			return err
		}
		o, err := t.tx.Owner(ctx, tk.OwnerID)
		if err != nil {
			return err
		}
		if err := b.record(ctx, t, &owner{Owner: o}, text, photo, nil); err != nil {
			return err
		}
		return b.relayToAssignee(ctx, t, tk, text, photo)
	})
}

func TestParseResolution(t *testing.T) {
	cases := []struct {
		in                     string
		opinion, cause, action string
	}{
		{"已更换厨房进水阀", "已更换厨房进水阀", "", ""},
		{"原因: 楼上装修超时 / 整改: 已约谈装修队 / 处理意见: 已协调", "已协调", "楼上装修超时", "已约谈装修队"},
		{"原因分析:保洁漏扫\n整改措施:增加巡查 处理意见:已致歉", "已致歉", "保洁漏扫", "增加巡查"},
		{"已处理;原因:11/24 水泵故障;整改:更换水泵", "已处理", "11/24 水泵故障", "更换水泵"},
		{"Cause: late-night works / Action: hours limited / Opinion: settled", "settled", "late-night works", "hours limited"},
		{"處理意見:已協調 原因:噪音 整改:限時施工", "已協調", "噪音", "限時施工"},
		{"原因\uff1a楼上装修超时\uff1b整改\uff1a已约谈装修队 处理意见\uff1a已协调", "已协调", "楼上装修超时", "已约谈装修队"}, // full-width, as Chinese input methods type them
	}
	for _, c := range cases {
		r := parseResolution(c.in)
		if r.Opinion != c.opinion || r.Cause != c.cause || r.Action != c.action {
			t.Errorf("parseResolution(%q) = %+v, want opinion %q cause %q action %q", c.in, r, c.opinion, c.cause, c.action)
		}
	}
}
