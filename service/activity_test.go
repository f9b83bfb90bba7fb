package service_test

import (
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

func TestActivities(t *testing.T) {
	t.Parallel()
	e := ladderEnv(t)
	sig := demoRequest("won")
	sig.Type, sig.Sender = baton.SignalContractSigned, e.users["sdr1"].Email
	h := e.ingest(t, sig)
	acts := e.activities(t, h.ID)
	if len(acts) != 1 || acts[0].Name != "intro" || acts[0].OwnerID != e.users["sdr1"].ID || !acts[0].DueAt.Equal(t0.Add(2*time.Hour)) {
		t.Fatalf("got %+v, want the intro, owned by the sender, due in 2 business hours", acts)
	}
	e.act(t, h.ID, baton.CmdAccept, service.CommandInput{})
	if acts = e.activities(t, h.ID); len(acts) != 2 {
		t.Fatalf("after accept: got %d activities, want the prep too", len(acts))
	}
	e.advance(t, time.Hour)
	if got := e.messages(t, baton.MsgActivity); len(got) != 1 || got[0].RecipientID != e.users["sdr1"].ID {
		t.Errorf("got reminders %v, want one to the sender at half time", got)
	}
	if _, err := e.svc.CompleteActivity(e.ctx, e.admin, h.ID, "intro", "sent"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CompleteActivity(e.ctx, e.admin, h.ID, "intro", ""); baton.ErrorCode(err) != baton.ECONFLICT {
		t.Errorf("completing twice: got %v, want conflict", err)
	}
	e.advance(t, 5*24*time.Hour)
	evs := eventsOf(t, e, h.ID)
	if count(evs, baton.EventActivityDone) != 1 || count(evs, baton.EventActivityLate) != 1 {
		t.Errorf("got events %v, want intro done and prep overdue", evs)
	}
	if got := e.messages(t, baton.MsgActLate); len(got) != 1 || got[0].RecipientID != e.users["mgr"].ID {
		t.Errorf("got overdue alerts %v, want one to the owner's manager", got)
	}
}

// TestClosedWonActivities runs the default playbook's four closed-won
// activities to their deadlines.
func TestClosedWonActivities(t *testing.T) {
	t.Parallel()
	e := setup(t)
	sig := demoRequest("cw")
	sig.Type, sig.Sender = baton.SignalContractSigned, e.users["ae1"].Email
	h := e.ingest(t, sig)
	acts := e.activities(t, h.ID)
	want := map[string]int{"customer_introduction": 2, "cs_preparation": 3, "kickoff_scheduled": 5, "kickoff_held": 10}
	if len(acts) != len(want) {
		t.Fatalf("got %d activities, want 4", len(acts))
	}
	for _, a := range acts {
		days, ok := want[a.Name]
		if !ok {
			t.Errorf("unexpected activity %s", a.Name)
			continue
		}
		// Business days on the americas calendar (Thanksgiving on the 26th).
		if a.DueAt.Before(t0.AddDate(0, 0, days-1)) || a.DueAt.After(t0.AddDate(0, 0, days+days/5*2+3)) {
			t.Errorf("%s due %s, want about %d business days after %s", a.Name, a.DueAt, days, t0)
		}
	}
	if acts[0].OwnerID != e.users["ae1"].ID {
		t.Errorf("the introduction belongs to %s, want the sender (the AE)", acts[0].OwnerID)
	}
	e.advance(t, 20*24*time.Hour)
	if got := count(eventsOf(t, e, h.ID), baton.EventActivityLate); got != 4 {
		t.Errorf("got %d overdue activities, want 4 (each once)", got)
	}
}
