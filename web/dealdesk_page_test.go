package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/batonhq/baton"
)

// TestDealDeskDecisionPanel: an approval handoff's page offers its owner
// the decision (approve, request changes, reject) instead of accept and
// complete, and the form records it.
func TestDealDeskDecisionPanel(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	for _, u := range []baton.User{
		{Email: "desk1@t.example", Name: "Dana Desk", Role: baton.RoleOps, Access: baton.AccessRep, Team: "deal_desk", TimeZone: "UTC", WorkingHours: "24x7"},
	} {
		u.Active = true
		if _, err := s.svc.PutUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
	}
	sig := exampleSignal("dd-page-1")
	sig["type"] = baton.SignalContractReview
	sig["sender"] = "sdr1@t.example"
	sig["fields"] = map[string]any{"deal_value": 84000.0, "discount": 18.0, "contract_version": "MSA v3",
		"non_standard_terms": "net-60 payment", "deadline": "2026-11-30"}
	h := s.ingest(t, sig)
	if h.Owner == nil || h.Owner.Email != "desk1@t.example" {
		t.Fatalf("got owner %+v, want the desk", h.Owner)
	}
	desk := s.signInAdmin(t, "desk1")
	path := "/handoffs/" + h.ID

	st, page := desk.get(t, path)
	page = html.UnescapeString(page)
	if st != http.StatusOK || !strings.Contains(page, `id="decision"`) || !strings.Contains(page, `value="request_changes"`) {
		t.Fatalf("got %d, want the decision panel", st)
	}
	if strings.Contains(page, `action="`+path+`/accept"`) || strings.Contains(page, `action="`+path+`/complete"`) {
		t.Error("an approval's page offers accept or complete besides the decision")
	}

	t.Run("RejectWithoutAReasonIsNamed", func(t *testing.T) {
		st, page, _ := desk.post(t, path+"/decision", url.Values{"decision": {"reject"}})
		if st == http.StatusSeeOther || !strings.Contains(page, `id="decision-reason-err"`) {
			t.Errorf("got %d, want the form again with the reason's error", st)
		}
		if got := s.handoff(t, h.ID); got.State.Open() == false {
			t.Errorf("a refused decision closed the handoff: %s", got.State)
		}
	})

	t.Run("ApproveClosesIt", func(t *testing.T) {
		st, _, loc := desk.post(t, path+"/decision", url.Values{"decision": {"approve"}, "note": {"within policy"}})
		if st != http.StatusSeeOther || loc != path {
			t.Fatalf("got %d to %q, want 303 to the page", st, loc)
		}
		got := s.handoff(t, h.ID)
		if got.State != baton.StateCompleted || got.Outcome != "approved" {
			t.Errorf("got %s with outcome %q, want completed approved", got.State, got.Outcome)
		}
		_, page := desk.get(t, path)
		if strings.Contains(page, `id="decision"`) {
			t.Error("a decided handoff still offers the decision")
		}
	})
}
