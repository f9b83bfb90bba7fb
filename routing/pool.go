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
	if !capped(u) {
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

// capped reports whether u has a cap on open, daily or 30-day handoffs.
func capped(u *baton.User) bool {
	return u.Capacity > 0 || u.DailyCap > 0 || u.MonthlyCap > 0
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

// preload fetches the loads of many users in one call: of all members, or
// only of those with caps.
func (r *router) preload(members []*baton.User, cappedOnly bool) {
	if r.req.Loads == nil {
		return
	}
	var ids []string
	for _, u := range members {
		if cappedOnly && !capped(u) {
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

type pool struct {
	key, what string
	members   []*baton.User
	// cals, when set, are the members' calendars in the same order (see
	// Roster.teamHours); otherwise they are looked up by user.
	cals   []*calendar
	method string
	hours  bool
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
		r.preload(p.members, false)
	} else {
		n := 0
		for _, u := range p.members {
			if capped(u) {
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
