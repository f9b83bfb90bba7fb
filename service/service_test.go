package service_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/batontest"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/sqlite"
	"github.com/batonhq/baton/worker"
)

// env is what a service test needs.
type env struct {
	ctx    context.Context
	db     *sqlite.DB
	svc    *service.Service
	clock  *batontest.Clock
	timers *worker.Timers
	users  map[string]*baton.User // by email prefix ("sdr1", "mgr", …)
	admin  baton.Principal
	rep    baton.Principal
}

var t0 = batontest.T0 // a Monday

// defaultPlaybook is playbook.Default parsed once for every setup: parsing
// it costs about a tenth of a second under the race detector, and nothing
// changes a playbook once parsed (tests that want another playbook parse
// their own and SetPlaybook it). Its live-routing error count is shared,
// and no service test reads it.
var defaultPlaybook = sync.OnceValue(playbook.Default)

func setup(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	db := batontest.Store(t)
	clock := batontest.NewClock(t0)
	svc := service.New(db, clock, defaultPlaybook(), nil)
	svc.SetPasswordCost(batontest.PasswordCost)
	e := &env{ctx: ctx, db: db, svc: svc, clock: clock, timers: &worker.Timers{Service: svc},
		admin: baton.Principal{Name: "admin", Access: baton.AccessAdmin}, rep: baton.Principal{Name: "rep", Access: baton.AccessRep}}
	users := batontest.TeamUsers()
	for i := range users {
		users[i].WorkingHours = "24x7" // routing by hours has its own tests
	}
	e.users = batontest.Team(t, svc.PutUser, users...)
	return e
}

func demoRequest(id string) *baton.Signal {
	return &baton.Signal{
		ExternalID: id, Type: baton.SignalDemoRequest, Source: "website",
		Contact: baton.SignalContact{Email: "ana." + id + "@acme-robotics.com", Name: "Ana Ruiz", TimeZone: "America/Los_Angeles"},
		Account: baton.SignalAccount{Name: "Acme Robotics", Domain: "acme-robotics.com", Employees: 450},
	}
}

func (e *env) ingest(t *testing.T, sig *baton.Signal) *baton.Handoff {
	t.Helper()
	res, err := e.svc.Ingest(e.ctx, sig)
	if err != nil {
		t.Fatalf("ingest %s: %v", sig.ExternalID, err)
	}
	if res.Handoff == nil {
		t.Fatalf("ingest %s: got no handoff (%s)", sig.ExternalID, res.Reason)
	}
	return res.Handoff
}

func (e *env) act(t *testing.T, id string, cmd baton.Command, in service.CommandInput) *baton.Handoff {
	t.Helper()
	h, err := e.svc.Act(e.ctx, e.admin, id, cmd, in)
	if err != nil {
		t.Fatalf("%s: %v", cmd, err)
	}
	return h
}

// advance moves the clock and fires every timer due by then.
func (e *env) advance(t *testing.T, d time.Duration) {
	t.Helper()
	e.clock.Add(d)
	for {
		n, err := e.timers.RunOnce(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

func (e *env) view(t *testing.T, id string) *service.HandoffView {
	t.Helper()
	v, err := e.svc.Handoff(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func kinds(events []*baton.Event) []string {
	out := make([]string, len(events))
	for i, ev := range events {
		out[i] = ev.Kind
	}
	return out
}

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

func (e *env) messages(t *testing.T, kind string) []*baton.Message {
	t.Helper()
	all, err := e.svc.Messages(e.ctx, "", 500)
	if err != nil {
		t.Fatal(err)
	}
	var out []*baton.Message
	for _, m := range all {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

// TestIngestDedupes250SignalsWith50Repeats ingests 250 signals from 32
// goroutines at once, 50 of them repeats of an earlier external ID, and
// finds one handoff per distinct ID. (It ingested 1,000 with 200 repeats:
// four times the race-instrumented work for the same check.)
func TestIngestDedupes250SignalsWith50Repeats(t *testing.T) {
	t.Parallel()
	e := setup(t)
	var wg sync.WaitGroup
	errs := make(chan error, 250)
	sem := make(chan struct{}, 32)
	for i := range 250 {
		id := fmt.Sprintf("sig-%d", i%200) // ids 0..49 appear twice
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			sig := demoRequest(id)
			sig.Contact.Email = fmt.Sprintf("buyer%d@company%d.com", i%200, i%200)
			sig.Account = baton.SignalAccount{Name: fmt.Sprintf("Company %d", i%200), Domain: fmt.Sprintf("company%d.com", i%200)}
			if _, err := e.svc.Ingest(e.ctx, sig); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var n int
	cursor := ""
	for {
		list, next, err := e.svc.Handoffs(e.ctx, baton.HandoffFilter{Limit: 500, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		n += len(list)
		if cursor = next; cursor == "" {
			break
		}
	}
	if n != 200 {
		t.Errorf("got %d handoffs, want 200", n)
	}
}

func TestDuplicateReturnsFirstResult(t *testing.T) {
	t.Parallel()
	e := setup(t)
	first := e.ingest(t, demoRequest("web-1"))
	res, err := e.svc.Ingest(e.ctx, demoRequest("web-1"))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Duplicate || res.Handoff == nil || res.Handoff.ID != first.ID {
		t.Errorf("got duplicate=%v handoff=%v, want duplicate of %s", res.Duplicate, res.Handoff, first.ID)
	}
}

func TestIngestRoutesAndClocks(t *testing.T) {
	t.Parallel()
	e := setup(t)
	h := e.ingest(t, demoRequest("web-1"))
	if h.Type != "hot_lead" || h.State != baton.StateAssigned || h.ToTeam != "sdr" {
		t.Errorf("got %s/%s to %s, want hot_lead/assigned to sdr", h.Type, h.State, h.ToTeam)
	}
	if h.OwnerID == "" || h.BackupID == "" || h.OwnerID == h.BackupID {
		t.Errorf("got owner %q backup %q, want two different users", h.OwnerID, h.BackupID)
	}
	if got, want := h.AcceptBy, t0.Add(5*time.Minute); !got.Equal(want) {
		t.Errorf("accept by: got %s, want %s", got, want)
	}
	if len(h.Trace) < 2 {
		t.Errorf("got trace %v, want the type match and the routing steps", h.Trace)
	}
	v := e.view(t, h.ID)
	if got := len(v.Timers); got != 5 {
		t.Errorf("got %d pending timers, want 5 (the four rungs of the hot ladder and the touch breach)", got)
	}
	if got := kinds(v.Events); fmt.Sprint(got) != "[created assigned]" {
		t.Errorf("got events %v, want [created assigned]", got)
	}
	if got := len(e.messages(t, baton.MsgAssigned)); got != 1 {
		t.Errorf("got %d assigned messages, want 1", got)
	}
	// Round-robin: the next two signals go to the other two SDRs.
	owners := map[string]bool{h.OwnerID: true}
	for _, id := range []string{"web-2", "web-3"} {
		owners[e.ingest(t, demoRequest(id)).OwnerID] = true
	}
	if len(owners) != 3 {
		t.Errorf("got %d distinct owners over 3 signals, want 3", len(owners))
	}
}

func TestNoHandoffBelowMQLScore(t *testing.T) {
	t.Parallel()
	e := setup(t)
	sig := demoRequest("dl-1")
	sig.Type, sig.Fields = baton.SignalContentDownload, map[string]any{"lead_score": 40.0}
	res, err := e.svc.Ingest(e.ctx, sig)
	if err != nil {
		t.Fatal(err)
	}
	if res.Handoff != nil || res.Reason == "" {
		t.Errorf("got handoff %v reason %q, want none with a reason", res.Handoff, res.Reason)
	}
}

func TestCoalescesRepeatSignals(t *testing.T) {
	t.Parallel()
	e := setup(t)
	h := e.ingest(t, demoRequest("a"))
	again := demoRequest("b")
	again.Contact.Email = "ana.a@acme-robotics.com"
	again.Type = baton.SignalPricingInquiry
	res, err := e.svc.Ingest(e.ctx, again)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Joined || res.Handoff.ID != h.ID || res.Handoff.Signals != 2 {
		t.Errorf("got joined=%v handoff=%s signals=%d, want joined %s with 2 signals", res.Joined, res.Handoff.ID, res.Handoff.Signals, h.ID)
	}
}

func TestTransitions(t *testing.T) {
	t.Parallel()
	legal := []struct {
		name  string
		steps []baton.Command
		want  baton.State
	}{
		{"AcceptTouchOutcome", []baton.Command{baton.CmdAccept, baton.CmdTouch, baton.CmdOutcome}, baton.StateCompleted},
		{"AcceptTouchComplete", []baton.Command{baton.CmdAccept, baton.CmdTouch, baton.CmdComplete}, baton.StateCompleted},
		{"RejectResubmitAccept", []baton.Command{baton.CmdReject, baton.CmdResubmit, baton.CmdAccept}, baton.StateAccepted},
		{"AcceptThenReject", []baton.Command{baton.CmdAccept, baton.CmdReject}, baton.StateReturned},
		{"ReassignResetsToAssigned", []baton.Command{baton.CmdAccept, baton.CmdReassign}, baton.StateAssigned},
		{"ReassignAfterTouch", []baton.Command{baton.CmdAccept, baton.CmdTouch, baton.CmdReassign}, baton.StateAssigned},
		{"CancelAssigned", []baton.Command{baton.CmdCancel}, baton.StateCancelled},
		{"CancelReturned", []baton.Command{baton.CmdReject, baton.CmdCancel}, baton.StateCancelled},
	}
	// A won deal closes the handoff (a proposal would keep it open: see
	// TestOutcomeSequences).
	in := service.CommandInput{Gaps: []string{"budget"}, Reason: "why", Outcome: baton.OutcomeWon}
	for _, tc := range legal {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			h := e.ingest(t, demoRequest("x"))
			for _, c := range tc.steps {
				h = e.act(t, h.ID, c, in)
			}
			if h.State != tc.want {
				t.Errorf("got %s, want %s", h.State, tc.want)
			}
			v := e.view(t, h.ID)
			if last := v.Events[len(v.Events)-1]; last.ToState != tc.want {
				t.Errorf("last event %s leads to %s, want %s", last.Kind, last.ToState, tc.want)
			}
			if !tc.want.Open() && len(v.Timers) != 0 {
				t.Errorf("closed handoff has %d pending timers, want 0", len(v.Timers))
			}
		})
	}
	illegal := []struct {
		name  string
		setup []baton.Command
		cmd   baton.Command
	}{
		{"TouchBeforeAccept", nil, baton.CmdTouch},
		{"OutcomeBeforeTouch", []baton.Command{baton.CmdAccept}, baton.CmdOutcome},
		{"AcceptTwice", []baton.Command{baton.CmdAccept}, baton.CmdAccept},
		{"ResubmitWhenNotReturned", nil, baton.CmdResubmit},
		{"RejectAfterTouch", []baton.Command{baton.CmdAccept, baton.CmdTouch}, baton.CmdReject},
		{"AnythingAfterComplete", []baton.Command{baton.CmdAccept, baton.CmdTouch, baton.CmdComplete}, baton.CmdCancel},
		{"AcceptCancelled", []baton.Command{baton.CmdCancel}, baton.CmdAccept},
	}
	for _, tc := range illegal {
		t.Run("Refuses"+tc.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			h := e.ingest(t, demoRequest("x"))
			for _, c := range tc.setup {
				h = e.act(t, h.ID, c, in)
			}
			before := e.view(t, h.ID)
			_, err := e.svc.Act(e.ctx, e.admin, h.ID, tc.cmd, in)
			if baton.ErrorCode(err) != baton.ECONFLICT {
				t.Fatalf("got %v, want a conflict", err)
			}
			if msg := baton.ErrorMessage(err); !strings.Contains(msg, string(h.State)) {
				t.Errorf("message %q does not name the state %s", msg, h.State)
			}
			if after := e.view(t, h.ID); len(after.Events) != len(before.Events) || after.State != before.State {
				t.Errorf("a refused command changed the handoff: %d→%d events, %s→%s", len(before.Events), len(after.Events), before.State, after.State)
			}
		})
	}
	t.Run("RepCannotReassignOrCancel", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.ingest(t, demoRequest("x"))
		for _, c := range []baton.Command{baton.CmdReassign, baton.CmdCancel} {
			if _, err := e.svc.Act(e.ctx, e.rep, h.ID, c, in); baton.ErrorCode(err) != baton.EFORBIDDEN {
				t.Errorf("%s by rep: got %v, want forbidden", c, err)
			}
		}
	})
	t.Run("RejectNeedsGaps", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.ingest(t, demoRequest("x"))
		_, err := e.svc.Act(e.ctx, e.admin, h.ID, baton.CmdReject, service.CommandInput{})
		if baton.ErrorCode(err) != baton.EINVALID {
			t.Errorf("got %v, want invalid", err)
		}
	})
	t.Run("ReassignToNamedUser", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.ingest(t, demoRequest("x"))
		target := e.users["sdr1"]
		if h.OwnerID == target.ID {
			target = e.users["sdr2"]
		}
		h = e.act(t, h.ID, baton.CmdReassign, service.CommandInput{To: target.Email, Reason: "territory"})
		if h.OwnerID != target.ID || h.Generation != 2 {
			t.Errorf("got owner %s generation %d, want %s and 2", h.OwnerID, h.Generation, target.ID)
		}
	})
}

func (e *env) activities(t *testing.T, id string) []*baton.Activity {
	t.Helper()
	v := e.view(t, id)
	return v.Activities
}

// meetingContext fills enough of the SDR → AE checklist to pass the
// meeting-set gate.
func meetingContext() map[string]any {
	return map[string]any{
		"budget_range": "$50k-$100k", "pain_points": "manual routing\nslow follow-up", "target_decision_date": "2027-01-31",
		"decision_maker": "Ana Ruiz, VP Operations", "stakeholders": "CFO; RevOps lead", "trigger_event": "missed demo requests",
		"current_solution": "spreadsheets", "competitors": "N/A", "meeting_type": "Discovery", "timeline": "this quarter",
		"product_interest": "routing", "requested_next_step": "discovery call", "qualification_notes": "N/A",
		"success_criteria": "5-minute response", "recommended_approach": "lead with the SLA report",
	}
}
