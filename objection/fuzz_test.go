package objection

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzPredict feeds arbitrary text through every free-text field: Features
// and Predict must not panic, and must keep their shape whatever comes in.
func FuzzPredict(f *testing.F) {
	f.Add("What does pricing look like? SOC 2?", "Chili Piper", "$10-25k", "next year", 12, 3)
	f.Add("", "", "", "", 0, 1)
	f.Add("soc 2 soc2 soc-2 \x00\xff\xfe in house", "\n\t", "€40.000 / month", "3-6 months", -1, 10)
	f.Add(strings.Repeat("price ", 5000), strings.Repeat("é", 100), "$9999999999999999999999k", "99999999999999999999 days", 1<<40, 50)
	f.Add("1.2.3.4 ,,, $$$ --- – to to", "none", "to 5-", "-", 999, 0)

	m := NewModel()
	f.Fuzz(func(t *testing.T, msg, competitor, budget, timeline string, employees, n int) {
		p := Profile{
			SignalType:     msg,
			Source:         competitor,
			Segment:        timeline,
			Industry:       budget,
			Employees:      employees,
			BudgetAnswer:   budget,
			TimelineAnswer: timeline,
			Message:        msg,
			Competitor:     competitor,
		}
		fs := Features(p)
		if !slices.IsSorted(fs) || len(slices.Compact(slices.Clone(fs))) != len(fs) {
			t.Fatalf("Features() = %q, want sorted and unique", fs)
		}
		for _, f := range fs {
			if attr, val, ok := strings.Cut(f, "="); !ok || attr == "" || val == "" {
				t.Fatalf("feature %q is not attr=value", f)
			}
		}

		n = n % 16
		preds := m.Predict(p, n)
		want := min(max(n, 0), numCategories)
		if len(preds) != want {
			t.Fatalf("Predict(n=%d) returned %d predictions, want %d", n, len(preds), want)
		}
		seen := map[Category]bool{}
		for _, pr := range preds {
			if !pr.Category.Valid() || seen[pr.Category] {
				t.Fatalf("category %q invalid or repeated", pr.Category)
			}
			seen[pr.Category] = true
			if !(pr.Probability >= 0 && pr.Probability <= 1) {
				t.Fatalf("%s probability %v, want in [0, 1]", pr.Category, pr.Probability)
			}
			if pr.Reason == "" || strings.ContainsAny(pr.Reason, "\r\n") || !utf8.ValidString(pr.Reason) {
				t.Fatalf("%s reason %q, want one non-empty line of valid UTF-8", pr.Category, pr.Reason)
			}
		}

		// Learning from the same arbitrary profile must not break it either.
		local := NewModel()
		if err := local.Observe(p, []Category{Competition}); err != nil {
			t.Fatal(err)
		}
		if got := len(local.Predict(p, n)); got != want {
			t.Fatalf("after Observe, Predict(n=%d) returned %d predictions, want %d", n, got, want)
		}
	})
}
