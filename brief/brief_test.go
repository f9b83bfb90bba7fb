package brief

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // tests never depend on the host's zoneinfo
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/completeness"
	"github.com/batonhq/baton/objection"
)

var update = flag.Bool("update", false, "rewrite testdata/example.txt")

// now is the demo's clock: 30 minutes before Ana's call, 10:00 in Los Angeles.
var now = time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC)

// acme is the demo meeting: Ana Ruiz, VP Operations at Acme Robotics, with a
// $50k–$100k budget, a decision in three weeks and a competitor named.
func acme() Input {
	return Input{
		Now:         now,
		HandoffType: "meeting_set",
		Contact: Contact{
			Name: "Ana Ruiz", Title: "VP Operations", Email: "ana@acme-robotics.com",
			Phone: "+1 415 555 0100", TimeZone: "America/Los_Angeles",
		},
		Account: Account{
			Name: "Acme Robotics", Domain: "acme-robotics.com", Industry: "manufacturing",
			Country: "US", Employees: 450,
		},
		Signal: Signal{
			Type: "demo_request", Source: "website", Campaign: "q4-webinar",
			Message: "We need to replace our spreadsheet routing before Q1. Leads sit for hours before anyone calls them back.",
		},
		Signals: 1,
		Context: map[string]any{
			"_auto":                map[string]any{"problem": "ignored", "decision_maker": "ignored"},
			"budget_range":         completeness.Money{Min: 50_000, Max: 100_000, Currency: "USD"},
			"target_decision_date": "2026-12-15",
			"competitors":          []string{"Chili Piper"},
			"pain_points": []string{
				"Inbound leads wait hours for a first call",
				"Reps walk into calls without context",
				"Nobody owns leads that arrive after 5 pm",
			},
			"decision_maker":   completeness.Person{Name: "Maria Chen", Title: "CFO"},
			"stakeholders":     []string{"Ben Okafor, RevOps Manager", "Priya Shah, IT"},
			"current_solution": "A shared spreadsheet and a Slack channel",
			"trigger_event":    "Lost two large deals to slow follow-up last quarter",
			"success_criteria": "Every inbound lead called within 5 minutes",
			"meeting_type":     "Demo",
			"topics":           []string{"Salesforce integration", "Round-robin rules"},
		},
		Meeting: &Meeting{
			StartsAt: time.Date(2026, 11, 24, 18, 30, 0, 0, time.UTC),
			TimeZone: "America/Los_Angeles",
			Agenda:   "Discovery",
			Attendees: []Attendee{
				{Name: "Ana Ruiz", Title: "VP Operations", Email: "ana@acme-robotics.com"},
				{Name: "Ben Okafor", Title: "RevOps Manager", Email: "ben@acme-robotics.com"},
			},
		},
		IntakeSent:     true,
		IntakeAnswered: true,
		TypicalDeal:    60_000,
		Owner:          "Sam",
	}
}

// quiet is an input that raises no flag.
func quiet() Input {
	in := acme()
	in.Contact.Title = "Operations Manager"
	in.Meeting.Attendees = []Attendee{{Name: "Ana Ruiz", Title: "Operations Manager", Email: "ana@acme-robotics.com"}}
	delete(in.Context, "competitors")
	in.Context["target_decision_date"] = "2027-03-01"
	return in
}

// maximal is an input with everything at once: a long message, 20 pain
// points, 10 executive attendees and every flag.
func maximal() Input {
	in := acme()
	in.Signal.Message = strings.Repeat("We are evaluating routing, pricing, security, SOC 2 and Salesforce integration. ", 400)
	in.Contact.Name = "Anastasia Maria Ruiz de la Fuente Gonzalez"
	in.Contact.Title = "Senior Vice President, Global Operations, Logistics and Strategic Planning"
	in.Account.Name = "Acme Robotics International Holdings Group of Companies Limited"
	in.Account.Customer = true
	in.Signals = 4
	in.PreviousNoShow = true
	in.IntakeSent, in.IntakeAnswered = true, false
	in.TypicalDeal = 10_000
	var pains, stakeholders []string
	for i := range 20 {
		pains = append(pains, fmt.Sprintf("Pain point number %d, which is described at some length so that it takes many words to read", i+1))
		stakeholders = append(stakeholders, fmt.Sprintf("Stakeholder %d, Director of Something Important", i+1))
	}
	in.Context["pain_points"] = pains
	in.Context["stakeholders"] = stakeholders
	in.Context["competitors"] = []string{"Chili Piper", "LeanData", "Distribution Engine", "an in-house tool"}
	in.Context["target_decision_date"] = "2026-11-30"
	in.Context["timeline"] = "Before the board meeting in early December, which cannot move because the budget closes then"
	in.Context["problem"] = strings.Repeat("Routing is broken across every region and team. ", 50)
	in.Context["product_interest"] = "Routing, SLAs, pre-call briefs, intake forms, analytics"
	in.Context["qualification_notes"] = strings.Repeat("Long notes. ", 100)
	in.Meeting.Attendees = nil
	for i := range 10 {
		in.Meeting.Attendees = append(in.Meeting.Attendees, Attendee{
			Name: fmt.Sprintf("Executive Person Number %d", i+1), Title: "Chief Executive Officer of a Subsidiary Business Unit",
			Email: fmt.Sprintf("exec%d@acme-robotics.com", i+1),
		})
	}
	return in
}

func codes(fs []Flag) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

func TestFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*Input)
		want   []string
	}{
		{"QuietInputRaisesNone", func(*Input) {}, []string{}},
		{"ExecutiveContact", func(in *Input) { in.Contact.Title = "Chief Revenue Officer" }, []string{FlagExecutive}},
		{"ExecutiveAttendee", func(in *Input) {
			in.Meeting.Attendees = append(in.Meeting.Attendees, Attendee{Name: "Priya Shah", Title: "Head of IT"})
		}, []string{FlagExecutive}},
		{"VicePresident", func(in *Input) { in.Contact.Title = "Vice-President, Sales" }, []string{FlagExecutive}},
		{"CoFounder", func(in *Input) { in.Contact.Title = "Co-Founder" }, []string{FlagExecutive}},
		{"DirectorIsNotExecutive", func(in *Input) { in.Contact.Title = "Director of Operations" }, []string{}},
		{"HeadcountIsNotHeadOf", func(in *Input) { in.Contact.Title = "Headcount Planner, head office" }, []string{}},
		{"CompetitorNamed", func(in *Input) { in.Context["competitors"] = []string{"Chili Piper"} }, []string{FlagCompetitor}},
		{"CompetitorFromJSON", func(in *Input) { in.Context["competitors"] = []any{"LeanData"} }, []string{FlagCompetitor}},
		{"CompetitorNA", func(in *Input) { in.Context["competitors"] = "N/A" }, []string{}},
		{"CompetitorNone", func(in *Input) { in.Context["competitors"] = []string{"none"} }, []string{}},
		{"DeadlineIn21Days", func(in *Input) { in.Context["target_decision_date"] = "2026-12-15" }, []string{FlagDeadline}},
		{"DeadlineIn30Days", func(in *Input) { in.Context["target_decision_date"] = "2026-12-24" }, []string{FlagDeadline}},
		{"DeadlineIn31DaysIsNotFlagged", func(in *Input) { in.Context["target_decision_date"] = "2026-12-25" }, []string{}},
		{"DeadlinePassed", func(in *Input) { in.Context["target_decision_date"] = "2026-11-20" }, []string{FlagDeadline}},
		{"DeadlineNA", func(in *Input) { in.Context["target_decision_date"] = "N/A" }, []string{}},
		{"DeadlineUnreadable", func(in *Input) { in.Context["target_decision_date"] = "end of Q1" }, []string{}},
		{"BudgetFarBelow", func(in *Input) {
			in.Context["budget_range"] = completeness.Money{Min: 5_000, Max: 10_000, Currency: "USD"}
		}, []string{FlagBudgetOutlier}},
		{"BudgetFarAbove", func(in *Input) { in.Context["budget_range"] = "$200k-$400k" }, []string{FlagBudgetOutlier}},
		{"BudgetAtAThirdIsNotFlagged", func(in *Input) {
			in.Context["budget_range"] = completeness.Money{Min: 10_000, Max: 20_000, Currency: "USD"}
		}, []string{}},
		{"BudgetWithoutTypicalDeal", func(in *Input) {
			in.TypicalDeal = 0
			in.Context["budget_range"] = completeness.Money{Min: 1_000, Max: 2_000}
		}, []string{}},
		{"BudgetNotGiven", func(in *Input) { delete(in.Context, "budget_range") }, []string{}},
		{"PreviousNoShow", func(in *Input) { in.PreviousNoShow = true }, []string{FlagPreviousNoShow}},
		{"RescheduledTwice", func(in *Input) { in.Meeting.Reschedules = 2 }, []string{FlagRescheduled}},
		{"RescheduledOnceIsNotFlagged", func(in *Input) { in.Meeting.Reschedules = 1 }, []string{}},
		{"NoShowThenRescheduledInOrder", func(in *Input) { in.PreviousNoShow, in.Meeting.Reschedules, in.Signals = true, 3, 2 }, []string{
			FlagPreviousNoShow, FlagRescheduled, FlagRepeatedSignals,
		}},
		{"RepeatedSignals", func(in *Input) { in.Signals = 3 }, []string{FlagRepeatedSignals}},
		{"OneSignalIsNotRepeated", func(in *Input) { in.Signals = 1 }, []string{}},
		{"ExistingCustomer", func(in *Input) { in.Account.Customer = true }, []string{FlagExistingCustomer}},
		{"IntakeUnanswered", func(in *Input) { in.IntakeSent, in.IntakeAnswered = true, false }, []string{FlagIntakeUnanswered}},
		{"IntakeNotSent", func(in *Input) { in.IntakeSent, in.IntakeAnswered = false, false }, []string{}},
		{"AllFlagsInOrder", func(in *Input) { *in = maximal() }, []string{
			FlagExecutive, FlagCompetitor, FlagDeadline, FlagBudgetOutlier, FlagPreviousNoShow,
			FlagRepeatedSignals, FlagExistingCustomer, FlagIntakeUnanswered,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := quiet()
			tt.change(&in)
			got := codes(Build(in).Flags)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("flag codes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFlagText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*Input)
		want   Flag
	}{
		{"ExecutiveCountedOnceAsContactAndAttendee", func(in *Input) {
			in.Contact.Title = "VP Sales"
			in.Meeting.Attendees = []Attendee{{Name: "Ana Ruiz", Title: "VP Sales", Email: "ana@acme-robotics.com"}}
		}, Flag{FlagExecutive, "Executive involved: Ana Ruiz (VP Sales).", []string{"contact.title"}}},
		{"SeveralExecutives", func(in *Input) {
			in.Meeting.Attendees = []Attendee{{Name: "Li Wei", Title: "CTO"}, {Name: "Jo Park", Title: "Founder"}, {Name: "Al Roy", Title: "CEO"}}
		}, Flag{FlagExecutive, "Executives involved: Li Wei (CTO); Jo Park (Founder) (and 1 more).",
			[]string{"meeting.attendees[0].title", "meeting.attendees[1].title", "meeting.attendees[2].title"}}},
		{"BudgetBelow", func(in *Input) {
			in.Context["budget_range"] = map[string]any{"min": 5000.0, "max": 10000.0, "currency": "USD"}
		}, Flag{FlagBudgetOutlier, "Budget $5k–$10k is far below the usual deal of $60k.", []string{"context.budget_range", "typical_deal"}}},
		{"DeadlinePassed", func(in *Input) { in.Context["target_decision_date"] = "2026-11-21" },
			Flag{FlagDeadline, "Decision date Sat 21 Nov 2026 passed 3 days ago: confirm the timeline.", []string{"context.target_decision_date", "now"}}},
		{"Competitors", func(in *Input) { in.Context["competitors"] = "Chili Piper; none; LeanData" },
			Flag{FlagCompetitor, "Competitor named: Chili Piper; LeanData.", []string{"context.competitors"}}},
		{"Rescheduled", func(in *Input) { in.Meeting.Reschedules = 2 },
			Flag{FlagRescheduled, "Meeting rescheduled 2 times: confirm it still suits them.", []string{"meeting.reschedules"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := quiet()
			tt.change(&in)
			fs := Build(in).Flags
			if len(fs) != 1 {
				t.Fatalf("got flags %v, want one %s", codes(fs), tt.want.Code)
			}
			if diff := cmp.Diff(tt.want, fs[0]); diff != "" {
				t.Errorf("flag (-want +got):\n%s", diff)
			}
		})
	}
}

// fieldPath is what a From entry may be: an input field, a context field or
// an indexed attendee.
var fieldPath = regexp.MustCompile(`^((contact|account|signal|context|meeting)\.[a-z_]+|meeting\.attendees\[\d+\]\.title|now|signals|typical_deal|previous_no_show|intake_sent|intake_answered|handoff_type)$`)

// checkTraceable fails t unless every sentence and flag of b names where it
// came from.
func checkTraceable(t testing.TB, b Brief) {
	t.Helper()
	all := slices.Concat(b.Situation, []Sentence{b.Objective, b.Budget, b.Timeline}, b.PainPoints, b.Qualifiers)
	for _, f := range b.Flags {
		all = append(all, Sentence{f.Text, f.From})
	}
	if n := len(b.Situation); n < 1 || n > 3 {
		t.Errorf("got %d situation sentences, want 1 to 3", n)
	}
	for _, s := range all {
		if strings.TrimSpace(s.Text) == "" {
			t.Errorf("got an empty sentence from %q, want text", s.From)
		}
		if len(s.From) == 0 {
			t.Errorf("sentence %q has no From, want the fields it came from", s.Text)
		}
		for _, f := range s.From {
			if !fieldPath.MatchString(f) || f == "context._auto" {
				t.Errorf("sentence %q: From %q is not an input field path", s.Text, f)
			}
		}
	}
}

func TestTraceability(t *testing.T) {
	t.Parallel()
	for name, in := range map[string]Input{
		"Demo":    acme(),
		"Quiet":   quiet(),
		"Maximal": maximal(),
		"Empty":   {},
		"AllNA": {Context: map[string]any{
			"budget_range": "N/A", "target_decision_date": "N/A", "timeline": "n/a", "pain_points": "N/A",
			"decision_maker": "N/A", "stakeholders": []string{"N/A"}, "success_criteria": "N/A", "competitors": "N/A",
		}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			checkTraceable(t, Build(in))
		})
	}
}

func TestBudget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		value any
		want  string
	}{
		{"Money", completeness.Money{Min: 50_000, Max: 100_000, Currency: "USD"}, "$50k–$100k"},
		{"MoneyPointer", &completeness.Money{Min: 50_000, Max: 100_000, Currency: "USD"}, "$50k–$100k"},
		{"StoredJSON", map[string]any{"min": 50000.0, "max": 100000.0, "currency": "USD"}, "$50k–$100k"},
		{"RawText", "$50k-$100k", "$50k–$100k"},
		{"Euros", completeness.Money{Min: 20_000, Max: 20_000, Currency: "EUR"}, "€20k"},
		{"UpTo", completeness.Money{Min: 0, Max: 25_000, Currency: "GBP"}, "up to £25k"},
		{"Millions", completeness.Money{Min: 1_500_000, Max: 2_000_000, Currency: "USD"}, "$1.5m–$2m"},
		{"Small", completeness.Money{Min: 500, Max: 900}, "$500–$900"},
		{"OtherCurrency", completeness.Money{Min: 50_000, Max: 100_000, Currency: "CAD"}, "CAD 50k–100k"},
		{"Number", 75000.0, "$75k"},
		{"NA", "N/A", "N/A"},
		{"LowerNA", " n/a ", "N/A"},
		{"Missing", nil, NotGiven},
		{"Blank", "  ", NotGiven},
		{"Unreadable", "about 40 grand", "about 40 grand (as written)"},
		{"MinAboveMax", map[string]any{"min": 9.0, "max": 1.0}, NotGiven},
		{"WrongType", []int{1}, NotGiven},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := acme()
			in.Context["budget_range"] = tt.value
			want := Sentence{Text: tt.want, From: []string{"context.budget_range"}}
			if diff := cmp.Diff(want, Build(in).Budget); diff != "" {
				t.Errorf("Budget (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTimeline(t *testing.T) {
	t.Parallel()
	both := []string{"context.target_decision_date", "context.timeline"}
	tests := []struct {
		name     string
		date     any
		timeline any
		now      time.Time
		zone     string
		want     Sentence
	}{
		{"InThreeWeeks", "2026-12-15", nil, now, "", Sentence{"decision by Tue 15 Dec 2026 (in 21 days)", []string{"context.target_decision_date", "now"}}},
		{"Today", "2026-11-24", nil, now, "", Sentence{"decision by Tue 24 Nov 2026 (today)", []string{"context.target_decision_date", "now"}}},
		{"Passed", "2026-11-20", nil, now, "", Sentence{"decision by Fri 20 Nov 2026 (4 days ago)", []string{"context.target_decision_date", "now"}}},
		{"DateAndWords", "2026-12-15", "before Q1.", now, "", Sentence{"decision by Tue 15 Dec 2026 (in 21 days); they said “before Q1”",
			[]string{"context.target_decision_date", "now", "context.timeline"}}},
		{"WordsOnly", nil, "This quarter", now, "", Sentence{"This quarter", []string{"context.timeline"}}},
		{"DateNAWordsGiven", "N/A", "next year", now, "", Sentence{"next year", []string{"context.timeline"}}},
		{"UnreadableDate", "end of Q1", nil, now, "", Sentence{"decision by end of Q1", []string{"context.target_decision_date"}}},
		{"NA", "N/A", nil, now, "", Sentence{"N/A", both}},
		{"Missing", nil, nil, now, "", Sentence{NotGiven, both}},
		{"Blank", "", " ", now, "", Sentence{NotGiven, both}},
		// 02:00 UTC on the 25th is still the 24th in Los Angeles.
		{"CountsInProspectZone", "2026-11-25", nil, time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC), "America/Los_Angeles",
			Sentence{"decision by Wed 25 Nov 2026 (tomorrow)", []string{"context.target_decision_date", "now"}}},
		{"CountsInUTCWithoutZone", "2026-11-25", nil, time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC), "Nowhere/Invalid",
			Sentence{"decision by Wed 25 Nov 2026 (today)", []string{"context.target_decision_date", "now"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := acme()
			in.Now = tt.now
			in.Meeting = nil
			if tt.zone != "" {
				in.Contact.TimeZone = tt.zone
			}
			in.Context["target_decision_date"] = tt.date
			in.Context["timeline"] = tt.timeline
			if diff := cmp.Diff(tt.want, Build(in).Timeline); diff != "" {
				t.Errorf("Timeline (-want +got):\n%s", diff)
			}
		})
	}
}

func TestObjective(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		context map[string]any
		want    Sentence
	}{
		{"SuccessCriteriaFirst", map[string]any{"success_criteria": "Calls within 5 minutes", "requested_next_step": "A demo", "problem": "Slow"},
			Sentence{"They will measure success by: Calls within 5 minutes.", []string{"context.success_criteria"}}},
		{"NextStep", map[string]any{"success_criteria": "N/A", "requested_next_step": "A pricing proposal."},
			Sentence{"Requested next step: A pricing proposal.", []string{"context.requested_next_step"}}},
		{"Problem", map[string]any{"problem": "Leads go cold"},
			Sentence{"Solve: Leads go cold.", []string{"context.problem"}}},
		{"AllNA", map[string]any{"success_criteria": "N/A", "problem": "na"},
			Sentence{"N/A", []string{"context.success_criteria", "context.problem"}}},
		{"Missing", nil,
			Sentence{NotGiven, []string{"context.success_criteria", "context.requested_next_step", "context.problem"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, Build(Input{Context: tt.context}).Objective); diff != "" {
				t.Errorf("Objective (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPainPointsAndQualifiers(t *testing.T) {
	t.Parallel()

	t.Run("MissingSaidPlainly", func(t *testing.T) {
		t.Parallel()
		b := Build(Input{})
		if len(b.PainPoints) != 0 {
			t.Errorf("got pain points %v, want none", b.PainPoints)
		}
		want := []Sentence{
			{"Decision maker: not given", []string{"context.decision_maker"}},
			{"Stakeholders: not given", []string{"context.stakeholders"}},
			{"Current solution: not given", []string{"context.current_solution"}},
			{"Meeting type: not given", []string{"context.meeting_type"}},
			{"Topics: not given", []string{"context.topics"}},
		}
		if diff := cmp.Diff(want, b.Qualifiers); diff != "" {
			t.Errorf("Qualifiers (-want +got):\n%s", diff)
		}
		for _, heading := range []string{"Budget: not given", "Timeline: not given", "Objective\nnot given", "Pain points\n- not given"} {
			if !strings.Contains(b.Text(), heading) {
				t.Errorf("Text() = %q, want it to contain %q", b.Text(), heading)
			}
		}
	})

	t.Run("StoredAndJSONForms", func(t *testing.T) {
		t.Parallel()
		in := Input{
			Context: map[string]any{
				"pain_points":      "Slow follow-up\nNo context; lost leads",
				"decision_maker":   map[string]any{"name": "Maria Chen", "title": "CFO"},
				"stakeholders":     []any{"Ben Okafor", map[string]any{"name": "Priya Shah", "title": "Head of IT"}},
				"meeting_type":     "N/A",
				"topics":           []string{"SSO"},
				"product_interest": "Routing",
			},
			Labels:  map[string]string{"decision_maker": "Final approver"},
			Meeting: &Meeting{Agenda: "ignored: meeting_type is answered", Attendees: []Attendee{{Email: "x@y.example"}}},
		}
		b := Build(in)
		wantPain := []Sentence{
			{"Slow follow-up", []string{"context.pain_points"}},
			{"No context", []string{"context.pain_points"}},
			{"lost leads", []string{"context.pain_points"}},
		}
		if diff := cmp.Diff(wantPain, b.PainPoints); diff != "" {
			t.Errorf("PainPoints (-want +got):\n%s", diff)
		}
		want := []Sentence{
			{"Final approver: Maria Chen, CFO", []string{"context.decision_maker"}},
			{"Stakeholders: Ben Okafor; Priya Shah, Head of IT", []string{"context.stakeholders"}},
			{"Meeting type: N/A", []string{"context.meeting_type"}},
			{"Topics: SSO", []string{"context.topics"}},
			{"Product interest: Routing", []string{"context.product_interest"}},
			{"Attendees: x@y.example", []string{"meeting.attendees"}},
			{"Current solution: not given", []string{"context.current_solution"}},
		}
		if diff := cmp.Diff(want, b.Qualifiers); diff != "" {
			t.Errorf("Qualifiers (-want +got):\n%s", diff)
		}
	})

	t.Run("AgendaStandsInForMeetingType", func(t *testing.T) {
		t.Parallel()
		b := Build(Input{Meeting: &Meeting{Agenda: "Discovery"}})
		want := Sentence{"Agenda: Discovery", []string{"meeting.agenda"}}
		if !slices.ContainsFunc(b.Qualifiers, func(s Sentence) bool { return cmp.Equal(s, want) }) {
			t.Errorf("Qualifiers = %v, want them to contain %v", b.Qualifiers, want)
		}
	})

	t.Run("PainPointsNA", func(t *testing.T) {
		t.Parallel()
		got := Build(Input{Context: map[string]any{"pain_points": []string{"n/a"}}}).PainPoints
		want := []Sentence{{"N/A", []string{"context.pain_points"}}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("PainPoints (-want +got):\n%s", diff)
		}
	})
}

func TestSituation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   Input
		want []Sentence
	}{
		{"Empty", Input{}, []Sentence{
			{"An unnamed contact at an unnamed company is a prospect, not yet a customer.", []string{"account.customer"}},
			{"They reached us, with no message.", []string{"signal.type", "signal.message"}},
		}},
		{"CustomerBySegmentWithProblem", Input{
			Contact: Contact{Email: "jo@x.example"},
			Account: Account{Domain: "x.example", Segment: "mid_market", Customer: true},
			Signal:  Signal{Type: "pricing_inquiry"},
			Context: map[string]any{"problem": "Renewal pricing", "trigger_event": "New CFO.", "current_solution": "Us"},
		}, []Sentence{
			{"jo@x.example at x.example (mid-market segment) is an existing customer.", []string{"contact.email", "account.domain", "account.segment", "account.customer"}},
			{"They asked about pricing and named the problem: “Renewal pricing”.", []string{"signal.type", "context.problem"}},
			{"Prompted by: New CFO; today they use: Us.", []string{"context.trigger_event", "context.current_solution"}},
		}},
		{"ProblemRepeatedFromMessageIsSaidOnce", Input{
			Signal:  Signal{Message: "Leads go cold."},
			Context: map[string]any{"problem": "leads go cold."},
		}, []Sentence{
			{"An unnamed contact at an unnamed company is a prospect, not yet a customer.", []string{"account.customer"}},
			{"They reached us and wrote: “Leads go cold.”", []string{"signal.type", "signal.message"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, Build(tt.in).Situation); diff != "" {
				t.Errorf("Situation (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProfileOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*Input)
		want   objection.Profile
	}{
		{"Demo", func(*Input) {}, objection.Profile{
			SignalType: "demo_request", Source: "website", Employees: 450, Industry: "manufacturing",
			BudgetAnswer: "$50k–$100k", TimelineAnswer: "in 21 days",
			Message: "We need to replace our spreadsheet routing before Q1. Leads sit for hours before anyone calls them back.\n" +
				"Inbound leads wait hours for a first call\nReps walk into calls without context\nNobody owns leads that arrive after 5 pm",
			Competitor: "Chili Piper", Title: "VP Operations",
			CurrentSolution: "A shared spreadsheet and a Slack channel",
			DecisionMakers:  "Maria Chen, CFO; Ben Okafor, RevOps Manager; Priya Shah, IT",
		}},
		{"NAAndMissingAreEmpty", func(in *Input) {
			*in = Input{Account: Account{Segment: "enterprise", Customer: true}, Context: map[string]any{
				"budget_range": "N/A", "target_decision_date": "N/A", "competitors": []string{"none"}, "pain_points": "N/A",
			}}
		}, objection.Profile{Segment: "enterprise", ExistingCustomer: true}},
		{"WordsAndProblem", func(in *Input) {
			*in = Input{Now: now, Signal: Signal{Message: "Hi"}, Context: map[string]any{
				"budget_range": "tight", "target_decision_date": "2026-11-01", "timeline": "next year",
				"problem": "We need SOC 2", "competitors": "LeanData; Chili Piper",
			}}
		}, objection.Profile{
			BudgetAnswer: "tight", TimelineAnswer: "next year", Message: "Hi\nWe need SOC 2", Competitor: "LeanData, Chili Piper",
		}},
		{"EarlierObjectionsAtTheAccount", func(in *Input) {
			*in = Input{PriorObjections: []string{"timing", "bogus", "price_budget", "timing"}}
		}, objection.Profile{PriorObjections: []objection.Category{objection.Timing, objection.PriceBudget}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := acme()
			tt.change(&in)
			if diff := cmp.Diff(tt.want, ProfileOf(in)); diff != "" {
				t.Errorf("ProfileOf (-want +got):\n%s", diff)
			}
		})
	}
}

// predictions is three fixed objection predictions.
var predictions = []objection.Prediction{
	{Category: objection.Competition, Probability: 0.6, Reason: "named Chili Piper"},
	{Category: objection.PriceBudget, Probability: 0.5, Reason: "budget over $50k"},
	{Category: objection.TechnicalIntegration, Probability: 0.4, Reason: "mentioned Salesforce"},
	{Category: objection.Timing, Probability: 0.3, Reason: "wants to start now"},
}

// numbered matches a numbered objection line.
var numbered = regexp.MustCompile(`^\d+\. `)

// objectionLines returns the numbered lines under "Likely objections:".
func objectionLines(text string) []string {
	_, after, ok := strings.Cut(text, "Likely objections:")
	if !ok {
		return nil
	}
	var out []string
	for _, l := range strings.Split(after, "\n") {
		if numbered.MatchString(l) {
			out = append(out, l)
		}
	}
	return out
}

// checkNotification fails t unless n is within the limit, counts its words
// right and has dropped qualifiers only after the whole optional summary.
func checkNotification(t testing.TB, in Input, b Brief, n Notification) {
	t.Helper()
	words := len(strings.Fields(n.Text))
	if words > MaxWords || n.Words != words {
		t.Errorf("got %d words (Words = %d), want at most %d and equal", words, n.Words, MaxWords)
	}
	if !utf8.ValidString(n.Text) || !utf8.ValidString(n.Subject) {
		t.Errorf("got invalid UTF-8 in %q", n.Subject+n.Text)
	}
	if strings.Contains(n.Subject, "\n") {
		t.Errorf("Subject = %q, want one line", n.Subject)
	}
	p := precallParts(in, b, nil)
	if !strings.Contains(n.Text, p.summary[0].text) {
		t.Errorf("Text = %q, want the first summary sentence %q", n.Text, p.summary[0].text)
	}
	// A qualifier may be left out because the summary says it already;
	// otherwise it goes only once the summary is down to its first sentence.
	keptSummary := slices.ContainsFunc(p.summary[1:], func(s piece) bool { return strings.Contains(n.Text, s.text) })
	shown := p.shownQualifiers(cuts{})
	droppedQualifier := slices.ContainsFunc(shown, func(q string) bool { return !strings.Contains(n.Text, "- "+q+"\n") })
	if droppedQualifier && keptSummary {
		t.Errorf("Text = %q: a qualifier was dropped while the summary still had optional sentences", n.Text)
	}
}

func TestPreCall(t *testing.T) {
	t.Parallel()

	t.Run("MaximalInputFitsTheLimit", func(t *testing.T) {
		t.Parallel()
		in := maximal()
		b := Build(in)
		preds := objection.NewModel().Predict(ProfileOf(in), 3)
		n := PreCall(in, b, preds)
		checkNotification(t, in, b, n)
		for _, want := range []string{"Anastasia", "Senior Vice President", "Acme Robotics", "Shortened to fit"} {
			if !strings.Contains(n.Text, want) {
				t.Errorf("Text = %q, want it to contain %q", n.Text, want)
			}
		}
		if got := objectionLines(n.Text); len(got) != 3 {
			t.Errorf("got objection lines %q, want 3", got)
		}
		for _, p := range preds {
			if !strings.Contains(n.Text, p.Category.Label()) {
				t.Errorf("Text = %q, want objection %q", n.Text, p.Category.Label())
			}
		}
	})

	t.Run("NamesExactlyThreeObjections", func(t *testing.T) {
		t.Parallel()
		for _, preds := range [][]objection.Prediction{predictions[:3], predictions} {
			n := PreCall(acme(), Build(acme()), preds)
			want := []string{
				"1. Competition: named Chili Piper.",
				"2. Price / budget: budget over $50k.",
				"3. Technical / integration: mentioned Salesforce.",
			}
			if diff := cmp.Diff(want, objectionLines(n.Text)); diff != "" {
				t.Errorf("objections from %d predictions (-want +got):\n%s", len(preds), diff)
			}
		}
	})

	t.Run("NoObjections", func(t *testing.T) {
		t.Parallel()
		n := PreCall(acme(), Build(acme()), nil)
		if !strings.Contains(n.Text, "Likely objections: none predicted.") {
			t.Errorf("Text = %q, want it to say no objections were predicted", n.Text)
		}
	})

	t.Run("ShortInputIsNotTrimmed", func(t *testing.T) {
		t.Parallel()
		in := acme()
		b := Build(in)
		n := PreCall(in, b, predictions[:3])
		checkNotification(t, in, b, n)
		if strings.Contains(n.Text, "Shortened") {
			t.Errorf("Text = %q, want nothing shortened", n.Text)
		}
	})

	t.Run("WithoutMeetingOrZone", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name   string
			change func(*Input)
			want   string
		}{
			{"NoMeeting", func(in *Input) { in.Meeting = nil }, "Hi Sam, here is your brief for Ana Ruiz; no meeting time is recorded."},
			{"MeetingZone", func(in *Input) { in.Contact.TimeZone = "" },
				"Hi Sam, your call with Ana Ruiz starts in 30 minutes, at 10:30 PST on Tue 24 Nov (America/Los_Angeles, the meeting's zone)."},
			{"NoZone", func(in *Input) { in.Contact.TimeZone, in.Meeting.TimeZone, in.Owner = "Local", "", "" },
				"Hi, your call with Ana Ruiz starts in 30 minutes, at 18:30 UTC on Tue 24 Nov (UTC; their zone is not recorded)."},
			{"Started", func(in *Input) { in.Now = in.Now.Add(95 * time.Minute) },
				"Hi Sam, your call with Ana Ruiz started 1 hour 5 minutes ago, at 10:30 PST on Tue 24 Nov (America/Los_Angeles, Ana's time)."},
		}
		for _, tt := range tests {
			in := acme()
			tt.change(&in)
			first, _, _ := strings.Cut(PreCall(in, Build(in), nil).Text, "\n")
			if first != tt.want {
				t.Errorf("%s: got greeting %q, want %q", tt.name, first, tt.want)
			}
		}
	})

	t.Run("ZeroBriefStillNamesTheProspect", func(t *testing.T) {
		t.Parallel()
		n := PreCall(acme(), Brief{}, predictions[:3])
		for _, want := range []string{"Ana Ruiz, VP Operations at Acme Robotics", "Budget: not given.", "3. Technical / integration"} {
			if !strings.Contains(n.Text, want) {
				t.Errorf("Text = %q, want it to contain %q", n.Text, want)
			}
		}
	})
}

// TestExample is the demo meeting end to end, with the objection model's
// real predictions; testdata/example.txt is what the README shows. Run with
// -update to rewrite it.
func TestExample(t *testing.T) {
	t.Parallel()
	in := acme()
	b := Build(in)
	n := PreCall(in, b, objection.NewModel().Predict(ProfileOf(in), 3))
	checkNotification(t, in, b, n)
	checkTraceable(t, b)
	got := fmt.Sprintf("Subject: %s\n\n%s\n(%d words)\n\n----\n\n%s", n.Subject, n.Text, n.Words, b.Text())

	path := filepath.Join("testdata", "example.txt")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("example (-want +got); run go test -update if the change is intended:\n%s", diff)
	}
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	in := maximal()
	first := PreCall(in, Build(in), predictions)
	for range 20 {
		if got := PreCall(in, Build(in), predictions); got != first {
			t.Fatalf("PreCall changed between calls:\n%s\nthen\n%s", first.Text, got.Text)
		}
	}
}

// FuzzPreCall puts arbitrary text in every free-text field and context
// value: nothing panics, every sentence stays traceable, and the
// notification never exceeds MaxWords.
func FuzzPreCall(f *testing.F) {
	f.Add("We need routing before Q1.", "$50k-$100k", "Ana Ruiz", "VP Operations", 450, 2)
	f.Add("", "", "", "", 0, 0)
	f.Add("\x00\xff\u202e\u200b bidi", "N/A", "\n\t", "CEO\r\nCFO", -1, -5)
	f.Add(strings.Repeat("word ", 3000), strings.Repeat("x ", 2000), strings.Repeat("name ", 100), strings.Repeat("Head of ", 100), 1<<40, 1<<30)
	f.Add("…", "2026-12-01", "Ana", "Founder", 1, 1)
	f.Add("$9999999999999999999k", "$1e300-$1e301", "a;b;c", "n/a", 999, 3)

	m := objection.NewModel()
	f.Fuzz(func(t *testing.T, msg, value, name, title string, employees, signals int) {
		in := maximal()
		in.Signal.Message = msg
		in.Signal.Type, in.Signal.Source, in.Signal.Campaign = value, title, name
		in.Contact.Name, in.Contact.Title, in.Contact.Email, in.Contact.TimeZone = name, title, value, value
		in.Account.Name, in.Account.Industry, in.Account.Country, in.Account.Segment = value, msg, title, name
		in.Account.Employees, in.Signals = employees, signals
		in.Owner = name
		in.Labels = map[string]string{"decision_maker": value, "topics": msg}
		in.Meeting.Agenda, in.Meeting.TimeZone = msg, title
		in.Meeting.Attendees = append(in.Meeting.Attendees, Attendee{Name: name, Title: title, Email: value})
		for _, k := range []string{"budget_range", "target_decision_date", "timeline", "problem", "trigger_event",
			"current_solution", "success_criteria", "decision_maker", "meeting_type", "qualification_notes"} {
			in.Context[k] = value
		}
		in.Context["pain_points"] = strings.Split(msg, " ")
		in.Context["competitors"] = []any{value, name, map[string]any{"name": title}}
		in.Context["stakeholders"] = []any{map[string]any{"name": name, "title": title}, value}
		in.Context["topics"] = msg

		b := Build(in)
		checkTraceable(t, b)
		_ = b.Text()
		p := ProfileOf(in)
		n := PreCall(in, b, m.Predict(p, 3))
		checkNotification(t, in, b, n)
		if got := objectionLines(n.Text); len(got) != 3 {
			t.Errorf("got objection lines %q, want 3", got)
		}
	})
}
