package prom_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/prom"
)

// sample returns the value of the counter, gauge or histogram count name
// with labels (name=value pairs) in what reg gathers; -1 when absent.
func sample(t testing.TB, reg prometheus.Gatherer, name string, labels ...string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metrics:
		for _, m := range f.GetMetric() {
			have := map[string]string{}
			for _, l := range m.GetLabel() {
				have[l.GetName()] = l.GetValue()
			}
			for i := 0; i+1 < len(labels); i += 2 {
				if have[labels[i]] != labels[i+1] {
					continue metrics
				}
			}
			return value(m)
		}
	}
	return -1
}

func value(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Histogram != nil:
		return float64(m.Histogram.GetSampleCount())
	}
	return -1
}

func TestMetricsCount(t *testing.T) {
	t.Parallel()
	m := prom.New()
	reg := m.Registry()
	m.Ingested("demo_request", "routed", 3*time.Millisecond)
	m.Ingested("demo_request", "routed", 4*time.Millisecond)
	m.Ingested("unknown", "invalid", time.Millisecond)
	m.TimerFired("ladder", true, 2*time.Second)
	m.TimerFired("ladder", false, -time.Second) // early is no lateness
	m.Breached("hot_lead", "accept")
	m.MessageSettled("email", "retry")
	m.MessageSettled("email", "failed")
	m.ConnectorDelivery("hubspot", prom.In, "accepted")
	m.ConnectorSignatureFailure("calendly")
	for _, tc := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"baton_signals_total", []string{"type", "demo_request", "result", "routed"}, 2},
		{"baton_signals_total", []string{"type", "unknown", "result", "invalid"}, 1},
		{"baton_ingest_duration_seconds", nil, 3},
		{"baton_timers_total", []string{"kind", "ladder", "result", "fired"}, 1},
		{"baton_timers_total", []string{"kind", "ladder", "result", "moot"}, 1},
		{"baton_timer_lateness_seconds", nil, 2},
		{"baton_sla_breaches_total", []string{"type", "hot_lead", "step", "accept"}, 1},
		{"baton_outbox_attempts_total", []string{"channel", "email", "result", "failed"}, 1},
		{"baton_connector_deliveries_total", []string{"connector", "hubspot", "direction", "in", "result", "accepted"}, 1},
		{"baton_connector_signature_failures_total", []string{"connector", "calendly"}, 1},
	} {
		if got := sample(t, reg, tc.name, tc.labels...); got != tc.want {
			t.Errorf("%s%v: got %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}
	// Lateness of the early timer is 0, not negative.
	families, _ := reg.Gather()
	for _, f := range families {
		if f.GetName() == "baton_timer_lateness_seconds" {
			if sum := f.GetMetric()[0].GetHistogram().GetSampleSum(); sum != 2 {
				t.Errorf("lateness sum: got %v, want 2 (the early timer counted as 0)", sum)
			}
		}
	}
}

// TestObservationsAllocateNothing: the hot paths' observations allocate
// nothing once a label combination was seen.
func TestObservationsAllocateNothing(t *testing.T) {
	m := prom.New()
	store := m.Store(nopStore{})
	ctx := context.Background()
	fn := func(baton.Tx) error { return nil }
	for name, observe := range map[string]func(){
		"Ingested":          func() { m.Ingested("demo_request", "routed", time.Millisecond) },
		"TimerFired":        func() { m.TimerFired("ladder", true, time.Second) },
		"Breached":          func() { m.Breached("hot_lead", "accept") },
		"MessageSettled":    func() { m.MessageSettled("email", "sent") },
		"ConnectorDelivery": func() { m.ConnectorDelivery("hubspot", prom.In, "accepted") },
		"StoreUpdate":       func() { store.Update(ctx, fn) },
		"StoreView":         func() { store.View(ctx, fn) },
	} {
		observe()
		if n := testing.AllocsPerRun(100, observe); n != 0 {
			t.Errorf("%s: got %v allocations per observation, want 0", name, n)
		}
	}
}

// nopStore is a Store whose transactions do nothing.
type nopStore struct{ baton.Store }

func (nopStore) Update(ctx context.Context, fn func(baton.Tx) error) error { return fn(nil) }
func (nopStore) View(ctx context.Context, fn func(baton.Tx) error) error   { return fn(nil) }

func TestStoreIsTimed(t *testing.T) {
	t.Parallel()
	m := prom.New()
	store := m.Store(nopStore{})
	wantErr := errors.New("boom")
	if err := store.Update(context.Background(), func(baton.Tx) error { return wantErr }); !errors.Is(err, wantErr) {
		t.Errorf("update: got %v, want the function's error", err)
	}
	store.View(context.Background(), func(baton.Tx) error { return nil })
	store.View(context.Background(), func(baton.Tx) error { return nil })
	for op, want := range map[string]float64{"update": 1, "view": 2} {
		if got := sample(t, m.Registry(), "baton_db_transaction_duration_seconds", "op", op); got != want {
			t.Errorf("%s: got %v observations, want %v", op, got, want)
		}
	}
}

func TestGauges(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

	t.Run("ReadAtScrapeTimeOncePerTTL", func(t *testing.T) {
		t.Parallel()
		m := prom.New()
		reads := 0
		m.SetGauges(func(context.Context) (prom.Gauges, error) {
			reads++
			return prom.Gauges{
				OpenHandoffs:         map[string]int{"assigned": 3, "accepted": 1},
				PendingMessages:      map[string]int{"email": 7},
				OldestPendingMessage: now.Add(-90 * time.Second),
				OldestPendingTimer:   now.Add(time.Minute), // not due yet
			}, nil
		}, func() time.Time { return now })
		if reads != 0 {
			t.Fatalf("got %d reads before a scrape, want 0", reads)
		}
		reg := m.Registry()
		for _, tc := range []struct {
			name   string
			labels []string
			want   float64
		}{
			{"baton_handoffs_open", []string{"state", "assigned"}, 3},
			{"baton_handoffs_open", []string{"state", "accepted"}, 1},
			{"baton_outbox_pending", []string{"channel", "email"}, 7},
			{"baton_outbox_oldest_pending_seconds", nil, 90},
			{"baton_timers_oldest_pending_seconds", nil, 0},
			{"baton_store_gauges_up", nil, 1},
		} {
			if got := sample(t, reg, tc.name, tc.labels...); got != tc.want {
				t.Errorf("%s%v: got %v, want %v", tc.name, tc.labels, got, tc.want)
			}
		}
		if reads != 1 {
			t.Errorf("got %d reads for several scrapes within %v, want 1", reads, prom.GaugesTTL)
		}
	})

	t.Run("AFailedReadIsDown", func(t *testing.T) {
		t.Parallel()
		m := prom.New()
		m.SetGauges(func(context.Context) (prom.Gauges, error) { return prom.Gauges{}, errors.New("locked") }, func() time.Time { return now })
		if got := sample(t, m.Registry(), "baton_store_gauges_up"); got != 0 {
			t.Errorf("got baton_store_gauges_up %v, want 0", got)
		}
		if got := sample(t, m.Registry(), "baton_handoffs_open"); got != -1 {
			t.Errorf("got baton_handoffs_open %v, want absent", got)
		}
	})
}

func TestHandler(t *testing.T) {
	t.Parallel()
	get := func(h http.Handler, auth string) (int, string) {
		req := httptest.NewRequest("GET", "/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		b, _ := io.ReadAll(rec.Body)
		return rec.Code, string(b)
	}
	m := prom.New()
	m.Ingested("demo_request", "routed", time.Millisecond)

	t.Run("OpenWithoutAToken", func(t *testing.T) {
		code, body := get(m.Handler(""), "")
		if code != http.StatusOK {
			t.Fatalf("got %d, want 200", code)
		}
		for _, want := range []string{`baton_signals_total{result="routed",type="demo_request"} 1`, "go_goroutines", "go_memstats_heap_alloc_bytes"} {
			if !strings.Contains(body, want) {
				t.Errorf("got a body without %q", want)
			}
		}
	})
	t.Run("TokenRequired", func(t *testing.T) {
		h := m.Handler("s3cret")
		for _, auth := range []string{"", "Bearer wrong", "s3cret", "Bearer s3cret2"} {
			if code, body := get(h, auth); code != http.StatusUnauthorized || strings.Contains(body, "baton_") {
				t.Errorf("Authorization %q: got %d %q, want 401 and no metrics", auth, code, body)
			}
		}
		if code, body := get(h, "Bearer s3cret"); code != http.StatusOK || !strings.Contains(body, "baton_signals_total") {
			t.Errorf("with the token: got %d, want 200 with the metrics", code)
		}
	})
}
