package metrics

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
)

// TestDecodeCreatedKeys checks that the created payload's keys are read
// as encoding/json reads them, whatever else the payload holds, and that
// a payload it cannot read is an error.
func TestDecodeCreatedKeys(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, data string
		wantErr    bool
	}{
		{"Empty", ``, false},
		{"Null", `null`, false},
		{"EmptyObject", ` { } `, false},
		{"AllFive", `{"signal_id":"s1","signal_type":"demo","handoff_type":"hot_lead","tier":"hot","team":"ae","occurred_at":"2026-03-02T09:00:00Z","source":"website","segment":"smb","completeness":70}`, false},
		{"Spaced", "{ \"handoff_type\" : \"mql\" ,\n\t\"tier\":\"warm\" }", false},
		{"NestedValuesWithBracesAndQuotes", `{"context":{"a":[1,{"b":"}]\"{"}],"c":null},"team":"sdr","x":[["]"]],"source":"hubspot","n":-1.5e3,"t":true}`, false},
		{"EscapedValue", `{"handoff_type":"hot\"lead","tier":"h\u00f6t"}`, false},
		{"NonASCIIValue", `{"team":"équipe"}`, false},
		{"EscapedKey", `{"tie\u0072":"hot"}`, false},
		{"KeyInOtherCase", `{"Tier":"hot","TEAM":"ae"}`, false},
		{"RepeatedKeyLastWins", `{"tier":"hot","tier":"warm"}`, false},
		{"NullField", `{"tier":null,"team":"ae"}`, false},
		{"NumberField", `{"tier":3}`, true},
		{"BadTime", `{"tier":"hot","occurred_at":"yesterday"}`, true},
		{"NullTime", `{"tier":"hot","occurred_at":null}`, false},
		{"FractionalScore", `{"tier":"hot","completeness":70.5}`, true},
		{"SignalIDNotAString", `{"tier":"hot","signal_id":7}`, true},
		{"OtherCaseOfAnotherField", `{"tier":"hot","Occurred_At":"yesterday"}`, true},
		{"Malformed", `{"tier":"hot"`, true},
		{"NotAnObject", `[1,2]`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := decodeCreatedKeys([]byte(tc.data))
			if (err != nil) != tc.wantErr {
				t.Fatalf("got error %v, want error %v", err, tc.wantErr)
			}
			if tc.wantErr {
				return
			}
			var d baton.CreatedData
			if tc.data != "" {
				if err := json.Unmarshal([]byte(tc.data), &d); err != nil {
					t.Fatal(err)
				}
			}
			want := createdKeys{HandoffType: d.HandoffType, Tier: d.Tier, Team: d.Team, Source: d.Source, Segment: d.Segment}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("keys (-encoding/json +got):\n%s", diff)
			}
		})
	}
}

// TestBlockSetSumsByGroup checks that blocks added in any order sum, by
// group, to what adding each to its group's accumulator gives.
func TestBlockSetSumsByGroup(t *testing.T) {
	t.Parallel()
	team := func(key string) string { return map[string]string{"ann": "east", "bob": "east", "cat": "west"}[key] }
	blocks := []struct {
		key   string
		cells []Cell
	}{
		{"ann", []Cell{{MHandoffs, 0, 2}, {MTAccept, 120_000, 1}, {MTAccept, 1_500, 1}}},
		{"cat", []Cell{{MHandoffs, 0, 1}, {MTTouch, 45, 1}, {MState, 2, 1}}},
		{"bob", []Cell{{MHandoffs, 0, 1}, {MTAccept, 120_000, 1}}},
		{"ann", []Cell{{MHandoffs, 0, -1}, {MTAccept, 1_500, -1}, {MBreached, 0, 1}}},
		{"dan", nil},
	}
	want := map[string]*Acc{}
	set := NewBlockSet(team)
	for _, b := range blocks {
		g := team(b.key)
		if want[g] == nil {
			want[g] = &Acc{}
		}
		want[g].Add(b.cells)
		set.Add([]byte(b.key), EncodeCells(b.cells))
	}
	got, err := set.Sum()
	if err != nil {
		t.Fatal(err)
	}
	cells := func(m map[string]*Acc) map[string][]Cell {
		out := map[string][]Cell{}
		for k, a := range m {
			out[k] = a.Cells()
		}
		return out
	}
	if diff := cmp.Diff(cells(want), cells(got)); diff != "" {
		t.Errorf("sums (-each added +set):\n%s", diff)
	}
	if _, err := blockSetOf(nil, "ann", []byte{0xff}).Sum(); err == nil {
		t.Error("got no error for a malformed block, want one")
	}
}

// blockSetOf is a set of one block.
func blockSetOf(group func(string) string, key string, cells []byte) *BlockSet {
	s := NewBlockSet(group)
	s.Add([]byte(key), cells)
	return s
}
