package prom

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// retention is what the retention worker (worker.Retention) reports: rows
// removed by kind, rounds run, and how long the last round took.
type retention struct {
	removed *prometheus.CounterVec
	rounds  prometheus.Counter
	took    prometheus.Gauge
}

func newRetention(reg *prometheus.Registry) *retention {
	r := &retention{
		removed: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "baton", Name: "retention_removed_total",
			Help: "Rows removed by the retention policy, by what: timers (finished timers deleted), messages (sent or failed messages deleted), signal_bodies (raw signal bodies cleared; the signal rows stay)."}, []string{"what"}),
		rounds: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "baton", Name: "retention_rounds_total",
			Help: "Rounds the retention worker ran."}),
		took: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "baton", Name: "retention_last_round_seconds",
			Help: "How long the retention worker's last round took."}),
	}
	reg.MustRegister(r.removed, r.rounds, r.took)
	for _, what := range []string{"timers", "messages", "signal_bodies"} {
		r.removed.WithLabelValues(what) // present at zero from the start
	}
	return r
}

// RetentionRound records one round of the retention worker: how many
// finished timers and settled messages it deleted and how many signal
// bodies it cleared, and how long it took.
func (m *Metrics) RetentionRound(timers, messages, signalBodies int, took time.Duration) {
	m.retention.removed.WithLabelValues("timers").Add(float64(timers))
	m.retention.removed.WithLabelValues("messages").Add(float64(messages))
	m.retention.removed.WithLabelValues("signal_bodies").Add(float64(signalBodies))
	m.retention.rounds.Inc()
	m.retention.took.Set(took.Seconds())
}
