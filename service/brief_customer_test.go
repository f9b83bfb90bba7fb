package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/brief"
)

// TestCustomerSideBrief: a closed-won handoff's brief is written for
// customer success: the customer is a customer, the sections say what was
// sold and promised, and no sales objections are predicted.
func TestCustomerSideBrief(t *testing.T) {
	t.Parallel()
	e := setup(t)
	sig := demoRequest("won-brief")
	sig.Type, sig.Sender = baton.SignalContractSigned, e.users["ae1"].Email
	sig.Fields = map[string]any{
		"scope": "routing; SLA clocks", "commitments": "Salesforce sync before Q1",
		"executive_sponsor": "Lee Park, COO", "risk_factors": "IT team stretched", "business_objectives": "leads called within 5 minutes",
	}
	h := e.ingest(t, sig)
	b, err := e.svc.Brief(e.ctx, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	if b.Brief.Kind != brief.KindCustomer {
		t.Errorf("got brief kind %q, want %q", b.Brief.Kind, brief.KindCustomer)
	}
	if len(b.Objections) != 0 {
		t.Errorf("got objections %v, want none for a customer handoff", b.Objections)
	}
	for _, unwanted := range []string{"a prospect, not yet a customer", "Likely objections"} {
		if strings.Contains(b.Text, unwanted) || strings.Contains(b.PreCall.Text, unwanted) {
			t.Errorf("brief says %q:\n%s\n\n%s", unwanted, b.Text, b.PreCall.Text)
		}
	}
	for _, want := range []string{"is a new customer.", "What was sold", "routing; SLA clocks", "Who is who", "What was promised",
		"Salesforce sync before Q1", "Risks", "IT team stretched", "What success means"} {
		if !strings.Contains(b.Text, want) {
			t.Errorf("brief lacks %q:\n%s", want, b.Text)
		}
	}
	t.Run("ProspectBriefUnchanged", func(t *testing.T) {
		h := bookMeeting(t, e, "still-sales", 72*time.Hour)
		b, err := e.svc.Brief(e.ctx, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if b.Brief.Kind != brief.KindSales || len(b.Objections) != 3 {
			t.Errorf("meeting-set brief: got kind %q and %d objections, want sales and 3", b.Brief.Kind, len(b.Objections))
		}
	})
}
