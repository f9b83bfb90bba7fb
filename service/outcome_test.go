package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// TestOutcomeWaitsForTheMeeting: an outcome cannot be recorded before the
// meeting starts, and the meeting stays booked until it can.
func TestOutcomeWaitsForTheMeeting(t *testing.T) {
	t.Parallel()
	e := setup(t)
	h := bookMeeting(t, e, "early", 72*time.Hour)
	e.act(t, h.ID, baton.CmdAccept, service.CommandInput{})
	e.act(t, h.ID, baton.CmdTouch, service.CommandInput{})
	t.Run("RefusedThreeDaysBefore", func(t *testing.T) {
		_, err := e.svc.Act(e.ctx, e.admin, h.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeProposal})
		if got := baton.ErrorCode(err); got != baton.ECONFLICT {
			t.Fatalf("outcome 3 days before the meeting: got %v, want %s", err, baton.ECONFLICT)
		}
		if msg := baton.ErrorMessage(err); !strings.Contains(msg, "before the meeting") {
			t.Errorf("got message %q, want it to say the meeting has not started", msg)
		}
		v := e.view(t, h.ID)
		if v.Meeting.Status != baton.MeetingBooked || v.State != baton.StateActioned || v.Outcome != "" {
			t.Errorf("got meeting %s, state %s, outcome %q; want booked, actioned, none", v.Meeting.Status, v.State, v.Outcome)
		}
	})
	t.Run("AcceptedOnceTheMeetingStarts", func(t *testing.T) {
		e.advance(t, 72*time.Hour)
		got := e.act(t, h.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeProposal})
		if got.State != baton.StateActioned {
			t.Errorf("got state %s, want actioned: a proposal leaves work for the owner", got.State)
		}
		if m := e.view(t, h.ID).Meeting; m.Status != baton.MeetingHeld {
			t.Errorf("got meeting %s, want held", m.Status)
		}
	})
}

func TestOutcomeDueAfterMeeting(t *testing.T) {
	t.Parallel()
	e := setup(t)
	sig := demoRequest("m")
	sig.Type, sig.Fields = baton.SignalMeetingBooked, meetingContext()
	sig.Meeting = &baton.SignalMeeting{StartsAt: t0.Add(72 * time.Hour), TimeZone: "America/New_York", Duration: baton.Duration(time.Hour)}
	h := e.ingest(t, sig)
	e.act(t, h.ID, baton.CmdAccept, service.CommandInput{})
	e.act(t, h.ID, baton.CmdTouch, service.CommandInput{})
	e.advance(t, 72*time.Hour+time.Hour)
	if count(eventsOf(t, e, h.ID), baton.EventOutcomeLate) != 0 {
		t.Fatal("outcome overdue as the meeting ends")
	}
	e.advance(t, 5*24*time.Hour)
	if got := count(eventsOf(t, e, h.ID), baton.EventOutcomeLate); got != 1 {
		t.Errorf("got %d outcome_overdue events, want 1", got)
	}
}
