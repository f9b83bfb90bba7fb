package routing_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/routing"
)

// A Monday, 15:00 UTC: inside 09:00-17:00 in London, before 09:00 in Los Angeles.
var now = time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)

func team(name string, n int) []*baton.User {
	out := make([]*baton.User, n)
	for i := range out {
		out[i] = &baton.User{ID: fmt.Sprintf("%s%d", name, i), Email: fmt.Sprintf("%s%d@example.com", name, i), Team: name,
			Active: true, TimeZone: "UTC", WorkingHours: "24x7"}
	}
	return out
}

// sim is a routing world in memory: the roster, pool state and loads the
// service would read from the store, and what it records after each pick.
type sim struct {
	req   *routing.Request
	state map[string]baton.PoolState
	loads map[string]baton.Load
}

func newSim(users []*baton.User, steps ...string) *sim {
	s := &sim{state: map[string]baton.PoolState{}, loads: map[string]baton.Load{}}
	if len(steps) == 0 {
		steps = []string{playbook.StepPool}
	}
	s.req = &routing.Request{Now: now, Type: "hot_lead", Steps: steps, Team: "sdr", Method: playbook.MethodRoundRobin,
		Roster: routing.NewRoster(users), Env: &playbook.Env{},
		State: func(pool string) (baton.PoolState, error) { return s.state[pool], nil },
		Loads: func(ids []string) (map[string]baton.Load, error) {
			out := map[string]baton.Load{}
			for _, id := range ids {
				out[id] = s.loads[id]
			}
			return out, nil
		}}
	return s
}

func (s *sim) route(t testing.TB) routing.Decision {
	t.Helper()
	d, err := routing.Route(s.req)
	if err != nil {
		t.Fatal(err)
	}
	if d.Pool != "" {
		st := s.state[d.Pool]
		if st.Members == nil {
			st.Members = map[string]baton.PoolMember{}
		}
		m := st.Members[d.OwnerID]
		st.Members[d.OwnerID] = baton.PoolMember{Pass: d.Pass, Assigned: m.Assigned + 1}
		st.VTime = d.VTime
		s.state[d.Pool] = st
	}
	if d.OwnerID != "" {
		l := s.loads[d.OwnerID]
		l.Open++
		l.Today++
		l.Month++
		s.loads[d.OwnerID] = l
	}
	return d
}

func (s *sim) run(t testing.TB, n int) map[string]int {
	t.Helper()
	got := map[string]int{}
	for range n {
		got[s.route(t).OwnerID]++
	}
	return got
}

func spread(users []*baton.User, got map[string]int) (lo, hi int) {
	lo = 1 << 30
	for _, u := range users {
		lo, hi = min(lo, got[u.ID]), max(hi, got[u.ID])
	}
	return lo, hi
}

func TestPrecedence(t *testing.T) {
	t.Parallel()
	sdrs := team("sdr", 3)
	csm := &baton.User{ID: "csm", Email: "csm@example.com", Team: "cs", Active: true, TimeZone: "UTC"}
	csm2 := &baton.User{ID: "csm2", Email: "csm2@example.com", Team: "cs", Active: true, TimeZone: "UTC"}
	owner := &baton.User{ID: "ae", Email: "ae@example.com", Team: "ae", Active: true, TimeZone: "UTC"}
	opp := &baton.User{ID: "opp", Email: "opp@example.com", Team: "ae", Active: true, TimeZone: "UTC"}
	away := &baton.User{ID: "away", Email: "away@example.com", Team: "ae", Active: true, TimeZone: "UTC", AwayFrom: now.Add(-time.Hour), AwayUntil: now.Add(time.Hour)}
	emea := team("emea", 2)
	users := append(append([]*baton.User{csm, csm2, owner, opp, away}, sdrs...), emea...)
	all := []string{playbook.StepExistingCustomer, playbook.StepOpenOpportunity, playbook.StepNamedAccount, playbook.StepRules, playbook.StepPool}
	pb, err := playbook.Parse("rules.yaml", []byte(`version: 1
tiers: [{name: hot, accept: 5m}]
routing:
  rules:
    - name: emea_enterprise
      when: account.segment == "enterprise" && account.region == "emea"
      to: {team: emea}
    - name: nobody_home
      when: account.industry == "void"
      to: {team: void}
handoff_types:
  - {name: hot_lead, from: marketing, to: sdr, triggers: [demo_request], tier: hot}
`))
	if err != nil {
		t.Fatal(err)
	}
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
		{"RuleSendsToItsPool", &baton.Account{Segment: "enterprise", Region: "emea"}, "emea0", playbook.StepRules},
		{"EmptyRulePoolFallsThrough", &baton.Account{Industry: "void"}, "sdr0", playbook.StepPool},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSim(users, all...)
			s.req.Account = tc.account
			s.req.Rules = pb.RulesFor("hot_lead")
			if tc.account != nil {
				s.req.Env = &playbook.Env{Account: playbook.AccountEnv{Segment: tc.account.Segment, Region: tc.account.Region, Industry: tc.account.Industry}}
			}
			d := s.route(t)
			if d.OwnerID != tc.want || d.Step != tc.wantStep {
				t.Errorf("got %s via %s, want %s via %s; trace %+v", d.OwnerID, d.Step, tc.want, tc.wantStep, d.Trace)
			}
			if d.BackupID == "" || d.BackupID == d.OwnerID {
				t.Errorf("got backup %q for owner %q, want another user", d.BackupID, d.OwnerID)
			}
			var sawStep bool
			for _, st := range d.Trace {
				sawStep = sawStep || (st.Step == tc.wantStep && st.Result == "picked")
			}
			if !sawStep {
				t.Errorf("trace lacks the picking step %s: %+v", tc.wantStep, d.Trace)
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
	t.Run("ToOpsWhenTeamAway", func(t *testing.T) {
		s := newSim(append(ops, sdrs...))
		s.req.FallbackTeam = "ops"
		d := s.route(t)
		if d.OwnerID != "ops0" || !d.FellBack || d.Pool != routing.PoolKey("ops") {
			t.Errorf("got %+v, want ops0 via fallback", d)
		}
	})
	t.Run("UnownedWhenNobodyEligible", func(t *testing.T) {
		s := newSim(sdrs)
		s.req.FallbackTeam = "ops"
		d := s.route(t)
		if d.OwnerID != "" || !d.FellBack {
			t.Errorf("got %+v, want no owner and fell back", d)
		}
	})
}

func TestDistribution(t *testing.T) {
	t.Parallel()
	t.Run("RoundRobinWithinOneOverAnyRun", func(t *testing.T) {
		t.Parallel()
		users := team("sdr", 7)
		s := newSim(users)
		total := map[string]int{}
		for _, n := range []int{1, 6, 7, 50, 1000, 3} {
			for id, c := range s.run(t, n) {
				total[id] += c
			}
			if lo, hi := spread(users, total); hi-lo > 1 {
				t.Fatalf("after %d more: spread %d..%d, want within 1: %v", n, lo, hi, total)
			}
		}
	})
	t.Run("WeightsHonouredWithinOne", func(t *testing.T) {
		t.Parallel()
		users := team("sdr", 4)
		weights := []int{1, 2, 3, 4}
		for i, u := range users {
			u.Weight = weights[i]
		}
		s := newSim(users)
		s.req.Method = playbook.MethodWeighted
		got := s.run(t, 1000)
		for i, u := range users {
			want := 1000 * weights[i] / 10
			if d := got[u.ID] - want; d < -1 || d > 1 {
				t.Errorf("%s (weight %d): got %d of 1000, want %d±1", u.ID, weights[i], got[u.ID], want)
			}
		}
	})
	t.Run("LeastLoadedPicksFewestOpen", func(t *testing.T) {
		t.Parallel()
		users := team("sdr", 3)
		s := newSim(users)
		s.req.Method = playbook.MethodLeastLoaded
		s.loads["sdr0"] = baton.Load{Open: 5}
		s.loads["sdr1"] = baton.Load{Open: 2}
		s.loads["sdr2"] = baton.Load{Open: 4}
		var order []string
		for range 5 {
			order = append(order, s.route(t).OwnerID)
		}
		if got := strings.Join(order, ","); got != "sdr1,sdr1,sdr2,sdr1,sdr0" {
			t.Errorf("got %s, want sdr1,sdr1,sdr2,sdr1,sdr0 (fewest open first, ties by turn)", got)
		}
	})
	t.Run("CapsNeverExceeded", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name string
			set  func(*baton.User)
			load func(baton.Load) int
		}{
			{"Capacity", func(u *baton.User) { u.Capacity = 3 }, func(l baton.Load) int { return l.Open }},
			{"Daily", func(u *baton.User) { u.DailyCap = 4 }, func(l baton.Load) int { return l.Today }},
			{"Monthly", func(u *baton.User) { u.MonthlyCap = 5 }, func(l baton.Load) int { return l.Month }},
		} {
			users := team("sdr", 3)
			tc.set(users[0])
			tc.set(users[1])
			s := newSim(users)
			for _, m := range []string{playbook.MethodRoundRobin, playbook.MethodLeastLoaded} {
				s.req.Method = m
				s.run(t, 30)
			}
			cap := tc.load(s.loads["sdr0"])
			if cap > 5 || tc.load(s.loads["sdr1"]) > 5 {
				t.Errorf("%s: capped users hold %d and %d", tc.name, cap, tc.load(s.loads["sdr1"]))
			}
			if tc.load(s.loads["sdr2"]) < 50 {
				t.Errorf("%s: uncapped user got %d, want the overflow", tc.name, tc.load(s.loads["sdr2"]))
			}
		}
	})
	t.Run("AwayNeverPickedAndNotFloodedOnReturn", func(t *testing.T) {
		t.Parallel()
		users := team("sdr", 4)
		s := newSim(users)
		s.run(t, 40)
		users[0].AwayFrom, users[0].AwayUntil = now.Add(-time.Minute), now.Add(time.Hour)
		if got := s.run(t, 30); got["sdr0"] != 0 {
			t.Fatalf("away user picked %d times, want 0", got["sdr0"])
		}
		users[0].AwayUntil = now
		got := s.run(t, 8)
		if got["sdr0"] != 2 {
			t.Errorf("returning user got %d of 8, want 2 (one turn per round, no catch-up): %v", got["sdr0"], got)
		}
	})
	t.Run("NewUserNotFlooded", func(t *testing.T) {
		t.Parallel()
		users := team("sdr", 3)
		s := newSim(users)
		s.run(t, 300)
		newcomer := &baton.User{ID: "new", Email: "new@example.com", Team: "sdr", Active: true, TimeZone: "UTC", WorkingHours: "24x7"}
		s.req.Roster = routing.NewRoster(append(users, newcomer))
		if got := s.run(t, 8); got["new"] != 2 {
			t.Errorf("new user got %d of 8, want 2: %v", got["new"], got)
		}
	})
	t.Run("PausedAndInactiveNeverPicked", func(t *testing.T) {
		t.Parallel()
		users := team("sdr", 3)
		users[0].Paused, users[1].Active = true, false
		if got := newSim(users).run(t, 20); got["sdr2"] != 20 {
			t.Errorf("got %v, want all 20 for sdr2", got)
		}
	})
	t.Run("PrefersWorkingHours", func(t *testing.T) {
		t.Parallel()
		users := team("sdr", 2)
		users[0].TimeZone, users[0].WorkingHours = "America/Los_Angeles", "mon-fri 09:00-17:00" // 07:00 there
		users[1].TimeZone, users[1].WorkingHours = "Europe/London", "mon-fri 09:00-17:00"       // 15:00 there
		s := newSim(users)
		s.req.Hours = true
		if got := s.run(t, 5); got["sdr1"] != 5 {
			t.Errorf("got %v, want every pick for the member in hours", got)
		}
		users[1].TimeZone = "Asia/Tokyo" // midnight there: nobody in hours
		s.req.Roster = routing.NewRoster(users)
		d := s.route(t)
		if d.OwnerID == "" {
			t.Fatal("nobody in hours: got no owner, want a pick regardless")
		}
		var noted bool
		for _, st := range d.Trace {
			noted = noted || strings.Contains(st.Reason, "nobody is in working hours")
		}
		if !noted {
			t.Errorf("trace does not say hours were ignored: %+v", d.Trace)
		}
	})
	t.Run("TraceSummarisesLargePools", func(t *testing.T) {
		t.Parallel()
		users := team("sdr", 200)
		for _, u := range users[:150] {
			u.AwayFrom, u.AwayUntil = now.Add(-time.Hour), now.Add(time.Hour)
		}
		d := newSim(users).route(t)
		if len(d.Trace) > routing.MaxTraceMembers+5 {
			t.Errorf("got %d trace steps, want a summary", len(d.Trace))
		}
		if last := d.Trace[routing.MaxTraceMembers]; !strings.Contains(last.Reason, "130 more") || !strings.Contains(last.Reason, "out of office") {
			t.Errorf("got summary %q, want 130 more out of office", last.Reason)
		}
	})
}
