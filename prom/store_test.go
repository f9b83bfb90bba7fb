package prom_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/batontest"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/prom"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/worker"
)

// TestCountersMoveWithTheService wires Metrics as cmd/baton does (timed
// store, observer, the SQLite gauges) and checks that signals, timers,
// breaches, transactions and the gauges all show on a scrape.
func TestCountersMoveWithTheService(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := prom.New()
	db := batontest.Store(t)
	clock := batontest.NewClock(batontest.T0)
	svc := service.New(m.Store(db), clock, playbook.Default(), nil)
	svc.SetObserver(m)
	m.SetGauges(func(ctx context.Context) (prom.Gauges, error) {
		g, err := db.Gauges(ctx)
		return prom.Gauges(g), err
	}, clock.Now)
	users := batontest.TeamUsers()
	for i := range users {
		users[i].WorkingHours = "24x7"
	}
	batontest.Team(t, svc.PutUser, users...)
	for i := range 3 {
		sig := &baton.Signal{ExternalID: fmt.Sprint("s", i), Type: baton.SignalDemoRequest,
			Contact: baton.SignalContact{Email: fmt.Sprintf("ana%d@acme-robotics.com", i)},
			Account: baton.SignalAccount{Name: "Acme Robotics", Domain: "acme-robotics.com", Employees: 450}}
		if _, err := svc.Ingest(ctx, sig); err != nil {
			t.Fatal(err)
		}
	}
	svc.Ingest(ctx, &baton.Signal{ExternalID: "s0", Type: baton.SignalDemoRequest, Contact: baton.SignalContact{Email: "ana0@acme-robotics.com"}})

	reg := m.Registry()
	if got := sample(t, reg, "baton_handoffs_open", "state", "assigned"); got != 3 {
		t.Errorf("open assigned handoffs: got %v, want 3", got)
	}
	if got := sample(t, reg, "baton_outbox_pending"); got <= 0 {
		t.Errorf("pending messages: got %v, want some (no channel delivers them)", got)
	}

	clock.Add(30 * time.Minute)
	timers := &worker.Timers{Service: svc}
	for {
		n, err := timers.RunOnce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	if _, err := svc.Users(ctx); err != nil { // a read
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		labels []string
	}{
		{"baton_signals_total", []string{"type", "demo_request", "result", "routed"}},
		{"baton_signals_total", []string{"type", "demo_request", "result", "duplicate"}},
		{"baton_ingest_duration_seconds", nil},
		{"baton_timers_total", []string{"kind", "ladder", "result", "fired"}},
		{"baton_timer_lateness_seconds", nil},
		{"baton_sla_breaches_total", []string{"step", "accept"}},
		{"baton_db_transaction_duration_seconds", []string{"op", "update"}},
		{"baton_db_transaction_duration_seconds", []string{"op", "view"}},
	} {
		if got := sample(t, reg, tc.name, tc.labels...); got <= 0 {
			t.Errorf("%s%v: got %v, want it to have moved", tc.name, tc.labels, got)
		}
	}
}
