package service_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// principal is how user u acts, signed in.
func principal(u *baton.User) baton.Principal {
	return baton.Principal{UserID: u.ID, Email: u.Email, Name: u.Name, Access: u.Access, Team: u.Team}
}

// putUser adds (or updates) a person beside setup's, by email prefix.
func (e *env) putUser(t *testing.T, name, role, team, manager string) *baton.User {
	t.Helper()
	u := &baton.User{Email: name + "@t.example", Name: name, Role: role, Team: team, TimeZone: "UTC", Active: true, WorkingHours: "24x7"}
	if manager != "" {
		u.ManagerID = manager + "@t.example"
	}
	got, err := e.svc.PutUser(e.ctx, u)
	if err != nil {
		t.Fatalf("put user %s: %v", name, err)
	}
	e.users[name] = got
	return got
}

// insertHandoff stores a handoff with the given people directly, so each
// relation is exact.
func (e *env) insertHandoff(t *testing.T, id, owner, backup, sender string) {
	t.Helper()
	h := &baton.Handoff{ID: id, Type: "hot_lead", State: baton.StateAssigned, Tier: "hot", FromTeam: "marketing", ToTeam: "sdr",
		SignalID: "s-" + id, Generation: 1, Signals: 1, CreatedAt: t0, UpdatedAt: t0,
		OwnerID: e.userID(owner), BackupID: e.userID(backup), SenderID: e.userID(sender)}
	if err := e.db.Update(e.ctx, func(tx baton.Tx) error { return tx.InsertHandoff(e.ctx, h) }); err != nil {
		t.Fatal(err)
	}
}

func (e *env) userID(name string) string {
	if name == "" {
		return ""
	}
	return e.users[name].ID
}

// TestWhoSeesWhat checks each person's reach over handoffs whose owner,
// backup and sender are set exactly: lists, the one-handoff read and acting.
func TestWhoSeesWhat(t *testing.T) {
	t.Parallel()
	e := setup(t)
	// Beyond setup's team (mgr manages sdr1-3 and ae1-2): a director over a
	// lead over west1; west2 is on the lead's team with no manager; c1 and
	// c2 manage each other (a cycle) and c2 manages c3.
	e.putUser(t, "dir", baton.RoleManager, "dir", "")
	e.putUser(t, "lead", baton.RoleManager, "west", "dir")
	e.putUser(t, "west1", baton.RoleSDR, "west", "lead")
	e.putUser(t, "west2", baton.RoleSDR, "west", "")
	e.putUser(t, "c1", baton.RoleManager, "loop1", "")
	e.putUser(t, "c2", baton.RoleManager, "loop2", "c1")
	e.putUser(t, "c1", baton.RoleManager, "loop1", "c2")
	e.putUser(t, "c3", baton.RoleSDR, "loop3", "c2")

	e.insertHandoff(t, "h-west1", "west1", "", "")
	e.insertHandoff(t, "h-west2", "west2", "", "")
	e.insertHandoff(t, "h-backup", "sdr1", "west1", "")
	e.insertHandoff(t, "h-sent", "ae1", "", "west1")
	e.insertHandoff(t, "h-sdr2", "sdr2", "", "")
	e.insertHandoff(t, "h-c3", "c3", "", "")
	e.insertHandoff(t, "h-none", "", "", "")
	all := []string{"h-backup", "h-c3", "h-none", "h-sdr2", "h-sent", "h-west1", "h-west2"}

	for _, tc := range []struct {
		name string
		p    baton.Principal
		want []string
	}{
		{"RepSeesOwnedBackedUpAndSent", principal(e.users["west1"]), []string{"h-backup", "h-sent", "h-west1"}},
		{"RepSeesOnlyTheirOwn", principal(e.users["west2"]), []string{"h-west2"}},
		{"ManagerSeesReportsAndTeam", principal(e.users["lead"]), []string{"h-backup", "h-sent", "h-west1", "h-west2"}},
		{"ManagerChainIsFollowedDown", principal(e.users["dir"]), []string{"h-backup", "h-sent", "h-west1"}},
		{"ManagerCycleEnds", principal(e.users["c1"]), []string{"h-c3"}},
		{"ManagerOfAnotherTeam", principal(e.users["mgr"]), []string{"h-backup", "h-sdr2", "h-sent"}},
		{"AdminSeesAll", principal(e.users["ops"]), all},
		{"ProcessSeesAll", e.rep, all},
		{"NoAccessSeesNothing", baton.Principal{Name: "nobody"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			list, _, err := e.svc.HandoffsFor(e.ctx, tc.p, baton.HandoffFilter{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, v := range list {
				got = append(got, v.ID)
			}
			slices.Sort(got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("list (-want +got):\n%s", diff)
			}
			for _, id := range all {
				_, err := e.svc.HandoffFor(e.ctx, tc.p, id)
				if see := slices.Contains(tc.want, id); see != (err == nil) {
					t.Errorf("HandoffFor %s: got error %v, want visible %v", id, err, see)
				} else if !see && baton.ErrorCode(err) != baton.EFORBIDDEN {
					t.Errorf("HandoffFor %s: got %v, want %s", id, err, baton.EFORBIDDEN)
				}
			}
		})
	}

	t.Run("ForbiddenSaysWhoseItIs", func(t *testing.T) {
		_, err := e.svc.Act(e.ctx, principal(e.users["west2"]), "h-west1", baton.CmdAccept, service.CommandInput{})
		if baton.ErrorCode(err) != baton.EFORBIDDEN {
			t.Fatalf("got %v, want %s", err, baton.EFORBIDDEN)
		}
		if msg, want := baton.ErrorMessage(err), "you can act on handoffs you own, back up or sent; this one belongs to west1"; msg != want {
			t.Errorf("got message %q, want %q", msg, want)
		}
		_, err = e.svc.HandoffFor(e.ctx, principal(e.users["mgr"]), "h-none")
		if msg := baton.ErrorMessage(err); !strings.Contains(msg, "you can see") || !strings.Contains(msg, "no owner") {
			t.Errorf("got message %q, want it to say what a manager can see and that the handoff has no owner", msg)
		}
	})
	t.Run("UnknownIsNotFound", func(t *testing.T) {
		_, err := e.svc.HandoffFor(e.ctx, principal(e.users["west1"]), "nope")
		if baton.ErrorCode(err) != baton.ENOTFOUND {
			t.Errorf("got %v, want %s", err, baton.ENOTFOUND)
		}
	})
	t.Run("BackupAndSenderMayAct", func(t *testing.T) {
		for _, id := range []string{"h-backup", "h-sent"} {
			if _, err := e.svc.Act(e.ctx, principal(e.users["west1"]), id, baton.CmdAccept, service.CommandInput{}); err != nil {
				t.Errorf("accept %s as west1: %v", id, err)
			}
		}
	})
	t.Run("ReassignNeedsManagerAccessAndTheRelation", func(t *testing.T) {
		in := service.CommandInput{To: "west2@t.example", Reason: "cover"}
		if _, err := e.svc.Act(e.ctx, principal(e.users["west1"]), "h-west1", baton.CmdReassign, in); baton.ErrorCode(err) != baton.EFORBIDDEN {
			t.Errorf("rep reassigns their own: got %v, want %s", err, baton.EFORBIDDEN)
		}
		if _, err := e.svc.Act(e.ctx, principal(e.users["mgr"]), "h-west1", baton.CmdReassign, in); baton.ErrorCode(err) != baton.EFORBIDDEN {
			t.Errorf("manager of another team reassigns: got %v, want %s", err, baton.EFORBIDDEN)
		}
		if _, err := e.svc.Act(e.ctx, principal(e.users["lead"]), "h-west1", baton.CmdReassign, in); err != nil {
			t.Errorf("lead reassigns their report's: %v", err)
		}
	})
}

// TestForbiddenOutcomeTeachesNothing: an outcome a person may not record
// changes nothing, and the objection model does not learn from it.
func TestForbiddenOutcomeTeachesNothing(t *testing.T) {
	t.Parallel()
	e := setup(t)
	h := e.ingest(t, demoRequest("teach"))
	e.act(t, h.ID, baton.CmdAccept, service.CommandInput{})
	e.act(t, h.ID, baton.CmdTouch, service.CommandInput{})
	other := e.users["sdr1"]
	if other.ID == h.OwnerID || other.ID == h.BackupID {
		other = e.users["sdr2"]
	}
	if other.ID == h.OwnerID || other.ID == h.BackupID {
		other = e.users["sdr3"]
	}
	in := service.CommandInput{Outcome: baton.OutcomeNotInterested, Objections: []string{"price_budget"}}
	_, err := e.svc.Act(e.ctx, principal(other), h.ID, baton.CmdOutcome, in)
	if baton.ErrorCode(err) != baton.EFORBIDDEN {
		t.Fatalf("outcome by %s on %s's handoff: got %v, want %s", other.Email, h.OwnerID, err, baton.EFORBIDDEN)
	}
	if v := e.view(t, h.ID); v.State != baton.StateActioned || v.Outcome != "" {
		t.Errorf("got state %s outcome %q, want actioned and none", v.State, v.Outcome)
	}
	learned := func() bool {
		t.Helper()
		err := e.db.View(e.ctx, func(tx baton.Tx) error {
			_, err := tx.Setting(e.ctx, "objection_model")
			return err
		})
		if err != nil && baton.ErrorCode(err) != baton.ENOTFOUND {
			t.Fatal(err)
		}
		return err == nil
	}
	if learned() {
		t.Fatal("the objection model learned from a forbidden outcome")
	}
	var owner *baton.User
	for _, u := range e.users {
		if u.ID == h.OwnerID {
			owner = u
		}
	}
	if _, err := e.svc.Act(e.ctx, principal(owner), h.ID, baton.CmdOutcome, in); err != nil {
		t.Fatalf("outcome by the owner: %v", err)
	}
	if !learned() {
		t.Error("the objection model did not learn from the owner's outcome")
	}
}
