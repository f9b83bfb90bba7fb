package routing

import (
	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
)

// Pick is the pool turn that placed a handoff's owner, as its trace tells
// it.
type Pick struct {
	// Pool is the fairness state's key (PoolKey or RuleKey).
	Pool string
	// Rule names the rule whose pool it was; empty for a team pool.
	Rule string
}

// PickedPool returns the pool whose turn placed the owner with email
// ownerEmail, read from a handoff's trace (the last pick in it, which must
// name the owner); team is the receiving team and fallbackTeam the
// playbook's. ok is false when the owner was placed otherwise (a named
// account, a manual reassignment, the backup) and so took no turn.
func PickedPool(trace []baton.Step, ownerEmail, team, fallbackTeam string) (Pick, bool) {
	for i := len(trace) - 1; i >= 0; i-- {
		st := trace[i]
		if st.Result != "picked" {
			continue
		}
		if ownerEmail == "" || st.Subject != ownerEmail {
			return Pick{}, false
		}
		switch st.Step {
		case playbook.StepPool:
			return Pick{Pool: PoolKey(team)}, true
		case "fallback":
			return Pick{Pool: PoolKey(fallbackTeam)}, true
		case playbook.StepRules:
			for j := i - 1; j >= 0; j-- {
				if trace[j].Step == playbook.StepRules && trace[j].Result == "matched" {
					return Pick{Pool: RuleKey(trace[j].Subject), Rule: trace[j].Subject}, true
				}
			}
		}
		return Pick{}, false
	}
	return Pick{}, false
}

// Turn is what one pick of u adds to their pass in a pool of method:
// Unit, divided by u's weight outside round-robin pools.
func Turn(method string, u *baton.User) int64 {
	if method != playbook.MethodRoundRobin && u != nil && u.Weight > 1 {
		return Unit / int64(u.Weight)
	}
	return Unit
}

// TurnBack gives userID one turn (of size turn) back in a pool whose state
// is st: their pass moves back by it, and the pool's virtual time down to
// their new pass when it was ahead, so the turn is theirs again at the
// next pick rather than lost to the floor the virtual time sets. ok is
// false when the user has no pass in the pool to give back.
func TurnBack(st baton.PoolState, userID string, turn int64) (vtime, pass int64, ok bool) {
	m, found := st.Members[userID]
	if !found || turn <= 0 {
		return st.VTime, 0, false
	}
	pass = m.Pass - turn
	return min(st.VTime, pass), pass, true
}
