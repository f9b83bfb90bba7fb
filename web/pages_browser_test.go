package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/browsertest"
)

// longAccount is an account name as long as real ones get, with a word no
// line can break, so pages show what happens when a name does not fit.
const longAccount = "Donaudampfschifffahrtsgesellschaftskapitänsvereinigung International Logistics Holdings GmbH"

// TestEveryPageInABrowser visits every page of the workspace in headless
// Chromium at a phone's and a desktop's width, as the person who may see
// it: each answers with the status it should, does not scroll sideways and
// passes the accessibility smoke check. With BATON_SCREENSHOTS set, it
// keeps a screenshot of each as page-NAME-VIEWPORT.png.
//
// A page that answers 404 where it should answer 200 fails the test: every
// path listed is one people are sent to. (There is no one-click /act/
// confirmation page in web/server.go's route table yet; add a row when
// there is.)
func TestEveryPageInABrowser(t *testing.T) {
	t.Parallel()
	b := browser.Browser(t)
	s := intakeStack(t, 1000)
	ctx := context.Background()
	// A closed-won handoff with a booked meeting: its page shows the
	// meeting, the brief and the follow-up activities under a long name.
	won := exampleSignal("pg-won")
	won["type"] = "contract_signed"
	won["account"] = map[string]any{"name": longAccount, "domain": "dampfschiff.example", "employees": 12000, "industry": "logistics"}
	won["contact"] = map[string]any{"email": "m.oberhuber@dampfschiff.example", "name": "Maximiliane Oberhuber-Schwarzenegger",
		"title": "Senior Vice President, Global Procurement and Vendor Management", "timezone": "Europe/Vienna"}
	won["meeting"] = map[string]any{"starts_at": t0.Add(48 * time.Hour).Format(time.RFC3339), "timezone": "Europe/Vienna", "agenda": "Kick-off with the procurement and operations teams"}
	big := s.ingest(t, won)
	// A booked meeting whose prospect gets an intake form.
	meet := s.ingest(t, meetingSignal("pg-meet", t0.Add(72*time.Hour)))
	intake, _ := s.intakeLink(t, meet.ID)
	// A few more, some left to breach, so the board, its breached view and
	// the dashboard have rows and charts to draw.
	for i, name := range []string{"Acme Robotics", "Globex", "Initech", "Umbrella Health"} {
		sig := exampleSignal(fmt.Sprint("pg-", i))
		domain := strings.ToLower(strings.Fields(name)[0]) + ".example"
		sig["account"] = map[string]any{"name": name, "domain": domain}
		sig["contact"].(map[string]any)["email"] = "ana@" + domain
		h := s.ingest(t, sig)
		if i%2 == 0 {
			s.act(t, s.manager, h.ID, "accept", nil)
		}
		s.advance(t, time.Duration(3+i)*time.Hour)
	}
	if got := s.handoff(t, big.ID); len(got.Activities) == 0 || got.MeetingID == "" {
		t.Fatalf("the seeded handoff has %d activities and meeting %q, want both", len(got.Activities), got.MeetingID)
	}

	// Two signals imports from the Team page: one done, one a dry run
	// that found errors in the file.
	admin := s.signInAdmin(t, "ops")
	imported := startSignalImport(t, s, admin, leadsCSV(3), nil)
	rowErrors := startSignalImport(t, s, admin, "type,email\ndemo_request,a@y.example\ndemo_request,nope\nteleport,b@y.example\n",
		url.Values{"dry_run": {"on"}})

	// One session for each person, started as single sign-on does (the
	// sign-in form has browser tests of its own) once the clock has moved,
	// so they are fresh; each tab carries its person's.
	session := map[string]string{}
	for name, email := range map[string]string{"admin": "ops@t.example", "rep": "sdr1@t.example"} {
		secret, _, err := s.svc.SignInVerified(ctx, email, baton.SignInOIDC)
		if err != nil {
			t.Fatal(err)
		}
		session[name] = secret
	}

	pages := []struct {
		name, path, who string
		status          int      // what the page answers
		show            []string // CSS selectors of what the page must show
	}{
		{name: "Login", path: "/login", who: "", status: http.StatusOK, show: []string{"#email"}},
		{name: "Inbox", path: "/", who: "admin", status: http.StatusOK, show: []string{"main h1"}},
		{name: "Handoff", path: "/handoffs/" + big.ID, who: "admin", status: http.StatusOK, show: []string{"#brief-h", "#activities", "#why-h"}},
		{name: "Board", path: "/board", who: "admin", status: http.StatusOK, show: []string{"table.bd-list"}},
		{name: "BoardBreached", path: "/board?view=breached", who: "admin", status: http.StatusOK, show: []string{"main h1"}},
		{name: "Dashboard", path: "/dashboard", who: "admin", status: http.StatusOK, show: []string{"svg.chart"}},
		{name: "AdminTeam", path: "/admin/team", who: "admin", status: http.StatusOK, show: []string{"main h1"}},
		{name: "AdminImport", path: imported, who: "admin", status: http.StatusOK, show: []string{"#import-progress", "dl.counts"}},
		{name: "AdminImportRowErrors", path: rowErrors, who: "admin", status: http.StatusOK, show: []string{"p.alert", "ul.row-errors"}},
		{name: "AdminTokens", path: "/admin/tokens", who: "admin", status: http.StatusOK, show: []string{"main h1"}},
		{name: "AdminPlaybook", path: "/admin/playbook", who: "admin", status: http.StatusOK, show: []string{"main h1"}},
		{name: "AdminOutbox", path: "/admin/outbox", who: "admin", status: http.StatusOK, show: []string{"main h1"}},
		{name: "AdminCRM", path: "/admin/crm", who: "admin", status: http.StatusOK, show: []string{"main h1"}},
		{name: "Quality", path: "/quality", who: "admin", status: http.StatusOK, show: []string{"main h1"}},
		{name: "AccountTokens", path: "/account/tokens", who: "admin", status: http.StatusOK, show: []string{"main h1"}},
		{name: "NotFound", path: "/no-such-page", who: "admin", status: http.StatusNotFound, show: []string{"main h1"}},
		{name: "Forbidden", path: "/board", who: "rep", status: http.StatusForbidden, show: []string{"main h1"}},
		{name: "Intake", path: intake, who: "", status: http.StatusOK, show: []string{"#q-problem"}},
	}
	for _, v := range []browsertest.Viewport{browsertest.Phone, browsertest.Desktop} {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			for _, pg := range pages {
				t.Run(pg.name, func(t *testing.T) {
					t.Parallel()
					p := b.NewPage(t, v)
					target := pg.path
					if !strings.HasPrefix(target, "http") {
						target = s.srv.URL + target
					}
					var got int
					if pg.who == "" {
						got = p.Navigate(target)
					} else {
						// Carry the session: set its cookie on the site,
						// then go to the page.
						p.SetCookie(s.srv.URL, "baton_session", session[pg.who])
						got = p.Navigate(target)
						if loc := p.Location(); loc != target {
							t.Fatalf("as %s, got location %q, want %q: the session was not carried", pg.who, loc, target)
						}
					}
					if got == http.StatusNotFound && pg.status != http.StatusNotFound {
						t.Fatalf("GET %s answered 404 Not Found: the page does not exist (is its route in web/server.go?), want %d", pg.path, pg.status)
					}
					if got != pg.status {
						t.Fatalf("GET %s as %q: got status %d, want %d", pg.path, pg.who, got, pg.status)
					}
					for _, sel := range pg.show {
						p.WaitVisible(sel)
					}
					p.Keep("page-" + pg.name)
					p.NoHorizontalScroll(t)
					noSqueezedText(t, p)
					p.Accessible(t)
				})
			}
		})
	}
}

// squeezedJS lists the headings, paragraphs, labels and buttons with a few
// words that are laid out narrower than 3em, a letter or two a line: what
// a grid or flex rule meant for another element does to them.
const squeezedJS = `(() => {
  const out = [];
  for (const el of document.body.querySelectorAll('h1, h2, h3, p, label, button, dt')) {
    const text = el.textContent.trim();
    const r = el.getBoundingClientRect();
    if (text.length < 4 || el.getClientRects().length === 0) continue;
    const em = parseFloat(getComputedStyle(el).fontSize);
    if (r.width < 3 * em) {
      let name = el.tagName.toLowerCase();
      if (el.id) name += '#' + el.id;
      out.push(name + ' "' + text.slice(0, 30) + '" is ' + Math.round(r.width) + 'px wide');
    }
  }
  return out.slice(0, 8);
})()`

// noSqueezedText fails t when the page squeezes text into a column a
// letter or two wide.
func noSqueezedText(t *testing.T, p *browsertest.Page) {
	t.Helper()
	for _, problem := range browsertest.Eval[[]string](p, squeezedJS) {
		t.Errorf("%s (%s): %s", p.Location(), p.Viewport.Name, problem)
	}
}
