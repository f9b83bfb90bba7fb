package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/browsertest"
)

// TestPagesInABrowser loads the sign-in page and the prospect's intake form
// in headless Chromium at a phone's and a desktop's width: neither may
// scroll sideways, both pass the accessibility smoke check, and the forms
// work as a person would use them.
func TestPagesInABrowser(t *testing.T) {
	t.Parallel()
	b := browsertest.New(t)
	s := intakeStack(t, 1000)
	h := s.ingest(t, meetingSignal("b1", t0.Add(72*time.Hour)))
	link, _ := s.intakeLink(t, h.ID)

	for _, v := range []browsertest.Viewport{browsertest.Phone, browsertest.Desktop} {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			t.Run("SignInFitsAndSignsIn", func(t *testing.T) {
				p := b.NewPage(t, v)
				if got := p.Navigate(s.srv.URL + "/login"); got != http.StatusOK {
					t.Fatalf("got status %d, want 200", got)
				}
				p.WaitVisible("#token")
				p.Keep("login")
				p.NoHorizontalScroll(t)
				p.Accessible(t)

				p.SendKeys("#token", "not-a-token")
				if got := p.Submit("#token"); got != http.StatusUnauthorized {
					t.Errorf("got status %d for a wrong token, want 401", got)
				}
				if got := p.Text("[role=alert]"); got != "That token is not valid." {
					t.Errorf("got alert %q, want That token is not valid.", got)
				}
				p.NoHorizontalScroll(t)
				p.Accessible(t)

				p.SendKeys("#token", s.rep)
				if got := p.Submit("#token"); got != http.StatusOK {
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
