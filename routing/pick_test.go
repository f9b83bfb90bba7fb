package routing_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/bizhours"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/routing"
)

// TestPoolPickFollowsTurnOrder compares pool picks in random pools with
// the turn order written out: sort the eligible members by open handoffs
// (least-loaded pools), pass and email; the owner is the first in working
// hours (the first of all when nobody is), the backup the next in hours,
// else the next of all; the trace counts the members passed over.
func TestPoolPickFollowsTurnOrder(t *testing.T) {
	t.Parallel()
	zones := []struct{ hours, zone string }{
		{"24x7", "UTC"}, {"mon-fri 09:00-17:00", "Europe/London"}, {"mon-fri 09:00-17:00", "America/Los_Angeles"},
		{"mon-fri 09:00-17:00", "Asia/Tokyo"}, {"mon-fri 14:00-15:00", "UTC"},
	}
	methods := []string{playbook.MethodRoundRobin, playbook.MethodWeighted, playbook.MethodLeastLoaded}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 300 {
		users := make([]*baton.User, 1+rng.IntN(90))
		for j := range users {
			z := zones[rng.IntN(len(zones))]
			if i%3 == 0 && j > 0 {
				z = zones[2] // mostly out of hours: the pick walks far down the order
			}
			users[j] = &baton.User{ID: fmt.Sprintf("u%d", j), Email: fmt.Sprintf("u%02d@example.com", rng.IntN(100)*100+j),
				Team: "sdr", Active: rng.IntN(10) != 0, Paused: rng.IntN(20) == 0, TimeZone: z.zone, WorkingHours: z.hours,
				Weight: 1 + rng.IntN(3)}
		}
		s := newSim(users)
		s.req.Method = methods[rng.IntN(len(methods))]
		s.req.Hours = rng.IntN(4) != 0
		st := baton.PoolState{VTime: int64(rng.IntN(3)) * routing.Unit, Members: map[string]baton.PoolMember{}}
		for _, u := range users {
			if rng.IntN(3) != 0 {
				st.Members[u.ID] = baton.PoolMember{Pass: int64(rng.IntN(6)) * routing.Unit / 2}
			}
			s.loads[u.ID] = baton.Load{Open: rng.IntN(4)}
		}
		s.state[routing.PoolKey("sdr")] = st

		type cand struct {
			u      *baton.User
			pass   int64
			open   int
			inside bool
		}
		var cands []cand
		for _, u := range users {
			if !u.Active || u.Paused {
				continue
			}
			pass := st.VTime
			if m, ok := st.Members[u.ID]; ok && m.Pass > pass {
				pass = m.Pass
			}
			cal, err := bizhours.ParseCalendar(u.WorkingHours, u.TimeZone, nil)
			if err != nil {
				t.Fatal(err)
			}
			c := cand{u: u, pass: pass, inside: cal.IsWorking(now)}
			if s.req.Method == playbook.MethodLeastLoaded {
				c.open = s.loads[u.ID].Open
			}
			cands = append(cands, c)
		}
		slices.SortFunc(cands, func(a, b cand) int {
			return cmp.Or(cmp.Compare(a.open, b.open), cmp.Compare(a.pass, b.pass), strings.Compare(a.u.Email, b.u.Email))
		})
		var order []cand // in hours first when the pool prefers them, each in turn order
		passedOver := 0
		if s.req.Hours {
			for _, c := range cands {
				if c.inside {
					order = append(order, c)
				}
			}
			if len(order) > 0 {
				for _, c := range cands {
					if c.u == order[0].u {
						break
					}
					passedOver++
				}
			}
		}
		if len(order) == 0 {
			order = cands
		} else if len(order) == 1 {
			for _, c := range cands {
				if c.u != order[0].u {
					order = append(order, c)
					break
				}
			}
		}
		var wantOwner, wantBackup string
		if len(order) > 0 {
			wantOwner = order[0].u.ID
		}
		if len(order) > 1 {
			wantBackup = order[1].u.ID
		}

		d, err := routing.Route(s.req)
		if err != nil {
			t.Fatal(err)
		}
		if d.OwnerID != wantOwner || d.BackupID != wantBackup {
			t.Fatalf("pool %d (%s, hours %v, %d eligible): got owner %q backup %q, want %q and %q",
				i, s.req.Method, s.req.Hours, len(cands), d.OwnerID, d.BackupID, wantOwner, wantBackup)
		}
		gotPassedOver := 0
		for _, step := range d.Trace {
			if step.Result == "info" && strings.HasSuffix(step.Reason, "eligible members outside working hours passed over") {
				fmt.Sscan(step.Reason, &gotPassedOver)
			}
		}
		if gotPassedOver != passedOver {
			t.Fatalf("pool %d: got %d members passed over, want %d", i, gotPassedOver, passedOver)
		}
	}
}
