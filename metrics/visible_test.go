package metrics_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
)

// visibleEvents are three hot leads: "a" owned by u1 throughout, "b" owned
// by u2 and then reassigned to u1, "c" owned by u3; and "d", which nobody
// owns (routing fell through). "b" also gets a joined signal under u2.
func visibleEvents() []*baton.Event {
	evs := append(hot("a"), breach("a", 20, "u1", "accept", 15))
	evs = append(evs, created("b", 1, "hot_lead", "hot", "sdr", "website", "smb"),
		slaEv("b", baton.EventAssigned, 1, "u2", nil),
		slaEv("b", baton.EventSignalJoined, 2, "u2", nil),
		slaEv("b", baton.EventReassigned, 30, "u1", nil),
		slaEv("b", baton.EventAssigned, 30, "u1", nil))
	evs = append(evs, created("c", 2, "mql", "warm", "sdr", "event", "smb"),
		slaEv("c", baton.EventAssigned, 2, "u3", nil),
		slaEv("c", baton.EventSignalJoined, 3, "u3", nil))
	evs = append(evs, created("d", 3, "mql", "warm", "sdr", "event", "smb"),
		slaEv("d", baton.EventAssigned, 3, "", nil))
	return evs
}

// TestVisible checks the filter hook: a handoff counts for a reader when
// one of its events names an owner the reader sees, and then counts whole;
// in the SLA review, when its current owner or the one its first breach
// was on is one the reader sees (as the review from the reach rows).
func TestVisible(t *testing.T) {
	t.Parallel()
	only := func(ids ...string) func(string) bool {
		return func(id string) bool {
			for _, x := range ids {
				if x == id {
					return true
				}
			}
			return false
		}
	}
	for _, tc := range []struct {
		name               string
		visible            func(string) bool
		handoffs, breached int
		joined             int
		slaHandoffs        int
		owners             []string
	}{
		{"NilCountsAll", nil, 4, 1, 2, 4, []string{"u1", "u1", "(none)", "u3"}},
		// u2 owned b before it was reassigned (unbreached) to u1.
		{"OwnerThroughout", only("u2"), 1, 0, 1, 0, nil},
		{"ReassignedInCountsWhole", only("u1"), 2, 1, 1, 2, []string{"u1", "u1"}},
		{"Team", only("u1", "u3"), 3, 1, 2, 3, []string{"u1", "u1", "u3"}},
		{"NobodySeesTheUnowned", only(""), 0, 0, 0, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sum := metrics.NewAggregator(at(0), at(120))
			sum.Visible = tc.visible
			rep := metrics.NewSLAAggregator(at(0), at(120))
			rep.Visible = tc.visible
			for _, e := range visibleEvents() {
				if err := sum.Add(e); err != nil {
					t.Fatal(err)
				}
				if err := rep.Add(e); err != nil {
					t.Fatal(err)
				}
			}
			s := sum.Summary()
			if s.Handoffs != tc.handoffs || s.Breached != tc.breached || s.SignalsJoined != tc.joined {
				t.Errorf("summary: got %d handoffs, %d breached, %d joined; want %d, %d, %d",
					s.Handoffs, s.Breached, s.SignalsJoined, tc.handoffs, tc.breached, tc.joined)
			}
			r := rep.Report()
			if r.Total.Handoffs != tc.slaHandoffs || r.Total.Breached != tc.breached {
				t.Errorf("sla report total: got %d handoffs, %d breached; want %d, %d", r.Total.Handoffs, r.Total.Breached, tc.slaHandoffs, tc.breached)
			}
			var owners []string
			for _, g := range r.ByOwner {
				for range g.Handoffs {
					owners = append(owners, g.Key)
				}
			}
			if diff := cmp.Diff(tc.owners, owners); diff != "" {
				t.Errorf("sla report owners (-want +got):\n%s", diff)
			}
		})
	}
}
