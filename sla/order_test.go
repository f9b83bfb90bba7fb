package sla_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/sla"
)

func TestInOrder(t *testing.T) {
	t.Parallel()
	at := func(m int) time.Time { return time.Date(2026, 11, 23, 14, m, 0, 0, time.UTC) }
	ladder := func(dues ...int) []sla.Step {
		out := make([]sla.Step, len(dues))
		for i, d := range dues {
			out[i] = sla.Step{Index: i, Due: at(d)}
		}
		return out
	}
	type kept struct {
		Index  int
		Merged []int
	}
	tests := []struct {
		name  string
		steps []sla.Step
		want  []kept
	}{
		{"InOrderKeepsAll", ladder(2, 5, 10, 20), []kept{{0, nil}, {1, nil}, {2, nil}, {3, nil}}},
		// The hot lead's reminder deferred 9.5 h to the owner's morning.
		{"DeferredReminderMergesIntoBreach", ladder(570, 5, 10, 20), []kept{{1, []int{0}}, {2, nil}, {3, nil}}},
		{"DeferredBreachMergesIntoNextRung", ladder(2, 600, 10, 20), []kept{{0, nil}, {2, []int{1}}, {3, nil}}},
		{"DeferredPastEverythingMergesIntoTheFirstToFire", ladder(2, 600, 10, 5), []kept{{0, nil}, {3, []int{1, 2}}}},
		{"SameInstantMergesIntoTheLater", ladder(5, 5), []kept{{1, []int{0}}}},
		{"Empty", nil, []kept{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := []kept{}
			for _, st := range sla.InOrder(tt.steps) {
				got = append(got, kept{st.Index, st.Merged})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("kept rungs (-want +got):\n%s", diff)
			}
		})
	}
}
