// Package completeness checks a handoff's context against its template:
// each field's value is validated and normalised by its type, and the
// completeness score is the share of fields answered. An explicit "N/A"
// counts as answered; a blank does not. A table field's value is a list of
// rows, each an object keyed by column name (table.go). It is pure.
package completeness

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/batonhq/baton/playbook"
)

// NA is the explicit "not applicable" answer.
const NA = "N/A"

// MaxText bounds a text value (bytes); MaxList bounds a list's items.
const (
	MaxText = 5000
	MaxList = 50
)

// Money is a normalised money range.
type Money struct {
	Min      float64 `json:"min"`
	Max      float64 `json:"max"`
	Currency string  `json:"currency"`
}

// Person is a normalised person.
type Person struct {
	Name  string `json:"name"`
	Title string `json:"title,omitempty"`
	Email string `json:"email,omitempty"`
}

// Normalize validates v for field f and returns its stored form: nil for a
// blank (unanswered) value, NA for "N/A", otherwise the typed value. The
// error says what was expected.
func Normalize(f playbook.Field, v any) (any, error) {
	if s, ok := v.(string); ok {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, nil
		}
		if strings.EqualFold(s, "n/a") || strings.EqualFold(s, "na") {
			return NA, nil
		}
		v = s
	}
	if v == nil {
		return nil, nil
	}
	switch f.Type {
	case playbook.FieldText, "":
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("must be text")
		}
		if len(s) > MaxText || !utf8.ValidString(s) {
			return nil, fmt.Errorf("must be valid text of at most %d bytes", MaxText)
		}
		return s, nil
	case playbook.FieldNumber:
		switch x := v.(type) {
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("must be a number")
			}
			return x, nil
		case string:
			n, err := strconv.ParseFloat(strings.ReplaceAll(x, ",", ""), 64)
			if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
				return nil, fmt.Errorf("must be a number")
			}
			return n, nil
		}
		return nil, fmt.Errorf("must be a number")
	case playbook.FieldMoneyRange:
		return money(v)
	case playbook.FieldDate:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("must be a date like 2026-12-31")
		}
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return nil, fmt.Errorf("must be a date like 2026-12-31")
		}
		return s, nil
	case playbook.FieldChoice:
		s, ok := v.(string)
		if ok {
			for _, o := range f.Options {
				if strings.EqualFold(o, s) {
					return o, nil
				}
			}
		}
		return nil, fmt.Errorf("must be one of %s", strings.Join(f.Options, ", "))
	case playbook.FieldPerson:
		return person(v)
	case playbook.FieldList:
		return list(v)
	case playbook.FieldTable:
		return normalizeTable(f, v)
	case playbook.FieldLink:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("must be a link")
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(s) > 2000 {
			return nil, fmt.Errorf("must be an http or https link")
		}
		return s, nil
	}
	return nil, fmt.Errorf("unknown field type %q", f.Type)
}

var moneyRE = regexp.MustCompile(`^\s*([A-Za-z]{3}|[$€£])?\s*([\d.,]+)\s*([kKmM])?\s*(?:-|–|to)\s*([A-Za-z]{3}|[$€£])?\s*([\d.,]+)\s*([kKmM])?\s*([A-Za-z]{3})?\s*$`)

func money(v any) (any, error) {
	const want = `must be a range like "$50k-$100k" or {"min": 50000, "max": 100000, "currency": "USD"}`
	switch x := v.(type) {
	case map[string]any:
		lo, ok1 := x["min"].(float64)
		hi, ok2 := x["max"].(float64)
		cur, _ := x["currency"].(string)
		if !ok1 || !ok2 || lo < 0 || hi < lo {
			return nil, errors.New(want)
		}
		if cur == "" {
			cur = "USD"
		}
		return Money{Min: lo, Max: hi, Currency: strings.ToUpper(cur)}, nil
	case Money:
		return x, nil
	case string:
		m := moneyRE.FindStringSubmatch(x)
		if m == nil {
			return nil, errors.New(want)
		}
		lo, err1 := amount(m[2], m[3])
		hi, err2 := amount(m[5], m[6])
		if err1 != nil || err2 != nil || hi < lo {
			return nil, errors.New(want)
		}
		cur := currency(m[1], m[4], m[7])
		return Money{Min: lo, Max: hi, Currency: cur}, nil
	}
	return nil, errors.New(want)
}

func amount(digits, unit string) (float64, error) {
	n, err := strconv.ParseFloat(strings.ReplaceAll(digits, ",", ""), 64)
	if err != nil {
		return 0, err
	}
	switch strings.ToLower(unit) {
	case "k":
		n *= 1_000
	case "m":
		n *= 1_000_000
	}
	return n, nil
}

func currency(parts ...string) string {
	for _, p := range parts {
		switch p {
		case "$":
			return "USD"
		case "€":
			return "EUR"
		case "£":
			return "GBP"
		case "":
		default:
			return strings.ToUpper(p)
		}
	}
	return "USD"
}

func person(v any) (any, error) {
	const want = `must be a person: "Name, Title" or {"name", "title", "email"}`
	switch x := v.(type) {
	case string:
		name, title, _ := strings.Cut(x, ",")
		name, title = strings.TrimSpace(name), strings.TrimSpace(title)
		if name == "" || len(x) > 500 {
			return nil, errors.New(want)
		}
		return Person{Name: name, Title: title}, nil
	case map[string]any:
		p := Person{}
		p.Name, _ = x["name"].(string)
		p.Title, _ = x["title"].(string)
		p.Email, _ = x["email"].(string)
		if strings.TrimSpace(p.Name) == "" || len(p.Name)+len(p.Title)+len(p.Email) > 500 {
			return nil, errors.New(want)
		}
		return p, nil
	case Person:
		return x, nil
	}
	return nil, errors.New(want)
}

func list(v any) (any, error) {
	var items []string
	switch x := v.(type) {
	case string:
		items = strings.FieldsFunc(x, func(r rune) bool { return r == '\n' || r == ';' })
	case []any:
		for _, it := range x {
			s, ok := it.(string)
			if !ok {
				return nil, fmt.Errorf("must be a list of text items")
			}
			items = append(items, s)
		}
	case []string:
		items = x
	default:
		return nil, fmt.Errorf("must be a list of text items")
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		if it = strings.TrimSpace(it); it != "" {
			if len(it) > 1000 {
				return nil, fmt.Errorf("items must be at most 1000 bytes")
			}
			out = append(out, it)
		}
	}
	if len(out) > MaxList {
		return nil, fmt.Errorf("must have at most %d items", MaxList)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// Result is a completeness score and what is missing.
type Result struct {
	Score   int      `json:"completeness"`
	Missing []string `json:"missing"`
}

// Score returns the share of fields answered (0-100, rounded down) and the
// names of the missing ones, in template order. A table is answered by N/A,
// by a list stored before it was a table, or by one row with every
// required column set; a field with a former name (Formerly) and no value
// of its own is answered by the old one. values holds the stored
// context; auto holds what Baton knows for Auto fields.
func Score(fields []playbook.Field, values map[string]any, auto map[string]any) Result {
	r := Result{Missing: []string{}}
	if len(fields) == 0 {
		r.Score = 100
		return r
	}
	answered := 0
	for _, f := range fields {
		v := Value(f, values)
		ok := answeredValue(v)
		if f.Type == playbook.FieldTable {
			ok = tableAnswered(f, v)
		}
		if ok || (f.Auto != "" && answeredValue(auto[f.Auto])) {
			answered++
		} else {
			r.Missing = append(r.Missing, f.Name)
		}
	}
	r.Score = answered * 100 / len(fields)
	return r
}

func answeredValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return strings.TrimSpace(x) != ""
	case []string:
		return len(x) > 0
	case []any:
		return len(x) > 0
	}
	return true
}

// Field returns the template field named name, if any.
func Field(fields []playbook.Field, name string) (playbook.Field, bool) {
	i := slices.IndexFunc(fields, func(f playbook.Field) bool { return f.Name == name })
	if i < 0 {
		return playbook.Field{}, false
	}
	return fields[i], true
}
