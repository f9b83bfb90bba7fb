package web_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
)

// person is a browser without JavaScript: a cookie jar, redirects followed,
// forms posted as a browser posts them.
type person struct {
	t testing.TB
	s *stack
	c *http.Client
}

// signIn sets email's password and signs in by posting the login form.
func (s *stack) signIn(t testing.TB, email string) *person {
	t.Helper()
	const pw = "correct-horse-battery"
	if err := s.svc.SetPassword(context.Background(), email, pw); err != nil {
		t.Fatal(err)
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	p := &person{t: t, s: s, c: &http.Client{Jar: jar, Transport: s.rt}}
	r := p.post("/login", url.Values{"email": {email}, "password": {pw}})
	if r.status != http.StatusOK {
		t.Fatalf("sign in as %s: got %s, want 200 at the inbox", email, r)
	}
	return p
}

func (p *person) read(resp *http.Response, err error) reply {
	p.t.Helper()
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		p.t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

func (p *person) get(path string) reply {
	p.t.Helper()
	return p.read(p.c.Get(p.s.srv.URL + path))
}

// post submits a form and follows the redirect, as a browser does.
func (p *person) post(path string, form url.Values) reply {
	p.t.Helper()
	return p.read(p.c.PostForm(p.s.srv.URL+path, form))
}

// giveTo reassigns a handoff to a user, as their manager.
func (s *stack) giveTo(t *testing.T, id, email string) {
	t.Helper()
	s.act(t, s.manager, id, "reassign", map[string]string{"to": email, "reason": "test setup"})
}

var acceptForm = regexp.MustCompile(`<form method="post" action="(/handoffs/([^/"]+)/accept)" class="accept"><input type="hidden" name="back" value="([^"]*)">`)

// cardIDs returns the handoff ids of the inbox's cards, in page order.
var cardRE = regexp.MustCompile(`<li class="card[^"]*" id="h-([^"]+)">`)

func cardIDs(body []byte) []string {
	var out []string
	for _, m := range cardRE.FindAllSubmatch(body, -1) {
		out = append(out, string(m[1]))
	}
	return out
}

func wantIn(t *testing.T, r reply, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(string(r.body), w) {
			t.Errorf("page (%d) lacks %q", r.status, w)
		}
	}
}

// TestInboxAcceptWithoutJavaScript is the acceptance test: a rep signs in
// with the login form, finds the accept form on the inbox, posts it, and
// the handoff is accepted.
func TestInboxAcceptWithoutJavaScript(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	mine := s.ingest(t, exampleSignal("in-1"))
	s.giveTo(t, mine.ID, "sdr1@t.example")
	theirs := s.ingest(t, exampleSignal("in-2"))
	s.giveTo(t, theirs.ID, "sdr2@t.example")

	rep := s.signIn(t, "sdr1@t.example")
	inbox := rep.get("/")
	if inbox.status != http.StatusOK {
		t.Fatalf("got %s, want 200", inbox)
	}
	if got, want := cardIDs(inbox.body), []string{mine.ID}; !cmp.Equal(got, want) {
		t.Fatalf("inbox cards: got %v, want only the rep's own %v", got, want)
	}
	wantIn(t, inbox, "Sam One", `action="/logout"`, "Sign out", "America/New_York", "5 min left", `href="#main"`)
	if strings.Contains(string(inbox.body), `href="/board"`) {
		t.Errorf("a rep's navigation links to the board")
	}
	m := acceptForm.FindSubmatch(inbox.body)
	if m == nil {
		t.Fatalf("no accept form on the inbox: %s", inbox)
	}
	r := rep.post(html.UnescapeString(string(m[1])), url.Values{"back": {html.UnescapeString(string(m[3]))}})
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("after accepting: got %s, want the inbox again", r)
	}
	wantIn(t, r, "Accepted. The first-touch clock is running.", `class="touch"`)
	if got := s.handoff(t, mine.ID).State; got != baton.StateAccepted {
		t.Errorf("got state %s, want accepted", got)
	}
	if again := rep.get("/"); strings.Contains(string(again.body), "Accepted. The first") {
		t.Errorf("the flash message shows twice")
	}
}

func TestInboxForManagersAndSections(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	h := s.ingest(t, exampleSignal("ms-1"))
	s.giveTo(t, h.ID, "mgr@t.example")
	mgr := s.signIn(t, "mgr@t.example")
	r := mgr.get("/")
	if got := cardIDs(r.body); !cmp.Equal(got, []string{h.ID}) {
		t.Errorf("manager's inbox: got %v, want their own %v", got, []string{h.ID})
	}
	wantIn(t, r, `href="/board"`, `href="/dashboard"`, "See the team's board")
	if strings.Contains(string(r.body), `href="/admin/team"`) {
		t.Errorf("a manager's navigation links to the admin pages")
	}
	admin := s.signIn(t, "ops@t.example")
	wantIn(t, admin.get("/"), `href="/admin/team"`, `href="/admin/playbook"`, `href="/admin/outbox"`, `href="/admin/tokens"`)

	t.Run("ReturnedToTheSender", func(t *testing.T) {
		// Sent by sdr1 with too little context: it comes straight back.
		r := s.ingest(t, meetingSignal("ms-2", t0.Add(72*time.Hour)))
		if r.State != baton.StateReturned || r.Sender == nil || r.Sender.Email != "sdr1@t.example" || r.OwnerID == s.users["sdr1"].ID {
			t.Fatalf("got %s sent by %v owned by %s, want returned to sdr1 and owned by someone else", r.State, r.Sender, r.OwnerID)
		}
		rep := s.signIn(t, "sdr1@t.example")
		page := rep.get("/?tab=returned")
		if got := cardIDs(page.body); !slices.Contains(got, r.ID) {
			t.Errorf("returned tab: got %v, want it to hold %s", got, r.ID)
		}
		wantIn(t, page, `aria-current="page">Returned to me (1)`)
	})
}

// TestInboxOrdersByUrgency: the clock nearest its deadline first, paused
// handoffs after running ones, whatever order they were made in.
func TestInboxOrdersByUrgency(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	a := s.ingest(t, exampleSignal("u-a"))
	s.giveTo(t, a.ID, "sdr1@t.example") // accept by t0+5m
	s.advance(t, 2*time.Minute)
	b := s.ingest(t, exampleSignal("u-b"))
	s.giveTo(t, b.ID, "sdr1@t.example") // accept by t0+7m
	c := s.ingest(t, exampleSignal("u-c"))
	s.giveTo(t, c.ID, "sdr1@t.example")
	s.act(t, s.rep, c.ID, "pause", map[string]string{"reason": "customer on holiday"})
	s.advance(t, 2*time.Minute) // a has 1 minute left
	d := s.ingest(t, exampleSignal("u-d"))
	s.giveTo(t, d.ID, "sdr1@t.example") // accept by t0+9m

	rep := s.signIn(t, "sdr1@t.example")
	r := rep.get("/")
	if diff := cmp.Diff([]string{a.ID, b.ID, d.ID, c.ID}, cardIDs(r.body)); diff != "" {
		t.Errorf("inbox order (-want +got):\n%s", diff)
	}
	wantIn(t, r, ">1 min left<", ">3 min left<", ">5 min left<", "paused with 5 min left", "<strong>3</strong> to accept", "<strong>1</strong> paused")
	s.clock.Add(2 * time.Minute) // no timer fires: the page alone says a is late
	wantIn(t, rep.get("/"), ">overdue 1 min<")
}

// TestInboxPagesWithoutASilentCap: more cards than a page holds say how
// many more there are and link to them.
func TestInboxPagesWithoutASilentCap(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	const n = 23
	for i := range n {
		h := s.ingest(t, exampleSignal("pg-"+string(rune('a'+i))))
		s.giveTo(t, h.ID, "sdr1@t.example")
	}
	rep := s.signIn(t, "sdr1@t.example")
	first := rep.get("/")
	if got := len(cardIDs(first.body)); got != 20 {
		t.Fatalf("first page: got %d cards, want 20", got)
	}
	wantIn(t, first, "Showing 1–20 of 23. 3 more.", `href="/?tab=mine&amp;page=2"`, "Mine (23)")
	second := rep.get("/?tab=mine&page=2")
	if got := len(cardIDs(second.body)); got != 3 {
		t.Errorf("second page: got %d cards, want 3", got)
	}
	seen := append(cardIDs(first.body), cardIDs(second.body)...)
	slices.Sort(seen)
	if len(slices.Compact(seen)) != n {
		t.Errorf("got %d distinct handoffs over both pages, want %d", len(seen), n)
	}
}

func TestHandoffActionsByForm(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	rep := s.signIn(t, "sdr1@t.example")
	mine := func(t *testing.T, id string) string {
		h := s.ingest(t, exampleSignal(id))
		s.giveTo(t, h.ID, "sdr1@t.example")
		return h.ID
	}
	t.Run("FirstTouchWithANote", func(t *testing.T) {
		id := mine(t, "f-touch")
		rep.post("/handoffs/"+id+"/accept", nil)
		r := rep.post("/handoffs/"+id+"/touch", url.Values{"note": {"Called Ana, booked a demo"}})
		wantIn(t, r, "First touch logged.")
		h := s.handoff(t, id)
		if h.State != baton.StateActioned {
			t.Fatalf("got state %s, want actioned", h.State)
		}
		if !slices.ContainsFunc(h.Events, func(e *baton.Event) bool { return e.Reason == "Called Ana, booked a demo" }) {
			t.Errorf("the note is not on the timeline")
		}
		if r.status != http.StatusOK || !strings.Contains(string(r.body), "<h1>") {
			t.Errorf("got %s, want the handoff page after the post", r)
		}
	})
	t.Run("RejectWithGaps", func(t *testing.T) {
		id := mine(t, "f-reject")
		page := rep.get("/handoffs/" + id)
		wantIn(t, page, `name="gaps" value="Timeline or urgency"`, `class="reject"`)
		r := rep.post("/handoffs/"+id+"/reject", url.Values{"gaps": {"Timeline or urgency", "Requested next step"},
			"gaps_other": {"the contact is an intern\r\nno use case"}, "reason": {"not qualified yet"}})
		wantIn(t, r, "Returned to the sender with the gaps you named.")
		h := s.handoff(t, id)
		want := []string{"Timeline or urgency", "Requested next step", "the contact is an intern", "no use case"}
		if h.State != baton.StateReturned || !cmp.Equal(h.Gaps, want) {
			t.Errorf("got %s with gaps %q, want returned with %q", h.State, h.Gaps, want)
		}
	})
	t.Run("RejectWithoutGapsShowsTheErrorAtTheField", func(t *testing.T) {
		id := mine(t, "f-reject-none")
		r := rep.post("/handoffs/"+id+"/reject", url.Values{"reason": {"hmm"}})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("got %d, want 422", r.status)
		}
		wantIn(t, r, `<p class="error" id="gaps-err">name at least one missing or wrong piece of context</p>`, ">hmm</textarea>")
	})
	t.Run("OutcomeWithObjections", func(t *testing.T) {
		id := mine(t, "f-outcome")
		rep.post("/handoffs/"+id+"/accept", nil)
		rep.post("/handoffs/"+id+"/touch", nil)
		page := rep.get("/handoffs/" + id)
		wantIn(t, page, `value="price_budget">Price / budget`, `<option value="proposal_requested">Proposal requested</option>`)
		r := rep.post("/handoffs/"+id+"/outcome", url.Values{"outcome": {"proposal_requested"}, "objections": {"price_budget", "timing"}})
		wantIn(t, r, "Outcome recorded.")
		h := s.handoff(t, id)
		// A proposal leaves work for the owner: the handoff stays actioned.
		if h.State != baton.StateActioned || h.Outcome != "proposal_requested" {
			t.Fatalf("got %s/%s, want actioned with proposal_requested", h.State, h.Outcome)
		}
		i := slices.IndexFunc(h.Events, func(e *baton.Event) bool { return e.Kind == baton.EventOutcome })
		d, err := baton.DecodeEventData[baton.OutcomeData](h.Events[i])
		if err != nil || !cmp.Equal(d.Objections, []string{"price_budget", "timing"}) {
			t.Errorf("got objections %v (%v), want price_budget and timing", d.Objections, err)
		}
	})
	t.Run("OutcomeWithoutAChoiceIs422", func(t *testing.T) {
		id := mine(t, "f-outcome-none")
		rep.post("/handoffs/"+id+"/accept", nil)
		rep.post("/handoffs/"+id+"/touch", nil)
		r := rep.post("/handoffs/"+id+"/outcome", url.Values{"objections": {"timing"}})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("got %d, want 422", r.status)
		}
		wantIn(t, r, `<select id="outcome-choice" name="outcome" aria-invalid="true"`, `value="timing" checked`)
	})
	t.Run("ContextErrorAtTheField", func(t *testing.T) {
		sig := meetingSignal("f-context", t0.Add(72*time.Hour))
		sig["fields"] = map[string]any{ // complete enough to pass the gate, but no budget
			"pain_points": "manual routing", "target_decision_date": "2027-01-31", "stakeholders": "CFO",
			"trigger_event": "missed demo requests", "current_solution": "spreadsheets", "competitors": "N/A",
			"meeting_type": "Discovery", "timeline": "this quarter", "product_interest": "routing",
			"requested_next_step": "discovery call", "qualification_notes": "N/A", "budget_basis": "N/A", "success_criteria": "N/A",
		}
		h := s.ingest(t, sig)
		s.giveTo(t, h.ID, "sdr1@t.example")
		id := h.ID
		r := rep.post("/handoffs/"+id+"/context", url.Values{"ctx.budget_range": {"lots"}, "ctx.commitments": {"a pilot"}})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("got %d, want 422", r.status)
		}
		wantIn(t, r, `<p class="error" id="err-budget_range">must be a range like`,
			`id="f-budget_range" name="ctx.budget_range" type="text" value="lots" aria-describedby="help-budget_range err-budget_range" aria-invalid="true"`,
			">a pilot</textarea>")
		if got := s.handoff(t, id).Context["commitments"]; got != nil {
			t.Errorf("got commitments %v saved, want nothing written when a field is wrong", got)
		}
		ok := rep.post("/handoffs/"+id+"/context", url.Values{"ctx.budget_range": {"$50k-$100k"}, "ctx.decision_maker": {"Ana Ruiz, VP Operations"}})
		wantIn(t, ok, "Context saved.", `value="$50k-$100k"`, `value="Ana Ruiz, VP Operations"`)
		h = s.handoff(t, id)
		if _, ok := h.Context["budget_range"].(map[string]any); !ok {
			t.Errorf("got budget %#v, want a money range", h.Context["budget_range"])
		}
		same := rep.post("/handoffs/"+id+"/context", url.Values{"ctx.budget_range": {"$50k-$100k"}})
		wantIn(t, same, "Nothing changed.")
	})
	t.Run("PauseNeedsAReasonThenResume", func(t *testing.T) {
		id := mine(t, "f-pause")
		r := rep.post("/handoffs/"+id+"/pause", url.Values{"reason": {" "}})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("got %d, want 422", r.status)
		}
		wantIn(t, r, `<p class="error" id="pause-reason-err">is required: say what the handoff waits on</p>`, `aria-invalid="true" aria-describedby="pause-reason-err"`)
		wantIn(t, rep.post("/handoffs/"+id+"/pause", url.Values{"reason": {"customer asked for next week"}}), "Paused: the clocks stand still", `class="resume"`)
		if h := s.handoff(t, id); h.PausedAt.IsZero() {
			t.Fatalf("not paused")
		}
		wantIn(t, rep.post("/handoffs/"+id+"/resume", nil), "Resumed")
		if h := s.handoff(t, id); !h.PausedAt.IsZero() {
			t.Errorf("still paused")
		}
	})
	t.Run("ConflictShowsTheMessageAtTheForm", func(t *testing.T) {
		id := mine(t, "f-conflict")
		rep.post("/handoffs/"+id+"/accept", nil)
		r := rep.post("/handoffs/"+id+"/accept", nil)
		if r.status != http.StatusConflict {
			t.Fatalf("got %d, want 409", r.status)
		}
		wantIn(t, r, "cannot accept: handoff is accepted")
	})
}

func TestErrorPagesAreStyled(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	h := s.ingest(t, exampleSignal("e-1"))
	rep := s.signIn(t, "sdr1@t.example")
	for _, tc := range []struct {
		name, method, path string
		status             int
		want               string
	}{
		{"UnknownHandoff", "GET", "/handoffs/no-such-id", http.StatusNotFound, "Not found"},
		{"UnknownPage", "GET", "/no/such/page", http.StatusNotFound, "Not found"},
		{"UnknownAction", "POST", "/handoffs/" + h.ID + "/frobnicate", http.StatusNotFound, "Not found"},
		{"ActionOnUnknownHandoff", "POST", "/handoffs/no-such-id/accept", http.StatusNotFound, "Not found"},
		{"Forbidden", "POST", "/handoffs/" + h.ID + "/reassign", http.StatusForbidden, "reassign needs a manager or admin token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r reply
			if tc.method == "GET" {
				r = rep.get(tc.path)
			} else {
				r = rep.post(tc.path, url.Values{"reason": {"x"}})
			}
			if r.status != tc.status {
				t.Fatalf("got %s, want %d", r, tc.status)
			}
			wantIn(t, r, tc.want, `<link rel="stylesheet" href="/static/baton.css">`, "Back to your inbox", `action="/logout"`)
		})
	}
	t.Run("StyleSheetAndScriptAreServed", func(t *testing.T) {
		for _, path := range []string{"/static/baton.css", "/static/countdown.js"} {
			if r := rep.get(path); r.status != http.StatusOK || len(r.body) == 0 {
				t.Errorf("GET %s: got %d, want 200", path, r.status)
			}
		}
		if r := rep.get("/static/nope.js"); r.status != http.StatusNotFound {
			t.Errorf("got %d, want 404", r.status)
		}
	})
	t.Run("MeetingCalendarFile", func(t *testing.T) {
		m := s.ingest(t, meetingSignal("e-ics", t0.Add(72*time.Hour)))
		page := rep.get("/handoffs/" + m.ID)
		ics := regexp.MustCompile(`href="(/meetings/[^"]+\.ics)"`).FindSubmatch(page.body)
		if ics == nil {
			t.Fatalf("no calendar link on the page")
		}
		r := rep.get(string(ics[1]))
		if r.status != http.StatusOK || !strings.Contains(string(r.body), "BEGIN:VCALENDAR") {
			t.Errorf("got %s, want the calendar file", r)
		}
	})
}
