package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"concierge/storage"
)

// ReportText renders the monthly statistics of all reports for [from, to)
// in lang: tickets by kind and category, and the service standards' rates
// against their targets. The supervisor command and `concierge admin
// report` print it.
func (b *Bot) ReportText(ctx context.Context, from, to time.Time, lang string) (string, error) {
	r, err := b.store.MonthlyReport(ctx, from, to)
	if err != nil {
		return "", err
	}
	loc := b.cfg.Location
	var sb strings.Builder
	sb.WriteString(T(lang, "report.head", from.In(loc).Format("2006-01-02"), to.In(loc).Add(-time.Second).Format("2006-01-02")))
	sb.WriteString("\n\n" + T(lang, "report.total", r.Tickets))
	kind := ""
	for _, c := range r.ByCategory {
		if c.Kind != kind {
			kind = c.Kind
			sb.WriteString("\n" + T(lang, "kindname."+c.Kind) + ":")
		}
		fmt.Fprintf(&sb, "\n  · %s %d", T(lang, "category."+c.Category), c.N)
	}
	sb.WriteString("\n")
	rate := func(key string, part, whole int) {
		sb.WriteString("\n" + T(lang, key, percent(part, whole), part, whole))
	}
	rate("report.callback", r.RepairsCalledBack, r.RepairsResolved)
	rate("report.satisfaction", r.Satisfied, r.Scored)
	rate("report.complaints", r.ComplaintsClosed, r.Complaints)
	rate("report.urgent", r.UrgentOnTime, r.UrgentRepairs)
	claim := "—"
	if r.Claimed > 0 {
		claim = r.AverageClaim.String()
	}
	sb.WriteString("\n" + T(lang, "report.claim", claim, r.Claimed))
	return sb.String(), nil
}

func percent(part, whole int) string {
	r := storage.Rate(part, whole)
	if r < 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", r*100)
}

// MonthRange returns [first day of the month, first day of the next) in
// loc for "YYYY-MM", or for the month before now when month is empty.
func MonthRange(month string, now time.Time, loc *time.Location) (time.Time, time.Time, error) {
	var start time.Time
	if month == "" {
		n := now.In(loc)
		start = time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, loc).AddDate(0, -1, 0)
	} else {
		t, err := time.ParseInLocation("2006-01", month, loc)
		if err != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("month %q: want YYYY-MM", month)
		}
		start = t
	}
	return start, start.AddDate(0, 1, 0), nil
}

// reportTexts joins followupTexts (followup.go).
var reportTexts = map[string]text{
	"report.head":         {"📊 服务月报 %s 至 %s", "📊 服務月報 %s 至 %s", "📊 Service report %s to %s"},
	"report.total":        {"报事总数：%d", "報事總數：%d", "Reports in all: %d"},
	"report.callback":     {"维修回访率：%s(%d/%d，目标 100%%)", "維修回訪率：%s(%d/%d，目標 100%%)", "Repair callback rate: %s (%d/%d, target 100%%)"},
	"report.satisfaction": {"业主满意率（4–5分）：%s(%d/%d，目标 ≥95%%)", "業主滿意率（4–5分）：%s(%d/%d，目標 ≥95%%)", "Satisfaction (scores 4–5): %s (%d/%d, target ≥95%%)"},
	"report.complaints":   {"投诉处理率：%s(%d/%d，目标 100%%)", "投訴處理率：%s(%d/%d，目標 100%%)", "Complaints handled: %s (%d/%d, target 100%%)"},
	"report.urgent":       {"紧急维修8小时内完成：%s(%d/%d，目标 100%%)", "緊急維修8小時內完成：%s(%d/%d，目標 100%%)", "Urgent repairs done within 8 h: %s (%d/%d, target 100%%)"},
	"report.claim":        {"平均受理时间：%s(%d 张工单)", "平均受理時間：%s(%d 張工單)", "Average time to claim: %s (%d tickets)"},
}
