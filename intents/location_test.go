package intents

import (
	"testing"
)

func newLocal(t testing.TB) *Local {
	t.Helper()
	l, err := NewLocal()
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestLocateUnit(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	tests := []struct {
		name, text, want string
	}{
		{"building unit room", "3栋2单元1201厨房漏水", "3栋2单元1201"},
		{"with room marker", "我住3栋2单元1201室", "3栋2单元1201室"},
		{"traditional", "我住3棟2單元1201", "3棟2單元1201"},
		{"dashed", "3-2-1201 水管漏水", "3栋2单元1201"},
		{"dashed english", "water leaking at 3-2-1201", "3-2-1201"},
		{"dashed two parts", "5-1203 没电了", "5栋1203"},
		{"full width", "３栋２单元１２０１", "3栋2单元1201"},
		{"chinese numerals", "三栋二单元1201", "3栋2单元1201"},
		{"block floor flat", "Block B 12/F Flat C has no power", "Block B 12/F Flat C"},
		{"block floor flat commas", "blk b, 12/f, flat c, no water", "Block B 12/F Flat C"},
		{"floor room traditional", "12樓C室冷氣漏水", "12樓C室"},
		{"block room", "B座1203门锁坏了", "B座1203"},
		{"block floor room", "B座12楼C室", "B座12楼C室"},
		{"flat", "Flat 12C toilet blocked", "Flat 12C"},
		{"rm", "Rm 1203 light broken", "Rm 1203"},
		{"room word", "room 808 aircon broken", "Rm 808"},
		{"room only", "1201室天花板漏水", "1201室"},
		{"building number", "5号楼302 洗手盆下水很慢", "5号楼302"},
		{"tower floor flat", "Tower 2, 15/F, Flat A", "Tower 2 15/F Flat A"},
		{"no unit: lift number", "2号电梯坏了", ""},
		{"no unit: date", "2026-11-24 停水吗", ""},
		{"no unit: phone", "电话13812345678", ""},
		{"no unit: days", "报修三天了都没人来", ""},
		{"no unit: floor only", "12楼走廊的灯不亮", ""},
		{"no unit: english words", "the flatmate left", ""},
		{"no unit: time", "晚上11点还在装修", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := l.Locate(tc.text).Unit; got != tc.want {
				t.Errorf("Locate(%q).Unit = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

func TestLocateArea(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	tests := []struct {
		name, text, want string
	}{
		{"lobby", "大堂好脏", "lobby"},
		{"lobby english", "The lobby floor is wet", "lobby"},
		{"car park simplified", "停车场有车乱停", "car park"},
		{"car park traditional", "停車場有車亂泊", "car park"},
		{"car park english", "someone parked in my space in the car park", "car park"},
		{"corridor with floor", "12楼走廊的灯不亮", "12/F corridor"},
		{"corridor traditional", "12樓走廊好黑", "12/F corridor"},
		{"corridor english", "12/F corridor light off", "12/F corridor"},
		{"lift number", "2号电梯坏了", "lift 2"},
		{"lift number traditional", "2號電梯壞咗", "lift 2"},
		{"lift english", "someone is trapped in lift 2", "lift 2"},
		{"lift cantonese", "有人困咗喺lift入面", "lift"},
		{"lift cantonese char", "部𨋢又壞咗", "lift"},
		{"garden", "花园里有人遛狗不拴绳", "garden"},
		{"clubhouse", "会所几点开门?", "clubhouse"},
		{"rubbish room", "垃圾房好臭", "rubbish room"},
		{"rubbish room english", "the rubbish room smells", "rubbish room"},
		{"staircase not lift", "楼梯间的灯坏了", "staircase"},
		{"none", "我家水龙头漏水", ""},
		{"not inside a word", "he was shifting furniture", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := l.Locate(tc.text).Area; got != tc.want {
				t.Errorf("Locate(%q).Area = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

func TestLocationString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		loc   Location
		want  string
		empty bool
	}{
		{Location{}, "", true},
		{Location{Unit: "3栋2单元1201"}, "3栋2单元1201", false},
		{Location{Area: "lobby"}, "lobby", false},
		{Location{Unit: "Flat 12C", Area: "lift 2"}, "Flat 12C, lift 2", false},
	}
	for _, tc := range tests {
		if got := tc.loc.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.loc, got, tc.want)
		}
		if got := tc.loc.Empty(); got != tc.empty {
			t.Errorf("%#v.Empty() = %v, want %v", tc.loc, got, tc.empty)
		}
	}
}
