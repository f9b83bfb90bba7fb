package brief

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/batonhq/baton/completeness"
)

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
	if in.Meeting != nil && in.Meeting.Reschedules >= RescheduledFlagAt {
		out = append(out, Flag{Code: FlagRescheduled, Text: "Meeting rescheduled " + thousands(in.Meeting.Reschedules) + " times: confirm it still suits them.",
			From: []string{"meeting.reschedules"}})
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
