package bot

import (
	"fmt"
	"strings"
	"time"
)

// Quiet hours: no callbacks or reminders in the window, estate time.

// quietUntil reports whether now falls in the quiet hours (estate time) and
// when they end. A window whose start is after its end spans midnight.
func (b *Bot) quietUntil(now time.Time) (time.Time, bool) {
	start, end := b.cfg.QuietStart, b.cfg.QuietEnd
	if start == end {
		return time.Time{}, false
	}
	local := now.In(b.cfg.Location)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, b.cfg.Location)
	tod := local.Sub(midnight)
	at := func(day time.Time, d time.Duration) time.Time {
		h := int(d / time.Hour)
		return time.Date(day.Year(), day.Month(), day.Day(), h, 0, 0, 0, b.cfg.Location).Add(d - time.Duration(h)*time.Hour)
	}
	if start < end {
		if tod >= start && tod < end {
			return at(midnight, end), true
		}
		return time.Time{}, false
	}
	switch {
	case tod >= start:
		return at(midnight.AddDate(0, 0, 1), end), true
	case tod < end:
		return at(midnight, end), true
	}
	return time.Time{}, false
}

// ParseQuietHours reads QUIET_HOURS, "21:00-08:00", into times since
// midnight for Config.QuietStart and QuietEnd. Empty means no quiet hours
// (both zero).
func ParseQuietHours(s string) (start, end time.Duration, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, 0, nil
	}
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, fmt.Errorf("quiet hours %q: want HH:MM-HH:MM", s)
	}
	clock := func(v string) (time.Duration, error) {
		t, err := time.Parse("15:04", strings.TrimSpace(v))
		if err != nil {
			return 0, fmt.Errorf("quiet hours %q: want HH:MM-HH:MM", s)
		}
		return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
	}
	if start, err = clock(a); err != nil {
		return 0, 0, err
	}
	if end, err = clock(b); err != nil {
		return 0, 0, err
	}
	return start, end, nil
}
