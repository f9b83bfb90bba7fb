package service_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// The escalation ladder of the hot tier: 5 minutes to accept, reminder at
// half, breach (manager alert) at 5, backup reassignment 5 minutes later.
func TestLadder(t *testing.T) {
	t.Parallel()
	t.Run("RemindsOwnerAtHalfSLA", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.ingest(t, demoRequest("x"))
		e.advance(t, 2*time.Minute)
		if got := count(kinds(e.view(t, h.ID).Events), baton.EventReminded); got != 0 {
			t.Fatalf("reminded %d times before half the SLA, want 0", got)
		}
		e.advance(t, 30*time.Second)
		v := e.view(t, h.ID)
		if got := count(kinds(v.Events), baton.EventReminded); got != 1 {
			t.Errorf("got %d reminders at half the SLA, want 1", got)
		}
		msgs := e.messages(t, baton.MsgReminder)
		if len(msgs) != 1 || msgs[0].RecipientID != h.OwnerID {
			t.Errorf("got reminder messages %v, want one to the owner %s", msgs, h.OwnerID)
		}
		if v.Breached {
			t.Error("breached before the deadline")
		}
	})
	t.Run("BreachAlertsManager", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.ingest(t, demoRequest("x"))
		e.advance(t, 5*time.Minute)
		v := e.view(t, h.ID)
		if !v.Breached || count(kinds(v.Events), baton.EventBreached) == 0 {
			t.Fatalf("got breached=%v events %v, want a breach at the deadline", v.Breached, kinds(v.Events))
		}
		msgs := e.messages(t, baton.MsgBreach)
		if len(msgs) != 1 || msgs[0].RecipientID != e.users["mgr"].ID {
			t.Errorf("got breach messages %v, want one to the manager", msgs)
		}
		if v.State != baton.StateAssigned || v.OwnerID != h.OwnerID {
			t.Errorf("owner changed before the grace period")
		}
	})
	t.Run("ReassignsToBackupAfterGrace", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.ingest(t, demoRequest("x"))
		e.advance(t, 10*time.Minute)
		v := e.view(t, h.ID)
		if v.OwnerID != h.BackupID {
			t.Fatalf("got owner %s, want the backup %s", v.OwnerID, h.BackupID)
		}
		if v.Generation != 2 || v.State != baton.StateAssigned || !v.AcceptBy.Equal(e.clock.Now().Add(5*time.Minute)) {
			t.Errorf("got generation %d state %s accept by %s, want a fresh clock", v.Generation, v.State, v.AcceptBy)
		}
		if got := count(kinds(v.Events), baton.EventReassigned); got != 1 {
			t.Errorf("got %d reassignments, want 1", got)
		}
		// The ladder moves a handoff once: the backup's own breach alerts,
		// but nobody is reassigned again.
		e.advance(t, time.Hour)
		v = e.view(t, h.ID)
		if got := count(kinds(v.Events), baton.EventReassigned); got != 1 {
			t.Errorf("after another hour: got %d reassignments, want 1", got)
		}
		if got := len(e.messages(t, baton.MsgBreach)); got != 2 {
			t.Errorf("got %d breach alerts, want 2 (owner's and backup's)", got)
		}
	})
	t.Run("AcceptingCancelsTheLadder", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.ingest(t, demoRequest("x"))
		e.advance(t, time.Minute)
		e.act(t, h.ID, baton.CmdAccept, service.CommandInput{})
		e.act(t, h.ID, baton.CmdTouch, service.CommandInput{})
		e.advance(t, 24*time.Hour)
		v := e.view(t, h.ID)
		if v.Breached || count(kinds(v.Events), baton.EventReminded) != 0 || len(v.Timers) != 0 {
			t.Errorf("got breached=%v events %v timers %d, want a quiet handoff", v.Breached, kinds(v.Events), len(v.Timers))
		}
	})
	t.Run("AcceptedButUntouchedBreachesFirstTouch", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.ingest(t, demoRequest("x"))
		e.act(t, h.ID, baton.CmdAccept, service.CommandInput{})
		e.advance(t, 6*time.Minute)
		v := e.view(t, h.ID)
		if !v.Breached || v.OwnerID != h.OwnerID {
			t.Errorf("got breached=%v owner %s, want a first-touch breach with the same owner", v.Breached, v.OwnerID)
		}
	})
	t.Run("FixByOverdueAlertsSendersManager", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		sig := demoRequest("m")
		sig.Type, sig.Sender, sig.Fields = baton.SignalMeetingBooked, e.users["sdr1"].Email, meetingContext()
		sig.Meeting = &baton.SignalMeeting{StartsAt: t0.Add(72 * time.Hour), TimeZone: "America/Los_Angeles", Agenda: "Discovery"}
		h := e.ingest(t, sig)
		if h.SenderID != e.users["sdr1"].ID || h.MeetingID == "" {
			t.Fatalf("got sender %s meeting %q, want sdr1 and a meeting", h.SenderID, h.MeetingID)
		}
		e.act(t, h.ID, baton.CmdReject, service.CommandInput{Gaps: []string{"budget"}})
		if got := e.messages(t, baton.MsgReturned); len(got) != 1 || got[0].RecipientID != h.SenderID {
			t.Errorf("got returned messages %v, want one to the sender", got)
		}
		e.advance(t, 25*time.Hour)
		v := e.view(t, h.ID)
		if count(kinds(v.Events), baton.EventFixOverdue) != 1 {
			t.Errorf("got events %v, want one fix_overdue", kinds(v.Events))
		}
		if got := e.messages(t, baton.MsgFixOver); len(got) != 1 || got[0].RecipientID != e.users["mgr"].ID {
			t.Errorf("got fix-overdue messages %v, want one to the sender's manager", got)
		}
	})
	t.Run("EachTimerFiresOnce", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.ingest(t, demoRequest("x"))
		e.clock.Add(3 * time.Minute)
		timers, err := e.svc.ClaimTimers(e.ctx, time.Minute, 10)
		if err != nil || len(timers) != 1 {
			t.Fatalf("got %d timers (%v), want the reminder", len(timers), err)
		}
		// Two workers (or a retry after a crash) fire the same timer.
		for i := range 3 {
			fired, err := e.svc.FireTimer(e.ctx, timers[0].ID)
			if err != nil || fired != (i == 0) {
				t.Errorf("attempt %d: got fired=%v err=%v, want fired only the first time", i, fired, err)
			}
		}
		if got := count(kinds(e.view(t, h.ID).Events), baton.EventReminded); got != 1 {
			t.Errorf("got %d reminders, want 1", got)
		}
	})
}

func TestMeetingSetDeadline(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for _, tc := range []struct {
		ahead time.Duration
		want  time.Duration
	}{{72 * time.Hour, 48 * time.Hour}, {2 * time.Hour, 30 * time.Minute}} {
		sig := demoRequest(fmt.Sprint("m", tc.ahead))
		sig.Type = baton.SignalMeetingBooked
		sig.Meeting = &baton.SignalMeeting{StartsAt: t0.Add(tc.ahead), TimeZone: "Europe/London"}
		h := e.ingest(t, sig)
		if got := h.AcceptBy.Sub(t0); got != tc.want || h.Type != "meeting_set" || h.ToTeam != "ae" {
			t.Errorf("meeting %s ahead: got %s %s due in %s, want meeting_set to ae due in %s", tc.ahead, h.Type, h.ToTeam, got, tc.want)
		}
	}
}
