package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
	"github.com/batonhq/baton/service"
)

// after returns the first event of kind at or after index i of evs, and its
// index; it fails the test when there is none.
func after(t *testing.T, evs []*baton.Event, i int, kind string) (*baton.Event, int) {
	t.Helper()
	for ; i < len(evs); i++ {
		if evs[i].Kind == kind {
			return evs[i], i
		}
	}
	t.Fatalf("no %s event in %v", kind, kinds(evs))
	return nil, 0
}

func decode[T baton.EventData](t *testing.T, e *baton.Event) T {
	t.Helper()
	d, err := baton.DecodeEventData[T](e)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (e *env) name(t *testing.T, id string) string {
	t.Helper()
	for _, u := range e.users {
		if u.ID == id {
			return u.Name
		}
	}
	t.Fatalf("user %s is not a test user", id)
	return ""
}

func TestReassignmentEvents(t *testing.T) {
	t.Parallel()
	t.Run("LadderMoveNamesItsStepAndBothOwners", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.ingest(t, demoRequest("x"))
		e.advance(t, 10*time.Minute) // accept by 5m, grace 5m: moved to the backup
		v := e.view(t, h.ID)
		re, i := after(t, v.Events, 0, baton.EventReassigned)
		if re.Actor != baton.ActorClock || !strings.Contains(re.Reason, "reassign_backup") {
			t.Errorf("got actor %q reason %q, want the clock and a reason naming reassign_backup", re.Actor, re.Reason)
		}
		want := baton.ReassignedData{Step: "reassign_backup", OwnerChange: baton.OwnerChange{
			From: h.OwnerID, To: h.BackupID, FromName: e.name(t, h.OwnerID), ToName: e.name(t, h.BackupID)}}
		if diff := cmp.Diff(want, decode[baton.ReassignedData](t, re)); diff != "" {
			t.Errorf("reassigned payload (-want +got):\n%s", diff)
		}
		as, _ := after(t, v.Events, i, baton.EventAssigned)
		if as.Reason != "routed by reassign_backup" || as.Actor != baton.ActorClock {
			t.Errorf("got assigned event by %q: %q, want the clock: routed by reassign_backup", as.Actor, as.Reason)
		}
		if got := decode[baton.AssignedData](t, as); got.Step != "reassign_backup" || got.OwnerName != e.name(t, h.BackupID) {
			t.Errorf("got assigned payload %+v, want step reassign_backup and the backup's name", got)
		}
		if last := v.Trace[len(v.Trace)-1]; last.Step != "reassign_backup" || last.Subject != h.BackupID {
			t.Errorf("got last trace step %+v, want reassign_backup picking the backup", last)
		}
	})
	t.Run("ManualMoveNamesThePersonAndTheReason", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.ingest(t, demoRequest("x"))
		target := e.users["sdr3"]
		if target.ID == h.OwnerID {
			target = e.users["sdr2"]
		}
		e.act(t, h.ID, baton.CmdReassign, service.CommandInput{To: target.Email, Reason: "territory change"})
		v := e.view(t, h.ID)
		re, i := after(t, v.Events, 0, baton.EventReassigned)
		if re.Actor != e.admin.Actor() || re.Reason != "territory change" {
			t.Errorf("got actor %q reason %q, want %q and their reason", re.Actor, re.Reason, e.admin.Actor())
		}
		want := baton.ReassignedData{OwnerChange: baton.OwnerChange{
			From: h.OwnerID, To: target.ID, FromName: e.name(t, h.OwnerID), ToName: target.Name}}
		if diff := cmp.Diff(want, decode[baton.ReassignedData](t, re)); diff != "" {
			t.Errorf("reassigned payload (-want +got):\n%s", diff)
		}
		if as, _ := after(t, v.Events, i, baton.EventAssigned); as.Reason != "routed by manual" {
			t.Errorf("got assigned reason %q, want routed by manual", as.Reason)
		}
	})
	t.Run("ResubmissionNamesTheOwner", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.ingest(t, demoRequest("x"))
		e.act(t, h.ID, baton.CmdReject, service.CommandInput{Gaps: []string{"budget"}})
		e.act(t, h.ID, baton.CmdResubmit, service.CommandInput{})
		re, _ := after(t, e.view(t, h.ID).Events, 0, baton.EventResubmitted)
		name := e.name(t, h.OwnerID)
		want := baton.ResubmittedData{OwnerChange: baton.OwnerChange{From: h.OwnerID, To: h.OwnerID, FromName: name, ToName: name}}
		if diff := cmp.Diff(want, decode[baton.ResubmittedData](t, re)); diff != "" {
			t.Errorf("resubmitted payload (-want +got):\n%s", diff)
		}
	})
}

// TestEveryStoredEventDecodes runs handoffs through most commands and
// clocks and decodes the whole stored log by kind.
func TestEveryStoredEventDecodes(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a, b, c := e.ingest(t, demoRequest("a")), e.ingest(t, demoRequest("b")), e.ingest(t, demoRequest("c"))
	e.act(t, a.ID, baton.CmdAccept, service.CommandInput{})
	e.act(t, a.ID, baton.CmdPause, service.CommandInput{Reason: "buyer on holiday"})
	e.advance(t, time.Minute)
	e.act(t, a.ID, baton.CmdResume, service.CommandInput{})
	e.act(t, a.ID, baton.CmdTouch, service.CommandInput{})
	e.act(t, a.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeNoShow, Objections: []string{"price_budget"}})
	e.act(t, b.ID, baton.CmdReject, service.CommandInput{Gaps: []string{"budget"}})
	e.advance(t, 10*time.Minute)
	seen := map[string]bool{}
	for _, h := range []*baton.Handoff{a, b, c} {
		for _, ev := range e.view(t, h.ID).Events {
			if _, err := ev.Payload(); err != nil {
				t.Errorf("%s event %d: %v", ev.Kind, ev.Seq, err)
			}
			seen[ev.Kind] = true
		}
	}
	for _, kind := range []string{baton.EventCreated, baton.EventAssigned, baton.EventResumed, baton.EventOutcome, baton.EventRejected,
		baton.EventBreached, baton.EventReassigned} {
		if !seen[kind] {
			t.Errorf("no %s event in the log", kind)
		}
	}
	r, err := (&baton.Event{Kind: baton.EventResumed}).Payload()
	if err != nil || r != (baton.ResumedData{}) {
		t.Errorf("resumed without data: got %v, %v", r, err)
	}
}

// TestSummaryOverAStoredLog computes the metrics summary from a log the
// service wrote on a fake clock and compares it with figures worked out by
// hand.
func TestSummaryOverAStoredLog(t *testing.T) {
	t.Parallel()
	e := setup(t)
	sig := func(id string) *baton.Signal {
		s := demoRequest(id)
		s.OccurredAt = t0.Add(-30 * time.Second)
		return s
	}
	// a: accepted after 1m, touched after 2m. b: accepted after 1m, then
	// rejected. c: never accepted, breached at 5m, moved to its backup at
	// 10m. A repeat signal joins a.
	a, b, c := e.ingest(t, sig("a")), e.ingest(t, sig("b")), e.ingest(t, sig("c"))
	again := sig("a2")
	again.Contact.Email = "ana.a@acme-robotics.com"
	if res, err := e.svc.Ingest(e.ctx, again); err != nil || !res.Joined {
		t.Fatalf("repeat signal: got %+v, %v, want it joined", res, err)
	}
	e.advance(t, time.Minute)
	e.act(t, a.ID, baton.CmdAccept, service.CommandInput{})
	e.act(t, b.ID, baton.CmdAccept, service.CommandInput{})
	e.advance(t, time.Minute)
	e.act(t, a.ID, baton.CmdTouch, service.CommandInput{})
	e.act(t, b.ID, baton.CmdReject, service.CommandInput{Gaps: []string{"budget"}})
	e.advance(t, 8*time.Minute)
	if got := e.view(t, c.ID).OwnerID; got != c.BackupID {
		t.Fatalf("c: got owner %s, want the backup %s", got, c.BackupID)
	}

	got, err := e.svc.Summary(e.ctx, e.admin, t0, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := metrics.Summary{
		From: t0, To: t0.Add(time.Hour), Handoffs: 3,
		ByState:          map[string]int{"actioned": 1, "returned": 1, "assigned": 1},
		ByType:           map[string]int{"hot_lead": 3},
		TimeToAssignment: metrics.Durations{Count: 3, MedianSeconds: 30, P90Seconds: 30},
		TimeToAcceptance: metrics.Durations{Count: 2, MedianSeconds: 60, P90Seconds: 60},
		TimeToFirstTouch: metrics.Durations{Count: 1, MedianSeconds: 120, P90Seconds: 120},
		Breached:         1, BreachRate: 0.3333, ReassignmentRate: 0.3333, RejectionRate: 0.3333,
		SignalsJoined: 1,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
}
