package routing_test

import (
	"fmt"
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/routing"
	"github.com/google/go-cmp/cmp"
)

// scanTrace is the rules step's trace as a scan of every rule in order
// finds it, each condition run in full (no guards, no index): the first 20
// rules that do not hold listed by name, the rest counted, then the match.
func scanTrace(t *testing.T, rules []*playbook.Rule, env *playbook.Env) []baton.Step {
	t.Helper()
	var out []baton.Step
	unmatched := 0
	for _, rule := range rules {
		ok, err := rule.Eval(env)
		if err != nil {
			t.Fatalf("rule %s: %v", rule.Name, err)
		}
		if !ok {
			if unmatched < routing.MaxTraceMembers {
				out = append(out, baton.Step{Step: playbook.StepRules, Subject: rule.Name, Result: "skipped", Reason: "condition is false"})
			}
			unmatched++
			continue
		}
		if unmatched > routing.MaxTraceMembers {
			out = append(out, baton.Step{Step: playbook.StepRules, Result: "skipped", Reason: fmt.Sprintf("and %d more rules whose condition is false", unmatched-routing.MaxTraceMembers)})
		}
		return append(out, baton.Step{Step: playbook.StepRules, Subject: rule.Name, Result: "matched", Reason: rule.When})
	}
	if unmatched > routing.MaxTraceMembers {
		out = append(out, baton.Step{Step: playbook.StepRules, Result: "skipped", Reason: fmt.Sprintf("and %d more rules whose condition is false", unmatched-routing.MaxTraceMembers)})
	}
	return out
}

// rulesSteps is the part of a decision's trace the rules step wrote before
// its pool pick: its steps up to and including the match.
func rulesSteps(trace []baton.Step) []baton.Step {
	var out []baton.Step
	for _, s := range trace {
		if s.Step != playbook.StepRules {
			continue
		}
		out = append(out, s)
		if s.Result == "matched" {
			break
		}
	}
	return out
}

// TestRulesStepAsScanned: over a world of 500 generated rules and a stream
// of signals (early, late and no rule hits), the rules step, which runs
// only the rules the playbook's index admits, matches the rule and writes
// the trace that running every rule's condition in order gives.
func TestRulesStepAsScanned(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldConfig{Users: 300, Rules: 500, Accounts: 2000, Signals: 600, Mix: defaultMix, Seed: 9})
	reached, matched := 0, 0
	for _, s := range w.signals {
		req := w.request(s)
		d, err := routing.Route(req)
		if err != nil {
			t.Fatal(err)
		}
		w.commit(d)
		got := rulesSteps(d.Trace)
		if len(got) == 0 || len(req.Rules) == 0 {
			continue // placed before the rules step, or no rules apply
		}
		reached++
		want := scanTrace(t, req.Rules, w.request(s).Env)
		if want[len(want)-1].Result == "matched" {
			matched++
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("signal %+v: rules step (-scan +indexed):\n%s", s.signal, diff)
		}
	}
	if reached < 100 || matched < 50 {
		t.Fatalf("got %d signals reaching the rules step and %d matching a rule, want at least 100 and 50", reached, matched)
	}
}

// TestDirectBackupPrefersWorkingHours: when a direct step places the
// owner, the backup is the first other eligible member of the owner's team
// in working hours, else the first other eligible member, over random teams.
func TestDirectBackupPrefersWorkingHours(t *testing.T) {
	t.Parallel()
	rng := newRand(21)
	for i := range 300 {
		users := team("ae", 2+rng.IntN(10))
		for _, u := range users {
			u.WorkingHours = "mon-fri 09:00-17:00"
			u.TimeZone = pick(rng, []string{"UTC", "America/Los_Angeles"}) // in hours at now, or not
			u.Active = rng.IntN(5) != 0
			u.Paused = rng.IntN(6) == 0
		}
		owner := users[rng.IntN(len(users))]
		owner.Active, owner.Paused = true, false
		s := newSim(users, playbook.StepNamedAccount)
		s.req.Account = &baton.Account{ID: "a1", OwnerID: owner.ID}
		want := ""
		for _, u := range s.req.Roster.Team("ae") { // the team in roster order
			if u == owner || !u.Active || u.Paused {
				continue
			}
			if want == "" {
				want = u.ID
			}
			if u.TimeZone == "UTC" {
				want = u.ID
				break
			}
		}
		d := s.route(t)
		if d.OwnerID != owner.ID || d.BackupID != want {
			t.Fatalf("team %d: got owner %q backup %q, want %q and %q", i, d.OwnerID, d.BackupID, owner.ID, want)
		}
	}
}
