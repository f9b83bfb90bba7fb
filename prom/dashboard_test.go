package prom_test

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/prom"
)

// TestDashboardQueriesExist reads the example Grafana dashboard and wants
// every Baton metric its queries name to be one Metrics exposes, so that
// renaming a metric cannot leave the dashboard blank.
func TestDashboardQueriesExist(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../docs/grafana-baton.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("docs/grafana-baton.json: %v", err)
	}

	m := prom.New()
	m.Ingested("demo_request", "routed", time.Millisecond)
	m.TimerFired("ladder", true, time.Second)
	m.Breached("hot_lead", "accept")
	m.MessageSettled("email", "sent")
	m.ConnectorDelivery("hubspot", prom.In, "accepted")
	m.ConnectorSignatureFailure("hubspot")
	s := m.Store(nopStore{})
	s.Update(context.Background(), func(baton.Tx) error { return nil })
	m.SetGauges(func(context.Context) (prom.Gauges, error) {
		return prom.Gauges{OpenHandoffs: map[string]int{"assigned": 1}, PendingMessages: map[string]int{"email": 1}}, nil
	}, time.Now)
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	exposed := map[string]bool{}
	for _, f := range families {
		exposed[f.GetName()] = true
	}

	name := regexp.MustCompile(`\b(baton|go|process)_[a-z_]+\b`)
	queries := 0
	for _, p := range dash.Panels {
		for _, target := range p.Targets {
			queries++
			for _, n := range name.FindAllString(target.Expr, -1) {
				base := n
				for _, suffix := range []string{"_bucket", "_count", "_sum"} {
					if b, ok := strings.CutSuffix(n, suffix); ok && exposed[b] {
						base = b
					}
				}
				if !exposed[base] {
					t.Errorf("panel %q: query %q names %s, which Baton does not expose", p.Title, target.Expr, n)
				}
			}
		}
	}
	if queries < 20 {
		t.Errorf("got %d queries, want the whole dashboard", queries)
	}
}
