// Package brief turns what Baton knows about a handoff into the two things a
// rep reads before a sales call: the CRM brief ([Build], [Brief.Text]), the
// structured record on the handoff page (situation, stated objective, budget,
// timeline, pain points, key qualifiers and flags), and the pre-call
// notification ([PreCall]), the 90-second message sent 30 minutes before the
// meeting with the three likeliest objection categories. [ProfileOf] maps the
// same input to the objection model's [objection.Profile].
//
// A handoff of a customer (Input.CustomerSide: closed-won, expansion, churn
// risk) gets a brief of [KindCustomer] instead, written for the team taking
// over: what was sold, who is who, what was promised, the risks and what
// success means, and a notification without objections.
//
// Everything is pure and deterministic: no clock (Input.Now is the time), no
// I/O, no randomness, and no map iteration that shows in the output, so the
// same Input always gives the same text. Every sentence names the input
// fields it was built from ([Sentence.From]), so any line can be traced back
// to the record.
//
// Limits, stated plainly:
//
//   - It fills templates, it does not understand. Sentences quote or list the
//     prospect's own words, cut to length; nothing is paraphrased or
//     inferred, and missing data is written as "not given", never guessed.
//   - Executive titles are matched by keyword (CEO, Chief, VP, President,
//     Founder, Head of): "Head of Household Goods Buying" is flagged and
//     "Director" is not.
//   - Money is compared without conversion: a EUR budget is checked against
//     Input.TypicalDeal as if both were in the same currency.
//   - Dates and times are shown in the prospect's zone (Contact.TimeZone,
//     else the meeting's, else UTC), resolved with time.LoadLocation; a
//     binary should embed time/tzdata, as cmd/baton does.
//   - Context values that are neither text, numbers, money, people nor lists
//     of those are treated as not given.
//   - English only.
package brief

import (
	"strings"
	"time"

	"github.com/batonhq/baton/completeness"
)

// Input is everything the brief is built from. Every field is optional: a
// missing value is said to be missing, never filled in.
type Input struct {
	// Now is the current time; "in 21 days" and the deadline flag count
	// calendar days from it in the prospect's zone.
	Now time.Time
	// HandoffType is the playbook handoff type, such as "meeting_set".
	HandoffType string
	Contact     Contact
	Account     Account
	Signal      Signal
	// Signals is the number of signals on the handoff; more than one means
	// the prospect reached out repeatedly.
	Signals int
	// Context holds the handoff's template field values as stored by
	// package completeness: strings, float64, completeness.Money,
	// completeness.Person, []string and the string "N/A", or their JSON
	// forms (map[string]any, []any) after a round trip through a store.
	// The "_auto" key is ignored.
	Context map[string]any
	// Labels maps a context field name to its human label, such as
	// "decision_maker" → "Final approver"; unlabelled fields use a default.
	Labels map[string]string
	// Meeting is the booked meeting, or nil if there is none.
	Meeting *Meeting
	// IntakeSent and IntakeAnswered say whether the intake form went out and
	// came back.
	IntakeSent     bool
	IntakeAnswered bool
	// PreviousNoShow is true if the prospect missed an earlier meeting.
	PreviousNoShow bool
	// PriorObjections are the objection categories recorded on earlier
	// handoffs of the same account, most recent first; they feed the
	// objection profile only.
	PriorObjections []string
	// TypicalDeal is the team's usual deal size in its own currency; 0 means
	// unknown and turns the budget check off.
	TypicalDeal float64
	// Owner is the owner's first name, for the greeting.
	Owner string
	// CustomerSide makes the brief one for the team taking over a customer
	// (KindCustomer): what was sold, who is who, what was promised, risks
	// and what success means, with no objection prediction.
	CustomerSide bool
}

// Contact is the person the rep is meeting.
type Contact struct {
	Name, Title, Email, Phone string
	// TimeZone is an IANA zone name, such as "America/New_York".
	TimeZone string
}

// Account is the prospect's company.
type Account struct {
	Name, Domain, Industry, Country string
	Employees                       int
	// Segment is "smb", "mid_market" or "enterprise", if known.
	Segment string
	// Customer is true when the company already buys from us.
	Customer bool
}

// Signal is what started the handoff.
type Signal struct {
	// Type is the signal type, such as "demo_request".
	Type string
	// Source and Campaign say where the lead came from.
	Source, Campaign string
	// Message is what the prospect wrote.
	Message string
}

// Meeting is the booked call.
type Meeting struct {
	StartsAt time.Time
	// TimeZone is the IANA zone the meeting was booked in.
	TimeZone  string
	Agenda    string
	Attendees []Attendee
	// Reschedules counts the times the meeting was moved; from
	// RescheduledFlagAt on, the brief flags it.
	Reschedules int
}

// RescheduledFlagAt is how many reschedules of one meeting the brief
// flags: a prospect who moves a call twice may be losing interest.
const RescheduledFlagAt = 2

// Attendee is one person invited to the meeting.
type Attendee struct {
	Name, Title, Email string
}

// Sentence is one line of a brief and the input fields it came from, named
// as paths such as "context.budget_range", "signal.message" or
// "account.employees". From is never empty.
type Sentence struct {
	Text string   `json:"text"`
	From []string `json:"from"`
}

// Flag is unusual information that warrants attention before the call.
type Flag struct {
	// Code is the stable identifier, one of the Flag* constants.
	Code string   `json:"code"`
	Text string   `json:"text"`
	From []string `json:"from"`
}

// Flag codes, in the order a brief lists them.
const (
	FlagExecutive        = "executive_attendee"
	FlagCompetitor       = "named_competitor"
	FlagDeadline         = "deadline_within_30_days"
	FlagBudgetOutlier    = "budget_outlier"
	FlagPreviousNoShow   = "previous_no_show"
	FlagRescheduled      = "rescheduled_repeatedly"
	FlagRepeatedSignals  = "repeated_signals"
	FlagExistingCustomer = "existing_customer"
	FlagIntakeUnanswered = "intake_unanswered"
)

// NotGiven is the text of a value the record does not have.
const NotGiven = "not given"

// Brief is the CRM brief: the source of truth the rep reads before, during
// and after the call.
type Brief struct {
	// Kind is KindSales or KindCustomer; a customer-side brief fills
	// Heading, Situation and the customer sections (Sold, People, Promised,
	// Risks, Success) and leaves the sales sections empty.
	Kind string `json:"kind"`
	// Heading names the prospect: "Ana Ruiz, VP Operations, Acme Robotics".
	Heading string `json:"heading"`
	// Situation is one to three sentences: who they are, what they asked
	// for and how, and what prompted it.
	Situation []Sentence `json:"situation"`
	// Objective is the stated objective, or NotGiven.
	Objective Sentence `json:"objective"`
	// Budget is the budget range, such as "$50k–$100k", "N/A" or NotGiven.
	Budget Sentence `json:"budget"`
	// Timeline is the decision date ("decision by Tue 15 Dec 2026 (in 21
	// days)"), the stated timeline, "N/A" or NotGiven.
	Timeline Sentence `json:"timeline"`
	// PainPoints lists the pain points one per sentence; it holds a single
	// "N/A" when the prospect answered N/A, and is empty when not given.
	PainPoints []Sentence `json:"pain_points"`
	// Qualifiers are "Label: value" sentences: decision maker, stakeholders,
	// current solution, meeting type and topics (NotGiven when missing),
	// then product interest, qualification notes and attendees when known.
	// Answered qualifiers come first.
	Qualifiers []Sentence `json:"qualifiers"`
	// Flags is the unusual information, in the order of the Flag* codes.
	Flags []Flag `json:"flags"`

	// Sold is what was sold: scope, contract value, terms (KindCustomer).
	Sold []Sentence `json:"sold,omitempty"`
	// People is who is who: the main contact, sponsor, champion, economic
	// buyer, technical lead and other stakeholders (KindCustomer).
	People []Sentence `json:"people,omitempty"`
	// Promised is what was promised: commitments and the go-live target
	// (KindCustomer).
	Promised []Sentence `json:"promised,omitempty"`
	// Risks are the objections, open concerns, churn risks and competitors
	// recorded while selling (KindCustomer).
	Risks []Sentence `json:"risks,omitempty"`
	// Success is what success means to the customer: objectives, success
	// criteria, problems to solve (KindCustomer).
	Success []Sentence `json:"success,omitempty"`
}

// Bounds on outside text, in words and runes, so that a pasted essay or a
// hostile name cannot crowd out the rest of a brief.
const (
	maxNameWords, maxNameRunes       = 5, 60
	maxTitleWords, maxTitleRunes     = 8, 80
	maxCompanyWords, maxCompanyRunes = 8, 80
	maxShortWords, maxShortRunes     = 4, 40 // industry, country, segment, source
	maxQuoteWords, maxQuoteRunes     = 60, 400
	maxClauseWords, maxClauseRunes   = 25, 200
	maxItemWords, maxItemRunes       = 20, 160
	maxListItems                     = completeness.MaxList
	maxInputBytes                    = 64 << 10
)

// autoKey is the context key of the facts Baton fills in itself.
const autoKey = "_auto"

// Build assembles the CRM brief from in.
func Build(in Input) Brief {
	if in.CustomerSide {
		return buildCustomer(in)
	}
	b := Brief{
		Kind:       KindSales,
		Heading:    heading(in),
		Situation:  situation(in),
		Objective:  objective(in),
		Budget:     budgetSentence(in),
		Timeline:   timelineSentence(in),
		PainPoints: painPoints(in),
		Qualifiers: qualifiers(in),
	}
	b.Flags = flags(in)
	return b
}

// Text renders the brief as plain text with section headings, for the
// handoff page, the API and documentation.
func (b Brief) Text() string {
	if b.Kind == KindCustomer {
		return b.customerText()
	}
	var w strings.Builder
	w.WriteString("CRM brief")
	if b.Heading != "" {
		w.WriteString(": " + b.Heading)
	}
	w.WriteString("\n\nSituation\n")
	if len(b.Situation) == 0 {
		w.WriteString(NotGiven + "\n")
	} else {
		w.WriteString(joinTexts(b.Situation) + "\n")
	}
	w.WriteString("\nObjective\n" + orNotGiven(b.Objective.Text) + "\n")
	w.WriteString("\nBudget: " + orNotGiven(b.Budget.Text) + "\n")
	w.WriteString("Timeline: " + orNotGiven(b.Timeline.Text) + "\n")
	w.WriteString("\nPain points\n")
	bullets(&w, b.PainPoints, NotGiven)
	w.WriteString("\nKey qualifiers\n")
	bullets(&w, b.Qualifiers, NotGiven)
	w.WriteString("\nFlags\n")
	if len(b.Flags) == 0 {
		w.WriteString("- none\n")
	}
	for _, f := range b.Flags {
		w.WriteString("- " + f.Text + "\n")
	}
	return w.String()
}

func bullets(w *strings.Builder, ss []Sentence, empty string) {
	if len(ss) == 0 {
		w.WriteString("- " + empty + "\n")
	}
	for _, s := range ss {
		w.WriteString("- " + s.Text + "\n")
	}
}

func joinTexts(ss []Sentence) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = s.Text
	}
	return strings.Join(parts, " ")
}

func orNotGiven(s string) string {
	if s == "" {
		return NotGiven
	}
	return s
}
