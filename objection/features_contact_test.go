package objection

import (
	"slices"
	"strings"
	"testing"
)

func TestSeniorityAndSigner(t *testing.T) {
	t.Parallel()
	tests := []struct {
		title     string
		employees int
		want      string
		signs     string
	}{
		{"", 50, "unknown", "unknown"},
		{"Marketing Intern", 300, "junior", "no"},
		{"SDR", 40, "junior", "no"},
		{"Sales Development Representative", 40, "junior", "no"},
		{"Executive Assistant to the CEO", 40, "junior", "no"},
		{"Sales Coordinator", 12, "junior", "no"},
		{"Account Executive", 80, "staff", "no"},
		{"Salesforce Administrator", 80, "staff", "no"},
		{"Sales Manager", 60, "manager", "yes"},
		{"Sales Manager", 600, "manager", "no"},
		{"Team Lead, Inbound", 0, "manager", "maybe"},
		{"Assistant Vice President, Sales", 9000, "manager", "no"},
		{"Head of Sales", 400, "director", "yes"},
		{"Director of Revenue Operations", 4000, "director", "no"},
		{"VP Sales", 4000, "vp", "yes"},
		{"Senior Vice President, Marketing", 120, "vp", "yes"},
		{"Co-founder & CEO", 8, "exec", "yes"},
		{"Managing Director", 30, "exec", "yes"},
		{"Owner", 5, "exec", "yes"},
		{"Senior Partner", 60, "exec", "yes"},
		{"Channel Partner Manager", 60, "manager", "yes"},
		{"Principal Engineer", 60, "staff", "no"},
		{"Directora Comercial", 150, "director", "yes"},
		{"Vertriebsleiter", 150, "director", "yes"},
		{"Geschäftsführer", 25, "exec", "yes"},
		{"Praktikantin Vertrieb", 25, "junior", "no"},
		{"Stagiaire marketing", 25, "junior", "no"},
		{"Gerente de Ventas", 250, "manager", "no"},
		{"Chief Revenue Officer", 900, "exec", "yes"},
		{"Wizard", 10, "other", "unknown"},
	}
	for _, tt := range tests {
		rank := seniority(tt.title)
		if rank != tt.want {
			t.Errorf("seniority(%q) = %q, want %q", tt.title, rank, tt.want)
		}
		if got := signer(rank, tt.employees); got != tt.signs {
			t.Errorf("signer(%q, %d) = %q, want %q", rank, tt.employees, got, tt.signs)
		}
	}
}

func TestFunction(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"":                                "unknown",
		"Procurement Manager":             "procurement",
		"Strategic Sourcing Lead":         "procurement",
		"VP IT Procurement":               "procurement",
		"Responsable Achats":              "procurement",
		"General Counsel":                 "legal",
		"CISO":                            "security",
		"Compliance Officer":              "security",
		"Data Protection Officer":         "security",
		"CFO":                             "finance",
		"Financial Controller":            "finance",
		"CTO":                             "it",
		"Solutions Architect":             "it",
		"Director of Revenue Operations":  "revops",
		"Sales Ops Manager":               "revops",
		"HubSpot Admin":                   "revops",
		"COO":                             "operations",
		"Operations Manager":              "operations",
		"Head of Demand Generation":       "marketing",
		"VP Sales":                        "sales",
		"Leiterin Vertrieb":               "sales",
		"Founder":                         "general",
		"Customer Support Lead":           "other_team",
		"Chief Happiness Officer, Office": "other_team",
		"Director":                        "other",
	}
	for in, want := range tests {
		if got := function(in); got != want {
			t.Errorf("function(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCurrentSolution(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"":                                    "unknown",
		"Nothing really":                      "none",
		"n/a":                                 "none",
		"Google Sheets and a shared inbox":    "manual",
		"We forward emails by hand":           "manual",
		"Built our own in Python":             "homegrown",
		"Chili Piper":                         "competitor",
		"LeanData on Salesforce":              "competitor",
		"HubSpot round robin":                 "crm",
		"Salesforce assignment rules":         "crm",
		"Contract with Chili Piper until May": "contract",
		"Some tool from our agency":           "tool",
	}
	for in, want := range tests {
		if got := currentSolution(in); got != want {
			t.Errorf("currentSolution(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDeciders(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"":                           "unknown",
		"Me":                         "self",
		"just me":                    "self",
		"My boss":                    "leadership",
		"CFO":                        "leadership",
		"The board":                  "committee",
		"Sales leadership team":      "committee",
		"Procurement and legal":      "procurement",
		"IT security has to approve": "technical",
		"not sure yet":               "unsure",
		"Whoever":                    "other",
	}
	for in, want := range tests {
		if got := deciders(in); got != want {
			t.Errorf("deciders(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCompetitorNamedAnywhere(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    Profile
		want string
	}{
		{"OnTheForm", Profile{Competitor: "Chili Piper"}, "named"},
		{"InTheMessage", Profile{Message: "We are also trialling LeanData."}, "named"},
		{"CapitalisedAmbiguousName", Profile{Message: "Comparing you with Default and Qualified."}, "named"},
		{"OrdinaryWordIsNotAName", Profile{Message: "The default rules send qualified leads to the wrong rep."}, "none"},
		{"NoneWritten", Profile{Competitor: "n/a"}, "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := competitorFeature(tt.p); got != tt.want {
				t.Errorf("competitorFeature(%+v) = %q, want %q", tt.p, got, tt.want)
			}
		})
	}
}

func TestPredictUsesContactAndAccountHistory(t *testing.T) {
	t.Parallel()
	m := NewModel()
	top3 := func(p Profile) []Category {
		var out []Category
		for _, pr := range m.Predict(p, 3) {
			out = append(out, pr.Category)
		}
		return out
	}
	base := Profile{SignalType: "demo_request", Source: "website", Employees: 300, Industry: "Software"}

	t.Run("JuniorTitleBringsAuthority", func(t *testing.T) {
		t.Parallel()
		p := base
		p.Title = "Sales Development Representative"
		if got := top3(p); !slices.Contains(got, Authority) {
			t.Errorf("top three for an SDR = %v, want it to contain %s", got, Authority)
		}
	})
	t.Run("ProcurementTitleBringsContractTerms", func(t *testing.T) {
		t.Parallel()
		p := base
		p.Title = "Procurement Manager"
		if got := top3(p); !slices.Contains(got, ContractTerms) {
			t.Errorf("top three for procurement = %v, want it to contain %s", got, ContractTerms)
		}
	})
	t.Run("SpreadsheetsBringStatusQuo", func(t *testing.T) {
		t.Parallel()
		p := base
		p.CurrentSolution = "spreadsheets and email"
		if got := top3(p); !slices.Contains(got, StatusQuo) {
			t.Errorf("top three with spreadsheets today = %v, want it to contain %s", got, StatusQuo)
		}
	})
	t.Run("EarlierObjectionAtTheAccountComesBack", func(t *testing.T) {
		t.Parallel()
		p := base
		p.PriorObjections = []Category{TrustRisk}
		got := m.Predict(p, 3)
		i := slices.IndexFunc(got, func(pr Prediction) bool { return pr.Category == TrustRisk })
		if i < 0 {
			t.Fatalf("top three after an earlier trust objection = %v, want it to contain %s", got, TrustRisk)
		}
		if want := "raised trust / risk on an earlier call"; !strings.Contains(got[i].Reason, want) {
			t.Errorf("reason = %q, want it to contain %q", got[i].Reason, want)
		}
	})
	t.Run("DecidingAloneLowersAuthority", func(t *testing.T) {
		t.Parallel()
		alone, asked := base, base
		alone.DecisionMakers = "just me"
		asked.DecisionMakers = "my boss"
		pa := probability(m.Predict(alone, numCategories), Authority)
		pb := probability(m.Predict(asked, numCategories), Authority)
		if !(pa < pb) {
			t.Errorf("authority probability deciding alone %.3f, with a boss %.3f; want the first lower", pa, pb)
		}
	})
}

// probability returns c's probability in preds, or -1 if it is missing.
func probability(preds []Prediction, c Category) float64 {
	for _, p := range preds {
		if p.Category == c {
			return p.Probability
		}
	}
	return -1
}
