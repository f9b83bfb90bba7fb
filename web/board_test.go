package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
)

var (
	rowID    = regexp.MustCompile(`<tr id="h-([^"]+)">`)
	nextLink = regexp.MustCompile(`<a href="([^"]+)" rel="next">`)
	flash    = regexp.MustCompile(`<p class="flash( error)?" role="(?:alert|status)">([^<]*)</p>`)
)

// rows returns the ids of the handoffs a board page lists, in order.
func rows(body []byte) []string {
	var out []string
	for _, m := range rowID.FindAllSubmatch(body, -1) {
		out = append(out, string(m[1]))
	}
	return out
}

// flashOf returns a page's flash message and whether it is an error.
func flashOf(body []byte) (string, bool) {
	m := flash.FindSubmatch(body)
	if m == nil {
		return "", false
	}
	return html.UnescapeString(string(m[2])), len(m[1]) > 0
}

func TestBoard(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	mgr := s.signIn(t, "mgr@t.example")

	t.Run("ManagerReassignsOne", func(t *testing.T) {
		t.Parallel()
		h := s.ingest(t, exampleSignal("reassign-1"))
		to := s.users["sdr3"]
		if h.OwnerID == to.ID {
			to = s.users["sdr2"]
		}
		page := mgr.get("/board")
		if page.status != http.StatusOK || !slices.Contains(rows(page.body), h.ID) {
			t.Fatalf("got %d with rows %v, want 200 listing %s", page.status, rows(page.body), h.ID)
		}
		r := mgr.post("/board/"+h.ID+"/reassign", url.Values{"to": {to.ID}, "reason": {"Sam is out at a conference"}, "back": {"/board?q=acme"}})
		if r.status != http.StatusOK {
			t.Fatalf("got %s, want 200 after the redirect back", r)
		}
		if msg, isErr := flashOf(r.body); isErr || msg != "Reassigned the handoff to "+to.Name+"." {
			t.Errorf("got flash %q (error %v), want the reassignment confirmed", msg, isErr)
		}
		got := s.handoff(t, h.ID)
		if got.OwnerID != to.ID {
			t.Errorf("got owner %s, want %s", got.OwnerID, to.ID)
		}
		i := slices.IndexFunc(got.Events, func(e *baton.Event) bool { return e.Kind == baton.EventReassigned })
		if i < 0 || got.Events[i].Reason != "Sam is out at a conference" || got.Events[i].Actor != "user:"+s.users["mgr"].ID {
			t.Errorf("got events %v, want a reassigned event by the manager with the reason", kinds(got.Events))
		}
		if again := mgr.get("/board"); strings.Contains(string(again.body), "Reassigned the handoff") {
			t.Error("the flash shows twice, want it once")
		}
	})
	t.Run("ReassignNeedsAReasonAndAPerson", func(t *testing.T) {
		t.Parallel()
		h := s.ingest(t, exampleSignal("reassign-2"))
		r := mgr.post("/board/"+h.ID+"/reassign", url.Values{"to": {""}, "reason": {"  "}})
		msg, isErr := flashOf(r.body)
		if r.status != http.StatusOK || !isErr || !strings.Contains(msg, "The to is required") || !strings.Contains(msg, "The reason is required") {
			t.Errorf("got %d flash %q (error %v), want both fields named", r.status, msg, isErr)
		}
		if got := s.handoff(t, h.ID); got.OwnerID != h.OwnerID || got.Generation != h.Generation {
			t.Errorf("got owner %s generation %d, want it unchanged", got.OwnerID, got.Generation)
		}
	})
	t.Run("CancelWithReason", func(t *testing.T) {
		t.Parallel()
		h := s.ingest(t, exampleSignal("cancel-1"))
		if r := mgr.post("/board/"+h.ID+"/cancel", url.Values{"reason": {""}}); !strings.Contains(string(r.body), "The reason is required") {
			t.Errorf("got %s, want the reason asked for", r)
		}
		if got := s.handoff(t, h.ID); got.State != baton.StateAssigned {
			t.Fatalf("got state %s after a cancel with no reason, want assigned", got.State)
		}
		r := mgr.post("/board/"+h.ID+"/cancel", url.Values{"reason": {"Duplicate of an open deal"}})
		if msg, isErr := flashOf(r.body); isErr || msg != "Cancelled the handoff." {
			t.Errorf("got flash %q (error %v), want the cancel confirmed", msg, isErr)
		}
		got := s.handoff(t, h.ID)
		if got.State != baton.StateCancelled || got.Events[len(got.Events)-1].Reason != "Duplicate of an open deal" {
			t.Errorf("got state %s, last event %+v, want cancelled with the reason", got.State, got.Events[len(got.Events)-1])
		}
		if slices.Contains(rows(mgr.get("/board").body), h.ID) {
			t.Error("the cancelled handoff is still on the board")
		}
		if r := mgr.post("/board/"+h.ID+"/cancel", url.Values{"reason": {"again"}}); !strings.Contains(string(r.body), "cannot cancel") {
			t.Errorf("got %s, want the conflict shown", r)
		}
	})
	t.Run("RepGets403", func(t *testing.T) {
		t.Parallel()
		rep := s.signIn(t, "sdr1@t.example")
		h := s.ingest(t, exampleSignal("rep-1"))
		for _, path := range []string{"/board", "/dashboard", "/dashboard/accept.csv"} {
			if r := rep.get(path); r.status != http.StatusForbidden || !strings.Contains(string(r.body), "Not for your role") {
				t.Errorf("GET %s: got %s, want the 403 page", path, r)
			}
		}
		if r := rep.post("/board/"+h.ID+"/cancel", url.Values{"reason": {"mine now"}}); r.status != http.StatusForbidden {
			t.Errorf("got %s, want 403", r)
		}
		if got := s.handoff(t, h.ID); got.State != baton.StateAssigned {
			t.Errorf("got state %s, want the rep's cancel to change nothing", got.State)
		}
	})
}

func TestBoardFiltersAndSearch(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	mgr := s.signIn(t, "mgr@t.example")
	acme := s.ingest(t, exampleSignal("f1"))
	globex := exampleSignal("f2")
	globex["source"] = "hubspot"
	globex["contact"] = map[string]any{"email": "hank@globex.example", "name": "Hank Scorpio"}
	globex["account"] = map[string]any{"name": "Globex", "domain": "globex.example"}
	g := s.ingest(t, globex)
	initech := exampleSignal("f3")
	initech["contact"] = map[string]any{"email": "bill@initech.example", "name": "Bill Lumbergh"}
	initech["account"] = map[string]any{"name": "Initech", "domain": "initech.example"}
	i := s.ingest(t, initech)
	s.act(t, s.manager, i.ID, "accept", nil)

	for _, tc := range []struct {
		name, query string
		want        []string
	}{
		{"All", "", []string{i.ID, g.ID, acme.ID}},
		{"SearchAccountName", "q=globex", []string{g.ID}},
		{"SearchContactName", "q=lumbergh", []string{i.ID}},
		{"SearchContactEmail", "q=" + url.QueryEscape("ana f1@acme"[4:]), []string{acme.ID}},
		{"Source", "source=hubspot", []string{g.ID}},
		{"State", "state=accepted", []string{i.ID}},
		{"Owner", "owner=" + acme.OwnerID, ownedBy(acme.OwnerID, map[string]string{i.ID: i.OwnerID, g.ID: g.OwnerID, acme.ID: acme.OwnerID})},
		{"Type", "type=" + acme.Type, []string{i.ID, g.ID, acme.ID}},
		{"TypeNone", "type=no_such_type", nil},
		{"Tier", "tier=" + acme.Tier + "&q=acme", []string{acme.ID}},
		{"ViewUnaccepted", "view=unaccepted", []string{g.ID, acme.ID}},
		{"ViewUntouched", "view=untouched", []string{i.ID}},
		{"ViewBreached", "view=breached", nil},
		{"BreachedNo", "breached=no&q=initech", []string{i.ID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mgr.get("/board?" + tc.query)
			if r.status != http.StatusOK {
				t.Fatalf("got %s, want 200", r)
			}
			got := rows(r.body)
			slices.Sort(got)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("BadStateIs400", func(t *testing.T) {
		if r := mgr.get("/board?state=nope"); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "There is no state") {
			t.Errorf("got %s, want 400 naming the state", r)
		}
	})
}

// ownedBy returns the ids of the handoffs owner owns.
func ownedBy(owner string, owners map[string]string) []string {
	var out []string
	for id, o := range owners {
		if o == owner {
			out = append(out, id)
		}
	}
	return out
}

func TestBoardPagesEveryRowOnce(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	mgr := s.signIn(t, "mgr@t.example")
	var want []string
	for n := range 57 {
		want = append(want, s.ingest(t, exampleSignal("page-"+strings.Repeat("x", n%3)+string(rune('a'+n%26))+string(rune('a'+n/26)))).ID)
	}
	var got []string
	path, pages := "/board", 0
	for path != "" {
		if pages++; pages > 10 {
			t.Fatal("more than 10 pages")
		}
		r := mgr.get(path)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s: got %s", path, r)
		}
		got = append(got, rows(r.body)...)
		path = ""
		if m := nextLink.FindSubmatch(r.body); m != nil {
			path = html.UnescapeString(string(m[1]))
		}
	}
	if pages != 2 {
		t.Errorf("got %d pages, want 2 (50 + 7)", pages)
	}
	slices.Sort(want)
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows over all pages (-want +got):\n%s", diff)
	}
}
