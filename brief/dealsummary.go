package brief

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The deal summary's tables, read by the column names of the default
// playbook: the stakeholder map (name, role, stance, influence,
// communication), the commitment log (what, promised_by, due, status,
// kind) and the risk register (risk, likelihood, impact, mitigation,
// owner). A row without the main column is written as its cells joined;
// a list stored before the field was a table is written as a list.
const (
	maxStakeholders = 6
	maxCommitments  = 6
	maxRisks        = 3
)

// tableRows returns the rows of a table value, or ok false when it is not
// a list of rows (a list of text from before tables, text, nothing).
func tableRows(v any) (rows []map[string]any, ok bool) {
	switch x := v.(type) {
	case []map[string]any:
		return x, len(x) > 0
	case []any:
		for _, it := range x {
			if r, isRow := it.(map[string]any); isRow {
				rows = append(rows, r)
			}
		}
		return rows, len(rows) > 0
	}
	return nil, false
}

// cell is a row's cell as one short line of text ("" when blank).
func cell(r map[string]any, col string) string {
	s, ans := textValue(r[col])
	if ans != given {
		return ""
	}
	return clean(s, 30, 200)
}

// rowText writes a row whose main column is blank as its cells joined.
func rowText(r map[string]any) string {
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range r {
			if !yield(k) {
				return
			}
		}
	})
	var parts []string
	for _, k := range keys {
		if c := cell(r, k); c != "" {
			parts = append(parts, c)
		}
	}
	return strings.Join(parts, ", ")
}

// stakeholderLines is one sentence per person of the stakeholder map:
// "Lee Park (COO, executive sponsor): champion, high influence; prefers
// email, weekly".
func stakeholderLines(in Input) ([]Sentence, bool) {
	rows, ok := tableRows(in.value("stakeholders"))
	if !ok {
		return nil, false
	}
	from := []string{"context.stakeholders"}
	var out []Sentence
	for i, r := range rows {
		if i == maxStakeholders {
			out = append(out, Sentence{Text: fmt.Sprintf("and %d more in the stakeholder map", len(rows)-i), From: from})
			break
		}
		name := cell(r, "name")
		if name == "" {
			out = append(out, Sentence{Text: rowText(r), From: from})
			continue
		}
		text := name
		if role := cell(r, "role"); role != "" {
			text += " (" + role + ")"
		}
		var how []string
		if s := cell(r, "stance"); s != "" {
			how = append(how, s)
		}
		if s := cell(r, "influence"); s != "" {
			how = append(how, s+" influence")
		}
		if len(how) > 0 {
			text += ": " + strings.Join(how, ", ")
		}
		if c := cell(r, "communication"); c != "" {
			text += "; prefers " + c
		}
		out = append(out, Sentence{Text: text, From: from})
	}
	return out, true
}

// commitmentLines are the commitments not done, at risk first then by due
// date, each marked verbal or gray area when not in the contract, and a
// count of those done.
func commitmentLines(in Input) ([]Sentence, bool) {
	rows, ok := tableRows(in.value("commitments"))
	if !ok {
		return nil, false
	}
	from := []string{"context.commitments"}
	var open []map[string]any
	done := 0
	for _, r := range rows {
		if cell(r, "status") == "done" {
			done++
			continue
		}
		open = append(open, r)
	}
	rank := func(r map[string]any) int {
		if cell(r, "status") == "at_risk" {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(open, func(a, b map[string]any) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 {
			return c
		}
		da, db := cell(a, "due"), cell(b, "due")
		switch {
		case da == db:
			return 0
		case da == "":
			return 1
		case db == "":
			return -1
		}
		return strings.Compare(da, db)
	})
	var out []Sentence
	for i, r := range open {
		if i == maxCommitments {
			out = append(out, Sentence{Text: fmt.Sprintf("and %d more open commitments", len(open)-i), From: from})
			break
		}
		what := cell(r, "what")
		if what == "" {
			out = append(out, Sentence{Text: "Open: " + rowText(r), From: from})
			continue
		}
		var notes []string
		switch cell(r, "kind") {
		case "verbal":
			notes = append(notes, "VERBAL, not in the contract")
		case "gray_area":
			notes = append(notes, "GRAY AREA, not in the contract")
		}
		if cell(r, "status") == "at_risk" {
			notes = append(notes, "at risk")
		}
		if by := cell(r, "promised_by"); by != "" {
			notes = append(notes, "promised by "+by)
		}
		f := from
		if due := cell(r, "due"); due != "" {
			if d, err := time.Parse(time.DateOnly, due); err == nil {
				notes = append(notes, "due "+d.Format("Mon 2 Jan 2006")+" ("+dayPhrase(daysUntil(in.Now.In(prospectZone(in)), d))+")")
				f = []string{"context.commitments", "now"}
			}
		}
		text := "Open: " + what
		if len(notes) > 0 {
			text += " (" + strings.Join(notes, "; ") + ")"
		}
		out = append(out, Sentence{Text: text, From: f})
	}
	if len(open) == 0 {
		out = append(out, Sentence{Text: "No open commitments", From: from})
	}
	if done > 0 {
		out = append(out, Sentence{Text: fmt.Sprintf("Done: %d %s", done, plural(done, "commitment", "commitments")), From: from})
	}
	return out, true
}

// level scores high, medium and low as 3, 2 and 1 (0 when not given).
func level(s string) int {
	return map[string]int{"high": 3, "medium": 2, "low": 1}[strings.ToLower(s)]
}

// riskLines are the top risks of the register by likelihood × impact,
// with their mitigation and owner, and how many more there are.
func riskLines(in Input) ([]Sentence, bool) {
	rows, ok := tableRows(in.value("risks"))
	if !ok {
		return nil, false
	}
	from := []string{"context.risks"}
	score := func(r map[string]any) int { return level(cell(r, "likelihood")) * level(cell(r, "impact")) }
	sorted := slices.Clone(rows)
	slices.SortStableFunc(sorted, func(a, b map[string]any) int { return cmp.Compare(score(b), score(a)) })
	var out []Sentence
	for i, r := range sorted {
		if i == maxRisks {
			out = append(out, Sentence{Text: fmt.Sprintf("and %d more in the risk register", len(sorted)-i), From: from})
			break
		}
		risk := cell(r, "risk")
		if risk == "" {
			out = append(out, Sentence{Text: "Risk: " + rowText(r), From: from})
			continue
		}
		text := "Risk: " + risk
		l, im := cell(r, "likelihood"), cell(r, "impact")
		if l != "" || im != "" {
			text += " (likelihood " + cmp.Or(l, "?") + " × impact " + cmp.Or(im, "?") + ")"
		}
		if m := cell(r, "mitigation"); m != "" {
			text += "; mitigation: " + m
		} else {
			text += "; no mitigation yet"
		}
		if o := cell(r, "owner"); o != "" {
			text += "; owner: " + o
		}
		out = append(out, Sentence{Text: text, From: from})
	}
	return out, true
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
