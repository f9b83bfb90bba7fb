package web_test

import (
	"bytes"
	"encoding/csv"
	"mime"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
)

func TestSLAReport(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	// Two hot leads at t0 (5 minutes to accept): one taken in time, one
	// left alone until the review ten minutes in.
	ok, late := s.ingest(t, exampleSignal("sla-ok")), s.ingest(t, exampleSignal("sla-late"))
	s.act(t, s.rep, ok.ID, "accept", nil)
	s.act(t, s.rep, ok.ID, "touch", nil)
	s.advance(t, 6*time.Minute)
	s.clock.Add(4 * time.Minute) // the default window ends now, exclusive
	var lateOwner string
	for _, u := range s.users {
		if u.ID == late.OwnerID {
			lateOwner = u.Email
		}
	}
	if lateOwner == "" {
		t.Fatalf("owner %s of the late handoff is not a test user", late.OwnerID)
	}
	// The late handoff is still unaccepted: 10m - 5m past its deadline.
	wantTotal := metrics.Group{Key: "all", Handoffs: 2, Breached: 1, BreachRate: 0.5, MedianMarginSeconds: 300, P90MarginSeconds: 300}

	t.Run("JSONOfTheLastSevenDays", func(t *testing.T) {
		t.Parallel()
		got := call[metrics.SLAReport](t, s, "GET", "/api/v1/reports/sla", s.admin, nil, http.StatusOK)
		if diff := cmp.Diff(wantTotal, got.Total); diff != "" {
			t.Errorf("total (-want +got):\n%s", diff)
		}
		if now := s.clock.Now(); !got.To.Equal(now) || !got.From.Equal(now.Add(-7*24*time.Hour)) {
			t.Errorf("got window %s..%s, want the 7 days ending %s", got.From, got.To, now)
		}
		if len(got.ByOwner) != 2 || got.ByOwner[0].Key != lateOwner || got.ByOwner[0].Breached != 1 {
			t.Errorf("by owner: got %+v, want %s first with the breach", got.ByOwner, lateOwner)
		}
	})
	t.Run("JSONOfAnExplicitWindow", func(t *testing.T) {
		t.Parallel()
		got := call[metrics.SLAReport](t, s, "GET", "/api/v1/reports/sla?from=2026-11-23&to=2026-11-24&format=json", s.admin, nil, http.StatusOK)
		if got.Total.Handoffs != 2 || got.Total.Breached != 1 {
			t.Errorf("got %+v, want 1 of 2 breached", got.Total)
		}
		empty := call[metrics.SLAReport](t, s, "GET", "/api/v1/reports/sla?from=2026-11-16&to=2026-11-23", s.admin, nil, http.StatusOK)
		if empty.Total.Handoffs != 0 || empty.ByType == nil || len(empty.ByType) != 0 {
			t.Errorf("got %+v by type %v, want no handoffs and empty groups the week before", empty.Total, empty.ByType)
		}
	})
	t.Run("CSV", func(t *testing.T) {
		t.Parallel()
		r := s.do(t, "GET", "/api/v1/reports/sla?format=csv", s.admin, "")
		if r.status != http.StatusOK {
			t.Fatalf("got %s, want 200", r)
		}
		if mt, _, _ := mime.ParseMediaType(r.header.Get("Content-Type")); mt != "text/csv" {
			t.Errorf("got Content-Type %q, want text/csv", r.header.Get("Content-Type"))
		}
		if got, want := r.header.Get("Content-Disposition"), `attachment; filename="sla-2026-11-23.csv"`; got != want {
			t.Errorf("got Content-Disposition %q, want %q", got, want)
		}
		rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
		if err != nil {
			t.Fatalf("parse csv: %v\n%s", err, r.body)
		}
		if len(rows) == 0 {
			t.Fatal("empty csv")
		}
		if diff := cmp.Diff([]string{"dimension", "key", "handoffs", "breached", "breach_rate", "median_margin_seconds", "p90_margin_seconds"}, rows[0]); diff != "" {
			t.Errorf("header (-want +got):\n%s", diff)
		}
		var dims []string
		for _, row := range rows[1:] {
			if i := len(dims); i == 0 || dims[i-1] != row[0] {
				dims = append(dims, row[0])
			}
		}
		if diff := cmp.Diff([]string{"type", "tier", "source", "owner", "team", "segment", "total"}, dims); diff != "" {
			t.Errorf("dimensions in order (-want +got):\n%s", diff)
		}
		for _, want := range [][]string{
			{"type", "hot_lead", "2", "1", "0.5", "300", "300"},
			{"owner", lateOwner, "1", "1", "1", "300", "300"},
			{"segment", baton.SegmentMidMarket, "2", "1", "0.5", "300", "300"},
			{"total", "all", "2", "1", "0.5", "300", "300"},
		} {
			if !slices.ContainsFunc(rows, func(row []string) bool { return slices.Equal(row, want) }) {
				t.Errorf("no row %v in\n%s", want, r.body)
			}
		}
		if last := rows[len(rows)-1]; last[0] != "total" {
			t.Errorf("got last row %v, want the total", last)
		}
	})
	t.Run("RejectsBadParameters", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			query  string
			fields []string
		}{
			{"from=last+week", []string{"from"}},
			{"to=tomorrow", []string{"to"}},
			{"format=xlsx", []string{"format"}},
			{"from=nope&format=pdf", []string{"from", "format"}},
			{"from=2026-11-24&to=2026-11-20", []string{"to"}},
			{"from=2025-01-01&to=2026-11-20", []string{"from"}},
		} {
			t.Run(tc.query, func(t *testing.T) {
				r := s.do(t, "GET", "/api/v1/reports/sla?"+tc.query, s.rep, "")
				wantError(t, r, http.StatusUnprocessableEntity, baton.EINVALID, tc.fields...)
			})
		}
	})
	t.Run("NeedsAToken", func(t *testing.T) {
		t.Parallel()
		for _, path := range []string{"/api/v1/reports/sla", "/api/v1/reports/sla?format=csv"} {
			r := s.do(t, "GET", path, "", "")
			wantError(t, r, http.StatusUnauthorized, baton.EUNAUTHORIZED)
			if strings.Contains(string(r.body), "dimension") {
				t.Errorf("got a report without a token: %s", r.body)
			}
		}
	})
}
