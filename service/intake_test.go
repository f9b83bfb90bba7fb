package service_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
)

// bookMeeting ingests a meeting booked by sdr1 with Ana, starting at start.
func (e *env) bookMeeting(t *testing.T, id string, start time.Time) *baton.Handoff {
	t.Helper()
	sig := demoRequest(id)
	sig.Type, sig.Sender = baton.SignalMeetingBooked, e.users["sdr1"].Email
	sig.Meeting = &baton.SignalMeeting{StartsAt: start, TimeZone: "America/Los_Angeles", Agenda: "Discovery"}
	return e.ingest(t, sig)
}

// intake returns the handoff's newest intake form, or the store's error.
func (e *env) intake(t *testing.T, handoffID string) (*baton.Intake, error) {
	t.Helper()
	var in *baton.Intake
	err := e.db.View(e.ctx, func(tx baton.Tx) error {
		var err error
		in, err = tx.IntakeForHandoff(e.ctx, handoffID)
		return err
	})
	return in, err
}

// intakeMessage is the payload of an intake.created message.
type intakeMessage struct {
	Recipient struct {
		ContactID string `json:"contact_id"`
		Email     string `json:"email"`
	} `json:"recipient"`
	Intake struct {
		ID        string    `json:"id"`
		URL       string    `json:"url"`
		ExpiresAt time.Time `json:"expires_at"`
	} `json:"intake"`
}

// intakeLink returns the link queued for a handoff's prospect.
func (e *env) intakeLink(t *testing.T, handoffID string) intakeMessage {
	t.Helper()
	for _, m := range e.messages(t, service.MsgIntakeCreated) {
		if m.HandoffID == handoffID {
			var p intakeMessage
			if err := json.Unmarshal(m.Payload, &p); err != nil {
				t.Fatal(err)
			}
			return p
		}
	}
	t.Fatalf("no %s message for handoff %s", service.MsgIntakeCreated, handoffID)
	return intakeMessage{}
}

func TestCreateIntake(t *testing.T) {
	t.Parallel()

	t.Run("ExpiresAtMeetingStartWhenSooner", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		start := t0.Add(72 * time.Hour)
		h := e.bookMeeting(t, "soon", start)
		in, err := e.intake(t, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !in.ExpiresAt.Equal(start) || in.MeetingID != h.MeetingID || in.Posts != 0 || !in.AnsweredAt.IsZero() {
			t.Errorf("got intake %+v, want one for meeting %s expiring at its start %s", in, h.MeetingID, start)
		}
	})
	t.Run("ExpiresAfterPlaybookTimeWhenMeetingIsLater", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.bookMeeting(t, "later", t0.Add(10*24*time.Hour))
		in, err := e.intake(t, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := t0.Add(time.Duration(playbook.Default().Intake.Expires)) // 7d
		if !in.ExpiresAt.Equal(want) {
			t.Errorf("got expiry %s, want %s (7d after booking, before the meeting)", in.ExpiresAt, want)
		}
		msg := e.intakeLink(t, h.ID)
		if !msg.Intake.ExpiresAt.Equal(want) || msg.Intake.ID != in.ID {
			t.Errorf("message says intake %s expiring %s, want %s expiring %s", msg.Intake.ID, msg.Intake.ExpiresAt, in.ID, want)
		}
	})
	t.Run("QueuesLinkForContactAndLogsIt", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		e.svc.SetPublicURL("https://book.example.com/")
		h := e.bookMeeting(t, "link", t0.Add(48*time.Hour))
		msg := e.intakeLink(t, h.ID)
		token, ok := strings.CutPrefix(msg.Intake.URL, "https://book.example.com/intake/")
		if !ok || len(token) != 43 {
			t.Errorf("got link %q, want https://book.example.com/intake/ and a 43-character token", msg.Intake.URL)
		}
		if msg.Recipient.Email != "ana.link@acme-robotics.com" || msg.Recipient.ContactID != h.ContactID {
			t.Errorf("got recipient %+v, want the contact %s", msg.Recipient, h.ContactID)
		}
		in, err := e.intake(t, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if in.TokenHash != baton.HashToken(token) || strings.Contains(in.TokenHash, token) {
			t.Errorf("got stored hash %q, want the SHA-256 of the token only", in.TokenHash)
		}
		if n := count(kinds(e.view(t, h.ID).Events), baton.EventIntakeSent); n != 1 {
			t.Errorf("got %d %s events, want 1", n, baton.EventIntakeSent)
		}
	})
	t.Run("NoneWithoutMeeting", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.ingest(t, demoRequest("nomeeting"))
		if _, err := e.intake(t, h.ID); baton.ErrorCode(err) != baton.ENOTFOUND {
			t.Errorf("got %v, want no intake", err)
		}
	})
	t.Run("NoneForMeetingAlreadyStarted", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.bookMeeting(t, "past", t0.Add(-time.Hour))
		if _, err := e.intake(t, h.ID); baton.ErrorCode(err) != baton.ENOTFOUND {
			t.Errorf("got %v, want no intake", err)
		}
	})
	t.Run("NoneWithoutQuestions", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		pb := playbook.Default()
		pb.Intake.Questions = nil
		e.svc.SetPlaybook(pb)
		h := e.bookMeeting(t, "noquestions", t0.Add(48*time.Hour))
		if _, err := e.intake(t, h.ID); baton.ErrorCode(err) != baton.ENOTFOUND {
			t.Errorf("got %v, want no intake", err)
		}
		if got := e.messages(t, service.MsgIntakeCreated); len(got) != 0 {
			t.Errorf("got %d intake messages, want none", len(got))
		}
	})
}

func TestAnswerIntake(t *testing.T) {
	t.Parallel()
	e := setup(t)
	h := e.bookMeeting(t, "answer", t0.Add(72*time.Hour))
	url := e.intakeLink(t, h.ID).Intake.URL
	token := url[strings.LastIndex(url, "/")+1:]
	// The team's own notes must never show on the prospect's form.
	if _, err := e.svc.UpdateContext(e.ctx, e.rep, h.ID, map[string]any{"competitors": "Globex", "topics": "their churn"}); err != nil {
		t.Fatal(err)
	}

	form, err := e.svc.IntakeForm(e.ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, q := range form.Questions {
		fields = append(fields, q.Field)
		if q.Value != "" {
			t.Errorf("question %s shows %q before the prospect answered, want blank", q.Field, q.Value)
		}
	}
	want := []string{"problem", "current_solution", "pain_points", "target_decision_date", "budget_range", "stakeholders", "topics"}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("questions (-want +got):\n%s", diff)
	}
	if got := form.MeetingAt.Location().String(); got != "America/Los_Angeles" || form.MeetingAt.Hour() != 6 {
		t.Errorf("got meeting at %s, want 06:00 in the prospect's America/Los_Angeles", form.MeetingAt)
	}

	t.Run("RejectsBadAnswersWritingNothing", func(t *testing.T) {
		form, err := e.svc.AnswerIntake(e.ctx, token, map[string]string{"budget_range": "lots", "problem": "routing"})
		var be *baton.Error
		if !errors.As(err, &be) || be.Code != baton.EINVALID || len(be.Fields) != 1 || be.Fields[0].Field != "budget_range" {
			t.Fatalf("got %v, want EINVALID naming budget_range", err)
		}
		for _, q := range form.Questions {
			if q.Field == "budget_range" && (q.Value != "lots" || q.Error == "") {
				t.Errorf("got budget question %+v, want the typed value and an error", q)
			}
		}
		if got := e.view(t, h.ID).Context["problem"]; got == "routing" {
			t.Errorf("problem was written despite the invalid budget")
		}
	})
	t.Run("WritesAnswersAndIgnoresBlanks", func(t *testing.T) {
		before := e.view(t, h.ID).Completeness
		if _, err := e.svc.AnswerIntake(e.ctx, token, map[string]string{
			"problem": "Leads wait days", "budget_range": "$20k-$50k", "target_decision_date": "2027-01-31", "stakeholders": " ", "owner_backup": "me",
		}); err != nil {
			t.Fatal(err)
		}
		v := e.view(t, h.ID)
		if v.Context["problem"] != "Leads wait days" || v.Context["target_decision_date"] != "2027-01-31" || v.Context["budget_range"] == nil {
			t.Errorf("got context %v, want the answers", v.Context)
		}
		if _, ok := v.Context["owner_backup"]; ok {
			t.Errorf("a field that is not a question was written: %v", v.Context["owner_backup"])
		}
		if v.Completeness <= before {
			t.Errorf("got completeness %d, want more than %d", v.Completeness, before)
		}
		ev := v.Events[len(v.Events)-1]
		if ev.Kind != baton.EventIntakeAnswered || ev.Actor != "prospect" || !strings.Contains(ev.Reason, "budget_range, problem, target_decision_date") {
			t.Errorf("got last event %s by %s (%s), want intake_answered by prospect listing the fields", ev.Kind, ev.Actor, ev.Reason)
		}
	})
	t.Run("SecondSubmissionUpdates", func(t *testing.T) {
		if _, err := e.svc.AnswerIntake(e.ctx, token, map[string]string{"problem": "Leads wait a week"}); err != nil {
			t.Fatal(err)
		}
		if got := e.view(t, h.ID).Context["problem"]; got != "Leads wait a week" {
			t.Errorf("got problem %v, want the new answer", got)
		}
		form, err := e.svc.IntakeForm(e.ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, q := range form.Questions {
			if q.Value != "" {
				got[q.Field] = q.Value
			}
		}
		want := map[string]string{"problem": "Leads wait a week", "budget_range": "$20k-$50k", "target_decision_date": "2027-01-31"}
		if diff := cmp.Diff(want, got); diff != "" || !form.Answered {
			t.Errorf("form shows (-want +got):\n%s\nanswered=%v; want only the prospect's own answers", diff, form.Answered)
		}
	})
	t.Run("CountsPostsThenRefuses", func(t *testing.T) {
		in, err := e.intake(t, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i := in.Posts; i < service.IntakeMaxPosts; i++ {
			if _, err := e.svc.AnswerIntake(e.ctx, token, nil); err != nil {
				t.Fatalf("post %d: %v", i+1, err)
			}
		}
		if _, err := e.svc.AnswerIntake(e.ctx, token, nil); !errors.Is(err, service.ErrIntakeLimit) {
			t.Errorf("got %v, want ErrIntakeLimit after %d posts", err, service.IntakeMaxPosts)
		}
	})
	t.Run("UnknownAndMalformedTokensAreNotFound", func(t *testing.T) {
		for _, tok := range []string{strings.Repeat("A", 43), "short", token + "x", ""} {
			if _, err := e.svc.IntakeForm(e.ctx, tok); baton.ErrorCode(err) != baton.ENOTFOUND || baton.ErrorMessage(err) != "this link is not valid" {
				t.Errorf("token %q: got %v, want the generic ENOTFOUND", tok, err)
			}
		}
	})
	t.Run("ExpiresAtMeetingStart", func(t *testing.T) {
		e.clock.Add(72 * time.Hour)
		if _, err := e.svc.IntakeForm(e.ctx, token); !errors.Is(err, service.ErrIntakeExpired) {
			t.Errorf("got %v, want ErrIntakeExpired", err)
		}
	})
}

func TestIntakeGoneWhenMeetingCancelled(t *testing.T) {
	t.Parallel()
	e := setup(t)
	h := e.bookMeeting(t, "cancel", t0.Add(72*time.Hour))
	url := e.intakeLink(t, h.ID).Intake.URL
	token := url[strings.LastIndex(url, "/")+1:]
	if _, err := e.svc.CancelMeeting(e.ctx, e.rep, h.MeetingID, "no longer needed"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.IntakeForm(e.ctx, token); !errors.Is(err, service.ErrIntakeExpired) {
		t.Errorf("got %v, want ErrIntakeExpired for a cancelled meeting", err)
	}
}
