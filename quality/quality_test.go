package quality_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/quality"
	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)

// completeSummary is a closed-won deal summary with every section and
// complete table rows.
func completeSummary() map[string]any {
	return map[string]any{
		"customer_overview":      "Acme, logistics, 800 people",
		"business_objectives":    "every lead called in 5 minutes",
		"success_criteria":       "speed to lead under 5 minutes in 60 days",
		"scope":                  []any{"routing", "SLA clocks"},
		"implementation_context": "phased rollout",
		"go_live_target":         "2026-12-15",
		"contract_value":         48000.0,
		"special_terms":          "net 30",
		"stakeholders": []any{
			map[string]any{"name": "Ana", "role": "VP Sales, champion", "stance": "champion", "influence": "high"},
			map[string]any{"name": "Ben", "role": "CFO, economic buyer", "stance": "supporter", "influence": "high"},
			map[string]any{"name": "Cy", "role": "IT lead", "stance": "skeptic", "influence": "medium"},
		},
		"commitments": []any{map[string]any{"what": "Salesforce sync", "promised_by": "Dana", "status": "open", "kind": "written"}},
		"risks":       []any{map[string]any{"risk": "IT stretched", "likelihood": "high", "impact": "high"}},
	}
}

func event(t *testing.T, kind string, at time.Time, data baton.EventData) *baton.Event {
	t.Helper()
	e := &baton.Event{HandoffID: "h1", Kind: kind, At: at}
	if data != nil {
		if err := e.SetData(data); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// fixture is a closed-won handoff done by the book: a complete summary,
// accepted and touched in time, the knowledge-transfer meeting held with
// everyone and the whole agenda, the customer introduced within 48 h.
type fixture struct {
	h          *baton.Handoff
	events     []*baton.Event
	activities []*baton.Activity
	meeting    *baton.Meeting
	now        time.Time
}

func goodFixture(t *testing.T) *fixture {
	h := &baton.Handoff{ID: "h1", Type: "closed_won", State: baton.StateActioned, Context: completeSummary(),
		CreatedAt: t0, AssignedAt: t0, AcceptBy: t0.Add(48 * time.Hour), FirstTouchBy: t0.Add(48 * time.Hour),
		AcceptedAt: t0.Add(3 * time.Hour), FirstTouchAt: t0.Add(5 * time.Hour)}
	return &fixture{
		h: h,
		events: []*baton.Event{
			event(t, baton.EventCreated, t0, baton.CreatedData{HandoffType: "closed_won"}),
			event(t, baton.EventAccepted, h.AcceptedAt, nil),
			event(t, baton.EventTouched, h.FirstTouchAt, nil),
			event(t, baton.EventKTHeld, t0.Add(30*time.Hour), baton.KTHeldData{MeetingID: "kt1", HeldAt: t0.Add(30 * time.Hour),
				Required: []string{"ae", "csm"}, Attended: []string{"ae", "csm", "se"}, AgendaItems: 7, AgendaCovered: 7, CSQuestionsAnswered: true}),
		},
		activities: []*baton.Activity{{Name: "customer_introduction", Status: baton.ActivityDone, DueAt: t0.Add(48 * time.Hour), DoneAt: t0.Add(20 * time.Hour)}},
		now:        t0.Add(72 * time.Hour),
	}
}

func (f *fixture) score(pb *playbook.Playbook) quality.Score {
	names := map[string]string{"ae": "Dana Reyes", "csm": "Sam Okafor", "csm_mgr": "Pat Lee"}
	return quality.Compute(pb.Rubric(f.h.Type), pb.Quality.Bands, quality.Input{Handoff: f.h, Fields: pb.Fields(pb.HandoffType(f.h.Type)),
		Events: f.events, Activities: f.activities, Meeting: f.meeting, Now: f.now, Names: func(id string) string { return names[id] }})
}

// replaceKT swaps the fixture's knowledge-transfer checklist.
func (f *fixture) replaceKT(t *testing.T, d *baton.KTHeldData) {
	var out []*baton.Event
	for _, e := range f.events {
		if e.Kind != baton.EventKTHeld {
			out = append(out, e)
		}
	}
	if d != nil {
		out = append(out, event(t, baton.EventKTHeld, t0.Add(30*time.Hour), *d))
	}
	f.events = out
}

// TestSeedRubric: the default playbook's closed_won rubric is the seed's,
// item for item.
func TestSeedRubric(t *testing.T) {
	t.Parallel()
	pb := playbook.Default()
	type line struct {
		Category string
		Points   int
		Items    map[string]int
	}
	var got []line
	for _, c := range pb.Rubric("closed_won") {
		l := line{Category: c.Category, Points: c.Points, Items: map[string]int{}}
		for _, it := range c.Items {
			l.Items[it.Label] = it.Points
		}
		got = append(got, l)
	}
	want := []line{
		{"documentation", 50, map[string]int{"Deal summary complete": 15, "Stakeholder map detailed": 10, "Commitments documented": 15, "Risk factors identified": 10}},
		{"meeting", 30, map[string]int{"All participants attended": 10, "Full agenda covered": 10, "CS questions answered": 10}},
		{"timeliness", 20, map[string]int{"Handoff within SLA": 15, "Customer introduction within 48 hours": 5}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("closed_won rubric (-want +got):\n%s", d)
	}
	var bands []string
	for _, b := range pb.Quality.Bands {
		bands = append(bands, b.Label)
	}
	if d := cmp.Diff([]string{"Excellent", "Good", "Acceptable", "Substandard"}, bands); d != "" {
		t.Errorf("bands (-want +got):\n%s", d)
	}
	for _, tc := range []struct {
		score int
		band  string
	}{{100, "Excellent"}, {90, "Excellent"}, {89, "Good"}, {80, "Good"}, {79, "Acceptable"}, {70, "Acceptable"}, {69, "Substandard"}, {0, "Substandard"}} {
		if b := pb.Band(tc.score); b.Label != tc.band || b.Remediation != (tc.band == "Substandard") {
			t.Errorf("score %d: got band %s (remediation %v), want %s", tc.score, b.Label, b.Remediation, tc.band)
		}
	}
}

// TestComputeClosedWon scores a fixture handoff under the seed's rubric,
// one item changed at a time, checking each item's points, status and
// reason, the total and the band.
func TestComputeClosedWon(t *testing.T) {
	t.Parallel()
	pb := playbook.Default()
	type want struct {
		item   string
		earned int
		status string
		reason string // a part of the reason
	}
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, f *fixture)
		items  []want
		score  int
		band   string
		final  bool
	}{
		{name: "ByTheBookScores100Excellent", change: func(*testing.T, *fixture) {}, score: 100, band: "Excellent", final: true,
			items: []want{
				{"deal_summary", 15, quality.Earned, "8 of 8 fields answered"},
				{"stakeholder_map", 10, quality.Earned, "3 complete of 3 rows (3 wanted)"},
				{"commitments", 15, quality.Earned, "1 complete of 1 row"},
				{"risk_factors", 10, quality.Earned, "1 complete of 1 row"},
				{"participants_attended", 10, quality.Earned, "2 of 2 required participants attended"},
				{"agenda_covered", 10, quality.Earned, "7 of 7 agenda items covered"},
				{"questions_answered", 10, quality.Earned, "questions answered"},
				{"within_sla", 15, quality.Earned, "accepted and touched within their clocks"},
				{"customer_introduction", 5, quality.Earned, "done 20h after the handoff, within 48h of the handoff"},
			}},
		{name: "HalfADealSummaryEarnsHalf", score: 93, band: "Excellent", final: true,
			change: func(_ *testing.T, f *fixture) {
				for _, k := range []string{"success_criteria", "implementation_context", "go_live_target", "special_terms"} {
					delete(f.h.Context, k)
				}
			},
			items: []want{{"deal_summary", 8, quality.Partial, "4 of 8 fields answered; missing: Success criteria"}}},
		{name: "ThinStakeholderMapEarnsAShare", score: 95, band: "Excellent", final: true,
			change: func(_ *testing.T, f *fixture) {
				f.h.Context["stakeholders"] = []any{
					map[string]any{"name": "Ana", "role": "VP Sales", "stance": "champion", "influence": "high"},
					map[string]any{"name": "Ben", "stance": "supporter"},
				}
			},
			items: []want{{"stakeholder_map", 5, quality.Partial, "1 complete of 2 rows (3 wanted); 1 incomplete row at half credit; lacking Title and role"}}},
		{name: "NoCommitmentsLoseFifteen", score: 85, band: "Good", final: true,
			change: func(_ *testing.T, f *fixture) { delete(f.h.Context, "commitments") },
			items:  []want{{"commitments", 0, quality.Missed, "Commitment log is empty"}}},
		{name: "RiskRegisterMarkedNotApplicable", score: 100, band: "Excellent", final: true,
			change: func(_ *testing.T, f *fixture) { f.h.Context["risks"] = "N/A" },
			items:  []want{{"risk_factors", 10, quality.Earned, "marked N/A"}}},
		{name: "AbsentCSManagerLosesAShare", score: 97, band: "Excellent", final: true,
			change: func(t *testing.T, f *fixture) {
				f.replaceKT(t, &baton.KTHeldData{Required: []string{"ae", "csm", "csm_mgr"}, Attended: []string{"ae", "csm"}, AgendaItems: 7, AgendaCovered: 7, CSQuestionsAnswered: true})
			},
			items: []want{{"participants_attended", 7, quality.Partial, "2 of 3 required participants attended; absent: Pat Lee"}}},
		{name: "HalfTheAgendaEarnsHalf", score: 95, band: "Excellent", final: true,
			change: func(t *testing.T, f *fixture) {
				f.replaceKT(t, &baton.KTHeldData{Required: []string{"ae"}, Attended: []string{"ae"}, AgendaItems: 8, AgendaCovered: 4, CSQuestionsAnswered: true})
			},
			items: []want{{"agenda_covered", 5, quality.Partial, "4 of 8 agenda items covered"}}},
		{name: "UnansweredQuestionsLoseTen", score: 90, band: "Excellent", final: true,
			change: func(t *testing.T, f *fixture) {
				f.replaceKT(t, &baton.KTHeldData{Required: []string{"ae"}, Attended: []string{"ae"}, AgendaItems: 7, AgendaCovered: 7})
			},
			items: []want{{"questions_answered", 0, quality.Missed, "left unanswered"}}},
		{name: "NoMeetingYetIsPending", score: 70, band: "Acceptable", final: false,
			change: func(t *testing.T, f *fixture) { f.replaceKT(t, nil) },
			items: []want{
				{"participants_attended", 0, quality.Pending, "no knowledge-transfer meeting recorded yet"},
				{"agenda_covered", 0, quality.Pending, ""},
				{"questions_answered", 0, quality.Pending, ""},
			}},
		{name: "NoMeetingOnAClosedHandoffIsMissed", score: 70, band: "Acceptable", final: true,
			change: func(t *testing.T, f *fixture) { f.replaceKT(t, nil); f.h.State = baton.StateCompleted },
			items:  []want{{"participants_attended", 0, quality.Missed, "no knowledge-transfer meeting recorded"}}},
		{name: "AcceptBreachLosesTheSLA", score: 85, band: "Good", final: true,
			change: func(t *testing.T, f *fixture) {
				f.events = append(f.events, event(t, baton.EventBreached, t0.Add(48*time.Hour), baton.BreachedData{Step: "accept"}))
			},
			items: []want{{"within_sla", 0, quality.Missed, "accept deadline passed"}}},
		{name: "FixOverdueLosesTheSLA", score: 85, band: "Good", final: true,
			change: func(t *testing.T, f *fixture) {
				f.events = append(f.events, event(t, baton.EventRejected, t0.Add(time.Hour), baton.RejectedData{Gaps: []string{"risks"}}),
					event(t, baton.EventFixOverdue, t0.Add(25*time.Hour), nil))
			},
			items: []want{{"within_sla", 0, quality.Missed, "gaps not fixed by the fix-by deadline"}}},
		{name: "RejectionFixedInTimeKeepsTheSLA", score: 100, band: "Excellent", final: true,
			change: func(t *testing.T, f *fixture) {
				f.events = append(f.events, event(t, baton.EventRejected, t0.Add(time.Hour), baton.RejectedData{Gaps: []string{"risks"}}))
			},
			items: []want{{"within_sla", 15, quality.Earned, "1 rejection fixed in time"}}},
		{name: "RevisionsMadeLateLoseTheSLA", score: 85, band: "Good", final: true,
			change: func(_ *testing.T, f *fixture) {
				f.activities = append(f.activities, &baton.Activity{Name: quality.RevisionsActivity, Status: baton.ActivityDone,
					DueAt: t0.Add(30 * time.Hour), DoneAt: t0.Add(33 * time.Hour)})
			},
			items: []want{{"within_sla", 0, quality.Missed, "revisions made 3h after their deadline"}}},
		{name: "RevisionsOverdueLoseTheSLA", score: 85, band: "Good", final: true,
			change: func(_ *testing.T, f *fixture) {
				f.activities = append(f.activities, &baton.Activity{Name: "revisions_2", Status: baton.ActivityOpen, DueAt: t0.Add(30 * time.Hour)})
			},
			items: []want{{"within_sla", 0, quality.Missed, "revisions not made by Tue 3 Nov 20:00 UTC"}}},
		{name: "RevisionsStillDueArePending", score: 85, band: "Good", final: false,
			change: func(_ *testing.T, f *fixture) {
				f.activities = append(f.activities, &baton.Activity{Name: quality.RevisionsActivity, Status: baton.ActivityOpen, DueAt: t0.Add(80 * time.Hour)})
			},
			items: []want{{"within_sla", 0, quality.Pending, "revisions requested; due by"}}},
		{name: "RevisionsMadeInTimeKeepTheSLA", score: 100, band: "Excellent", final: true,
			change: func(_ *testing.T, f *fixture) {
				f.activities = append(f.activities, &baton.Activity{Name: quality.RevisionsActivity, Status: baton.ActivityDone,
					DueAt: t0.Add(30 * time.Hour), DoneAt: t0.Add(29 * time.Hour)})
			},
			items: []want{{"within_sla", 15, quality.Earned, "accepted and touched within their clocks"}}},
		{name: "WaitingForFirstTouchIsPending", score: 85, band: "Good", final: false,
			change: func(_ *testing.T, f *fixture) { f.h.State, f.h.FirstTouchAt = baton.StateAccepted, time.Time{} },
			items:  []want{{"within_sla", 0, quality.Pending, "accepted; waiting for the first touch; due by"}}},
		{name: "LateIntroductionLosesFive", score: 95, band: "Excellent", final: true,
			change: func(_ *testing.T, f *fixture) { f.activities[0].DoneAt = t0.Add(50 * time.Hour) },
			items:  []want{{"customer_introduction", 0, quality.Missed, "done 2d 2h after the handoff, later than 48h of the handoff"}}},
		{name: "IntroductionNotYetDueIsPending", score: 95, band: "Excellent", final: false,
			change: func(_ *testing.T, f *fixture) {
				f.activities[0].Status, f.activities[0].DoneAt, f.now = baton.ActivityOpen, time.Time{}, t0.Add(40*time.Hour)
			},
			items: []want{{"customer_introduction", 0, quality.Pending, "not done yet; due by"}}},
		{name: "IntroductionNeverDoneIsMissed", score: 95, band: "Excellent", final: true,
			change: func(_ *testing.T, f *fixture) {
				f.activities[0].Status, f.activities[0].DoneAt = baton.ActivityOpen, time.Time{}
			},
			items: []want{{"customer_introduction", 0, quality.Missed, "not done by"}}},
		{name: "ThinHandoffIsSubstandard", score: 15, band: "Substandard", final: true,
			change: func(t *testing.T, f *fixture) {
				f.h.Context = map[string]any{"scope": []any{"routing"}, "contract_value": 18000.0, "business_objectives": "N/A"}
				f.replaceKT(t, &baton.KTHeldData{Required: []string{"ae", "csm"}, Attended: []string{"csm"}, AgendaItems: 7, AgendaCovered: 3})
				f.events = append(f.events, event(t, baton.EventBreached, t0.Add(48*time.Hour), baton.BreachedData{Step: "accept"}))
				f.activities = nil
				f.h.State = baton.StateCompleted
			},
			// 6 (3 of 8 answered) + 5 (1 of 2 attended) + 4 (3 of 7 covered)
			items: []want{
				{"deal_summary", 6, quality.Partial, "3 of 8 fields answered"},
				{"participants_attended", 5, quality.Partial, "absent: Dana Reyes"},
				{"agenda_covered", 4, quality.Partial, "3 of 7"},
				{"customer_introduction", 0, quality.Missed, "customer_introduction not started"},
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := goodFixture(t)
			if tc.change != nil {
				tc.change(t, f)
			}
			s := f.score(pb)
			items := map[string]quality.Item{}
			total := 0
			for _, c := range s.Categories {
				sum := 0
				for _, it := range c.Items {
					items[it.Name] = it
					sum += it.Earned
					if it.Reason == "" {
						t.Errorf("item %s has no reason", it.Name)
					}
				}
				if sum != c.Earned {
					t.Errorf("category %s: got %d earned, want the sum of its items %d", c.Name, c.Earned, sum)
				}
				total += c.Earned
			}
			for _, w := range tc.items {
				it, ok := items[w.item]
				if !ok {
					t.Fatalf("no item %s", w.item)
				}
				if it.Earned != w.earned || it.Status != w.status || !strings.Contains(it.Reason, w.reason) {
					t.Errorf("%s: got %d (%s) %q; want %d (%s) containing %q", w.item, it.Earned, it.Status, it.Reason, w.earned, w.status, w.reason)
				}
			}
			if s.Score != total {
				t.Errorf("got score %d, want the sum of the categories %d", s.Score, total)
			}
			if s.Score != tc.score || s.Band != tc.band || s.Final != tc.final {
				b, _ := json.MarshalIndent(s, "", " ")
				t.Errorf("got %d %s final %v, want %d %s final %v\n%s", s.Score, s.Band, s.Final, tc.score, tc.band, tc.final, b)
			}
		})
	}
}

// TestComputeDefaultRubric scores other types under the default rubric:
// context complete, the meeting held with its agenda where one applies,
// accepted and touched in time.
func TestComputeDefaultRubric(t *testing.T) {
	t.Parallel()
	pb := playbook.Default()
	for _, tc := range []struct {
		name    string
		h       *baton.Handoff
		meeting *baton.Meeting
		events  []*baton.Event
		score   int
		lost    []string
	}{
		{name: "MeetingSetHeldWithAgendaInTime",
			h: &baton.Handoff{ID: "h1", Type: "meeting_set", State: baton.StateCompleted, AcceptedAt: t0.Add(time.Hour), FirstTouchAt: t0.Add(2 * time.Hour),
				Context: map[string]any{}},
			meeting: &baton.Meeting{Status: baton.MeetingHeld, Agenda: "discovery"},
			lost:    []string{"context_complete"}},
		{name: "MeetingHeldWithoutAgendaEarnsHalf",
			h: &baton.Handoff{ID: "h1", Type: "meeting_set", State: baton.StateCompleted, AcceptedAt: t0.Add(time.Hour), FirstTouchAt: t0.Add(2 * time.Hour),
				Context: map[string]any{}},
			meeting: &baton.Meeting{Status: baton.MeetingHeld},
			lost:    []string{"context_complete", "meeting_held"}},
		{name: "HotLeadTouchedLate",
			h: &baton.Handoff{ID: "h1", Type: "hot_lead", State: baton.StateActioned, AcceptedAt: t0.Add(time.Minute), FirstTouchAt: t0.Add(time.Hour),
				Context: map[string]any{}},
			lost: []string{"context_complete", "touched_in_time"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.name == "HotLeadTouchedLate" {
				tc.events = []*baton.Event{event(t, baton.EventBreached, t0.Add(5*time.Minute), baton.BreachedData{Step: "first touch"})}
			}
			ht := pb.HandoffType(tc.h.Type)
			s := quality.Compute(pb.Rubric(tc.h.Type), pb.Quality.Bands, quality.Input{Handoff: tc.h, Fields: pb.Fields(ht), Events: tc.events, Meeting: tc.meeting, Now: t0.Add(24 * time.Hour)})
			points := 0
			for _, c := range s.Categories {
				for _, it := range c.Items {
					points += it.Points
				}
			}
			if points != 100 {
				t.Errorf("rubric worth %d, want 100", points)
			}
			if d := cmp.Diff(tc.lost, s.Lost()); d != "" {
				t.Errorf("lost items (-want +got):\n%s", d)
			}
		})
	}
	t.Run("MeetingCategoryOnlyWhereAMeetingApplies", func(t *testing.T) {
		t.Parallel()
		cats := func(typ string) []string {
			var out []string
			for _, c := range pb.Rubric(typ) {
				out = append(out, c.Category+":"+itoa(c.Points))
			}
			return out
		}
		if d := cmp.Diff([]string{"documentation:40", "meeting:30", "timeliness:30"}, cats("meeting_set")); d != "" {
			t.Errorf("meeting_set (-want +got):\n%s", d)
		}
		if d := cmp.Diff([]string{"documentation:50", "timeliness:50"}, cats("hot_lead")); d != "" {
			t.Errorf("hot_lead (-want +got):\n%s", d)
		}
	})
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestPercent(t *testing.T) {
	for _, tt := range []struct{ n, total, want int }{
		{0, 0, 0}, {0, 7, 0}, {2, 7, 29}, {1, 3, 33}, {2, 3, 67}, {1, 8, 13}, {1, 200, 1}, {1, 201, 0}, {7, 7, 100},
	} {
		if got := quality.Percent(tt.n, tt.total); got != tt.want {
			t.Errorf("Percent(%d, %d): got %d, want %d", tt.n, tt.total, got, tt.want)
		}
	}
}
