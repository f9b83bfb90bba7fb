package routing

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
)

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
