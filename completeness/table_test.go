package completeness_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/batonhq/baton/completeness"
	"github.com/batonhq/baton/playbook"
	"github.com/google/go-cmp/cmp"
)

// commitments is the deal summary's commitment log, with a column of each
// type.
var commitments = playbook.Field{Name: "commitments", Type: playbook.FieldTable, Columns: []playbook.Column{
	{Name: "what", Type: "text", Required: true},
	{Name: "promised_by", Type: "person", Required: true},
	{Name: "due", Type: "date"},
	{Name: "status", Type: "choice", Options: []string{"open", "done", "at_risk"}, Required: true},
	{Name: "in_contract", Type: "bool"},
	{Name: "hours", Type: "number"},
}}

func TestNormalizeTable(t *testing.T) {
	t.Parallel()
	t.Run("StoresRowsKeyedByColumn", func(t *testing.T) {
		t.Parallel()
		got, err := completeness.Normalize(commitments, []any{
			map[string]any{"what": " SSO by March ", "promised_by": "Dana Cole, AE", "due": "2027-03-01", "status": "AT_RISK", "in_contract": "no", "hours": "1,200"},
			map[string]any{"what": "", "due": ""}, // blank: dropped
			map[string]any{"what": "Weekly check-ins", "promised_by": map[string]any{"name": "Dana Cole"}, "in_contract": true, "hours": 4.0},
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []map[string]any{
			{"what": "SSO by March", "promised_by": completeness.Person{Name: "Dana Cole", Title: "AE"}, "due": "2027-03-01", "status": "at_risk", "in_contract": false, "hours": 1200.0},
			{"what": "Weekly check-ins", "promised_by": completeness.Person{Name: "Dana Cole"}, "in_contract": true, "hours": 4.0},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("NoRowsIsUnanswered", func(t *testing.T) {
		t.Parallel()
		for _, in := range []any{[]any{}, []any{map[string]any{"what": " "}}, "", nil} {
			if got, err := completeness.Normalize(commitments, in); got != nil || err != nil {
				t.Errorf("%v: got %v, %v, want nil, nil", in, got, err)
			}
		}
		if got, _ := completeness.Normalize(commitments, "n/a"); got != completeness.NA {
			t.Errorf("n/a: got %v, want N/A", got)
		}
	})
	for _, tc := range []struct {
		name string
		in   any
		want []completeness.CellError // Message is matched as a substring
	}{
		{"NotAList", "promised SSO", nil},
		{"RowNotAnObject", []any{"SSO"}, []completeness.CellError{{Row: 0, Message: "must be an object keyed by column name"}}},
		{"UnknownColumn", []any{map[string]any{"what": "x"}, map[string]any{"owner": "x"}}, []completeness.CellError{{Row: 1, Column: "owner", Message: "is not a column of commitments"}}},
		{"TextNotText", []any{map[string]any{"what": 3.0}}, []completeness.CellError{{Row: 0, Column: "what", Message: "must be text"}}},
		{"TextTooLong", []any{map[string]any{"what": strings.Repeat("x", completeness.MaxCell+1)}}, []completeness.CellError{{Row: 0, Column: "what", Message: "at most 1000 bytes"}}},
		{"BadDate", []any{map[string]any{"due": "next week"}}, []completeness.CellError{{Row: 0, Column: "due", Message: "must be a date"}}},
		{"ChoiceOutsideOptions", []any{map[string]any{"status": "maybe"}}, []completeness.CellError{{Row: 0, Column: "status", Message: "must be one of open, done, at_risk"}}},
		{"BadPerson", []any{map[string]any{"promised_by": 7.0}}, []completeness.CellError{{Row: 0, Column: "promised_by", Message: "must be a person"}}},
		{"BadBool", []any{map[string]any{"in_contract": "perhaps"}}, []completeness.CellError{{Row: 0, Column: "in_contract", Message: "must be true or false"}}},
		{"BadNumber", []any{map[string]any{"hours": "many"}}, []completeness.CellError{{Row: 0, Column: "hours", Message: "must be a number"}}},
		{"TooManyRows", manyRows(completeness.MaxRows + 1), []completeness.CellError{{Row: completeness.MaxRows, Message: "at most 50 rows"}}},
		{"EveryBadCellAtOnce", []any{map[string]any{"due": "soon"}, map[string]any{"status": "x"}}, []completeness.CellError{{Row: 0, Column: "due", Message: "date"}, {Row: 1, Column: "status", Message: "one of"}}},
	} {
		t.Run("Rejects"+tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := completeness.Normalize(commitments, tc.in)
			if err == nil {
				t.Fatalf("got %v, want an error", got)
			}
			var te completeness.TableError
			if !errors.As(err, &te) {
				if tc.want != nil {
					t.Fatalf("got %v, want a TableError", err)
				}
				return
			}
			if len(te) != len(tc.want) {
				t.Fatalf("got %d errors (%v), want %d", len(te), err, len(tc.want))
			}
			for i, w := range tc.want {
				if g := te[i]; g.Row != w.Row || g.Column != w.Column || !strings.Contains(g.Message, w.Message) {
					t.Errorf("error %d: got row %d column %q %q, want row %d column %q %q", i, g.Row, g.Column, g.Message, w.Row, w.Column, w.Message)
				}
			}
		})
	}
}

func manyRows(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = map[string]any{"what": "x"}
	}
	return out
}

func TestScoreTables(t *testing.T) {
	t.Parallel()
	risks := playbook.Field{Name: "risks", Type: playbook.FieldTable, Formerly: "risk_factors", Columns: []playbook.Column{
		{Name: "risk", Required: true}, {Name: "likelihood", Type: "choice", Options: []string{"high", "low"}, Required: true}, {Name: "mitigation"}}}
	notes := playbook.Field{Name: "notes", Type: playbook.FieldTable, Columns: []playbook.Column{{Name: "note"}, {Name: "by"}}}
	fields := []playbook.Field{commitments, risks, notes}
	for _, tc := range []struct {
		name    string
		values  map[string]any
		missing []string
	}{
		{"EmptyIsMissing", map[string]any{}, []string{"commitments", "risks", "notes"}},
		{"RowWithoutRequiredColumnsIsMissing", map[string]any{
			"commitments": []map[string]any{{"what": "SSO", "status": "open"}}, // no promised_by
			"risks":       []any{map[string]any{"risk": "IT stretched", "mitigation": "weekly sync"}},
			"notes":       []any{map[string]any{"by": "Dana"}}, // no required columns: any cell counts
		}, []string{"commitments", "risks"}},
		{"OneCompleteRowCounts", map[string]any{
			"commitments": []any{map[string]any{"what": "thin"}, map[string]any{"what": "SSO", "status": "open", "promised_by": map[string]any{"name": "Dana"}}},
			"risks":       []map[string]any{{"risk": "IT stretched", "likelihood": "high"}},
			"notes":       completeness.NA,
		}, []string{}},
		{"ListFromBeforeTablesCounts", map[string]any{
			"commitments":  []any{"SSO by March"},    // stored when commitments was a list
			"risk_factors": []string{"IT stretched"}, // the register's former name
		}, []string{"notes"}},
		{"OwnValueWinsOverFormerName", map[string]any{
			"risks":        []any{map[string]any{"risk": "no likelihood"}},
			"risk_factors": []string{"IT stretched"},
		}, []string{"commitments", "risks", "notes"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := completeness.Score(fields, tc.values, nil)
			if diff := cmp.Diff(tc.missing, got.Missing); diff != "" {
				t.Errorf("missing (-want +got):\n%s", diff)
			}
			if want := (len(fields) - len(tc.missing)) * 100 / len(fields); got.Score != want {
				t.Errorf("got score %d, want %d", got.Score, want)
			}
		})
	}
}

func TestRowsReadsLegacyLists(t *testing.T) {
	t.Parallel()
	rows, legacy := completeness.Rows(commitments, []any{"SSO by March", "Weekly check-ins"})
	want := []map[string]any{{"what": "SSO by March"}, {"what": "Weekly check-ins"}}
	if diff := cmp.Diff(want, rows); diff != "" || !legacy {
		t.Errorf("legacy %v, (-want +got):\n%s", legacy, diff)
	}
	rows, legacy = completeness.Rows(commitments, []any{map[string]any{"what": "SSO"}})
	if len(rows) != 1 || legacy {
		t.Errorf("rows: got %v (legacy %v), want one row, not legacy", rows, legacy)
	}
}
