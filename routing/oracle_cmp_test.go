package routing_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/routing"
	"github.com/google/go-cmp/cmp"
)

// callLog wraps a request's callbacks to record every call in order, so
// that two routers can be held to the same reads of the store.
func callLog(req *routing.Request) (*routing.Request, *[]string) {
	var calls []string
	out := *req
	if req.State != nil {
		out.State = func(pool string) (baton.PoolState, error) {
			calls = append(calls, "state "+pool)
			return req.State(pool)
		}
	}
	if req.Loads != nil {
		out.Loads = func(ids []string) (map[string]baton.Load, error) {
			calls = append(calls, "loads "+strings.Join(ids, ","))
			return req.Loads(ids)
		}
	}
	return &out, &calls
}

// sameAsOracle routes req with Route and with the implementation before
// dense pool arrays, and reports any difference in the decision, the
// error or the callbacks' calls.
func sameAsOracle(t *testing.T, what string, req *routing.Request) routing.Decision {
	t.Helper()
	newReq, newCalls := callLog(req)
	oldReq, oldCalls := callLog(req)
	got, gotErr := routing.Route(newReq)
	want, wantErr := routing.OracleRoute(oldReq)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("%s: decision differs from the oracle (-want +got):\n%s", what, diff)
	}
	if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
		t.Fatalf("%s: got error %v, want %v", what, gotErr, wantErr)
	}
	if diff := cmp.Diff(*oldCalls, *newCalls); diff != "" {
		t.Fatalf("%s: callbacks called differently from the oracle (-want +got):\n%s", what, diff)
	}
	return got
}

// TestPickMatchesOracle holds Route to the implementation before pool
// picks read loads from dense arrays (routing/oracle_test.go): the same
// owner, backup, fairness state, trace and reads of the store, over random
// rosters (inactive, paused, on leave, capped by open, daily and 30-day
// counts, weighted, in and out of working hours, with configured backups),
// every pool method, named owners, excluded owners, missing callbacks and
// failing loads.
func TestPickMatchesOracle(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(15, 3))
	zones := []struct{ hours, zone string }{
		{"24x7", "UTC"}, {"mon-fri 09:00-17:00", "Europe/London"}, {"mon-fri 09:00-17:00", "America/Los_Angeles"},
		{"mon-fri 09:00-17:00", "Asia/Tokyo"}, {"mon-fri 14:00-15:00", "UTC"}, {"", ""},
	}
	methods := []string{playbook.MethodRoundRobin, playbook.MethodWeighted, playbook.MethodLeastLoaded}
	allSteps := []string{playbook.StepExistingCustomer, playbook.StepOpenOpportunity, playbook.StepNamedAccount, playbook.StepPool}
	errLoads := errors.New("loads unavailable")
	for i := range 1500 {
		teams := []string{"sdr", "ops", "ae"}
		users := make([]*baton.User, 1+rng.IntN(70))
		for j := range users {
			z := zones[rng.IntN(len(zones))]
			u := &baton.User{ID: fmt.Sprintf("u%d", j), Email: fmt.Sprintf("u%02d@example.com", rng.IntN(60)*100+j),
				Team: teams[rng.IntN(len(teams))], Active: rng.IntN(8) != 0, Paused: rng.IntN(15) == 0, TimeZone: z.zone, WorkingHours: z.hours,
				Weight: rng.IntN(4)}
			if rng.IntN(10) == 0 {
				u.AwayFrom, u.AwayUntil = now.Add(-time.Hour), now.Add(time.Duration(1+rng.IntN(100))*time.Hour)
			}
			if rng.IntN(3) == 0 {
				u.Capacity = 1 + rng.IntN(5)
			}
			if rng.IntN(5) == 0 {
				u.DailyCap = 1 + rng.IntN(4)
			}
			if rng.IntN(6) == 0 {
				u.MonthlyCap = 1 + rng.IntN(10)
			}
			users[j] = u
		}
		for _, u := range users {
			if rng.IntN(3) == 0 {
				u.BackupID = users[rng.IntN(len(users))].ID
			}
		}
		if rng.IntN(10) == 0 && len(users) > 1 { // a repeated id
			users[len(users)-1].ID = users[0].ID
		}
		s := newSim(users)
		req := s.req
		req.Steps = nil
		for _, st := range allSteps {
			if rng.IntN(2) == 0 {
				req.Steps = append(req.Steps, st)
			}
		}
		req.Team = teams[rng.IntN(len(teams))]
		req.Method = methods[rng.IntN(len(methods))]
		req.Hours = rng.IntN(4) != 0
		if rng.IntN(2) == 0 {
			req.FallbackTeam = teams[rng.IntN(len(teams))]
		}
		someone := func() string {
			if rng.IntN(6) == 0 {
				return "nobody"
			}
			return users[rng.IntN(len(users))].ID
		}
		a := &baton.Account{ID: "a1", Status: baton.AccountProspect}
		if rng.IntN(2) == 0 {
			a.Status, a.CSMID = baton.AccountCustomer, someone()
		}
		if rng.IntN(2) == 0 {
			a.OwnerID = someone()
		}
		if rng.IntN(3) == 0 {
			a.OpportunityOwnerID = someone()
		}
		req.Account = a
		for range rng.IntN(3) {
			req.Exclude = append(req.Exclude, someone())
		}
		for _, team := range teams {
			st := baton.PoolState{VTime: int64(rng.IntN(3)) * routing.Unit, Members: map[string]baton.PoolMember{}}
			for _, u := range users {
				if rng.IntN(3) != 0 {
					st.Members[u.ID] = baton.PoolMember{Pass: int64(rng.IntN(6)) * routing.Unit / 2}
				}
			}
			s.state[routing.PoolKey(team)] = st
		}
		for _, u := range users {
			s.loads[u.ID] = baton.Load{Open: rng.IntN(6), Today: rng.IntN(5), Month: rng.IntN(12)}
		}
		switch rng.IntN(12) {
		case 0:
			req.State = nil
		case 1:
			req.Loads = nil
		case 2:
			req.Loads = func([]string) (map[string]baton.Load, error) { return nil, errLoads }
		}
		// A few picks in a row, recorded, so that passes and loads move.
		for k := range 3 {
			d := sameAsOracle(t, fmt.Sprintf("roster %d pick %d", i, k), req)
			if req.State == nil || req.Loads == nil {
				continue
			}
			if d.Pool != "" {
				st := s.state[d.Pool]
				st.Members[d.OwnerID] = baton.PoolMember{Pass: d.Pass}
				st.VTime = d.VTime
			}
			if d.OwnerID != "" {
				l := s.loads[d.OwnerID]
				l.Open++
				l.Today++
				l.Month++
				s.loads[d.OwnerID] = l
			}
		}
	}
}

// TestRulePicksMatchOracle routes the benchmark world's stream (rules
// sending to teams and to named users, every method, caps reached as
// loads build up, leave starting and ending during the run) with Route
// and with the implementation before dense pool arrays, recording each
// decision, and holds them to the same decisions and reads.
func TestRulePicksMatchOracle(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldConfig{Users: 300, Rules: 150, Accounts: 5000, Signals: 3000, Mix: defaultMix, Seed: 11})
	for i, s := range w.signals {
		req := w.request(s)
		if i%7 == 0 {
			req.Exclude = []string{w.users[i%len(w.users)].ID}
		}
		d := sameAsOracle(t, fmt.Sprintf("signal %d", i), req)
		w.commit(d)
		w.now = w.now.Add(time.Duration(i%5) * time.Minute)
	}
}
