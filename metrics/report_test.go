package metrics_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
	"github.com/batonhq/baton/metrics/metricstest"
)

// figT0 is Monday 2 March 2026, 09:00 UTC: every fixture handoff is
// created that day.
var figT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// figFixture is seven handoffs, each figure of which is worked out by hand
// in TestReportFigures:
//
//	a  hot_lead/hot/website/smb, sender s1, owner u1, signal 1 min before:
//	   accepted +2 min, touched +4 min, booked_won +10 h; a meeting;
//	   rated 4, survey 5, a joined signal; completeness 80; deal 10,000
//	b  hot_lead/hot/website/smb, s2, u1: breached +5, accepted +10,
//	   touched +20, rescheduled, no_show +50 h; a meeting; rated 2 with
//	   missing context; completeness 40
//	c  mql/warm/hubspot/enterprise, s1, u2 then u3: rejected (returned,
//	   open, never accepted); budget 20,000-40,000 (value 30,000)
//	d  mql/warm/hubspot/enterprise, s2, u2: accepted +30, touched +90,
//	   a pre-call note, proposal_requested +20 h; rated 5, survey 4;
//	   completeness 100
//	e  hot_lead/hot/website/smb, s1, u1: breached, accepted +60, still
//	   open; completeness 60; deal 5,000
//	f  mql/warm/hubspot/smb, no sender, u2: accepted +15, touched +20,
//	   not_interested +10 h and recycled
//	g  hot_lead/hot/website/(no segment), no sender, u1: cancelled
func figFixture(t *testing.T) ([]*baton.Event, map[string]metrics.RollupFacts) {
	t.Helper()
	at := func(m int) time.Time { return figT0.Add(time.Duration(m) * time.Minute) }
	score := func(n int) *int { return &n }
	ev := func(id, kind string, m int, owner string, to baton.State, data baton.EventData) *baton.Event {
		e := &baton.Event{HandoffID: id, Kind: kind, At: at(m), OwnerID: owner, ToState: to}
		if data != nil {
			if err := e.SetData(data); err != nil {
				t.Fatal(err)
			}
		}
		return e
	}
	created := func(id, typ, tier, source, segment string, occurredBefore int, c *int) *baton.Event {
		return ev(id, baton.EventCreated, 0, "", baton.StateAssigned, baton.CreatedData{HandoffType: typ, Tier: tier, Team: "sdr",
			Source: source, Segment: segment, OccurredAt: at(-occurredBefore), Completeness: c})
	}
	assigned := func(id, owner string) *baton.Event {
		return ev(id, baton.EventAssigned, 0, owner, baton.StateAssigned, nil)
	}
	outcome := func(id string, m int, o string) *baton.Event {
		return ev(id, baton.EventOutcome, m, "", baton.StateCompleted, baton.OutcomeData{Outcome: o})
	}
	events := []*baton.Event{
		created("a", "hot_lead", "hot", "website", "smb", 1, score(80)), assigned("a", "u1"),
		created("b", "hot_lead", "hot", "website", "smb", 0, score(40)), assigned("b", "u1"),
		created("c", "mql", "warm", "hubspot", "enterprise", 0, nil), assigned("c", "u2"),
		created("d", "mql", "warm", "hubspot", "enterprise", 0, score(100)), assigned("d", "u2"),
		created("e", "hot_lead", "hot", "website", "smb", 0, score(60)), assigned("e", "u1"),
		created("f", "mql", "warm", "hubspot", "smb", 0, nil), assigned("f", "u2"),
		created("g", "hot_lead", "hot", "website", "", 0, nil), assigned("g", "u1"),
		ev("a", baton.EventSignalJoined, 1, "u1", "", baton.SignalJoinedData{SignalType: "demo_request"}),
		ev("a", baton.EventAccepted, 2, "u1", baton.StateAccepted, nil),
		ev("a", baton.EventRated, 2, "u1", "", baton.RatedData{Rating: 4, Stage: "accept"}),
		ev("a", baton.EventTouched, 4, "u1", baton.StateActioned, nil),
		ev("b", baton.EventBreached, 5, "u1", "", baton.BreachedData{Step: "accept"}),
		ev("b", baton.EventAccepted, 10, "u1", baton.StateAccepted, nil),
		ev("b", baton.EventRated, 10, "u1", "", baton.RatedData{Rating: 2, Stage: "accept", Missing: []string{"budget_range"}}),
		ev("b", baton.EventTouched, 20, "u1", baton.StateActioned, nil),
		ev("b", baton.EventMeetingChanged, 30, "u1", "", baton.MeetingChangedData{MeetingID: "mb", Status: baton.MeetingBooked, Sequence: 1}),
		ev("c", baton.EventRejected, 3, "u2", baton.StateReturned, baton.RejectedData{Gaps: []string{"budget"}}),
		ev("c", baton.EventReassigned, 40, "u3", "", baton.ReassignedData{}),
		ev("d", baton.EventAccepted, 30, "u2", baton.StateAccepted, nil),
		ev("d", baton.EventRated, 30, "u2", "", baton.RatedData{Rating: 5, Stage: "accept"}),
		ev("d", baton.EventTouched, 90, "u2", baton.StateActioned, nil),
		ev("d", baton.EventPreCallSent, 100, "u2", "", baton.PreCallData{MeetingID: "md"}),
		ev("e", baton.EventBreached, 5, "u1", "", baton.BreachedData{Step: "accept"}),
		ev("e", baton.EventAccepted, 60, "u1", baton.StateAccepted, nil),
		ev("f", baton.EventAccepted, 15, "u2", baton.StateAccepted, nil),
		ev("f", baton.EventTouched, 20, "u2", baton.StateActioned, nil),
		ev("g", baton.EventCancelled, 7, "u1", baton.StateCancelled, nil),
		outcome("a", 10*60, baton.OutcomeWon),
		ev("a", baton.EventSurveyAnswered, 11*60, "u1", "", baton.SurveyAnsweredData{Score: 5}),
		outcome("b", 50*60, baton.OutcomeNoShow),
		outcome("d", 20*60, baton.OutcomeProposal),
		ev("d", baton.EventSurveyAnswered, 21*60, "u2", "", baton.SurveyAnsweredData{Score: 4}),
		outcome("f", 10*60, baton.OutcomeNotInterested),
		ev("f", baton.EventRecycled, 10*60, "u2", "", baton.RecycledData{Outcome: baton.OutcomeNotInterested, Reason: "no budget"}),
	}
	facts := map[string]metrics.RollupFacts{
		"a": {Sender: "s1", Meeting: true, Value: 10_000},
		"b": {Sender: "s2", Meeting: true},
		"c": {Sender: "s1", Value: metrics.DealValueJSON(`{"budget_range": {"min": 20000, "max": 40000, "currency": "USD"}}`)},
		"d": {Sender: "s2"},
		"e": {Sender: "s1", Value: metrics.DealValueJSON(`{"deal_value": 5000}`)},
	}
	return events, facts
}

// foldStates applies events in order and then each handoff's facts, as a
// store does at the end of a command.
func foldStates(t *testing.T, events []*baton.Event, facts map[string]metrics.RollupFacts) map[string]*metrics.RollupHandoff {
	t.Helper()
	states := map[string]*metrics.RollupHandoff{}
	for _, e := range events {
		h := states[e.HandoffID]
		if h == nil {
			h = &metrics.RollupHandoff{}
			states[e.HandoffID] = h
		}
		if _, err := h.Apply(e); err != nil {
			t.Fatal(err)
		}
	}
	for id, h := range states {
		h.SetFacts(facts[id])
	}
	return states
}

// blocksOf sums the handoffs' changes into blocks, one command per event
// (facts set after each), as the store keeps them.
func blocksOf(t *testing.T, events []*baton.Event, facts map[string]metrics.RollupFacts) map[metrics.Block]*metrics.Acc {
	t.Helper()
	states := map[string]*metrics.RollupHandoff{}
	blocks := map[metrics.Block]*metrics.Acc{}
	for _, e := range events {
		h := states[e.HandoffID]
		if h == nil {
			h = &metrics.RollupHandoff{}
			states[e.HandoffID] = h
		}
		before := *h
		if _, err := h.Apply(e); err != nil {
			t.Fatal(err)
		}
		h.SetFacts(facts[e.HandoffID])
		for _, d := range metrics.Changes(&before, h) {
			if blocks[d.Block] == nil {
				blocks[d.Block] = &metrics.Acc{}
			}
			blocks[d.Block].Add(d.Cells)
		}
	}
	return blocks
}

// groupsFromBlocks reads blocks as a store does: the spans of [fromDay,
// toDay) of one dimension, summed by key.
func groupsFromBlocks(blocks map[metrics.Block]*metrics.Acc, dim string, fromDay, toDay int64) map[string]*metrics.Acc {
	out := map[string]*metrics.Acc{}
	for _, sp := range metrics.Spans(fromDay, toDay, metrics.LevelsOf(dim)) {
		for b, a := range blocks {
			if b.Dim == dim && b.Level == sp.Level && b.Period >= sp.From && b.Period < sp.To {
				if out[b.Key] == nil {
					out[b.Key] = &metrics.Acc{}
				}
				out[b.Key].AddAcc(a)
			}
		}
	}
	return out
}

func TestReportFigures(t *testing.T) {
	t.Parallel()
	events, facts := figFixture(t)
	day := metrics.UTCDay(figT0)
	from, to := metrics.DayStart(day), metrics.DayStart(day+1)
	reports := map[string]func(by string) metrics.Report{
		"FoldedStates": func(by string) metrics.Report {
			agg := metrics.NewStatesReport(by, nil)
			for _, h := range foldStates(t, events, facts) {
				agg.Add(h)
			}
			return metrics.NewReport(from, to, by, agg.Groups())
		},
		"Rollups": func(by string) metrics.Report {
			dim := by
			if by == metrics.DimAll {
				dim = metrics.DimType
			}
			return metrics.NewReport(from, to, by, groupsFromBlocks(blocksOf(t, events, facts), dim, day-100, day+100))
		},
	}
	total := func(r metrics.Report, _ string) metrics.Figures { return r.Total }
	group := func(r metrics.Report, key string) metrics.Figures {
		for _, g := range r.Groups {
			if g.Key == key {
				return g
			}
		}
		t.Fatalf("no group %q in %v", key, r.Groups)
		return metrics.Figures{}
	}
	tests := []struct {
		name, by, key string
		pick          func(metrics.Report, string) metrics.Figures
		got           func(metrics.Figures) any
		want          any
	}{
		{"HandoffsCounted", "all", "", total, func(f metrics.Figures) any { return f.Handoffs }, int64(7)},
		// 60 s for a, 0 for the rest: p50 0, p90 and p95 the 7th of 7.
		{"TimeToAssign", "all", "", total, func(f metrics.Figures) any { return f.TimeToAssign }, metrics.Times{Count: 7, P50Seconds: 0, P90Seconds: 60, P95Seconds: 60}},
		// 120, 600, 900, 1800, 3600 s: p50 the 3rd, p90 and p95 the 5th.
		{"TimeToAccept", "all", "", total, func(f metrics.Figures) any { return f.TimeToAccept }, metrics.Times{Count: 5, P50Seconds: 900, P90Seconds: 3600, P95Seconds: 3600}},
		// 240, 1200, 1200, 5400 s.
		{"TimeToFirstTouch", "all", "", total, func(f metrics.Figures) any { return f.TimeToFirstTouch }, metrics.Times{Count: 4, P50Seconds: 1200, P90Seconds: 5400, P95Seconds: 5400}},
		// 10 h, 10 h, 20 h, 50 h.
		{"TimeToClose", "all", "", total, func(f metrics.Figures) any { return f.TimeToClose }, metrics.Times{Count: 4, P50Seconds: 36000, P90Seconds: 180000, P95Seconds: 180000}},
		{"FiveMinuteResponse", "all", "", total, func(f metrics.Figures) any { return []any{f.TouchedIn5Min, f.FiveMinuteResponseRate, f.ResponseRate} }, []any{int64(1), 0.1429, 0.5714}},
		{"BreachRate", "all", "", total, func(f metrics.Figures) any { return []any{f.Breached, f.BreachRate} }, []any{int64(2), 0.2857}},
		{"ReassignmentRate", "all", "", total, func(f metrics.Figures) any { return []any{f.Reassigned, f.ReassignmentRate} }, []any{int64(1), 0.1429}},
		{"RejectionRateFlaggedOver5Percent", "all", "", total, func(f metrics.Figures) any { return []any{f.Rejected, f.RejectionRate, f.RejectionFlagged} }, []any{int64(1), 0.1429, true}},
		{"RecycleRate", "all", "", total, func(f metrics.Figures) any { return []any{f.Recycled, f.RecycleRate} }, []any{int64(1), 0.1429}},
		// Booked: a and b (meetings) and d (pre-call note); held a and d;
		// b a no-show; opportunities a and d; won a.
		{"Funnel", "all", "", total, func(f metrics.Figures) any { return f.Funnel },
			metrics.Funnel{Handoffs: 7, Accepted: 5, Booked: 3, Held: 2, NoShows: 1, Opportunities: 2, Won: 1}},
		{"ShowRate", "all", "", total, func(f metrics.Figures) any { return f.ShowRate }, 0.6667},
		{"RescheduleRate", "all", "", total, func(f metrics.Figures) any { return []any{f.Rescheduled, f.Reschedules, f.RescheduleRate} }, []any{int64(1), int64(1), 0.3333}},
		{"ConversionRates", "all", "", total, func(f metrics.Figures) any { return []any{f.MeetingRate, f.OpportunityRate, f.HeldToOpportunityRate} }, []any{0.4286, 0.2857, 1.0}},
		// Decided: a, d, f; won: a.
		{"WinRate", "all", "", total, func(f metrics.Figures) any { return []any{f.Decided, f.WinRate} }, []any{int64(3), 0.3333}},
		// Closed a, b, d, f, g; lost f; cancelled g: 3 of 5 retained.
		{"Retention", "all", "", total, func(f metrics.Figures) any { return []any{f.Closed, f.Lost, f.Cancelled, f.RetentionRate} }, []any{int64(5), int64(1), int64(1), 0.6}},
		{"CompletenessAtHandoff", "all", "", total, func(f metrics.Figures) any { return f.Completeness }, metrics.Average{Count: 4, Average: 70}},
		{"ReceiversRatings", "all", "", total, func(f metrics.Figures) any { return []any{f.Rating, f.RatingMissing} }, []any{metrics.Average{Count: 3, Average: 3.67}, int64(1)}},
		{"SurveyScore", "all", "", total, func(f metrics.Figures) any { return f.Survey }, metrics.Average{Count: 2, Average: 4.5}},
		// c never accepted, e breached: 30,000 + 5,000.
		{"ValueAtRisk", "all", "", total, func(f metrics.Figures) any { return []any{f.Open, f.AtRisk, f.ValueAtRisk} }, []any{int64(2), int64(2), int64(35_000)}},
		{"ByState", "all", "", total, func(f metrics.Figures) any { return f.ByState },
			map[string]int64{"completed": 4, "cancelled": 1, "returned": 1, "accepted": 1}},
		{"SignalsJoined", "all", "", total, func(f metrics.Figures) any { return f.SignalsJoined }, int64(1)},
		{"FunnelPerSource", "source", "hubspot", group, func(f metrics.Figures) any { return f.Funnel },
			metrics.Funnel{Handoffs: 3, Accepted: 2, Booked: 1, Held: 1, Opportunities: 1}},
		{"ShowRatePerSource", "source", "website", group, func(f metrics.Figures) any { return []any{f.Handoffs, f.ShowRate} }, []any{int64(4), 0.5}},
		{"FunnelPerSender", "sender", "s1", group, func(f metrics.Figures) any { return f.Funnel },
			metrics.Funnel{Handoffs: 3, Accepted: 2, Booked: 1, Held: 1, Opportunities: 1, Won: 1}},
		{"SenderFlaggedForRejections", "sender", "s1", group, func(f metrics.Figures) any { return []any{f.RejectionRate, f.RejectionFlagged} }, []any{0.3333, true}},
		{"SenderNotFlagged", "sender", "s2", group, func(f metrics.Figures) any { return []any{f.RejectionRate, f.RejectionFlagged} }, []any{0.0, false}},
		{"RatingsPerSender", "sender", "s2", group, func(f metrics.Figures) any { return []any{f.Rating, f.Completeness, f.Survey} },
			[]any{metrics.Average{Count: 2, Average: 3.5}, metrics.Average{Count: 2, Average: 70}, metrics.Average{Count: 1, Average: 4}}},
		{"NoSenderGroup", "sender", metrics.NoneKey, group, func(f metrics.Figures) any { return f.Handoffs }, int64(2)},
		// c moved from u2 to u3: it counts for its owner now.
		{"OwnerIsTheCurrentOne", "owner", "u3", group, func(f metrics.Figures) any { return []any{f.Handoffs, f.ValueAtRisk} }, []any{int64(1), int64(30_000)}},
		{"OwnerU2", "owner", "u2", group, func(f metrics.Figures) any { return f.Handoffs }, int64(2)},
		{"TierPercentiles", "tier", "hot", group, func(f metrics.Figures) any { return f.TimeToAccept }, metrics.Times{Count: 3, P50Seconds: 600, P90Seconds: 3600, P95Seconds: 3600}},
		{"TypeBreachRate", "type", "hot_lead", group, func(f metrics.Figures) any { return []any{f.Handoffs, f.BreachRate} }, []any{int64(4), 0.5}},
		{"SegmentNone", "segment", metrics.NoneKey, group, func(f metrics.Figures) any { return f.Cancelled }, int64(1)},
	}
	for name, report := range reports {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cache := map[string]metrics.Report{}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					r, ok := cache[tc.by]
					if !ok {
						r = report(tc.by)
						cache[tc.by] = r
					}
					if diff := cmp.Diff(tc.want, tc.got(tc.pick(r, tc.key))); diff != "" {
						t.Errorf("%s by %s %q (-want +got):\n%s", tc.name, tc.by, tc.key, diff)
					}
				})
			}
		})
	}
}

// TestReportTotalIsTheSumOfGroups checks that every split gives the same
// total.
func TestReportTotalIsTheSumOfGroups(t *testing.T) {
	t.Parallel()
	events, facts := figFixture(t)
	states := foldStates(t, events, facts)
	var want metrics.Figures
	for i, by := range []string{"all", "source", "type", "tier", "owner", "sender", "segment"} {
		agg := metrics.NewStatesReport(by, nil)
		for _, h := range states {
			agg.Add(h)
		}
		got := metrics.NewReport(figT0, figT0, by, agg.Groups()).Total
		if i == 0 {
			want = got
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("total by %s differs from the total of all (-all +%s):\n%s", by, by, diff)
		}
	}
}

// TestChangesKeepBlocksEqualToTheFold is the property behind the rollups:
// for random logs, applied in random commands, the blocks kept by adding
// Changes equal the cells of the final states summed into their blocks.
func TestChangesKeepBlocksEqualToTheFold(t *testing.T) {
	t.Parallel()
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 3))
		events, facts := metricstest.RandomLog(rng, 1+rng.IntN(12))
		states := map[string]*metrics.RollupHandoff{}
		kept := map[metrics.Block]*metrics.Acc{}
		for i := 0; i < len(events); {
			n := 1 + rng.IntN(4) // a command appends a few events
			cmd := events[i:min(i+n, len(events))]
			i += len(cmd)
			befores := map[string]metrics.RollupHandoff{}
			for _, e := range cmd {
				h := states[e.HandoffID]
				if h == nil {
					h = &metrics.RollupHandoff{}
					states[e.HandoffID] = h
				}
				if _, ok := befores[e.HandoffID]; !ok {
					befores[e.HandoffID] = *h
				}
				if _, err := h.Apply(e); err != nil {
					t.Fatal(err)
				}
			}
			for id, before := range befores {
				h := states[id]
				f := facts[id]
				f.Value += int64(rng.IntN(3)) * 1000 // the context changes between commands
				facts[id] = f
				h.SetFacts(f)
				for _, d := range metrics.Changes(&before, h) {
					if kept[d.Block] == nil {
						kept[d.Block] = &metrics.Acc{}
					}
					kept[d.Block].Add(d.Cells)
				}
			}
		}
		want := map[metrics.Block][]metrics.Cell{}
		for _, h := range states {
			for _, b := range h.BlockCells() {
				want[b.Block] = metrics.AddCells(want[b.Block], b.Cells)
			}
		}
		got := map[metrics.Block][]metrics.Cell{}
		for b, a := range kept {
			if cs := a.Cells(); len(cs) > 0 {
				got[b] = cs
			}
		}
		for b, cs := range want {
			if len(cs) == 0 {
				delete(want, b)
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("seed %d: kept blocks differ from the fold (-fold +kept):\n%s", seed, diff)
		}
	}
}

func TestSpans(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		from, to int64
	}{
		{"OneDay", 5, 6}, {"AlignedBlock", 64, 128}, {"Year", 20_000, 20_365}, {"Unaligned", 3, 200},
		{"BeforeTheEpoch", -70, 10}, {"Empty", 9, 9},
	}
	for _, tc := range tests {
		for levels := 1; levels <= len(metrics.Levels); levels++ {
			t.Run(fmt.Sprintf("%s/Levels%d", tc.name, levels), func(t *testing.T) {
				var days []int64
				spans := metrics.Spans(tc.from, tc.to, levels)
				for _, sp := range spans {
					if sp.Level >= levels {
						t.Errorf("got a span of level %d, want under %d", sp.Level, levels)
					}
					size := metrics.Levels[sp.Level]
					for p := sp.From; p < sp.To; p++ {
						for d := p * size; d < (p+1)*size; d++ {
							days = append(days, d)
						}
					}
				}
				var want []int64
				for d := tc.from; d < tc.to; d++ {
					want = append(want, d)
				}
				slices.Sort(days)
				if diff := cmp.Diff(want, days); diff != "" {
					t.Errorf("spans of [%d, %d) cover (-want +got):\n%s", tc.from, tc.to, diff)
				}
				if len(spans) > 2*levels-1 {
					t.Errorf("got %d spans, want at most %d", len(spans), 2*levels-1)
				}
			})
		}
	}
}

func TestCellsEncoding(t *testing.T) {
	t.Parallel()
	cs := []metrics.Cell{{metrics.MHandoffs, 0, 3}, {metrics.MTAccept, 120_000, -2}, {metrics.MState, 5, 1}, {metrics.MAtRiskValue, 0, 1 << 40}}
	got, err := metrics.DecodeCells(nil, metrics.EncodeCells(cs))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cs, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if _, err := metrics.DecodeCells(nil, []byte{0x7f, 0x01}); err == nil {
		t.Error("got no error for an unknown metric")
	}
}

func TestDealValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		context string
		want    int64
	}{
		{"DealValueNumber", `{"deal_value": 12500.4}`, 12500},
		{"DealValueString", `{"deal_value": "7,000"}`, 7000},
		{"DealValueWinsOverBudget", `{"deal_value": 1, "budget": {"min": 10, "max": 20}}`, 1},
		{"BudgetMidpoint", `{"budget": {"min": 20000, "max": 50000, "currency": "EUR"}}`, 35000},
		{"BudgetRangeAsWritten", `{"budget_range": "$20k-$50k"}`, 35000},
		{"NoValue", `{"problem": "slow"}`, 0},
		{"NotApplicable", `{"budget_range": "N/A"}`, 0},
		{"NegativeIgnored", `{"deal_value": -5}`, 0},
		{"BadJSON", `{`, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := metrics.DealValueJSON(tc.context); got != tc.want {
				t.Errorf("DealValueJSON(%s) = %d, want %d", tc.context, got, tc.want)
			}
		})
	}
}

// TestAccKeepsEveryCell: durations of every shape (exact milliseconds,
// each decade, negative and non-canonical values) come back from an Acc as
// they went in, summed.
func TestAccKeepsEveryCell(t *testing.T) {
	t.Parallel()
	var in []metrics.Cell
	for _, d := range []time.Duration{0, 99 * time.Millisecond, 100 * time.Millisecond, 990 * time.Millisecond, time.Second,
		59 * time.Minute, 100 * 24 * time.Hour, 30 * 365 * 24 * time.Hour} {
		in = append(in, metrics.Cell{Metric: metrics.MTAccept, Bucket: metrics.DurationBucket(d), N: 2})
	}
	in = append(in, metrics.Cell{Metric: metrics.MTAccept, Bucket: -5000, N: 1}, metrics.Cell{Metric: metrics.MTAccept, Bucket: 12345, N: 1},
		metrics.Cell{Metric: metrics.MHandoffs, N: 3}, metrics.Cell{Metric: metrics.MState, Bucket: 2, N: 1}, metrics.Cell{Metric: metrics.MOpen, Bucket: 7, N: 1})
	var a, b metrics.Acc
	a.Add(in)
	b.AddAcc(&a)
	b.AddEncoded(metrics.EncodeCells(in))
	want := slices.Clone(in)
	for i := range want {
		want[i].N *= 2
	}
	slices.SortFunc(want, func(x, y metrics.Cell) int {
		if x.Metric != y.Metric {
			return int(x.Metric) - int(y.Metric)
		}
		return int(x.Bucket - y.Bucket)
	})
	if diff := cmp.Diff(want, b.Cells()); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
}
