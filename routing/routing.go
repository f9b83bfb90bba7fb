// Package routing decides who owns a handoff: one accountable owner, a
// backup, and a trace of every step considered and why.
//
// It is a pure engine: the service hands it the roster, the account and the
// pool's fairness state read in the same transaction, and records the pick
// it returns in that transaction, so concurrent signals and several server
// processes never double-pick or skip a turn.
//
// Distribution within a pool is least-recently-assigned round-robin: the
// eligible member whose last pick is oldest goes next. A member skipped while
// away keeps their place and gets one turn on return, not a flood; a new
// member gets one turn and then joins the rotation.
package routing

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
)

// Request is everything a routing decision depends on.
type Request struct {
	Now time.Time
	// Steps is the precedence, in order (playbook.Step* names).
	Steps []string
	// Team receives the handoff; FallbackTeam takes what no step placed.
	Team, FallbackTeam string
	// Account is the matched account; nil when unknown.
	Account *baton.Account
	// Users is the whole roster; Pool the receiving team's fairness state.
	Users []*baton.User
	Pool  baton.PoolState
	// FallbackPool is the fallback team's fairness state.
	FallbackPool baton.PoolState
	// Open counts open handoffs per user, for capacity caps.
	Open map[string]int
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
	// Pool and Seq, when set, are the pick to record in the pool state.
	Pool string
	Seq  int64
	// FellBack reports that no precedence step placed the handoff.
	FellBack bool
	Trace    []baton.Step
}

// PoolKey names the fairness state of a team's pool.
func PoolKey(team string) string { return "team:" + team }

type router struct {
	req   *Request
	users map[string]*baton.User
	trace []baton.Step
}

// Route decides the owner and backup for req.
func Route(req *Request) Decision {
	r := &router{req: req, users: make(map[string]*baton.User, len(req.Users))}
	for _, u := range req.Users {
		r.users[u.ID] = u
	}
	var d Decision
	for _, step := range req.Steps {
		if id := r.step(step); id != "" {
			d.OwnerID, d.Step = id, step
			break
		}
	}
	if d.OwnerID == "" && !slices.Contains(req.Steps, playbook.StepPool) {
		r.note("pool", "skipped", "pool is not in this type's precedence")
	}
	if d.OwnerID == "" && req.FallbackTeam != "" && req.FallbackTeam != req.Team {
		if id, ok := r.pick("fallback", req.FallbackTeam, req.FallbackPool); ok {
			d.OwnerID, d.Step, d.FellBack = id, "fallback", true
			d.Pool, d.Seq = PoolKey(req.FallbackTeam), req.FallbackPool.Seq+1
		}
	} else if d.Step == playbook.StepPool {
		d.Pool, d.Seq = PoolKey(req.Team), req.Pool.Seq+1
	}
	if d.OwnerID == "" {
		r.add(baton.Step{Step: "fallback", Result: "skipped", Reason: "nobody is eligible: the handoff waits unowned and ops is alerted"})
		d.FellBack = true
		d.Trace = r.trace
		return d
	}
	d.BackupID = r.backup(d.OwnerID)
	d.Trace = r.trace
	return d
}

func (r *router) add(s baton.Step) { r.trace = append(r.trace, s) }

func (r *router) note(step, result, reason string) {
	r.add(baton.Step{Step: step, Result: result, Reason: reason})
}

func (r *router) step(step string) string {
	a := r.req.Account
	switch step {
	case playbook.StepExistingCustomer:
		if a == nil || a.Status != baton.AccountCustomer {
			r.note(step, "skipped", "account is not a customer")
			return ""
		}
		for _, c := range []struct{ id, what string }{{a.CSMID, "customer success manager"}, {a.OwnerID, "account owner"}} {
			if c.id == "" {
				continue
			}
			if id := r.direct(step, c.id, c.what); id != "" {
				return id
			}
		}
		if a.CSMID == "" && a.OwnerID == "" {
			r.note(step, "skipped", "customer account has no CSM or owner")
		}
	case playbook.StepOpenOpportunity:
		if a == nil || a.OpportunityOwnerID == "" {
			r.note(step, "skipped", "no open opportunity")
			return ""
		}
		return r.direct(step, a.OpportunityOwnerID, "opportunity owner")
	case playbook.StepNamedAccount:
		if a == nil || a.OwnerID == "" {
			r.note(step, "skipped", "account has no named owner")
			return ""
		}
		return r.direct(step, a.OwnerID, "named account owner")
	case playbook.StepPool:
		if id, ok := r.pick(step, r.req.Team, r.req.Pool); ok {
			return id
		}
	}
	return ""
}

// direct checks one named person for a precedence step.
func (r *router) direct(step, id, what string) string {
	u := r.users[id]
	if u == nil {
		r.add(baton.Step{Step: step, Subject: id, Result: "skipped", Reason: what + " is not a known user"})
		return ""
	}
	if why := r.ineligible(u); why != "" {
		r.add(baton.Step{Step: step, Subject: u.Email, Result: "skipped", Reason: what + " " + why})
		return ""
	}
	r.add(baton.Step{Step: step, Subject: u.Email, Result: "picked", Reason: what})
	return u.ID
}

// ineligible says why u cannot take a handoff now, or "".
func (r *router) ineligible(u *baton.User) string {
	switch {
	case !u.Active:
		return "is inactive"
	case u.Away(r.req.Now):
		return fmt.Sprintf("is out of office until %s", u.AwayUntil.UTC().Format(time.RFC3339))
	case slices.Contains(r.req.Exclude, u.ID):
		return "is the owner being replaced"
	case u.Capacity > 0 && r.req.Open[u.ID] >= u.Capacity:
		return fmt.Sprintf("is at capacity (%d of %d open)", r.req.Open[u.ID], u.Capacity)
	}
	return ""
}

// members returns a team's active users in rotation order: least recently
// assigned first, ties by email.
func (r *router) members(team string, st baton.PoolState) []*baton.User {
	var out []*baton.User
	for _, u := range r.req.Users {
		if u.Team == team {
			out = append(out, u)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := st.Members[out[i].ID].LastSeq, st.Members[out[j].ID].LastSeq
		if a != b {
			return a < b
		}
		return out[i].Email < out[j].Email
	})
	return out
}

func (r *router) pick(step, team string, st baton.PoolState) (string, bool) {
	members := r.members(team, st)
	if len(members) == 0 {
		r.add(baton.Step{Step: step, Subject: team, Result: "skipped", Reason: "team has no members"})
		return "", false
	}
	for _, u := range members {
		if why := r.ineligible(u); why != "" {
			r.add(baton.Step{Step: step, Subject: u.Email, Result: "skipped", Reason: why})
			continue
		}
		last := "never assigned in this pool"
		if m, ok := st.Members[u.ID]; ok {
			last = fmt.Sprintf("longest since last assignment (turn %d of %d)", m.LastSeq, st.Seq)
		}
		r.add(baton.Step{Step: step, Subject: u.Email, Result: "picked", Reason: "round-robin in team " + team + ": " + last})
		return u.ID, true
	}
	r.add(baton.Step{Step: step, Subject: team, Result: "skipped", Reason: "no member of the team is eligible"})
	return "", false
}

// backup picks the owner's configured backup, else the next eligible member
// of the owner's team in rotation order.
func (r *router) backup(owner string) string {
	u := r.users[owner]
	if u == nil {
		return ""
	}
	if b := r.users[u.BackupID]; b != nil && b.ID != owner {
		why := r.ineligible(b)
		if why == "" {
			r.add(baton.Step{Step: "backup", Subject: b.Email, Result: "backup", Reason: "owner's configured backup"})
			return b.ID
		}
		r.add(baton.Step{Step: "backup", Subject: b.Email, Result: "skipped", Reason: "configured backup " + why})
	}
	st := r.req.Pool
	if u.Team != r.req.Team {
		st = baton.PoolState{}
	}
	for _, m := range r.members(u.Team, st) {
		if m.ID != owner && r.ineligible(m) == "" {
			r.add(baton.Step{Step: "backup", Subject: m.Email, Result: "backup", Reason: "next eligible member of team " + u.Team})
			return m.ID
		}
	}
	r.add(baton.Step{Step: "backup", Result: "skipped", Reason: "no eligible backup in team " + u.Team})
	return ""
}
