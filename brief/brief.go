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
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/batonhq/baton/completeness"
	"github.com/batonhq/baton/playbook"
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
}

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

// heading is "Name, Title, Company" with whatever is known.
func heading(in Input) string {
	var parts []string
	for _, p := range []string{contactName(in), clean(in.Contact.Title, maxTitleWords, maxTitleRunes), companyName(in)} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// contactName is the contact's name, else their email, else "".
func contactName(in Input) string {
	if n := clean(in.Contact.Name, maxNameWords, maxNameRunes); n != "" {
		return n
	}
	return clean(in.Contact.Email, 1, maxNameRunes)
}

// companyName is the account's name, else its domain, else "".
func companyName(in Input) string {
	if n := clean(in.Account.Name, maxCompanyWords, maxCompanyRunes); n != "" {
		return n
	}
	return clean(in.Account.Domain, 1, maxCompanyRunes)
}

// situation is who they are, what they asked for and how, and what
// prompted it: one to three sentences.
func situation(in Input) []Sentence {
	out := []Sentence{who(in), ask(in)}
	if s, ok := background(in); ok {
		out = append(out, s)
	}
	return out
}

// who is "Ana Ruiz, VP Operations at Acme Robotics (manufacturing, 450
// employees, US), is a prospect, not yet a customer."
func who(in Input) Sentence {
	status := "is a prospect, not yet a customer."
	if in.Account.Customer {
		status = "is an existing customer."
	}
	return whoAs(in, status)
}

// whoAs is who with the account's status said as status ("is a new
// customer.").
func whoAs(in Input, status string) Sentence {
	var from []string
	name := clean(in.Contact.Name, maxNameWords, maxNameRunes)
	switch {
	case name != "":
		from = append(from, "contact.name")
	case clean(in.Contact.Email, 1, maxNameRunes) != "":
		name = clean(in.Contact.Email, 1, maxNameRunes)
		from = append(from, "contact.email")
	default:
		name = "An unnamed contact"
	}
	comma := ""
	if t := clean(in.Contact.Title, maxTitleWords, maxTitleRunes); t != "" {
		// "Ana Ruiz, VP Operations at Acme, is …": the title and company
		// are an aside, closed by a comma before the verb.
		name += ", " + t
		comma = ","
		from = append(from, "contact.title")
	}
	company := clean(in.Account.Name, maxCompanyWords, maxCompanyRunes)
	switch {
	case company != "":
		from = append(from, "account.name")
	case clean(in.Account.Domain, 1, maxCompanyRunes) != "":
		company = clean(in.Account.Domain, 1, maxCompanyRunes)
		from = append(from, "account.domain")
	default:
		company = "an unnamed company"
	}
	var details []string
	if v := clean(in.Account.Industry, maxShortWords, maxShortRunes); v != "" {
		details = append(details, v)
		from = append(from, "account.industry")
	}
	if in.Account.Employees > 0 {
		unit := " employees"
		if in.Account.Employees == 1 {
			unit = " employee"
		}
		details = append(details, thousands(in.Account.Employees)+unit)
		from = append(from, "account.employees")
	} else if v := clean(strings.ReplaceAll(in.Account.Segment, "_", "-"), maxShortWords, maxShortRunes); v != "" {
		details = append(details, v+" segment")
		from = append(from, "account.segment")
	}
	if v := clean(in.Account.Country, maxShortWords, maxShortRunes); v != "" {
		details = append(details, v)
		from = append(from, "account.country")
	}
	s := name + " at " + company
	if len(details) > 0 {
		s += " (" + strings.Join(details, ", ") + ")"
	}
	s += comma + " " + status
	from = append(from, "account.customer")
	return Sentence{Text: s, From: from}
}

// ask is what they asked for and how: "They requested a demo (source:
// website, campaign q4-webinar) and wrote: “…”"
func ask(in Input) Sentence {
	var from []string
	s := "They "
	if t := strings.TrimSpace(in.Signal.Type); t != "" {
		s += signalPhrase(t)
		from = append(from, "signal.type")
	} else if h := clean(in.HandoffType, 1, maxShortRunes); h != "" {
		s += "were handed off as " + h
		from = append(from, "handoff_type")
	} else {
		s += "reached us" // the signal type is not recorded
		from = append(from, "signal.type")
	}
	var via []string
	if v := clean(in.Signal.Source, maxShortWords, maxShortRunes); v != "" {
		via = append(via, "source: "+v)
		from = append(from, "signal.source")
	}
	if v := clean(in.Signal.Campaign, maxShortWords, maxShortRunes); v != "" {
		via = append(via, "campaign: "+v)
		from = append(from, "signal.campaign")
	}
	if len(via) > 0 {
		s += " (" + strings.Join(via, ", ") + ")"
	}
	msg := clean(in.Signal.Message, maxQuoteWords, maxQuoteRunes)
	problem, ans := textValue(in.value("problem"))
	problem = clean(problem, maxQuoteWords, maxQuoteRunes)
	switch {
	case msg != "":
		s += " and wrote: " + quote(msg)
		from = append(from, "signal.message")
	case ans == given && problem != "":
		s += " and named the problem: " + quote(problem)
		from = append(from, "context.problem")
	default:
		s += ", with no message"
		from = append(from, "signal.message")
	}
	return Sentence{Text: endSentence(s), From: from}
}

// background is what prompted the enquiry and what they use today, plus the
// stated problem when it says more than the message.
func background(in Input) (Sentence, bool) {
	var clauses, from []string
	msg := clean(in.Signal.Message, maxQuoteWords, maxQuoteRunes)
	if p, ans := textValue(in.value("problem")); ans == given && msg != "" {
		p = clean(p, maxQuoteWords, maxQuoteRunes)
		if p != "" && !strings.EqualFold(p, msg) {
			clauses = append(clauses, "the problem in their words: "+quote(p))
			from = append(from, "context.problem")
		}
	}
	if t, ans := textValue(in.value("trigger_event")); ans == given {
		if t = clause(t); t != "" {
			clauses = append(clauses, "prompted by: "+t)
			from = append(from, "context.trigger_event")
		}
	}
	if c, ans := textValue(in.value("current_solution")); ans == given {
		if c = clause(c); c != "" {
			clauses = append(clauses, "today they use: "+c)
			from = append(from, "context.current_solution")
		}
	}
	if len(clauses) == 0 {
		return Sentence{}, false
	}
	return Sentence{Text: endSentence(capitalize(strings.Join(clauses, "; "))), From: from}, true
}

// signalPhrase describes a signal type as a verb phrase after "They".
func signalPhrase(t string) string {
	switch strings.ToLower(strings.NewReplacer("-", "_", " ", "_").Replace(t)) {
	case "demo_request":
		return "requested a demo"
	case "pricing_inquiry":
		return "asked about pricing"
	case "contact_sales":
		return "contacted sales"
	case "trial_signup":
		return "started a trial"
	case "content_download":
		return "downloaded content"
	case "webinar_attended":
		return "attended a webinar"
	case "lead_score_crossed":
		return "crossed the lead-score threshold"
	case "meeting_booked":
		return "booked a meeting"
	case "technical_validation_requested":
		return "asked for technical validation"
	case "territory_changed":
		return "moved to a new territory"
	case "contract_signed":
		return "signed a contract"
	case "usage_threshold":
		return "crossed a usage threshold"
	case "health_dropped":
		return "saw their health score drop"
	}
	return "sent a signal of type " + clean(t, 1, maxShortRunes)
}

// objective is the stated objective: success criteria, else the requested
// next step, else the problem.
func objective(in Input) Sentence {
	sawNA := false
	var naFrom []string
	for _, f := range []struct{ field, prefix string }{
		{"success_criteria", "They will measure success by: "},
		{"requested_next_step", "Requested next step: "},
		{"problem", "Solve: "},
	} {
		v, ans := textValue(in.value(f.field))
		switch ans {
		case given:
			if c := clause(v); c != "" {
				return Sentence{Text: endSentence(f.prefix + c), From: []string{"context." + f.field}}
			}
		case notApplicable:
			sawNA = true
			naFrom = append(naFrom, "context."+f.field)
		}
	}
	if sawNA {
		return Sentence{Text: completeness.NA, From: naFrom}
	}
	return Sentence{Text: NotGiven, From: []string{"context.success_criteria", "context.requested_next_step", "context.problem"}}
}

// budget reads budget_range: the text to show and, when it is a readable
// range, its bounds.
type budget struct {
	text  string
	ans   answer
	money completeness.Money
	isSet bool // money holds a readable range
}

func budgetOf(in Input) budget {
	v := in.value("budget_range")
	if s, ok := v.(string); ok {
		s = strings.TrimSpace(s)
		if len(s) > maxInputBytes {
			s = s[:maxInputBytes]
		}
		switch {
		case s == "":
			return budget{text: NotGiven}
		case isNA(s):
			return budget{text: completeness.NA, ans: notApplicable}
		}
		if m, err := completeness.Normalize(playbook.Field{Type: playbook.FieldMoneyRange}, s); err == nil {
			v = m
		} else {
			return budget{text: clean(s, maxShortWords*2, maxClauseRunes) + " (as written)", ans: given}
		}
	}
	if f, ok := v.(float64); ok && finite(f) && f >= 0 {
		v = completeness.Money{Min: f, Max: f, Currency: "USD"}
	}
	if m, ok := moneyOf(v); ok {
		return budget{text: formatMoney(m), ans: given, money: m, isSet: true}
	}
	return budget{text: NotGiven}
}

func budgetSentence(in Input) Sentence {
	return Sentence{Text: budgetOf(in).text, From: []string{"context.budget_range"}}
}

// timeline reads target_decision_date and timeline.
type timeline struct {
	text    string
	from    []string
	date    time.Time
	days    int  // calendar days from Now to date
	hasDate bool // date and days are set
	said    string
}

func timelineOf(in Input) timeline {
	var tl timeline
	var parts []string
	na := false
	if v, ans := textValue(in.value("target_decision_date")); ans == given {
		if d, err := time.Parse(time.DateOnly, v); err == nil {
			tl.date, tl.hasDate = d, true
			tl.days = daysUntil(in.Now.In(prospectZone(in)), d)
			parts = append(parts, "decision by "+d.Format("Mon 2 Jan 2006")+" ("+dayPhrase(tl.days)+")")
			tl.from = append(tl.from, "context.target_decision_date", "now")
		} else if c := clause(v); c != "" {
			parts = append(parts, "decision by "+c)
			tl.from = append(tl.from, "context.target_decision_date")
		}
	} else if ans == notApplicable {
		na = true
	}
	if v, ans := textValue(in.value("timeline")); ans == given {
		if c := clean(strings.TrimRight(strings.TrimSpace(v), ".;,"), 12, maxClauseRunes); c != "" {
			tl.said = c
			if len(parts) > 0 {
				c = "they said " + quote(c)
			}
			parts = append(parts, c)
			tl.from = append(tl.from, "context.timeline")
		}
	} else if ans == notApplicable {
		na = true
	}
	switch {
	case len(parts) > 0:
		tl.text = strings.Join(parts, "; ")
	case na:
		tl.text = completeness.NA
		tl.from = []string{"context.target_decision_date", "context.timeline"}
	default:
		tl.text = NotGiven
		tl.from = []string{"context.target_decision_date", "context.timeline"}
	}
	return tl
}

func timelineSentence(in Input) Sentence {
	tl := timelineOf(in)
	return Sentence{Text: tl.text, From: tl.from}
}

// daysUntil counts calendar days from now's date to d's date.
func daysUntil(now time.Time, d time.Time) int {
	a := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	b := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours() / 24)
}

// dayPhrase is "today", "tomorrow", "in 21 days", "yesterday" or "3 days ago".
func dayPhrase(n int) string {
	switch {
	case n == 0:
		return "today"
	case n == 1:
		return "tomorrow"
	case n == -1:
		return "yesterday"
	case n < 0:
		return strconv.Itoa(-n) + " days ago"
	}
	return "in " + strconv.Itoa(n) + " days"
}

// painPoints lists pain_points, one sentence each.
func painPoints(in Input) []Sentence {
	items, ans := listValue(in.value("pain_points"))
	from := []string{"context.pain_points"}
	switch ans {
	case notApplicable:
		return []Sentence{{Text: completeness.NA, From: from}}
	case missing:
		return nil
	}
	out := make([]Sentence, 0, len(items))
	for _, it := range items {
		out = append(out, Sentence{Text: clean(it, maxItemWords, maxItemRunes), From: from})
	}
	return out
}

// qualifierFields are the key qualifiers always listed, NotGiven when
// missing, in order.
var qualifierFields = []struct{ name, label string }{
	{"decision_maker", "Decision maker"},
	{"stakeholders", "Stakeholders"},
	{"current_solution", "Current solution"},
	{"meeting_type", "Meeting type"},
	{"topics", "Topics"},
}

// extraQualifierFields are listed only when answered.
var extraQualifierFields = []struct{ name, label string }{
	{"product_interest", "Product interest"},
	{"qualification_notes", "Qualification notes"},
}

func qualifiers(in Input) []Sentence {
	var answered, unanswered []Sentence
	for _, f := range qualifierFields {
		label := in.label(f.name, f.label)
		from := []string{"context." + f.name}
		items, ans := listValue(in.value(f.name))
		if ans == missing && f.name == "meeting_type" && in.Meeting != nil {
			if a := clause(in.Meeting.Agenda); a != "" {
				answered = append(answered, Sentence{Text: in.label("agenda", "Agenda") + ": " + a, From: []string{"meeting.agenda"}})
				continue
			}
		}
		switch ans {
		case missing:
			unanswered = append(unanswered, Sentence{Text: label + ": " + NotGiven, From: from})
		case notApplicable:
			answered = append(answered, Sentence{Text: label + ": " + completeness.NA, From: from})
		default:
			answered = append(answered, Sentence{Text: label + ": " + itemList(items, 5), From: from})
		}
	}
	for _, f := range extraQualifierFields {
		if items, ans := listValue(in.value(f.name)); ans == given {
			answered = append(answered, Sentence{Text: in.label(f.name, f.label) + ": " + itemList(items, 5), From: []string{"context." + f.name}})
		}
	}
	if s, ok := attendees(in); ok {
		answered = append(answered, s)
	}
	return append(answered, unanswered...)
}

// attendees names up to three meeting attendees.
func attendees(in Input) (Sentence, bool) {
	if in.Meeting == nil || len(in.Meeting.Attendees) == 0 {
		return Sentence{}, false
	}
	var names []string
	for _, a := range in.Meeting.Attendees {
		if p := personLine(a.Name, a.Title, a.Email); p != "" {
			names = append(names, p)
		}
	}
	if len(names) == 0 {
		return Sentence{}, false
	}
	return Sentence{Text: "Attendees: " + itemList(names, 3), From: []string{"meeting.attendees"}}, true
}

// personLine is "Name (Title)", falling back to the email for the name.
func personLine(name, title, email string) string {
	n := clean(name, maxNameWords, maxNameRunes)
	if n == "" {
		n = clean(email, 1, maxNameRunes)
	}
	if n == "" {
		return ""
	}
	if t := clean(title, maxTitleWords, maxTitleRunes); t != "" {
		n += " (" + t + ")"
	}
	return n
}

// itemList joins up to max items with "; " and says how many more there are.
func itemList(items []string, max int) string {
	var kept []string
	for _, it := range items {
		if len(kept) == max {
			break
		}
		if c := clean(it, maxItemWords, maxItemRunes); c != "" {
			kept = append(kept, c)
		}
	}
	s := strings.Join(kept, "; ")
	if n := len(items) - len(kept); n > 0 && len(kept) > 0 {
		s += " (and " + strconv.Itoa(n) + " more)"
	}
	return s
}

// label returns the human label of field name.
func (in Input) label(name, def string) string {
	if l := clean(in.Labels[name], 6, 60); l != "" {
		return l
	}
	return def
}

// value returns the stored context value of field name; "_auto" is never
// read.
func (in Input) value(name string) any {
	if name == autoKey {
		return nil
	}
	return in.Context[name]
}

// prospectZone is the contact's zone, else the meeting's, else UTC.
func prospectZone(in Input) *time.Location {
	loc, _ := zone(in)
	return loc
}

// zone returns the prospect's location and the input field it came from
// ("" for the UTC fallback).
func zone(in Input) (*time.Location, string) {
	if loc, ok := loadZone(in.Contact.TimeZone); ok {
		return loc, "contact.time_zone"
	}
	if in.Meeting != nil {
		if loc, ok := loadZone(in.Meeting.TimeZone); ok {
			return loc, "meeting.time_zone"
		}
	}
	return time.UTC, ""
}

func loadZone(name string) (*time.Location, bool) {
	name = strings.TrimSpace(name)
	// LoadLocation reads "" and "UTC" as UTC and "Local" as the host's zone,
	// which would make output depend on the machine.
	if name == "" || name == "Local" || len(name) > 100 {
		return nil, false
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, false
	}
	return loc, true
}

// answer is whether a context field was answered.
type answer int

const (
	missing answer = iota
	notApplicable
	given
)

func isNA(s string) bool {
	s = strings.TrimSpace(s)
	return strings.EqualFold(s, "n/a") || strings.EqualFold(s, "na")
}

// textValue renders a stored context value as text.
func textValue(v any) (string, answer) {
	switch x := v.(type) {
	case nil:
		return "", missing
	case string:
		if len(x) > maxInputBytes {
			x = x[:maxInputBytes]
		}
		x = strings.TrimSpace(x)
		switch {
		case clean(x, 1, maxInputBytes) == "": // blank, or only invisible characters
			return "", missing
		case isNA(x):
			return completeness.NA, notApplicable
		}
		return x, given
	case float64:
		if !finite(x) {
			return "", missing
		}
		return strconv.FormatFloat(x, 'f', -1, 64), given
	case int:
		return strconv.Itoa(x), given
	case bool:
		if x {
			return "yes", given
		}
		return "no", given
	case completeness.Money, *completeness.Money:
		if m, ok := moneyOf(x); ok {
			return formatMoney(m), given
		}
	case completeness.Person, *completeness.Person:
		if p, ok := personOf(x); ok {
			return p, given
		}
	case map[string]any:
		if m, ok := moneyOf(x); ok {
			return formatMoney(m), given
		}
		if p, ok := personOf(x); ok {
			return p, given
		}
	case []string, []any:
		items, ans := listValue(x)
		return strings.Join(items, "; "), ans
	}
	return "", missing
}

// listValue renders a stored context value as a list of items. A text value
// is split on new lines and semicolons, as completeness does.
func listValue(v any) ([]string, answer) {
	var raw []any
	switch x := v.(type) {
	case string:
		s, ans := textValue(x)
		if ans != given {
			return nil, ans
		}
		for _, it := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ';' }) {
			raw = append(raw, it)
		}
	case []string:
		for _, it := range x {
			raw = append(raw, it)
		}
	case []any:
		raw = x
	default:
		s, ans := textValue(x)
		if ans != given {
			return nil, ans
		}
		return []string{s}, given
	}
	var out []string
	na := false
	for _, it := range raw {
		if len(out) == maxListItems {
			break
		}
		if _, isList := it.([]any); isList {
			continue // a list inside a list is not a stored form
		}
		s, ans := textValue(it)
		switch ans {
		case given:
			out = append(out, s)
		case notApplicable:
			na = true
		}
	}
	switch {
	case len(out) > 0:
		return out, given
	case na:
		return nil, notApplicable
	}
	return nil, missing
}

// moneyOf reads a money range in its stored or JSON form.
func moneyOf(v any) (completeness.Money, bool) {
	var m completeness.Money
	switch x := v.(type) {
	case completeness.Money:
		m = x
	case *completeness.Money:
		if x == nil {
			return m, false
		}
		m = *x
	case map[string]any:
		lo, ok1 := x["min"].(float64)
		hi, ok2 := x["max"].(float64)
		if !ok1 || !ok2 {
			return m, false
		}
		cur, _ := x["currency"].(string)
		m = completeness.Money{Min: lo, Max: hi, Currency: cur}
	default:
		return m, false
	}
	if !finite(m.Min) || !finite(m.Max) || m.Min < 0 || m.Max < m.Min {
		return m, false
	}
	return m, true
}

// personOf reads a person in its stored or JSON form as "Name, Title".
func personOf(v any) (string, bool) {
	var p completeness.Person
	switch x := v.(type) {
	case completeness.Person:
		p = x
	case *completeness.Person:
		if x == nil {
			return "", false
		}
		p = *x
	case map[string]any:
		p.Name, _ = x["name"].(string)
		p.Title, _ = x["title"].(string)
		p.Email, _ = x["email"].(string)
	default:
		return "", false
	}
	n := clean(p.Name, maxNameWords, maxNameRunes)
	if n == "" {
		n = clean(p.Email, 1, maxNameRunes)
	}
	if n == "" {
		return "", false
	}
	if t := clean(p.Title, maxTitleWords, maxTitleRunes); t != "" {
		n += ", " + t
	}
	return n, true
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// formatMoney writes a range the way reps say it: "$50k–$100k", "up to
// €20k", "$75k", "CAD 50k–100k".
func formatMoney(m completeness.Money) string {
	sym, code := "", ""
	switch cur := strings.ToUpper(strings.TrimSpace(m.Currency)); cur {
	case "", "USD":
		sym = "$"
	case "EUR":
		sym = "€"
	case "GBP":
		sym = "£"
	default:
		code = clean(cur, 1, 8) + " "
	}
	lo, hi := sym+amountText(m.Min), sym+amountText(m.Max)
	switch {
	case m.Min == m.Max:
		return code + hi
	case m.Min == 0:
		return "up to " + code + hi
	}
	return code + lo + "–" + hi
}

// amountText writes 50000 as "50k", 1500000 as "1.5m" and 800 as "800".
func amountText(x float64) string {
	unit := ""
	switch {
	case x >= 1e6:
		x, unit = x/1e6, "m"
	case x >= 1e3:
		x, unit = x/1e3, "k"
	}
	x = math.Round(x*10) / 10
	if x >= 1e12 {
		return strconv.FormatFloat(x, 'g', 3, 64) + unit
	}
	return strconv.FormatFloat(x, 'f', -1, 64) + unit
}

// thousands formats n with comma separators: 12000 → "12,000".
func thousands(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && r != '-' && s[i-1] != '-' && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// clean makes outside text safe for one line of a brief: valid UTF-8, no
// control or invisible formatting characters, single spaces, at most
// maxWords words and maxRunes runes, with "…" marking a cut. Words are what
// strings.Fields splits on, so the output's word count is bounded too.
func clean(s string, maxWords, maxRunes int) string {
	if len(s) > maxInputBytes {
		s = s[:maxInputBytes]
	}
	s = strings.ToValidUTF8(s, " ")
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			return ' '
		case !unicode.IsPrint(r):
			return -1 // zero-width and bidi controls, unassigned code points
		}
		return r
	}, s)
	words := strings.Fields(s)
	cut := false
	if len(words) > maxWords {
		words, cut = words[:maxWords], true
	}
	s = strings.Join(words, " ")
	if utf8.RuneCountInString(s) > maxRunes {
		s, cut = strings.TrimSpace(string([]rune(s)[:maxRunes-1])), true
	}
	if cut && s != "" {
		s += "…"
	}
	return s
}

// clause is outside text made into a clause: cleaned to clause length,
// without trailing sentence punctuation.
func clause(s string) string {
	return strings.TrimRight(clean(s, maxClauseWords, maxClauseRunes), ".;:, ")
}

// quote wraps text in typographic quotes.
func quote(s string) string { return "“" + s + "”" }

// endSentence adds a full stop unless s already ends a sentence.
func endSentence(s string) string {
	t := strings.TrimRight(s, "”\")")
	if strings.HasSuffix(t, ".") || strings.HasSuffix(t, "!") || strings.HasSuffix(t, "?") || strings.HasSuffix(t, "…") {
		return s
	}
	return s + "."
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// flags lists the unusual information, in the order of the Flag* codes.
func flags(in Input) []Flag {
	var out []Flag
	if f, ok := executiveFlag(in); ok {
		out = append(out, f)
	}
	if names := competitors(in); len(names) > 0 {
		out = append(out, Flag{Code: FlagCompetitor, Text: "Competitor named: " + itemList(names, 3) + ".", From: []string{"context.competitors"}})
	}
	if tl := timelineOf(in); tl.hasDate && tl.days <= 30 {
		when := tl.date.Format("Mon 2 Jan 2006")
		var text string
		switch {
		case tl.days < 0:
			text = "Decision date " + when + " passed " + dayPhrase(tl.days) + ": confirm the timeline."
		case tl.days == 0:
			text = "Decision date is today (" + when + ")."
		default:
			text = "Decision due " + dayPhrase(tl.days) + " (" + when + ")."
		}
		out = append(out, Flag{Code: FlagDeadline, Text: text, From: []string{"context.target_decision_date", "now"}})
	}
	if b := budgetOf(in); b.isSet && finite(in.TypicalDeal) && in.TypicalDeal > 0 {
		usual := formatMoney(completeness.Money{Min: in.TypicalDeal, Max: in.TypicalDeal, Currency: b.money.Currency})
		from := []string{"context.budget_range", "typical_deal"}
		switch {
		case b.money.Max < in.TypicalDeal/3:
			out = append(out, Flag{Code: FlagBudgetOutlier, Text: "Budget " + b.text + " is far below the usual deal of " + usual + ".", From: from})
		case b.money.Min > 3*in.TypicalDeal:
			out = append(out, Flag{Code: FlagBudgetOutlier, Text: "Budget " + b.text + " is far above the usual deal of " + usual + ".", From: from})
		}
	}
	if in.PreviousNoShow {
		out = append(out, Flag{Code: FlagPreviousNoShow, Text: "Missed a previous meeting: confirm they are coming.", From: []string{"previous_no_show"}})
	}
	if in.Signals > 1 {
		out = append(out, Flag{Code: FlagRepeatedSignals, Text: "Reached out repeatedly: " + thousands(in.Signals) + " signals on this handoff.", From: []string{"signals"}})
	}
	if in.Account.Customer {
		out = append(out, Flag{Code: FlagExistingCustomer, Text: "Existing customer: check the account history first.", From: []string{"account.customer"}})
	}
	if in.IntakeSent && !in.IntakeAnswered {
		out = append(out, Flag{Code: FlagIntakeUnanswered, Text: "Intake form sent but not answered.", From: []string{"intake_sent", "intake_answered"}})
	}
	return out
}

// executiveFlag names the executives among the contact and the attendees,
// each once.
func executiveFlag(in Input) (Flag, bool) {
	type person struct{ name, title, email, from string }
	people := []person{{in.Contact.Name, in.Contact.Title, in.Contact.Email, "contact.title"}}
	if in.Meeting != nil {
		for i, a := range in.Meeting.Attendees {
			people = append(people, person{a.Name, a.Title, a.Email, "meeting.attendees[" + strconv.Itoa(i) + "].title"})
		}
	}
	var names, from []string
	seen := map[string]bool{}
	for _, p := range people {
		if !executiveTitle(p.title) {
			continue
		}
		id := strings.ToLower(strings.TrimSpace(p.email))
		if id == "" {
			id = strings.ToLower(clean(p.name, maxNameWords, maxNameRunes))
		}
		if id != "" && seen[id] {
			continue
		}
		seen[id] = true
		line := personLine(p.name, p.title, p.email)
		if line == "" {
			line = "Someone titled " + clean(p.title, maxTitleWords, maxTitleRunes)
		}
		names = append(names, line)
		from = append(from, p.from)
	}
	if len(names) == 0 {
		return Flag{}, false
	}
	label := "Executive involved: "
	if len(names) > 1 {
		label = "Executives involved: "
	}
	return Flag{Code: FlagExecutive, Text: label + itemList(names, 2) + ".", From: from}, true
}

// executiveTitle reports whether a job title is C-level, VP, President,
// Founder or Head of something.
func executiveTitle(title string) bool {
	if len(title) > 500 {
		title = title[:500]
	}
	words := strings.FieldsFunc(strings.ToLower(title), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	for i, w := range words {
		switch w {
		case "ceo", "cfo", "coo", "cto", "cio", "cmo", "cro", "cso", "cpo", "cdo", "cco", "ciso", "chief",
			"vp", "svp", "evp", "avp", "president", "founder", "cofounder":
			return true
		case "head":
			if i+1 < len(words) && words[i+1] == "of" {
				return true
			}
		}
	}
	return false
}

// competitors lists the named competitors; "none", "N/A" and the like name
// nobody.
func competitors(in Input) []string {
	items, ans := listValue(in.value("competitors"))
	if ans != given {
		return nil
	}
	var out []string
	for _, it := range items {
		switch strings.ToLower(strings.Trim(strings.TrimSpace(it), ".")) {
		case "", "none", "no", "nobody", "nothing", "unknown", "not sure", "n/a", "na", "-":
			continue
		}
		if clean(it, maxItemWords, maxItemRunes) != "" {
			out = append(out, it)
		}
	}
	return out
}
