package objection

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// pricingProfile is a small company asking about price: the textbook case.
func pricingProfile() Profile {
	return Profile{
		SignalType:     "pricing_inquiry",
		Source:         "website",
		Employees:      12,
		Industry:       "Marketing agency",
		BudgetAnswer:   "under $5k",
		TimelineAnswer: "this month",
		Message:        "What does it cost for 6 reps?",
	}
}

// securityProfile is an enterprise healthcare buyer asking about compliance.
func securityProfile() Profile {
	return Profile{
		SignalType:     "demo_request",
		Source:         "event",
		Segment:        "enterprise",
		Employees:      4000,
		Industry:       "Hospital",
		TimelineAnswer: "next year",
		Message:        "Before anything else we need your SOC 2 report and a HIPAA BAA.",
	}
}

func TestPredict(t *testing.T) {
	t.Parallel()
	m := NewModel()

	t.Run("ReturnsExactlyNDistinctCategoriesWithReasons", func(t *testing.T) {
		t.Parallel()
		for n := 1; n <= numCategories; n++ {
			preds := m.Predict(securityProfile(), n)
			if len(preds) != n {
				t.Fatalf("Predict(n=%d) returned %d predictions, want %d", n, len(preds), n)
			}
			seen := map[Category]bool{}
			for _, p := range preds {
				if !p.Category.Valid() || seen[p.Category] {
					t.Errorf("Predict(n=%d): category %q invalid or repeated", n, p.Category)
				}
				seen[p.Category] = true
				if p.Reason == "" || strings.ContainsAny(p.Reason, "\r\n") {
					t.Errorf("Predict(n=%d): %s reason %q, want one non-empty line", n, p.Category, p.Reason)
				}
				if !(p.Probability > 0 && p.Probability < 1) {
					t.Errorf("Predict(n=%d): %s probability %v, want in (0, 1)", n, p.Category, p.Probability)
				}
			}
		}
	})

	t.Run("ZeroModelPredictsLikeNewModel", func(t *testing.T) {
		t.Parallel()
		var zero Model
		if got, want := zero.Predict(securityProfile(), 3), m.Predict(securityProfile(), 3); !reflect.DeepEqual(got, want) {
			t.Errorf("zero Model Predict() = %v, want %v", got, want)
		}
	})

	t.Run("CapsNAtTheNumberOfCategories", func(t *testing.T) {
		t.Parallel()
		if got := len(m.Predict(pricingProfile(), 50)); got != numCategories {
			t.Errorf("Predict(n=50) returned %d predictions, want %d", got, numCategories)
		}
	})

	t.Run("NonPositiveNReturnsNothing", func(t *testing.T) {
		t.Parallel()
		for _, n := range []int{0, -1} {
			if got := m.Predict(pricingProfile(), n); got != nil {
				t.Errorf("Predict(n=%d) = %v, want nil", n, got)
			}
		}
	})

	t.Run("OrdersByProbabilityThenCategoryID", func(t *testing.T) {
		t.Parallel()
		for _, p := range []Profile{{}, pricingProfile(), securityProfile()} {
			preds := m.Predict(p, numCategories)
			for i := 1; i < len(preds); i++ {
				a, b := preds[i-1], preds[i]
				if a.Probability < b.Probability || a.Probability == b.Probability && a.Category > b.Category {
					t.Errorf("prediction %d (%s %v) ranked before %d (%s %v)", i-1, a.Category, a.Probability, i, b.Category, b.Probability)
				}
			}
		}
	})

	t.Run("IsDeterministic", func(t *testing.T) {
		t.Parallel()
		want := m.Predict(securityProfile(), numCategories)
		for range 20 {
			if got := NewModel().Predict(securityProfile(), numCategories); !reflect.DeepEqual(got, want) {
				t.Fatalf("Predict() = %v, want %v", got, want)
			}
		}
	})

	t.Run("PricingEnquiryFromSmallCompanyLeadsWithPrice", func(t *testing.T) {
		t.Parallel()
		top := m.Predict(pricingProfile(), 1)[0]
		if top.Category != PriceBudget {
			t.Fatalf("top category %s, want %s", top.Category, PriceBudget)
		}
		for _, want := range []string{"asked about pricing", "mentioned cost"} {
			if !strings.Contains(top.Reason, want) {
				t.Errorf("reason %q, want it to contain %q", top.Reason, want)
			}
		}
	})

	t.Run("ComplianceWordsLeadWithSecurityAndAreNamed", func(t *testing.T) {
		t.Parallel()
		top := m.Predict(securityProfile(), 1)[0]
		if top.Category != SecurityCompliance {
			t.Fatalf("top category %s, want %s", top.Category, SecurityCompliance)
		}
		if !strings.HasPrefix(top.Reason, "mentioned ") || !strings.Contains(top.Reason, "SOC 2") || !strings.Contains(top.Reason, "HIPAA") {
			t.Errorf("reason %q, want it to say it mentioned SOC 2 and HIPAA", top.Reason)
		}
	})

	t.Run("ReasonWithoutEvidenceNamesTheBaseRate", func(t *testing.T) {
		t.Parallel()
		preds := m.Predict(Profile{}, numCategories)
		found := false
		for _, p := range preds {
			if strings.HasPrefix(p.Reason, "no specific signal; raised on about ") {
				found = true
			}
		}
		if !found {
			t.Errorf("no base-rate reason among %v", preds)
		}
	})

	t.Run("ReasonQuotesCompetitorOnOneShortLine", func(t *testing.T) {
		t.Parallel()
		p := Profile{Competitor: "Chili\nPiper\t" + strings.Repeat("x", 200)}
		for _, pr := range m.Predict(p, numCategories) {
			if pr.Category != Competition {
				continue
			}
			if !strings.HasPrefix(pr.Reason, "named Chili Piper x") || strings.ContainsAny(pr.Reason, "\n\t") || len([]rune(pr.Reason)) > 80 {
				t.Errorf("reason %q, want one short line naming Chili Piper", pr.Reason)
			}
		}
	})
}

func TestObserve(t *testing.T) {
	t.Parallel()

	prob := func(m *Model, p Profile, c Category) float64 {
		for _, pr := range m.Predict(p, numCategories) {
			if pr.Category == c {
				return pr.Probability
			}
		}
		return -1
	}

	t.Run("OneOutcomeMovesProbabilities", func(t *testing.T) {
		t.Parallel()
		m := NewModel()
		p := pricingProfile()
		trustBefore, priceBefore := prob(m, p, TrustRisk), prob(m, p, PriceBudget)
		if err := m.Observe(p, []Category{TrustRisk}); err != nil {
			t.Fatal(err)
		}
		trustAfter, priceAfter := prob(m, p, TrustRisk), prob(m, p, PriceBudget)
		if !(trustAfter > trustBefore) {
			t.Errorf("trust_risk probability %v after observing it raised, want more than %v", trustAfter, trustBefore)
		}
		if !(priceAfter < priceBefore) {
			t.Errorf("price_budget probability %v after observing it not raised, want less than %v", priceAfter, priceBefore)
		}
		if got := m.Observations(); got != 1 {
			t.Errorf("Observations() = %d, want 1", got)
		}
	})

	t.Run("RepeatedOutcomesOverrideThePrior", func(t *testing.T) {
		t.Parallel()
		m := NewModel()
		p := pricingProfile()
		if top := m.Predict(p, 1)[0].Category; top == TrustRisk {
			t.Fatalf("prior already ranks %s first", top)
		}
		// Each feature's prior counts as featureStrength calls, so it
		// takes a few times that many outcomes to override it.
		for range 100 {
			if err := m.Observe(p, []Category{TrustRisk}); err != nil {
				t.Fatal(err)
			}
		}
		top := m.Predict(p, 1)[0]
		if top.Category != TrustRisk {
			t.Errorf("top category %s after 100 trust_risk outcomes, want %s", top.Category, TrustRisk)
		}
	})

	t.Run("AFewOutcomesCannotSwampThePrior", func(t *testing.T) {
		t.Parallel()
		m := NewModel()
		p := pricingProfile()
		want := m.Predict(p, 1)[0].Category
		for range 3 {
			if err := m.Observe(p, []Category{TrustRisk}); err != nil {
				t.Fatal(err)
			}
		}
		if got := m.Predict(p, 1)[0].Category; got != want {
			t.Errorf("top category %s after 3 trust_risk outcomes, want the prior's %s still", got, want)
		}
	})

	t.Run("OutcomesOnAFeatureWithoutARuleAreShrunk", func(t *testing.T) {
		t.Parallel()
		// Chat has no prior rule: four outcomes on it move trust_risk by a
		// little, not by the full rate they show.
		m := NewModel()
		p := Profile{Source: "chat"}
		before := prob(m, p, TrustRisk)
		for range 4 {
			if err := m.Observe(Profile{Source: "chat"}, []Category{TrustRisk}); err != nil {
				t.Fatal(err)
			}
		}
		after := prob(m, p, TrustRisk)
		if !(after > before) {
			t.Errorf("trust_risk probability %v after 4 outcomes raising it, want more than %v", after, before)
		}
		if after > 0.5 {
			t.Errorf("trust_risk probability %v after 4 outcomes on a feature without a rule, want at most 0.5", after)
		}
	})

	t.Run("AnotherPopulationsBaseRatesCarryThePriorsLifts", func(t *testing.T) {
		t.Parallel()
		// A team whose calls raise timing far more than the prior expects
		// moves timing up everywhere, but a feature the prior ties to
		// security still lifts security above its new base rate.
		m := NewModel()
		for range 200 {
			if err := m.Observe(Profile{}, []Category{Timing}); err != nil {
				t.Fatal(err)
			}
		}
		none, hc := prob(m, Profile{}, SecurityCompliance), prob(m, Profile{Industry: "Healthcare"}, SecurityCompliance)
		if !(hc > 4*none) {
			t.Errorf("security_compliance probability %v for healthcare, want over four times %v without it", hc, none)
		}
	})

	t.Run("NoObjectionsIsEvidenceToo", func(t *testing.T) {
		t.Parallel()
		m := NewModel()
		p := pricingProfile()
		before := prob(m, p, PriceBudget)
		if err := m.Observe(p, nil); err != nil {
			t.Fatal(err)
		}
		if after := prob(m, p, PriceBudget); !(after < before) {
			t.Errorf("price_budget probability %v after a call with no objections, want less than %v", after, before)
		}
	})

	t.Run("DuplicatesCountOnce", func(t *testing.T) {
		t.Parallel()
		a, b := NewModel(), NewModel()
		if err := a.Observe(pricingProfile(), []Category{PriceBudget, PriceBudget}); err != nil {
			t.Fatal(err)
		}
		if err := b.Observe(pricingProfile(), []Category{PriceBudget}); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a.Predict(pricingProfile(), 3), b.Predict(pricingProfile(), 3)) {
			t.Error("a repeated category changed predictions, want it to count once")
		}
	})

	t.Run("RejectsUnknownCategoryAndChangesNothing", func(t *testing.T) {
		t.Parallel()
		m := NewModel()
		err := m.Observe(pricingProfile(), []Category{PriceBudget, "gremlins"})
		if err == nil || !strings.Contains(err.Error(), `"gremlins"`) {
			t.Fatalf("Observe() error = %v, want one naming \"gremlins\"", err)
		}
		if got := m.Observations(); got != 0 {
			t.Errorf("Observations() = %d after a rejected outcome, want 0", got)
		}
		if !reflect.DeepEqual(m.Predict(pricingProfile(), 3), NewModel().Predict(pricingProfile(), 3)) {
			t.Error("a rejected outcome changed predictions")
		}
	})
}

func TestCategories(t *testing.T) {
	t.Parallel()
	cats := Categories()
	if len(cats) != numCategories {
		t.Fatalf("Categories() has %d, want %d", len(cats), numCategories)
	}
	labels := map[string]bool{}
	for i, c := range cats {
		if c.index() != i {
			t.Errorf("%s.index() = %d, want %d", c, c.index(), i)
		}
		if l := c.Label(); l == "" || l == string(c) || labels[l] {
			t.Errorf("%s.Label() = %q, want a distinct human label", c, l)
		}
		labels[c.Label()] = true
		if got, err := ParseCategory(string(c)); err != nil || got != c {
			t.Errorf("ParseCategory(%q) = %q, %v, want %q", c, got, err, c)
		}
	}
	if _, err := ParseCategory("Price / budget"); err == nil {
		t.Error("ParseCategory(label) succeeded, want an error: ids only")
	}
	if slices.Contains(cats, Category("")) {
		t.Error("empty category listed")
	}
}

func BenchmarkPredict(b *testing.B) {
	m := NewModel()
	for _, l := range loadLabelled(b, "train.jsonl") {
		if err := m.Observe(l.Profile, l.Raised); err != nil {
			b.Fatal(err)
		}
	}
	p := securityProfile()
	p.BudgetAnswer = "$50k-$100k"
	p.Competitor = "Chili Piper"
	b.ReportAllocs()
	for b.Loop() {
		m.Predict(p, 3)
	}
}
