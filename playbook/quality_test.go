package playbook_test

import (
	"strings"
	"testing"

	"github.com/batonhq/baton/playbook"
)

// TestQualityRubricValidation: a rubric is checked with file:line:column
// errors naming what is wrong; a good one replaces the type's default.
func TestQualityRubricValidation(t *testing.T) {
	t.Parallel()
	const base = `version: 1
tiers: [{name: s, accept: 1d}]
templates:
  won:
    - {name: overview, label: Overview, type: text}
    - name: people
      label: People
      type: table
      columns: [{name: name, label: Name, type: text, required: true}]
handoff_types:
  - name: won
    from: ae
    to: cs
    triggers: [contract_signed]
    tier: s
    template: won
    activities: [{name: intro, within: 2d}]
`
	good := `quality:
  rubrics:
    won:
      - category: documentation
        points: 60
        items:
          - {name: overview, points: 30, measure: context, fields: [overview]}
          - {name: people, points: 30, measure: table, field: people, rows: 2}
      - category: timeliness
        items:
          - {name: sla, points: 30, measure: within_sla}
          - {name: intro, points: 10, measure: activity, activity: intro, within: 48h}
`
	for _, tc := range []struct {
		name, yaml, problem string
	}{
		{"AcceptsAGoodRubric", good, ""},
		{"DefaultsWithoutTheKey", "", ""},
		{"RejectsPointsNotAddingTo100", strings.Replace(good, "points: 10, measure: activity", "points: 15, measure: activity", 1),
			`t.yaml:21:7: quality rubric for "won": items must add up to 100 points, got 105`},
		{"RejectsACategoryTotalThatDisagrees", strings.Replace(good, "points: 60", "points: 50", 1),
			`t.yaml:22:17: quality rubric for "won": category "documentation" is worth 50 points but its items add up to 60`},
		{"RejectsAnUnknownType", strings.Replace(good, "    won:\n", "    lost:\n", 1),
			`t.yaml:21:7: quality rubric for "lost": no such handoff type (defined: won)`},
		{"RejectsAnUnknownMeasure", strings.Replace(good, "measure: within_sla", "measure: vibes", 1),
			`quality item "sla": unknown measure "vibes" (expected one of context, table`},
		{"RejectsATableItemOnAText", strings.Replace(good, "field: people", "field: overview", 1),
			`t.yaml:25:63: quality item "people": field must name a table field of won's context, got "overview"`},
		{"RejectsAnUnknownContextField", strings.Replace(good, "fields: [overview]", "fields: [overveiw]", 1),
			`quality item "overview": "overveiw" is not a context field of won`},
		{"RejectsAnUnknownActivity", strings.Replace(good, "activity: intro", "activity: kickoff", 1),
			`quality item "intro": activity must name one of won's activities, got "kickoff"`},
		{"RejectsARepeatedItem", strings.Replace(good, "{name: sla,", "{name: people,", 1),
			`item name "people" must be unique`},
		{"RejectsZeroPoints", strings.Replace(good, "{name: sla, points: 30", "{name: sla, points: 0", 1),
			`quality item "sla": points must be between 1 and 100, got 0`},
		{"RejectsFieldsOnATimelinessItem", strings.Replace(good, "measure: within_sla", "measure: within_sla, fields: [overview]", 1),
			`quality item "sla": only a context item takes fields`},
		{"RejectsBandsOutOfOrder", "quality:\n  bands: [{min: 70, label: OK}, {min: 80, label: Good}, {min: 0, label: Poor}]\n",
			`quality band "Good": bands go highest first: min 80 is not below 70`},
		{"RejectsBandsNotEndingAtZero", "quality:\n  bands: [{min: 90, label: Great}, {min: 50, label: Fine}]\n",
			`the last quality band must start at 0 so every score has a band, got 50`},
		{"RejectsUnknownKeys", "quality:\n  rubric: {}\n", `t.yaml:19:3:`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pb, err := playbook.Parse("t.yaml", []byte(base+tc.yaml))
			if tc.problem != "" {
				if err == nil || !strings.Contains(err.Error(), tc.problem) {
					t.Fatalf("got %v, want a problem containing %q", err, tc.problem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			r := pb.Rubric("won")
			total := 0
			for _, c := range r {
				total += c.Points
			}
			if total != 100 {
				t.Errorf("got a rubric worth %d, want 100", total)
			}
			if tc.yaml == "" && r[0].Items[0].Measure != playbook.MeasureContext {
				t.Errorf("got %+v, want the default rubric (context first)", r)
			}
			if tc.yaml != "" && (r[0].Items[1].Rows != 2 || r[1].Points != 40 || r[1].Label != "Timeliness") {
				t.Errorf("got %+v, want the playbook's rubric with its defaults filled in", r)
			}
		})
	}
}

// TestQualityREADMEExample: the rubric the README shows for the deal desk
// loads into the default playbook and replaces that type's default.
func TestQualityREADMEExample(t *testing.T) {
	t.Parallel()
	const example = `  rubrics:
    deal_desk:
      - category: documentation
        items:
          - {name: terms_complete, label: Contract terms complete, points: 60, measure: context}
      - category: timeliness
        items:
          - {name: decided_in_time, label: Decided within two days, points: 40, measure: touched_in_time}
`
	src := strings.Replace(string(playbook.DefaultYAML()), "  rubrics:\n", example, 1)
	pb, err := playbook.Parse("p.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	r := pb.Rubric("deal_desk")
	if len(r) != 2 || r[0].Points != 60 || r[1].Items[0].Label != "Decided within two days" {
		t.Errorf("got %+v, want the README's rubric", r)
	}
	if len(pb.Rubric("closed_won")) != 3 {
		t.Error("closed_won lost its rubric")
	}
}
