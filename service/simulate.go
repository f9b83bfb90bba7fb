package service

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/routing"
)

// Limits of one simulation: a manager's request must not be able to keep
// the server busy. Conditions are bounded one by one by the playbook's
// evaluation budget (playbook.MaxConditionWork).
const (
	// MaxSimulatedSignals bounds the signals replayed.
	MaxSimulatedSignals = 10_000
	// MaxSimulatedDays bounds how far back stored signals are replayed.
	MaxSimulatedDays = 90
	// MaxSimulatedPlaybook bounds the candidate playbook's YAML, in bytes.
	MaxSimulatedPlaybook = 256 << 10
	// SimulateTimeout is how long the server lets one simulation run.
	SimulateTimeout = 30 * time.Second
)

// SimDecision is what a candidate playbook would do with one signal, beside
// what the playbook in force would do.
type SimDecision struct {
	ExternalID   string `json:"external_id"`
	SignalType   string `json:"signal_type"`
	Account      string `json:"account,omitempty"`
	HandoffType  string `json:"handoff_type"`
	Tier         string `json:"tier,omitempty"`
	Owner        string `json:"owner"`
	Step         string `json:"step,omitempty"`
	Rule         string `json:"rule,omitempty"`
	CurrentType  string `json:"current_handoff_type"`
	CurrentOwner string `json:"current_owner"`
	Changed      bool   `json:"changed"`
	// ConditionErrors counts the candidate's conditions that failed on this
	// signal; the trace names each (result "error").
	ConditionErrors int          `json:"condition_errors,omitempty"`
	Trace           []baton.Step `json:"trace,omitempty"`
}

// PoolSpread is how evenly a pool's members were picked: the fewest and
// most handoffs any member got, counting members who got none.
type PoolSpread struct {
	Pool    string `json:"pool"`
	Members int    `json:"members"`
	Min     int    `json:"min"`
	Max     int    `json:"max"`
	Spread  int    `json:"spread"`
}

// SimResult is a simulation's report.
type SimResult struct {
	Signals       int            `json:"signals"`
	Routed        int            `json:"routed"`
	Changed       int            `json:"changed"`
	Decisions     []SimDecision  `json:"decisions"`
	Shares        map[string]int `json:"shares"`
	CurrentShares map[string]int `json:"current_shares"`
	Spread        []PoolSpread   `json:"spread"`
	// ConditionErrors counts the candidate's conditions that failed at run
	// time over all signals; CurrentConditionErrors the same for the
	// playbook in force.
	ConditionErrors        int `json:"condition_errors"`
	CurrentConditionErrors int `json:"current_condition_errors"`
}

// Simulate runs candidate over signals without writing anything, beside the
// playbook in force, and reports each decision, the share per owner, the
// fairness spread per pool and which signals would change owner. Both runs
// start from the stored fairness state and loads and advance their own
// copies; coalescing is not simulated (every signal is a new handoff).
//
// A condition that fails on a signal is counted in the decision and the
// result, never silently skipped. The simulation stops when ctx ends: when
// its deadline passed, with an EINVALID error asking for a smaller one.
func (s *Service) Simulate(ctx context.Context, candidate *playbook.Playbook, signals []*baton.Signal) (*SimResult, error) {
	if len(signals) > MaxSimulatedSignals {
		return nil, &baton.Error{Code: baton.EINVALID, Message: "too many signals",
			Fields: []baton.FieldError{{Field: "signals", Message: fmt.Sprintf("at most %d", MaxSimulatedSignals)}}}
	}
	if len(candidate.Source) > MaxSimulatedPlaybook {
		return nil, &baton.Error{Code: baton.EINVALID, Message: "playbook too large",
			Fields: []baton.FieldError{{Field: "playbook", Message: fmt.Sprintf("at most %d bytes", MaxSimulatedPlaybook)}}}
	}
	current := s.Playbook()
	res := &SimResult{Signals: len(signals), Shares: map[string]int{}, CurrentShares: map[string]int{}, Decisions: make([]SimDecision, 0, len(signals))}
	err := s.store.View(ctx, func(tx baton.Tx) error {
		r, err := s.users(ctx, tx)
		if err != nil {
			return err
		}
		cand, cur := newSimWorld(ctx, tx), newSimWorld(ctx, tx)
		for i, sig := range signals {
			if err := ctx.Err(); err != nil {
				return err
			}
			now := sig.OccurredAt
			if now.IsZero() {
				now = s.clock.Now()
			}
			if err := sig.Validate(now); err != nil {
				return fmt.Errorf("signal %d (%s): %w", i+1, sig.ExternalID, err)
			}
			account, _, domain, err := s.matchAccount(ctx, tx, sig)
			if err != nil {
				return err
			}
			if account == nil && (domain != "" || sig.Account.Name != "") {
				account = newAccount(sig, domain, now)
			}
			contact := &baton.Contact{Email: sig.Contact.Email, Title: sig.Contact.Title, TimeZone: sig.Contact.TimeZone}
			// One env per playbook: each counts its own failed conditions,
			// and both stop evaluating when ctx ends.
			env, curEnv := newEnv(sig, account, contact), newEnv(sig, account, contact)
			env.SetContext(ctx)
			curEnv.SetContext(ctx)
			d := SimDecision{ExternalID: sig.ExternalID, SignalType: sig.Type}
			if account != nil {
				d.Account = account.Name
			}
			var ownerID string
			d.HandoffType, d.Tier, ownerID, d.Step, d.Rule, d.Trace, err = cand.decide(candidate, r.Roster, env, account, now)
			if err != nil {
				return err
			}
			d.Owner = email(r.Roster, ownerID)
			var curID string
			d.CurrentType, _, curID, _, _, _, err = cur.decide(current, r.Roster, curEnv, account, now)
			if err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				// A condition stopped by ctx is not the playbook's fault.
				return err
			}
			d.ConditionErrors = env.Failures()
			res.ConditionErrors += env.Failures()
			res.CurrentConditionErrors += curEnv.Failures()
			d.CurrentOwner = email(r.Roster, curID)
			d.Changed = d.Owner != d.CurrentOwner || d.HandoffType != d.CurrentType
			if d.Changed {
				res.Changed++
			}
			if d.HandoffType != "" {
				res.Routed++
				res.Shares[d.Owner]++
			}
			if d.CurrentType != "" {
				res.CurrentShares[d.CurrentOwner]++
			}
			res.Decisions = append(res.Decisions, d)
		}
		res.Spread = cand.spread(r.Roster)
		return nil
	})
	if errors.Is(err, context.DeadlineExceeded) {
		return nil, &baton.Error{Code: baton.EINVALID, Message: "the simulation did not finish in time: simulate fewer signals or days"}
	} else if err != nil {
		return nil, err
	}
	return res, nil
}

func email(r *routing.Roster, id string) string {
	if u := r.User(id); u != nil {
		return u.Email
	}
	return ""
}

// simWorld is one playbook's run: fairness state and loads copied from the
// store on first use, then advanced in memory.
type simWorld struct {
	ctx    context.Context
	tx     baton.Tx
	states map[string]baton.PoolState
	loads  map[string]baton.Load
	picks  map[string]map[string]int // pool → user → picks
}

func newSimWorld(ctx context.Context, tx baton.Tx) *simWorld {
	return &simWorld{ctx: ctx, tx: tx, states: map[string]baton.PoolState{}, loads: map[string]baton.Load{}, picks: map[string]map[string]int{}}
}

func (w *simWorld) decide(pb *playbook.Playbook, r *routing.Roster, env *playbook.Env, account *baton.Account, now time.Time) (typ, tier, owner, step, rule string, trace []baton.Step, err error) {
	ht, matchTrace := pb.Match(env)
	if ht == nil {
		return "", "", "", "", "", matchTrace, nil
	}
	t, tierTrace := pb.TierFor(ht, env)
	matchTrace = append(matchTrace, tierTrace...)
	req := &routing.Request{
		Now: now, Type: ht.Name, Steps: pb.PrecedenceFor(ht), Rules: pb.RulesFor(ht.Name), Env: env,
		Team: ht.To, Method: pb.Routing.Method, FallbackTeam: pb.Routing.FallbackTeam, Hours: pb.PoolHours(nil),
		Account: account, Roster: r, State: w.state, Loads: w.load,
	}
	d, err := routing.Route(req)
	if err != nil {
		return "", "", "", "", "", nil, err
	}
	if d.Pool != "" {
		st := w.states[d.Pool]
		m := st.Members[d.OwnerID]
		st.Members[d.OwnerID] = baton.PoolMember{Pass: d.Pass, Assigned: m.Assigned + 1}
		st.VTime = d.VTime
		w.states[d.Pool] = st
		if w.picks[d.Pool] == nil {
			w.picks[d.Pool] = map[string]int{}
		}
		w.picks[d.Pool][d.OwnerID]++
	}
	if d.OwnerID != "" {
		l := w.loads[d.OwnerID]
		l.Open, l.Today, l.Month = l.Open+1, l.Today+1, l.Month+1
		w.loads[d.OwnerID] = l
	}
	return ht.Name, t.Name, d.OwnerID, d.Step, d.Rule, append(matchTrace, d.Trace...), nil
}

func (w *simWorld) state(pool string) (baton.PoolState, error) {
	if st, ok := w.states[pool]; ok {
		return st, nil
	}
	st, err := w.tx.PoolState(w.ctx, pool)
	if err != nil {
		return st, err
	}
	if st.Members == nil {
		st.Members = map[string]baton.PoolMember{}
	}
	w.states[pool] = st
	return st, nil
}

func (w *simWorld) load(ids []string) (map[string]baton.Load, error) {
	var missing []string
	for _, id := range ids {
		if _, ok := w.loads[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		got, err := w.tx.Loads(w.ctx, missing, time.Now())
		if err != nil {
			return nil, err
		}
		for _, id := range missing {
			w.loads[id] = got[id]
		}
	}
	out := make(map[string]baton.Load, len(ids))
	for _, id := range ids {
		out[id] = w.loads[id]
	}
	return out, nil
}

// spread reports the fairness of every team pool that was used.
func (w *simWorld) spread(r *routing.Roster) []PoolSpread {
	var out []PoolSpread
	for pool, picks := range w.picks {
		team, ok := strings.CutPrefix(pool, "team:")
		if !ok {
			continue
		}
		ps := PoolSpread{Pool: pool, Min: 1 << 30}
		for _, u := range r.Team(team) {
			if !u.Active || u.Paused {
				continue
			}
			ps.Members++
			ps.Min, ps.Max = min(ps.Min, picks[u.ID]), max(ps.Max, picks[u.ID])
		}
		if ps.Members == 0 {
			ps.Min = 0
		}
		ps.Spread = ps.Max - ps.Min
		out = append(out, ps)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Pool < out[j].Pool })
	return out
}

// RecentSignals returns the signals received in the last days days (at
// most limit), oldest first, to replay in a simulation.
func (s *Service) RecentSignals(ctx context.Context, days, limit int) ([]*baton.Signal, error) {
	if days < 1 || days > 366 {
		return nil, &baton.Error{Code: baton.EINVALID, Message: "invalid days", Fields: []baton.FieldError{{Field: "days", Message: "must be 1 to 366"}}}
	}
	now := s.clock.Now()
	var out []*baton.Signal
	err := s.store.View(ctx, func(tx baton.Tx) error {
		var err error
		out, err = tx.SignalsBetween(ctx, now.Add(-time.Duration(days)*24*time.Hour), now.Add(time.Millisecond), limit)
		return err
	})
	for _, sig := range out {
		sig.ID, sig.AccountID, sig.ContactID, sig.HandoffID = "", "", "", ""
	}
	return out, err
}
