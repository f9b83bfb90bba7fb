package service_test

import (
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

func TestPauseAndResume(t *testing.T) {
	t.Parallel()
	e := ladderEnv(t)
	h := e.ingest(t, demoRequest("p"))
	e.advance(t, 30*time.Minute) // 1h30 of business time left
	if _, err := e.svc.Act(e.ctx, e.admin, h.ID, baton.CmdPause, service.CommandInput{}); baton.ErrorCode(err) != baton.EINVALID {
		t.Errorf("pause without a reason: got %v, want invalid", err)
	}
	e.act(t, h.ID, baton.CmdPause, service.CommandInput{Reason: "waiting on the customer's security review"})
	if _, err := e.svc.Act(e.ctx, e.admin, h.ID, baton.CmdAccept, service.CommandInput{}); baton.ErrorCode(err) != baton.ECONFLICT {
		t.Errorf("accept while paused: got %v, want conflict", err)
	}
	e.advance(t, 48*time.Hour) // nothing fires while paused
	v := e.view(t, h.ID)
	if count(kinds(v.Events), baton.EventReminded) != 0 || v.Breached || len(v.Timers) != 0 {
		t.Fatalf("clocks ran while paused: events %v timers %d", kinds(v.Events), len(v.Timers))
	}
	resumed := e.act(t, h.ID, baton.CmdResume, service.CommandInput{})
	// Wednesday 14:30 UTC = 09:30 New York; 1h30 left → 11:00 New York.
	if want := time.Date(2026, 11, 25, 16, 0, 0, 0, time.UTC); !resumed.AcceptBy.Equal(want) {
		t.Errorf("accept by after resume: got %s, want %s", resumed.AcceptBy, want)
	}
	e.advance(t, 30*time.Minute) // the reminder was due 30 business minutes after the pause point
	if got := count(eventsOf(t, e, h.ID), baton.EventReminded); got != 1 {
		t.Errorf("got %d reminders after resuming, want 1", got)
	}
	if _, err := e.svc.Act(e.ctx, e.admin, h.ID, baton.CmdResume, service.CommandInput{}); baton.ErrorCode(err) != baton.ECONFLICT {
		t.Errorf("resume when not paused: got %v, want conflict", err)
	}
}
