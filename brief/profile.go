package brief

import (
	"slices"
	"strings"

	"github.com/batonhq/baton/objection"
)

// ProfileOf maps in to the objection model's enquiry profile: the signal's
// type and source; the account's segment, size, industry and customer
// status; the contact's title; the budget range as written in the brief
// ("$50k–$100k"); the timeline as the days to the decision date ("in 21
// days") and the stated timeline; the current solution; the decision maker
// and stakeholders; the message, the problem (when it differs) and the pain
// points as one text; the named competitors; and the objections recorded
// earlier at the account. Absent or N/A answers are left empty, which the
// model reads as unknown.
func ProfileOf(in Input) objection.Profile {
	p := objection.Profile{
		SignalType:       in.Signal.Type,
		Source:           in.Signal.Source,
		Segment:          in.Account.Segment,
		Employees:        in.Account.Employees,
		Industry:         in.Account.Industry,
		Competitor:       strings.Join(competitors(in), ", "),
		ExistingCustomer: in.Account.Customer,
		Title:            in.Contact.Title,
		DecisionMakers:   deciders(in),
	}
	if c, ans := textValue(in.value("current_solution")); ans == given {
		p.CurrentSolution = c
	}
	for _, o := range in.PriorObjections {
		if c, err := objection.ParseCategory(o); err == nil && !slices.Contains(p.PriorObjections, c) {
			p.PriorObjections = append(p.PriorObjections, c)
		}
	}
	if b := budgetOf(in); b.ans == given {
		p.BudgetAnswer = strings.TrimSuffix(b.text, " (as written)")
	}
	p.TimelineAnswer = timelineAnswer(in)
	p.Message = message(in)
	return p
}

// deciders joins the decision maker and the stakeholders into one answer.
func deciders(in Input) string {
	var parts []string
	for _, f := range []string{"decision_maker", "stakeholders"} {
		if items, ans := listValue(in.value(f)); ans == given {
			parts = append(parts, items...)
		}
	}
	return strings.Join(parts, "; ")
}

// timelineAnswer is the decision date as a horizon the model can bucket
// ("in 21 days"; a date already past says nothing about the horizon), then
// the stated timeline.
func timelineAnswer(in Input) string {
	tl := timelineOf(in)
	var parts []string
	if tl.hasDate && tl.days >= 0 {
		parts = append(parts, dayPhrase(tl.days))
	}
	if tl.said != "" {
		parts = append(parts, tl.said)
	}
	return strings.Join(parts, "; ")
}

// message joins what the prospect wrote: the signal's message, the problem
// when it says something else, and the pain points.
func message(in Input) string {
	var parts []string
	msg := strings.TrimSpace(in.Signal.Message)
	if msg != "" {
		parts = append(parts, msg)
	}
	if p, ans := textValue(in.value("problem")); ans == given && !strings.EqualFold(p, msg) {
		parts = append(parts, p)
	}
	if items, ans := listValue(in.value("pain_points")); ans == given {
		parts = append(parts, items...)
	}
	return strings.Join(parts, "\n")
}
