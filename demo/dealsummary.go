package demo

import (
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/batonhq/baton"
)

// Deal summary qualities: how much the AE wrote before handing a signed
// deal to customer success, so completeness and quality scores spread.
const (
	summaryComplete = "complete" // every section, tables with complete rows
	summaryPartial  = "partial"  // some sections, rows missing columns
	summaryThin     = "thin"     // what was sold, and little else
)

// summaryQuality picks a deal's quality from its signal: about two in five
// complete, one in three partial, the rest thin.
func summaryQuality(rnd *rand.Rand) string {
	switch n := rnd.IntN(100); {
	case n < 40:
		return summaryComplete
	case n < 75:
		return summaryPartial
	}
	return summaryThin
}

// introductionAfter is when the AE sends the customer introduction after
// handing over the deal, if ever: an AE who wrote a complete summary
// introduces within the day, a partial one within 48 hours or late, a thin
// one late or never.
func introductionAfter(rnd *rand.Rand, q string) (time.Duration, bool) {
	hours := func(min, span int) time.Duration { return time.Duration(min+rnd.IntN(span)) * time.Hour }
	switch n := rnd.IntN(100); {
	case q == summaryComplete:
		return hours(2, 20), true
	case q == summaryPartial && n < 60:
		return hours(12, 30), true
	case q == summaryPartial || n < 40:
		return hours(50, 30), true
	}
	return 0, false
}

// summaryRand is a deal's own random source, seeded by its signal, so the
// deal summaries leave the week's replay as it was.
func summaryRand(sig *baton.Signal) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(sig.ExternalID))
	return rand.New(rand.NewPCG(h.Sum64(), 7))
}

// dealSummary is the closed-won deal summary the AE writes for the signed
// contract sig (ae signed it) at now: the context fields of the default
// playbook's deal_summary template, the stakeholder map, commitment log
// and risk register as rows.
func dealSummary(rnd *rand.Rand, sig *baton.Signal, ae string, now time.Time) (map[string]any, string) {
	q := summaryQuality(rnd)
	pick := func(xs ...string) string { return xs[rnd.IntN(len(xs))] }
	day := func(min, span int) string { return now.AddDate(0, 0, min+rnd.IntN(span)).Format(time.DateOnly) }
	buyer, title := sig.Contact.Name, sig.Contact.Title
	f := map[string]any{
		"scope":          pick("routing; SLA clocks; Salesforce sync", "routing; Slack alerts", "routing; SLA clocks; HubSpot sync; dashboards"),
		"contract_value": float64(18_000 + 6_000*rnd.IntN(12)),
	}
	switch q {
	case summaryComplete:
		f["customer_overview"] = sig.Account.Name + " (" + sig.Account.Industry + ", " + strconv.Itoa(sig.Account.Employees) + " employees) " +
			pick("is moving inbound routing off spreadsheets before the new fiscal year.", "lost two large deals to slow follow-up last quarter.", "is consolidating three regional sales teams onto one process.")
		f["stakeholders"] = []any{
			map[string]any{"name": buyer, "role": title + ", champion", "stance": "champion", "influence": pick("high", "medium"), "communication": pick("Slack, daily", "email, weekly summary")},
			map[string]any{"name": pick("Isla Campbell", "Leo Silva", "Farid Haddad"), "role": pick("COO", "CEO", "CFO") + ", executive sponsor", "stance": pick("supporter", "neutral"), "influence": "high", "communication": "monthly steering call"},
			map[string]any{"name": pick("Hiro Sato", "Dev Patel"), "role": "IT, technical lead", "stance": pick("neutral", "skeptic"), "influence": "medium", "communication": "email, tickets"},
		}
		f["business_objectives"] = pick("every inbound lead called within 5 minutes", "no lead without an owner over a weekend", "CS receives every deal with its context")
		f["success_criteria"] = pick("speed to lead under 5 minutes within 60 days; the champion reports it to the board in Q2", "breach rate under 5% by the end of the quarter")
		f["commitments"] = []any{
			map[string]any{"what": "Salesforce sync live before go-live", "promised_by": ae, "due": day(20, 20), "status": "open", "kind": "written"},
			map[string]any{"what": "Weekly check-ins in the first month", "promised_by": ae, "status": "open", "kind": "verbal"},
			map[string]any{"what": pick("Custom territory rules for EMEA", "A Teams integration on the roadmap"), "promised_by": ae, "due": day(30, 30), "status": pick("open", "at_risk"), "kind": "gray_area"},
		}
		f["implementation_context"] = pick("phased rollout, Americas first; RevOps lead has 20% time", "big-bang go-live after the sales kickoff; IT owns the CRM integration")
		f["go_live_target"] = day(30, 40)
		f["special_terms"] = pick("10% multi-year discount, net 30", "standard terms, quarterly billing", "net 60 at their request")
		f["risks"] = []any{
			map[string]any{"risk": "IT team stretched during a CRM migration", "likelihood": pick("high", "medium"), "impact": "high", "mitigation": "SE joins the kickoff; integration first", "owner": ae},
			map[string]any{"risk": pick("Champion may change roles", "Budget review in Q2"), "likelihood": "low", "impact": pick("high", "medium"), "mitigation": "meet the executive sponsor in month one", "owner": "Customer success"},
		}
	case summaryPartial:
		f["customer_overview"] = sig.Account.Name + ", " + sig.Account.Industry
		f["stakeholders"] = []any{
			map[string]any{"name": buyer, "role": title, "stance": "champion"}, // influence not given
			map[string]any{"name": pick("Isla Campbell", "Leo Silva"), "stance": "supporter"},
		}
		f["business_objectives"] = pick("faster lead response", "fewer dropped handoffs")
		f["commitments"] = []any{
			map[string]any{"what": pick("Discount held for a second year", "Onboarding done in two weeks"), "kind": "verbal", "status": "open"}, // who promised it?
		}
		f["go_live_target"] = day(20, 40)
		f["risks"] = []any{
			map[string]any{"risk": pick("Competitor still in trial", "Unclear owner on their side"), "likelihood": "medium", "impact": "high"},
			map[string]any{"risk": "Budget owner changing roles", "likelihood": "low"}, // impact not given
		}
	case summaryThin:
		f["business_objectives"] = "N/A"
	}
	return f, q
}
