package service_test

import (
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// TestMeetingBookedAfterANoShowRebooks: the buyer books again through the
// scheduler after missing the meeting; the signal joins the open handoff
// and books its meeting again at the new time, as a person rebooking it
// would: the rebooking task is done and the pre-call brief is scheduled.
func TestMeetingBookedAfterANoShowRebooks(t *testing.T) {
	t.Parallel()
	e := setup(t)
	h := heldMeeting(t, e, "rb")
	e.act(t, h.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeNoShow})
	rebook := openTask(t, e.view(t, h.ID), baton.OutcomeNoShow)

	again := demoRequest("rb-again")
	again.Type = baton.SignalMeetingBooked
	again.Contact.Email = e.view(t, h.ID).Contact.Email
	start := e.clock.Now().Add(26 * time.Hour)
	again.Meeting = &baton.SignalMeeting{StartsAt: start, TimeZone: "Europe/Madrid", Agenda: "Discovery, second try"}
	res, err := e.svc.Ingest(e.ctx, again)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Joined || res.Handoff.ID != h.ID {
		t.Fatalf("got joined=%v handoff %v, want the signal to join %s", res.Joined, res.Handoff, h.ID)
	}
	v := e.view(t, h.ID)
	if v.Meeting.Status != baton.MeetingBooked || !v.Meeting.StartsAt.Equal(start) || v.Meeting.TimeZone != "Europe/Madrid" {
		t.Errorf("got meeting %s at %s %s, want booked at %s Europe/Madrid", v.Meeting.Status, v.Meeting.StartsAt, v.Meeting.TimeZone, start)
	}
	for _, a := range v.Activities {
		if a.ID == rebook.ID && a.Status != baton.ActivityDone {
			t.Errorf("the rebooking task is %s, want done", a.Status)
		}
	}
	if !hasTimer(v.Timers, baton.TimerPreCall) {
		t.Errorf("no pre-call timer for the new time among %v", timerKinds(v.Timers))
	}
	changed := 0
	for _, ev := range v.Events {
		if ev.Kind == baton.EventMeetingChanged {
			d := decode[baton.MeetingChangedData](t, ev)
			if d.Rebooked {
				changed++
			}
		}
	}
	if changed != 1 {
		t.Errorf("got %d rebooked meeting_changed events, want 1", changed)
	}

	t.Run("ABookedMeetingIsNotMovedByAnotherSignal", func(t *testing.T) {
		other := demoRequest("rb-third")
		other.Type = baton.SignalMeetingBooked
		other.Contact.Email = v.Contact.Email
		other.Meeting = &baton.SignalMeeting{StartsAt: start.Add(48 * time.Hour), TimeZone: "UTC"}
		if _, err := e.svc.Ingest(e.ctx, other); err != nil {
			t.Fatal(err)
		}
		if m := e.view(t, h.ID).Meeting; !m.StartsAt.Equal(start) {
			t.Errorf("the booked meeting moved to %s", m.StartsAt)
		}
	})
}

func hasTimer(ts []*baton.Timer, kind string) bool {
	for _, t := range ts {
		if t.Kind == kind {
			return true
		}
	}
	return false
}
