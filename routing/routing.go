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
// Rules are evaluated in order until one holds: the cost grows with the
// number of rules considered (about 0.1–0.2 µs each); scope rules to handoff
// types to keep that short. Each condition runs under the playbook's
// evaluation budget; one that fails is an "error" step naming the rule, and
// routing goes on with the next rule. Traces list at most MaxTraceMembers
// skipped pool members and summarise the rest.
package routing

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/bizhours"
	"github.com/batonhq/baton/playbook"
)

// Unit is one round-robin turn in pass units; weights divide it.
const Unit = 1 << 20

// MaxTraceMembers caps how many skipped pool members a trace lists one by one.
const MaxTraceMembers = 20

// DefaultHours is a user's week when they have set none.
const DefaultHours = "mon-fri 09:00-17:00"

// Roster is the team as routing sees it: users by id, email and team, with
// their working-hours calendars. Build it once per change of the team.
type Roster struct {
	users   []*baton.User
	byID    map[string]*baton.User
	byEmail map[string]*baton.User
	byTeam  map[string][]*baton.User
	hours   map[string]*bizhours.Calendar
}

// NewRoster indexes users. A user whose working hours or zone cannot be
// parsed is treated as always in hours (and should have been refused when
// saved).
func NewRoster(users []*baton.User) *Roster {
	r := &Roster{users: users, byID: make(map[string]*baton.User, len(users)), byEmail: make(map[string]*baton.User, len(users)),
		byTeam: map[string][]*baton.User{}, hours: make(map[string]*bizhours.Calendar, len(users))}
	cals := map[string]*bizhours.Calendar{}
	for _, u := range users {
		r.byID[u.ID] = u
		r.byEmail[u.Email] = u
		r.byTeam[u.Team] = append(r.byTeam[u.Team], u)
		spec := u.WorkingHours
		if spec == "" {
			spec = DefaultHours
		}
		key := spec + "|" + u.TimeZone
		cal, ok := cals[key]
		if !ok {
			cal, _ = bizhours.ParseCalendar(spec, u.TimeZone, nil)
			cals[key] = cal
		}
		if cal != nil {
			r.hours[u.ID] = cal
		}
	}
	for _, members := range r.byTeam {
		sort.Slice(members, func(i, j int) bool { return members[i].Email < members[j].Email })
	}
	return r
}

// Users returns every user.
func (r *Roster) Users() []*baton.User { return r.users }

// User returns a user by id, or nil.
func (r *Roster) User(id string) *baton.User { return r.byID[id] }

// ByEmail returns a user by email, or nil.
func (r *Roster) ByEmail(email string) *baton.User { return r.byEmail[email] }

// Team returns a team's users, by email.
func (r *Roster) Team(team string) []*baton.User { return r.byTeam[team] }

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
	// read the transaction the decision will be recorded in.
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
	loads map[string]baton.Load
	// hours memoises working-hours checks by calendar: users with the same
	// hours and zone share one calendar, so a pool of hundreds needs a
	// handful of checks.
	hours map[*bizhours.Calendar]bool
}

// inHours reports whether u is in working hours now.
func (r *router) inHours(u *baton.User) bool {
	cal := r.req.Roster.hours[u.ID]
	if cal == nil {
		return true
	}
	if v, ok := r.hours[cal]; ok {
		return v
	}
	if r.hours == nil {
		r.hours = make(map[*bizhours.Calendar]bool, 8)
	}
	v := cal.IsWorking(r.req.Now)
	r.hours[cal] = v
	return v
}

// Route decides the owner and backup for req. It returns an error only when
// a callback does.
func Route(req *Request) (Decision, error) {
	r := &router{req: req, trace: make([]baton.Step, 0, 8)}
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
		p := pool{key: PoolKey(req.FallbackTeam), what: "fallback team " + req.FallbackTeam, members: req.Roster.Team(req.FallbackTeam),
			method: playbook.MethodRoundRobin, hours: req.Hours}
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
		p := pool{key: PoolKey(r.req.Team), what: "team " + r.req.Team, members: r.req.Roster.Team(r.req.Team), method: r.req.Method, hours: r.req.Hours}
		if r.pick(step, p, d) {
			d.Step = step
			return true
		}
	}
	return false
}

// direct checks one named person for a precedence step.
func (r *router) direct(step, id, what string, d *Decision) bool {
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

func (r *router) rules(d *Decision) bool {
	if len(r.req.Rules) == 0 {
		r.add(playbook.StepRules, "", "skipped", "no rules apply to "+r.req.Type)
		return false
	}
	unmatched := 0
	for _, rule := range r.req.Rules {
		if !rule.Admits(r.req.Env) {
			// A guard (a plain equality the condition requires) fails: the
			// condition cannot hold, so it is not run.
			if unmatched < MaxTraceMembers {
				r.add(playbook.StepRules, rule.Name, "skipped", "condition is false")
			}
			unmatched++
			continue
		}
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
			p.members = r.req.Roster.Team(rule.To.Team)
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

// ineligible says why u cannot take a handoff now, or "". Loads are
// consulted only for users with caps.
func (r *router) ineligible(u *baton.User) string {
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
	if u.Capacity == 0 && u.DailyCap == 0 && u.MonthlyCap == 0 {
		return ""
	}
	l := r.load(u.ID)
	switch {
	case u.Capacity > 0 && l.Open >= u.Capacity:
		return fmt.Sprintf("is at capacity (%d of %d open)", l.Open, u.Capacity)
	case u.DailyCap > 0 && l.Today >= u.DailyCap:
		return fmt.Sprintf("reached the daily cap (%d today)", l.Today)
	case u.MonthlyCap > 0 && l.Month >= u.MonthlyCap:
		return fmt.Sprintf("reached the 30-day cap (%d)", l.Month)
	}
	return ""
}

// load returns one user's load, fetching it on first need.
func (r *router) load(id string) baton.Load {
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

// preload fetches the loads of many users in one call.
func (r *router) preload(members []*baton.User) {
	if r.req.Loads == nil {
		return
	}
	ids := make([]string, 0, len(members))
	for _, u := range members {
		if _, ok := r.loads[u.ID]; !ok {
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

type pool struct {
	key, what string
	members   []*baton.User
	method    string
	hours     bool
}

// pick chooses from a pool, filling d's owner, backup and fairness state.
func (r *router) pick(step string, p pool, d *Decision) bool {
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
		r.preload(p.members)
	} else {
		var capped []*baton.User
		for _, u := range p.members {
			if u.Capacity > 0 || u.DailyCap > 0 || u.MonthlyCap > 0 {
				capped = append(capped, u)
			}
		}
		if len(capped) > 1 {
			r.preload(capped)
		}
	}
	if r.err != nil {
		return false
	}

	// Collect the eligible members with their effective pass, give reasons
	// for the rest, then take them in turn order: working hours are checked
	// only down the order until two members in hours are found.
	type cand struct {
		u    *baton.User
		pass int64
		open int
	}
	better := func(a, b cand) bool {
		if p.method == playbook.MethodLeastLoaded && a.open != b.open {
			return a.open < b.open
		}
		if a.pass != b.pass {
			return a.pass < b.pass
		}
		return a.u.Email < b.u.Email
	}
	cands := make([]cand, 0, len(p.members))
	skipped := 0
	var reasons map[string]int
	for _, u := range p.members {
		if why := r.ineligible(u); why != "" {
			if skipped < MaxTraceMembers {
				r.add(step, u.Email, "skipped", why)
			} else {
				if reasons == nil {
					reasons = map[string]int{}
				}
				reasons[category(why)]++
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
		cands = append(cands, c)
	}
	sort.Slice(cands, func(i, j int) bool { return better(cands[i], cands[j]) })
	var best, second cand
	outside := 0
	if p.hours {
		for _, c := range cands {
			if !r.inHours(c.u) {
				if best.u == nil {
					outside++
				}
				continue
			}
			if best.u == nil {
				best = c
			} else {
				second = c
				break
			}
		}
	}
	if best.u == nil && len(cands) > 0 && p.hours {
		r.add(step, p.what, "info", fmt.Sprintf("nobody is in working hours (%d eligible); picking regardless", len(cands)))
	} else if outside > 0 {
		r.add(step, p.what, "info", fmt.Sprintf("%d eligible members outside working hours passed over", outside))
	}
	if best.u == nil && len(cands) > 0 {
		best = cands[0]
		if len(cands) > 1 {
			second = cands[1]
		}
	}
	if second.u == nil {
		for _, c := range cands {
			if c.u != best.u {
				second = c
				break
			}
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
	reason := fmt.Sprintf("%s in %s", how, p.what)
	if p.method == playbook.MethodLeastLoaded {
		reason += fmt.Sprintf(" (%d open)", best.open)
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
func (r *router) configuredBackup(u *baton.User) string {
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
func (r *router) backup(owner string) string {
	u := r.req.Roster.User(owner)
	if u == nil {
		return ""
	}
	if b := r.configuredBackup(u); b != "" {
		return b
	}
	var best *baton.User
	for _, m := range r.req.Roster.Team(u.Team) {
		if m.ID != owner && r.ineligible(m) == "" && (best == nil || (r.inHours(m) && !r.inHours(best))) {
			best = m
		}
	}
	if best == nil {
		r.add("backup", "", "skipped", "no eligible backup in team "+u.Team)
		return ""
	}
	r.add("backup", best.Email, "backup", "next eligible member of team "+u.Team)
	return best.ID
}

// category groups ineligibility reasons for a trace summary.
func category(why string) string {
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

// NextWorking returns t when it falls in u's working hours, else the start
// of their next working interval.
func (r *Roster) NextWorking(u *baton.User, t time.Time) time.Time {
	if cal := r.hours[u.ID]; cal != nil {
		return cal.NextWorking(t)
	}
	return t
}
