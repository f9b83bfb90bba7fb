package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// intakeStack is newStack whose server allows perMinute intake requests
// per client and whose public URL is the test server's. The limit is set
// before a server goroutine can read it.
func intakeStack(t *testing.T, perMinute int) *stack {
	t.Helper()
	s := newStack(t)
	s.web.Intake.PerMinute = perMinute
	srv := httptest.NewServer(checkContract(t, s.web))
	t.Cleanup(srv.Close)
	s.srv, s.rt = srv, srv.Client().Transport
	s.svc.SetPublicURL(srv.URL)
	return s
}

// intakeLink finds the intake link queued for a handoff's prospect and the
// address it goes to.
func (s *stack) intakeLink(t *testing.T, handoffID string) (link, email string) {
	t.Helper()
	msgs := call[struct{ Messages []*baton.Message }](t, s, "GET", "/api/v1/outbox?status=pending", s.manager, nil, http.StatusOK).Messages
	for _, m := range msgs {
		if m.Kind != service.MsgIntakeCreated || m.HandoffID != handoffID {
			continue
		}
		var p struct {
			Recipient struct{ Email string } `json:"recipient"`
			Intake    struct{ URL string }   `json:"intake"`
		}
		if err := json.Unmarshal(m.Payload, &p); err != nil {
			t.Fatal(err)
		}
		return p.Intake.URL, p.Recipient.Email
	}
	t.Fatalf("no %s message for handoff %s in the outbox", service.MsgIntakeCreated, handoffID)
	return "", ""
}

// postForm posts a form-encoded body as a browser would.
func (s *stack) postForm(t testing.TB, path string, form url.Values) reply {
	t.Helper()
	return s.do(t, "POST", path, "", form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
}

// wantIntakeHeaders checks the headers every intake response carries.
func wantIntakeHeaders(t *testing.T, r reply) {
	t.Helper()
	for name, want := range map[string]string{
		"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow",
		"Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'", "Content-Type": "text/html; charset=utf-8",
	} {
		if got := r.header.Get(name); got != want {
			t.Errorf("got %s %q, want %q", name, got, want)
		}
	}
}

// between reports whether, in body, a occurs before b and b before c.
func between(body []byte, a, b, c string) bool {
	i, j, k := bytes.Index(body, []byte(a)), bytes.Index(body, []byte(b)), bytes.Index(body, []byte(c))
	return i >= 0 && j > i && k > j
}

func TestIntakeForm(t *testing.T) {
	t.Parallel()
	s := intakeStack(t, 1000)
	h := s.ingest(t, meetingSignal("i1", t0.Add(72*time.Hour))) // Thursday 09:00 in New York
	link, email := s.intakeLink(t, h.ID)
	path, ok := strings.CutPrefix(link, s.srv.URL)
	if !ok || !strings.HasPrefix(path, "/intake/") || len(path) != len("/intake/")+43 {
		t.Fatalf("got link %q, want %s/intake/ and a 43-character token", link, s.srv.URL)
	}
	if email != "anai1@acme-robotics.com" {
		t.Errorf("got recipient %q, want the contact anai1@acme-robotics.com", email)
	}
	before := s.handoff(t, h.ID).Completeness

	t.Run("ShowsQuestionsAndNothingAboutTheCompany", func(t *testing.T) {
		r := s.do(t, "GET", path, "", "")
		if r.status != http.StatusOK {
			t.Fatalf("got %s, want 200", r)
		}
		wantIntakeHeaders(t, r)
		for _, want := range []string{
			"<h1>Help us prepare for your call</h1>", "Every question is optional.",
			`<time datetime="2026-11-26T09:00:00-05:00">Thursday 26 November 2026 at 09:00 EST</time>`, "America/New_York",
			`<label for="q-problem">What would you like to solve?</label>`, `<textarea id="q-problem" name="problem"`,
			`<input id="q-target_decision_date" name="target_decision_date" type="date" value="" aria-describedby="q-target_decision_date-help">`,
			`<p class="help" id="q-budget_range-help">`, `name="viewport"`, `<form method="post">`,
		} {
			if !bytes.Contains(r.body, []byte(want)) {
				t.Errorf("form does not contain %q", want)
			}
		}
		if n := bytes.Count(r.body, []byte("<label for=")); n != 7 {
			t.Errorf("got %d questions, want 7", n)
		}
		leaks := []string{"Acme Robotics", "acme-robotics", "Ana Ruiz", "VP Operations", "Discovery", h.ID, "<script"}
		for _, u := range s.users {
			leaks = append(leaks, u.Name, u.Email)
		}
		for _, leak := range leaks {
			if bytes.Contains(r.body, []byte(leak)) {
				t.Errorf("form shows %q", leak)
			}
		}
	})
	t.Run("WrongAndMalformedTokensAre404WithOneBody", func(t *testing.T) {
		wrong := "/intake/" + strings.Repeat("A", 43)
		malformed := "/intake/not-a-token"
		first := s.do(t, "GET", wrong, "", "")
		if first.status != http.StatusNotFound || !bytes.Contains(first.body, []byte("This link is not valid")) {
			t.Fatalf("got %s, want the 404 page", first)
		}
		wantIntakeHeaders(t, first)
		for _, r := range []reply{
			s.do(t, "GET", malformed, "", ""),
			s.do(t, "GET", path[:len(path)-1]+"B", "", ""),
			s.postForm(t, wrong, url.Values{"problem": {"x"}}),
			s.postForm(t, malformed, url.Values{"problem": {"x"}}),
		} {
			if r.status != http.StatusNotFound || !bytes.Equal(r.body, first.body) {
				t.Errorf("got %s, want 404 with the same body as any unknown token", r)
			}
		}
		if bytes.Contains(first.body, []byte("AAAA")) || bytes.Contains(first.body, []byte("Help us prepare")) {
			t.Errorf("the 404 page echoes the token or shows the form")
		}
	})
	t.Run("InvalidAnswersAre422WithErrorsByTheirFields", func(t *testing.T) {
		r := s.postForm(t, path, url.Values{"problem": {"Leads <wait> days"}, "target_decision_date": {"2027-13-45"}, "budget_range": {"lots"}})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("got %s, want 422", r)
		}
		wantIntakeHeaders(t, r)
		for _, want := range []string{
			`<div class="summary" role="alert">`, "2 answers need a look", `<a href="#q-target_decision_date">`, `<a href="#q-budget_range">`,
			`<p class="error" id="q-target_decision_date-error">Must be a date like 2026-12-31.</p>`,
			`<p class="error" id="q-budget_range-error">Must be a range such as &#34;$20k-$50k&#34;, or N/A.</p>`,
			`value="2027-13-45" aria-describedby="q-target_decision_date-help q-target_decision_date-error" aria-invalid="true">`,
			`value="lots" aria-describedby="q-budget_range-help q-budget_range-error" aria-invalid="true">`,
			`>Leads &lt;wait&gt; days</textarea>`,
		} {
			if !bytes.Contains(r.body, []byte(want)) {
				t.Errorf("422 page does not contain %q", want)
			}
		}
		for _, f := range []string{"target_decision_date", "budget_range"} {
			if !between(r.body, `<label for="q-`+f+`">`, `id="q-`+f+`-error"`, `<input id="q-`+f+`"`) {
				t.Errorf("the error of %s is not between its label and its input", f)
			}
		}
		if v := s.handoff(t, h.ID); v.Context["problem"] == "Leads <wait> days" {
			t.Errorf("an invalid submission wrote the context")
		}
	})
	t.Run("ValidAnswersGoIntoTheHandoff", func(t *testing.T) {
		r := s.postForm(t, path, url.Values{
			"problem": {"Leads wait days"}, "target_decision_date": {"2027-01-31"}, "budget_range": {"$20k-$50k"},
			"pain_points": {"slow routing\nno follow-up"}, "stakeholders": {""},
		})
		if r.status != http.StatusOK || !bytes.Contains(r.body, []byte("<h1>Thank you</h1>")) {
			t.Fatalf("got %s, want the thank-you page", r)
		}
		wantIntakeHeaders(t, r)
		v := s.handoff(t, h.ID)
		if v.Context["problem"] != "Leads wait days" || v.Context["target_decision_date"] != "2027-01-31" {
			t.Errorf("got context %v, want the answers", v.Context)
		}
		if b, ok := v.Context["budget_range"].(map[string]any); !ok || b["min"] != 20000.0 || b["max"] != 50000.0 {
			t.Errorf("got budget %v, want 20000-50000", v.Context["budget_range"])
		}
		if pp, ok := v.Context["pain_points"].([]any); !ok || len(pp) != 2 {
			t.Errorf("got pain points %v, want two", v.Context["pain_points"])
		}
		if _, ok := v.Context["stakeholders"]; ok {
			t.Errorf("a blank answer was written: %v", v.Context["stakeholders"])
		}
		if v.Completeness <= before {
			t.Errorf("got completeness %d, want more than %d", v.Completeness, before)
		}
		var answered *baton.Event
		for _, ev := range v.Events {
			if ev.Kind == baton.EventIntakeAnswered {
				answered = ev
			}
		}
		if answered == nil || answered.Actor != "prospect" {
			t.Errorf("got event %+v, want intake_answered by the prospect", answered)
		}
	})
	t.Run("FormShowsEarlierAnswers", func(t *testing.T) {
		r := s.do(t, "GET", path, "", "")
		for _, want := range []string{`>Leads wait days</textarea>`, `value="2027-01-31"`, `value="$20k-$50k"`, "we have your answers"} {
			if r.status != http.StatusOK || !bytes.Contains(r.body, []byte(want)) {
				t.Errorf("got %d, want the form showing %q", r.status, want)
			}
		}
	})
	t.Run("TwentyFirstPostIs429", func(t *testing.T) {
		const done = 2 // the invalid and the valid submission above
		for i := done + 1; i <= service.IntakeMaxPosts; i++ {
			if r := s.postForm(t, path, url.Values{"problem": {"Leads wait days"}}); r.status != http.StatusOK {
				t.Fatalf("post %d: got %s, want 200", i, r)
			}
		}
		r := s.postForm(t, path, url.Values{"problem": {"Leads wait days"}})
		if r.status != http.StatusTooManyRequests {
			t.Fatalf("post %d: got %s, want 429", service.IntakeMaxPosts+1, r)
		}
		wantIntakeHeaders(t, r)
	})
	t.Run("ExpiredLinkIs410", func(t *testing.T) {
		s.clock.Add(72 * time.Hour) // the meeting starts
		for _, r := range []reply{s.do(t, "GET", path, "", ""), s.postForm(t, path, url.Values{"problem": {"late"}})} {
			if r.status != http.StatusGone || !bytes.Contains(r.body, []byte("This link has expired")) || bytes.Contains(r.body, []byte("Leads wait")) {
				t.Errorf("got %s, want the 410 page only", r)
			}
		}
	})
}

func TestIntakeRejectsOversizedBody(t *testing.T) {
	t.Parallel()
	s := intakeStack(t, 1000)
	h := s.ingest(t, meetingSignal("big", t0.Add(72*time.Hour)))
	link, _ := s.intakeLink(t, h.ID)
	r := s.postForm(t, strings.TrimPrefix(link, s.srv.URL), url.Values{"problem": {strings.Repeat("x", 70<<10)}})
	if r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("got %s, want 413", r)
	}
}

func TestIntakeRateLimitPerClient(t *testing.T) {
	t.Parallel()
	s := intakeStack(t, 3) // one request every 20 s, three at once
	path := "/intake/" + strings.Repeat("A", 43)
	for i := range 3 {
		if r := s.do(t, "GET", path, "", ""); r.status != http.StatusNotFound {
			t.Fatalf("request %d: got %s, want 404", i+1, r)
		}
	}
	r := s.do(t, "GET", path, "", "")
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "20" {
		t.Fatalf("got %s (Retry-After %q), want 429 with Retry-After 20", r, r.header.Get("Retry-After"))
	}
	wantIntakeHeaders(t, r)
	if r := s.postForm(t, path, nil); r.status != http.StatusTooManyRequests {
		t.Errorf("POST: got %s, want 429 (one bucket for both methods)", r)
	}
	s.clock.Add(20 * time.Second)
	if r := s.do(t, "GET", path, "", ""); r.status != http.StatusNotFound {
		t.Errorf("after 20s: got %s, want 404 (one token back)", r)
	}
	if r := s.do(t, "GET", path, "", ""); r.status != http.StatusTooManyRequests {
		t.Errorf("got %s, want 429 again", r)
	}
	// The API is not limited by the intake bucket.
	call[listReply](t, s, "GET", "/api/v1/handoffs?limit=1", s.rep, nil, http.StatusOK)
}
