package routing

import (
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/bizhours"
)

// Roster is the team as routing sees it: users by id, email and team, with
// their working-hours calendars. Build it once per change of the team.
type Roster struct {
	users   []*baton.User
	byID    map[string]*baton.User
	byEmail map[string]*baton.User
	byTeam  map[string][]*baton.User
	hours   map[string]*calendar
	// teamHours is parallel to byTeam: each member's calendar, nil for
	// one always in hours.
	teamHours map[string][]*calendar
	// index numbers users by id: a user's position in users (the last
	// with that id), under which routing keeps the loads it read in a
	// dense array rather than a map; teamIndex is parallel to byTeam.
	index     map[string]int32
	teamIndex map[string][]int32
	// scratch holds a decision's working arrays, reused across decisions.
	scratch sync.Pool
}

// calendar is a working-hours calendar shared by the users with the same
// hours and zone, with its last answer and the span of time over which that
// answer holds, so that routing checks a calendar about once per
// transition or quarter of an hour rather than once per decision. It is
// safe for concurrent use: a stale or racing answer is only recomputed.
type calendar struct {
	cal   *bizhours.Calendar
	state atomic.Pointer[calendarState]
}

// calendarState is an answer of a calendar: working or not for every
// instant from from (inclusive) to until (exclusive), in Unix nanoseconds.
type calendarState struct {
	from, until int64
	working     bool
}

// workingSpan is how far ahead an in-hours answer is confirmed at once.
const workingSpan = 15 * time.Minute

// isWorking reports whether t is in working hours.
func (c *calendar) isWorking(t time.Time) bool {
	ns := t.UnixNano()
	if st := c.state.Load(); st != nil && st.from <= ns && ns < st.until {
		return st.working
	}
	st := &calendarState{from: ns, until: ns + 1}
	if c.cal.IsWorking(t) {
		st.working = true
		// If [t, t+w) holds w of working time, all of it is working
		// time. The first try covers the whole span; when an interval ends
		// inside it, the working time found is at least what is left of the
		// current interval, and a second try checks exactly that much.
		w := c.cal.Between(t, t.Add(workingSpan))
		if w < workingSpan && w > 0 {
			if c.cal.Between(t, t.Add(w)) != w {
				w = 0
			}
		}
		if w > 0 {
			st.until = ns + int64(w)
		}
	} else if next := c.cal.NextWorking(t); next.After(t) {
		// Nothing between t and the next interval's start is working time.
		st.until = next.UnixNano()
	}
	c.state.Store(st)
	return st.working
}

// NewRoster indexes users. A user whose working hours or zone cannot be
// parsed is treated as always in hours (and should have been refused when
// saved).
func NewRoster(users []*baton.User) *Roster {
	r := &Roster{users: users, byID: make(map[string]*baton.User, len(users)), byEmail: make(map[string]*baton.User, len(users)),
		byTeam: map[string][]*baton.User{}, hours: make(map[string]*calendar, len(users)), teamHours: map[string][]*calendar{},
		index: make(map[string]int32, len(users)), teamIndex: map[string][]int32{}}
	cals := map[string]*calendar{}
	for i, u := range users {
		r.byID[u.ID] = u
		r.index[u.ID] = int32(i)
		r.byEmail[u.Email] = u
		r.byTeam[u.Team] = append(r.byTeam[u.Team], u)
		spec := u.WorkingHours
		if spec == "" {
			spec = DefaultHours
		}
		key := spec + "|" + u.TimeZone
		cal, ok := cals[key]
		if !ok {
			if parsed, _ := bizhours.ParseCalendar(spec, u.TimeZone, nil); parsed != nil {
				cal = &calendar{cal: parsed}
			}
			cals[key] = cal
		}
		if cal != nil {
			r.hours[u.ID] = cal
		}
	}
	for team, members := range r.byTeam {
		sort.Slice(members, func(i, j int) bool { return members[i].Email < members[j].Email })
		hours := make([]*calendar, len(members))
		index := make([]int32, len(members))
		for i, u := range members {
			hours[i] = r.hours[u.ID]
			index[i] = r.index[u.ID]
		}
		r.teamHours[team] = hours
		r.teamIndex[team] = index
	}
	return r
}

// scratch is one decision's working memory, indexed by Roster.index: the
// loads read so far (valid where seen equals gen, so a new decision starts
// with none without clearing them), and buffers for a pick.
type scratch struct {
	gen   uint32
	seen  []uint32
	loads []baton.Load
	ids   []string
	cands []cand
}

// getScratch returns working memory for one decision, holding no loads.
func (r *Roster) getScratch() *scratch {
	s, _ := r.scratch.Get().(*scratch)
	if s == nil {
		s = &scratch{seen: make([]uint32, len(r.users)), loads: make([]baton.Load, len(r.users))}
	}
	if s.gen++; s.gen == 0 {
		clear(s.seen)
		s.gen = 1
	}
	return s
}

// putScratch gives back what getScratch returned.
func (r *Roster) putScratch(s *scratch) {
	s.cands = s.cands[:0] // its users are the roster's
	r.scratch.Put(s)
}

// Users returns every user.
func (r *Roster) Users() []*baton.User { return r.users }

// User returns a user by id, or nil.
func (r *Roster) User(id string) *baton.User { return r.byID[id] }

// ByEmail returns a user by email, or nil.
func (r *Roster) ByEmail(email string) *baton.User { return r.byEmail[email] }

// Team returns a team's users, by email.
func (r *Roster) Team(team string) []*baton.User { return r.byTeam[team] }

// NextWorking returns t when it falls in u's working hours, else the start
// of their next working interval.
func (r *Roster) NextWorking(u *baton.User, t time.Time) time.Time {
	if cal := r.hours[u.ID]; cal != nil {
		return cal.cal.NextWorking(t)
	}
	return t
}
