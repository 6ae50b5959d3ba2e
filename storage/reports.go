package storage

import (
	"context"
	"fmt"
	"time"
)

// Report is the monthly statistics of all reports (报事), over [From, To).
type Report struct {
	From, To time.Time

	// Tickets opened in the period, by kind and category, largest first
	// within a kind.
	ByCategory []CategoryCount
	Tickets    int

	// Repairs resolved in the period, and how many of them got a
	// satisfaction callback (the owner was asked).
	RepairsResolved   int
	RepairsCalledBack int

	// Callbacks asked in the period that got a score, and how many scored
	// 4 or 5.
	Scored    int
	Satisfied int

	// Complaints opened in the period (not withdrawn), and how many are
	// closed.
	Complaints       int
	ComplaintsClosed int

	// Urgent repairs opened in the period (not withdrawn), and how many were
	// resolved within 8 hours of being reported.
	UrgentRepairs int
	UrgentOnTime  int

	// Tickets opened in the period that were claimed, and the mean time
	// from report to claim.
	Claimed      int
	AverageClaim time.Duration
}

// CategoryCount is how many tickets of one kind and category.
type CategoryCount struct {
	Kind     string `db:"kind"`
	Category string `db:"category"`
	N        int    `db:"n"`
}

// Rate returns part/whole, or -1 when whole is zero (nothing to measure).
func Rate(part, whole int) float64 {
	if whole == 0 {
		return -1
	}
	return float64(part) / float64(whole)
}

// UrgentWithin is the emergency-repair commitment: finished within 8 hours.
const UrgentWithin = 8 * time.Hour

// MonthlyReport computes the figures for tickets and callbacks in [from, to).
func (q *Queries) MonthlyReport(ctx context.Context, from, to time.Time) (Report, error) {
	r := Report{From: from, To: to}
	const byCat = `
		SELECT kind, category, count(*) AS n FROM tickets
		WHERE created_at >= $1 AND created_at < $2
		GROUP BY kind, category
		ORDER BY kind, n DESC, category`
	if err := q.db.SelectContext(ctx, &r.ByCategory, byCat, from, to); err != nil {
		return Report{}, fmt.Errorf("report by category: %w", err)
	}
	for _, c := range r.ByCategory {
		r.Tickets += c.N
	}

	const repairs = `
		SELECT count(*) AS resolved,
			count(*) FILTER (WHERE EXISTS (
				SELECT 1 FROM callbacks c WHERE c.ticket_id = t.id AND c.asked_at IS NOT NULL)) AS called
		FROM tickets t
		WHERE t.kind = 'repair' AND t.resolved_at >= $1 AND t.resolved_at < $2`
	var rep struct {
		Resolved int `db:"resolved"`
		Called   int `db:"called"`
	}
	if err := q.db.GetContext(ctx, &rep, repairs, from, to); err != nil {
		return Report{}, fmt.Errorf("report callbacks: %w", err)
	}
	r.RepairsResolved, r.RepairsCalledBack = rep.Resolved, rep.Called

	const scores = `
		SELECT count(*) AS scored, count(*) FILTER (WHERE score >= 4) AS satisfied
		FROM callbacks
		WHERE score IS NOT NULL AND asked_at >= $1 AND asked_at < $2`
	var sc struct {
		Scored    int `db:"scored"`
		Satisfied int `db:"satisfied"`
	}
	if err := q.db.GetContext(ctx, &sc, scores, from, to); err != nil {
		return Report{}, fmt.Errorf("report satisfaction: %w", err)
	}
	r.Scored, r.Satisfied = sc.Scored, sc.Satisfied

	const handling = `
		SELECT
			count(*) FILTER (WHERE kind = 'complaint') AS complaints,
			count(*) FILTER (WHERE kind = 'complaint' AND status = 'closed') AS complaints_closed,
			count(*) FILTER (WHERE kind = 'repair' AND urgent) AS urgent,
			count(*) FILTER (WHERE kind = 'repair' AND urgent AND resolved_at IS NOT NULL
				AND resolved_at - created_at <= $3 * interval '1 second') AS urgent_on_time,
			count(claimed_at) AS claimed,
			COALESCE(avg(extract(epoch FROM claimed_at - created_at)), 0) AS avg_claim
		FROM tickets
		WHERE created_at >= $1 AND created_at < $2 AND status <> 'cancelled'`
	var h struct {
		Complaints       int     `db:"complaints"`
		ComplaintsClosed int     `db:"complaints_closed"`
		Urgent           int     `db:"urgent"`
		UrgentOnTime     int     `db:"urgent_on_time"`
		Claimed          int     `db:"claimed"`
		AvgClaim         float64 `db:"avg_claim"`
	}
	if err := q.db.GetContext(ctx, &h, handling, from, to, UrgentWithin.Seconds()); err != nil {
		return Report{}, fmt.Errorf("report handling: %w", err)
	}
	r.Complaints, r.ComplaintsClosed = h.Complaints, h.ComplaintsClosed
	r.UrgentRepairs, r.UrgentOnTime = h.Urgent, h.UrgentOnTime
	r.Claimed = h.Claimed
	r.AverageClaim = time.Duration(h.AvgClaim * float64(time.Second)).Round(time.Second)
	return r, nil
}
