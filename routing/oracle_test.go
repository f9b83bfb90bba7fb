package routing

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
)

// Code as it was before pool picks used dense per-user arrays, kept as the
// oracle TestPickMatchesOracle compares Route with. Do not edit except to
// follow renames.

// ineligible says why u cannot take a handoff now, or "". Loads are
// consulted only for users with caps.
func (r *oldRouter) ineligible(u *baton.User) string {
	switch {
	case !u.Active:
		return "is inactive"
	case u.Paused:
		return "is paused"
	case u.Away(r.req.Now):
		return "is out of office until " + u.AwayUntil.UTC().Format(time.RFC3339)
	case slices.Contains(r.req.Exclude, u.ID):
		return "is the owner being replaced"
	}
	if !oldCapped(u) {
		return ""
	}
	l := r.load(u.ID)
	switch {
	case u.Capacity > 0 && l.Open >= u.Capacity:
		return "is at capacity (" + strconv.Itoa(l.Open) + " of " + strconv.Itoa(u.Capacity) + " open)"
	case u.DailyCap > 0 && l.Today >= u.DailyCap:
		return "reached the daily cap (" + strconv.Itoa(l.Today) + " today)"
	case u.MonthlyCap > 0 && l.Month >= u.MonthlyCap:
		return "reached the 30-day cap (" + strconv.Itoa(l.Month) + ")"
	}
	return ""
}

// oldCapped reports whether u has a cap on open, daily or 30-day handoffs.
func oldCapped(u *baton.User) bool {
	return u.Capacity > 0 || u.DailyCap > 0 || u.MonthlyCap > 0
}

// load returns one user's load, fetching it on first need.
func (r *oldRouter) load(id string) baton.Load {
	if l, ok := r.loads[id]; ok {
		return l
	}
	if r.req.Loads == nil {
		return baton.Load{}
	}
	got, err := r.req.Loads([]string{id})
	if err != nil {
		r.err = err
		return baton.Load{}
	}
	if r.loads == nil {
		r.loads = map[string]baton.Load{}
	}
	r.loads[id] = got[id]
	return got[id]
}

// preload fetches the loads of many users in one call: of all members, or
// only of those with caps.
func (r *oldRouter) preload(members []*baton.User, cappedOnly bool) {
	if r.req.Loads == nil {
		return
	}
	var ids []string
	for _, u := range members {
		if cappedOnly && !oldCapped(u) {
			continue
		}
		if _, ok := r.loads[u.ID]; !ok {
			if ids == nil {
				ids = make([]string, 0, len(members))
			}
			ids = append(ids, u.ID)
		}
	}
	if len(ids) == 0 {
		return
	}
	got, err := r.req.Loads(ids)
	if err != nil {
		r.err = err
		return
	}
	if r.loads == nil {
		r.loads = make(map[string]baton.Load, len(ids))
	}
	for _, id := range ids {
		r.loads[id] = got[id]
	}
}

type oldPool struct {
	key, what string
	members   []*baton.User
	// cals, when set, are the members' calendars in the same order (see
	// Roster.teamHours); otherwise they are looked up by user.
	cals   []*calendar
	method string
	hours  bool
}

// pick chooses from a pool, filling d's owner, backup and fairness state.
func (r *oldRouter) pick(step string, p oldPool, d *Decision) bool {
	if len(p.members) == 0 {
		r.add(step, p.what, "skipped", "pool has no members")
		return false
	}
	st := baton.PoolState{}
	if r.req.State != nil {
		var err error
		if st, err = r.req.State(p.key); err != nil {
			r.err = err
			return false
		}
	}
	if p.method == playbook.MethodLeastLoaded {
		r.preload(p.members, false)
	} else {
		n := 0
		for _, u := range p.members {
			if oldCapped(u) {
				if n++; n > 1 {
					r.preload(p.members, true)
					break
				}
			}
		}
	}
	if r.err != nil {
		return false
	}

	// Collect the eligible members with their effective pass and give
	// reasons for the rest. The turn order is better's; the pick is the
	// first member in that order who is in working hours (when the pool
	// prefers them), the backup the next, found in one pass rather than by
	// sorting the pool.
	type cand struct {
		u      *baton.User
		cal    *calendar
		pass   int64
		open   int
		inside bool // in working hours
	}
	better := func(a, b *cand) bool {
		if p.method == playbook.MethodLeastLoaded && a.open != b.open {
			return a.open < b.open
		}
		if a.pass != b.pass {
			return a.pass < b.pass
		}
		return a.u.Email < b.u.Email
	}
	var buf [64]cand
	cands := buf[:0]
	skipped := 0
	var reasons map[string]int
	for i, u := range p.members {
		if why := r.ineligible(u); why != "" {
			if skipped < MaxTraceMembers {
				r.add(step, u.Email, "skipped", why)
			} else {
				if reasons == nil {
					reasons = map[string]int{}
				}
				reasons[oldCategory(why)]++
			}
			skipped++
			continue
		}
		pass := st.VTime
		if m, ok := st.Members[u.ID]; ok && m.Pass > pass {
			pass = m.Pass
		}
		c := cand{u: u, pass: pass}
		if p.method == playbook.MethodLeastLoaded {
			c.open = r.loads[u.ID].Open
		}
		if p.hours {
			if p.cals != nil {
				c.cal = p.cals[i]
			} else {
				c.cal = r.req.Roster.hours[u.ID]
			}
		}
		cands = append(cands, c)
	}
	// The first two in turn order, among all and among those in hours.
	var first, next, firstIn, nextIn *cand
	for i := range cands {
		c := &cands[i]
		switch {
		case first == nil || better(c, first):
			first, next = c, first
		case next == nil || better(c, next):
			next = c
		}
		if !p.hours {
			continue
		}
		if c.inside = inHours(c.cal, r.req.Now); !c.inside {
			continue
		}
		switch {
		case firstIn == nil || better(c, firstIn):
			firstIn, nextIn = c, firstIn
		case nextIn == nil || better(c, nextIn):
			nextIn = c
		}
	}
	var best, second cand
	if firstIn != nil {
		best = *firstIn
		switch {
		case nextIn != nil:
			second = *nextIn
		case first != firstIn:
			second = *first
		case next != nil:
			second = *next
		}
		// Members ahead in turn order but outside working hours.
		outside := 0
		for i := range cands {
			if c := &cands[i]; !c.inside && better(c, firstIn) {
				outside++
			}
		}
		if outside > 0 {
			r.add(step, p.what, "info", strconv.Itoa(outside)+" eligible members outside working hours passed over")
		}
	} else if first != nil {
		if p.hours {
			r.add(step, p.what, "info", "nobody is in working hours ("+strconv.Itoa(len(cands))+" eligible); picking regardless")
		}
		best = *first
		if next != nil {
			second = *next
		}
	}
	// The lowest pass among the other eligible members, to advance the
	// pool's virtual time to the lowest pass after the pick.
	var low cand
	for _, c := range cands {
		if c.u != best.u && (low.u == nil || c.pass < low.pass) {
			low = c
		}
	}
	if r.err != nil {
		return false
	}
	if skipped > MaxTraceMembers {
		parts := make([]string, 0, len(reasons))
		for k, n := range reasons {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
		}
		sort.Strings(parts)
		r.add(step, p.what, "skipped", fmt.Sprintf("and %d more members not eligible (%s)", skipped-MaxTraceMembers, strings.Join(parts, ", ")))
	}
	if best.u == nil {
		r.add(step, p.what, "skipped", "no member is eligible")
		return false
	}
	how := "round-robin"
	switch p.method {
	case playbook.MethodWeighted:
		how = "weighted turn"
	case playbook.MethodLeastLoaded:
		how = "fewest open handoffs"
	}
	reason := how + " in " + p.what
	if p.method == playbook.MethodLeastLoaded {
		reason += " (" + strconv.Itoa(best.open) + " open)"
	}
	r.add(step, best.u.Email, "picked", reason)
	weight := int64(1)
	if p.method != playbook.MethodRoundRobin && best.u.Weight > 1 {
		weight = int64(best.u.Weight)
	}
	d.OwnerID, d.Pool, d.Pass = best.u.ID, p.key, best.pass+Unit/weight
	// Virtual time: the lowest pass of any eligible member after this pick.
	// Someone returning from leave (or new) enters there: their turn comes
	// in this round, with no catch-up for the time away.
	d.VTime = d.Pass
	if low.u != nil && low.pass < d.VTime {
		d.VTime = low.pass
	}
	d.VTime = max(d.VTime, st.VTime)
	if b := r.configuredBackup(best.u); b != "" {
		d.BackupID = b
	} else if second.u != nil {
		d.BackupID = second.u.ID
		r.add("backup", second.u.Email, "backup", "next in "+p.what)
	}
	return true
}

// configuredBackup returns u's configured backup when eligible.
func (r *oldRouter) configuredBackup(u *baton.User) string {
	b := r.req.Roster.User(u.BackupID)
	if b == nil || b.ID == u.ID {
		return ""
	}
	if why := r.ineligible(b); why != "" {
		r.add("backup", b.Email, "skipped", "configured backup "+why)
		return ""
	}
	r.add("backup", b.Email, "backup", "owner's configured backup")
	return b.ID
}

// backup picks a backup for an owner placed by a direct step: the
// configured backup, else the next eligible member of the owner's team.
func (r *oldRouter) backup(owner string) string {
	u := r.req.Roster.User(owner)
	if u == nil {
		return ""
	}
	if b := r.configuredBackup(u); b != "" {
		return b
	}
	// The first eligible member in working hours, else the first eligible
	// member: the scan stops at the first in hours.
	var best *baton.User
	for _, m := range r.req.Roster.Team(u.Team) {
		if m.ID == owner || r.ineligible(m) != "" {
			continue
		}
		in := r.inHours(m)
		if best == nil || in {
			best = m
		}
		if in {
			break
		}
	}
	if best == nil {
		r.add("backup", "", "skipped", "no eligible backup in team "+u.Team)
		return ""
	}
	r.add("backup", best.Email, "backup", "next eligible member of team "+u.Team)
	return best.ID
}

// oldCategory groups ineligibility reasons for a trace summary.
func oldCategory(why string) string {
	switch {
	case strings.HasPrefix(why, "is out of office"):
		return "out of office"
	case strings.HasPrefix(why, "is at capacity"), strings.HasPrefix(why, "reached"):
		return "at a cap"
	case strings.HasPrefix(why, "is the owner"):
		return "being replaced"
	}
	return strings.TrimPrefix(why, "is ")
}

type oldRouter struct {
	req   *Request
	trace []baton.Step
	err   error
	loads map[string]baton.Load
}

// inHours reports whether u is in working hours now.
func (r *oldRouter) inHours(u *baton.User) bool {
	return inHours(r.req.Roster.hours[u.ID], r.req.Now)
}

// oldRoute decides the owner and backup for req. It returns an error only when
// a callback does.
func oldRoute(req *Request) (Decision, error) {
	// Most traces that reach the rules or pool step run to 17–32 steps (20
	// skipped rules or members are listed by name): one allocation.
	r := &oldRouter{req: req, trace: make([]baton.Step, 0, 32)}
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
		p := oldPool{key: PoolKey(req.FallbackTeam), what: "fallback team " + req.FallbackTeam, members: req.Roster.Team(req.FallbackTeam),
			cals: req.Roster.teamHours[req.FallbackTeam], method: playbook.MethodRoundRobin, hours: req.Hours}
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

func (r *oldRouter) add(step, subject, result, reason string) {
	r.trace = append(r.trace, baton.Step{Step: step, Subject: subject, Result: result, Reason: reason})
}

// step runs one precedence step; true means it placed the handoff.
func (r *oldRouter) step(step string, d *Decision) bool {
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
		p := oldPool{key: PoolKey(r.req.Team), what: "team " + r.req.Team, members: r.req.Roster.Team(r.req.Team),
			cals: r.req.Roster.teamHours[r.req.Team], method: r.req.Method, hours: r.req.Hours}
		if r.pick(step, p, d) {
			d.Step = step
			return true
		}
	}
	return false
}

// direct checks one named person for a precedence step.
func (r *oldRouter) direct(step, id, what string, d *Decision) bool {
	u := r.req.Roster.User(id)
	if u == nil {
		r.add(step, id, "skipped", what+" is not a known user")
		return false
	}
	if why := r.ineligible(u); why != "" {
		r.add(step, u.Email, "skipped", what+" "+why)
		return false
	}
	r.add(step, u.Email, "picked", what)
	d.OwnerID, d.Step = u.ID, step
	return true
}

func (r *oldRouter) rules(d *Decision) bool {
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
		p := oldPool{key: RuleKey(rule.Name), what: "rule " + rule.Name, method: rule.To.Method, hours: r.req.Hours}
		if rule.To.WorkingHours != nil {
			p.hours = *rule.To.WorkingHours
		}
		if rule.To.Team != "" {
			p.members, p.cals = r.req.Roster.Team(rule.To.Team), r.req.Roster.teamHours[rule.To.Team]
		} else {
			for _, email := range rule.To.Users {
				if u := r.req.Roster.ByEmail(strings.ToLower(email)); u != nil {
					p.members = append(p.members, u)
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

// OracleRoute is Route as it was before pool picks kept their state in
// dense arrays, for TestPickMatchesOracle.
var OracleRoute = oldRoute
