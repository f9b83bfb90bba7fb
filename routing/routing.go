// Package routing decides who owns a handoff: one accountable owner, a
// backup, and a trace of every step considered and why.
//
// It is a pure engine. The service hands it the roster and, through
// callbacks, the fairness state and loads it reads in the same transaction,
// and records the pick the decision returns in that transaction, so
// concurrent signals and several server processes never double-pick or skip
// a turn.
//
// # Fairness
//
// Every pool is stride-scheduled: each member has a pass, the pool a virtual
// time. The eligible member with the lowest pass goes next and its pass grows
// by Unit divided by its weight (1 for round-robin), so over any run a
// member's share follows its weight within one turn. A member who was away
// (or is new) re-enters at the pool's virtual time: one turn on return, no
// flood of catch-up work. Least-loaded pools pick the fewest open handoffs
// first, ties by pass.
//
// # Limits
//
// Rules are evaluated in order until one holds. A rule whose guards (the
// plain string equalities its condition requires) an environment fails is
// never visited: the playbook's index finds the others by a few set
// intersections, so the cost grows with the number of rules whose guards
// pass and are run before the match (about 0.1–0.2 µs each), not with the
// number of rules; scope rules to handoff types and start conditions with
// equalities to keep that short. Each condition runs under the playbook's
// evaluation budget; one that fails is an "error" step naming the rule, and
// routing goes on with the next rule. Traces list at most MaxTraceMembers
// skipped pool members and summarise the rest.
package routing

import (
	"fmt"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
)

// Unit is one round-robin turn in pass units; weights divide it.
const Unit = 1 << 20

// MaxTraceMembers caps how many skipped pool members a trace lists one by one.
const MaxTraceMembers = 20

// DefaultHours is a user's week when they have set none.
const DefaultHours = "mon-fri 09:00-17:00"

// Request is everything a routing decision depends on.
type Request struct {
	Now time.Time
	// Type is the handoff type; Steps its precedence (playbook.Step*).
	Type  string
	Steps []string
	// Rules are the playbook's rules for Type, in order; Env is what their
	// conditions see.
	Rules []*playbook.Rule
	Env   *playbook.Env
	// Team is the receiving team, pooled with Method; FallbackTeam takes
	// what no step placed.
	Team, Method, FallbackTeam string
	// Hours prefers members inside their working hours in the team pool.
	Hours bool
	// Account is the matched account; nil when unknown.
	Account *baton.Account
	Roster  *Roster
	// State returns a pool's fairness state; Loads the loads of users. Both
	// read the transaction the decision will be recorded in. Loads must not
	// keep userIDs after it returns (the slice is reused).
	State func(pool string) (baton.PoolState, error)
	Loads func(userIDs []string) (map[string]baton.Load, error)
	// Exclude lists users who must not be picked (the owner being replaced).
	Exclude []string
}

// Decision is the outcome of routing.
type Decision struct {
	OwnerID  string
	BackupID string
	// Step is the precedence step that placed the handoff ("fallback" when
	// none did, "" when nobody at all was eligible).
	Step string
	// Rule names the rule that matched, for the rules step.
	Rule string
	// Pick, when Pool is set, is the fairness state to record.
	Pool  string
	VTime int64
	Pass  int64
	// FellBack reports that no precedence step placed the handoff.
	FellBack bool
	Trace    []baton.Step
}

// PoolKey names the fairness state of a team's pool.
func PoolKey(team string) string { return "team:" + team }

// RuleKey names the fairness state of a rule's pool.
func RuleKey(rule string) string { return "rule:" + rule }

type router struct {
	req   *Request
	trace []baton.Step
	err   error
	s     *scratch
}

// inHours reports whether u is in working hours now.
func (r *router) inHours(u *baton.User) bool {
	return inHours(r.req.Roster.hours[u.ID], r.req.Now)
}

// inHours reports whether a user with calendar cal is in working hours at
// t; nil is always.
func inHours(cal *calendar, t time.Time) bool {
	return cal == nil || cal.isWorking(t)
}

// Route decides the owner and backup for req. It returns an error only when
// a callback does.
func Route(req *Request) (Decision, error) {
	// Most traces that reach the rules or pool step run to 17–32 steps (20
	// skipped rules or members are listed by name): one allocation.
	r := &router{req: req, trace: make([]baton.Step, 0, 32), s: req.Roster.getScratch()}
	defer req.Roster.putScratch(r.s)
	var d Decision
	for _, step := range req.Steps {
		if r.step(step, &d) {
			break
		}
		if r.err != nil {
			return d, r.err
		}
	}
	if d.OwnerID == "" && req.FallbackTeam != "" {
		p := req.Roster.teamPool(req.FallbackTeam)
		p.key, p.what, p.method, p.hours = PoolKey(req.FallbackTeam), "fallback team "+req.FallbackTeam, playbook.MethodRoundRobin, req.Hours
		if r.pick("fallback", p, &d) {
			d.Step, d.FellBack = "fallback", true
		}
	}
	if r.err != nil {
		return d, r.err
	}
	if d.OwnerID == "" {
		r.add("fallback", "", "skipped", "nobody is eligible: the handoff waits unowned and ops is alerted")
		d.FellBack = true
		d.Trace = r.trace
		return d, nil
	}
	if d.BackupID == "" {
		d.BackupID = r.backup(d.OwnerID)
	}
	d.Trace = r.trace
	return d, r.err
}

func (r *router) add(step, subject, result, reason string) {
	r.trace = append(r.trace, baton.Step{Step: step, Subject: subject, Result: result, Reason: reason})
}

// step runs one precedence step; true means it placed the handoff.
func (r *router) step(step string, d *Decision) bool {
	a := r.req.Account
	switch step {
	case playbook.StepExistingCustomer:
		if a == nil || a.Status != baton.AccountCustomer {
			r.add(step, "", "skipped", "account is not a customer")
			return false
		}
		if a.CSMID == "" && a.OwnerID == "" {
			r.add(step, "", "skipped", "customer account has no CSM or owner")
			return false
		}
		for _, c := range []struct{ id, what string }{{a.CSMID, "customer success manager"}, {a.OwnerID, "account owner"}} {
			if c.id != "" && r.direct(step, c.id, c.what, d) {
				return true
			}
		}
	case playbook.StepOpenOpportunity:
		if a == nil || a.OpportunityOwnerID == "" {
			r.add(step, "", "skipped", "no open opportunity")
			return false
		}
		return r.direct(step, a.OpportunityOwnerID, "opportunity owner", d)
	case playbook.StepNamedAccount:
		if a == nil || a.OwnerID == "" {
			r.add(step, "", "skipped", "account has no named owner")
			return false
		}
		return r.direct(step, a.OwnerID, "named account owner", d)
	case playbook.StepRules:
		return r.rules(d)
	case playbook.StepPool:
		p := r.req.Roster.teamPool(r.req.Team)
		p.key, p.what, p.method, p.hours = PoolKey(r.req.Team), "team "+r.req.Team, r.req.Method, r.req.Hours
		if r.pick(step, p, d) {
			d.Step = step
			return true
		}
	}
	return false
}

// direct checks one named person for a precedence step.
func (r *router) direct(step, id, what string, d *Decision) bool {
	u, i := r.req.Roster.user(id)
	if u == nil {
		r.add(step, id, "skipped", what+" is not a known user")
		return false
	}
	if why := r.ineligible(u, i); why.kind != eligible {
		r.add(step, u.Email, "skipped", what+" "+why.String())
		return false
	}
	r.add(step, u.Email, "picked", what)
	d.OwnerID, d.Step = u.ID, step
	return true
}

func (r *router) rules(d *Decision) bool {
	if len(r.req.Rules) == 0 {
		r.add(playbook.StepRules, "", "skipped", "no rules apply to "+r.req.Type)
		return false
	}
	unmatched := 0
	// Only the rules whose guards (plain equalities the condition requires)
	// pass are run, in order; the playbook's index finds them without
	// visiting the others. The rules in between cannot hold: they are
	// listed as false, as if run.
	var buf [8]uint64
	admitted := playbook.Admit(r.req.Rules, r.req.Env, buf[:])
	next := 0
	for {
		i := admitted.Next(next)
		end := i
		if i < 0 {
			end = len(r.req.Rules)
		}
		listed := min(end-next, max(0, MaxTraceMembers-unmatched))
		for _, skipped := range r.req.Rules[next : next+listed] {
			r.add(playbook.StepRules, skipped.Name, "skipped", "condition is false")
		}
		unmatched += end - next
		if i < 0 {
			break
		}
		next = i + 1
		rule := r.req.Rules[i]
		ok, err := rule.Eval(r.req.Env)
		if err != nil {
			// Recorded, never silent: the step names the rule and the error,
			// and the env counts it for Playbook.Tally.
			r.add(playbook.StepRules, rule.Name, playbook.ResultError, "condition could not be evaluated: "+err.Error())
			continue
		}
		if !ok {
			if unmatched < MaxTraceMembers {
				r.add(playbook.StepRules, rule.Name, "skipped", "condition is false")
			}
			unmatched++
			continue
		}
		if unmatched > MaxTraceMembers {
			r.add(playbook.StepRules, "", "skipped", fmt.Sprintf("and %d more rules whose condition is false", unmatched-MaxTraceMembers))
		}
		r.add(playbook.StepRules, rule.Name, "matched", rule.When)
		p := pool{key: RuleKey(rule.Name), what: "rule " + rule.Name, method: rule.To.Method, hours: r.req.Hours}
		if rule.To.WorkingHours != nil {
			p.hours = *rule.To.WorkingHours
		}
		if rule.To.Team != "" {
			tp := r.req.Roster.teamPool(rule.To.Team)
			p.members, p.cals, p.index = tp.members, tp.cals, tp.index
		} else {
			for _, email := range rule.To.Users {
				if u := r.req.Roster.ByEmail(strings.ToLower(email)); u != nil {
					p.members = append(p.members, u)
					p.index = append(p.index, r.req.Roster.index[u.ID])
				} else {
					r.add(playbook.StepRules, email, "skipped", "not a known user")
				}
			}
		}
		if r.pick(playbook.StepRules, p, d) {
			d.Step, d.Rule = playbook.StepRules, rule.Name
			return true
		}
		if r.err != nil {
			return false
		}
		// The first rule that holds decides the pool; an empty pool falls
		// through to the next precedence step.
		return false
	}
	if unmatched > MaxTraceMembers {
		r.add(playbook.StepRules, "", "skipped", fmt.Sprintf("and %d more rules whose condition is false", unmatched-MaxTraceMembers))
	}
	return false
}
