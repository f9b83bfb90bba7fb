package completeness_test

import (
	"testing"

	"github.com/batonhq/baton/completeness"
	"github.com/batonhq/baton/playbook"
	"github.com/google/go-cmp/cmp"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	choice := playbook.Field{Name: "c", Type: playbook.FieldChoice, Options: []string{"Discovery", "Demo"}}
	for _, tc := range []struct {
		name    string
		f       playbook.Field
		in      any
		want    any
		wantErr bool
	}{
		{"TextTrimmed", playbook.Field{Type: "text"}, "  hello ", "hello", false},
		{"BlankIsUnanswered", playbook.Field{Type: "text"}, "   ", nil, false},
		{"NAIsAnswered", playbook.Field{Type: "date"}, "n/a", completeness.NA, false},
		{"NumberFromString", playbook.Field{Type: "number"}, "1,200", 1200.0, false},
		{"NumberRejectsWords", playbook.Field{Type: "number"}, "lots", nil, true},
		{"MoneyShorthand", playbook.Field{Type: "money_range"}, "$50k-$100k", completeness.Money{Min: 50000, Max: 100000, Currency: "USD"}, false},
		{"MoneyEuroTo", playbook.Field{Type: "money_range"}, "€10k to 20k", completeness.Money{Min: 10000, Max: 20000, Currency: "EUR"}, false},
		{"MoneyObject", playbook.Field{Type: "money_range"}, map[string]any{"min": 1.0, "max": 2.0, "currency": "gbp"}, completeness.Money{Min: 1, Max: 2, Currency: "GBP"}, false},
		{"MoneyReversed", playbook.Field{Type: "money_range"}, "100k-50k", nil, true},
		{"Date", playbook.Field{Type: "date"}, "2026-12-31", "2026-12-31", false},
		{"BadDate", playbook.Field{Type: "date"}, "next week", nil, true},
		{"ChoiceCaseInsensitive", choice, "demo", "Demo", false},
		{"ChoiceUnknown", choice, "Lunch", nil, true},
		{"PersonFromText", playbook.Field{Type: "person"}, "Ana Ruiz, VP Operations", completeness.Person{Name: "Ana Ruiz", Title: "VP Operations"}, false},
		{"ListFromLines", playbook.Field{Type: "list"}, "speed\n\nvisibility; cost", []string{"speed", "visibility", "cost"}, false},
		{"EmptyListUnanswered", playbook.Field{Type: "list"}, []any{}, nil, false},
		{"Link", playbook.Field{Type: "link"}, "https://example.com/x", "https://example.com/x", false},
		{"LinkNoScheme", playbook.Field{Type: "link"}, "javascript:alert(1)", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := completeness.Normalize(tc.f, tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("got error %v, want error %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" && !tc.wantErr {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestScore(t *testing.T) {
	t.Parallel()
	fields := []playbook.Field{{Name: "a"}, {Name: "b"}, {Name: "c", Auto: "source"}, {Name: "d"}}
	got := completeness.Score(fields, map[string]any{"a": "x", "b": completeness.NA, "d": ""}, map[string]any{"source": "website"})
	want := completeness.Result{Score: 75, Missing: []string{"d"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := completeness.Score(nil, nil, nil); got.Score != 100 {
		t.Errorf("no fields: got %d, want 100", got.Score)
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"$50k-$100k", "n/a", "2026-01-01", "a, b", "x\ny"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, typ := range playbook.FieldTypes {
			completeness.Normalize(playbook.Field{Type: typ, Options: []string{"a"}}, s)
		}
	})
}
