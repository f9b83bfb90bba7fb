package web_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/service"
)

// TestShowRateReport: one no-show from a source that looks like a formula,
// as JSON and as formula-safe CSV.
func TestShowRateReport(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	sig := exampleSignal("show")
	sig["type"], sig["source"] = "meeting_booked", "=cmd|' /C calc'!A0"
	sig["meeting"] = map[string]any{"starts_at": t0.Add(30 * time.Minute).Format(time.RFC3339), "timezone": "UTC", "agenda": "Discovery"}
	sig["fields"] = map[string]any{
		"budget_range": "$50k-$100k", "pain_points": "manual routing", "target_decision_date": "2027-01-31",
		"decision_maker": "Ana Ruiz, VP Operations", "stakeholders": "CFO", "trigger_event": "missed demo requests",
		"current_solution": "spreadsheets", "competitors": "N/A", "meeting_type": "Discovery", "timeline": "this quarter",
		"product_interest": "routing", "requested_next_step": "discovery call", "qualification_notes": "N/A",
		"success_criteria": "5-minute response", "recommended_approach": "lead with the SLA report",
	}
	h := s.ingest(t, sig)
	s.advance(t, 31*time.Minute)
	s.act(t, s.admin, h.ID, "accept", nil)
	s.act(t, s.admin, h.ID, "touch", nil)
	s.act(t, s.admin, h.ID, "outcome", map[string]any{"outcome": "no_show"})
	q := "/api/v1/reports/show-rate?from=2026-11-23&to=2026-11-24"
	t.Run("JSON", func(t *testing.T) {
		got := call[service.ShowRateReport](t, s, "GET", q, s.admin, nil, http.StatusOK)
		want := service.ShowRateGroup{Source: "all", Reminded: "all", NoShow: 1}
		if diff := cmp.Diff(want, got.Total); diff != "" {
			t.Errorf("total (-want +got):\n%s", diff)
		}
	})
	t.Run("CSVIsFormulaSafe", func(t *testing.T) {
		r := s.do(t, "GET", q+"&format=csv", s.admin, "")
		if r.status != http.StatusOK || r.header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("got %d %s, want 200 text/csv", r.status, r.header.Get("Content-Type"))
		}
		rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if rows[0][0] != "source" || rows[1][0] != "'=cmd|' /C calc'!A0" || rows[1][1] != "no" || rows[1][3] != "1" {
			t.Errorf("got rows %q, want the header then the quoted source's no-show", rows)
		}
	})
	t.Run("RejectsBadFormat", func(t *testing.T) {
		if r := s.do(t, "GET", q+"&format=xml", s.admin, ""); r.status != http.StatusUnprocessableEntity {
			t.Errorf("got %d, want 422", r.status)
		}
	})
}
