package routing_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/routing"
)

var now = time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)

func team(name string, n int) []*baton.User {
	out := make([]*baton.User, n)
	for i := range out {
		out[i] = &baton.User{ID: fmt.Sprintf("%s%d", name, i), Email: fmt.Sprintf("%s%d@example.com", name, i), Team: name, Active: true}
	}
	return out
}

// simulate routes n signals through the pool, recording each pick as the
// service does, and returns the count per user.
func simulate(req *routing.Request, n int) map[string]int {
	got := map[string]int{}
	if req.Pool.Members == nil {
		req.Pool.Members = map[string]baton.PoolMember{}
	}
	for range n {
		d := routing.Route(req)
		got[d.OwnerID]++
		if d.Pool != "" {
			m := req.Pool.Members[d.OwnerID]
			req.Pool.Members[d.OwnerID] = baton.PoolMember{LastSeq: d.Seq, Assigned: m.Assigned + 1}
			req.Pool.Seq = d.Seq
		}
	}
	return got
}

func TestPrecedence(t *testing.T) {
	t.Parallel()
	sdrs := team("sdr", 3)
	csm := &baton.User{ID: "csm", Email: "csm@example.com", Team: "cs", Active: true}
	owner := &baton.User{ID: "ae", Email: "ae@example.com", Team: "ae", Active: true}
	opp := &baton.User{ID: "opp", Email: "opp@example.com", Team: "ae", Active: true}
	away := &baton.User{ID: "away", Email: "away@example.com", Team: "ae", Active: true, AwayFrom: now.Add(-time.Hour), AwayUntil: now.Add(time.Hour)}
	csm2 := &baton.User{ID: "csm2", Email: "csm2@example.com", Team: "cs", Active: true}
	users := append([]*baton.User{csm, csm2, owner, opp, away}, sdrs...)
	all := []string{playbook.StepExistingCustomer, playbook.StepOpenOpportunity, playbook.StepNamedAccount, playbook.StepPool}

	for _, tc := range []struct {
		name     string
		account  *baton.Account
		want     string
		wantStep string
	}{
		{"NewLeadGoesToPool", nil, "sdr0", playbook.StepPool},
		{"CustomerGoesToCSM", &baton.Account{Status: baton.AccountCustomer, CSMID: "csm", OwnerID: "ae"}, "csm", playbook.StepExistingCustomer},
		{"CustomerWithoutCSMGoesToOwner", &baton.Account{Status: baton.AccountCustomer, OwnerID: "ae"}, "ae", playbook.StepExistingCustomer},
		{"OpenOpportunityBeatsNamedOwner", &baton.Account{Status: baton.AccountProspect, OwnerID: "ae", OpportunityOwnerID: "opp"}, "opp", playbook.StepOpenOpportunity},
		{"NamedAccountGoesToOwner", &baton.Account{Status: baton.AccountProspect, OwnerID: "ae"}, "ae", playbook.StepNamedAccount},
		{"AwayOwnerFallsThroughToPool", &baton.Account{Status: baton.AccountProspect, OwnerID: "away"}, "sdr0", playbook.StepPool},
		{"UnknownOwnerFallsThroughToPool", &baton.Account{Status: baton.AccountProspect, OwnerID: "ghost"}, "sdr0", playbook.StepPool},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := routing.Route(&routing.Request{Now: now, Steps: all, Team: "sdr", FallbackTeam: "ops", Account: tc.account, Users: users})
			if d.OwnerID != tc.want || d.Step != tc.wantStep {
				t.Errorf("got %s via %s, want %s via %s; trace %+v", d.OwnerID, d.Step, tc.want, tc.wantStep, d.Trace)
			}
			if d.BackupID == "" || d.BackupID == d.OwnerID {
				t.Errorf("got backup %q for owner %q, want another user", d.BackupID, d.OwnerID)
			}
			if len(d.Trace) == 0 {
				t.Error("got empty trace")
			}
		})
	}
}

func TestFallback(t *testing.T) {
	t.Parallel()
	ops := team("ops", 1)
	sdrs := team("sdr", 2)
	for _, u := range sdrs {
		u.AwayFrom, u.AwayUntil = now.Add(-time.Hour), now.Add(time.Hour)
	}
	users := append(ops, sdrs...)
	t.Run("ToOpsWhenTeamAway", func(t *testing.T) {
		d := routing.Route(&routing.Request{Now: now, Steps: []string{playbook.StepPool}, Team: "sdr", FallbackTeam: "ops", Users: users})
		if d.OwnerID != "ops0" || !d.FellBack || d.Pool != routing.PoolKey("ops") {
			t.Errorf("got %+v, want ops0 via fallback", d)
		}
	})
	t.Run("UnownedWhenNobodyEligible", func(t *testing.T) {
		d := routing.Route(&routing.Request{Now: now, Steps: []string{playbook.StepPool}, Team: "sdr", FallbackTeam: "ops", Users: sdrs})
		if d.OwnerID != "" || !d.FellBack {
			t.Errorf("got %+v, want no owner and fell back", d)
		}
	})
}

func TestRoundRobin(t *testing.T) {
	t.Parallel()
	t.Run("EvenWithinOne", func(t *testing.T) {
		t.Parallel()
		users := team("sdr", 7)
		req := &routing.Request{Now: now, Steps: []string{playbook.StepPool}, Team: "sdr", Users: users}
		for _, n := range []int{1, 6, 7, 50, 1000} {
			got := simulate(req, n)
			lo, hi := n, 0
			for _, u := range users {
				lo, hi = min(lo, got[u.ID]), max(hi, got[u.ID])
			}
			if hi-lo > 1 {
				t.Errorf("after %d more signals: spread %d..%d, want within 1: %v", n, lo, hi, got)
			}
		}
	})
	t.Run("AwayNeverPickedAndNotFloodedOnReturn", func(t *testing.T) {
		t.Parallel()
		users := team("sdr", 4)
		req := &routing.Request{Now: now, Steps: []string{playbook.StepPool}, Team: "sdr", Users: users}
		simulate(req, 40)
		users[0].AwayFrom, users[0].AwayUntil = now.Add(-time.Minute), now.Add(time.Hour)
		if got := simulate(req, 30); got["sdr0"] != 0 {
			t.Fatalf("away user picked %d times, want 0", got["sdr0"])
		}
		users[0].AwayUntil = now
		got := simulate(req, 8)
		if got["sdr0"] != 2 {
			t.Errorf("returning user got %d of 8, want 2 (one turn per round, no catch-up): %v", got["sdr0"], got)
		}
	})
	t.Run("NewUserNotFlooded", func(t *testing.T) {
		t.Parallel()
		users := team("sdr", 3)
		req := &routing.Request{Now: now, Steps: []string{playbook.StepPool}, Team: "sdr", Users: users}
		simulate(req, 300)
		req.Users = append(req.Users, &baton.User{ID: "new", Email: "new@example.com", Team: "sdr", Active: true})
		if got := simulate(req, 8); got["new"] != 2 {
			t.Errorf("new user got %d of 8, want 2: %v", got["new"], got)
		}
	})
	t.Run("CapacityNeverExceeded", func(t *testing.T) {
		t.Parallel()
		users := team("sdr", 2)
		users[0].Capacity = 3
		req := &routing.Request{Now: now, Steps: []string{playbook.StepPool}, Team: "sdr", Users: users, Open: map[string]int{}}
		for range 20 {
			d := routing.Route(req)
			req.Open[d.OwnerID]++
			if req.Pool.Members == nil {
				req.Pool.Members = map[string]baton.PoolMember{}
			}
			req.Pool.Members[d.OwnerID] = baton.PoolMember{LastSeq: d.Seq}
			req.Pool.Seq = d.Seq
		}
		if req.Open["sdr0"] > 3 {
			t.Errorf("sdr0 has %d open, want at most 3", req.Open["sdr0"])
		}
	})
}
