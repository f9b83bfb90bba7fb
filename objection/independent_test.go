package objection

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// independentScores are the figures reported on an independent set.
type independentScores struct {
	cases int
	// first is the share of cases whose first-listed objection is among the
	// model's top three: the figure a rep feels, since the first objection
	// is the one the call opens on.
	first float64
	// any is the share of cases with at least one labelled objection among
	// the top three.
	any float64
	// top1 is the share of cases whose first prediction is the first-listed
	// objection.
	top1 float64
	// perCategory counts, for each first-listed category, the cases and how
	// many of them had it in the top three and first.
	perCategory map[Category]*categoryScore
	// predictedFirst counts how often each category was predicted first.
	predictedFirst map[Category]int
}

// categoryScore is the per-category breakdown of independentScores.
type categoryScore struct{ cases, inTop3, top1 int }

// scoreIndependent scores m on set. Only aggregates leave this function: an
// independent set is for measuring, never for reading case by case.
func scoreIndependent(m *Model, set []labelled) independentScores {
	s := independentScores{cases: len(set), perCategory: map[Category]*categoryScore{}, predictedFirst: map[Category]int{}}
	var first, any, top1 int
	for _, l := range set {
		preds := m.Predict(l.Profile, 3)
		top := make([]Category, len(preds))
		for i, p := range preds {
			top[i] = p.Category
		}
		want := l.Raised[0]
		cs := s.perCategory[want]
		if cs == nil {
			cs = &categoryScore{}
			s.perCategory[want] = cs
		}
		cs.cases++
		s.predictedFirst[top[0]]++
		if slices.Contains(top, want) {
			first++
			cs.inTop3++
		}
		if top[0] == want {
			top1++
			cs.top1++
		}
		if slices.ContainsFunc(top, func(c Category) bool { return slices.Contains(l.Raised, c) }) {
			any++
		}
	}
	n := float64(len(set))
	s.first, s.any, s.top1 = float64(first)/n, float64(any)/n, float64(top1)/n
	return s
}

// trainedModel is a fresh model that has learned from every outcome in
// testdata/train.jsonl, and never from an independent set.
func trainedModel(t *testing.T) *Model {
	t.Helper()
	m := NewModel()
	for i, l := range loadLabelled(t, "train.jsonl") {
		if err := m.Observe(l.Profile, l.Raised); err != nil {
			t.Fatalf("observe train.jsonl call %d: %v", i+1, err)
		}
	}
	return m
}

// independentTable formats the scores of the prior-only and trained models
// as the table printed by TestIndependent and quoted in docs/benchmarks.md.
func independentTable(name string, prior, learned independentScores, random, frequency float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s (%d cases)\n", name, prior.cases)
	fmt.Fprintf(&b, "%-34s %8s %8s\n", "", "prior", "learned")
	fmt.Fprintf(&b, "%-34s %8.3f %8.3f\n", "first-listed objection in top 3", prior.first, learned.first)
	fmt.Fprintf(&b, "%-34s %8.3f %8.3f\n", "any labelled objection in top 3", prior.any, learned.any)
	fmt.Fprintf(&b, "%-34s %8.3f %8.3f\n", "top-1 is the first-listed", prior.top1, learned.top1)
	fmt.Fprintf(&b, "baselines for the first-listed in top 3: random=%.3f, always the three most frequent in train=%.3f\n", random, frequency)
	fmt.Fprintf(&b, "%-22s %5s %14s %14s %14s\n", "first-listed", "cases", "top3 prior", "top3 learned", "predicted 1st")
	cats := Categories()
	slices.SortFunc(cats, func(a, b Category) int {
		return cmp.Compare(prior.perCategory[b].get().cases, prior.perCategory[a].get().cases)
	})
	for _, c := range cats {
		p, l := prior.perCategory[c].get(), learned.perCategory[c].get()
		fmt.Fprintf(&b, "%-22s %5d %14d %14d %8d/%-5d\n", c, p.cases, p.inTop3, l.inTop3, prior.predictedFirst[c], learned.predictedFirst[c])
	}
	return b.String()
}

// get returns the score, or zeros for a category without cases.
func (c *categoryScore) get() categoryScore {
	if c == nil {
		return categoryScore{}
	}
	return *c
}

// firstListedRandom is the chance that three random picks of ten include
// one given category.
const firstListedRandom = 0.3

// firstListedFrequency is the share of set whose first-listed objection is
// among the three categories raised most often in train.
func firstListedFrequency(train, set []labelled) float64 {
	count := map[Category]int{}
	for _, l := range train {
		for _, c := range l.Raised {
			count[c]++
		}
	}
	cats := Categories()
	slices.SortStableFunc(cats, func(a, b Category) int { return cmp.Compare(count[b], count[a]) })
	hits := 0
	for _, l := range set {
		if slices.Contains(cats[:3], l.Raised[0]) {
			hits++
		}
	}
	return float64(hits) / float64(len(set))
}

// TestIndependent scores the model on the independent evaluation sets in
// testdata/independent (see its README.md): enquiries written from the
// category definitions alone by someone who never saw the features, prior or
// vocabulary. Set A is the development set; set B is the final check. The
// floors sit a little under the measured figures, so a regression fails.
// Run it with: go test ./objection -run TestIndependent -v
func TestIndependent(t *testing.T) {
	t.Parallel()
	train := loadLabelled(t, "train.jsonl")
	learned := trainedModel(t)
	for _, tc := range []struct {
		name string
		file string
		// Floors on the first-listed objection in the top three, and on
		// any labelled objection in the top three, prior and learned.
		firstPrior, firstLearned, anyPrior, anyLearned float64
	}{
		// Set A, the development set: measured 0.711, 0.681, 0.875, 0.875.
		{name: "set_a", file: "set_a.jsonl", firstPrior: 0.69, firstLearned: 0.66, anyPrior: 0.85, anyLearned: 0.85},
		// Set B, the final check, run once the model was done: measured
		// 0.729, 0.690, 0.891, 0.847.
		{name: "set_b", file: "set_b.jsonl", firstPrior: 0.71, firstLearned: 0.67, anyPrior: 0.87, anyLearned: 0.83},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			set := loadLabelled(t, filepath.Join("independent", tc.file))
			if len(set) < 200 {
				t.Fatalf("%s has %d cases, want at least 200", tc.file, len(set))
			}
			p := scoreIndependent(NewModel(), set)
			l := scoreIndependent(learned, set)
			t.Log(independentTable(tc.name, p, l, firstListedRandom, firstListedFrequency(train, set)))
			for _, f := range []struct {
				what       string
				got, floor float64
			}{
				{"prior: first-listed in top 3", p.first, tc.firstPrior},
				{"learned: first-listed in top 3", l.first, tc.firstLearned},
				{"prior: any labelled in top 3", p.any, tc.anyPrior},
				{"learned: any labelled in top 3", l.any, tc.anyLearned},
			} {
				if f.got < f.floor {
					t.Errorf("%s: got %.3f, want at least %.3f", f.what, f.got, f.floor)
				}
			}
		})
	}
}
