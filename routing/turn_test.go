package routing_test

import (
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/routing"
)

// giveBack applies routing.TurnBack to the sim's state, as the service
// does with the store after a no-show.
func (s *sim) giveBack(t *testing.T, pool, userID string, turn int64) {
	t.Helper()
	st := s.state[pool]
	vtime, pass, ok := routing.TurnBack(st, userID, turn)
	if !ok {
		t.Fatalf("no turn of %s to give back in %s", userID, pool)
	}
	m := st.Members[userID]
	m.Pass = pass
	st.Members[userID] = m
	st.VTime = vtime
	s.state[pool] = st
}

func TestTurnBack(t *testing.T) {
	t.Parallel()

	t.Run("TheOwnerGoesNextAfterANoShow", func(t *testing.T) {
		t.Parallel()
		s := newSim(team("sdr", 3))
		var order []string
		for range 3 {
			order = append(order, s.route(t).OwnerID)
		}
		// sdr0's prospect did not show: sdr0 gets the turn back.
		s.giveBack(t, routing.PoolKey("sdr"), order[0], routing.Unit)
		for i, want := range []string{order[0], order[0], order[1], order[2]} {
			if got := s.route(t).OwnerID; got != want {
				t.Errorf("pick %d after the turn back: got %s, want %s", i+1, got, want)
			}
		}
	})

	t.Run("FairOverARun", func(t *testing.T) {
		t.Parallel()
		s := newSim(team("sdr", 4))
		got := map[string]int{}
		for i := range 40 {
			d := s.route(t)
			got[d.OwnerID]++
			if i%4 == 0 && d.OwnerID == "sdr1" { // every no-show of sdr1's is handed back
				s.giveBack(t, d.Pool, d.OwnerID, routing.Unit)
				got[d.OwnerID]--
			}
		}
		for id, n := range got {
			if n < 9 || n > 11 {
				t.Errorf("%s kept %d handoffs, want 10±1 (%v)", id, n, got)
			}
		}
	})

	t.Run("NothingToGiveBack", func(t *testing.T) {
		t.Parallel()
		if _, _, ok := routing.TurnBack(baton.PoolState{}, "u1", routing.Unit); ok {
			t.Error("gave back a turn the user never had")
		}
	})

	t.Run("WeightedTurns", func(t *testing.T) {
		t.Parallel()
		u := &baton.User{Weight: 4}
		if got := routing.Turn(playbook.MethodWeighted, u); got != routing.Unit/4 {
			t.Errorf("weighted: got %d, want Unit/4", got)
		}
		if got := routing.Turn(playbook.MethodRoundRobin, u); got != routing.Unit {
			t.Errorf("round-robin: got %d, want Unit", got)
		}
	})
}

func TestPickedPool(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		trace []baton.Step
		want  routing.Pick
		ok    bool
	}{
		{"TeamPool", []baton.Step{{Step: "pool", Subject: "a@x.com", Result: "picked"}, {Step: "backup", Subject: "b@x.com", Result: "backup"}},
			routing.Pick{Pool: "team:ae"}, true},
		{"RulePool", []baton.Step{{Step: "rules", Subject: "emea", Result: "matched"}, {Step: "rules", Subject: "a@x.com", Result: "picked"}},
			routing.Pick{Pool: "rule:emea", Rule: "emea"}, true},
		{"Fallback", []baton.Step{{Step: "fallback", Subject: "a@x.com", Result: "picked"}}, routing.Pick{Pool: "team:ops"}, true},
		{"NamedAccount", []baton.Step{{Step: "named_account", Subject: "a@x.com", Result: "picked"}}, routing.Pick{}, false},
		{"ReassignedSinceByHand", []baton.Step{{Step: "pool", Subject: "b@x.com", Result: "picked"}, {Step: "manual", Subject: "a@x.com", Result: "picked"}},
			routing.Pick{}, false},
		{"LastPickIsSomeoneElse", []baton.Step{{Step: "pool", Subject: "b@x.com", Result: "picked"}}, routing.Pick{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := routing.PickedPool(tc.trace, "a@x.com", "ae", "ops")
			if got != tc.want || ok != tc.ok {
				t.Errorf("got %+v, %v; want %+v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}
