package objection

import (
	"slices"
	"strings"
	"testing"
)

func TestFeatures(t *testing.T) {
	t.Parallel()

	t.Run("FullProfile", func(t *testing.T) {
		t.Parallel()
		p := Profile{
			SignalType:      "Pricing Inquiry",
			Source:          "Website",
			Segment:         "Enterprise",
			Employees:       4200,
			Industry:        "Regional hospital network",
			BudgetAnswer:    "not decided",
			TimelineAnswer:  "next year",
			Message:         "What's your pricing? We need SOC 2 and HIPAA, and it must integrate with Salesforce. Pricing again.",
			Competitor:      "Chili Piper",
			Title:           "Senior Manager, Revenue Operations",
			CurrentSolution: "Salesforce assignment rules",
			DecisionMakers:  "CFO and our VP Sales",
			PriorObjections: []Category{Timing, SecurityCompliance},
		}
		got := Features(p)
		want := []string{
			"budget=unknown", "competitor=named", "current=crm", "customer=new",
			"deciders=leadership", "function=revops", "industry=healthcare",
			"prior=security_compliance", "prior=timing",
			"segment=enterprise", "seniority=manager", "signer=no", "size=1000+", "source=website",
			"timeline=long", "type=pricing_inquiry", "word=hipaa", "word=integration", "word=price",
			"word=salesforce", "word=soc2",
		}
		if !slices.Equal(got, want) {
			t.Errorf("Features() = %q, want %q", got, want)
		}
	})

	t.Run("EmptyProfileIsAllUnknown", func(t *testing.T) {
		t.Parallel()
		got := Features(Profile{})
		want := []string{
			"budget=unknown", "competitor=none", "current=unknown", "customer=new",
			"deciders=unknown", "function=unknown", "industry=unknown", "segment=unknown",
			"seniority=unknown", "signer=unknown", "size=unknown", "source=unknown",
			"timeline=unknown", "type=unknown",
		}
		if !slices.Equal(got, want) {
			t.Errorf("Features() = %q, want %q", got, want)
		}
	})

	t.Run("UnknownValuesBecomeOther", func(t *testing.T) {
		t.Parallel()
		got := Features(Profile{SignalType: "carrier pigeon", Source: "billboard", Industry: "Beekeeping", ExistingCustomer: true})
		for _, f := range []string{"type=other", "source=other", "industry=other", "customer=existing"} {
			if !slices.Contains(got, f) {
				t.Errorf("Features() = %q, want it to contain %q", got, f)
			}
		}
	})
}

func TestSegmentAndSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		segment     string
		employees   int
		wantSegment string
		wantSize    string
	}{
		{"", 0, "unknown", "unknown"},
		{"", -5, "unknown", "unknown"},
		{"", 12, "smb", "1-19"},
		{"", 20, "smb", "20-99"},
		{"", 99, "smb", "20-99"},
		{"", 100, "mid_market", "100-499"},
		{"", 999, "mid_market", "500-999"},
		{"", 1000, "enterprise", "1000+"},
		{"Mid-Market", 40, "mid_market", "20-99"},
		{"mid market", 0, "mid_market", "unknown"},
		{"ENT", 300, "enterprise", "100-499"},
		{"SMB", 5000, "smb", "1000+"},
		{"galactic", 250, "mid_market", "100-499"},
	}
	for _, tt := range tests {
		if got := segment(tt.segment, tt.employees); got != tt.wantSegment {
			t.Errorf("segment(%q, %d) = %q, want %q", tt.segment, tt.employees, got, tt.wantSegment)
		}
		if got := sizeBucket(tt.employees); got != tt.wantSize {
			t.Errorf("sizeBucket(%d) = %q, want %q", tt.employees, got, tt.wantSize)
		}
	}
}

func TestSignalTypeAndSource(t *testing.T) {
	t.Parallel()
	types := map[string]string{
		"demo_request":                   "demo_request",
		"Demo Request":                   "demo_request",
		"pricing":                        "pricing_inquiry",
		"technical-validation-requested": "technical_validation_requested",
		"free trial":                     "trial_signup",
		"":                               "unknown",
		"smoke signal":                   "other",
	}
	for in, want := range types {
		if got := signalType(in); got != want {
			t.Errorf("signalType(%q) = %q, want %q", in, got, want)
		}
	}
	sources := map[string]string{
		"Referral":    "referral",
		"trade show":  "event",
		"Google Ads":  "paid_search",
		"LinkedIn":    "social",
		"linkedin_ad": "social",
		"review_site": "review_site",
		"G2":          "review_site",
		"podcast":     "community",
		"community":   "community",
		"cold email":  "outbound",
		"AppExchange": "marketplace",
		"":            "unknown",
		"billboard":   "other",
	}
	for in, want := range sources {
		if got := source(in); got != want {
			t.Errorf("source(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIndustry(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"Healthcare":                "healthcare",
		"Regional hospital network": "healthcare",
		"Life sciences":             "healthcare",
		"B2B SaaS":                  "software",
		"Financial Services":        "finance",
		"Credit union":              "finance",
		"Insurance brokerage":       "finance",
		"Higher education":          "education",
		"State workforce agency":    "government",
		"Public university":         "education",
		"City government":           "government",
		"Public sector":             "government",
		"E-commerce":                "retail",
		"Commercial real estate":    "real_estate",
		"Non-profit":                "nonprofit",
		"Freight brokerage":         "logistics",
		"Marketing agency":          "professional_services",
		"":                          "unknown",
		"Beekeeping":                "other",
	}
	for in, want := range tests {
		if got := industry(in); got != want {
			t.Errorf("industry(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBudgetBucket(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"", "unknown"},
		{"not decided", "unknown"},
		{"TBD", "unknown"},
		{"depends on pricing", "unknown"},
		{"no budget yet", "none"},
		{"none", "none"},
		{"$0", "none"},
		{"under $10k", "low"},
		{"$5,000", "low"},
		{"$200/mo max", "low"},
		{"tight", "low"},
		{"$2k/month", "mid"},
		{"$10-25k", "mid"},
		{"25,000 USD", "mid"},
		{"around 30 thousand dollars", "mid"},
		{"€40.000", "mid"},
		{"$50k-$100k", "high"},
		{"1.5m", "high"},
		{"$250k approved", "high"},
		{"budget approved", "approved"},
		{"approved for Q3", "approved"},
		{"we have 20 reps", "unknown"},
		{"0-10k", "low"},
	}
	for _, tt := range tests {
		if got := budgetBucket(tt.in); got != tt.want {
			t.Errorf("budgetBucket(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTimelineBucket(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"", "unknown"},
		{"I don't know", "unknown"},
		{"Q3", "unknown"},
		{"ASAP", "immediate"},
		{"now", "immediate"},
		{"within 2 weeks", "immediate"},
		{"end of month", "immediate"},
		{"this quarter", "short"},
		{"next month", "short"},
		{"60 days", "short"},
		{"next quarter", "long"},
		{"next year", "long"},
		{"3-6 months", "long"},
		{"FY2027", "unknown"},
		{"2027", "long"},
		{"ASAP but realistically next year", "long"},
		{"just exploring", "exploring"},
		{"no timeline", "exploring"},
		{"I know it matters", "unknown"},
	}
	for _, tt := range tests {
		if got := timelineBucket(tt.in); got != tt.want {
			t.Errorf("timelineBucket(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMessageWords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"Empty", "", nil},
		{"IgnoresWordsOutsideVocabulary", "Hello, we love your product and the team!", nil},
		{"StemsInflections", "Pricing, prices and costs; integrating and integrations", []string{"price", "cost", "integration"}},
		{"MatchesTwoWordForms", "We need SOC 2, a pen test and single sign-on, built in house", []string{"soc2", "pentest", "sso", "homegrown"}},
		{"MatchesJoinedForms", "soc2 and iso27001", []string{"soc2", "iso27001"}},
		{"IsCaseInsensitive", "GDPR HIPAA Salesforce API", []string{"gdpr", "hipaa", "salesforce", "api"}},
		{"DeduplicatesInOrderOfFirstUse", "budget, Budget, BUDGETS, price", []string{"budget", "price"}},
		{"SkipsStopwords", "is as us was it", nil},
		{"CompetitorNames", "We use Chili Piper and Gong", []string{"competitor"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := messageWords(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("messageWords(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPriorRulesAreWellFormed(t *testing.T) {
	t.Parallel()
	attrs := []string{"type", "source", "segment", "size", "industry", "budget", "timeline", "competitor",
		"customer", "seniority", "signer", "function", "current", "deciders", "prior", "word"}
	seen := map[string]bool{}
	for _, r := range priorRules() {
		if seen[r.feature] {
			t.Errorf("prior feature %q defined twice", r.feature)
		}
		seen[r.feature] = true
		attr, val, ok := strings.Cut(r.feature, "=")
		if !ok || !slices.Contains(attrs, attr) || val == "" {
			t.Errorf("prior feature %q is not attr=value with a known attr", r.feature)
		}
		if attr == "word" {
			if stem, ok := lexicon(val); !ok || stem != val {
				t.Errorf("prior word %q is not a vocabulary stem (lexicon gives %q, %v)", val, stem, ok)
			}
		}
		if r.weight <= 0 {
			t.Errorf("prior feature %q: weight %v, want > 0", r.feature, r.weight)
		}
		for _, rt := range r.rates {
			if !rt.c.Valid() || rt.p <= 0 || rt.p >= 1 {
				t.Errorf("prior feature %q: rate %v for %q, want a known category and 0 < rate < 1", r.feature, rt.p, rt.c)
			}
		}
	}
	for i, r := range baseRates() {
		if r <= 0 || r >= 1 {
			t.Errorf("base rate of %s = %v, want 0 < rate < 1", Categories()[i], r)
		}
	}
}
