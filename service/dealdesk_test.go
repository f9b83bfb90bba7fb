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

// addPeople adds users on the new teams: three on the deal desk (desk1,
// desk2, desk3), two account managers (am1, am2) and two support engineers
// (sup1, sup2), all reps.
func (e *env) addPeople(t *testing.T) {
	t.Helper()
	for _, u := range []baton.User{
		{Email: "desk1@t.example", Name: "Dana Desk", Role: baton.RoleOps, Access: baton.AccessRep, Team: "deal_desk"},
		{Email: "desk2@t.example", Name: "Dirk Desk", Role: baton.RoleOps, Access: baton.AccessRep, Team: "deal_desk"},
		{Email: "desk3@t.example", Name: "Dora Desk", Role: baton.RoleOps, Access: baton.AccessRep, Team: "deal_desk"},
		{Email: "am1@t.example", Name: "Amy Account", Role: baton.RoleAM, Team: "am"},
		{Email: "am2@t.example", Name: "Abe Account", Role: baton.RoleAM, Team: "am"},
		{Email: "sup1@t.example", Name: "Sky Support", Role: baton.RoleCSM, Team: "support"},
		{Email: "sup2@t.example", Name: "Sol Support", Role: baton.RoleCSM, Team: "support"},
		{Email: "csm1@t.example", Name: "Cora CSM", Role: baton.RoleCSM, Team: "cs"},
	} {
		u.TimeZone, u.WorkingHours, u.Active, u.ManagerID = "America/New_York", "24x7", true, e.users["mgr"].ID
		got, err := e.svc.PutUser(e.ctx, &u)
		if err != nil {
			t.Fatalf("put user %s: %v", u.Email, err)
		}
		e.users[got.Email[:len(got.Email)-len("@t.example")]] = got
	}
}

// principal is a user signed in.
func (e *env) principal(name string) baton.Principal {
	u := e.users[name]
	return baton.Principal{UserID: u.ID, Email: u.Email, Name: u.Name, Access: u.Access, Team: u.Team}
}

func contractReview(id string) *baton.Signal {
	return &baton.Signal{
		ExternalID: id, Type: baton.SignalContractReview, Source: "crm", Sender: "ae1@t.example",
		Contact: baton.SignalContact{Email: "kira." + id + "@kestrelfinance.co.uk", Name: "Kira Novak", Title: "Procurement Lead"},
		Account: baton.SignalAccount{Name: "Kestrel Finance", Domain: "kestrelfinance.co.uk"},
		Fields: map[string]any{"deal_value": 84000.0, "discount": 18.0, "contract_version": "MSA v3 with redlines",
			"non_standard_terms": "net-60 payment\nuncapped liability for data breach", "deadline": "2026-11-30"},
	}
}

// userByID finds a user of the test team by id.
func (e *env) userByID(id string) *baton.User {
	for _, u := range e.users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

// bystander returns one of names that neither owns nor backs up handoff id.
func (e *env) bystander(t *testing.T, id string, names ...string) string {
	t.Helper()
	v := e.view(t, id)
	for _, n := range names {
		if u := e.users[n]; u.ID != v.OwnerID && u.ID != v.BackupID {
			return n
		}
	}
	t.Fatalf("every one of %v owns or backs up %s", names, id)
	return ""
}

func timerKinds(ts []*baton.Timer) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Kind)
	}
	return out
}

func TestDealDesk(t *testing.T) {
	t.Parallel()

	t.Run("RoutesToTheDeskOnItsOwnClock", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		e.addPeople(t)
		h := e.ingest(t, contractReview("dd1"))
		if h.Type != "deal_desk" || h.ToTeam != "deal_desk" || h.Tier != "deal_desk" {
			t.Fatalf("got type %s to %s on tier %s, want deal_desk to deal_desk on tier deal_desk", h.Type, h.ToTeam, h.Tier)
		}
		if u := e.userByID(h.OwnerID); u == nil || u.Team != "deal_desk" {
			t.Errorf("got owner %v, want someone on the deal desk", u)
		}
		if h.SenderID != e.users["ae1"].ID {
			t.Errorf("got sender %s, want the AE", h.SenderID)
		}
		// Four business hours of the americas calendar from Monday 09:00
		// New York: 09:00-12:30 and 13:30-14:00.
		if want := t0.Add(5 * time.Hour); !h.AcceptBy.Equal(want) {
			t.Errorf("got accept by %s, want %s", h.AcceptBy, want)
		}
		v := e.view(t, h.ID)
		if k := timerKinds(v.Timers); !slices.Contains(k, baton.TimerLadder) || !slices.Contains(k, baton.TimerTouchBreach) {
			t.Errorf("got timers %v, want the ladder and the first-touch clock", k)
		}
		if got := h.Context["deal_value"]; got != 84000.0 {
			t.Errorf("got deal value %v, want 84000 from the signal", got)
		}
		if got := h.Context["contract_version"]; got != "MSA v3 with redlines" {
			t.Errorf("got contract version %v", got)
		}
	})

	t.Run("ApproveCompletesWithTheOutcome", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		e.addPeople(t)
		h := e.ingest(t, contractReview("dd2"))
		owner := e.principal(e.userByID(h.OwnerID).Email[:5])
		got, err := e.svc.Decide(e.ctx, owner, h.ID, service.DecisionInput{Decision: service.DecisionApprove, Note: "standard MSA fallback accepted"})
		if err != nil {
			t.Fatal(err)
		}
		if got.State != baton.StateCompleted || got.Outcome != service.OutcomeApproved {
			t.Errorf("got %s with outcome %q, want completed, approved", got.State, got.Outcome)
		}
		v := e.view(t, h.ID)
		if k := kinds(v.Events); !slices.Equal(k[len(k)-3:], []string{baton.EventAccepted, baton.EventTouched, baton.EventCompleted}) {
			t.Errorf("got events %v, want accepted, first_touch, completed last", k)
		}
		if len(v.Timers) != 0 {
			t.Errorf("got pending timers %v, want none", timerKinds(v.Timers))
		}
		msgs, err := e.svc.Messages(e.ctx, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(msgs, func(m *baton.Message) bool {
			return m.Kind == baton.MsgDecided && m.RecipientID == e.users["ae1"].ID
		}) {
			t.Error("the AE was not told of the decision")
		}
	})

	t.Run("RejectNeedsAReason", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		e.addPeople(t)
		h := e.ingest(t, contractReview("dd3"))
		_, err := e.svc.Decide(e.ctx, e.admin, h.ID, service.DecisionInput{Decision: service.DecisionReject})
		if baton.ErrorCode(err) != baton.EINVALID {
			t.Fatalf("got %v, want EINVALID", err)
		}
		got, err := e.svc.Decide(e.ctx, e.admin, h.ID, service.DecisionInput{Decision: service.DecisionReject, Reason: "uncapped liability is not negotiable"})
		if err != nil {
			t.Fatal(err)
		}
		if got.State != baton.StateCompleted || got.Outcome != service.OutcomeRejected {
			t.Errorf("got %s with outcome %q, want completed, rejected", got.State, got.Outcome)
		}
		if _, err := e.svc.Decide(e.ctx, e.admin, h.ID, service.DecisionInput{Decision: service.DecisionApprove}); baton.ErrorCode(err) != baton.ECONFLICT {
			t.Errorf("deciding twice: got %v, want ECONFLICT", err)
		}
	})

	t.Run("RequestChangesReturnsToTheAEAndComesBack", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		e.addPeople(t)
		h := e.ingest(t, contractReview("dd4"))
		changes := []string{"cap liability at 12 months of fees", "payment terms net-30"}
		got, err := e.svc.Decide(e.ctx, e.admin, h.ID, service.DecisionInput{Decision: service.DecisionRequestChanges, Changes: changes})
		if err != nil {
			t.Fatal(err)
		}
		if got.State != baton.StateReturned || !slices.Equal(got.Gaps, changes) {
			t.Fatalf("got %s with gaps %v, want returned with %v", got.State, got.Gaps, changes)
		}
		if want := t0.Add(24 * time.Hour); !got.FixBy.Equal(want) {
			t.Errorf("got fix by %s, want the tier's day: %s", got.FixBy, want)
		}
		// The AE makes the changes and sends it back to the same desk member.
		back, err := e.svc.Act(e.ctx, e.principal("ae1"), h.ID, baton.CmdResubmit, service.CommandInput{Note: "redlines accepted"})
		if err != nil {
			t.Fatal(err)
		}
		if back.State != baton.StateAssigned || back.OwnerID != h.OwnerID {
			t.Errorf("got %s owned by %s, want assigned to %s", back.State, back.OwnerID, h.OwnerID)
		}
		if _, err := e.svc.Decide(e.ctx, e.admin, h.ID, service.DecisionInput{Decision: service.DecisionRequestChanges}); baton.ErrorCode(err) != baton.EINVALID {
			t.Errorf("changes without naming them: got %v, want EINVALID", err)
		}
	})

	t.Run("OnlyApprovalTypesTakeDecisions", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.ingest(t, demoRequest("dd5"))
		if _, err := e.svc.Decide(e.ctx, e.admin, h.ID, service.DecisionInput{Decision: service.DecisionApprove}); baton.ErrorCode(err) != baton.EINVALID {
			t.Errorf("got %v, want EINVALID", err)
		}
	})

	t.Run("TheDeskSeesItsWholeQueue", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		e.addPeople(t)
		var ids []string
		for _, id := range []string{"dd6", "dd7"} {
			ids = append(ids, e.ingest(t, contractReview(id)).ID)
		}
		slices.Sort(ids)
		for _, who := range []string{"desk1", "desk2", "desk3"} {
			list, _, err := e.svc.HandoffsFor(e.ctx, e.principal(who), baton.HandoffFilter{Type: "deal_desk"})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, v := range list {
				got = append(got, v.ID)
			}
			slices.Sort(got)
			if !slices.Equal(got, ids) {
				t.Errorf("%s: got %v, want both requests %v", who, got, ids)
			}
			for _, id := range ids {
				if _, err := e.svc.HandoffFor(e.ctx, e.principal(who), id); err != nil {
					t.Errorf("%s: handoff %s: %v", who, id, err)
				}
			}
		}
		// The AE who asked sees them too; another AE does not.
		if _, err := e.svc.HandoffFor(e.ctx, e.principal("ae1"), ids[0]); err != nil {
			t.Errorf("the requesting AE: %v", err)
		}
		if _, err := e.svc.HandoffFor(e.ctx, e.principal("ae2"), ids[0]); baton.ErrorCode(err) != baton.EFORBIDDEN {
			t.Errorf("another AE: got %v, want EFORBIDDEN", err)
		}
		// Whoever of the desk picks it up may decide it.
		if _, err := e.svc.Decide(e.ctx, e.principal(e.bystander(t, ids[0], "desk1", "desk2", "desk3")), ids[0], service.DecisionInput{Decision: service.DecisionApprove}); err != nil {
			t.Errorf("a desk colleague deciding: %v", err)
		}
	})

	t.Run("WithoutASharedQueueOnlyOwnerAndBackupSee", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		pb, err := playbook.Parse("private.yaml", []byte(strings.Replace(string(playbook.DefaultYAML()), "shared_queue: true", "shared_queue: false", 1)))
		if err != nil {
			t.Fatal(err)
		}
		e.svc.SetPlaybook(pb)
		e.addPeople(t)
		h := e.ingest(t, contractReview("dd9"))
		if _, err := e.svc.HandoffFor(e.ctx, e.principal(e.bystander(t, h.ID, "desk1", "desk2", "desk3")), h.ID); baton.ErrorCode(err) != baton.EFORBIDDEN {
			t.Errorf("got %v, want EFORBIDDEN", err)
		}
	})

	t.Run("OtherTeamsKeepTheirOwnScope", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		h := e.ingest(t, demoRequest("dd8"))
		other := e.bystander(t, h.ID, "sdr1", "sdr2", "sdr3")
		if _, err := e.svc.HandoffFor(e.ctx, e.principal(other), h.ID); baton.ErrorCode(err) != baton.EFORBIDDEN {
			t.Errorf("an SDR teammate: got %v, want EFORBIDDEN", err)
		}
	})
}

func TestSupportEscalation(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.addPeople(t)
	sig := &baton.Signal{
		ExternalID: "esc1", Type: baton.SignalSupportEscalation, Source: "crm", Sender: "csm1@t.example",
		Contact: baton.SignalContact{Email: "jonas.berg@northwind-logistics.com", Name: "Jonas Berg"},
		Account: baton.SignalAccount{Name: "Northwind Logistics", Domain: "northwind-logistics.com"},
		Fields: map[string]any{"issue": "Routing stopped assigning EMEA leads", "severity": "Critical",
			"customer_impact": "40 leads unassigned since 08:00", "steps_taken": "restarted the sync\nchecked the rules"},
	}
	h := e.ingest(t, sig)
	if h.Type != "support_escalation" || h.ToTeam != "support" || h.Tier != "urgent" {
		t.Fatalf("got type %s to %s on tier %s, want support_escalation to support on tier urgent", h.Type, h.ToTeam, h.Tier)
	}
	if h.OwnerID != e.users["sup1"].ID && h.OwnerID != e.users["sup2"].ID {
		t.Errorf("got owner %s, want someone in support", h.OwnerID)
	}
	if want := t0.Add(30 * time.Minute); !h.AcceptBy.Equal(want) {
		t.Errorf("got accept by %s, want %s (30 minutes, around the clock)", h.AcceptBy, want)
	}
	if want := t0.Add(time.Hour); !h.FirstTouchBy.Equal(want) {
		t.Errorf("got first touch by %s, want %s", h.FirstTouchBy, want)
	}
	if got := h.Context["severity"]; got != "Critical" {
		t.Errorf("got severity %v, want Critical", got)
	}
	// Unaccepted, the ladder moves it to the backup 15 minutes past the deadline.
	e.advance(t, 30*time.Minute)
	if v := e.view(t, h.ID); !v.Breached {
		t.Error("not breached at 30 minutes")
	}
}
