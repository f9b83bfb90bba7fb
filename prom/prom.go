// Package prom exposes Baton's operational metrics to Prometheus: signals
// by type and result, ingest latency, handoffs by state, SLA breaches,
// timer lateness, the outbox's backlog and results by channel, connector
// deliveries and signature failures, database timings, and the Go runtime
// and process collectors.
//
// Everything is registered on the Metrics' own *prometheus.Registry (no
// global registry). Observations on hot paths (an ingest, a timer, a
// transaction) allocate nothing: labelled children are looked up in a
// small cache, and histograms take a float. The counts of open handoffs and
// of the outbox's backlog are read from the store at scrape time through
// indexes, at most once per GaugesTTL.
//
// The business figures (conversion, breach rate by owner, …) are not here:
// they are computed from the event log by package metrics and served by the
// API.
package prom

import (
	"context"
	"crypto/subtle"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/batonhq/baton"
)

// Metrics is Baton's Prometheus instrumentation. Its methods are safe for
// concurrent use. It implements service.Observer, and the connector hooks
// ConnectorDelivery and ConnectorSignatureFailure.
type Metrics struct {
	reg *prometheus.Registry

	signals       *labeled
	ingest        prometheus.Histogram
	timers        *labeled
	timerLateness prometheus.Histogram
	breaches      *labeled
	outbox        *labeled
	deliveries    *labeled
	sigFailures   *labeled
	dbUpdate      prometheus.Observer
	dbView        prometheus.Observer
	retention     *retention

	gauges *gaugeCollector
}

// Latency buckets in seconds: an ingest is a group-committed transaction
// (milliseconds, fsync-bound); a timer may be a second late under load and
// much more after downtime.
var (
	ingestBuckets   = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}
	latenessBuckets = []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 3600}
	dbBuckets       = []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1}
)

// New returns Metrics registered on a new registry, with the Go runtime
// and process collectors.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{reg: reg}
	counter := func(name, help string, labels ...string) *labeled {
		v := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "baton", Name: name, Help: help}, labels)
		reg.MustRegister(v)
		return &labeled{vec: v, n: len(labels), children: map[[3]string]prometheus.Counter{}}
	}
	histogram := func(name, help string, buckets []float64) prometheus.Histogram {
		h := prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "baton", Name: name, Help: help, Buckets: buckets})
		reg.MustRegister(h)
		return h
	}
	m.signals = counter("signals_total", "Signals ingested, by type (unknown for a type the playbook does not know) and result (routed, joined, duplicate, unrouted, invalid, unavailable, error).", "type", "result")
	m.ingest = histogram("ingest_duration_seconds", "Time to ingest a signal: validate, match, route and commit the handoff with its timers and messages.", ingestBuckets)
	m.timers = counter("timers_total", "Timers run, by kind and result (fired, or moot when the handoff had moved on).", "kind", "result")
	m.timerLateness = histogram("timer_lateness_seconds", "How long after its due time a timer ran.", latenessBuckets)
	m.breaches = counter("sla_breaches_total", "Handoffs flagged breached, by handoff type and the step whose deadline passed (accept, first_touch).", "type", "step")
	m.outbox = counter("outbox_attempts_total", "Delivery attempts, by channel and result (sent, retry, failed for good).", "channel", "result")
	m.deliveries = counter("connector_deliveries_total", "Connector deliveries, by connector, direction (in: a vendor's webhook; out: a write-back) and result.", "connector", "direction", "result")
	m.sigFailures = counter("connector_signature_failures_total", "Inbound webhooks refused for a missing, bad or stale signature, by connector.", "connector")
	db := prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "baton", Name: "db_transaction_duration_seconds",
		Help: "Time of a store transaction as its caller sees it, by op: update (a write, including the wait for its group commit) or view (a read).", Buckets: dbBuckets}, []string{"op"})
	reg.MustRegister(db)
	m.dbUpdate, m.dbView = db.WithLabelValues("update"), db.WithLabelValues("view")
	m.retention = newRetention(reg)
	m.gauges = newGaugeCollector()
	reg.MustRegister(m.gauges)
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry is the registry every metric is on, for tests and for adding
// collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus text format (OpenMetrics
// when asked). A non-empty token is required as "Authorization: Bearer
// TOKEN" (401 otherwise). A collector that fails is left out of the
// answer, and logged by the caller's scrape as missing, rather than
// failing the whole scrape.
func (m *Metrics) Handler(token string) http.Handler {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError, EnableOpenMetrics: true, Timeout: 10 * time.Second})
	if token == "" {
		return h
	}
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="baton metrics"`)
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte("metrics need Authorization: Bearer <the metrics token>\n"))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// Ingested counts a signal and its ingest time (service.Observer).
func (m *Metrics) Ingested(signalType, result string, took time.Duration) {
	m.signals.inc(signalType, result, "")
	m.ingest.Observe(took.Seconds())
}

// TimerFired counts a timer run and its lateness (service.Observer).
func (m *Metrics) TimerFired(kind string, fired bool, late time.Duration) {
	result := "moot"
	if fired {
		result = "fired"
	}
	m.timers.inc(kind, result, "")
	m.timerLateness.Observe(max(late, 0).Seconds())
}

// Breached counts a handoff flagged breached (service.Observer).
func (m *Metrics) Breached(handoffType, step string) { m.breaches.inc(handoffType, step, "") }

// MessageSettled counts a delivery attempt (service.Observer).
func (m *Metrics) MessageSettled(channel, result string) { m.outbox.inc(channel, result, "") }

// Connector directions for ConnectorDelivery.
const (
	In  = "in"  // a vendor's webhook into Baton
	Out = "out" // a write-back from Baton to the vendor
)

// ConnectorDelivery counts one delivery of a connector (hubspot,
// salesforce, calcom, calendly, …): direction In or Out, and a result such
// as accepted, duplicate, refused (a 4xx) or error (a 5xx) (in), sent,
// retry or failed (out). Connectors call it through an interface of their own with this
// method, so they do not import this package.
func (m *Metrics) ConnectorDelivery(connector, direction, result string) {
	m.deliveries.inc(connector, direction, result)
}

// ConnectorSignatureFailure counts an inbound webhook of connector refused
// for its signature (missing, wrong or stale).
func (m *Metrics) ConnectorSignatureFailure(connector string) { m.sigFailures.inc(connector, "", "") }

// Store returns s with each Update and View timed.
func (m *Metrics) Store(s baton.Store) baton.Store { return &timedStore{Store: s, m: m} }

type timedStore struct {
	baton.Store
	m *Metrics
}

func (s *timedStore) Update(ctx context.Context, fn func(baton.Tx) error) error {
	start := time.Now()
	err := s.Store.Update(ctx, fn)
	s.m.dbUpdate.Observe(time.Since(start).Seconds())
	return err
}

func (s *timedStore) View(ctx context.Context, fn func(baton.Tx) error) error {
	start := time.Now()
	err := s.Store.View(ctx, fn)
	s.m.dbView.Observe(time.Since(start).Seconds())
	return err
}

// labeled is a counter vector whose children are cached by their label
// values, so that counting allocates nothing once a combination was seen
// (CounterVec.WithLabelValues allocates its variadic slice). Unused label
// positions are "".
type labeled struct {
	vec      *prometheus.CounterVec
	n        int // labels used, from the first
	mu       sync.RWMutex
	children map[[3]string]prometheus.Counter
}

func (l *labeled) inc(a, b, c string) {
	key := [3]string{a, b, c}
	l.mu.RLock()
	child, ok := l.children[key]
	l.mu.RUnlock()
	if !ok {
		child = l.child(key)
	}
	child.Inc()
}

func (l *labeled) child(key [3]string) prometheus.Counter {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c, ok := l.children[key]; ok {
		return c
	}
	c := l.vec.WithLabelValues(key[:l.n]...)
	l.children[key] = c
	return c
}
