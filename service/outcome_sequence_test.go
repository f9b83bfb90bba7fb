package service_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/brief"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
)

// heldMeeting books a meeting an hour ahead on a meeting_set handoff, has
// its owner accept and touch it, and moves the clock to the meeting's start.
func heldMeeting(t *testing.T, e *env, id string) *baton.Handoff {
	t.Helper()
	h := bookMeeting(t, e, id, time.Hour)
	e.act(t, h.ID, baton.CmdAccept, service.CommandInput{})
	e.act(t, h.ID, baton.CmdTouch, service.CommandInput{})
	e.advance(t, time.Hour)
	return e.view(t, h.ID).Handoff
}

// recipients lists who got messages of kind about handoff id, each once,
// sorted.
func recipients(t *testing.T, e *env, kind, id string) []string {
	t.Helper()
	var out []string
	for _, m := range e.messages(t, kind) {
		if m.HandoffID == id && !slices.Contains(out, m.RecipientID) {
			out = append(out, m.RecipientID)
		}
	}
	slices.Sort(out)
	return out
}

// lastOutcome decodes the last outcome event of a handoff.
func lastOutcome(t *testing.T, v *service.HandoffView) baton.OutcomeData {
	t.Helper()
	for i := len(v.Events) - 1; i >= 0; i-- {
		if v.Events[i].Kind == baton.EventOutcome {
			d, err := baton.DecodeEventData[baton.OutcomeData](v.Events[i])
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
	}
	t.Fatal("no outcome event")
	return baton.OutcomeData{}
}

// pendingFor returns the pending timer of kind for an activity.
func pendingFor(t *testing.T, v *service.HandoffView, kind, activityID string) *baton.Timer {
	t.Helper()
	for _, tm := range v.Timers {
		if tm.Kind == kind && tm.Ref == activityID {
			return tm
		}
	}
	t.Fatalf("no pending %s for activity %s in %+v", kind, activityID, v.Timers)
	return nil
}

func openTask(t *testing.T, v *service.HandoffView, outcome string) *baton.Activity {
	t.Helper()
	for _, a := range v.Activities {
		if a.Outcome == outcome && a.Status == baton.ActivityOpen {
			return a
		}
	}
	t.Fatalf("no open task of %s among %+v", outcome, v.Activities)
	return nil
}

// TestOutcomeSequences runs each open outcome's task on a fake clock:
// created with the outcome (the handoff stays actioned), the owner
// reminded at half time, the manager alerted at the deadline.
func TestOutcomeSequences(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		outcome, task string
		days          int // business days to the deadline
	}{
		{baton.OutcomeNoShow, "rebook", 1},
		{baton.OutcomeInterested, "follow_up", 2},
		{baton.OutcomeProposal, "proposal", 2},
	} {
		t.Run(tc.outcome, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			h := heldMeeting(t, e, "seq")
			at := e.clock.Now()
			got := e.act(t, h.ID, baton.CmdOutcome, service.CommandInput{Outcome: tc.outcome})
			if got.State != baton.StateActioned || got.Outcome != tc.outcome || !got.ClosedAt.IsZero() {
				t.Fatalf("got state %s, outcome %q, closed %s; want actioned, %s, open", got.State, got.Outcome, got.ClosedAt, tc.outcome)
			}
			v := e.view(t, h.ID)
			if d := lastOutcome(t, v); !slices.Equal(d.Tasks, []string{tc.task}) {
				t.Errorf("outcome event names tasks %v, want [%s]", d.Tasks, tc.task)
			}
			a := openTask(t, v, tc.outcome)
			if a.Name != tc.task || a.OwnerID != h.OwnerID {
				t.Errorf("got task %s for %s, want %s for the owner %s", a.Name, a.OwnerID, tc.task, h.OwnerID)
			}
			// Business days on the americas calendar, from Monday 10:00 in New York.
			if want := at.AddDate(0, 0, tc.days); !a.DueAt.Equal(want) {
				t.Errorf("due %s, want %s (%d business days)", a.DueAt, want, tc.days)
			}
			remind := pendingFor(t, v, baton.TimerActivityRemind, a.ID)
			e.advance(t, remind.DueAt.Sub(e.clock.Now()))
			if got := recipients(t, e, baton.MsgActivity, h.ID); !slices.Equal(got, []string{h.OwnerID}) {
				t.Errorf("reminded %v, want the owner", got)
			}
			if got := recipients(t, e, baton.MsgActLate, h.ID); len(got) != 0 {
				t.Errorf("alerted %v before the deadline", got)
			}
			e.advance(t, a.DueAt.Sub(e.clock.Now())+time.Minute)
			if got := recipients(t, e, baton.MsgActLate, h.ID); !slices.Equal(got, []string{e.users["mgr"].ID}) {
				t.Errorf("at the deadline alerted %v, want the owner's manager", got)
			}
			if n := count(eventsOf(t, e, h.ID), baton.EventActivityLate); n != 1 {
				t.Errorf("got %d activity_overdue events, want 1", n)
			}
		})
	}
}

// TestOutcomeSequenceEnds: the handoff moving on ends the open outcome's
// tasks and their clocks, or hands them to the new owner.
func TestOutcomeSequenceEnds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		move func(e *env, h *baton.Handoff) error
		// status is the follow-up task's after the move; owner who holds it.
		status string
		owner  func(e *env, h *baton.Handoff) string
	}{
		{"ALaterOutcome", func(e *env, h *baton.Handoff) error {
			_, err := e.svc.Act(e.ctx, e.admin, h.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeProposal})
			return err
		}, baton.ActivityCancelled, nil},
		{"Completion", func(e *env, h *baton.Handoff) error {
			_, err := e.svc.Act(e.ctx, e.admin, h.ID, baton.CmdComplete, service.CommandInput{})
			return err
		}, baton.ActivityCancelled, nil},
		{"Cancellation", func(e *env, h *baton.Handoff) error {
			_, err := e.svc.Act(e.ctx, e.admin, h.ID, baton.CmdCancel, service.CommandInput{Reason: "duplicate"})
			return err
		}, baton.ActivityCancelled, nil},
		{"AClosingOutcome", func(e *env, h *baton.Handoff) error {
			_, err := e.svc.Act(e.ctx, e.admin, h.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeNotInterested})
			return err
		}, baton.ActivityCancelled, nil},
		{"ReassignmentHandsItOver", func(e *env, h *baton.Handoff) error {
			_, err := e.svc.Act(e.ctx, e.admin, h.ID, baton.CmdReassign, service.CommandInput{Reason: "holiday"})
			return err
		}, baton.ActivityOpen, func(e *env, h *baton.Handoff) string { return e.view(t, h.ID).OwnerID }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			h := heldMeeting(t, e, "ends")
			e.act(t, h.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeInterested})
			task := openTask(t, e.view(t, h.ID), baton.OutcomeInterested)
			if err := tc.move(e, h); err != nil {
				t.Fatal(err)
			}
			v := e.view(t, h.ID)
			var got *baton.Activity
			for _, a := range v.Activities {
				if a.ID == task.ID {
					got = a
				}
			}
			if got == nil || got.Status != tc.status {
				t.Fatalf("follow-up task after the move: got %+v, want %s", got, tc.status)
			}
			if tc.owner != nil {
				if want := tc.owner(e, h); got.OwnerID != want || want == h.OwnerID {
					t.Errorf("task held by %s, want the new owner %s (was %s)", got.OwnerID, want, h.OwnerID)
				}
				return
			}
			for _, tm := range v.Timers {
				if tm.Ref == task.ID {
					t.Errorf("the ended task keeps a pending %s timer", tm.Kind)
				}
			}
			e.advance(t, 10*24*time.Hour)
			if got := recipients(t, e, baton.MsgActLate, h.ID); len(got) != 0 && tc.name != "ALaterOutcome" {
				t.Errorf("alerted %v about an ended task", got)
			}
		})
	}
}

// TestNoShowSequence: a no-show keeps the handoff open, offers the
// prospect a new time, gives the owner a rebooking task that the rebooked
// meeting completes; the second no-show alerts the manager.
func TestNoShowSequence(t *testing.T) {
	t.Parallel()
	e := setup(t)
	h := heldMeeting(t, e, "ns")
	e.act(t, h.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeNoShow})
	v := e.view(t, h.ID)
	if v.State != baton.StateActioned || v.Meeting.Status != baton.MeetingNoShow {
		t.Fatalf("got %s with the meeting %s, want actioned and no_show", v.State, v.Meeting.Status)
	}
	if got := e.messages(t, baton.MsgProspectNoShow); len(got) != 1 {
		t.Errorf("got %d rebooking offers to the prospect, want 1", len(got))
	}
	if got := count(kinds(v.Events), baton.EventEscalated); got != 0 {
		t.Errorf("the first no-show escalated %d times, want 0", got)
	}
	rebook := openTask(t, v, baton.OutcomeNoShow)

	t.Run("TheRebookedMeetingDoesTheTask", func(t *testing.T) {
		m, err := e.svc.RescheduleMeeting(e.ctx, e.admin, v.Meeting.ID, service.MeetingInput{StartsAt: e.clock.Now().Add(3 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != baton.MeetingBooked || m.Reschedules != 0 {
			t.Errorf("got meeting %s with %d reschedules, want booked again, not counted as a reschedule", m.Status, m.Reschedules)
		}
		v := e.view(t, h.ID)
		for _, a := range v.Activities {
			if a.ID == rebook.ID && a.Status != baton.ActivityDone {
				t.Errorf("rebook task is %s, want done", a.Status)
			}
		}
		b, err := e.svc.Brief(e.ctx, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(b.Brief.Flags, func(f brief.Flag) bool { return f.Code == brief.FlagPreviousNoShow }) {
			t.Errorf("the rebooked meeting's brief does not flag the no-show: %+v", b.Brief.Flags)
		}
	})

	t.Run("SecondNoShowAlertsTheManager", func(t *testing.T) {
		e.advance(t, 3*time.Hour)
		e.act(t, h.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeNoShow})
		v := e.view(t, h.ID)
		if got := count(kinds(v.Events), baton.EventEscalated); got != 1 {
			t.Errorf("got %d escalations, want 1", got)
		}
		if got := recipients(t, e, baton.MsgEscalated, h.ID); !slices.Equal(got, []string{e.users["mgr"].ID}) {
			t.Errorf("escalated to %v, want the owner's manager", got)
		}
		if d := lastOutcome(t, v); !slices.Equal(d.Tasks, []string{"rebook_2"}) {
			t.Errorf("second no-show's tasks: got %v, want [rebook_2]", d.Tasks)
		}
		if got := e.messages(t, baton.MsgProspectNoShow); len(got) != 2 {
			t.Errorf("got %d rebooking offers, want 2", len(got))
		}
	})
}

// TestWonOpensClosedWon: a won deal on the AE's meeting opens the
// closed-won handoff to customer success, with the context, the source and
// the AE as sender, linked both ways; a meeting the SDR booked does not.
func TestWonOpensClosedWon(t *testing.T) {
	t.Parallel()
	e := setup(t)
	h := heldMeeting(t, e, "won")
	got := e.act(t, h.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeWon})
	if got.State != baton.StateCompleted {
		t.Fatalf("got %s, want completed", got.State)
	}
	d := lastOutcome(t, e.view(t, h.ID))
	if d.Next == "" {
		t.Fatal("the outcome event names no next handoff")
	}
	next := e.view(t, d.Next)
	if next.Type != "closed_won" || next.SenderID != h.OwnerID || next.AccountID != h.AccountID || next.ContactID != h.ContactID {
		t.Errorf("got %s from %s for %s/%s; want closed_won from the AE %s for %s/%s", next.Type, next.SenderID, next.AccountID, next.ContactID,
			h.OwnerID, h.AccountID, h.ContactID)
	}
	for _, k := range []string{"timeline", "product_interest", "qualification_notes"} {
		if next.Context[k] == nil {
			t.Errorf("context %s was not carried over (have %v)", k, next.Context)
		}
	}
	if !slices.ContainsFunc(next.Trace, func(s baton.Step) bool { return s.Step == "outcome" && s.Subject == h.ID }) {
		t.Errorf("the closed-won trace does not name handoff %s", h.ID)
	}
	created, err := baton.DecodeEventData[baton.CreatedData](next.Events[0])
	if err != nil || created.Source != "website" || created.SignalType != baton.SignalContractSigned {
		t.Errorf("created: got %+v, %v; want a contract_signed from website", created, err)
	}
	if n := len(next.Activities); n != 4 {
		t.Errorf("the closed-won handoff has %d activities, want the playbook's 4", n)
	}

	t.Run("ItsSignalHoldsOnlyWhatASignalMay", func(t *testing.T) {
		// Lists, people and money ranges cannot ride in a signal's fields:
		// the raised signal stays valid (route simulate replays it) and
		// the win still opens the next handoff.
		h := heldMeeting(t, e, "won-lists")
		if _, err := e.svc.UpdateContext(e.ctx, e.admin, h.ID, map[string]any{
			"pain_points":    []any{"leads wait a day", "no owner on weekends"},
			"budget_range":   map[string]any{"min": 20000.0, "max": 50000.0, "currency": "USD"},
			"decision_maker": map[string]any{"name": "Ana Ruiz", "title": "CFO"},
		}); err != nil {
			t.Fatal(err)
		}
		e.act(t, h.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeWon})
		d := lastOutcome(t, e.view(t, h.ID))
		if d.Next == "" {
			t.Fatal("the win opened no closed-won handoff")
		}
		var sig *baton.Signal
		if err := e.db.View(e.ctx, func(tx baton.Tx) (err error) {
			sig, err = tx.Signal(e.ctx, e.view(t, d.Next).SignalID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := sig.Validate(e.clock.Now()); err != nil {
			t.Errorf("the raised signal does not validate: %v", err)
		}
	})

	t.Run("NotFromAHotLead", func(t *testing.T) {
		h := e.ingest(t, demoRequest("hot"))
		e.act(t, h.ID, baton.CmdAccept, service.CommandInput{})
		e.act(t, h.ID, baton.CmdTouch, service.CommandInput{})
		e.act(t, h.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeWon})
		if d := lastOutcome(t, e.view(t, h.ID)); d.Next != "" {
			t.Errorf("a booked hot lead opened %s", d.Next)
		}
	})
}

// TestRecycledToNurture: not interested and disqualified complete the
// handoff and recycle the lead with the reason, crediting its source.
func TestRecycledToNurture(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		outcome, note, want string
	}{
		{baton.OutcomeNotInterested, "", "not interested"},
		{baton.OutcomeDisqualified, "a student project", "a student project"},
	} {
		t.Run(tc.outcome, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			h := heldMeeting(t, e, "rc")
			got := e.act(t, h.ID, baton.CmdOutcome, service.CommandInput{Outcome: tc.outcome, Note: tc.note})
			if got.State != baton.StateCompleted {
				t.Errorf("got %s, want completed", got.State)
			}
			v := e.view(t, h.ID)
			var rec []baton.RecycledData
			for _, ev := range v.Events {
				if ev.Kind == baton.EventRecycled {
					d, err := baton.DecodeEventData[baton.RecycledData](ev)
					if err != nil {
						t.Fatal(err)
					}
					rec = append(rec, d)
				}
			}
			want := []baton.RecycledData{{Outcome: tc.outcome, Reason: tc.want, Source: "website"}}
			if diff := cmp.Diff(want, rec); diff != "" {
				t.Errorf("recycled events (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReschedules counts the moves of a booked meeting, flags the second
// in the brief, and keeps the owner unless the playbook reroutes.
func TestReschedules(t *testing.T) {
	t.Parallel()
	move := func(t *testing.T, e *env, meetingID string, ahead time.Duration) *baton.Meeting {
		t.Helper()
		m, err := e.svc.RescheduleMeeting(e.ctx, e.admin, meetingID, service.MeetingInput{StartsAt: e.clock.Now().Add(ahead)})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	flagged := func(t *testing.T, e *env, id string) bool {
		t.Helper()
		b, err := e.svc.Brief(e.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(b.Brief.Flags, func(f brief.Flag) bool { return f.Code == brief.FlagRescheduled })
	}

	t.Run("CountedAndFlaggedAtTheSecond", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := bookMeeting(t, e, "rs", 48*time.Hour)
		m := move(t, e, h.MeetingID, 72*time.Hour)
		if m.Reschedules != 1 || flagged(t, e, h.ID) {
			t.Errorf("after one move: %d reschedules, flagged %v; want 1, not flagged", m.Reschedules, flagged(t, e, h.ID))
		}
		m = move(t, e, h.MeetingID, 96*time.Hour)
		if m.Reschedules != 2 || !flagged(t, e, h.ID) {
			t.Errorf("after two moves: %d reschedules, flagged %v; want 2, flagged", m.Reschedules, flagged(t, e, h.ID))
		}
		v := e.view(t, h.ID)
		var counts []int
		for _, ev := range v.Events {
			if ev.Kind == baton.EventMeetingChanged {
				d, err := baton.DecodeEventData[baton.MeetingChangedData](ev)
				if err != nil {
					t.Fatal(err)
				}
				counts = append(counts, d.Reschedules)
			}
		}
		if !slices.Equal(counts, []int{1, 2}) {
			t.Errorf("meeting_changed events carry reschedule counts %v, want [1 2]", counts)
		}
		if v.OwnerID != h.OwnerID {
			t.Errorf("the owner changed from %s to %s, want kept", h.OwnerID, v.OwnerID)
		}
	})

	t.Run("RoutedAfreshWhenThePlaybookSaysSo", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		src := strings.Replace(string(playbook.DefaultYAML()), "reschedule: keep_owner", "reschedule: reroute", 1)
		pb, err := playbook.Parse("reroute.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		e.svc.SetPlaybook(pb)
		h := bookMeeting(t, e, "rr", 48*time.Hour)
		e.act(t, h.ID, baton.CmdAccept, service.CommandInput{})
		move(t, e, h.MeetingID, 72*time.Hour)
		v := e.view(t, h.ID)
		if v.OwnerID == h.OwnerID || v.OwnerID == "" || v.State != baton.StateAssigned {
			t.Errorf("after the reschedule: owner %s in %s, want another AE than %s, assigned", v.OwnerID, v.State, h.OwnerID)
		}
		if got := count(kinds(v.Events), baton.EventReassigned); got != 1 {
			t.Errorf("got %d reassigned events, want 1", got)
		}
		var outcomeClocks int
		for _, tm := range v.Timers {
			if tm.Kind == baton.TimerOutcomeDue {
				outcomeClocks++
				if tm.Generation != v.Generation {
					t.Errorf("outcome clock of generation %d, want %d", tm.Generation, v.Generation)
				}
			}
		}
		if outcomeClocks != len(pb.Tier(v.Tier).OutcomeLadder) {
			t.Errorf("got %d outcome clock timers, want one per rung", outcomeClocks)
		}
	})
}

// TestNoShowGivesTheTurnBack: the owner a pool's turn picked gets it back
// when the prospect does not show, once per assignment, unless the pool
// says otherwise.
func TestNoShowGivesTheTurnBack(t *testing.T) {
	t.Parallel()
	noShow := func(t *testing.T, e *env, id string) *baton.Handoff {
		t.Helper()
		h := e.ingest(t, demoRequest(id))
		e.act(t, h.ID, baton.CmdAccept, service.CommandInput{})
		e.act(t, h.ID, baton.CmdTouch, service.CommandInput{})
		return e.act(t, h.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeNoShow})
	}
	t.Run("TheSameSDRGoesNext", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		first := noShow(t, e, "rr1")
		if !slices.ContainsFunc(first.Trace, func(s baton.Step) bool { return s.Step == "turn_back" }) {
			t.Errorf("the trace does not say the turn was given back: %+v", first.Trace)
		}
		if next := e.ingest(t, demoRequest("rr2")); next.OwnerID != first.OwnerID {
			t.Errorf("next pick: got %s, want %s again", next.OwnerID, first.OwnerID)
		}
	})
	t.Run("OncePerAssignment", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		first := noShow(t, e, "once")
		e.act(t, first.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeNoShow})
		if n := count(stepsOf(e.view(t, first.ID).Trace), "turn_back"); n != 1 {
			t.Errorf("gave the turn back %d times, want 1", n)
		}
	})
	t.Run("OffForThePool", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		src := strings.Replace(string(playbook.DefaultYAML()), "return_turn_on_no_show: true", "return_turn_on_no_show: false", 1)
		pb, err := playbook.Parse("off.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		e.svc.SetPlaybook(pb)
		first := noShow(t, e, "off1")
		if next := e.ingest(t, demoRequest("off2")); next.OwnerID == first.OwnerID {
			t.Errorf("next pick went to %s again with the turn back off", next.OwnerID)
		}
	})
}

func stepsOf(trace []baton.Step) []string {
	out := make([]string, len(trace))
	for i, s := range trace {
		out[i] = s.Step
	}
	return out
}

// TestOutcomeClockEscalates: a meeting without an outcome reminds the
// owner at half of outcome_by, then at the deadline records it overdue and
// alerts the manager; recording the outcome stops the clock.
func TestOutcomeClockEscalates(t *testing.T) {
	t.Parallel()
	run := func(t *testing.T, record bool) (*env, *baton.Handoff) {
		e := setup(t)
		h := heldMeeting(t, e, "oc")
		v := e.view(t, h.ID)
		due := e.svc.OutcomeDue(h, v.Meeting)
		var rungs []*baton.Timer
		for _, tm := range v.Timers {
			if tm.Kind == baton.TimerOutcomeDue {
				rungs = append(rungs, tm)
			}
		}
		if len(rungs) != 2 || !rungs[1].DueAt.Equal(due) || !rungs[0].DueAt.Before(due) {
			t.Fatalf("got outcome clock %+v, want a reminder before %s and a rung at it", rungs, due)
		}
		e.advance(t, rungs[0].DueAt.Sub(e.clock.Now()))
		if got := recipients(t, e, baton.MsgOutcome, h.ID); !slices.Equal(got, []string{h.OwnerID}) {
			t.Errorf("at half time reminded %v, want the owner", got)
		}
		evs := eventsOf(t, e, h.ID)
		if count(evs, baton.EventReminded) != 1 || count(evs, baton.EventOutcomeLate) != 0 {
			t.Errorf("at half time: events %v, want one reminder and no overdue", evs)
		}
		if record {
			e.act(t, h.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeInterested})
		}
		e.clock.Set(due.Add(-time.Minute))
		e.advance(t, 2*time.Minute)
		return e, h
	}
	t.Run("RemindsThenAlertsTheManager", func(t *testing.T) {
		t.Parallel()
		e, h := run(t, false)
		want := []string{h.OwnerID, e.users["mgr"].ID}
		slices.Sort(want)
		if got := recipients(t, e, baton.MsgOutcome, h.ID); !slices.Equal(got, want) {
			t.Errorf("at the deadline: got %v, want the owner %s then the manager %s", got, h.OwnerID, e.users["mgr"].ID)
		}
		evs := eventsOf(t, e, h.ID)
		if count(evs, baton.EventOutcomeLate) != 1 || count(evs, baton.EventEscalated) != 1 {
			t.Errorf("at the deadline: events %v, want one outcome_overdue and one escalated", evs)
		}
	})
	t.Run("StopsOnceRecorded", func(t *testing.T) {
		t.Parallel()
		e, h := run(t, true)
		if n := count(eventsOf(t, e, h.ID), baton.EventOutcomeLate); n != 0 {
			t.Errorf("got %d outcome_overdue after the outcome, want 0", n)
		}
	})
}
