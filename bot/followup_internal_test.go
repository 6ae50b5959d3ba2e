package bot

import (
	"testing"
	"time"
)

func TestQuietHours(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, sh) }
	cases := []struct {
		name       string
		start, end time.Duration
		now        time.Time
		quiet      bool
		until      time.Time
	}{
		{"evening in a window over midnight", 21 * time.Hour, 8 * time.Hour, at(24, 22, 0), true, at(25, 8, 0)},
		{"at the start", 21 * time.Hour, 8 * time.Hour, at(24, 21, 0), true, at(25, 8, 0)},
		{"early morning", 21 * time.Hour, 8 * time.Hour, at(25, 3, 0), true, at(25, 8, 0)},
		{"at the end", 21 * time.Hour, 8 * time.Hour, at(25, 8, 0), false, time.Time{}},
		{"daytime", 21 * time.Hour, 8 * time.Hour, at(25, 12, 0), false, time.Time{}},
		{"window within a day", 12 * time.Hour, 14*time.Hour + 30*time.Minute, at(25, 13, 0), true, at(25, 14, 30)},
		{"after a window within a day", 12 * time.Hour, 14 * time.Hour, at(25, 15, 0), false, time.Time{}},
		{"no quiet hours", 0, 0, at(25, 3, 0), false, time.Time{}},
		{"UTC clock, estate evening", 21 * time.Hour, 8 * time.Hour, at(24, 23, 0).UTC(), true, at(25, 8, 0)},
	}
	for _, c := range cases {
		b := &Bot{cfg: Config{Location: sh, QuietStart: c.start, QuietEnd: c.end}}
		until, quiet := b.quietUntil(c.now)
		if quiet != c.quiet || !until.Equal(c.until) {
			t.Errorf("%s: quiet %v until %s, want %v until %s", c.name, quiet, until, c.quiet, c.until)
		}
	}
}

func TestParseQuietHours(t *testing.T) {
	cases := []struct {
		in         string
		start, end time.Duration
		bad        bool
	}{
		{"21:00-08:00", 21 * time.Hour, 8 * time.Hour, false},
		{" 22:30 - 07:15 ", 22*time.Hour + 30*time.Minute, 7*time.Hour + 15*time.Minute, false},
		{"", 0, 0, false},
		{"21-08", 0, 0, true},
		{"25:00-08:00", 0, 0, true},
		{"21:00", 0, 0, true},
	}
	for _, c := range cases {
		s, e, err := ParseQuietHours(c.in)
		if (err != nil) != c.bad || s != c.start || e != c.end {
			t.Errorf("ParseQuietHours(%q) = %s, %s, %v", c.in, s, e, err)
		}
	}
}

func TestParseScore(t *testing.T) {
	cases := []struct {
		data  string
		id    int64
		score int
		ok    bool
	}{
		{"cb:12:5", 12, 5, true},
		{"cb:12:1", 12, 1, true},
		{"cb:12:0", 0, 0, false},
		{"cb:12:6", 0, 0, false},
		{"cb:x:3", 0, 0, false},
		{"cb:12", 0, 0, false},
		{"cbskip:12", 0, 0, false},
	}
	for _, c := range cases {
		id, score, ok := parseScore(c.data)
		if id != c.id || score != c.score || ok != c.ok {
			t.Errorf("parseScore(%q) = %d, %d, %v", c.data, id, score, ok)
		}
	}
}

func TestSlotHeuristics(t *testing.T) {
	vague := []struct {
		text string
		want bool
	}{
		{"坏了", true}, {"坏了。", true}, {"我要报修", true}, {"it's broken", true}, {"3栋1201 坏了", true},
		{"灯坏了", false}, {"漏水", false}, {"The light is out", false}, {"卫生间的水龙头一直在滴水", false},
	}
	for _, c := range vague {
		d := &draft{Unit: "3栋1201"}
		if got := vagueRepair(c.text, d); got != c.want {
			t.Errorf("vagueRepair(%q) = %v, want %v", c.text, got, c.want)
		}
	}
	missing := []struct {
		text string
		want string
	}{
		{"我要投诉", slotWhat},
		{"楼上每天半夜装修,吵得睡不着", ""},
		{"保安态度很差", slotWhen},
		{"垃圾没人清理", slotWho},
		{"The guard was rude to me last night", ""},
	}
	for _, c := range missing {
		d := &draft{Text: c.text, Intent: "complaint"}
		if got := nextSlot(d); got != c.want {
			t.Errorf("nextSlot(complaint %q) = %q, want %q", c.text, got, c.want)
		}
	}
}

func TestWhatSummary(t *testing.T) {
	cases := []struct {
		intent, text, answer, want string
	}{
		{"repair", "坏了\n客厅的灯", "客厅的灯", "客厅的灯坏了"},
		{"repair", "it's broken\nthe kitchen tap", "the kitchen tap", "the kitchen tap: it's broken"},
		{"complaint", "我要投诉\n保安态度很差", "保安态度很差", "保安态度很差"},
	}
	for _, c := range cases {
		if got := whatSummary(&draft{Intent: c.intent, Text: c.text}, c.answer); got != c.want {
			t.Errorf("whatSummary(%q, %q) = %q, want %q", c.text, c.answer, got, c.want)
		}
	}
}

func TestHasClock(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		text string
		want bool
	}{
		{"明天下午3点", true},
		{"十點後", true},
		{"12号上午", true},
		{"3:30 ok", true},
		{"after 6pm", true},
		{"有点漏水", false},
		{"我唔知點閂", false},
		{"5号楼302", false},
		{"B座12號舖", false},
		{"厨房水龙头坏了", false},
	} {
		if got := hasClock(c.text); got != c.want {
			t.Errorf("hasClock(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}
