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

// Kinds of ineligibility, in the order ineligible checks them.
const (
	eligible = iota
	inactive
	paused
	away
	excluded
	atCapacity
	atDailyCap
	atMonthlyCap
)

// ineligibility is why a user cannot take a handoff now; its text is
// built only when a trace lists it.
type ineligibility struct {
	kind uint8
	u    *baton.User
	l    baton.Load
}

// String returns the reason as the trace gives it, "" when eligible.
func (w ineligibility) String() string {
	switch w.kind {
	case inactive:
		return "is inactive"
	case paused:
		return "is paused"
	case away:
		return "is out of office until " + w.u.AwayUntil.UTC().Format(time.RFC3339)
	case excluded:
		return "is the owner being replaced"
	case atCapacity:
		return "is at capacity (" + strconv.Itoa(w.l.Open) + " of " + strconv.Itoa(w.u.Capacity) + " open)"
	case atDailyCap:
		return "reached the daily cap (" + strconv.Itoa(w.l.Today) + " today)"
	case atMonthlyCap:
		return "reached the 30-day cap (" + strconv.Itoa(w.l.Month) + ")"
	}
	return ""
}

// category groups ineligibility reasons for a trace summary.
func (w ineligibility) category() string {
	switch w.kind {
	case inactive:
		return "inactive"
	case paused:
		return "paused"
	case away:
		return "out of office"
	case excluded:
		return "being replaced"
	}
	return "at a cap"
}

// ineligible says why u, at position i of the roster, cannot take a
// handoff now. Loads are consulted only for users with caps.
func (r *router) ineligible(u *baton.User, i int32) ineligibility {
	switch {
	case !u.Active:
		return ineligibility{kind: inactive}
	case u.Paused:
		return ineligibility{kind: paused}
	case u.Away(r.req.Now):
		return ineligibility{kind: away, u: u}
	case len(r.req.Exclude) > 0 && slices.Contains(r.req.Exclude, u.ID):
		return ineligibility{kind: excluded}
	}
	if !capped(u) {
		return ineligibility{}
	}
	l := r.load(u.ID, i)
	switch {
	case u.Capacity > 0 && l.Open >= u.Capacity:
		return ineligibility{kind: atCapacity, u: u, l: l}
	case u.DailyCap > 0 && l.Today >= u.DailyCap:
		return ineligibility{kind: atDailyCap, l: l}
	case u.MonthlyCap > 0 && l.Month >= u.MonthlyCap:
		return ineligibility{kind: atMonthlyCap, l: l}
	}
	return ineligibility{}
}

// capped reports whether u has a cap on open, daily or 30-day handoffs.
func capped(u *baton.User) bool {
	return u.Capacity > 0 || u.DailyCap > 0 || u.MonthlyCap > 0
}

// load returns the load of user id, at position i of the roster, fetching
// it on first need.
func (r *router) load(id string, i int32) baton.Load {
	s := r.s
	if s.seen[i] == s.gen {
		return s.loads[i]
	}
	if r.req.Loads == nil {
		return baton.Load{}
	}
	got, err := r.req.Loads([]string{id})
	if err != nil {
		r.err = err
		return baton.Load{}
	}
	s.seen[i], s.loads[i] = s.gen, got[id]
	return got[id]
}

// preload fetches the loads of many pool members in one call: of all, or
// only of those with caps.
func (r *router) preload(p *pool, cappedOnly bool) {
	if r.req.Loads == nil {
		return
	}
	s := r.s
	ids := s.ids[:0]
	for j, u := range p.members {
		if cappedOnly && !capped(u) {
			continue
		}
		if s.seen[p.index[j]] != s.gen {
			ids = append(ids, u.ID)
		}
	}
	s.ids = ids
	if len(ids) == 0 {
		return
	}
	got, err := r.req.Loads(ids)
	if err != nil {
		r.err = err
		return
	}
	for j, u := range p.members {
		if cappedOnly && !capped(u) {
			continue
		}
		if i := p.index[j]; s.seen[i] != s.gen {
			s.seen[i], s.loads[i] = s.gen, got[u.ID]
		}
	}
}

type pool struct {
	key, what string
	members   []*baton.User
	// index holds the members' positions in the roster (Roster.index).
	index []int32
	// cals, when set, are the members' calendars in the same order (see
	// Roster.teamHours); otherwise they are looked up by user.
	cals   []*calendar
	method string
	hours  bool
}

// teamPool returns a team's members, calendars and positions as a pool.
func (r *Roster) teamPool(team string) pool {
	return pool{members: r.byTeam[team], cals: r.teamHours[team], index: r.teamIndex[team]}
}

// user returns a user by id with their position in the roster, or nil.
func (r *Roster) user(id string) (*baton.User, int32) {
	i, ok := r.index[id]
	if !ok {
		return nil, -1
	}
	return r.users[i], i
}

// cand is an eligible pool member with their effective pass.
type cand struct {
	u      *baton.User
	cal    *calendar
	pass   int64
	open   int
	inside bool // in working hours
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
		r.preload(&p, false)
	} else {
		n := 0
		for _, u := range p.members {
			if capped(u) {
				if n++; n > 1 {
					r.preload(&p, true)
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
	better := func(a, b *cand) bool {
		if p.method == playbook.MethodLeastLoaded && a.open != b.open {
			return a.open < b.open
		}
		if a.pass != b.pass {
			return a.pass < b.pass
		}
		return a.u.Email < b.u.Email
	}
	cands := r.s.cands[:0]
	skipped := 0
	var reasons [atMonthlyCap + 1]int // by kind, beyond the members listed
	for i, u := range p.members {
		if why := r.ineligible(u, p.index[i]); why.kind != eligible {
			if skipped < MaxTraceMembers {
				r.add(step, u.Email, "skipped", why.String())
			} else {
				reasons[why.kind]++
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
			if j := p.index[i]; r.s.seen[j] == r.s.gen {
				c.open = r.s.loads[j].Open
			}
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
	r.s.cands = cands
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
		var byCategory [atMonthlyCap + 1]int
		for k, n := range reasons {
			byCategory[min(k, atCapacity)] += n
		}
		var parts []string
		for k, n := range byCategory {
			if n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, ineligibility{kind: uint8(k)}.category()))
			}
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
	b, i := r.req.Roster.user(u.BackupID)
	if b == nil || b.ID == u.ID {
		return ""
	}
	if why := r.ineligible(b, i); why.kind != eligible {
		r.add("backup", b.Email, "skipped", "configured backup "+why.String())
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
	index := r.req.Roster.teamIndex[u.Team]
	for j, m := range r.req.Roster.Team(u.Team) {
		if m.ID == owner || r.ineligible(m, index[j]).kind != eligible {
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
