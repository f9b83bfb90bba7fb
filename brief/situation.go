package brief

import "strings"

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
