package web_test

import (
	"context"
	"encoding/csv"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
)

var (
	tableRow  = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	tableCell = regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`)
)

// chartTable returns the rows (header first) of the table of the chart
// with id on a dashboard page, and fails when the chart has no SVG.
func chartTable(t *testing.T, body []byte, id string) [][]string {
	t.Helper()
	sec := regexp.MustCompile(`(?s)<section class="db-card" aria-labelledby="` + id + `-h" id="` + id + `">(.*?)</section>`).FindSubmatch(body)
	if sec == nil {
		t.Fatalf("no chart %s on the page", id)
	}
	if !regexp.MustCompile(`<svg [^>]*role="img" aria-labelledby="` + id + `-title"><title id="` + id + `-title">[^<]+</title>`).Match(sec[1]) {
		t.Errorf("chart %s has no SVG with role=img and a title", id)
	}
	var out [][]string
	for _, r := range tableRow.FindAllSubmatch(sec[1], -1) {
		var row []string
		for _, c := range tableCell.FindAllSubmatch(r[1], -1) {
			row = append(row, html.UnescapeString(string(c[1])))
		}
		out = append(out, row)
	}
	return out
}

func TestDashboard(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	evil, err := s.svc.PutUser(ctx, &baton.User{Email: "evil@t.example", Name: "=1+2 Evil", Role: baton.RoleSDR, Team: "sdr", TimeZone: "UTC", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	// The admin sees every handoff; a manager's dashboard covers their
	// reach (service/access.go), tested with the metrics.
	mgr := s.signIn(t, "ops@t.example")
	// Three handoffs on Monday 23 November (UTC): accepted after 10, 20 and
	// 40 minutes; the first two touched after 30 and 60; the third rejected
	// and then reassigned to Evil. No timer runs, so nothing breaches.
	h1 := s.ingest(t, exampleSignal("d1"))
	s.clock.Add(10 * time.Minute)
	s.act(t, s.manager, h1.ID, "accept", nil)
	s.clock.Add(20 * time.Minute)
	s.act(t, s.manager, h1.ID, "touch", nil)
	h2 := s.ingest(t, exampleSignal("d2"))
	s.clock.Add(20 * time.Minute)
	s.act(t, s.manager, h2.ID, "accept", nil)
	s.clock.Add(40 * time.Minute)
	s.act(t, s.manager, h2.ID, "touch", nil)
	h3 := s.ingest(t, exampleSignal("d3"))
	s.clock.Add(40 * time.Minute)
	s.act(t, s.manager, h3.ID, "accept", nil)
	s.act(t, s.manager, h3.ID, "reject", map[string]any{"gaps": []string{"budget"}})
	s.act(t, s.manager, h3.ID, "resubmit", nil)
	s.act(t, s.manager, h3.ID, "reassign", map[string]any{"to": evil.ID, "reason": "balance"})

	// The manager's zone is New York: 23 November there is 05:00 UTC on the
	// 23rd to 05:00 UTC on the 24th, one week (of Monday 23 November).
	const q = "from=2026-11-23&to=2026-11-23"
	page := mgr.get("/dashboard?" + q)
	if page.status != http.StatusOK {
		t.Fatalf("got %s, want 200", page)
	}
	if got := strings.Count(string(page.body), `role="img"`); got != 10 {
		t.Errorf("got %d charts, want 10", got)
	}
	names := map[string]string{evil.ID: evil.Name}
	for _, u := range s.users {
		names[u.ID] = u.Name
	}
	owners := map[string]int{names[h1.OwnerID]: 0, names[h2.OwnerID]: 0, evil.Name: 0}
	for _, id := range []string{h1.OwnerID, h2.OwnerID, evil.ID} {
		owners[names[id]]++
	}
	var ownerRows [][]string
	for name, n := range owners {
		ownerRows = append(ownerRows, []string{name, strconv.Itoa(n)})
	}
	sortOwnerRows(ownerRows)
	for _, tc := range []struct {
		id   string
		want [][]string
	}{
		{"accept", [][]string{{"Week of", "Handoffs measured", "p50 (minutes)", "p90 (minutes)"}, {"2026-11-23", "3", "20.0", "40.0"}}},
		{"first-touch", [][]string{{"Week of", "Handoffs measured", "p50 (minutes)", "p90 (minutes)"}, {"2026-11-23", "2", "30.0", "60.0"}}},
		{"breach-type", [][]string{{"Type", "Handoffs", "Breached", "Breach rate (%)"}, {h1.Type, "3", "0", "0.0"}}},
		{"breach-tier", [][]string{{"Tier", "Handoffs", "Breached", "Breach rate (%)"}, {h1.Tier, "3", "0", "0.0"}}},
		{"owners", append([][]string{{"Owner", "Handoffs"}}, ownerRows...)},
		{"rejection", [][]string{{"Week of", "Handoffs", "Rejected", "Rejection rate (%)"}, {"2026-11-23", "3", "1", "33.3"}}},
	} {
		t.Run(tc.id, func(t *testing.T) {
			table := chartTable(t, page.body, tc.id)
			if diff := cmp.Diff(tc.want, table); diff != "" {
				t.Errorf("table (-want +got):\n%s", diff)
			}
			r := mgr.get("/dashboard/" + tc.id + ".csv?" + q)
			if r.status != http.StatusOK || r.header.Get("Content-Type") != "text/csv; charset=utf-8" {
				t.Fatalf("got %s, want 200 text/csv", r)
			}
			got, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			want := table
			for i, row := range want {
				for j, cell := range row {
					if strings.HasPrefix(cell, "=") {
						want[i][j] = "'" + cell // neutralised for spreadsheets
					}
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("CSV (-table +csv):\n%s", diff)
			}
		})
	}
	t.Run("CompletenessCountsEveryHandoff", func(t *testing.T) {
		want := [][]string{{"Context answered", "Handoffs"}, {"0–19%", "0"}, {"20–39%", "0"}, {"40–59%", "0"}, {"60–79%", "0"}, {"80–100%", "0"}}
		for _, score := range []int{h1.Completeness, h2.Completeness, h3.Completeness} {
			row := want[min(score/20, 4)+1]
			n, _ := strconv.Atoi(row[1])
			row[1] = strconv.Itoa(n + 1)
		}
		if diff := cmp.Diff(want, chartTable(t, page.body, "completeness")); diff != "" {
			t.Errorf("table (-want +got):\n%s", diff)
		}
	})
	t.Run("PresetRangesAndBadDates", func(t *testing.T) {
		for _, path := range []string{"/dashboard", "/dashboard?range=7", "/dashboard?range=90"} {
			if r := mgr.get(path); r.status != http.StatusOK || strings.Count(string(r.body), `role="img"`) != 10 {
				t.Errorf("GET %s: got %d, want 200 with 10 charts", path, r.status)
			}
		}
		if r := mgr.get("/dashboard?from=2026-11-30&to=2026-11-01"); r.status != http.StatusBadRequest {
			t.Errorf("got %d for an end before the start, want 400", r.status)
		}
		if r := mgr.get("/dashboard/nope.csv"); r.status != http.StatusNotFound {
			t.Errorf("got %d for an unknown chart, want 404", r.status)
		}
	})
	// h1 is won; h2's prospect did not come (its handoff then counts as
	// booked); h3 stays open.
	t.Run("FunnelAndShowRate", func(t *testing.T) {
		s.act(t, s.manager, h1.ID, "outcome", map[string]any{"outcome": "booked_won"})
		s.act(t, s.manager, h2.ID, "outcome", map[string]any{"outcome": "no_show"})
		page := mgr.get("/dashboard?" + q)
		for _, tc := range []struct {
			id   string
			want [][]string
		}{
			{"funnel", [][]string{{"Stage", "Handoffs", "Share of handoffs (%)"}, {"Handoffs", "3", "100.0"}, {"Accepted", "3", "100.0"},
				{"Meetings booked", "1", "33.3"}, {"Meetings held", "0", "0.0"}, {"Opportunities", "1", "33.3"}, {"Won", "1", "33.3"}}},
			{"funnel-source", [][]string{{"Source", "Handoffs", "Accepted", "Meetings booked", "Meetings held", "No-shows", "Opportunities", "Won"},
				{"website", "3", "3", "1", "0", "1", "1", "1"}, {"All sources", "3", "3", "1", "0", "1", "1", "1"}}},
			{"show-rate", [][]string{{"Source", "Meetings held", "No-shows", "Show rate (%)", "Rescheduled", "Reschedule rate (%)"},
				{"website", "0", "1", "0.0", "0", "0.0"}, {"All sources", "0", "1", "0.0", "0", "0.0"}}},
		} {
			if diff := cmp.Diff(tc.want, chartTable(t, page.body, tc.id)); diff != "" {
				t.Errorf("%s table (-want +got):\n%s", tc.id, diff)
			}
			r := mgr.get("/dashboard/" + tc.id + ".csv?" + q)
			got, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
			if err != nil || r.status != http.StatusOK {
				t.Fatalf("%s CSV: got %s (%v), want 200", tc.id, r, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s CSV (-table +csv):\n%s", tc.id, diff)
			}
		}
	})
}

// sortOwnerRows sorts as the dashboard does: most handoffs first, then by
// name.
func sortOwnerRows(rows [][]string) {
	for i := range rows {
		for j := i + 1; j < len(rows); j++ {
			a, _ := strconv.Atoi(rows[i][1])
			b, _ := strconv.Atoi(rows[j][1])
			if b > a || (a == b && rows[j][0] < rows[i][0]) {
				rows[i], rows[j] = rows[j], rows[i]
			}
		}
	}
}
