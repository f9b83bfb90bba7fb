package sla_test

import (
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/batonhq/baton/bizhours"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/sla"
)

func tier(t *testing.T, yaml string) (*playbook.Playbook, *playbook.Tier, *playbook.HandoffType) {
	t.Helper()
	pb, err := playbook.Parse("t.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	h := pb.HandoffType("x")
	return pb, h.TierOf(), h
}

const base = `version: 1
calendars:
  - {name: ny, timezone: America/New_York, hours: "mon-fri 09:00-17:00", holidays: ["2026-11-26"]}
tiers:
  - name: warm
    accept: 4h
    grace: 1h
  - name: hot
    accept: 5m
    grace: 5m
    clock: around_the_clock
handoff_types:
  - {name: x, from: a, to: b, triggers: [demo_request], tier: warm}
  - {name: y, from: a, to: b, triggers: [pricing_inquiry], tier: hot}
`

func TestAssignment(t *testing.T) {
	t.Parallel()
	pb, warm, h := tier(t, base)
	c := sla.ClockFor(warm, pb.CalendarFor("b"))
	// Wednesday 25 Nov 2026, 15:00 in New York; Thursday is Thanksgiving.
	now := time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC)
	p := sla.Assignment(h, warm, c, now, time.Time{})
	// 2 business hours left on Wednesday, then Friday 09:00 + 2h.
	if want := time.Date(2026, 11, 27, 16, 0, 0, 0, time.UTC); !p.AcceptBy.Equal(want) {
		t.Errorf("accept by: got %s, want %s", p.AcceptBy, want)
	}
	wantSteps := []struct {
		action string
		due    time.Time
	}{
		{playbook.ActionRemindOwner, time.Date(2026, 11, 25, 22, 0, 0, 0, time.UTC)},    // 50% = 2h: 17:00 NY
		{playbook.ActionAlertManager, time.Date(2026, 11, 27, 16, 0, 0, 0, time.UTC)},   // at the deadline
		{playbook.ActionReassignBackup, time.Date(2026, 11, 27, 17, 0, 0, 0, time.UTC)}, // +1 business hour
		{playbook.ActionAlertOps, time.Date(2026, 11, 27, 18, 0, 0, 0, time.UTC)},       // +2 business hours
	}
	if len(p.Ladder) != len(wantSteps) {
		t.Fatalf("got %d steps, want %d", len(p.Ladder), len(wantSteps))
	}
	for i, w := range wantSteps {
		if p.Ladder[i].Action != w.action || !p.Ladder[i].Due.Equal(w.due) {
			t.Errorf("step %d: got %s at %s, want %s at %s", i, p.Ladder[i].Action, p.Ladder[i].Due, w.action, w.due)
		}
	}

	hot := pb.Tier("hot")
	y := pb.HandoffType("y")
	hp := sla.Assignment(y, hot, sla.ClockFor(hot, pb.CalendarFor("b")), now, time.Time{})
	if want := now.Add(5 * time.Minute); !hp.AcceptBy.Equal(want) {
		t.Errorf("around the clock: got %s, want %s", hp.AcceptBy, want)
	}
}

func TestResume(t *testing.T) {
	t.Parallel()
	cal, err := bizhours.ParseCalendar("mon-fri 09:00-17:00", "UTC", nil)
	if err != nil {
		t.Fatal(err)
	}
	c := sla.Clock{Cal: cal}
	mon10 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	deadline := mon10.Add(4 * time.Hour) // Monday 14:00
	// Paused Monday 11:00 (3 business hours left), resumed Tuesday 16:00.
	got := c.Resume(deadline, mon10.Add(time.Hour), time.Date(2026, 11, 24, 16, 0, 0, 0, time.UTC))
	if want := time.Date(2026, 11, 25, 11, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("business: got %s, want %s", got, want)
	}
	wall := sla.Clock{AroundTheClock: true}
	if got := wall.Resume(deadline, mon10, mon10.Add(90*time.Minute)); !got.Equal(deadline.Add(90 * time.Minute)) {
		t.Errorf("around the clock: got %s", got)
	}
}

func TestBusinessDays(t *testing.T) {
	t.Parallel()
	cal, err := bizhours.ParseCalendar("mon-fri 09:00-12:30,13:30-18:00", "America/New_York", nil)
	if err != nil {
		t.Fatal(err)
	}
	c := sla.Clock{Cal: cal}
	wed10 := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC) // 10:00 in New York
	if got, want := c.Add(wed10, c.Span(24*time.Hour)), time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("1 business day: got %s, want %s", got, want)
	}
	if got, want := c.Add(wed10, c.Span(3*24*time.Hour)), time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("3 business days: got %s, want Monday 10:00 %s", got, want)
	}
	if got := (sla.Clock{AroundTheClock: true}).Span(24 * time.Hour); got != 24*time.Hour {
		t.Errorf("around the clock: got %s", got)
	}
}
