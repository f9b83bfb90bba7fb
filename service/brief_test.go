package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

func bookMeeting(t *testing.T, e *env, id string, ahead time.Duration) *baton.Handoff {
	t.Helper()
	sig := demoRequest(id)
	sig.Type, sig.Sender, sig.Fields = baton.SignalMeetingBooked, e.users["sdr1"].Email, meetingContext()
	sig.Message = "We need to replace our spreadsheet routing before Q1; the CFO wants pricing."
	sig.Meeting = &baton.SignalMeeting{StartsAt: e.clock.Now().Add(ahead), TimeZone: "America/Los_Angeles", Agenda: "Discovery",
		Attendees: []baton.Attendee{{Name: "Ana Ruiz", Email: "ana@acme-robotics.com", Title: "VP Operations"}}}
	return e.ingest(t, sig)
}

func preCalls(t *testing.T, e *env, h *baton.Handoff) []*baton.Message {
	t.Helper()
	var out []*baton.Message
	for _, m := range e.messages(t, baton.MsgPreCall) {
		if strings.Contains(string(m.Payload), h.ID) {
			out = append(out, m)
		}
	}
	return out
}

func TestPreCallBrief(t *testing.T) {
	t.Parallel()
	t.Run("ThirtyMinutesBefore", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := bookMeeting(t, e, "t30", 48*time.Hour)
		e.advance(t, 48*time.Hour-31*time.Minute)
		if got := preCalls(t, e, h); len(got) != 0 {
			t.Fatalf("sent %d pre-call briefs 31 minutes before, want 0", len(got))
		}
		e.advance(t, time.Minute)
		got := preCalls(t, e, h)
		if owner := e.view(t, h.ID).OwnerID; len(got) != 1 || got[0].RecipientID != owner {
			t.Fatalf("got %d briefs at T-30 (%v), want one to the owner", len(got), got)
		}
		if text := string(got[0].Payload); !strings.Contains(text, "Ana Ruiz") || !strings.Contains(text, "Likely objections") {
			t.Errorf("brief lacks the prospect or objections: %s", text)
		}
	})
	t.Run("RescheduleMovesIt", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := bookMeeting(t, e, "move", 48*time.Hour)
		v := e.view(t, h.ID)
		if _, err := e.svc.RescheduleMeeting(e.ctx, e.admin, v.MeetingID, service.MeetingInput{StartsAt: t0.Add(72 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		e.advance(t, 48*time.Hour)
		if got := preCalls(t, e, h); len(got) != 0 {
			t.Fatalf("sent at the old time: %d", len(got))
		}
		e.advance(t, 24*time.Hour-30*time.Minute)
		if got := preCalls(t, e, h); len(got) != 1 {
			t.Errorf("got %d briefs at the new T-30, want 1", len(got))
		}
	})
	t.Run("CancelCancelsIt", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := bookMeeting(t, e, "cancel", 48*time.Hour)
		if _, err := e.svc.CancelMeeting(e.ctx, e.admin, e.view(t, h.ID).MeetingID, "prospect asked"); err != nil {
			t.Fatal(err)
		}
		e.advance(t, 72*time.Hour)
		if got := preCalls(t, e, h); len(got) != 0 {
			t.Errorf("got %d briefs for a cancelled meeting, want 0", len(got))
		}
	})
	t.Run("PauseKeepsTheMeetingsTime", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := bookMeeting(t, e, "paused", 48*time.Hour)
		e.act(t, h.ID, baton.CmdAccept, service.CommandInput{})
		e.act(t, h.ID, baton.CmdPause, service.CommandInput{Reason: "waiting on their IT team"})
		e.advance(t, 48*time.Hour-30*time.Minute)
		if got := preCalls(t, e, h); len(got) != 1 {
			t.Errorf("got %d briefs at T-30 of a paused handoff's meeting, want 1", len(got))
		}
	})
	t.Run("ShortNoticeAtOnce", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := bookMeeting(t, e, "soon", 10*time.Minute)
		e.advance(t, 0)
		if got := preCalls(t, e, h); len(got) != 1 {
			t.Errorf("got %d briefs for a meeting in 10 minutes, want 1 at once", len(got))
		}
	})
}

func TestBriefAndLearning(t *testing.T) {
	t.Parallel()
	e := setup(t)
	h := bookMeeting(t, e, "learn", 72*time.Hour)
	before, err := e.svc.Brief(e.ctx, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(before.Objections) != 3 || before.PreCall.Words > 250 || before.Text == "" {
		t.Fatalf("got %d objections, %d words; want 3 and at most 250", len(before.Objections), before.PreCall.Words)
	}
	for _, s := range before.Brief.Situation {
		if len(s.From) == 0 {
			t.Errorf("sentence %q names no source field", s.Text)
		}
	}
	if _, err := e.svc.Act(e.ctx, e.admin, h.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeProposal, Objections: []string{"nonsense"}}); baton.ErrorCode(err) != baton.EINVALID {
		t.Errorf("unknown objection category: got %v, want invalid", err)
	}
	// Teach the model: calls like this one keep raising security.
	for i := range 6 {
		other := bookMeeting(t, e, "teach"+string(rune('a'+i)), time.Hour)
		e.act(t, other.ID, baton.CmdAccept, service.CommandInput{})
		e.act(t, other.ID, baton.CmdTouch, service.CommandInput{})
		e.advance(t, time.Hour) // the call starts: its outcome can be recorded
		e.act(t, other.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeProposal, Objections: []string{"security_compliance"}})
		if m := e.view(t, other.ID).Meeting; m.Status != baton.MeetingHeld {
			t.Errorf("meeting after an outcome: got %s, want held", m.Status)
		}
	}
	after, err := e.svc.Brief(e.ctx, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	prob := func(b *service.BriefView, cat string) float64 {
		for _, p := range b.Objections {
			if string(p.Category) == cat {
				return p.Probability
			}
		}
		return 0
	}
	if prob(after, "security_compliance") <= prob(before, "security_compliance") {
		t.Errorf("security_compliance: %.3f before, %.3f after six outcomes; want learning to raise it (before %v, after %v)",
			prob(before, "security_compliance"), prob(after, "security_compliance"), before.Objections, after.Objections)
	}
}

func TestBriefFlagsPreviousNoShow(t *testing.T) {
	t.Parallel()
	e := setup(t)
	first := bookMeeting(t, e, "ns1", 24*time.Hour)
	if v := e.view(t, first.ID); v.State == baton.StateReturned {
		t.Fatal("first meeting was returned for context")
	}
	e.act(t, first.ID, baton.CmdAccept, service.CommandInput{})
	e.act(t, first.ID, baton.CmdTouch, service.CommandInput{})
	e.advance(t, 24*time.Hour) // the meeting time comes and the buyer does not show
	e.act(t, first.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeNoShow})
	second := demoRequest("ns2")
	second.Contact.Email = "ana.ns1@acme-robotics.com" // the same person books again
	second.Type, second.Fields = baton.SignalMeetingBooked, meetingContext()
	second.Meeting = &baton.SignalMeeting{StartsAt: t0.Add(72 * time.Hour), TimeZone: "America/Los_Angeles"}
	h := e.ingest(t, second)
	b, err := e.svc.Brief(e.ctx, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	var flagged bool
	for _, f := range b.Brief.Flags {
		flagged = flagged || f.Code == "previous_no_show"
	}
	if !flagged {
		t.Errorf("got flags %+v, want the previous no-show", b.Brief.Flags)
	}
	// The booking joins the open handoff and books its missed meeting
	// again (TestMeetingBookedAfterANoShowRebooks); the flag stays.
	if m := e.view(t, first.ID).Meeting; h.ID != first.ID || m.Status != baton.MeetingBooked || !m.StartsAt.Equal(t0.Add(72*time.Hour)) {
		t.Errorf("got handoff %s with its meeting %s at %s, want %s booked again at %s", h.ID, m.Status, m.StartsAt, first.ID, t0.Add(72*time.Hour))
	}
}

// TestBriefHearsEarlierObjectionsAtTheAccount: the objections recorded on
// one handoff of an account are part of the next handoff's prediction.
func TestBriefHearsEarlierObjectionsAtTheAccount(t *testing.T) {
	t.Parallel()
	e := setup(t)
	first := bookMeeting(t, e, "acct1", time.Hour)
	second := bookMeeting(t, e, "acct2", 72*time.Hour)
	if first.AccountID == "" || first.AccountID != second.AccountID {
		t.Fatalf("got accounts %q and %q, want one account", first.AccountID, second.AccountID)
	}
	trust := func() (float64, string) {
		b, err := e.svc.Brief(e.ctx, second.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range b.Objections {
			if p.Category == "trust_risk" {
				return p.Probability, p.Reason
			}
		}
		return 0, ""
	}
	if p, _ := trust(); p != 0 {
		t.Fatalf("trust_risk in the top three before any outcome (%.3f), want it absent", p)
	}
	e.act(t, first.ID, baton.CmdAccept, service.CommandInput{})
	e.act(t, first.ID, baton.CmdTouch, service.CommandInput{})
	e.advance(t, time.Hour)
	e.act(t, first.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeInterested, Objections: []string{"trust_risk"}})
	p, reason := trust()
	if p == 0 {
		t.Fatal("trust_risk not in the top three after the account raised it, want it there")
	}
	if want := "raised trust / risk on an earlier call"; !strings.Contains(reason, want) {
		t.Errorf("got reason %q, want it to contain %q", reason, want)
	}
}
