package web_test

import (
	"encoding/csv"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
)

// metricsPeople is three handoffs whose events name their owners: h1
// owned by sdr1, h2 sent by sdr1 and owned by sdr2, h3 owned by ae1 (of
// mgr2's team).
func metricsPeople(t *testing.T) *people {
	t.Helper()
	p := newPeople(t)
	for _, h := range []struct{ id, sender, owner string }{{"m1", "", "sdr1"}, {"m2", "sdr1@t.example", "sdr2"}, {"m3", "", "ae1"}} {
		sig := exampleSignal(h.id)
		if h.sender != "" {
			sig["sender"] = h.sender
		}
		v := p.ingest(t, sig)
		p.act(t, p.admin, v.ID, "reassign", map[string]string{"to": h.owner + "@t.example", "reason": "territory"})
	}
	return p
}

func TestMetricsAPIShowsWhatOneMaySee(t *testing.T) {
	t.Parallel()
	p := metricsPeople(t)
	for _, tc := range []struct {
		name, token string
		want        map[string]int64 // handoffs by owner email
	}{
		{"RepSeesOwnedAndSent", "sdr1", map[string]int64{"sdr1@t.example": 1, "sdr2@t.example": 1}},
		{"RepSeesOnlyTheirs", "sdr2", map[string]int64{"sdr2@t.example": 1}},
		{"ManagerSeesTheTeam", "mgr", map[string]int64{"sdr1@t.example": 1, "sdr2@t.example": 1}},
		{"ManagerOfAnotherTeam", "mgr2", map[string]int64{"ae1@t.example": 1}},
		{"AdminSeesAll", "ops", map[string]int64{"sdr1@t.example": 1, "sdr2@t.example": 1, "ae1@t.example": 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rep := call[metrics.Report](t, p.stack, "GET", "/api/v1/metrics?by=owner", p.tokens[tc.token], nil, http.StatusOK)
			got := map[string]int64{}
			for _, g := range rep.Groups {
				got[g.Key] = g.Handoffs
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("handoffs by owner (-want +got):\n%s", diff)
			}
			var total int64
			for _, n := range tc.want {
				total += n
			}
			if rep.Total.Handoffs != total {
				t.Errorf("got %d handoffs in total, want %d", rep.Total.Handoffs, total)
			}
			all := call[metrics.Report](t, p.stack, "GET", "/api/v1/metrics", p.tokens[tc.token], nil, http.StatusOK)
			if all.Total.Handoffs != total || len(all.Groups) != 0 {
				t.Errorf("by all: got %d handoffs in %d groups, want %d in none", all.Total.Handoffs, len(all.Groups), total)
			}
		})
	}
	t.Run("SenderAndTeam", func(t *testing.T) {
		t.Parallel()
		bySender := call[metrics.Report](t, p.stack, "GET", "/api/v1/metrics?by=sender", p.admin, nil, http.StatusOK)
		got := map[string]int64{}
		for _, g := range bySender.Groups {
			got[g.Key] = g.Handoffs
		}
		if diff := cmp.Diff(map[string]int64{"sdr1@t.example": 1, metrics.NoneKey: 2}, got); diff != "" {
			t.Errorf("by sender (-want +got):\n%s", diff)
		}
		byTeam := call[metrics.Report](t, p.stack, "GET", "/api/v1/metrics?by=team", p.admin, nil, http.StatusOK)
		got = map[string]int64{}
		for _, g := range byTeam.Groups {
			got[g.Key] = g.Handoffs
		}
		if diff := cmp.Diff(map[string]int64{p.users["sdr1"].Team: 2, "ae": 1}, got); diff != "" {
			t.Errorf("by team (-want +got):\n%s", diff)
		}
	})
}

func TestMetricsAPIValidation(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	for _, tc := range []struct {
		name, query string
		fields      []string
	}{
		{"UnknownDimension", "?by=colour", []string{"by"}},
		{"BadFormat", "?format=xml", []string{"format"}},
		{"BadFrom", "?from=yesterday", []string{"from"}},
		{"BadTo", "?to=2026-13-01", []string{"to"}},
		{"ToBeforeFrom", "?from=2026-11-20&to=2026-11-10", []string{"to"}},
		{"TooLong", "?from=2001-01-01&to=2026-11-20", []string{"from"}},
		{"UnknownParameter", "?by=source&colour=red", []string{"colour"}},
		{"GivenTwice", "?by=source&by=type", []string{"by"}},
		{"EveryProblemNamed", "?by=x&format=y&from=z", []string{"from", "format", "by"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			wantError(t, s.do(t, "GET", "/api/v1/metrics"+tc.query, s.admin, ""), http.StatusBadRequest, baton.EINVALID, tc.fields...)
		})
	}
	t.Run("SuccessHasNoDimension", func(t *testing.T) {
		t.Parallel()
		wantError(t, s.do(t, "GET", "/api/v1/metrics/success?by=type", s.admin, ""), http.StatusBadRequest, baton.EINVALID, "by")
	})
	t.Run("NeedsAToken", func(t *testing.T) {
		t.Parallel()
		wantError(t, s.do(t, "GET", "/api/v1/metrics", "", ""), http.StatusUnauthorized, baton.EUNAUTHORIZED)
	})
}

func TestMetricsAPICSV(t *testing.T) {
	t.Parallel()
	p := metricsPeople(t)
	r := p.do(t, "GET", "/api/v1/metrics?by=source&format=csv&from=2026-11-01&to=2026-12-01", p.admin, "")
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("got %s, want 200 text/csv", r)
	}
	if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="metrics-source-2026-11-01-2026-12-01.csv"` {
		t.Errorf("got Content-Disposition %q", cd)
	}
	rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(append([]string{"dimension", "key"}, metrics.Columns...), rows[0]); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	if len(rows) != 3 {
		t.Fatalf("got %d rows, want the header, one source and the total:\n%s", len(rows), r.body)
	}
	col := func(row []string, name string) string {
		return row[2+slices.Index(metrics.Columns, "handoffs")+slices.Index(metrics.Columns, name)]
	}
	for i, want := range [][]string{{"source", "website"}, {"total", "all"}} {
		if got := rows[i+1][:2]; !slices.Equal(got, want) {
			t.Errorf("row %d: got %v, want %v", i+1, got, want)
		}
		if got := col(rows[i+1], "handoffs"); got != "3" {
			t.Errorf("row %d: got %s handoffs, want 3", i+1, got)
		}
		if got := col(rows[i+1], "reassigned"); got != "3" {
			t.Errorf("row %d: got %s reassigned, want 3", i+1, got)
		}
	}
	for _, row := range rows {
		if len(row) != len(rows[0]) {
			t.Errorf("row %v has %d cells, want %d", row[:2], len(row), len(rows[0]))
		}
	}
	t.Run("Success", func(t *testing.T) {
		r := p.do(t, "GET", "/api/v1/metrics/success?format=csv", p.admin, "")
		rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
		if err != nil || r.status != http.StatusOK {
			t.Fatalf("got %s (%v)", r, err)
		}
		if diff := cmp.Diff([]string{"type", "label", "success_metric", "handoffs", "part", "metric", "value", "unit", "base", "note"}, rows[0]); diff != "" {
			t.Errorf("header (-want +got):\n%s", diff)
		}
		// hot_lead: "5-minute response rate, conversion", over three
		// handoffs nobody touched.
		want := [][]string{
			{"hot_lead", "Hot lead", "5-minute response rate, conversion", "3", "5-minute response rate", "five_minute_response_rate", "0", "rate", "3", ""},
			{"hot_lead", "Hot lead", "5-minute response rate, conversion", "3", "conversion", "opportunity_rate", "0", "rate", "3", ""},
		}
		if diff := cmp.Diff(want, rows[1:3]); diff != "" {
			t.Errorf("hot_lead rows (-want +got):\n%s", diff)
		}
	})
}

func TestSuccessMetricsJSON(t *testing.T) {
	t.Parallel()
	p := metricsPeople(t)
	rep := call[metrics.SuccessReport](t, p.stack, "GET", "/api/v1/metrics/success", p.admin, nil, http.StatusOK)
	byType := map[string]metrics.TypeSuccess{}
	for _, ts := range rep.Types {
		byType[ts.Type] = ts
	}
	ms := byType["meeting_set"]
	if ms.SuccessMetric != "meeting show rate, meeting → opportunity" || len(ms.Figures) != 2 {
		t.Fatalf("meeting_set: got %+v", ms)
	}
	for i, want := range []string{"show_rate", "held_to_opportunity_rate"} {
		if f := ms.Figures[i]; f.Metric != want || f.Value != nil || f.Note == "" {
			t.Errorf("meeting_set figure %d: got %+v, want %s with no value yet", i, f, want)
		}
	}
	if got := byType["hot_lead"].Handoffs; got != 3 {
		t.Errorf("hot_lead: got %d handoffs, want 3", got)
	}
}
