package metrics_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
)

func day(month time.Month, d int) time.Time { return time.Date(2026, month, d, 0, 0, 0, 0, time.UTC) }

func ptr(f float64) *float64 { return &f }

// closeRateFixture is a hand-computed history around adoption on 1
// September 2026, 60-day periods: before [3 Jul, 1 Sep), after [1 Sep,
// 31 Oct).
func closeRateFixture(t *testing.T) ([]*baton.PastMeeting, []*baton.Event) {
	t.Helper()
	past := func(owner string, at time.Time, status, outcome string) *baton.PastMeeting {
		return &baton.PastMeeting{OwnerID: owner, HeldAt: at, Status: status, Outcome: outcome}
	}
	held, noShow := baton.MeetingHeld, baton.MeetingNoShow
	meetings := []*baton.PastMeeting{
		// ana: 4 held, 2 won, 1 no-show: 0.5.
		past("ana", day(7, 10), held, baton.OutcomeWon),
		past("ana", day(7, 20), held, baton.OutcomeNotInterested),
		past("ana", day(8, 1), held, baton.OutcomeInterested),
		past("ana", day(9, 1).Add(-time.Minute), held, baton.OutcomeWon),
		past("ana", day(8, 15), noShow, baton.OutcomeNoShow),
		past("ana", day(7, 3).Add(-time.Minute), held, baton.OutcomeWon), // before the period
		past("ana", day(9, 2), held, baton.OutcomeWon),                   // after adoption: the log counts
		// bo: 2 held, none won: 0.
		past("bo", day(7, 5), held, baton.OutcomeNotInterested),
		past("bo", day(8, 10), held, ""),
		// cy: a no-show only: no rate.
		past("cy", day(8, 1), noShow, baton.OutcomeNoShow),
	}
	outcome := func(handoff, owner string, at time.Time, o string) *baton.Event {
		e := &baton.Event{HandoffID: handoff, Kind: baton.EventOutcome, At: at, OwnerID: owner}
		if err := e.SetData(baton.OutcomeData{Outcome: o}); err != nil {
			t.Fatal(err)
		}
		return e
	}
	events := []*baton.Event{
		// ana: 3 held (h2's two outcomes are one meeting), 2 won, 1 no-show.
		outcome("h1", "ana", day(9, 5), baton.OutcomeWon),
		outcome("h2", "ana", day(9, 10), baton.OutcomeInterested),
		{HandoffID: "h2", Kind: baton.EventAccepted, At: day(9, 11), OwnerID: "ana"},
		outcome("h2", "ana", day(9, 20), baton.OutcomeWon),
		outcome("h3", "ana", day(10, 1), baton.OutcomeNotInterested),
		outcome("h4", "ana", day(10, 2), baton.OutcomeNoShow),
		// bo held h5; it was won after a reassignment to cy: bo's.
		outcome("h5", "bo", day(9, 15), baton.OutcomeProposal),
		outcome("h5", "cy", day(10, 20), baton.OutcomeWon),
		outcome("h6", "bo", day(10, 31), baton.OutcomeWon), // the period's end: not counted
		// cy: one held, lost; the win before adoption is not counted.
		outcome("h7", "cy", day(8, 31), baton.OutcomeWon),
		outcome("h8", "cy", day(9, 3), baton.OutcomeDisqualified),
		outcome("h9", "", day(9, 4), baton.OutcomeWon), // no owner
	}
	return meetings, events
}

func TestCloseRates(t *testing.T) {
	t.Parallel()
	adopted := day(9, 1)
	before, after := metrics.CloseRateWindows(adopted, 60, day(11, 23))
	people := map[string]metrics.Person{
		"ana": {Email: "ana@x.example", Name: "Ana", Team: "sdr"},
		"bo":  {Email: "bo@x.example", Name: "Bo", Team: "sdr"},
		"cy":  {Email: "cy@x.example", Name: "Cy", Team: "ae"},
	}
	run := func(t *testing.T, visible func(string) bool) metrics.CloseRateReport {
		t.Helper()
		meetings, events := closeRateFixture(t)
		c := metrics.NewCloseRates(before, after, func(id string) metrics.Person { return people[id] })
		c.Visible = visible
		for _, e := range events {
			if err := c.Add(e); err != nil {
				t.Fatal(err)
			}
		}
		for _, m := range meetings {
			c.AddPast(m)
		}
		return c.Report()
	}
	ana := metrics.CloseRateRow{Owner: "ana@x.example", Name: "Ana", Team: "sdr",
		Before: metrics.CloseRate{Held: 4, Won: 2, NoShow: 1, Rate: ptr(0.5)},
		After:  metrics.CloseRate{Held: 3, Won: 2, NoShow: 1, Rate: ptr(0.6667)}, Difference: ptr(0.1667)}
	bo := metrics.CloseRateRow{Owner: "bo@x.example", Name: "Bo", Team: "sdr",
		Before: metrics.CloseRate{Held: 2, Rate: ptr(0)},
		After:  metrics.CloseRate{Held: 1, Won: 1, Rate: ptr(1)}, Difference: ptr(1)}
	cy := metrics.CloseRateRow{Owner: "cy@x.example", Name: "Cy", Team: "ae",
		Before: metrics.CloseRate{NoShow: 1},
		After:  metrics.CloseRate{Held: 1, Rate: ptr(0)}}

	t.Run("MatchesTheHandComputedFixture", func(t *testing.T) {
		t.Parallel()
		want := metrics.CloseRateReport{
			Before: metrics.Period{From: day(7, 3), To: adopted},
			After:  metrics.Period{From: adopted, To: day(10, 31)},
			Owners: []metrics.CloseRateRow{ana, bo, cy},
			Teams: []metrics.CloseRateRow{
				{Team: "ae", Before: metrics.CloseRate{NoShow: 1}, After: metrics.CloseRate{Held: 1, Rate: ptr(0)}},
				{Team: "sdr", Before: metrics.CloseRate{Held: 6, Won: 2, NoShow: 1, Rate: ptr(0.3333)},
					After: metrics.CloseRate{Held: 4, Won: 3, NoShow: 1, Rate: ptr(0.75)}, Difference: ptr(0.4167)},
			},
			Total: metrics.CloseRateRow{Before: metrics.CloseRate{Held: 6, Won: 2, NoShow: 2, Rate: ptr(0.3333)},
				After: metrics.CloseRate{Held: 5, Won: 3, NoShow: 1, Rate: ptr(0.6)}, Difference: ptr(0.2667)},
		}
		if diff := cmp.Diff(want, run(t, nil)); diff != "" {
			t.Errorf("report (-want +got):\n%s", diff)
		}
	})

	t.Run("VisibleKeepsOnlyTheOwnersSeen", func(t *testing.T) {
		t.Parallel()
		got := run(t, func(id string) bool { return id == "bo" })
		if diff := cmp.Diff([]metrics.CloseRateRow{bo}, got.Owners); diff != "" {
			t.Errorf("owners (-want +got):\n%s", diff)
		}
		total := bo
		total.Owner, total.Name, total.Team = "", "", ""
		if diff := cmp.Diff(total, got.Total); diff != "" {
			t.Errorf("total (-want +got):\n%s", diff)
		}
	})

	t.Run("ReportTwiceCountsOnce", func(t *testing.T) {
		t.Parallel()
		meetings, events := closeRateFixture(t)
		c := metrics.NewCloseRates(before, after, nil)
		for _, e := range events {
			if err := c.Add(e); err != nil {
				t.Fatal(err)
			}
		}
		for _, m := range meetings {
			c.AddPast(m)
		}
		first, second := c.Report(), c.Report()
		if diff := cmp.Diff(first, second); diff != "" {
			t.Errorf("second report (-first +second):\n%s", diff)
		}
		if first.Owners[0].Owner != "ana" {
			t.Errorf("got owner %q without a person, want the id ana", first.Owners[0].Owner)
		}
	})

	t.Run("UndecodableOutcomeIsAnError", func(t *testing.T) {
		t.Parallel()
		c := metrics.NewCloseRates(before, after, nil)
		err := c.Add(&baton.Event{HandoffID: "h", Kind: baton.EventOutcome, At: day(9, 5), OwnerID: "ana", Data: []byte(`{"outcome":`)})
		if err == nil {
			t.Errorf("got nil, want an error")
		}
	})
}

func TestCloseRateWindows(t *testing.T) {
	t.Parallel()
	adopted := day(9, 1)
	for _, tt := range []struct {
		name          string
		days          int
		now           time.Time
		before, after metrics.Period
	}{
		{"Whole", 60, day(11, 23), metrics.Period{From: day(7, 3), To: adopted}, metrics.Period{From: adopted, To: day(10, 31)}},
		{"AfterEndsNow", 60, day(9, 10), metrics.Period{From: day(7, 3), To: adopted}, metrics.Period{From: adopted, To: day(9, 10)}},
		{"AdoptedInTheFutureHasNoAfter", 30, day(8, 1), metrics.Period{From: day(8, 2), To: adopted}, metrics.Period{From: adopted, To: adopted}},
	} {
		before, after := metrics.CloseRateWindows(adopted, tt.days, tt.now)
		if diff := cmp.Diff([]metrics.Period{tt.before, tt.after}, []metrics.Period{before, after}); diff != "" {
			t.Errorf("%s: periods (-want +got):\n%s", tt.name, diff)
		}
	}
}
