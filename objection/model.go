package objection

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// smoothing is the Laplace pseudo-count added to each prior rule's counts.
// It is split between "raised" and "not raised" in proportion to the
// category's base rate (an m-estimate), so a rule of small weight is pulled
// towards neutral instead of favouring rare categories. Recorded outcomes
// are shrunk towards the prior by featureStrength instead.
const smoothing = 2.0

// Model predicts objection categories from an enquiry profile. It holds ten
// binary naive Bayes classifiers, one per category, whose counts are the
// built-in prior plus the outcomes passed to Observe.
//
// Create a Model with NewModel or by unmarshalling stored state into a zero
// Model. A zero Model also works, but rebuilds the prior on every Predict.
// Predict may be called from several goroutines at once, but not
// concurrently with Observe or UnmarshalJSON.
type Model struct {
	prior   tally // pseudo-counts from priorRules; never persisted
	learned tally // recorded outcomes; what MarshalJSON stores
}

// tally is a set of counts over calls.
type tally struct {
	calls    float64                  // calls counted
	raised   [numCategories]float64   // calls on which each category was raised
	features map[string]*featureTally // per feature, the calls that had it
}

// featureTally counts the calls on which one feature was present.
type featureTally struct {
	seen   float64                // calls with the feature
	raised [numCategories]float64 // of those, calls on which each category was raised
}

// Prediction is one category's predicted likelihood for a call.
type Prediction struct {
	// Category is the objection category.
	Category Category `json:"category"`
	// Probability is the model's probability, between 0 and 1, that the
	// category is raised on the call. Categories are scored independently,
	// so probabilities across categories do not sum to one, and naive Bayes
	// makes them overconfident: rank by them, do not quote them as odds.
	Probability float64 `json:"probability"`
	// Reason is one short line naming the evidence that most raised the
	// category's score, such as "asked about pricing; 12-person company".
	Reason string `json:"reason"`
}

// NewModel returns a model that knows only the built-in prior.
func NewModel() *Model {
	return &Model{prior: buildPrior(), learned: newTally()}
}

func newTally() tally {
	return tally{features: make(map[string]*featureTally)}
}

// buildPrior turns the base rates and prior rules into pseudo-counts.
func buildPrior() tally {
	base := baseRates()
	t := newTally()
	t.calls = priorCalls
	for i, r := range base {
		t.raised[i] = r * priorCalls
	}
	for _, rule := range priorRules() {
		ft := &featureTally{seen: rule.weight}
		for i, r := range base {
			ft.raised[i] = r * rule.weight
		}
		for _, r := range rule.rates {
			ft.raised[r.c.index()] = r.p * rule.weight
		}
		t.features[rule.feature] = ft
	}
	return t
}

// Observations returns the number of outcomes the model has learned from,
// not counting the prior.
func (m *Model) Observations() int { return int(m.learned.calls) }

// Observe records the outcome of one call: the profile it was predicted from
// and the categories the rep recorded as actually raised. An empty list
// records a call on which no objection was raised, which is evidence too.
// Duplicates in raised count once. It returns an error, and changes nothing,
// if raised holds an unknown category.
func (m *Model) Observe(p Profile, raised []Category) error {
	var hit [numCategories]bool
	for _, c := range raised {
		i := c.index()
		if i < 0 {
			return fmt.Errorf("objection: observe: unknown category %q", c)
		}
		hit[i] = true
	}
	if m.learned.features == nil {
		m.learned = newTally()
	}
	m.learned.calls++
	for i, h := range hit {
		if h {
			m.learned.raised[i]++
		}
	}
	for _, f := range Features(p) {
		ft := m.learned.features[f]
		if ft == nil {
			ft = &featureTally{}
			m.learned.features[f] = ft
		}
		ft.seen++
		for i, h := range hit {
			if h {
				ft.raised[i]++
			}
		}
	}
	return nil
}

// Predict returns the n categories most likely to be raised on a call with
// profile p, most likely first; ties are broken by category id so the order
// is always the same. n is capped at the number of categories, and n <= 0
// returns nil.
func (m *Model) Predict(p Profile, n int) []Prediction {
	if n <= 0 {
		return nil
	}
	n = min(n, numCategories)
	fs := Features(p)
	ev := m.evidence(fs)
	all := Categories()
	preds := make([]Prediction, numCategories)
	for i, c := range all {
		preds[i] = Prediction{Category: c, Probability: sigmoid(ev.logOdds[i])}
	}
	slices.SortFunc(preds, func(a, b Prediction) int {
		if c := cmp.Compare(b.Probability, a.Probability); c != 0 {
			return c
		}
		return cmp.Compare(a.Category, b.Category)
	})
	preds = preds[:n]
	for i := range preds {
		preds[i].Reason = reason(p, fs, ev, preds[i].Category.index())
	}
	return preds
}

// evidence is the scoring of one profile: each category's log-odds, its base
// rate, and the share each feature contributed.
type evidence struct {
	base    [numCategories]float64   // base rate of each category
	logOdds [numCategories]float64   // final log-odds of each category
	contrib [][numCategories]float64 // per feature (same order as the feature list), log-odds added
}

// evidence scores features fs. Under naive Bayes, the log-odds of "raised"
// is the log-odds of the base rate plus, for each feature present, the
// log-likelihood ratio log P(f|raised)/P(f|not raised), which equals the
// log-odds of "raised" among calls with f minus the base log-odds. Features
// the model has neither a prior rule for nor outcomes about contribute
// nothing.
//
// Learning is Bayesian shrinkage: the prior is pseudo-counts that recorded
// outcomes add evidence to. A base rate is the prior's rate counted as
// priorCalls calls plus the outcomes, so a team's own mix of objections
// moves every prediction. A feature's lift (the log-odds it adds) is the
// prior's lift counted as featureStrength calls, averaged with the lift the
// outcomes show: the rate among recorded calls with the feature against the
// rate among all recorded calls. Measuring the learned lift against the
// recorded calls, not against the prior, keeps outcomes from being counted
// twice: three calls that all raised trust move the base rate, but they say
// nothing about which of their features goes with trust, so they cannot
// push every feature of the profile towards it at once. With no outcomes
// this is the prior exactly; once a team has recorded many more calls with a
// feature than featureStrength, its own lift decides.
func (m *Model) evidence(fs []string) evidence {
	prior := m.prior
	if prior.calls == 0 {
		prior = buildPrior() // a zero Model; never store it, Predict must not write
	}
	var ev evidence
	var priorBase, learnedBase [numCategories]float64
	ev.contrib = make([][numCategories]float64, len(fs))
	calls := prior.calls + m.learned.calls
	for i := range ev.base {
		priorBase[i] = prior.raised[i] / prior.calls
		if m.learned.calls > 0 {
			learnedBase[i] = m.learned.raised[i] / m.learned.calls
		}
		ev.base[i] = (prior.raised[i] + m.learned.raised[i]) / calls
		ev.logOdds[i] = logit(ev.base[i])
	}
	for j, f := range fs {
		pf, lf := prior.features[f], m.learned.features[f]
		if pf == nil && lf == nil {
			continue
		}
		for i := range ev.base {
			// The prior's lift: P(raised | f) from the rule's pseudo-counts,
			// Laplace-smoothed towards the prior base rate, against that
			// base rate. A feature without a rule has no lift.
			var lift float64
			if pf != nil {
				p0 := (pf.raised[i] + smoothing*priorBase[i]) / (pf.seen + smoothing)
				lift = logit(p0) - logit(priorBase[i])
			}
			if lf != nil && lf.seen > 0 {
				// The outcomes' lift, smoothed towards no lift, then the
				// average of both weighted by the calls behind each.
				pl := (lf.raised[i] + smoothing*learnedBase[i]) / (lf.seen + smoothing)
				learned := logit(pl) - logit(learnedBase[i])
				lift = (featureStrength*lift + lf.seen*learned) / (featureStrength + lf.seen)
			}
			ev.contrib[j][i] = lift
			ev.logOdds[i] += lift
		}
	}
	return ev
}

// logit is log(p/(1-p)), with p kept away from 0 and 1 so that corrupted
// counts can never produce infinities.
func logit(p float64) float64 {
	const eps = 1e-9
	p = min(max(p, eps), 1-eps)
	return math.Log(p / (1 - p))
}

func sigmoid(x float64) float64 {
	return 1 / (1 + math.Exp(-x))
}
