package brief

import (
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton/completeness"
	"github.com/batonhq/baton/playbook"
)

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
