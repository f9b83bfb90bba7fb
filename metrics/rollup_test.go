package metrics_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
)

// rollupFixture is three handoffs on Monday 2 March 2026 (UTC): h1 accepted
// after 10 minutes and touched after 30, h2 paused 5 minutes then accepted
// 25 minutes after assignment (20 counted) and breached, h3 rejected and
// reassigned from ann to bob, never accepted.
func rollupFixture(t *testing.T) []*baton.Event {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	score := func(n int) *int { return &n }
	created := func(id string, m int, typ, tier string, c *int) *baton.Event {
		e := &baton.Event{HandoffID: id, Kind: baton.EventCreated, At: at(m)}
		if err := e.SetData(baton.CreatedData{HandoffType: typ, Tier: tier, Completeness: c}); err != nil {
			t.Fatal(err)
		}
		return e
	}
	ev := func(id, kind string, m int, owner string) *baton.Event {
		return &baton.Event{HandoffID: id, Kind: kind, At: at(m), OwnerID: owner}
	}
	return []*baton.Event{
		created("h1", 0, "hot_lead", "hot", score(90)),
		ev("h1", baton.EventAssigned, 0, "ann"),
		created("h2", 1, "hot_lead", "warm", score(50)),
		ev("h2", baton.EventAssigned, 1, "ann"),
		ev("h1", baton.EventAccepted, 10, "ann"),
		ev("h2", baton.EventPaused, 11, "ann"),
		ev("h2", baton.EventResumed, 16, "ann"),
		ev("h2", baton.EventBreached, 20, "ann"),
		ev("h2", baton.EventAccepted, 26, "ann"),
		ev("h1", baton.EventTouched, 30, "ann"),
		created("h3", 40, "mql", "", nil),
		ev("h3", baton.EventAssigned, 40, "ann"),
		ev("h3", baton.EventRejected, 41, "ann"),
		ev("h3", baton.EventReassigned, 50, "bob"),
	}
}

// rollup folds events through Apply as a store does.
func rollup(t *testing.T, events []*baton.Event) []metrics.RollupRow {
	t.Helper()
	state := map[string]*metrics.RollupHandoff{}
	sums := map[metrics.RollupRow]int64{}
	for _, e := range events {
		h := state[e.HandoffID]
		if h == nil {
			h = &metrics.RollupHandoff{}
			state[e.HandoffID] = h
		}
		ds, err := h.Apply(e)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			sums[metrics.RollupRow{Day: d.Day, Metric: d.Metric, Key: d.Key, Bucket: d.Bucket}] += d.N
		}
	}
	var out []metrics.RollupRow
	for k, n := range sums {
		k.N = n
		out = append(out, k)
	}
	return out
}

func TestDashboardFromRollups(t *testing.T) {
	t.Parallel()
	events := rollupFixture(t)
	from, to := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	got := metrics.DashboardFromRollups(from, to, rollup(t, events))

	t.Run("MatchesHandComputedFigures", func(t *testing.T) {
		want := metrics.Dashboard{
			From: from, To: to,
			Weeks: []metrics.Week{{
				Start: from, Handoffs: 3,
				Accept:     metrics.Durations{Count: 2, MedianSeconds: 600, P90Seconds: 1200},
				FirstTouch: metrics.Durations{Count: 1, MedianSeconds: 1800, P90Seconds: 1800},
				Rejected:   1, RejectionRate: 0.3333,
			}},
			ByType:       []metrics.Rate{{Key: "hot_lead", Handoffs: 2, Breached: 1, Rate: 0.5}, {Key: "mql", Handoffs: 1}},
			ByTier:       []metrics.Rate{{Key: metrics.NoneKey, Handoffs: 1}, {Key: "hot", Handoffs: 1}, {Key: "warm", Handoffs: 1, Breached: 1, Rate: 1}},
			ByOwner:      []metrics.Count{{Key: "ann", Handoffs: 2}, {Key: "bob", Handoffs: 1}},
			Completeness: []metrics.Count{{Key: "0–19%"}, {Key: "20–39%"}, {Key: "40–59%", Handoffs: 1}, {Key: "60–79%"}, {Key: "80–100%", Handoffs: 1}},
			Unscored:     1,
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("dashboard (-want +got):\n%s", diff)
		}
	})
	t.Run("EqualsTheFoldOfTheEvents", func(t *testing.T) {
		agg := metrics.NewDashboardAggregator(from, to)
		for _, e := range events {
			if err := agg.Add(e); err != nil {
				t.Fatal(err)
			}
		}
		if diff := cmp.Diff(agg.Dashboard(), got); diff != "" {
			t.Errorf("rollups against the fold (-fold +rollups):\n%s", diff)
		}
	})
}

func TestDurationBucket(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   time.Duration
		want int64
	}{
		{0, 0},
		{99 * time.Millisecond, 99},
		{1234 * time.Millisecond, 1200},
		{1250 * time.Millisecond, 1300},
		{10 * time.Minute, 600_000},
		{61 * time.Minute, 3_700_000},
		{-90 * time.Second, -90_000},
	} {
		if got := metrics.DurationBucket(tc.in); got != tc.want {
			t.Errorf("DurationBucket(%s): got %d, want %d", tc.in, got, tc.want)
		}
		if tc.in > 100*time.Millisecond {
			ms := float64(tc.in.Milliseconds())
			if err := (float64(metrics.DurationBucket(tc.in)) - ms) / ms; err > 0.05 || err < -0.05 {
				t.Errorf("DurationBucket(%s) is %.1f%% off, want within 5%%", tc.in, err*100)
			}
		}
	}
}
