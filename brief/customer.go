package brief

import (
	"strings"
	"time"
)

// Brief kinds.
const (
	// KindSales is a brief for someone selling to a prospect: situation,
	// objective, budget, timeline, pain points, qualifiers, flags, and the
	// likely objections in the pre-call notification.
	KindSales = "sales"
	// KindCustomer is a brief for the team that takes over a customer
	// (customer success after a closed deal, an account manager on an
	// expansion, a CSM on a churn risk): what was sold, who is who, what
	// was promised, the risks and what success means. It predicts no
	// objections: the selling is done.
	KindCustomer = "customer"
)

// customerField is a context field of a customer-side section, with the
// label used when the playbook gives none.
type customerField struct{ name, label string }

// The customer-side sections and the context fields they are read from: the
// closed-won deal summary of the default playbook (its stakeholder map,
// commitment log and risk register are tables, dealsummary.go), the fields
// it had before them (executive_sponsor, champion, economic_buyer,
// technical_lead, risk_factors: older handoffs still show them), the SDR
// and AE fields a deal carries along, and the usage and health fields of
// expansion and churn-risk handoffs. A field the playbook does not have is
// not shown, except the core of each section, which says "not given" when
// missing.
var (
	soldFields = []customerField{
		{"scope", "Features and integrations sold"}, {"contract_value", "Contract value (ACV)"},
		{"special_terms", "Discounts and special terms"}, {"product_interest", "Product interest"},
	}
	peopleFields = []customerField{
		{"stakeholders", "Stakeholders"},
		{"executive_sponsor", "Executive sponsor"}, {"champion", "Champion"}, {"economic_buyer", "Economic buyer"},
		{"technical_lead", "Technical lead"}, {"decision_maker", "Final approver"}, {"contacts", "Contacts"},
	}
	promisedFields = []customerField{
		{"commitments", "Commitments"}, {"go_live_target", "Go-live target"},
		{"implementation_context", "Implementation context"}, {"poc_learnings", "What the proof of concept taught"},
	}
	riskFields = []customerField{
		{"risks", "Risk register"},
		{"risk_factors", "Objections, open concerns and churn risks"}, {"objections_discussed", "Concerns discussed while selling"},
		{"health_score", "Health score"}, {"competitors", "Competitors in the deal"},
	}
	successFields = []customerField{
		{"business_objectives", "Primary objective and success criteria"}, {"success_criteria", "How they will measure value"},
		{"pain_points", "Problems to solve"}, {"product_usage", "Product usage"},
	}
	// coreFields say "not given" when missing: what customer success must
	// always be told.
	coreFields = map[string]bool{"scope": true, "contract_value": true, "stakeholders": true,
		"commitments": true, "go_live_target": true, "risks": true, "business_objectives": true}
	// formerNames are the names core fields had before; an older handoff's
	// value under one is shown in its place, so the core field is not
	// "not given".
	formerNames = map[string][]string{"risks": {"risk_factors"}, "stakeholders": {"executive_sponsor", "champion"}}
)

// buildCustomer assembles a customer-side brief.
func buildCustomer(in Input) Brief {
	b := Brief{Kind: KindCustomer, Heading: heading(in)}
	status := "is an existing customer."
	switch strings.ToLower(strings.TrimSpace(in.Signal.Type)) {
	case "contract_signed", "poc_converted":
		status = "is a new customer."
	case "verbal_commit":
		status = "has committed verbally; the contract is not signed yet."
	}
	b.Situation = []Sentence{whoAs(in, status), ask(in)}
	if s, ok := background(in); ok {
		b.Situation = append(b.Situation, s)
	}
	if o, ans := textValue(in.value("customer_overview")); ans == given {
		if o = clean(o, 60, 400); o != "" {
			b.Situation = append(b.Situation, Sentence{Text: endSentence("Overview: " + o), From: []string{"context.customer_overview"}})
		}
	}
	b.Sold = customerSection(in, soldFields)
	b.People = append([]Sentence{mainContact(in)}, customerSection(in, peopleFields)...)
	b.Promised = customerSection(in, promisedFields)
	b.Risks = customerSection(in, riskFields)
	if in.PreviousNoShow {
		b.Risks = append(b.Risks, Sentence{Text: "They missed an earlier meeting.", From: []string{"contact.no_shows"}})
	}
	b.Success = customerSection(in, successFields)
	return b
}

// customerSection is one "Label: value" sentence per field: answered fields
// first, then the core fields not given.
func customerSection(in Input, fields []customerField) []Sentence {
	var answered, unanswered []Sentence
	for _, f := range fields {
		label, from := in.label(f.name, f.label), []string{"context." + f.name}
		v := in.value(f.name)
		if lines, ok := tableLines(in, f.name); ok {
			answered = append(answered, lines...)
			continue
		}
		if f.name == "go_live_target" {
			if s, ok := dateValue(in, v); ok {
				answered = append(answered, Sentence{Text: label + ": " + s, From: append(from, "now")})
				continue
			}
		}
		if f.name == "contract_value" {
			if x, ok := v.(float64); ok && finite(x) && x >= 0 {
				answered = append(answered, Sentence{Text: label + ": " + amountText(x), From: from})
				continue
			}
		}
		items, ans := listValue(v)
		switch {
		case ans == given:
			answered = append(answered, Sentence{Text: label + ": " + itemList(items, 5), From: from})
		case ans == notApplicable:
			answered = append(answered, Sentence{Text: label + ": N/A", From: from})
		case coreFields[f.name] && !hasFormer(in, f.name):
			unanswered = append(unanswered, Sentence{Text: label + ": " + NotGiven, From: from})
		}
	}
	return append(answered, unanswered...)
}

// tableLines writes the deal summary's tables compactly; ok is false for
// another field, or a value that is not rows.
func tableLines(in Input, name string) ([]Sentence, bool) {
	switch name {
	case "stakeholders":
		return stakeholderLines(in)
	case "commitments":
		return commitmentLines(in)
	case "risks":
		return riskLines(in)
	}
	return nil, false
}

// hasFormer reports whether a field's former names hold a value.
func hasFormer(in Input, name string) bool {
	for _, f := range formerNames[name] {
		if _, ans := textValue(in.value(f)); ans != missing {
			return true
		}
	}
	return false
}

// dateValue writes a stored date as "Fri 15 Jan 2027 (in 53 days)".
func dateValue(in Input, v any) (string, bool) {
	s, ans := textValue(v)
	if ans != given {
		return "", false
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return "", false
	}
	return d.Format("Mon 2 Jan 2006") + " (" + dayPhrase(daysUntil(in.Now.In(prospectZone(in)), d)) + ")", true
}

// mainContact is "Main contact: Ana Ruiz (VP Operations), ana@acme.com".
func mainContact(in Input) Sentence {
	from := []string{"contact.name", "contact.title", "contact.email"}
	p := personLine(in.Contact.Name, in.Contact.Title, "")
	email := clean(in.Contact.Email, 1, maxNameRunes)
	switch {
	case p != "" && email != "":
		p += ", " + email
	case p == "":
		p = email
	}
	if p == "" {
		p = NotGiven
	}
	return Sentence{Text: "Main contact: " + p, From: from}
}

// customerText renders a customer-side brief.
func (b Brief) customerText() string {
	var w strings.Builder
	w.WriteString("Customer handoff brief")
	if b.Heading != "" {
		w.WriteString(": " + b.Heading)
	}
	w.WriteString("\n\nSituation\n")
	if len(b.Situation) == 0 {
		w.WriteString(NotGiven + "\n")
	} else {
		w.WriteString(joinTexts(b.Situation) + "\n")
	}
	for _, sec := range b.customerSections() {
		w.WriteString("\n" + sec.title + "\n")
		bullets(&w, sec.lines, sec.empty)
	}
	return w.String()
}

type section struct {
	title, empty string
	lines        []Sentence
}

func (b Brief) customerSections() []section {
	return []section{
		{"What was sold", NotGiven, b.Sold},
		{"Who is who", NotGiven, b.People},
		{"What was promised", NotGiven, b.Promised},
		{"Risks", "none recorded", b.Risks},
		{"What success means", NotGiven, b.Success},
	}
}

// customerParts is the notification of a customer-side brief: the
// situation, then its sections as the key points, the risks to watch, and
// no objections.
func customerParts(in Input, b Brief) parts {
	p := parts{greeting: greeting(in), customer: true}
	for _, s := range b.Situation {
		if t := line(s.Text); t != "" {
			p.summary = append(p.summary, piece{t, s.From})
		}
	}
	if len(p.summary) == 0 {
		w := whoAs(in, "is a customer.")
		p.summary = []piece{{w.Text, w.From}}
	}
	for _, sec := range [][]Sentence{b.Success, b.Sold, b.Promised, b.People} {
		for _, q := range sec {
			if t := line(q.Text); t != "" {
				p.qualifiers = append(p.qualifiers, piece{t, q.From})
			}
		}
	}
	for _, r := range b.Risks {
		if t := line(r.Text); t != "" {
			p.flags = append(p.flags, t)
		}
	}
	return p
}
