package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/browsertest"
)

// TestTableRowsInABrowser opens a closed-won handoff's stakeholder map,
// commitment log and risk register in headless Chromium at a phone's and a
// desktop's width, with the edit and add forms open: nothing scrolls
// sideways and the accessibility smoke check passes; then it adds a row
// through the form as a person would.
func TestTableRowsInABrowser(t *testing.T) {
	t.Parallel()
	b := browser.Browser(t)
	s := newStack(t)
	won := wonSignal("br-tables")
	h := s.ingest(t, won)
	long := "Salesforce bidirectional sync of accounts, contacts and opportunities with custom field mapping for the " + longAccount + " subsidiaries"
	call[handoffReply](t, s, "PATCH", "/api/v1/handoffs/"+h.ID+"/context", s.admin, map[string]any{"fields": map[string]any{
		"stakeholders": []any{
			map[string]any{"name": "Maximiliane Oberhuber-Schwarzenegger", "role": "Senior Vice President, Global Procurement and Vendor Management", "stance": "champion", "influence": "high", "communication": "email, a weekly summary on Fridays"},
			map[string]any{"name": "Raj Iyer", "role": "IT director"},
		},
		"commitments": []any{map[string]any{"what": long, "promised_by": "Dana Cole, Account Executive", "due": "2027-03-01", "status": "at_risk", "kind": "gray_area"}},
		"risks":       []any{map[string]any{"risk": "IT team stretched", "likelihood": "high", "impact": "high", "mitigation": "SE joins the kickoff", "owner": "Cora Lin"}},
	}}, http.StatusOK)
	secret, _, err := s.svc.SignInVerified(context.Background(), "ops@t.example", baton.SignInOIDC)
	if err != nil {
		t.Fatal(err)
	}
	target := s.srv.URL + "/handoffs/" + h.ID
	for _, v := range []browsertest.Viewport{browsertest.Phone, browsertest.Desktop} {
		t.Run(v.Name, func(t *testing.T) {
			p := b.NewPage(t, v)
			p.SetCookie(s.srv.URL, "baton_session", secret)
			if got := p.Navigate(target); got != http.StatusOK {
				t.Fatalf("got %d, want 200", got)
			}
			for _, sel := range []string{"#t-stakeholders details summary", "#t-commitments details summary", "#t-risks details:last-of-type summary"} {
				p.Click(sel)
			}
			p.WaitVisible("#t-commitments-0-what")
			p.WaitVisible("#t-risks-new-risk")
			p.Keep("tables-" + v.Name)
			p.NoHorizontalScroll(t)
			p.Accessible(t)
		})
	}
	t.Run("AddARow", func(t *testing.T) {
		p := b.NewPage(t, browsertest.Phone)
		p.SetCookie(s.srv.URL, "baton_session", secret)
		p.Navigate(target)
		p.Click("#t-risks details:last-of-type summary")
		p.SetValue("#t-risks-new-risk", "Budget review in Q2")
		p.SetValue("#t-risks-new-likelihood", "low")
		p.SetValue("#t-risks-new-impact", "medium")
		if got := p.Submit("#t-risks-new-risk"); got != http.StatusOK {
			t.Fatalf("got %d after the redirect, want 200", got)
		}
		if text := p.Text("#t-risks"); !strings.Contains(text, "Budget review in Q2 · low · medium") {
			t.Errorf("risk register shows %q, want the new row", text)
		}
	})
}
