package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// The other handoff points: the deal desk, renewals and support
// escalations. Their people join the team; their signals come from a
// generator of their own, so the week's other signals stay as they were.

// otherTeams are the deal desk (legal and finance, a shared queue), account
// management and support.
var otherTeams = []person{
	{"hannah.levi@baton.example", "Hannah Levi", baton.RoleOps, "deal_desk", "America/New_York", "maya.chen@baton.example", "", 0},
	{"marcus.bell@baton.example", "Marcus Bell", baton.RoleOps, "deal_desk", "America/Chicago", "maya.chen@baton.example", "", 0},
	{"olivia.grant@baton.example", "Olivia Grant", baton.RoleAM, "am", "America/New_York", "maya.chen@baton.example", "", 0},
	{"ravi.menon@baton.example", "Ravi Menon", baton.RoleAM, "am", "Europe/London", "oliver.hughes@baton.example", "", 0},
	{"sam.ortiz@baton.example", "Sam Ortiz", baton.RoleCSM, "support", "America/Denver", "maya.chen@baton.example", "", 0},
	{"yuki.mori@baton.example", "Yuki Mori", baton.RoleCSM, "support", "Asia/Tokyo", "oliver.hughes@baton.example", "", 0},
}

// renewalDate gives some customers a renewal date whose 120-day notice
// falls in the demo week, so renewal handoffs appear; "" for the others.
func renewalDate(c company, start time.Time) string {
	day := map[string]int{"Northwind Logistics": 1, "Kestrel Finance": 3, "Atlas Freight": 5}[c.name]
	if !c.customer || day == 0 {
		return ""
	}
	return start.AddDate(0, 0, 120+day).Format(time.DateOnly)
}

// planOtherHandoffs schedules the week's deal-desk requests and support
// escalations, and what the desk and support do with them.
func (r *replay) planOtherHandoffs(start time.Time) {
	rnd := rand.New(rand.NewPCG(7, 2026))
	aes := []string{"daniel.okafor@baton.example", "sofia.rossi@baton.example", "ethan.brooks@baton.example", "mia.tanaka@baton.example"}
	csms := []string{"grace.kim@baton.example", "liam.oconnor@baton.example", "zara.ahmed@baton.example"}
	terms := []string{"net-60 payment", "uncapped liability for data breach", "termination for convenience", "price lock for 3 years", "custom SLA credits"}
	issues := []string{"Routing stopped assigning EMEA leads", "Slack alerts arrive twice", "CRM sync fails for accounts with aliases", "SSO login loops for new users"}
	for i := range 7 {
		c := companies[rnd.IntN(len(companies))]
		p := contacts[rnd.IntN(len(contacts))]
		at := start.Add(time.Duration(14+i*22+rnd.IntN(6)) * time.Hour)
		typ := baton.SignalContractReview
		request := "Contract review"
		if i%2 == 1 {
			typ, request = baton.SignalDiscountApproval, "Discount approval"
		}
		sig := &baton.Signal{
			ExternalID: fmt.Sprintf("demo-desk-%d", i), Type: typ, OccurredAt: at, Source: "crm", Sender: aes[rnd.IntN(len(aes))],
			Contact: baton.SignalContact{Email: p.first + "." + p.last + "@" + c.domain, Name: p.first + " " + p.last, Title: p.title},
			Account: baton.SignalAccount{Name: c.name, Domain: c.domain},
			Message: request + " for the " + c.name + " deal.",
			Fields: map[string]any{"request_type": request, "deal_value": float64(20+rnd.IntN(180)) * 1000, "discount": float64(5 + rnd.IntN(26)),
				"non_standard_terms": terms[rnd.IntN(len(terms))], "contract_version": fmt.Sprintf("MSA v%d", 2+rnd.IntN(3)),
				"deadline": at.AddDate(0, 0, 5).Format(time.DateOnly)},
		}
		decision := []service.DecisionInput{
			{Decision: service.DecisionApprove, Note: "within the discount guidelines"},
			{Decision: service.DecisionRequestChanges, Changes: []string{"cap liability at 12 months of fees"}},
			{Decision: service.DecisionReject, Reason: "discount above 25% needs a multi-year term"},
			{Decision: service.DecisionApprove},
		}[i%4]
		r.other(sig, at, time.Duration(2+rnd.IntN(20))*time.Hour, func(ctx context.Context, id string, p baton.Principal) error {
			_, err := r.svc.Decide(ctx, p, id, decision)
			return err
		})
	}
	for i := range 4 {
		c := companies[rnd.IntN(len(companies))]
		for !c.customer {
			c = companies[rnd.IntN(len(companies))]
		}
		p := contacts[rnd.IntN(len(contacts))]
		at := start.Add(time.Duration(20+i*37+rnd.IntN(8)) * time.Hour)
		sig := &baton.Signal{
			ExternalID: fmt.Sprintf("demo-escalation-%d", i), Type: baton.SignalSupportEscalation, OccurredAt: at, Source: "crm", Sender: csms[rnd.IntN(len(csms))],
			Contact: baton.SignalContact{Email: p.first + "." + p.last + "@" + c.domain, Name: p.first + " " + p.last, Title: p.title},
			Account: baton.SignalAccount{Name: c.name, Domain: c.domain},
			Fields: map[string]any{"issue": issues[i%len(issues)], "severity": []string{"Critical", "High", "Medium"}[rnd.IntN(3)],
				"customer_impact": fmt.Sprintf("%d users affected", 5+rnd.IntN(200)), "steps_taken": "reproduced it\ncollected logs"},
		}
		r.other(sig, at, time.Duration(10+rnd.IntN(40))*time.Minute, func(ctx context.Context, id string, p baton.Principal) error {
			if _, err := r.svc.Act(ctx, p, id, baton.CmdAccept, service.CommandInput{}); err != nil {
				return err
			}
			_, err := r.svc.Act(ctx, p, id, baton.CmdTouch, service.CommandInput{Note: "working with the customer"})
			return err
		})
	}
}

// other ingests sig at at and has its owner act on it after.
func (r *replay) other(sig *baton.Signal, at time.Time, after time.Duration, act func(ctx context.Context, id string, p baton.Principal) error) {
	r.at(at, func(ctx context.Context) error {
		res, err := r.svc.Ingest(ctx, sig)
		if err != nil {
			return fmt.Errorf("signal %s: %w", sig.ExternalID, err)
		}
		r.signals++
		if res.Handoff == nil || res.Joined || res.Duplicate {
			return nil
		}
		r.handoffs++
		id := res.Handoff.ID
		r.at(at.Add(after), func(ctx context.Context) error {
			h, err := r.svc.Handoff(ctx, id)
			if err != nil {
				return err
			}
			p, ok := r.people[h.OwnerID]
			if !ok {
				return nil
			}
			if err := act(ctx, id, p); baton.ErrorCode(err) != baton.ECONFLICT {
				return err
			}
			return nil
		})
		return nil
	})
}
