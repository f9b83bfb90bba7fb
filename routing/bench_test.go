package routing_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/bizhours"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/routing"
)

// The routing benchmarks measure DESIGN.md's "routing decision, 1,000 users
// and 500 rules" figure (target p99 ≤ 50 µs, no allocation growth with rule
// count beyond compiled form). Run them with
//
//	go test ./routing/ -run XXX -bench . -benchtime 20000x -count 3
//
// A decision is what the service does per signal between reading the store
// and writing the handoff: match the lead to one of 100,000 accounts, build
// the condition environment, route, and record the pick in the fairness
// state and loads (here in memory, so the figure is the engine's alone).

// latencySamples bounds the per-decision timings kept; a longer run keeps
// the most recent.
const latencySamples = 1 << 20

// BenchmarkDecision routes a stream of signals through a world of 1,000
// users, 500 rules and 100,000 accounts: a fifth placed by a named owner,
// CSM or opportunity owner, a quarter by a rule in the first quarter of its
// handoff type's rules, three tenths by one in the second half (the
// territory catch-alls among them) and a quarter by no rule, left to the
// team's pool. It reports the median and 99th-percentile time of one
// decision and decisions per second on one goroutine.
func BenchmarkDecision(b *testing.B) {
	w := newWorld(b, worldConfig{Users: 1000, Rules: 500, Accounts: 100_000, Signals: 8192, Mix: defaultMix, Seed: 1})
	runDecisions(b, w)
}

// BenchmarkDecisionRulesScaling routes signals that reach the rules step and
// match none of 10, 100 or 500 rules, every rule applying to the signal's
// handoff type: the worst case, each rule's condition evaluated. Allocations
// per decision should not depend on the rule count.
func BenchmarkDecisionRulesScaling(b *testing.B) {
	w := newBaseWorld(b, worldConfig{Users: 1000, Accounts: 100_000, Seed: 2})
	rules := w.genRules(500, false)
	w.usePlaybook(b, rules, true)
	signals := w.stream(b, 1024, map[string]float64{kindNone: 1}, w.missCandidate)
	for _, n := range []int{10, 100, 500} {
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			w.usePlaybook(b, rules[:n], true)
			w.signals = signals
			w.reset()
			runDecisions(b, w)
		})
	}
}

// runDecisions times each decision of the stream, cycling, and reports
// p50-ns, p99-ns and decisions/s, and the 99th percentiles of its two
// phases: matching the account (match-p99-ns) and building the request
// and routing (route-p99-ns).
func runDecisions(b *testing.B, w *world) {
	b.Helper()
	total := make([]time.Duration, latencySamples)
	matching := make([]time.Duration, latencySamples)
	routed := make([]time.Duration, latencySamples)
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		s := w.signals[n%len(w.signals)]
		t0 := time.Now()
		a := w.match(s)
		t1 := time.Now()
		d, err := routing.Route(w.requestFor(s, a))
		if err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		w.commit(d)
		i := n % latencySamples
		total[i], matching[i], routed[i] = time.Since(t0), t1.Sub(t0), t2.Sub(t1)
		n++
	}
	k := min(n, latencySamples)
	b.ReportMetric(float64(percentile(total[:k], 0.50).Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(percentile(total[:k], 0.99).Nanoseconds()), "p99-ns")
	b.ReportMetric(float64(percentile(matching[:k], 0.99).Nanoseconds()), "match-p99-ns")
	b.ReportMetric(float64(percentile(routed[:k], 0.99).Nanoseconds()), "route-p99-ns")
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "decisions/s")
}

// percentile returns the q-quantile of ds (nearest rank), sorting ds.
func percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	sorted := ds
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// missCandidate draws a hot lead from a known prospect with full
// firmographics and nobody named on it, in a market no country rule names:
// the signal most likely to reach the rules step and fall through them all.
func (w *world) missCandidate() *benchSignal {
	s := w.randomSignal()
	s.handoffType = "hot_lead"
	s.signal.Type = baton.SignalDemoRequest
	for {
		a := pick(w.rng, w.list)
		if a.OwnerID != "" || a.OpportunityOwnerID != "" || a.Status == baton.AccountCustomer {
			continue
		}
		if w.rng.IntN(4) != 0 && !isUncovered(a.Country) {
			continue
		}
		s.query.Email, s.query.Domain, s.query.Company = "buyer@"+a.Domain, "", a.Name
		s.hint = playbook.AccountEnv{}
		return s
	}
}

func isUncovered(code string) bool {
	for _, c := range uncoveredCountries {
		if c.code == code {
			return true
		}
	}
	return false
}

// TestRoutingBenchmarkWorldIsSane builds a small world the way the
// benchmarks build theirs and checks that it exercises what they claim:
// the generated playbook compiles, every working-hours calendar parses, the
// stream holds every kind of signal, and routing it finds owners, some by
// named owners and some by rules early and late.
func TestRoutingBenchmarkWorldIsSane(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldConfig{Users: 200, Rules: 120, Accounts: 5000, Signals: 400, Mix: defaultMix, Seed: 7})

	for _, u := range w.users {
		spec := u.WorkingHours
		if spec == "" {
			spec = routing.DefaultHours
		}
		if _, err := bizhours.ParseCalendar(spec, u.TimeZone, nil); err != nil {
			t.Errorf("user %s: working hours %q in %s: %v", u.ID, spec, u.TimeZone, err)
		}
	}
	for i := range w.pb.HandoffTypes {
		h := &w.pb.HandoffTypes[i]
		if got := w.pb.PrecedenceFor(h); !slices.Contains(got, playbook.StepRules) {
			t.Errorf("handoff type %s: got precedence %v, want rules in it", h.Name, got)
		}
	}
	if got := len(w.pb.RulesFor("hot_lead")); got < 20 {
		t.Errorf("got %d rules for hot_lead, want a good share of 120", got)
	}

	kinds := map[string]int{}
	for _, s := range w.signals {
		kinds[s.kind]++
	}
	for k, share := range defaultMix {
		if want := int(share * float64(len(w.signals))); kinds[k] < want {
			t.Errorf("stream holds %d %s signals, want %d", kinds[k], k, want)
		}
	}

	steps, owned, viaRule := map[string]int{}, 0, map[string]int{}
	for _, s := range w.signals {
		d, err := w.decide(s)
		if err != nil {
			t.Fatal(err)
		}
		steps[d.Step]++
		if d.OwnerID != "" {
			owned++
			if w.roster.User(d.OwnerID) == nil {
				t.Fatalf("owner %q is not on the roster", d.OwnerID)
			}
		}
		if d.Step == playbook.StepRules {
			viaRule[s.kind]++
		}
	}
	if share := float64(owned) / float64(len(w.signals)); share < 0.95 {
		t.Errorf("%.0f%% of decisions found an owner, want at least 95%%; steps %v", 100*share, steps)
	}
	for _, k := range []string{kindEarly, kindLate} {
		if viaRule[k] < kinds[k]*8/10 {
			t.Errorf("%d of %d %s signals placed by a rule, want most; steps %v", viaRule[k], kinds[k], k, steps)
		}
	}
	if viaRule[kindNone] != 0 {
		t.Errorf("%d signals that match no rule were placed by one", viaRule[kindNone])
	}
	direct := steps[playbook.StepExistingCustomer] + steps[playbook.StepOpenOpportunity] + steps[playbook.StepNamedAccount]
	if direct < kinds[kindDirect]*8/10 || steps[playbook.StepPool] == 0 {
		t.Errorf("steps %v: want named owners and the pool to place signals too", steps)
	}
	if len(w.state) < 10 {
		t.Errorf("fairness state recorded for %d pools, want many", len(w.state))
	}

	t.Run("MissSignalsMissEveryRule", func(t *testing.T) {
		rules := w.genRules(120, false)
		w.usePlaybook(t, rules, true)
		w.reset()
		for _, s := range w.stream(t, 50, map[string]float64{kindNone: 1}, w.missCandidate) {
			req := w.request(s)
			if len(req.Rules) != len(rules) {
				t.Fatalf("got %d rules for %s, want all %d", len(req.Rules), req.Type, len(rules))
			}
			d, err := routing.Route(req)
			if err != nil {
				t.Fatal(err)
			}
			if d.Step == playbook.StepRules || d.Rule != "" {
				t.Errorf("miss signal placed by rule %s", d.Rule)
			}
		}
	})
}
