package web_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
	"github.com/batonhq/baton/service"
)

// pastCSV is history before an adoption on 1 November 2026 (t0 is 23
// November): sdr1 won one of two, sdr2 won one of one and missed one.
const pastCSV = "owner,held_at,outcome,account,external_id\n" +
	"sdr1@t.example,2026-10-10,won,Acme,c1\n" +
	"sdr1@t.example,2026-10-11,closed lost,Globex,c2\n" +
	"sdr2@t.example,2026-10-15,Closed Won,Initech,c3\n" +
	"sdr2@t.example,2026-10-16,no show,Umbrella,c4\n"

type adoptionReply struct {
	AdoptedAt   *time.Time `json:"adopted_at"`
	AdoptedFrom string     `json:"adopted_from"`
}

func TestCloseRateAPI(t *testing.T) {
	t.Parallel()
	s := newStack(t)

	t.Run("NeedsAToken", func(t *testing.T) {
		for _, rt := range []struct{ method, path string }{
			{"GET", "/api/v1/reports/close-rate"}, {"POST", "/api/v1/outcomes/import"}, {"GET", "/api/v1/adoption"}, {"PUT", "/api/v1/adoption"},
		} {
			wantError(t, s.do(t, rt.method, rt.path, "", ""), http.StatusUnauthorized, baton.EUNAUTHORIZED)
		}
	})

	t.Run("ImportIsForManagersAndAdmins", func(t *testing.T) {
		wantError(t, s.postCSV(t, "/api/v1/outcomes/import", s.rep, pastCSV), http.StatusForbidden, baton.EFORBIDDEN)
	})
	t.Run("ImportRejectsBadInput", func(t *testing.T) {
		wantError(t, s.postCSV(t, "/api/v1/outcomes/import?dry_run=maybe", s.manager, pastCSV), http.StatusBadRequest, baton.EINVALID, "dry_run")
		wantError(t, s.postCSV(t, "/api/v1/outcomes/import", s.manager, ""), http.StatusBadRequest, baton.EINVALID)
		wantError(t, s.postCSV(t, "/api/v1/outcomes/import", s.manager, "owner,held_at,outcome\nsdr1@t.example,2026-10-10,perhaps\nzed@t.example,2026-10-10,won\n"),
			http.StatusUnprocessableEntity, baton.EINVALID, "row 2: outcome", "row 3: owner")
		big := "owner,held_at,outcome\n" + strings.Repeat("sdr1@t.example,2026-10-10,won\n", service.MaxImportBytes/30+1)
		wantError(t, s.postCSV(t, "/api/v1/outcomes/import", s.manager, big), http.StatusBadRequest, baton.EINVALID)
	})
	t.Run("DryRunWritesNothingThenImportAndReimport", func(t *testing.T) {
		for _, step := range []struct {
			path string
			want service.ImportResult
		}{
			{"/api/v1/outcomes/import?dry_run=true", service.ImportResult{Created: 4}},
			{"/api/v1/outcomes/import", service.ImportResult{Created: 4}},
			{"/api/v1/outcomes/import", service.ImportResult{Updated: 4}},
		} {
			r := s.postCSV(t, step.path, s.manager, pastCSV)
			if diff := cmp.Diff(step.want, decode[service.ImportResult](t, r)); r.status != http.StatusOK || diff != "" {
				t.Errorf("%s: got %s (-want +got):\n%s", step.path, r, diff)
			}
		}
	})

	t.Run("AdoptionIsSetByAnAdmin", func(t *testing.T) {
		if got := call[adoptionReply](t, s, "GET", "/api/v1/adoption", s.rep, nil, http.StatusOK); got.AdoptedAt != nil {
			t.Errorf("got %v before any handoff, want null", got.AdoptedAt)
		}
		wantError(t, s.do(t, "PUT", "/api/v1/adoption", s.manager, `{"adopted_at":"2026-11-01"}`), http.StatusForbidden, baton.EFORBIDDEN)
		wantError(t, s.do(t, "PUT", "/api/v1/adoption", s.admin, `{"adopted_at":"yesterday"}`), http.StatusUnprocessableEntity, baton.EINVALID, "adopted_at")
		wantError(t, s.do(t, "PUT", "/api/v1/adoption", s.admin, `{"adopted_at":"2027-01-01"}`), http.StatusUnprocessableEntity, baton.EINVALID, "adopted_at")
		got := call[adoptionReply](t, s, "PUT", "/api/v1/adoption", s.admin, map[string]any{"adopted_at": "2026-11-01"}, http.StatusOK)
		if want := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC); got.AdoptedAt == nil || !got.AdoptedAt.Equal(want) || got.AdoptedFrom != "setting" {
			t.Errorf("got %v from %q, want %v from setting", got.AdoptedAt, got.AdoptedFrom, want)
		}
	})

	// After adoption: a meeting held, not won, for the handoff's owner.
	h := s.ingest(t, exampleSignal("close-rate"))
	s.act(t, s.admin, h.ID, "accept", nil)
	s.act(t, s.admin, h.ID, "touch", nil)
	s.act(t, s.admin, h.ID, "outcome", map[string]any{"outcome": "proposal_requested"})
	s.advance(t, time.Minute) // the period after ends now, exclusive
	owner := ""
	for _, u := range s.users {
		if u.ID == h.OwnerID {
			owner = u.Email
		}
	}
	if owner == "" {
		t.Fatalf("handoff owner %q is not a stack user", h.OwnerID)
	}

	t.Run("JSON", func(t *testing.T) {
		rep := call[metrics.CloseRateReport](t, s, "GET", "/api/v1/reports/close-rate", s.admin, nil, http.StatusOK)
		if rep.Days != 60 || rep.AdoptedFrom != "setting" || !rep.After.To.Equal(t0.Add(time.Minute)) || !rep.Before.From.Equal(time.Date(2026, 9, 2, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("got %d days from %q, before %v, after %v; want 60 from setting, 2 Sep to now", rep.Days, rep.AdoptedFrom, rep.Before, rep.After)
		}
		half, one := 0.5, 1.0
		want := metrics.CloseRateRow{Before: metrics.CloseRate{Held: 3, Won: 2, NoShow: 1, Rate: ptr(0.6667)}, After: metrics.CloseRate{Held: 1, Rate: ptr(0)}, Difference: ptr(-0.6667)}
		if diff := cmp.Diff(want, rep.Total); diff != "" {
			t.Errorf("total (-want +got):\n%s", diff)
		}
		rates := map[string]*float64{}
		for _, r := range rep.Owners {
			rates[r.Owner] = r.Before.Rate
		}
		if diff := cmp.Diff(map[string]*float64{"sdr1@t.example": &half, "sdr2@t.example": &one, owner: rates[owner]}, rates); diff != "" {
			t.Errorf("before rates by owner (-want +got):\n%s", diff)
		}
	})

	t.Run("ARepSeesTheirOwnRow", func(t *testing.T) {
		rep := call[metrics.CloseRateReport](t, s, "GET", "/api/v1/reports/close-rate", s.rep, nil, http.StatusOK)
		if len(rep.Owners) != 1 || rep.Owners[0].Owner != "sdr1@t.example" {
			t.Fatalf("got owners %+v, want sdr1's row only", rep.Owners)
		}
		if rep.Total.Before.Held != rep.Owners[0].Before.Held || rep.Total.After.Held != rep.Owners[0].After.Held {
			t.Errorf("got total %+v, want sdr1's row %+v", rep.Total, rep.Owners[0])
		}
	})

	t.Run("CSV", func(t *testing.T) {
		r := s.do(t, "GET", "/api/v1/reports/close-rate?format=csv&days=30", s.admin, "")
		if r.status != http.StatusOK || r.header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("got %s, want 200 text/csv", r)
		}
		if got, want := r.header.Get("Content-Disposition"), `attachment; filename="close-rate-2026-11-01.csv"`; got != want {
			t.Errorf("got Content-Disposition %q, want %q", got, want)
		}
		rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"scope", "owner", "name", "team", "before_held", "before_won", "before_no_show", "before_close_rate",
			"after_held", "after_won", "after_no_show", "after_close_rate", "difference"}
		if diff := cmp.Diff(want, rows[0]); diff != "" {
			t.Errorf("header (-want +got):\n%s", diff)
		}
		var scopes []string
		for _, row := range rows[1:] {
			scopes = append(scopes, row[0])
			if row[1] == "sdr2@t.example" && owner != "sdr2@t.example" {
				if diff := cmp.Diff([]string{"owner", "sdr2@t.example", "Sue Two", "sdr", "1", "1", "1", "1", "0", "0", "0", "", ""}, row); diff != "" {
					t.Errorf("sdr2's row (-want +got):\n%s", diff)
				}
			}
		}
		if last := rows[len(rows)-1]; last[0] != "total" || last[4] != "3" || last[8] != "1" {
			t.Errorf("got last row %q, want the total: 3 held before, 1 after", last)
		}
		if scopes[0] != "owner" || !strings.Contains(strings.Join(scopes, ","), "owner,team") {
			t.Errorf("got scopes %q, want owners, then teams, then the total", scopes)
		}
	})

	t.Run("RejectsABadQueryWith400NamingTheField", func(t *testing.T) {
		for _, tt := range []struct {
			query  string
			fields []string
		}{
			{"days=0", []string{"days"}},
			{"days=367", []string{"days"}},
			{"days=ten", []string{"days"}},
			{"adopted_at=soon", []string{"adopted_at"}},
			{"adopted_at=2027-01-01", []string{"adopted_at"}},
			{"format=xml&days=-1", []string{"days", "format"}},
		} {
			wantError(t, s.do(t, "GET", "/api/v1/reports/close-rate?"+tt.query, s.admin, ""), http.StatusBadRequest, baton.EINVALID, tt.fields...)
		}
	})

	t.Run("AdoptionFromTheQuery", func(t *testing.T) {
		rep := call[metrics.CloseRateReport](t, s, "GET", "/api/v1/reports/close-rate?adopted_at=2026-10-12&days=5", s.admin, nil, http.StatusOK)
		// Before [7 Oct, 12 Oct): sdr1's two; after [12 Oct, 17 Oct): no outcomes.
		if rep.AdoptedFrom != "query" || rep.Total.Before.Held != 2 || rep.Total.After.Held != 0 || rep.Total.After.Rate != nil {
			t.Errorf("got %q, total %+v; want query, 2 held before and none after", rep.AdoptedFrom, rep.Total)
		}
	})
}

func TestCloseRateAdminPage(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	admin := s.signInAdmin(t, "ops")
	_, page := admin.get(t, "/admin/team")
	for _, want := range []string{"Close-rate baseline", "No adoption date yet", `action="/admin/team/import-outcomes"`, `action="/admin/team/adoption"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the Team page lacks %q", want)
		}
	}
	t.Run("SetsTheAdoptionDate", func(t *testing.T) {
		st, page, _ := admin.post(t, "/admin/team/adoption", url.Values{"adopted_at": {"2026-11-01"}})
		if st != http.StatusOK || !strings.Contains(page, "Adoption date saved: 2026-11-01.") || !strings.Contains(page, `value="2026-11-01"`) {
			t.Errorf("got %d, want the saved date", st)
		}
		st, page, _ = admin.post(t, "/admin/team/adoption", url.Values{"adopted_at": {"2030-01-01"}})
		if st != http.StatusUnprocessableEntity || !strings.Contains(page, "must be between 2000-01-01 and now") {
			t.Errorf("got %d, want 422 with the field's error", st)
		}
	})
	t.Run("DryRunThenImport", func(t *testing.T) {
		st, page := admin.upload(t, "/admin/team/import-outcomes", "file", "past.csv", pastCSV, url.Values{"dry_run": {"on"}})
		if st != http.StatusOK || !strings.Contains(page, "Dry run of past.csv") || !strings.Contains(page, "It would create 4 and update 0.") {
			t.Fatalf("got %d, want the dry run's counts", st)
		}
		st, page = admin.upload(t, "/admin/team/import-outcomes", "file", "past.csv", pastCSV, nil)
		if st != http.StatusOK || !strings.Contains(page, "Created 4, updated 0.") {
			t.Fatalf("got %d, want the import's counts", st)
		}
		st, page = admin.upload(t, "/admin/team/import-outcomes", "file", "bad.csv", "owner,held_at,outcome\nzed@t.example,2026-10-10,won\n", nil)
		if st != http.StatusUnprocessableEntity || !strings.Contains(page, "row 2, column owner") {
			t.Errorf("got %d, want 422 naming row 2's owner", st)
		}
	})
	t.Run("RepsAreRefused", func(t *testing.T) {
		rep := s.signInAdmin(t, "sdr1")
		if st, _, _ := rep.post(t, "/admin/team/adoption", url.Values{"adopted_at": {"2026-11-01"}}); st != http.StatusForbidden {
			t.Errorf("got %d, want 403", st)
		}
	})
}

func ptr(f float64) *float64 { return &f }
