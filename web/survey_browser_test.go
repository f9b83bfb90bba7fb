package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/browsertest"
)

// TestFeedbackInABrowser loads the prospect's survey and the handoff page's
// rating in headless Chromium at a phone's and a desktop's width: neither
// may scroll sideways, both pass the accessibility smoke check, and each
// answers as a person would use it.
func TestFeedbackInABrowser(t *testing.T) {
	t.Parallel()
	b := browser.Browser(t)
	for _, v := range []browsertest.Viewport{browsertest.Phone, browsertest.Desktop} {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			s := intakeStack(t, 1000)
			h, token := surveyFixture(t, s, "bsv")

			t.Run("SurveyFitsRefusesNoScoreAndAnswersOnce", func(t *testing.T) {
				p := b.NewPage(t, v)
				if got := p.Navigate(s.srv.URL + "/survey/" + token + "?score=2"); got != http.StatusOK {
					t.Fatalf("got status %d, want 200", got)
				}
				p.WaitVisible("#score-5")
				p.Keep("survey")
				p.NoHorizontalScroll(t)
				p.Accessible(t)
				if checked := browsertest.Eval[bool](p, `document.getElementById('score-2').checked`); !checked {
					t.Errorf("score 2 from the email's link is not chosen")
				}

				// Unchoose the score (a person arriving from the plain link) and send.
				browsertest.Eval[bool](p, `(document.getElementById('score-2').checked = false, true)`)
				p.SendKeys("#comment", "Clear and to the point.")
				if got := p.Submit("#comment"); got != http.StatusUnprocessableEntity {
					t.Errorf("got status %d without a score, want 422", got)
				}
				if got := p.Text(".summary"); !strings.Contains(got, "One answer needs a look") {
					t.Errorf("got summary %q, want One answer needs a look", got)
				}
				if got, _ := p.Attr("#score-1", "aria-invalid"); got != "true" {
					t.Errorf("got aria-invalid %q on the scores, want true", got)
				}
				p.Keep("survey-errors")
				p.NoHorizontalScroll(t)
				p.Accessible(t)

				p.Click("#score-4")
				if got := p.Submit("#comment"); got != http.StatusOK {
					t.Fatalf("got status %d after answering, want 200", got)
				}
				if got := p.Text("main"); !strings.Contains(got, "4 of 5") || !strings.Contains(got, "Clear and to the point.") {
					t.Errorf("got %q, want the answer thanked", got)
				}
				p.Keep("survey-done")
				p.NoHorizontalScroll(t)
				p.Accessible(t)
				evs := s.handoff(t, h.ID).Events
				if last := evs[len(evs)-1]; last.Kind != baton.EventSurveyAnswered {
					t.Errorf("got last event %s, want survey_answered", last.Kind)
				}
			})
			t.Run("HandoffPageRatesOnAccept", func(t *testing.T) {
				g := s.sentBySdr2(t, "brate")
				p := b.NewPage(t, v)
				signInPage(t, p, s, "sdr1@t.example")
				if got := p.Navigate(s.srv.URL + "/handoffs/" + g.ID); got != http.StatusOK {
					t.Fatalf("got status %d for the handoff page, want 200", got)
				}
				p.WaitVisible("form.accept details.rate summary")
				p.Click("form.accept details.rate summary")
				p.WaitVisible(`form.accept input[name=rating][value="2"]`)
				p.Click(`form.accept input[name=rating][value="2"]`)
				p.Click("form.accept details.field summary")
				p.Click(`form.accept input[name=missing][value=timeline]`)
				p.SendKeys("#accept-rating-comment", "No timeline at all.")
				p.Keep("handoff-rating")
				p.NoHorizontalScroll(t)
				p.Accessible(t)
				if got := p.Submit("#accept-rating-comment"); got != http.StatusOK {
					t.Fatalf("got status %d after accepting, want 200", got)
				}
				if got := p.Text("#feedback"); !strings.Contains(got, "2/5") || !strings.Contains(got, "Timeline or urgency") || !strings.Contains(got, "No timeline at all.") {
					t.Errorf("got feedback section %q, want the 2/5 rating with its field and comment", got)
				}
				p.Keep("handoff-feedback")
				p.NoHorizontalScroll(t)
				p.Accessible(t)
				got := ratedEvents(s.handoff(t, g.ID))
				if len(got) != 1 || got[0].Rating != 2 || strings.Join(got[0].Missing, ",") != "timeline" {
					t.Errorf("got ratings %+v, want the 2/5 missing the timeline", got)
				}
			})
		})
	}
}

// signInPage signs email in on the browser page with a password.
func signInPage(t *testing.T, p *browsertest.Page, s *stack, email string) {
	t.Helper()
	const pw = "correct-horse-battery"
	if err := s.svc.SetPassword(t.Context(), email, pw); err != nil {
		t.Fatal(err)
	}
	p.Navigate(s.srv.URL + "/login")
	p.WaitVisible("#email")
	p.SendKeys("#email", email)
	p.SendKeys("#password", pw)
	if got := p.Submit("#password"); got != http.StatusOK {
		t.Fatalf("got status %d after signing in, want 200", got)
	}
}
