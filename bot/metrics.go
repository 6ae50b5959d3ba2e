package bot

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	received       prometheus.Counter
	updates        prometheus.Counter
	updateErrors   prometheus.Counter
	processSeconds prometheus.Histogram
	tickets        *prometheus.CounterVec
	sent           prometheus.Counter
	throttled      prometheus.Counter
	sendErrors     prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		received:     prometheus.NewCounter(prometheus.CounterOpts{Name: "concierge_updates_received_total", Help: "Telegram updates stored in the inbox (duplicates excluded)."}),
		updates:      prometheus.NewCounter(prometheus.CounterOpts{Name: "concierge_updates_processed_total", Help: "Updates processed."}),
		updateErrors: prometheus.NewCounter(prometheus.CounterOpts{Name: "concierge_update_errors_total", Help: "Failed attempts to process an update."}),
		processSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "concierge_update_process_seconds", Help: "Time to process one update in its transaction.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)}),
		tickets:    prometheus.NewCounterVec(prometheus.CounterOpts{Name: "concierge_tickets_opened_total", Help: "Tickets opened."}, []string{"kind", "urgent"}),
		sent:       prometheus.NewCounter(prometheus.CounterOpts{Name: "concierge_messages_sent_total", Help: "Messages Telegram accepted."}),
		throttled:  prometheus.NewCounter(prometheus.CounterOpts{Name: "concierge_send_throttled_total", Help: "429 answers from Telegram."}),
		sendErrors: prometheus.NewCounter(prometheus.CounterOpts{Name: "concierge_send_errors_total", Help: "Transient send failures (retried)."}),
	}
	if reg != nil {
		reg.MustRegister(m.received, m.updates, m.updateErrors, m.processSeconds, m.tickets, m.sent, m.throttled, m.sendErrors)
	}
	return m
}
