package metrics_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
)

// TestSLAFromGroupsAsFolded: the SLA review summed from each handoff's
// SLACells by key (as a store's SLA blocks hold them) equals the one the
// aggregator folds from the same events, over random logs: owners
// reassigned before and after a breach, breaches with and without their
// step, deadline or owner, margins settled by acceptance, first touch,
// cancellation or completion, or still running to the window's end.
// Settled margins match within the duration buckets' 5 %; the rest is
// exact.
func TestSLAFromGroupsAsFolded(t *testing.T) {
	t.Parallel()
	pick := func(r *rand.Rand, xs ...string) string { return xs[r.IntN(len(xs))] }
	for seed := range 40 {
		r := rand.New(rand.NewPCG(uint64(seed), 7))
		day := metrics.UTCDay(slaT0)
		from, to := metrics.DayStart(day), metrics.DayStart(day+1)
		agg := metrics.NewSLAAggregator(from, to)
		var groups [6]map[string]*metrics.Acc
		for i := range groups {
			groups[i] = map[string]*metrics.Acc{}
		}
		for n := range 1 + r.IntN(60) {
			id := fmt.Sprintf("h%d", n)
			c := r.IntN(600)
			events := []*baton.Event{created(id, c, pick(r, "hot_lead", "mql", "demo"), pick(r, "hot", "warm", ""),
				pick(r, "sdr", "ae", ""), pick(r, "web", "ads", ""), pick(r, "smb", "ent", ""))}
			if owner := pick(r, "u1", "u2", "u3", ""); owner != "" {
				events = append(events, slaEv(id, baton.EventAssigned, c, owner, nil))
			}
			m := c
			for range r.IntN(7) {
				m += 1 + r.IntN(15)
				switch r.IntN(7) {
				case 0:
					events = append(events, slaEv(id, pick(r, baton.EventReassigned, baton.EventAssigned, baton.EventResubmitted), m, pick(r, "u1", "u2", "u4"), nil))
				case 1:
					events = append(events, slaEv(id, baton.EventAccepted, m, pick(r, "u1", ""), nil))
				case 2:
					events = append(events, slaEv(id, baton.EventTouched, m, "", nil))
				case 3, 4:
					switch r.IntN(3) {
					case 0: // logged before breaches named their step and deadline
						events = append(events, slaEv(id, baton.EventBreached, m, pick(r, "u3", ""), nil))
					default:
						events = append(events, breach(id, m, pick(r, "u2", ""), pick(r, "accept", "first touch", ""), m-r.IntN(m-c+1)))
					}
				case 5:
					events = append(events, slaEv(id, baton.EventCancelled, m, "", nil))
				case 6:
					events = append(events, slaEv(id, baton.EventCompleted, m, "", nil))
				}
			}
			var h metrics.RollupHandoff
			for _, e := range events {
				if err := agg.Add(e); err != nil {
					t.Fatal(err)
				}
				if _, err := h.Apply(e); err != nil {
					t.Fatal(err)
				}
			}
			cells := h.SLACells()
			for i, dim := range metrics.SLADims {
				k := h.Key(dim)
				if groups[i][k] == nil {
					groups[i][k] = &metrics.Acc{}
				}
				groups[i][k].Add(cells)
			}
		}
		want := agg.Report()
		approx := cmpopts.EquateApprox(0.05, 0)
		if got := metrics.SLAFromGroups(from, to, to, groups); !cmp.Equal(want, got, approx) {
			t.Fatalf("seed %d: the review from SLA cells differs from the folded one (-folded +cells):\n%s", seed, cmp.Diff(want, got, approx))
		}
	}
}

// TestSLAReachReportCountsEachHandoffOnce: summed from the reach rows of
// the people in a reach (as a store hands them over, every row of every
// person in it, senders' too), the SLA review equals the one from the SLA
// cells of the handoffs owned or first breached by someone in it, each
// once.
func TestSLAReachReportCountsEachHandoffOnce(t *testing.T) {
	t.Parallel()
	pick := func(r *rand.Rand, xs ...string) string { return xs[r.IntN(len(xs))] }
	for seed := range 40 {
		r := rand.New(rand.NewPCG(uint64(seed), 11))
		var states []*metrics.RollupHandoff
		for n := range 1 + r.IntN(60) {
			id := fmt.Sprintf("h%d", n)
			c := r.IntN(600)
			events := []*baton.Event{created(id, c, pick(r, "hot_lead", "mql"), pick(r, "hot", ""), pick(r, "sdr", ""), pick(r, "web", ""), pick(r, "smb", ""))}
			if owner := pick(r, "u1", "u2", "u3", ""); owner != "" {
				events = append(events, slaEv(id, baton.EventAssigned, c, owner, nil))
			}
			if r.IntN(2) == 0 {
				events = append(events, breach(id, c+10, pick(r, "u1", "u4", ""), "accept", c+5))
			}
			if r.IntN(2) == 0 {
				events = append(events, slaEv(id, baton.EventReassigned, c+12, pick(r, "u2", "u5"), nil))
			}
			if r.IntN(3) == 0 {
				events = append(events, slaEv(id, baton.EventAccepted, c+20, "", nil))
			}
			h := &metrics.RollupHandoff{}
			for _, e := range events {
				if _, err := h.Apply(e); err != nil {
					t.Fatal(err)
				}
			}
			h.SetFacts(metrics.RollupFacts{Sender: pick(r, "u1", "s1", "u4", "")})
			states = append(states, h)
		}
		in := map[string]bool{}
		for _, p := range []string{"u1", "u2", "u3", "u4", "u5", "s1"} {
			if r.IntN(2) == 0 {
				in[p] = true
			}
		}
		rep := metrics.NewSLAReachReport(in)
		var want [6]map[string]*metrics.Acc
		for i := range want {
			want[i] = map[string]*metrics.Acc{}
		}
		for _, h := range states {
			row := h.ReachRow()
			for _, p := range h.People() {
				if in[p] {
					if err := rep.Add(p, row); err != nil {
						t.Fatal(err)
					}
				}
			}
			slaOwner := h.Owner
			if h.Breached {
				slaOwner = h.BreachOwner
			}
			if !in[h.Owner] && !in[slaOwner] {
				continue // a sender's handoff, or nobody's in reach
			}
			for i, dim := range metrics.SLADims {
				k := h.Key(dim)
				if want[i][k] == nil {
					want[i][k] = &metrics.Acc{}
				}
				want[i][k].Add(h.SLACells())
			}
		}
		from, to := metrics.DayStart(metrics.UTCDay(slaT0)), metrics.DayStart(metrics.UTCDay(slaT0)+1)
		if diff := cmp.Diff(metrics.SLAFromGroups(from, to, to, want), metrics.SLAFromGroups(from, to, to, rep.Groups())); diff != "" {
			t.Fatalf("seed %d, reach %v: review from the reach rows differs (-cells +rows):\n%s", seed, in, diff)
		}
	}
}
