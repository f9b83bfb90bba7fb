package service_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/prospect"
	"github.com/batonhq/baton/service"
)

// held books a meeting in London at start (14:30 local on t0), has its
// owner accept and touch it, and records outcome 10 minutes after its
// 30-minute slot ends.
func (e *env) held(t *testing.T, id, outcome string) (*baton.Handoff, time.Time) {
	t.Helper()
	start := t0.Add(30 * time.Minute)
	h := e.meetingHandoff(t, id, "Europe/London", start)
	e.act(t, h.ID, baton.CmdAccept, service.CommandInput{})
	e.act(t, h.ID, baton.CmdTouch, service.CommandInput{})
	at := start.Add(40 * time.Minute)
	e.clock.Set(at)
	e.act(t, h.ID, baton.CmdOutcome, service.CommandInput{Outcome: outcome})
	return h, at
}

var surveyLinkRE = regexp.MustCompile(`https?://[^\s?]+/survey/([^\s?]+)\?score=1`)

// surveyMessage returns the survey queued for a handoff and its token.
func (e *env) surveyMessage(t *testing.T, handoffID string) (*baton.Message, *prospect.Payload, string) {
	t.Helper()
	for _, m := range e.messages(t, baton.MsgProspectSurvey) {
		if m.HandoffID != handoffID {
			continue
		}
		p, err := prospect.Decode(m.Payload)
		if err != nil {
			t.Fatal(err)
		}
		match := surveyLinkRE.FindStringSubmatch(p.Text)
		if match == nil {
			t.Fatalf("no survey link in:\n%s", p.Text)
		}
		return m, p, match[1]
	}
	t.Fatalf("no survey queued for handoff %s", handoffID)
	return nil, nil, ""
}

func TestSurveySent(t *testing.T) {
	t.Parallel()

	t.Run("QueuedAfterHeldMeetingWithSignedLink", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		e.svc.SetPublicURL("https://baton.example.com/")
		h, at := e.held(t, "held", baton.OutcomeInterested)
		m, p, token := e.surveyMessage(t, h.ID)
		// The meeting ended at 15:00 London (UTC in November); the outcome
		// came at 15:10, and the survey leaves an hour later.
		wantSend := at.Add(time.Hour)
		if !m.NextAt.Equal(wantSend) || m.Channel != baton.ChannelEmail || m.RecipientID != h.ContactID {
			t.Errorf("got message on %s to %s leaving %s, want email to the contact leaving %s", m.Channel, m.RecipientID, m.NextAt, wantSend)
		}
		if p.To.Email != "ana@acme-held.example" || p.Audience != prospect.AudienceProspect || p.Subject != "How was your call?" {
			t.Errorf("got %+v, want the survey to the prospect", p)
		}
		for _, internal := range []string{"$50k", "spreadsheets", "lead with the SLA report"} {
			if strings.Contains(p.Text+p.HTML, internal) {
				t.Errorf("survey carries internal context %q", internal)
			}
		}
		id, mac, ok := strings.Cut(token, ".")
		if !ok || len(mac) != 43 {
			t.Errorf("got token %q, want the survey id, a dot and an HMAC", token)
		}
		evs := e.view(t, h.ID).Events
		last := evs[len(evs)-1]
		d, err := baton.DecodeEventData[baton.SurveySentData](last)
		if err != nil || last.Kind != baton.EventSurveySent || d.SurveyID != id || d.MeetingID != h.MeetingID || !d.ExpiresAt.Equal(wantSend.Add(7*24*time.Hour)) {
			t.Errorf("got last event %s %+v (%v), want survey_sent for survey %s expiring 7 days after it leaves", last.Kind, d, err, id)
		}
		page, err := e.svc.Survey(e.ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if page.Answered || page.Title != "How was your call?" || page.MeetingAt.Location().String() != "Europe/London" {
			t.Errorf("got page %+v, want an open survey showing the meeting in London time", page)
		}
	})
	t.Run("NoneAfterNoShow", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h, _ := e.held(t, "noshow", baton.OutcomeNoShow)
		for _, m := range e.messages(t, baton.MsgProspectSurvey) {
			if m.HandoffID == h.ID {
				t.Errorf("got a survey after a no-show")
			}
		}
		if n := count(kinds(e.view(t, h.ID).Events), baton.EventSurveySent); n != 0 {
			t.Errorf("got %d survey_sent events, want none", n)
		}
	})
	t.Run("NoneWhenTurnedOff", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		e.svc.SetPlaybook(feedbackPlaybook(t, "  survey: {enabled: false}\n"))
		e.held(t, "off", baton.OutcomeWon)
		if n := len(e.messages(t, baton.MsgProspectSurvey)); n != 0 {
			t.Errorf("got %d surveys, want none", n)
		}
	})
	t.Run("EveningEndWaitsForTheProspectsMorning", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		e.svc.SetPlaybook(feedbackPlaybook(t, "  survey: {delay: 0s, expires: 2d}\n"))
		start := t0.Add(6 * time.Hour) // 20:00 London, past the sending window when it ends
		h := e.meetingHandoff(t, "late", "Europe/London", start)
		e.act(t, h.ID, baton.CmdAccept, service.CommandInput{})
		e.act(t, h.ID, baton.CmdTouch, service.CommandInput{})
		e.clock.Set(start.Add(40 * time.Minute))
		e.act(t, h.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeProposal})
		m, _, _ := e.surveyMessage(t, h.ID)
		if want := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC); !m.NextAt.Equal(want) {
			t.Errorf("got survey leaving %s, want %s (08:00 London the next morning)", m.NextAt, want)
		}
	})
}

func TestSurveyLink(t *testing.T) {
	t.Parallel()
	e := setup(t)
	h, at := e.held(t, "link", baton.OutcomeProposal)
	_, _, token := e.surveyMessage(t, h.ID)
	id, mac, _ := strings.Cut(token, ".")
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}

	t.Run("TamperedLinksAreNotValid", func(t *testing.T) {
		for name, bad := range map[string]string{
			"MacChanged":   id + "." + flip(mac, 5),
			"IDChanged":    flip(id, 0) + "." + mac,
			"NoMac":        id,
			"EmptyMac":     id + ".",
			"Garbage":      "not-a-token",
			"Long":         strings.Repeat("a", 300) + "." + mac,
			"OtherHandoff": h.ID + "." + mac,
		} {
			if _, err := e.svc.Survey(e.ctx, bad); baton.ErrorCode(err) != baton.ENOTFOUND || baton.ErrorMessage(err) != "this link is not valid" {
				t.Errorf("%s: got %v, want ENOTFOUND saying the link is not valid", name, err)
			}
			if _, err := e.svc.AnswerSurvey(e.ctx, bad, 5, ""); baton.ErrorCode(err) != baton.ENOTFOUND {
				t.Errorf("%s: answering got %v, want ENOTFOUND", name, err)
			}
		}
	})
	t.Run("BadAnswerWritesNothing", func(t *testing.T) {
		for _, tc := range []struct {
			score   int
			comment string
			field   string
		}{{0, "", "score"}, {6, "", "score"}, {4, strings.Repeat("ü", baton.MaxFeedbackComment+1), "comment"}} {
			page, err := e.svc.AnswerSurvey(e.ctx, token, tc.score, tc.comment)
			var be *baton.Error
			if !asError(err, &be) || be.Code != baton.EINVALID || be.Fields[0].Field != tc.field || page == nil || page.Answered {
				t.Errorf("score %d: got %v (page %v), want EINVALID naming %s with the page", tc.score, err, page, tc.field)
			}
		}
		if n := count(kinds(e.view(t, h.ID).Events), baton.EventSurveyAnswered); n != 0 {
			t.Errorf("got %d answers logged, want none", n)
		}
	})
	t.Run("AnsweredOnce", func(t *testing.T) {
		page, err := e.svc.AnswerSurvey(e.ctx, token, 4, "  Helpful, a bit long.  ")
		if err != nil {
			t.Fatal(err)
		}
		if !page.Answered || page.Score != 4 || page.Comment != "Helpful, a bit long." {
			t.Errorf("got page %+v, want the answer", page)
		}
		if _, err := e.svc.AnswerSurvey(e.ctx, token, 1, "changed my mind"); !errors.Is(err, service.ErrSurveyAnswered) {
			t.Errorf("second answer: got %v, want ErrSurveyAnswered", err)
		}
		evs := e.view(t, h.ID).Events
		if n := count(kinds(evs), baton.EventSurveyAnswered); n != 1 {
			t.Fatalf("got %d answers logged, want 1", n)
		}
		last := evs[len(evs)-1]
		d, _ := baton.DecodeEventData[baton.SurveyAnsweredData](last)
		if last.Actor != "prospect" || d.Score != 4 || d.Comment != "Helpful, a bit long." || d.SurveyID != id {
			t.Errorf("got %s by %s %+v, want the prospect's 4/5 with the comment", last.Kind, last.Actor, d)
		}
		f := service.FeedbackOf(e.admin, e.view(t, h.ID))
		if f.Survey == nil || f.Survey.Score != 4 || f.Survey.AnsweredAt.IsZero() {
			t.Errorf("got feedback survey %+v, want it answered 4/5", f.Survey)
		}
	})
	t.Run("ExpiredLinkIsClosedUnlessAnswered", func(t *testing.T) {
		h2, _ := e.held(t, "link2", baton.OutcomeInterested)
		_, _, token2 := e.surveyMessage(t, h2.ID)
		e.clock.Set(at.Add(time.Hour + 7*24*time.Hour)) // the expiry instant
		if _, err := e.svc.Survey(e.ctx, token2); !errors.Is(err, service.ErrSurveyExpired) {
			t.Errorf("got %v, want ErrSurveyExpired", err)
		}
		if _, err := e.svc.AnswerSurvey(e.ctx, token2, 5, ""); !errors.Is(err, service.ErrSurveyExpired) {
			t.Errorf("answering: got %v, want ErrSurveyExpired", err)
		}
		if page, err := e.svc.Survey(e.ctx, token); err != nil || !page.Answered {
			t.Errorf("the answered survey after its expiry: got %v, %v, want its answer shown", page, err)
		}
	})
}

func TestSurveyDelivered(t *testing.T) {
	t.Parallel()
	e := setupProspect(t, nil)
	start := t0.Add(30 * time.Minute)
	h, to := e.book(t, "mail", "Europe/London", start)
	e.act(t, h.ID, baton.CmdAccept, service.CommandInput{})
	e.act(t, h.ID, baton.CmdTouch, service.CommandInput{})
	e.at(t, start.Add(35*time.Minute))
	e.act(t, h.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeInterested})
	e.mb.take(t, to)
	e.at(t, start.Add(35*time.Minute+59*time.Minute))
	if got := e.mb.take(t, to); len(got) != 0 {
		t.Fatalf("got %d messages before the survey is due, want none", len(got))
	}
	e.at(t, start.Add(35*time.Minute+time.Hour))
	got := e.mb.take(t, to)
	if len(got) != 1 || got[0].header.Get("Subject") != "How was your call?" {
		t.Fatalf("got %d messages, want the survey", len(got))
	}
	if !strings.Contains(got[0].text, "/survey/") || !strings.Contains(got[0].html, "score=5") {
		t.Errorf("got survey text:\n%s\nhtml:\n%s\nwant the link with one-click scores", got[0].text, got[0].html)
	}
}
