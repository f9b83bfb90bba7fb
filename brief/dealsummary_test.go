package brief_test

import (
	"strings"
	"testing"

	"github.com/batonhq/baton/brief"
)

// TestDealSummaryTables: the brief writes the stakeholder map with each
// person's stance, the open commitments (at risk first, verbal and gray
// area marked) and the top three risks by likelihood × impact.
func TestDealSummaryTables(t *testing.T) {
	t.Parallel()
	in := closedWon()
	delete(in.Context, "executive_sponsor")
	delete(in.Context, "champion")
	delete(in.Context, "risk_factors")
	in.Context["customer_overview"] = "Robot maker, 450 staff, replacing spreadsheets before a funding round"
	in.Context["stakeholders"] = []any{
		map[string]any{"name": "Lee Park", "role": "COO, executive sponsor", "stance": "champion", "influence": "high", "communication": "email, weekly summary"},
		map[string]any{"name": "Raj Iyer", "role": "IT director", "stance": "skeptic", "influence": "medium"},
	}
	in.Context["commitments"] = []any{
		map[string]any{"what": "Weekly check-ins in month one", "promised_by": map[string]any{"name": "Dana Cole", "title": "AE"}, "status": "open", "kind": "written"},
		map[string]any{"what": "Salesforce sync before Q1", "promised_by": map[string]any{"name": "Dana Cole"}, "due": "2027-01-04", "status": "at_risk", "kind": "verbal"},
		map[string]any{"what": "Custom field mapping", "status": "open", "kind": "gray_area", "due": "2026-12-01"},
		map[string]any{"what": "Pilot workspace", "status": "done", "kind": "written"},
	}
	in.Context["risks"] = []any{
		map[string]any{"risk": "Budget review in Q2", "likelihood": "low", "impact": "medium"},
		map[string]any{"risk": "IT team stretched", "likelihood": "high", "impact": "high", "mitigation": "SE joins the kickoff", "owner": map[string]any{"name": "Cora"}},
		map[string]any{"risk": "LeanData still in trial", "likelihood": "medium", "impact": "high"},
		map[string]any{"risk": "Champion may move roles", "likelihood": "low", "impact": "high"},
	}
	text := brief.Build(in).Text()
	for _, want := range []string{
		"Overview: Robot maker, 450 staff, replacing spreadsheets before a funding round.",
		"Who is who\n- Main contact: Ana Ruiz (VP Operations), ana@acme-robotics.com\n" +
			"- Lee Park (COO, executive sponsor): champion, high influence; prefers email, weekly summary\n" +
			"- Raj Iyer (IT director): skeptic, medium influence\n",
		"What was promised\n" +
			"- Open: Salesforce sync before Q1 (VERBAL, not in the contract; at risk; promised by Dana Cole; due Mon 4 Jan 2027 (in 42 days))\n" +
			"- Open: Custom field mapping (GRAY AREA, not in the contract; due Tue 1 Dec 2026 (in 8 days))\n" +
			"- Open: Weekly check-ins in month one (promised by Dana Cole, AE)\n" +
			"- Done: 1 commitment\n",
		"Risks\n" +
			"- Risk: IT team stretched (likelihood high × impact high); mitigation: SE joins the kickoff; owner: Cora\n" +
			"- Risk: LeanData still in trial (likelihood medium × impact high); no mitigation yet\n" +
			"- Risk: Champion may move roles (likelihood low × impact high); no mitigation yet\n" +
			"- and 1 more in the risk register\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("brief lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Pilot workspace") {
		t.Errorf("brief lists a done commitment:\n%s", text)
	}
	t.Run("ThinTablesStillRead", func(t *testing.T) {
		t.Parallel()
		in := closedWon()
		in.Context["stakeholders"] = []any{map[string]any{"role": "CFO"}}
		in.Context["commitments"] = []any{map[string]any{"what": "SSO"}}
		in.Context["risks"] = []any{map[string]any{"risk": "budget"}}
		text := brief.Build(in).Text()
		for _, want := range []string{"- CFO\n", "- Open: SSO\n", "- Risk: budget; no mitigation yet\n"} {
			if !strings.Contains(text, want) {
				t.Errorf("brief lacks %q:\n%s", want, text)
			}
		}
	})
	t.Run("NotificationStaysShort", func(t *testing.T) {
		t.Parallel()
		n := brief.PreCall(in, brief.Build(in), nil)
		if n.Words > brief.MaxWords {
			t.Errorf("got %d words, want at most %d:\n%s", n.Words, brief.MaxWords, n.Text)
		}
	})
}
