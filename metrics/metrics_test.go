package metrics_test

import (
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
)

func TestQuantile(t *testing.T) {
	t.Parallel()
	ds := []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for _, tc := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 5}, {0.9, 9}, {1, 10}, {0, 1}} {
		if got := metrics.Quantile(ds, tc.q); got != tc.want {
			t.Errorf("q=%v: got %d, want %d", tc.q, got, tc.want)
		}
	}
}

func TestSummaryFromEvents(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	ev := func(id, kind string, min int, to baton.State, data string) *baton.Event {
		e := &baton.Event{HandoffID: id, Kind: kind, At: t0.Add(time.Duration(min) * time.Minute), ToState: to, OwnerID: "u"}
		if data != "" {
			e.Data = []byte(data)
		}
		return e
	}
	occurred := `{"handoff_type":"hot_lead","occurred_at":"2026-11-20T08:59:00Z"}`
	a := metrics.NewAggregator(t0, t0.Add(24*time.Hour))
	for _, e := range []*baton.Event{
		ev("old", baton.EventAccepted, 1, baton.StateAccepted, ""), // created before the window: ignored
		ev("a", baton.EventCreated, 0, baton.StateAssigned, occurred),
		ev("a", baton.EventAssigned, 0, baton.StateAssigned, ""),
		ev("a", baton.EventAccepted, 2, baton.StateAccepted, ""),
		ev("a", baton.EventTouched, 4, baton.StateActioned, ""),
		ev("b", baton.EventCreated, 10, baton.StateAssigned, `{"handoff_type":"mql"}`),
		ev("b", baton.EventAssigned, 10, baton.StateAssigned, ""),
		ev("b", baton.EventBreached, 250, "", ""),
		ev("b", baton.EventReassigned, 310, baton.StateAssigned, ""),
	} {
		if err := a.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	s := a.Summary()
	if s.Handoffs != 2 || s.ByType["hot_lead"] != 1 || s.ByType["mql"] != 1 {
		t.Fatalf("got %d handoffs %v, want 2 (one hot_lead, one mql)", s.Handoffs, s.ByType)
	}
	if s.ByState["actioned"] != 1 || s.ByState["assigned"] != 1 {
		t.Errorf("by state: got %v", s.ByState)
	}
	if got, want := s.TimeToAssignment.P90Seconds, 60.0; got != want {
		t.Errorf("p90 time to assignment: got %v, want %v", got, want)
	}
	if got, want := s.TimeToAcceptance.MedianSeconds, 120.0; got != want || s.TimeToAcceptance.Count != 1 {
		t.Errorf("time to acceptance: got %v (n=%d), want %v", got, s.TimeToAcceptance.Count, want)
	}
	if s.BreachRate != 0.5 || s.ReassignmentRate != 0.5 {
		t.Errorf("rates: got breach %v reassign %v, want 0.5 each", s.BreachRate, s.ReassignmentRate)
	}
}

func TestPausedTimeNotCounted(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	a := metrics.NewAggregator(t0, t0.Add(24*time.Hour))
	for _, e := range []*baton.Event{
		{HandoffID: "h", Kind: baton.EventCreated, At: at(0), ToState: baton.StateAssigned, Data: []byte(`{"handoff_type":"x"}`)},
		{HandoffID: "h", Kind: baton.EventAssigned, At: at(0), OwnerID: "u", ToState: baton.StateAssigned},
		{HandoffID: "h", Kind: baton.EventPaused, At: at(10)},
		{HandoffID: "h", Kind: baton.EventResumed, At: at(70)},
		{HandoffID: "h", Kind: baton.EventAccepted, At: at(80), ToState: baton.StateAccepted},
	} {
		if err := a.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := a.Summary().TimeToAcceptance.MedianSeconds, 20*60.0; got != want {
		t.Errorf("time to acceptance: got %vs, want %vs (the hour paused is not counted)", got, want)
	}
}

func TestAddReportsAPayloadThatDoesNotDecode(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	created := &baton.Event{HandoffID: "h", Kind: baton.EventCreated, At: t0, Data: []byte(`{"handoff_type":"x"}`)}
	badCreated := &baton.Event{HandoffID: "h", Kind: baton.EventCreated, At: t0, Data: []byte(`{"occurred_at":"yesterday"}`)}
	badBreach := &baton.Event{HandoffID: "h", Kind: baton.EventBreached, At: t0, Data: []byte(`{"deadline":42}`)}
	for _, tc := range []struct {
		name string
		add  func(*baton.Event) error
		bad  []*baton.Event
	}{
		{"Summary", metrics.NewAggregator(t0, t0.Add(time.Hour)).Add, []*baton.Event{badCreated}},
		{"SLAReport", metrics.NewSLAAggregator(t0, t0.Add(time.Hour)).Add, []*baton.Event{badCreated, badBreach}},
	} {
		if err := tc.add(created); err != nil {
			t.Fatalf("%s: created: %v", tc.name, err)
		}
		for _, e := range tc.bad {
			if err := tc.add(e); err == nil {
				t.Errorf("%s: %s %s: got no error", tc.name, e.Kind, e.Data)
			}
		}
	}
}
