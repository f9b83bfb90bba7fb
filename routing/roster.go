package routing

import (
	"sort"
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

// NextWorking returns t when it falls in u's working hours, else the start
// of their next working interval.
func (r *Roster) NextWorking(u *baton.User, t time.Time) time.Time {
	if cal := r.hours[u.ID]; cal != nil {
		return cal.NextWorking(t)
	}
	return t
}
