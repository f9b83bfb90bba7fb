package brief

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton/completeness"
)

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
