package brief_test

import (
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/brief"
	"github.com/batonhq/baton/completeness"
)

// closedWon is a signed deal with the deal summary filled in.
func closedWon() brief.Input {
	return brief.Input{
		Now:          time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC),
		HandoffType:  "closed_won",
		CustomerSide: true,
		Owner:        "Cora",
		Contact:      brief.Contact{Name: "Ana Ruiz", Title: "VP Operations", Email: "ana@acme-robotics.com", TimeZone: "America/New_York"},
		Account:      brief.Account{Name: "Acme Robotics", Industry: "manufacturing", Employees: 450, Country: "US"},
		Signal:       brief.Signal{Type: "contract_signed", Source: "crm"},
		Context: map[string]any{
			"executive_sponsor":   completeness.Person{Name: "Lee Park", Title: "COO"},
			"champion":            map[string]any{"name": "Ana Ruiz", "title": "VP Operations"},
			"business_objectives": "every inbound lead called within 5 minutes",
			"scope":               []any{"routing", "SLA clocks", "Salesforce sync"},
			"commitments":         "Salesforce sync live before Q1; weekly check-ins in month one",
			"go_live_target":      "2027-01-15",
			"contract_value":      60000.0,
			"risk_factors":        []string{"IT team stretched", "LeanData still in trial"},
			"competitors":         []any{"LeanData"},
		},
	}
}

func TestCustomerBrief(t *testing.T) {
	t.Parallel()
	t.Run("WrittenForTheReceivingTeam", func(t *testing.T) {
		t.Parallel()
		b := brief.Build(closedWon())
		if b.Kind != brief.KindCustomer {
			t.Fatalf("got kind %q, want %q", b.Kind, brief.KindCustomer)
		}
		text := b.Text()
		for _, want := range []string{
			"Customer handoff brief: Ana Ruiz, VP Operations, Acme Robotics",
			"is a new customer.",
			"What was sold\n- Features and integrations sold: routing; SLA clocks; Salesforce sync\n- Contract value (ACV): 60k",
			"Who is who\n- Main contact: Ana Ruiz (VP Operations), ana@acme-robotics.com\n- Executive sponsor: Lee Park, COO\n- Champion: Ana Ruiz, VP Operations",
			"What was promised\n- Commitments: Salesforce sync live before Q1; weekly check-ins in month one\n- Go-live target: Fri 15 Jan 2027 (in 53 days)",
			"Risks\n- Objections, open concerns and churn risks: IT team stretched; LeanData still in trial\n- Competitors in the deal: LeanData",
			"What success means\n- Primary objective and success criteria: every inbound lead called within 5 minutes",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("brief lacks %q:\n%s", want, text)
			}
		}
		for _, unwanted := range []string{"prospect", "not yet a customer", "Budget:", "Pain points", "Key qualifiers"} {
			if strings.Contains(text, unwanted) {
				t.Errorf("brief says %q:\n%s", unwanted, text)
			}
		}
	})
	t.Run("MissingCoreFieldsSaySo", func(t *testing.T) {
		t.Parallel()
		in := closedWon()
		in.Context = nil
		text := brief.Build(in).Text()
		for _, want := range []string{"Features and integrations sold: not given", "Stakeholders: not given", "Commitments: not given",
			"Risk register: not given", "Primary objective and success criteria: not given"} {
			if !strings.Contains(text, want) {
				t.Errorf("brief lacks %q:\n%s", want, text)
			}
		}
	})
	t.Run("ExistingCustomerForChurnRisk", func(t *testing.T) {
		t.Parallel()
		in := closedWon()
		in.HandoffType, in.Signal.Type, in.Account.Customer = "churn_risk", "health_dropped", true
		if text := brief.Build(in).Text(); !strings.Contains(text, "is an existing customer.") {
			t.Errorf("churn-risk brief does not say existing customer:\n%s", text)
		}
	})
	t.Run("NotificationHasNoObjections", func(t *testing.T) {
		t.Parallel()
		in := closedWon()
		in.Meeting = &brief.Meeting{StartsAt: in.Now.Add(30 * time.Minute), TimeZone: "America/New_York", Agenda: "Handoff meeting"}
		n := brief.PreCall(in, brief.Build(in), nil)
		if n.Words > brief.MaxWords {
			t.Errorf("got %d words, want at most %d", n.Words, brief.MaxWords)
		}
		for _, unwanted := range []string{"objection", "Budget:", "prospect"} {
			if strings.Contains(n.Text, unwanted) {
				t.Errorf("notification says %q:\n%s", unwanted, n.Text)
			}
		}
		for _, want := range []string{"Key points:", "Risks to watch:", "- Objections, open concerns and churn risks: IT team stretched"} {
			if !strings.Contains(n.Text, want) {
				t.Errorf("notification lacks %q:\n%s", want, n.Text)
			}
		}
	})
}
