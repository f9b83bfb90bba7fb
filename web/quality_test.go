package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/quality"
	"github.com/batonhq/baton/service"
)

// qualityStack has a hot lead and a closed-won handoff sent by sdr1.
func qualityStack(t *testing.T) (*stack, *service.HandoffView, *service.HandoffView) {
	t.Helper()
	s := newStack(t)
	hot := s.ingest(t, exampleSignal("q1"))
	sig := exampleSignal("q2")
	sig["type"], sig["sender"] = "contract_signed", "sdr1@t.example"
	sig["account"] = map[string]any{"name": "Won Co", "domain": "won.example"}
	won := s.ingest(t, sig)
	return s, hot, won
}

func TestQualityAPI(t *testing.T) {
	t.Parallel()
	s, hot, won := qualityStack(t)
	t.Run("HandoffScoreItemByItem", func(t *testing.T) {
		t.Parallel()
		sc := call[quality.Score](t, s, "GET", "/api/v1/handoffs/"+won.ID+"/quality", s.admin, nil, http.StatusOK)
		var got []string
		total := 0
		for _, c := range sc.Categories {
			for _, it := range c.Items {
				got = append(got, it.Name)
				total += it.Earned
				if it.Reason == "" || it.Status == "" {
					t.Errorf("item %s lacks its status or reason: %+v", it.Name, it)
				}
			}
		}
		want := []string{"deal_summary", "stakeholder_map", "commitments", "risk_factors", "participants_attended", "agenda_covered",
			"questions_answered", "within_sla", "customer_introduction"}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("items (-want +got):\n%s", d)
		}
		if sc.Score != total || sc.Band != "Substandard" || sc.Final {
			t.Errorf("got %d %s final %v, want the items' sum %d, Substandard, provisional", sc.Score, sc.Band, sc.Final, total)
		}
	})
	t.Run("UnknownHandoffIs404", func(t *testing.T) {
		t.Parallel()
		wantError(t, s.do(t, "GET", "/api/v1/handoffs/nope/quality", s.admin, ""), http.StatusNotFound, "not_found")
	})
	t.Run("ReportByType", func(t *testing.T) {
		t.Parallel()
		rep := call[service.QualityReport](t, s, "GET", "/api/v1/quality?by=type", s.admin, nil, http.StatusOK)
		got := map[string]int{}
		for _, g := range rep.Groups {
			got[g.Key] = g.Handoffs
			if len(g.Months) != 1 || g.Months[0].Month != "2026-11" {
				t.Errorf("%s: got months %+v, want November", g.Key, g.Months)
			}
		}
		if d := cmp.Diff(map[string]int{"closed_won": 1, "hot_lead": 1}, got); d != "" {
			t.Errorf("handoffs by type (-want +got):\n%s", d)
		}
		if rep.Total.Handoffs != 2 || len(rep.Bands) != 4 {
			t.Errorf("got total %d and bands %v, want 2 and the four bands", rep.Total.Handoffs, rep.Bands)
		}
		_ = hot
	})
	t.Run("ReportAsCSV", func(t *testing.T) {
		t.Parallel()
		r := s.do(t, "GET", "/api/v1/quality?by=sender&format=csv", s.admin, "")
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("got %s, want a CSV", r)
		}
		rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]string{"dimension", "key", "month", "handoffs", "mean", "change", "remediation", "provisional", "Excellent", "Good", "Acceptable", "Substandard"}, rows[0]); d != "" {
			t.Errorf("header (-want +got):\n%s", d)
		}
		var keys []string
		for _, row := range rows[1:] {
			if row[2] == "all" {
				keys = append(keys, row[0]+":"+row[1]+":"+row[3])
			}
		}
		if d := cmp.Diff([]string{"sender:(no sender):1", "sender:sdr1@t.example:1", "total:total:2"}, keys); d != "" {
			t.Errorf("group rows (-want +got):\n%s", d)
		}
	})
	t.Run("ReportByPersonNamesThem", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			by   string
			want map[string]string
		}{
			{"sender", map[string]string{"(no sender)": "", "sdr1@t.example": "Sam One"}},
			{"owner", map[string]string{}},
		} {
			rep := call[service.QualityReport](t, s, "GET", "/api/v1/quality?by="+tc.by, s.admin, nil, http.StatusOK)
			got := map[string]string{}
			for _, g := range rep.Groups {
				got[g.Key] = g.Name
			}
			if tc.by == "owner" {
				// Owners are whoever routing picked: each is named.
				if len(got) == 0 {
					t.Error("by owner: got no groups")
				}
				for k, name := range got {
					if u := s.users[strings.TrimSuffix(k, "@t.example")]; u == nil || name != u.Name {
						t.Errorf("by owner: got %q named %q, want a known owner with its name", k, name)
					}
				}
				continue
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("by %s: names by key (-want +got):\n%s", tc.by, d)
			}
		}
	})
	t.Run("BadQueryIs400NamingTheParameter", func(t *testing.T) {
		t.Parallel()
		wantError(t, s.do(t, "GET", "/api/v1/quality?by=mood", s.admin, ""), http.StatusBadRequest, "invalid", "by")
		wantError(t, s.do(t, "GET", "/api/v1/quality?group=type", s.admin, ""), http.StatusBadRequest, "invalid", "group")
		wantError(t, s.do(t, "GET", "/api/v1/quality?from=2026-11-20&to=2026-11-01", s.admin, ""), http.StatusBadRequest, "invalid", "to")
	})
	t.Run("NeedsAToken", func(t *testing.T) {
		t.Parallel()
		if r := s.do(t, "GET", "/api/v1/quality", "", ""); r.status != http.StatusUnauthorized {
			t.Errorf("got %d, want 401", r.status)
		}
	})
}

func TestQualityPages(t *testing.T) {
	t.Parallel()
	s, _, won := qualityStack(t)
	const pw = "correct-horse-battery"
	for _, email := range []string{"mgr@t.example", "sdr1@t.example"} {
		if err := s.svc.SetPassword(context.Background(), email, pw); err != nil {
			t.Fatal(err)
		}
	}
	cookie := func(t *testing.T, email string) string {
		t.Helper()
		c := findCookie(s.login(t, email, pw, ""), "baton_session")
		if c == nil {
			t.Fatalf("%s could not sign in", email)
		}
		return c.String()
	}
	t.Run("HandoffPageShowsHowTheScoreWasReached", func(t *testing.T) {
		t.Parallel()
		r := s.do(t, "GET", "/handoffs/"+won.ID, "", "", "Cookie", cookie(t, "sdr1@t.example"))
		if r.status != http.StatusOK {
			t.Fatalf("got %s, want 200", r)
		}
		for _, want := range []string{`id="quality"`, "Quality score", "Substandard", "Documentation completeness", "Stakeholder map detailed",
			"Customer introduction within 48 hours", "no knowledge-transfer meeting recorded yet", "pending"} {
			if !bytes.Contains(r.body, []byte(want)) {
				t.Errorf("handoff page lacks %q", want)
			}
		}
	})
	t.Run("ManagerReadsTheMonthlyReview", func(t *testing.T) {
		t.Parallel()
		c := cookie(t, "mgr@t.example")
		r := s.do(t, "GET", "/quality", "", "", "Cookie", c)
		if r.status != http.StatusOK {
			t.Fatalf("got %s, want 200", r)
		}
		for _, want := range []string{"Quality review · November 2026", `href="/quality" aria-current="page"`, "Trend", "Commonest missing items",
			"Stakeholder map detailed", "By handoff type", "By rep"} {
			if !bytes.Contains(r.body, []byte(want)) {
				t.Errorf("review page lacks %q", want)
			}
		}
		_, byRep, _ := bytes.Cut(r.body, []byte(`id="rep-h"`))
		byRep, _, _ = bytes.Cut(byRep, []byte("</section>"))
		if want := `<td data-label="Rep (sender)"><span title="sdr1@t.example">Sam One</span></td>`; !bytes.Contains(byRep, []byte(want)) {
			t.Errorf("by rep: got\n%s\nwant the rep by name, %s", byRep, want)
		}
		if want := `<td data-label="Rep (sender)">(no sender)</td>`; !bytes.Contains(byRep, []byte(want)) {
			t.Errorf("by rep: got\n%s\nwant %s", byRep, want)
		}
		if r := s.do(t, "GET", "/quality?month=2026-10", "", "", "Cookie", c); r.status != http.StatusOK || !bytes.Contains(r.body, []byte("No scored handoffs")) {
			t.Errorf("October: got %d, want 200 saying there were none", r.status)
		}
		if r := s.do(t, "GET", "/quality?month=soon", "", "", "Cookie", c); r.status != http.StatusBadRequest || !bytes.Contains(r.body, []byte("YYYY-MM")) {
			t.Errorf("bad month: got %d, want 400 naming the format", r.status)
		}
	})
	t.Run("RepsHaveNoReviewOrLink", func(t *testing.T) {
		t.Parallel()
		c := cookie(t, "sdr1@t.example")
		if r := s.do(t, "GET", "/quality", "", "", "Cookie", c); r.status != http.StatusForbidden {
			t.Errorf("got %d, want 403", r.status)
		}
		if r := s.do(t, "GET", "/", "", "", "Cookie", c); bytes.Contains(r.body, []byte(`href="/quality"`)) {
			t.Error("a rep's nav links the quality review")
		}
	})
}

// TestRevisions: the receiver asks for revisions through the API or the
// handoff page; the sender gets an activity on the fix-by clock.
func TestRevisions(t *testing.T) {
	t.Parallel()
	s, _, won := qualityStack(t)
	path := "/api/v1/handoffs/" + won.ID + "/revisions"
	wantError(t, s.do(t, "POST", path, s.admin, `{"revisions": []}`), http.StatusUnprocessableEntity, "invalid", "revisions")
	wantError(t, s.do(t, "POST", path, s.rep, `{"revisions": ["x"]}`), http.StatusForbidden, "forbidden")
	got := call[struct{ Activity baton.Activity }](t, s, "POST", path, s.admin, map[string]any{"revisions": []string{"name the economic buyer"}}, http.StatusCreated)
	if got.Activity.Name != "revisions" || got.Activity.OwnerID != s.users["sdr1"].ID || !got.Activity.DueAt.Equal(t0.Add(24*time.Hour)) {
		t.Errorf("got %+v, want revisions for the sender due in 24 h", got.Activity)
	}
	wantError(t, s.do(t, "POST", path, s.admin, `{"revisions": ["more"]}`), http.StatusConflict, "conflict")

	const pw = "correct-horse-battery"
	if err := s.svc.SetPassword(context.Background(), "mgr@t.example", pw); err != nil {
		t.Fatal(err)
	}
	c := findCookie(s.login(t, "mgr@t.example", pw, ""), "baton_session").String()
	sig := exampleSignal("q3")
	sig["type"], sig["sender"] = "contract_signed", "sdr1@t.example"
	sig["account"] = map[string]any{"name": "Form Co", "domain": "form.example"}
	other := s.ingest(t, sig)
	page := s.do(t, "GET", "/handoffs/"+other.ID, "", "", "Cookie", c)
	if !bytes.Contains(page.body, []byte(`action="/handoffs/`+other.ID+`/revisions"`)) {
		t.Fatal("the handoff page offers no revision request to a manager")
	}
	form := func(v url.Values) reply {
		return s.do(t, "POST", "/handoffs/"+other.ID+"/revisions", "", v.Encode(), "Cookie", c, "Content-Type", "application/x-www-form-urlencoded")
	}
	if r := form(url.Values{"revisions": {"  "}}); r.status != http.StatusUnprocessableEntity || !bytes.Contains(r.body, []byte("name at least one revision")) {
		t.Errorf("blank form: got %s, want 422 naming the field", r)
	}
	if r := form(url.Values{"revisions": {"date the SSO commitment\nadd the CFO"}}); r.status != http.StatusSeeOther {
		t.Fatalf("got %s, want 303 back to the page", r)
	}
	v := s.handoff(t, other.ID)
	found := false
	for _, a := range v.Activities {
		found = found || (a.Name == "revisions" && a.Label == "Revisions requested: date the SSO commitment; add the CFO")
	}
	if !found {
		t.Errorf("got activities %+v, want the two revisions", v.Activities)
	}
}
