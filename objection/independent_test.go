package objection

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
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

// learnedFrom is a fresh model that has learned every outcome in sets, as a
// team's model learns the outcomes its reps record.
func learnedFrom(t *testing.T, sets map[string][]labelled) *Model {
	t.Helper()
	m := NewModel()
	for name, set := range sets {
		for i, l := range set {
			if err := m.Observe(l.Profile, l.Raised); err != nil {
				t.Fatalf("observe %s call %d: %v", name, i+1, err)
			}
		}
	}
	return m
}

// independentColumns are the models scored on one independent set: the
// prior alone, the prior after learning testdata/train.jsonl, and the prior
// after learning the labels of the other independent sets as if they were a
// team's recorded outcomes (never the set being scored).
type independentColumns struct {
	prior, train, other independentScores
	otherName           string
}

// independentTable formats the scores as the table printed by
// TestIndependent and quoted in docs/benchmarks.md.
func independentTable(name string, s independentColumns, random, frequency float64) string {
	var b strings.Builder
	p, tr, o := s.prior, s.train, s.other
	fmt.Fprintf(&b, "\n%s (%d cases); learned from train.jsonl, and from %s\n", name, p.cases, s.otherName)
	fmt.Fprintf(&b, "%-34s %8s %8s %8s\n", "", "prior", "train", "other")
	fmt.Fprintf(&b, "%-34s %8.3f %8.3f %8.3f\n", "first-listed objection in top 3", p.first, tr.first, o.first)
	fmt.Fprintf(&b, "%-34s %8.3f %8.3f %8.3f\n", "any labelled objection in top 3", p.any, tr.any, o.any)
	fmt.Fprintf(&b, "%-34s %8.3f %8.3f %8.3f\n", "top-1 is the first-listed", p.top1, tr.top1, o.top1)
	fmt.Fprintf(&b, "baselines for the first-listed in top 3: random=%.3f, always the three most frequent in train=%.3f\n", random, frequency)
	fmt.Fprintf(&b, "%-22s %5s %20s %20s\n", "first-listed", "cases", "top3 prior/trn/oth", "1st prior/trn/oth")
	cats := Categories()
	slices.SortFunc(cats, func(a, b Category) int {
		return cmp.Compare(p.perCategory[b].get().cases, p.perCategory[a].get().cases)
	})
	for _, c := range cats {
		fmt.Fprintf(&b, "%-22s %5d %20s %20s\n", c, p.perCategory[c].get().cases,
			fmt.Sprintf("%d/%d/%d", p.perCategory[c].get().inTop3, tr.perCategory[c].get().inTop3, o.perCategory[c].get().inTop3),
			fmt.Sprintf("%d/%d/%d", p.predictedFirst[c], tr.predictedFirst[c], o.predictedFirst[c]))
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
// vocabulary. Each set is scored with the prior alone, after learning
// train.jsonl, and after learning the other independent sets' labels as
// recorded outcomes (cross-set: what a team's model does with its own
// calls). Set A is development data; set B was the final check of the first
// round and is development data since; set C, when
// testdata/independent/set_c.jsonl exists, is the final check of the second
// round, run once, and has no floors. The floors sit a little under the
// measured figures, so a regression fails.
// Run it with: go test ./objection -run TestIndependent -v
func TestIndependent(t *testing.T) {
	t.Parallel()
	train := loadLabelled(t, "train.jsonl")
	trained := learnedFrom(t, map[string][]labelled{"train.jsonl": train})
	sets := map[string][]labelled{}
	for _, name := range []string{"set_a", "set_b", "set_c"} {
		path := filepath.Join("testdata", "independent", name+".jsonl")
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) && name == "set_c" {
			continue
		}
		sets[name] = loadLabelled(t, filepath.Join("independent", name+".jsonl"))
	}
	// floors are on the first-listed objection in the top three and on any
	// labelled objection in the top three, for each column.
	type floors struct{ firstPrior, firstTrain, firstOther, anyPrior, anyTrain, anyOther float64 }
	for _, tc := range []struct {
		name  string
		other []string // the sets learned for the "other" column
		// floors is nil for a final check, which is run once and measured,
		// not held to a figure.
		floors *floors
	}{
		// Set A: measured 0.720, 0.698, 0.806 (first-listed) and 0.892,
		// 0.888, 0.922 (any labelled).
		{name: "set_a", other: []string{"set_b"}, floors: &floors{0.70, 0.68, 0.78, 0.87, 0.86, 0.90}},
		// Set B: measured 0.751, 0.707, 0.782 and 0.900, 0.869, 0.921.
		{name: "set_b", other: []string{"set_a"}, floors: &floors{0.73, 0.69, 0.76, 0.88, 0.85, 0.90}},
		// Set C, the final check of this round: no floors.
		{name: "set_c", other: []string{"set_a", "set_b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			set, ok := sets[tc.name]
			if !ok {
				t.Skipf("testdata/independent/%s.jsonl is absent", tc.name)
			}
			if len(set) < 200 {
				t.Fatalf("%s has %d cases, want at least 200", tc.name, len(set))
			}
			others := map[string][]labelled{}
			for _, o := range tc.other {
				others[o] = sets[o]
			}
			s := independentColumns{
				prior:     scoreIndependent(NewModel(), set),
				train:     scoreIndependent(trained, set),
				other:     scoreIndependent(learnedFrom(t, others), set),
				otherName: strings.Join(tc.other, " and "),
			}
			t.Log(independentTable(tc.name, s, firstListedRandom, firstListedFrequency(train, set)))
			if tc.floors == nil {
				return
			}
			f := tc.floors
			for _, c := range []struct {
				what       string
				got, floor float64
			}{
				{"prior: first-listed in top 3", s.prior.first, f.firstPrior},
				{"learned from train: first-listed in top 3", s.train.first, f.firstTrain},
				{"learned from " + s.otherName + ": first-listed in top 3", s.other.first, f.firstOther},
				{"prior: any labelled in top 3", s.prior.any, f.anyPrior},
				{"learned from train: any labelled in top 3", s.train.any, f.anyTrain},
				{"learned from " + s.otherName + ": any labelled in top 3", s.other.any, f.anyOther},
			} {
				if c.got < c.floor {
					t.Errorf("%s: got %.3f, want at least %.3f", c.what, c.got, c.floor)
				}
			}
		})
	}
}
