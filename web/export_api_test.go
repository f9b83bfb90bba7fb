package web_test

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/batonhq/baton"
)

func TestExports(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	if r := s.postCSV(t, "/api/v1/signals/import", s.manager, leadsCSV(3)); r.status != http.StatusOK {
		t.Fatalf("import: got %s", r)
	}

	t.Run("HandoffsAsCSVHaveEveryPageAndAHeader", func(t *testing.T) {
		r := s.do(t, "GET", "/api/v1/handoffs?format=csv", s.admin, "")
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("got %s, want 200 text/csv", r)
		}
		rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 || rows[0][0] != "id" || rows[0][len(rows[0])-1] != "missing" {
			t.Fatalf("got %d rows %v, want a header and 3 handoffs", len(rows), rows)
		}
		emails := strings.Join([]string{rows[1][12], rows[2][12], rows[3][12]}, " ")
		for i := range 3 {
			if !strings.Contains(emails, "@lead"+string(rune('0'+i))+".example") {
				t.Errorf("got contact emails %q, want lead%d's", emails, i)
			}
		}
	})

	t.Run("EventsAsJSONAndCSV", func(t *testing.T) {
		r := s.do(t, "GET", "/api/v1/events", s.admin, "")
		var body struct{ Events []*baton.Event }
		if err := json.Unmarshal(r.body, &body); r.status != http.StatusOK || err != nil {
			t.Fatalf("got %s (%v), want 200 JSON", r, err)
		}
		created := 0
		for i, e := range body.Events {
			if i > 0 && e.Seq <= body.Events[i-1].Seq {
				t.Errorf("events out of order: %d after %d", e.Seq, body.Events[i-1].Seq)
			}
			if e.Kind == baton.EventCreated {
				created++
			}
		}
		if created != 3 {
			t.Errorf("got %d created events, want 3", created)
		}
		r = s.do(t, "GET", "/api/v1/events?format=csv", s.admin, "")
		rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
		if err != nil || len(rows) != len(body.Events)+1 {
			t.Errorf("CSV: got %d rows (%v), want %d", len(rows), err, len(body.Events)+1)
		}
	})

	t.Run("EachPersonExportsWhatTheySee", func(t *testing.T) {
		p := newPeople(t)
		if r := p.postCSV(t, "/api/v1/signals/import", p.manager, leadsCSV(6)); r.status != http.StatusOK {
			t.Fatalf("import: got %s", r)
		}
		readCSV := func(token, path string) [][]string {
			t.Helper()
			r := p.do(t, "GET", path, token, "")
			rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
			if r.status != http.StatusOK || err != nil {
				t.Fatalf("GET %s: got %s (%v)", path, r, err)
			}
			return rows[1:]
		}
		people := map[string][]string{} // handoff id → owner, backup and sender emails
		for _, row := range readCSV(p.admin, "/api/v1/handoffs?format=csv") {
			people[row[0]] = []string{row[6], row[8], row[9]}
		}
		sawAny := false
		for name, token := range p.tokens {
			email := name + "@t.example"
			events := readCSV(token, "/api/v1/events?format=csv")
			handoffs := readCSV(token, "/api/v1/handoffs?format=csv")
			if name == "ae1" && (len(events) > 0 || len(handoffs) > 0) {
				t.Errorf("ae1 (another team) got %d events and %d handoffs, want none", len(events), len(handoffs))
			}
			if !strings.HasPrefix(name, "sdr") {
				continue
			}
			for _, row := range events {
				if !slices.Contains(people[row[1]], email) {
					t.Errorf("%s got an event of handoff %s, whose people are %v", name, row[1], people[row[1]])
				}
			}
			seen := 0
			for _, ps := range people {
				if slices.Contains(ps, email) {
					seen++
				}
			}
			if len(handoffs) != seen {
				t.Errorf("%s got %d handoffs, want the %d they own or back up", name, len(handoffs), seen)
			}
			sawAny = sawAny || len(events) > 0
		}
		if !sawAny {
			t.Error("no rep saw any event: the test proves nothing")
		}
	})

	t.Run("TheWorkspaceDownloadsWithItsSession", func(t *testing.T) {
		admin := s.signInAdmin(t, "ops")
		st, body := admin.get(t, "/export/handoffs.csv")
		if rows, err := csv.NewReader(strings.NewReader(body)).ReadAll(); st != http.StatusOK || err != nil || len(rows) != 4 {
			t.Errorf("handoffs: got %d, %d rows (%v), want 200 with a header and 3 rows", st, len(rows), err)
		}
		st, body = admin.get(t, "/export/events.csv")
		if rows, err := csv.NewReader(strings.NewReader(body)).ReadAll(); st != http.StatusOK || err != nil || len(rows) < 4 {
			t.Errorf("events: got %d, %d rows (%v), want 200 with the log", st, len(rows), err)
		}
		if st, _ := admin.get(t, "/export/events.csv?from=yesterday"); st != http.StatusBadRequest {
			t.Errorf("a bad window: got %d, want 400", st)
		}
		// Without a session: to the sign-in page, nothing exported.
		req, _ := http.NewRequest("GET", s.srv.URL+"/export/handoffs.csv", nil)
		res, err := s.rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("signed out: got %d, want 303 to sign in", res.StatusCode)
		}
	})

	t.Run("BadQueriesAre400", func(t *testing.T) {
		wantError(t, s.do(t, "GET", "/api/v1/events?format=xml", s.admin, ""), http.StatusBadRequest, baton.EINVALID, "format")
		wantError(t, s.do(t, "GET", "/api/v1/events?from=2026-01-01&to=2026-12-31T23:00:00Z&x=1", s.admin, ""), http.StatusBadRequest, baton.EINVALID, "x")
		wantError(t, s.do(t, "GET", "/api/v1/events?from=2025-01-01&to=2026-11-01", s.admin, ""), http.StatusBadRequest, baton.EINVALID, "from")
		wantError(t, s.do(t, "GET", "/api/v1/handoffs?format=xml", s.admin, ""), http.StatusUnprocessableEntity, baton.EINVALID, "format")
	})
}
