package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// sentBySdr2 ingests a demo request sdr2 sent and gives it to sdr1 (the rep
// token's user), so sdr1 receives it and sdr2 is its sender.
func (s *stack) sentBySdr2(t *testing.T, id string) *service.HandoffView {
	t.Helper()
	sig := exampleSignal(id)
	sig["sender"] = "sdr2@t.example"
	sig["account"] = map[string]any{"name": "Acme " + id, "domain": "acme-" + id + ".example"}
	h := s.ingest(t, sig)
	s.giveTo(t, h.ID, "sdr1@t.example")
	return h
}

func ratedEvents(v *service.HandoffView) []baton.RatedData {
	var out []baton.RatedData
	for _, e := range v.Events {
		if e.Kind == baton.EventRated {
			d, _ := baton.DecodeEventData[baton.RatedData](e)
			out = append(out, d)
		}
	}
	return out
}

func TestRatingAPI(t *testing.T) {
	t.Parallel()
	s := newStack(t)

	t.Run("AcceptTakesARating", func(t *testing.T) {
		t.Parallel()
		h := s.sentBySdr2(t, "api-acc")
		s.act(t, s.rep, h.ID, "accept", map[string]any{"rating": 2, "missing": []string{"timeline", "problem"}, "comment": "no pain named"})
		got := ratedEvents(s.handoff(t, h.ID))
		if len(got) != 1 || got[0].Rating != 2 || got[0].Stage != "accept" || strings.Join(got[0].Missing, ",") != "problem,timeline" || got[0].Comment != "no pain named" {
			t.Errorf("got ratings %+v, want one 2/5 at accept naming problem and timeline", got)
		}
		msgs := call[struct{ Messages []*baton.Message }](t, s, "GET", "/api/v1/outbox?status=pending", s.admin, nil, http.StatusOK).Messages
		n := 0
		for _, m := range msgs {
			if m.Kind == baton.MsgRatedLow && m.HandoffID == h.ID && m.RecipientID == s.users["sdr2"].ID {
				n++
			}
		}
		if n == 0 {
			t.Errorf("got no %s notice to the sender", baton.MsgRatedLow)
		}
	})
	t.Run("BadRatingsAre422NamingTheFieldAndWriteNothing", func(t *testing.T) {
		t.Parallel()
		h := s.sentBySdr2(t, "api-bad")
		for _, tc := range []struct{ body, field string }{
			{`{"rating":0}`, "rating"},
			{`{"rating":6}`, "rating"},
			{`{"rating":"five"}`, "rating"},
			{`{"rating":4.5}`, "rating"},
			{`{"missing":["timeline"]}`, "rating"},
			{`{"rating":3,"missing":["timeline","budget_owner"]}`, "missing[1]"},
			{`{"rating":3,"missing":"timeline"}`, "missing"},
			{fmt.Sprintf(`{"rating":3,"comment":%q}`, strings.Repeat("x", baton.MaxFeedbackComment+1)), "comment"},
		} {
			r := s.do(t, "POST", "/api/v1/handoffs/"+h.ID+"/accept", s.rep, tc.body)
			wantError(t, r, http.StatusUnprocessableEntity, baton.EINVALID, tc.field)
		}
		if v := s.handoff(t, h.ID); v.State != baton.StateAssigned || len(ratedEvents(v)) != 0 {
			t.Errorf("got state %s with %d ratings, want still assigned and none", v.State, len(ratedEvents(v)))
		}
		wantError(t, s.do(t, "POST", "/api/v1/handoffs/"+h.ID+"/touch", s.rep, `{"rating":3}`), http.StatusUnprocessableEntity, baton.EINVALID, "rating")
	})
	t.Run("RateLaterOnce", func(t *testing.T) {
		t.Parallel()
		h := s.sentBySdr2(t, "api-later")
		path := "/api/v1/handoffs/" + h.ID + "/rating"
		wantError(t, s.do(t, "POST", path, s.rep, `{"rating":4}`), http.StatusConflict, baton.ECONFLICT)
		s.act(t, s.rep, h.ID, "accept", nil)
		got := call[struct{ Rating service.Rating }](t, s, "POST", path, s.rep, map[string]any{"rating": 4, "missing": []string{"timeline"}}, http.StatusCreated)
		if got.Rating.Rating != 4 || got.Rating.Stage != "accept" || got.Rating.Actor != "user:"+s.users["sdr1"].ID || got.Rating.At.IsZero() {
			t.Errorf("got %+v, want sdr1's 4/5 at accept", got.Rating)
		}
		wantError(t, s.do(t, "POST", path, s.rep, `{"rating":5}`), http.StatusConflict, baton.ECONFLICT)
		wantError(t, s.do(t, "POST", path, s.rep, `{"stage":"accept","ratting":5}`), http.StatusUnprocessableEntity, baton.EINVALID, "ratting")
		wantError(t, s.do(t, "POST", path, s.rep, `{"stage":"soon","rating":5}`), http.StatusUnprocessableEntity, baton.EINVALID, "stage")
		wantError(t, s.do(t, "POST", path, s.manager, `{"rating":5}`), http.StatusForbidden, baton.EFORBIDDEN)
		if n := len(ratedEvents(s.handoff(t, h.ID))); n != 1 {
			t.Errorf("got %d ratings, want 1", n)
		}
	})
}

func TestRatingForms(t *testing.T) {
	t.Parallel()
	s := newStack(t)

	t.Run("AcceptFormRatesWithoutJavaScript", func(t *testing.T) {
		t.Parallel()
		h := s.sentBySdr2(t, "form-acc")
		rep := s.signIn(t, "sdr1@t.example")
		page := rep.get("/handoffs/" + h.ID)
		for _, want := range []string{`<details class="rate">`, `name="rating" value="" checked`, `name="rating" value="5"`, `name="missing" value="timeline"`, `id="accept-rating-comment"`} {
			if !strings.Contains(string(page.body), want) {
				t.Errorf("the handoff page lacks %s", want)
			}
		}
		r := rep.post("/handoffs/"+h.ID+"/accept", url.Values{"rating": {"9"}, "comment": {"thin"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "must be a whole number from 1 to 5") || !strings.Contains(string(r.body), `<details class="rate" open>`) {
			t.Errorf("got %d, want 422 with the rating's error shown in the unfolded rating", r.status)
		}
		if v := s.handoff(t, h.ID); v.State != baton.StateAssigned {
			t.Fatalf("got state %s after a refused accept, want assigned", v.State)
		}
		r = rep.post("/handoffs/"+h.ID+"/accept", url.Values{"rating": {"2"}, "missing": {"timeline", "problem"}, "comment": {"Who is the buyer?"}})
		if r.status != http.StatusOK || !strings.Contains(string(r.body), "Accepted.") {
			t.Fatalf("got %d, want the page again with the flash", r.status)
		}
		got := ratedEvents(s.handoff(t, h.ID))
		if len(got) != 1 || got[0].Rating != 2 || len(got[0].Missing) != 2 || got[0].Comment != "Who is the buyer?" {
			t.Errorf("got %+v, want the form's 2/5", got)
		}
		for _, want := range []string{`id="feedback"`, "2/5", "Timeline or urgency", "Who is the buyer?"} {
			if !strings.Contains(string(r.body), want) {
				t.Errorf("the page after rating lacks %q", want)
			}
		}
		if strings.Contains(string(r.body), `action="/handoffs/`+h.ID+`/rating"`) {
			t.Errorf("the page offers to rate the accept stage again")
		}
	})
	t.Run("SenderAndManagerSeeRatings", func(t *testing.T) {
		t.Parallel()
		h := s.sentBySdr2(t, "form-see")
		s.act(t, s.rep, h.ID, "accept", map[string]any{"rating": 1, "comment": "empty handoff"})
		for _, who := range []string{"sdr2@t.example", "mgr@t.example"} {
			r := s.signIn(t, who).get("/handoffs/" + h.ID)
			if r.status != http.StatusOK || !strings.Contains(string(r.body), "1/5") || !strings.Contains(string(r.body), "empty handoff") {
				t.Errorf("%s: got %d, want the page showing the 1/5 rating", who, r.status)
			}
			if strings.Contains(string(r.body), `action="/handoffs/`+h.ID+`/rating"`) {
				t.Errorf("%s is offered to rate a handoff they did not receive", who)
			}
		}
	})
	t.Run("RateLaterForm", func(t *testing.T) {
		t.Parallel()
		h := s.sentBySdr2(t, "form-later")
		s.act(t, s.rep, h.ID, "accept", nil)
		rep := s.signIn(t, "sdr1@t.example")
		page := rep.get("/handoffs/" + h.ID)
		if !strings.Contains(string(page.body), `action="/handoffs/`+h.ID+`/rating"`) || !strings.Contains(string(page.body), `name="stage" value="accept"`) {
			t.Fatalf("the page does not offer to rate the accepted handoff")
		}
		r := rep.post("/handoffs/"+h.ID+"/rating", url.Values{"stage": {"accept"}, "missing": {"timeline"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), `role="alert"`) {
			t.Errorf("got %d, want 422 asking for the rating", r.status)
		}
		r = rep.post("/handoffs/"+h.ID+"/rating", url.Values{"stage": {"accept"}, "rating": {"5"}})
		if r.status != http.StatusOK || !strings.Contains(string(r.body), "Rating recorded.") || !strings.Contains(string(r.body), "5/5") {
			t.Errorf("got %d, want the page with the flash and the rating", r.status)
		}
		if got := ratedEvents(s.handoff(t, h.ID)); len(got) != 1 || got[0].Rating != 5 {
			t.Errorf("got %+v, want one 5/5", got)
		}
		if r := rep.post("/handoffs/"+h.ID+"/rating", url.Values{"stage": {"accept"}, "rating": {"1"}}); r.status != http.StatusConflict {
			t.Errorf("rating twice: got %d, want 409", r.status)
		}
	})
}

// surveyFixture is a handoff of sdr1's whose meeting was held, with the
// survey queued for its prospect.
func surveyFixture(t *testing.T, s *stack, id string) (h *service.HandoffView, token string) {
	t.Helper()
	start := t0.Add(30 * 60e9)
	sig := meetingSignal(id, start)
	sig["account"] = map[string]any{"name": "Acme " + id, "domain": "acme-" + id + ".example"}
	sig["fields"] = map[string]any{
		"budget_range": "$50k-$100k", "pain_points": "manual routing", "target_decision_date": "2027-01-31", "decision_maker": "Ana Ruiz, VP Operations",
		"stakeholders": "CFO", "trigger_event": "missed demo requests", "current_solution": "spreadsheets", "competitors": "N/A", "meeting_type": "Discovery",
		"timeline": "this quarter", "product_interest": "routing", "requested_next_step": "discovery call", "qualification_notes": "N/A",
		"success_criteria": "5-minute response", "recommended_approach": "lead with the SLA report",
	}
	h = s.ingest(t, sig)
	s.giveTo(t, h.ID, "sdr1@t.example")
	s.act(t, s.rep, h.ID, "accept", nil)
	s.act(t, s.rep, h.ID, "touch", nil)
	s.clock.Set(start.Add(40 * 60e9))
	s.act(t, s.rep, h.ID, "outcome", map[string]string{"outcome": baton.OutcomeInterested})
	msgs := call[struct{ Messages []*baton.Message }](t, s, "GET", "/api/v1/outbox?status=pending", s.admin, nil, http.StatusOK).Messages
	for _, m := range msgs {
		if m.Kind != baton.MsgProspectSurvey || m.HandoffID != h.ID {
			continue
		}
		var p struct{ Text string }
		if err := json.Unmarshal(m.Payload, &p); err != nil {
			t.Fatal(err)
		}
		_, rest, ok := strings.Cut(p.Text, "/survey/")
		if !ok {
			t.Fatalf("no survey link in %q", p.Text)
		}
		token, _, _ = strings.Cut(rest, "?")
		return h, token
	}
	t.Fatalf("no survey queued for handoff %s", h.ID)
	return nil, ""
}

func TestSurveyPages(t *testing.T) {
	t.Parallel()
	s := intakeStack(t, 1000)
	h, token := surveyFixture(t, s, "sv")
	path := "/survey/" + token

	r := s.do(t, "GET", path+"?score=4", "", "")
	wantIntakeHeaders(t, r)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `value="4" checked`) || strings.Count(string(r.body), `type="radio"`) != 5 {
		t.Errorf("got %d, want the form with five scores and 4 chosen", r.status)
	}
	for _, internal := range []string{"spreadsheets", "$50k", "Sam One", "sdr1@"} {
		if strings.Contains(string(r.body), internal) {
			t.Errorf("the survey page shows %q", internal)
		}
	}
	if n := len(ratedEvents(s.handoff(t, h.ID))); n != 0 || strings.Contains(strings.Join(kinds(s.handoff(t, h.ID).Events), ","), baton.EventSurveyAnswered) {
		t.Errorf("opening the link recorded something")
	}

	r = s.postForm(t, path, url.Values{"comment": {"no score"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "One answer needs a look") || !strings.Contains(string(r.body), "no score</textarea>") {
		t.Errorf("got %d, want 422 with the summary and the comment kept", r.status)
	}
	wantIntakeHeaders(t, r)

	r = s.postForm(t, path, url.Values{"score": {"5"}, "comment": {"Great call"}})
	if r.status != http.StatusOK || !strings.Contains(string(r.body), "5 of 5") {
		t.Errorf("got %s, want the thank-you page with the answer", r)
	}
	if r := s.postForm(t, path, url.Values{"score": {"1"}}); r.status != http.StatusConflict || !strings.Contains(string(r.body), "Already answered") {
		t.Errorf("second answer: got %d, want 409 saying it was answered", r.status)
	}
	if r := s.do(t, "GET", path, "", ""); r.status != http.StatusOK || !strings.Contains(string(r.body), "5 of 5") {
		t.Errorf("the answered link: got %d, want the answer shown", r.status)
	}
	id, mac, _ := strings.Cut(token, ".")
	for _, bad := range []string{id + "." + strings.ToUpper(mac[:4]) + mac[4:] + "x", id + ".", "nonsense"} {
		if r := s.do(t, "GET", "/survey/"+bad, "", ""); r.status != http.StatusNotFound || !strings.Contains(string(r.body), "Link not valid") {
			t.Errorf("tampered %q: got %d, want 404", bad, r.status)
		}
	}

	page := s.signIn(t, "sdr1@t.example").get("/handoffs/" + h.ID)
	if !strings.Contains(string(page.body), "5/5</strong> from the prospect") || !strings.Contains(string(page.body), "Great call") {
		t.Errorf("the handoff page does not show the survey's answer")
	}

	h2, token2 := surveyFixture(t, s, "sv2")
	s.clock.Add(8 * 24 * 60 * 60e9)
	if r := s.do(t, "GET", "/survey/"+token2, "", ""); r.status != http.StatusGone || !strings.Contains(string(r.body), "This survey has closed") {
		t.Errorf("expired: got %d, want 410 saying the survey closed", r.status)
	}
	if r := s.postForm(t, "/survey/"+token2, url.Values{"score": {"3"}}); r.status != http.StatusGone {
		t.Errorf("answering an expired survey: got %d, want 410", r.status)
	}
	if page := s.signIn(t, "sdr1@t.example").get("/handoffs/" + h2.ID); !strings.Contains(string(page.body), "Not answered: the link expired") {
		t.Errorf("the handoff page does not say the survey expired unanswered")
	}
}
