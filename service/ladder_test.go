package service_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
)

// ladderPlaybook has a business-clock tier with every ladder action, on a
// calendar of 09:00-17:00 New York time, and a type with activities.
const ladderPlaybook = `version: 1
calendars:
  - {name: ny, timezone: America/New_York, hours: "mon-fri 09:00-17:00"}
teams:
  sdr: {calendar: ny, ops_lead: ops@t.example}
tiers:
  - name: warm
    accept: 2h
    first_touch: 4h
    ladder:
      - {at: 50%, action: remind_owner}
      - {at: 75%, action: raise_priority}
      - {at: 100%, action: alert_manager}
      - {after: 30m, action: reassign_backup}
      - {after: 1h, action: alert_ops}
  - name: hot
    accept: 10m
    clock: around_the_clock
handoff_types:
  - name: lead
    from: marketing
    to: sdr
    triggers: [demo_request]
    tier: warm
    tier_rules:
      - {when: signal.source == "vip", tier: hot}
  - name: won
    from: sales
    to: sdr
    triggers: [contract_signed]
    tier: warm
    activities:
      - {name: intro, label: Customer introduction, owner: sender, within: 2h}
      - {name: prep, label: CS preparation, within: 1d, from: accepted}
`

func ladderEnv(t *testing.T) *env {
	t.Helper()
	e := setup(t)
	pb, err := playbook.Parse("ladder.yaml", []byte(ladderPlaybook))
	if err != nil {
		t.Fatal(err)
	}
	e.svc.SetPlaybook(pb)
	// Monday 23 Nov 2026 14:00 UTC = 09:00 in New York: the day starts.
	return e
}

func eventsOf(t *testing.T, e *env, id string) []string { return kinds(e.view(t, id).Events) }

func TestLadderSteps(t *testing.T) {
	t.Parallel()
	e := ladderEnv(t)
	h := e.ingest(t, demoRequest("l"))
	if want := t0.Add(2 * time.Hour); !h.AcceptBy.Equal(want) {
		t.Fatalf("accept by: got %s, want %s", h.AcceptBy, want)
	}
	steps := []struct {
		advance time.Duration
		kind    string
		check   func(v *service.HandoffView) string
	}{
		{time.Hour, baton.EventReminded, nil},
		{30 * time.Minute, baton.EventPriority, func(v *service.HandoffView) string {
			if v.Priority != 1 {
				return "priority not raised"
			}
			return ""
		}},
		{30 * time.Minute, baton.EventBreached, func(v *service.HandoffView) string {
			if !v.Breached {
				return "not flagged breached"
			}
			return ""
		}},
		{30 * time.Minute, baton.EventReassigned, func(v *service.HandoffView) string {
			if v.OwnerID != h.BackupID {
				return "not moved to the backup"
			}
			return ""
		}},
	}
	for _, st := range steps {
		before := count(eventsOf(t, e, h.ID), st.kind)
		e.advance(t, st.advance-time.Minute)
		if got := count(eventsOf(t, e, h.ID), st.kind); got != before {
			t.Fatalf("%s fired a minute early", st.kind)
		}
		e.advance(t, time.Minute)
		v := e.view(t, h.ID)
		if got := count(kinds(v.Events), st.kind); got != before+1 {
			t.Fatalf("after %s: got %d %s events, want %d (events %v)", st.advance, got, st.kind, before+1, kinds(v.Events))
		}
		if st.check != nil {
			if msg := st.check(v); msg != "" {
				t.Errorf("%s: %s", st.kind, msg)
			}
		}
	}
}

func TestLadderAlertsOpsLead(t *testing.T) {
	t.Parallel()
	e := ladderEnv(t)
	src := strings.Replace(ladderPlaybook, "      - {after: 30m, action: reassign_backup}\n", "", 1)
	pb, err := playbook.Parse("noreassign.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	e.svc.SetPlaybook(pb)
	h := e.ingest(t, demoRequest("o"))
	e.advance(t, 3*time.Hour)
	var toOps bool
	for _, m := range e.messages(t, baton.MsgEscalated) {
		toOps = toOps || m.RecipientID == e.users["ops"].ID
	}
	if !toOps || count(eventsOf(t, e, h.ID), baton.EventEscalated) != 1 {
		t.Errorf("got escalation events %v, want one alert to the ops lead", eventsOf(t, e, h.ID))
	}
}

func TestBusinessClockWaitsForWorkingHours(t *testing.T) {
	t.Parallel()
	e := ladderEnv(t)
	// Friday 27 Nov 2026, 16:00 New York: one business hour left that day.
	e.clock.Set(time.Date(2026, 11, 27, 21, 0, 0, 0, time.UTC))
	h := e.ingest(t, demoRequest("f"))
	// 2 business hours: 1 on Friday, 1 on Monday from 09:00.
	if want := time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC); !h.AcceptBy.Equal(want) {
		t.Errorf("accept by: got %s, want Monday 10:00 New York (%s)", h.AcceptBy, want)
	}
	// The 50% reminder falls due at 17:00 Friday, the owner's last working
	// minute… the owner works 24x7 in this test, so check the manager alert
	// instead: it waits for the manager's Monday.
	mgr := e.users["mgr"]
	mgr.WorkingHours = "mon-fri 09:00-17:00"
	if _, err := e.svc.PutUser(e.ctx, mgr); err != nil {
		t.Fatal(err)
	}
	h2 := e.ingest(t, demoRequest("f2"))
	e.advance(t, 72*time.Hour) // to Monday 16:00 New York
	var alert *baton.Message
	for _, m := range e.messages(t, baton.MsgBreach) {
		if strings.Contains(string(m.Payload), h2.ID) {
			alert = m
		}
	}
	if alert == nil {
		t.Fatal("no breach alert")
	}
	// The manager's hours are in America/New_York: 09:00 Monday at the earliest.
	if earliest := time.Date(2026, 11, 30, 14, 0, 0, 0, time.UTC); alert.CreatedAt.Before(earliest) {
		t.Errorf("alert created %s, before the manager's working day %s", alert.CreatedAt, earliest)
	}
}

func TestTierRuleRaisesTier(t *testing.T) {
	t.Parallel()
	e := ladderEnv(t)
	sig := demoRequest("vip")
	sig.Source = "vip"
	h := e.ingest(t, sig)
	if h.Tier != "hot" || !h.AcceptBy.Equal(t0.Add(10*time.Minute)) {
		t.Errorf("got tier %s accept by %s, want hot and 10 minutes", h.Tier, h.AcceptBy)
	}
	if h.Trace[1].Step != "tier" && h.Trace[2].Step != "tier" {
		t.Errorf("trace does not explain the tier: %+v", h.Trace)
	}
}

// ladderOwner makes sdr2 (London) the only eligible owner, working hours.
func ladderOwner(t *testing.T, e *env, hours string) *baton.User {
	t.Helper()
	for _, name := range []string{"sdr1", "sdr3"} {
		u := e.users[name]
		u.Paused = true
		if _, err := e.svc.PutUser(e.ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	owner := e.users["sdr2"]
	owner.WorkingHours = hours
	if _, err := e.svc.PutUser(e.ctx, owner); err != nil {
		t.Fatal(err)
	}
	return owner
}

// TestLadderStepsKeepTheirOrder: on a business clock a step that alerts
// someone waits for their next working minute, but never past a later
// step: a reminder deferred beyond the deadline has lost its moment.
func TestLadderStepsKeepTheirOrder(t *testing.T) {
	t.Parallel()
	t.Run("ReminderWaitsForOwnersWorkingMinute", func(t *testing.T) {
		t.Parallel()
		e := ladderEnv(t)
		// A break 14:30-15:15 London, when the 50% reminder falls; the 75%
		// step is at 15:30.
		owner := ladderOwner(t, e, "mon-fri 09:00-14:30,15:15-18:00")
		h := e.ingest(t, demoRequest("w")) // Monday 14:00 UTC; 50% of 2 business hours is 15:00 UTC
		if h.OwnerID != owner.ID {
			t.Fatalf("got owner %s, want sdr2", h.OwnerID)
		}
		e.advance(t, 74*time.Minute) // 15:14 UTC
		if got := count(eventsOf(t, e, h.ID), baton.EventReminded); got != 0 {
			t.Fatalf("reminded during the owner's break")
		}
		e.advance(t, time.Minute) // 15:15 London: back at work, before the next step
		if got := count(eventsOf(t, e, h.ID), baton.EventReminded); got != 1 {
			t.Errorf("got %d reminders at the owner's next working minute, want 1", got)
		}
	})
	t.Run("ReminderDeferredPastTheDeadlineIsDropped", func(t *testing.T) {
		t.Parallel()
		e := ladderEnv(t)
		src := strings.Replace(ladderPlaybook, "      - {after: 30m, action: reassign_backup}\n", "", 1)
		pb, err := playbook.Parse("noreassign.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		e.svc.SetPlaybook(pb)
		owner := ladderOwner(t, e, "mon-fri 09:00-14:30") // London: the day ends before the 50% point
		h := e.ingest(t, demoRequest("d"))
		if h.OwnerID != owner.ID {
			t.Fatalf("got owner %s, want sdr2", h.OwnerID)
		}
		e.advance(t, 3*24*time.Hour) // through Thursday: breach, ops alert, the owner's next mornings
		evs := eventsOf(t, e, h.ID)
		if got := count(evs, baton.EventReminded); got != 0 {
			t.Errorf("got %d reminders, want none: the owner's next working minute is after the breach (events %v)", got, evs)
		}
		breach := slices.Index(evs, baton.EventBreached)
		if breach < 0 {
			t.Fatalf("no breach in %v", evs)
		}
		for _, m := range e.messages(t, baton.MsgReminder) {
			if m.RecipientID == owner.ID {
				t.Errorf("reminder sent to the owner at %s, after the deadline %s", m.CreatedAt, h.AcceptBy)
			}
		}
	})
	t.Run("DeferredBreachRidesWithTheBackupMove", func(t *testing.T) {
		t.Parallel()
		e := ladderEnv(t)
		mgr := e.users["mgr"]
		mgr.WorkingHours = "mon-fri 09:00-10:00" // New York: gone by the 11:00 deadline
		if _, err := e.svc.PutUser(e.ctx, mgr); err != nil {
			t.Fatal(err)
		}
		h := e.ingest(t, demoRequest("b"))
		e.advance(t, 2*time.Hour) // 11:00 New York: the deadline; the alert waits for the manager
		if v := e.view(t, h.ID); v.Breached {
			t.Fatal("breach alert sent outside the manager's hours")
		}
		e.advance(t, 30*time.Minute) // the backup move is due: the breach goes with it
		v := e.view(t, h.ID)
		evs := kinds(v.Events)
		breach, moved := slices.Index(evs, baton.EventBreached), slices.Index(evs, baton.EventReassigned)
		if breach < 0 || moved < 0 || breach > moved || !v.Breached {
			t.Errorf("got events %v (breached %v), want the accept breach recorded with the backup move", evs, v.Breached)
		}
		if got := len(e.messages(t, baton.MsgBreach)); got != 1 {
			t.Errorf("got %d breach alerts, want 1 to the manager", got)
		}
	})
	t.Run("HotLeadReminderNeverAfterBreach", func(t *testing.T) {
		t.Parallel()
		e := setup(t) // the default playbook: hot is 5 minutes, around the clock
		owner := e.users["sdr1"]
		owner.WorkingHours = "mon-fri 09:00-17:00"
		if _, err := e.svc.PutUser(e.ctx, owner); err != nil {
			t.Fatal(err)
		}
		e.clock.Set(time.Date(2026, 11, 23, 23, 0, 0, 0, time.UTC)) // 18:00 New York, after hours
		h := e.ingest(t, demoRequest("night"))
		e.advance(t, 12*time.Hour)
		var breachAt time.Time
		for _, ev := range e.view(t, h.ID).Events {
			if ev.Kind == baton.EventBreached && breachAt.IsZero() {
				breachAt = ev.At
			}
		}
		if breachAt.IsZero() {
			t.Fatal("no breach")
		}
		for _, ev := range e.view(t, h.ID).Events {
			if ev.Kind == baton.EventReminded && ev.At.After(breachAt) {
				t.Errorf("reminder at %s, after the breach at %s", ev.At, breachAt)
			}
		}
	})
}

// TestLastRungRepeats: after the last rung nothing stays silent: it repeats
// on its step's interval, up to its cap, until someone accepts.
func TestLastRungRepeats(t *testing.T) {
	t.Parallel()
	repeating := func(t *testing.T, last string) *env {
		t.Helper()
		e := ladderEnv(t)
		src := strings.Replace(ladderPlaybook, "      - {after: 30m, action: reassign_backup}\n", "", 1)
		src = strings.Replace(src, "      - {after: 1h, action: alert_ops}\n", last, 1)
		pb, err := playbook.Parse("repeat.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		e.svc.SetPlaybook(pb)
		return e
	}
	// walk moves the clock in quarter hours, as a worker polling would.
	walk := func(t *testing.T, e *env, d time.Duration) {
		t.Helper()
		for ; d > 0; d -= 15 * time.Minute {
			e.advance(t, min(d, 15*time.Minute))
		}
	}
	opsAlerts := func(t *testing.T, e *env, id string) int {
		t.Helper()
		n := 0
		for _, m := range e.messages(t, baton.MsgEscalated) {
			if m.RecipientID == e.users["ops"].ID && strings.Contains(string(m.Payload), id) {
				n++
			}
		}
		return n
	}
	t.Run("RepeatsOnItsIntervalUpToItsCap", func(t *testing.T) {
		t.Parallel()
		e := repeating(t, "      - {after: 1h, action: alert_ops, repeat: 2h, repeats: 3}\n")
		h := e.ingest(t, demoRequest("r")) // Monday 09:00 New York; deadline 11:00, ops at 12:00
		walk(t, e, 3*time.Hour)
		if got := opsAlerts(t, e, h.ID); got != 1 {
			t.Fatalf("at the last rung: got %d ops alerts, want 1", got)
		}
		walk(t, e, 2*time.Hour-time.Minute)
		if got := opsAlerts(t, e, h.ID); got != 1 {
			t.Fatalf("a minute before the repeat: got %d ops alerts, want 1", got)
		}
		e.advance(t, time.Minute) // 14:00 New York
		if got := opsAlerts(t, e, h.ID); got != 2 {
			t.Fatalf("at the repeat: got %d ops alerts, want 2", got)
		}
		walk(t, e, 7*24*time.Hour)
		if got := opsAlerts(t, e, h.ID); got != 4 {
			t.Errorf("a week on: got %d ops alerts, want 4 (the rung and 3 repeats)", got)
		}
	})
	t.Run("DefaultRepeatsEveryWorkingDayUntilAccepted", func(t *testing.T) {
		t.Parallel()
		e := ladderEnv(t)
		h := e.ingest(t, demoRequest("d")) // reassigned to the backup at 11:30, whose ladder ends with ops
		walk(t, e, 6*time.Hour)            // 15:00 New York: the backup's ops alert at 14:30
		if got := opsAlerts(t, e, h.ID); got != 1 {
			t.Fatalf("got %d ops alerts on day one, want 1", got)
		}
		walk(t, e, 24*time.Hour) // Tuesday 15:00: one working day later
		if got := opsAlerts(t, e, h.ID); got != 2 {
			t.Fatalf("got %d ops alerts a working day later, want 2", got)
		}
		e.act(t, h.ID, baton.CmdAccept, service.CommandInput{})
		walk(t, e, 7*24*time.Hour)
		if got := opsAlerts(t, e, h.ID); got != 2 {
			t.Errorf("after accepting: got %d ops alerts, want no more than 2", got)
		}
	})
	t.Run("RepeatedManagerAlertIsNotANewBreach", func(t *testing.T) {
		t.Parallel()
		e := repeating(t, "") // the ladder ends with the manager alert
		h := e.ingest(t, demoRequest("m"))
		walk(t, e, 3*24*time.Hour)
		evs := eventsOf(t, e, h.ID)
		if got := count(evs, baton.EventBreached); got != 2 { // the accept breach and the first-touch breach
			t.Errorf("got %d breaches, want 2 (accept and first touch): %v", got, evs)
		}
		// Breach Monday 11:00 New York; repeats Tuesday and Wednesday 11:00.
		if got := count(evs, baton.EventEscalated); got != 2 {
			t.Errorf("got %d repeated manager alerts by Thursday 09:00, want 2: %v", got, evs)
		}
	})
}
