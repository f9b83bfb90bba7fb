package metrics_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
)

func TestWeekStart(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"2026-11-23T00:00:00Z", "2026-11-23T00:00:00Z"}, // a Monday
		{"2026-11-29T23:59:59Z", "2026-11-23T00:00:00Z"}, // the Sunday after
		{"2026-11-22T12:00:00Z", "2026-11-16T00:00:00Z"}, // the Sunday before
		{"2026-11-23T01:00:00+02:00", "2026-11-16T00:00:00Z"},
	} {
		in, _ := time.Parse(time.RFC3339, tc.in)
		if got := metrics.WeekStart(in).Format(time.RFC3339); got != tc.want {
			t.Errorf("WeekStart(%s): got %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestDashboardFromEvents folds a two-week log whose figures are worked out
// by hand in the comments.
func TestDashboardFromEvents(t *testing.T) {
	t.Parallel()
	mon := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC) // a Monday
	at := func(day, min int) time.Time { return mon.AddDate(0, 0, day).Add(time.Duration(min) * time.Minute) }
	created := func(id, typ, tier, owner string, day, min int, score int) []*baton.Event {
		data := fmt.Sprintf(`{"handoff_type":%q,"tier":%q,"completeness":%d}`, typ, tier, score)
		if score < 0 {
			data = fmt.Sprintf(`{"handoff_type":%q}`, typ)
		}
		return []*baton.Event{
			{HandoffID: id, Kind: baton.EventCreated, At: at(day, min), ToState: baton.StateAssigned, Data: []byte(data)},
			{HandoffID: id, Kind: baton.EventAssigned, At: at(day, min), ToState: baton.StateAssigned, OwnerID: owner},
		}
	}
	ev := func(id, kind string, day, min int, owner string) *baton.Event {
		return &baton.Event{HandoffID: id, Kind: kind, At: at(day, min), OwnerID: owner}
	}
	var log []*baton.Event
	add := func(es ...*baton.Event) { log = append(log, es...) }
	// Week 1 (Nov 16): a accepted after 10m, touched after 30m; b accepted
	// after 20m, touched after 60m; c accepted after 40m, rejected;
	// d breached, never accepted.
	add(created("a", "hot_lead", "hot", "u1", 0, 0, 100)...)
	add(ev("a", baton.EventAccepted, 0, 10, "u1"), ev("a", baton.EventTouched, 0, 30, "u1"))
	add(created("b", "hot_lead", "hot", "u1", 1, 0, 80)...)
	add(ev("b", baton.EventAccepted, 1, 20, "u1"), ev("b", baton.EventTouched, 1, 60, "u1"))
	add(created("c", "mql", "warm", "u2", 2, 0, 45)...)
	add(ev("c", baton.EventAccepted, 2, 40, "u2"), ev("c", baton.EventRejected, 2, 50, "u2"))
	add(created("d", "hot_lead", "hot", "u2", 3, 0, 10)...)
	add(ev("d", baton.EventBreached, 3, 60, "u2"))
	// Week 2 (Nov 23): e is reassigned from u2 to u3 and breached; f has
	// no tier or score (an older event) and is rejected.
	add(created("e", "mql", "warm", "u2", 7, 0, 79)...)
	add(ev("e", baton.EventBreached, 7, 90, "u2"), ev("e", baton.EventReassigned, 7, 100, "u3"), ev("e", baton.EventAssigned, 7, 100, "u3"))
	add(created("f", "mql", "", "u3", 8, 0, -1)...)
	add(ev("f", baton.EventRejected, 8, 5, "u3"))
	// Created after the window: not counted.
	add(created("late", "mql", "warm", "u1", 14, 0, 50)...)

	a := metrics.NewDashboardAggregator(mon, mon.AddDate(0, 0, 14))
	for _, e := range log {
		if err := a.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	d := a.Dashboard()
	min := func(m float64) float64 { return m * 60 }
	want := []metrics.Week{
		// accept: 10, 20, 40 → p50 20m, p90 40m; touch: 30, 60 → p50 30m,
		// p90 60m; rejected 1 of 4.
		{Start: mon, Handoffs: 4, Accept: metrics.Durations{Count: 3, MedianSeconds: min(20), P90Seconds: min(40)},
			FirstTouch: metrics.Durations{Count: 2, MedianSeconds: min(30), P90Seconds: min(60)}, Rejected: 1, RejectionRate: 0.25},
		{Start: mon.AddDate(0, 0, 7), Handoffs: 2, Rejected: 1, RejectionRate: 0.5},
	}
	if diff := cmp.Diff(want, d.Weeks); diff != "" {
		t.Errorf("weeks (-want +got):\n%s", diff)
	}
	// hot_lead: a, b, d (d breached) → 1/3; mql: c, e, f (e breached) → 1/3.
	if diff := cmp.Diff([]metrics.Rate{{"hot_lead", 3, 1, 0.3333}, {"mql", 3, 1, 0.3333}}, d.ByType); diff != "" {
		t.Errorf("by type (-want +got):\n%s", diff)
	}
	// hot: a, b, d → 1/3; warm: c, e → 1/2; f has no tier.
	if diff := cmp.Diff([]metrics.Rate{{"(none)", 1, 0, 0}, {"hot", 3, 1, 0.3333}, {"warm", 2, 1, 0.5}}, d.ByTier); diff != "" {
		t.Errorf("by tier (-want +got):\n%s", diff)
	}
	// u1: a, b; u2: c, d; u3: e (reassigned to), f.
	if diff := cmp.Diff([]metrics.Count{{"u1", 2}, {"u2", 2}, {"u3", 2}}, d.ByOwner); diff != "" {
		t.Errorf("by owner (-want +got):\n%s", diff)
	}
	// Scores 100, 80 → 80–100%; 45 → 40–59%; 10 → 0–19%; 79 → 60–79%; f unscored.
	wantC := []metrics.Count{{"0–19%", 1}, {"20–39%", 0}, {"40–59%", 1}, {"60–79%", 1}, {"80–100%", 2}}
	if diff := cmp.Diff(wantC, d.Completeness); diff != "" || d.Unscored != 1 {
		t.Errorf("completeness (-want +got):\n%s\nunscored: got %d, want 1", diff, d.Unscored)
	}
}
