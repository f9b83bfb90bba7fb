package metrics_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
)

// slaT0 starts the windows of the SLA tests.
var slaT0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// at is slaT0 plus min minutes.
func at(min int) time.Time { return slaT0.Add(time.Duration(min) * time.Minute) }

// slaEv builds an event min minutes after slaT0.
func slaEv(id, kind string, min int, owner string, data any) *baton.Event {
	e := &baton.Event{HandoffID: id, Kind: kind, At: at(min), OwnerID: owner}
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			panic(err)
		}
		e.Data = b
	}
	return e
}

func created(id string, min int, typ, tier, team, source, segment string) *baton.Event {
	return slaEv(id, baton.EventCreated, min, "", map[string]any{"handoff_type": typ, "tier": tier, "team": team, "source": source, "segment": segment})
}

func breach(id string, min int, owner, step string, deadlineMin int) *baton.Event {
	return slaEv(id, baton.EventBreached, min, owner, map[string]any{"step": step, "deadline": at(deadlineMin)})
}

// hot is a hot lead created at minute 0 and assigned to u1.
func hot(id string) []*baton.Event {
	return []*baton.Event{
		created(id, 0, "hot_lead", "hot", "sdr", "website", "mid_market"),
		slaEv(id, baton.EventAssigned, 0, "u1", nil),
	}
}

func TestSLAAggregatorMargins(t *testing.T) {
	t.Parallel()
	from, to := slaT0, at(60)
	for _, tc := range []struct {
		name   string
		events []*baton.Event
		want   metrics.Group // the total
	}{
		{
			name:   "InTimeIsNotBreached",
			events: append(hot("a"), slaEv("a", baton.EventAccepted, 2, "u1", nil), slaEv("a", baton.EventTouched, 3, "u1", nil)),
			want:   metrics.Group{Key: "all", Handoffs: 1},
		},
		{
			name:   "AcceptedLate",
			events: append(hot("a"), breach("a", 6, "u1", "accept", 5), slaEv("a", baton.EventAccepted, 8, "u1", nil)),
			want:   metrics.Group{Key: "all", Handoffs: 1, Breached: 1, BreachRate: 1, MedianMarginSeconds: 180, P90MarginSeconds: 180},
		},
		{
			name: "TouchedLate",
			events: append(hot("a"), slaEv("a", baton.EventAccepted, 1, "u1", nil), breach("a", 6, "u1", "first touch", 5),
				slaEv("a", baton.EventTouched, 20, "u1", nil)),
			want: metrics.Group{Key: "all", Handoffs: 1, Breached: 1, BreachRate: 1, MedianMarginSeconds: 900, P90MarginSeconds: 900},
		},
		{
			// An accept breach is met by accepting; a first touch later does
			// not move its margin, and neither does the later touch breach.
			name: "FirstBreachedStepCounts",
			events: append(hot("a"), breach("a", 5, "u1", "accept", 5), breach("a", 5, "u1", "first touch", 5),
				slaEv("a", baton.EventAccepted, 7, "u1", nil), slaEv("a", baton.EventTouched, 30, "u1", nil)),
			want: metrics.Group{Key: "all", Handoffs: 1, Breached: 1, BreachRate: 1, MedianMarginSeconds: 120, P90MarginSeconds: 120},
		},
		{
			name:   "NeverActedRunsToWindowEnd",
			events: append(hot("a"), breach("a", 5, "u1", "accept", 5)),
			want:   metrics.Group{Key: "all", Handoffs: 1, Breached: 1, BreachRate: 1, MedianMarginSeconds: 55 * 60, P90MarginSeconds: 55 * 60},
		},
		{
			name:   "ActingAfterWindowEndIsIgnored",
			events: append(hot("a"), breach("a", 5, "u1", "accept", 5), slaEv("a", baton.EventAccepted, 90, "u1", nil)),
			want:   metrics.Group{Key: "all", Handoffs: 1, Breached: 1, BreachRate: 1, MedianMarginSeconds: 55 * 60, P90MarginSeconds: 55 * 60},
		},
		{
			name:   "CancellationStopsTheMargin",
			events: append(hot("a"), breach("a", 5, "u1", "accept", 5), slaEv("a", baton.EventCancelled, 15, "", nil)),
			want:   metrics.Group{Key: "all", Handoffs: 1, Breached: 1, BreachRate: 1, MedianMarginSeconds: 600, P90MarginSeconds: 600},
		},
		{
			name:   "BreachAfterWindowEndIsIgnored",
			events: append(hot("a"), breach("a", 65, "u1", "accept", 60)),
			want:   metrics.Group{Key: "all", Handoffs: 1},
		},
		{
			name: "HandoffsCreatedBeforeTheWindowAreIgnored",
			events: []*baton.Event{
				created("old", -30, "hot_lead", "hot", "sdr", "website", ""), // before from: not fed by the store, but harmless
				breach("old", 2, "u1", "accept", -25),
				slaEv("old", baton.EventAccepted, 3, "u1", nil),
			},
			want: metrics.Group{Key: "all"},
		},
		{
			name: "HandoffsCreatedAtWindowEndAreIgnored",
			events: []*baton.Event{
				created("late", 60, "hot_lead", "hot", "sdr", "website", ""),
			},
			want: metrics.Group{Key: "all"},
		},
		{
			// Logged before breach events carried their step and deadline:
			// the step follows the state, the deadline is the breach itself.
			name: "BreachWithoutData",
			events: append(hot("a"), slaEv("a", baton.EventAccepted, 1, "u1", nil), slaEv("a", baton.EventBreached, 6, "u1", nil),
				slaEv("a", baton.EventTouched, 10, "u1", nil)),
			want: metrics.Group{Key: "all", Handoffs: 1, Breached: 1, BreachRate: 1, MedianMarginSeconds: 240, P90MarginSeconds: 240},
		},
		{
			name: "MedianAndP90OverBreachedOnly",
			events: func() []*baton.Event {
				var evs []*baton.Event
				// Ten breached, accepted 1..10 minutes late; ten in time.
				for i := 1; i <= 10; i++ {
					id := fmt.Sprint("b", i)
					evs = append(evs, hot(id)...)
					evs = append(evs, breach(id, 5, "u1", "accept", 5), slaEv(id, baton.EventAccepted, 5+i, "u1", nil))
					ok := fmt.Sprint("ok", i)
					evs = append(evs, hot(ok)...)
					evs = append(evs, slaEv(ok, baton.EventAccepted, 1, "u1", nil))
				}
				return evs
			}(),
			want: metrics.Group{Key: "all", Handoffs: 20, Breached: 10, BreachRate: 0.5, MedianMarginSeconds: 300, P90MarginSeconds: 540},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := metrics.NewSLAAggregator(from, to)
			for _, e := range tc.events {
				if err := a.Add(e); err != nil {
					t.Fatal(err)
				}
			}
			if diff := cmp.Diff(tc.want, a.Report().Total); diff != "" {
				t.Errorf("total (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSLAAggregatorGroups(t *testing.T) {
	t.Parallel()
	a := metrics.NewSLAAggregator(slaT0, at(60))
	for _, e := range []*baton.Event{
		// a: u1 breaches, the backup u2 accepts: the breach is u1's.
		created("a", 0, "hot_lead", "hot", "sdr", "website", "mid_market"),
		slaEv("a", baton.EventAssigned, 0, "u1", nil),
		breach("a", 5, "u1", "accept", 5),
		slaEv("a", baton.EventReassigned, 10, "u1", nil),
		slaEv("a", baton.EventAssigned, 10, "u2", nil),
		slaEv("a", baton.EventAccepted, 12, "u2", nil),
		// b: u2 in time.
		created("b", 1, "hot_lead", "hot", "sdr", "website", "enterprise"),
		slaEv("b", baton.EventAssigned, 1, "u2", nil),
		slaEv("b", baton.EventAccepted, 2, "u2", nil),
		// c: no source or segment; never accepted.
		created("c", 2, "mql", "warm", "sdr_emea", "", ""),
		slaEv("c", baton.EventAssigned, 2, "u3", nil),
		breach("c", 30, "u3", "accept", 30),
		// d: unassigned, never breached.
		created("d", 3, "mql", "warm", "ops", "import", ""),
	} {
		if err := a.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	g := func(key string, n, breached int, median float64) metrics.Group {
		return metrics.Group{Key: key, Handoffs: n, Breached: breached, BreachRate: float64(int(float64(breached)/float64(n)*10000+0.5)) / 10000,
			MedianMarginSeconds: median, P90MarginSeconds: median}
	}
	want := metrics.SLAReport{
		From: slaT0, To: at(60),
		Total:    metrics.Group{Key: "all", Handoffs: 4, Breached: 2, BreachRate: 0.5, MedianMarginSeconds: 7 * 60, P90MarginSeconds: 30 * 60},
		ByType:   []metrics.Group{g("hot_lead", 2, 1, 7*60), g("mql", 2, 1, 30*60)},
		ByTier:   []metrics.Group{g("hot", 2, 1, 7*60), g("warm", 2, 1, 30*60)},
		BySource: []metrics.Group{g("(none)", 1, 1, 30*60), g("website", 2, 1, 7*60), g("import", 1, 0, 0)},
		ByOwner:  []metrics.Group{g("u1", 1, 1, 7*60), g("u3", 1, 1, 30*60), g("(none)", 1, 0, 0), g("u2", 1, 0, 0)},
		// The team each was created for.
		ByTeam:    []metrics.Group{g("sdr", 2, 1, 7*60), g("sdr_emea", 1, 1, 30*60), g("ops", 1, 0, 0)},
		BySegment: []metrics.Group{g("(none)", 2, 1, 30*60), g("mid_market", 1, 1, 7*60), g("enterprise", 1, 0, 0)},
	}
	got := a.Report()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}

	t.Run("RenameOwnersResorts", func(t *testing.T) {
		emails := map[string]string{"u1": "zed@t.example", "u2": "amy@t.example"}
		got.RenameOwners(func(id string) string { return emails[id] })
		want := []metrics.Group{g("u3", 1, 1, 30*60), g("zed@t.example", 1, 1, 7*60), g("(none)", 1, 0, 0), g("amy@t.example", 1, 0, 0)}
		if diff := cmp.Diff(want, got.ByOwner); diff != "" {
			t.Errorf("by owner (-want +got):\n%s", diff)
		}
	})
}

func TestSLAReportEmptyWindow(t *testing.T) {
	t.Parallel()
	r := metrics.NewSLAAggregator(slaT0, at(60)).Report()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	json.Unmarshal(b, &got)
	for _, d := range r.Dimensions() {
		if v, ok := got["by_"+d.Name].([]any); !ok || len(v) != 0 {
			t.Errorf("by_%s: got %v, want an empty list", d.Name, got["by_"+d.Name])
		}
	}
}
