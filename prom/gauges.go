package prom

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Gauges are the store's current counts, read at scrape time.
type Gauges struct {
	// OpenHandoffs counts the open handoffs by state (assigned, accepted,
	// actioned, returned).
	OpenHandoffs map[string]int
	// PendingMessages counts the outbox's pending messages by channel.
	PendingMessages map[string]int
	// OldestPendingMessage is when the earliest pending message is or was
	// due; zero when none is pending.
	OldestPendingMessage time.Time
	// OldestPendingTimer is when the earliest pending timer is or was due;
	// zero when none is pending.
	OldestPendingTimer time.Time
}

// GaugesTTL is how long one read of the gauges serves scrapes, so that
// several scrapers cost one read.
const GaugesTTL = 5 * time.Second

// gaugesTimeout bounds one read of the gauges.
const gaugesTimeout = 5 * time.Second

// SetGauges makes read the source of the handoff and backlog gauges,
// called at scrape time (at most once per GaugesTTL); now is the clock the
// backlog ages are measured with. Without it those gauges are absent.
func (m *Metrics) SetGauges(read func(context.Context) (Gauges, error), now func() time.Time) {
	m.gauges.mu.Lock()
	defer m.gauges.mu.Unlock()
	m.gauges.read, m.gauges.now, m.gauges.at = read, now, time.Time{}
}

type gaugeCollector struct {
	open, pending, messageAge, timerAge, up *prometheus.Desc

	mu   sync.Mutex
	read func(context.Context) (Gauges, error)
	now  func() time.Time
	last Gauges
	err  error
	at   time.Time // when last was read (wall clock)
}

func newGaugeCollector() *gaugeCollector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc("baton_"+name, help, labels, nil)
	}
	return &gaugeCollector{
		open:       d("handoffs_open", "Open handoffs by state.", "state"),
		pending:    d("outbox_pending", "Messages waiting in the outbox (due or retrying), by channel.", "channel"),
		messageAge: d("outbox_oldest_pending_seconds", "How long the earliest pending message has been due (0 when none is overdue)."),
		timerAge:   d("timers_oldest_pending_seconds", "How long the earliest pending timer has been due (0 when none is overdue): a timer backlog."),
		up:         d("store_gauges_up", "1 when the last read of the store's gauges succeeded."),
	}
}

func (c *gaugeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.open, c.pending, c.messageAge, c.timerAge, c.up} {
		ch <- d
	}
}

func (c *gaugeCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.read == nil {
		return
	}
	if c.at.IsZero() || time.Since(c.at) >= GaugesTTL {
		ctx, cancel := context.WithTimeout(context.Background(), gaugesTimeout)
		c.last, c.err = c.read(ctx)
		cancel()
		c.at = time.Now()
	}
	if c.err != nil {
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
	for state, n := range c.last.OpenHandoffs {
		ch <- prometheus.MustNewConstMetric(c.open, prometheus.GaugeValue, float64(n), state)
	}
	for channel, n := range c.last.PendingMessages {
		ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(n), channel)
	}
	now := c.now()
	age := func(due time.Time) float64 {
		if due.IsZero() || !due.Before(now) {
			return 0
		}
		return now.Sub(due).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(c.messageAge, prometheus.GaugeValue, age(c.last.OldestPendingMessage))
	ch <- prometheus.MustNewConstMetric(c.timerAge, prometheus.GaugeValue, age(c.last.OldestPendingTimer))
}
