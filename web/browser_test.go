package web_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/browsertest"
)

// TestPagesInABrowser loads the sign-in page and the prospect's intake form
// in headless Chromium at a phone's and a desktop's width: neither may
// scroll sideways, both pass the accessibility smoke check, and the forms
// work as a person would use them.
func TestPagesInABrowser(t *testing.T) {
	t.Parallel()
	b := browser.Browser(t)
	s := intakeStack(t, 1000)
	h := s.ingest(t, meetingSignal("b1", t0.Add(72*time.Hour)))
	link, _ := s.intakeLink(t, h.ID)
	const pw = "correct-horse-battery"
	if err := s.svc.SetPassword(context.Background(), "sdr1@t.example", pw); err != nil {
		t.Fatal(err)
	}

	for _, v := range []browsertest.Viewport{browsertest.Phone, browsertest.Desktop} {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			t.Run("SignInFitsAndSignsIn", func(t *testing.T) {
				p := b.NewPage(t, v)
				if got := p.Navigate(s.srv.URL + "/login"); got != http.StatusOK {
					t.Fatalf("got status %d, want 200", got)
				}
				p.WaitVisible("#email")
				p.Keep("login")
				p.NoHorizontalScroll(t)
				p.Accessible(t)

				p.SendKeys("#email", "sdr1@t.example")
				p.SendKeys("#password", "not-the-password")
				if got := p.Submit("#password"); got != http.StatusUnauthorized {
					t.Errorf("got status %d for a wrong password, want 401", got)
				}
				if got := p.Text("[role=alert]"); got != "Email or password is incorrect." {
					t.Errorf("got alert %q, want Email or password is incorrect.", got)
				}
				p.NoHorizontalScroll(t)
				p.Accessible(t)

				p.SendKeys("#password", pw)
				if got := p.Submit("#password"); got != http.StatusOK {
					t.Errorf("got status %d after signing in, want 200", got)
				}
				if got, want := p.Location(), s.srv.URL+"/"; got != want {
					t.Errorf("got location %q after signing in, want %q", got, want)
				}
			})
			t.Run("IntakeFormFitsAndShowsErrors", func(t *testing.T) {
				p := b.NewPage(t, v)
				if got := p.Navigate(link); got != http.StatusOK {
					t.Fatalf("got status %d, want 200", got)
				}
				p.WaitVisible("#q-problem")
				p.Keep("intake")
				p.NoHorizontalScroll(t)
				p.Accessible(t)

				p.SendKeys("#q-budget_range", "lots")
				if got := p.Submit("#q-budget_range"); got != http.StatusUnprocessableEntity {
					t.Errorf("got status %d for an invalid budget, want 422", got)
				}
				if got := p.Text(".summary"); !strings.Contains(got, "One answer needs a look") {
					t.Errorf("got summary %q, want One answer needs a look", got)
				}
				if got, _ := p.Attr("#q-budget_range", "aria-invalid"); got != "true" {
					t.Errorf("got aria-invalid %q on the budget, want true", got)
				}
				p.Keep("intake-errors")
				p.NoHorizontalScroll(t)
				p.Accessible(t)
			})
		})
	}
}

// workday seeds a rep's inbox as a morning looks: handoffs to accept, one
// accepted and waiting for its first touch, one touched and waiting for an
// outcome, one paused, and one of a colleague's that the rep must not see.
// It returns the ids by what they wait on.
func workday(t *testing.T, s *stack) map[string]string {
	t.Helper()
	sig := func(id, account, domain, contact, title string) signal {
		g := exampleSignal(id)
		g["account"] = map[string]any{"name": account, "domain": domain, "employees": 320, "industry": "logistics"}
		g["contact"] = map[string]any{"email": strings.ToLower(contact[:3]) + "@" + domain, "name": contact, "title": title, "timezone": "America/Chicago"}
		return g
	}
	ids := map[string]string{}
	mine := func(key string, g signal) string {
		h := s.ingest(t, g)
		s.giveTo(t, h.ID, "sdr1@t.example")
		ids[key] = h.ID
		return h.ID
	}
	id := mine("outcome", sig("w-out", "Northwind Freight", "northwind.example", "Priya Natarajan", "Head of Operations"))
	s.act(t, s.rep, id, "accept", nil)
	s.act(t, s.rep, id, "touch", map[string]string{"note": "Discovery call held"})
	id = mine("paused", sig("w-pause", "Umbrella Health", "umbrella.example", "Tom Becker", "IT Director"))
	s.act(t, s.rep, id, "pause", map[string]string{"reason": "asked us to call after their board meeting"})
	id = mine("touch", sig("w-touch", "Initech Systems", "initech.example", "Bill Lumbergh", "VP Engineering"))
	s.act(t, s.rep, id, "accept", nil)
	s.advance(t, time.Minute)
	mine("accept", sig("w-acc1", "Acme Robotics", "acme-robotics.com", "Ana Ruiz", "VP Operations"))
	s.advance(t, 2*time.Minute)
	mine("accept2", sig("w-acc2", "Stark Logistics International Holdings", "stark.example", "Pepper Potts", "Chief Executive Officer"))
	other := s.ingest(t, sig("w-other", "Globex Corporation", "globex.example", "Hank Scorpio", "CEO"))
	s.giveTo(t, other.ID, "sdr2@t.example")
	return ids
}

// TestInboxInABrowser: a rep signs in with a password, sees only their
// handoffs, accepts one from the inbox and records an outcome with
// objections on a handoff's page, at a phone's and a desktop's width,
// with no sideways scroll and the accessibility smoke check passing.
func TestInboxInABrowser(t *testing.T) {
	t.Parallel()
	b := browser.Browser(t)
	for _, v := range []browsertest.Viewport{browsertest.Phone, browsertest.Desktop} {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			s := newStack(t)
			ids := workday(t, s)
			const pw = "correct-horse-battery"
			if err := s.svc.SetPassword(context.Background(), "sdr1@t.example", pw); err != nil {
				t.Fatal(err)
			}
			p := b.NewPage(t, v)
			p.Navigate(s.srv.URL + "/")
			p.WaitVisible("#email")
			p.SendKeys("#email", "sdr1@t.example")
			p.SendKeys("#password", pw)
			if got := p.Submit("#password"); got != http.StatusOK {
				t.Fatalf("got status %d after signing in, want 200", got)
			}
			p.WaitVisible(".cards")
			got := browsertest.Eval[[]string](p, `[...document.querySelectorAll('.card')].map(c => c.id.slice(2))`)
			want := []string{ids["outcome"], ids["paused"], ids["touch"], ids["accept"], ids["accept2"]}
			if len(got) != len(want) || slices.ContainsFunc(want, func(id string) bool { return !slices.Contains(got, id) }) {
				t.Errorf("got cards %v, want the rep's own %v", got, want)
			}
			if body := p.Text("main"); strings.Contains(body, "Globex") {
				t.Errorf("the inbox shows a colleague's handoff")
			}
			p.Keep("inbox")
			p.NoHorizontalScroll(t)
			p.Accessible(t)

			if got := p.ClickNavigate("#h-" + ids["accept"] + " form.accept button"); got != http.StatusOK {
				t.Fatalf("got status %d after accepting, want 200", got)
			}
			if got := p.Text(".flash"); !strings.HasPrefix(got, "Accepted.") {
				t.Errorf("got flash %q, want Accepted.", got)
			}
			if got := s.handoff(t, ids["accept"]).State; got != baton.StateAccepted {
				t.Errorf("got state %s after the click, want accepted", got)
			}
			p.NoHorizontalScroll(t)

			if got := p.Navigate(s.srv.URL + "/handoffs/" + ids["outcome"]); got != http.StatusOK {
				t.Fatalf("got status %d for the handoff page, want 200", got)
			}
			p.WaitVisible("#outcome-choice")
			p.Keep("handoff")
			p.NoHorizontalScroll(t)
			p.Accessible(t)
			p.SetValue("#outcome-choice", baton.OutcomeProposal)
			p.Click(`input[name=objections][value=price_budget]`)
			p.Click(`input[name=objections][value=security_compliance]`)
			if got := p.Submit("#outcome-choice"); got != http.StatusOK {
				t.Fatalf("got status %d after recording the outcome, want 200", got)
			}
			if got := p.Text(".flash"); got != "Outcome recorded." {
				t.Errorf("got flash %q, want Outcome recorded.", got)
			}
			h := s.handoff(t, ids["outcome"])
			i := slices.IndexFunc(h.Events, func(e *baton.Event) bool { return e.Kind == baton.EventOutcome })
			if h.Outcome != baton.OutcomeProposal || i < 0 {
				t.Fatalf("got outcome %q, want %s", h.Outcome, baton.OutcomeProposal)
			}
			d, err := baton.DecodeEventData[baton.OutcomeData](h.Events[i])
			if err != nil || !slices.Equal(d.Objections, []string{"price_budget", "security_compliance"}) {
				t.Errorf("got objections %v (%v), want price_budget and security_compliance", d.Objections, err)
			}

			p.Navigate(s.srv.URL + "/handoffs/" + ids["touch"])
			p.WaitVisible("#touch-note")
			p.Keep("handoff-touch")
			p.NoHorizontalScroll(t)
			p.Accessible(t)
		})
	}
}
