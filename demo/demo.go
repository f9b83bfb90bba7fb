// Package demo loads a demo revenue team, accounts and a week of realistic
// buyer signals into an empty database, replayed through the real service
// with a simulated clock: timers fire, handoffs are accepted, touched,
// rejected and breached as they would be, so lists and metrics are full on
// first open. It is deterministic (a fixed seed).
package demo

import (
	"container/heap"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/worker"
)

// Password is every demo user's password. The demo is for trying Baton on
// a laptop: never expose a demo database.
const Password = "baton-demo-2026"

// Admin is the demo's RevOps admin (team role ops, access admin); Maya Chen
// and Oliver Hughes are managers, everyone else a rep.
const Admin = "rosa.alvarez@baton.example"

// Result says what Load did.
type Result struct {
	Loaded                             bool
	Users, Accounts, Signals, Handoffs int
}

type person struct {
	email, name, role, team, tz, manager, backup string
	capacity                                     int
}

var team = []person{
	{"maya.chen@baton.example", "Maya Chen", baton.RoleManager, "leadership", "America/New_York", "", "", 0},
	{"oliver.hughes@baton.example", "Oliver Hughes", baton.RoleManager, "leadership", "Europe/London", "", "", 0},
	{"rosa.alvarez@baton.example", "Rosa Alvarez", baton.RoleOps, "ops", "America/Chicago", "maya.chen@baton.example", "", 0},
	{"jamal.wright@baton.example", "Jamal Wright", baton.RoleSDR, "sdr", "America/New_York", "maya.chen@baton.example", "", 40},
	{"priya.nair@baton.example", "Priya Nair", baton.RoleSDR, "sdr", "America/New_York", "maya.chen@baton.example", "jamal.wright@baton.example", 40},
	{"tom.becker@baton.example", "Tom Becker", baton.RoleSDR, "sdr", "Europe/London", "oliver.hughes@baton.example", "", 40},
	{"lena.park@baton.example", "Lena Park", baton.RoleSDR, "sdr", "America/Los_Angeles", "maya.chen@baton.example", "", 40},
	{"daniel.okafor@baton.example", "Daniel Okafor", baton.RoleAE, "ae", "America/New_York", "maya.chen@baton.example", "", 0},
	{"sofia.rossi@baton.example", "Sofia Rossi", baton.RoleAE, "ae", "Europe/London", "oliver.hughes@baton.example", "", 0},
	{"ethan.brooks@baton.example", "Ethan Brooks", baton.RoleAE, "ae", "America/Los_Angeles", "maya.chen@baton.example", "daniel.okafor@baton.example", 0},
	{"mia.tanaka@baton.example", "Mia Tanaka", baton.RoleAE, "ae", "Australia/Sydney", "oliver.hughes@baton.example", "", 0},
	{"noah.fischer@baton.example", "Noah Fischer", baton.RoleSE, "se", "Europe/Berlin", "oliver.hughes@baton.example", "", 0},
	{"ava.martin@baton.example", "Ava Martin", baton.RoleSE, "se", "America/Denver", "maya.chen@baton.example", "", 0},
	{"grace.kim@baton.example", "Grace Kim", baton.RoleCSM, "cs", "America/New_York", "maya.chen@baton.example", "", 0},
	{"liam.oconnor@baton.example", "Liam O'Connor", baton.RoleCSM, "cs", "Europe/Dublin", "oliver.hughes@baton.example", "", 0},
	{"zara.ahmed@baton.example", "Zara Ahmed", baton.RoleCSM, "cs", "Asia/Singapore", "oliver.hughes@baton.example", "grace.kim@baton.example", 0},
}

type company struct {
	name, domain, industry, country string
	employees                       int
	customer                        bool
	owner, csm                      string
}

var companies = []company{
	{"Acme Robotics", "acme-robotics.com", "manufacturing", "US", 450, false, "", ""},
	{"Northwind Logistics", "northwind-logistics.com", "logistics", "US", 1200, true, "daniel.okafor@baton.example", "grace.kim@baton.example"},
	{"Bluebird Health", "bluebirdhealth.com", "healthcare", "US", 2300, false, "ethan.brooks@baton.example", ""},
	{"Kestrel Finance", "kestrelfinance.co.uk", "financial services", "GB", 800, true, "sofia.rossi@baton.example", "liam.oconnor@baton.example"},
	{"Harbor & Pine", "harborandpine.com", "retail", "US", 150, false, "", ""},
	{"Quanta Labs", "quantalabs.io", "software", "DE", 90, false, "", ""},
	{"Meridian Energy", "meridian-energy.com.au", "energy", "AU", 3100, false, "mia.tanaka@baton.example", ""},
	{"Solace Insurance", "solaceins.com", "insurance", "US", 5400, true, "daniel.okafor@baton.example", "grace.kim@baton.example"},
	{"Tidewater Foods", "tidewaterfoods.com", "food and beverage", "US", 1100, false, "", ""},
	{"Lumen Education", "lumen-edu.org", "education", "US", 300, false, "", ""},
	{"Copperline Telecom", "copperline.net", "telecommunications", "IE", 1800, true, "sofia.rossi@baton.example", "liam.oconnor@baton.example"},
	{"Fernwood Studios", "fernwood.studio", "media", "GB", 60, false, "", ""},
	{"Atlas Freight", "atlasfreight.sg", "logistics", "SG", 950, true, "mia.tanaka@baton.example", "zara.ahmed@baton.example"},
	{"Brightpath Nonprofit", "brightpath.org", "nonprofit", "US", 45, false, "", ""},
	{"Vertex Manufacturing", "vertexmfg.com", "manufacturing", "US", 2600, false, "ethan.brooks@baton.example", ""},
	{"Orchid Biotech", "orchidbio.com", "biotech", "US", 1400, false, "", ""},
	{"Granite Legal", "granitelegal.com", "legal", "US", 210, false, "", ""},
	{"Polar Analytics", "polaranalytics.fi", "software", "FI", 130, false, "", ""},
	{"Sunrise Hospitality", "sunrisehotels.com", "hospitality", "US", 7000, false, "daniel.okafor@baton.example", ""},
	{"Nimbus Cloudworks", "nimbuscloud.io", "software", "US", 520, true, "ethan.brooks@baton.example", "grace.kim@baton.example"},
}

var contacts = []struct{ first, last, title string }{
	{"Ana", "Ruiz", "VP Operations"}, {"Ben", "Carter", "Head of Sales Ops"}, {"Chloe", "Dubois", "RevOps Manager"},
	{"Dev", "Patel", "CTO"}, {"Emma", "Larsen", "Director of Marketing"}, {"Farid", "Haddad", "CFO"},
	{"Gina", "Moretti", "Sales Director"}, {"Hiro", "Sato", "IT Manager"}, {"Isla", "Campbell", "COO"},
	{"Jonas", "Berg", "Head of Customer Success"}, {"Kira", "Novak", "Procurement Lead"}, {"Leo", "Silva", "CEO"},
}

var messages = map[string][]string{
	baton.SignalDemoRequest: {
		"We need to replace our spreadsheet routing before Q1.",
		"Our SDRs lose leads between tools; can we see how routing works?",
		"Looking for a demo for a 20-person sales team. We use Salesforce.",
		"Need SOC 2 details and a demo for our security review next month.",
	},
	baton.SignalPricingInquiry: {
		"What does it cost for 50 reps? Budget is tight this year.",
		"Comparing you with our current vendor; please send pricing.",
		"Can you share enterprise pricing and contract terms?",
	},
	baton.SignalContactSales: {
		"We are evaluating handoff tools this quarter and want to talk.",
		"Our CS team gets deals with no context. Who can we speak to?",
	},
	baton.SignalTrialSignup:      {"Started a trial to test the Slack alerts.", "Trying it for our EMEA team."},
	baton.SignalContentDownload:  {"Downloaded the handoff checklist."},
	baton.SignalWebinarAttended:  {"Attended the SLA tiers webinar."},
	baton.SignalLeadScoreCrossed: {"Lead score crossed the MQL threshold."},
}

var sources = []string{"website", "webinar", "referral", "partner", "outbound", "event"}

// Load fills an empty database with the demo and replays a week of signals
// ending now. It does nothing when the database already has users.
func Load(ctx context.Context, svc *service.Service, clock *Clock) (Result, error) {
	users, err := svc.Users(ctx)
	if err != nil || len(users) > 0 {
		return Result{}, err
	}
	end := time.Now().UTC().Truncate(time.Minute)
	start := end.Add(-7 * 24 * time.Hour)
	clock.Set(start.Add(-time.Hour))
	defer clock.Live()

	rnd := rand.New(rand.NewPCG(42, 2026))
	res := Result{Loaded: true}
	// Managers first, then everyone else, so manager and backup references resolve.
	for pass := 0; pass < 2; pass++ {
		for _, p := range append(team[:len(team):len(team)], otherTeams...) {
			if (pass == 0) != (p.role == baton.RoleManager || p.backup == "") {
				continue
			}
			u := &baton.User{Email: p.email, Name: p.name, Role: p.role, Team: p.team, TimeZone: p.tz, ManagerID: p.manager,
				BackupID: p.backup, Capacity: p.capacity, Weight: 1, Active: true}
			if p.team == "deal_desk" {
				u.Access = baton.AccessRep // legal and finance, not RevOps admins
			}
			if p.email == "lena.park@baton.example" {
				// On leave for the middle of the week: routing skips her.
				u.AwayFrom, u.AwayUntil = start.Add(2*24*time.Hour), start.Add(4*24*time.Hour)
			}
			if _, err := svc.PutUser(ctx, u); err != nil {
				return res, fmt.Errorf("user %s: %w", p.email, err)
			}
			if err := svc.SetPassword(ctx, u.ID, Password); err != nil {
				return res, fmt.Errorf("user %s: %w", p.email, err)
			}
			res.Users++
		}
	}
	ids := map[string]string{}
	all, err := svc.Users(ctx)
	if err != nil {
		return res, err
	}
	people := map[string]baton.Principal{}
	for _, u := range all {
		ids[u.Email] = u.ID
		people[u.ID] = baton.Principal{UserID: u.ID, Email: u.Email, Name: u.Name, Access: u.Access, Team: u.Team}
	}
	for _, c := range companies {
		a := &baton.Account{Name: c.name, Domain: c.domain, Industry: c.industry, Country: c.country, Employees: c.employees,
			OwnerID: ids[c.owner], CSMID: ids[c.csm], Status: baton.AccountProspect, RenewalDate: renewalDate(c, start)}
		if c.customer {
			a.Status = baton.AccountCustomer
		}
		if _, err := svc.PutAccount(ctx, a); err != nil {
			return res, fmt.Errorf("account %s: %w", c.name, err)
		}
		res.Accounts++
	}

	r := &replay{svc: svc, clock: clock, rnd: rnd, people: people, timers: &worker.Timers{Service: svc, Batch: 1000}}
	r.plan(start, end)
	r.planOtherHandoffs(start)
	if err := r.run(ctx, end); err != nil {
		return res, err
	}
	res.Signals, res.Handoffs = r.signals, r.handoffs
	return res, nil
}

// action is something a person does at a moment of the replayed week.
type action struct {
	at  time.Time
	seq int
	do  func(ctx context.Context) error
}

type queue []*action

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].seq < q[j].seq
}
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)   { *q = append(*q, x.(*action)) }
func (q *queue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

type replay struct {
	svc               *service.Service
	clock             *Clock
	people            map[string]baton.Principal // by user id
	rnd               *rand.Rand
	timers            *worker.Timers
	q                 queue
	seq               int
	signals, handoffs int
}

func (r *replay) at(t time.Time, do func(ctx context.Context) error) {
	r.seq++
	heap.Push(&r.q, &action{at: t, seq: r.seq, do: do})
}

// plan schedules a week of signals at working-hour-weighted random times.
func (r *replay) plan(start, end time.Time) {
	types := []struct {
		t      string
		weight int
	}{
		{baton.SignalDemoRequest, 14}, {baton.SignalPricingInquiry, 8}, {baton.SignalContactSales, 6}, {baton.SignalTrialSignup, 6},
		{baton.SignalContentDownload, 12}, {baton.SignalWebinarAttended, 6}, {baton.SignalLeadScoreCrossed, 8},
		{baton.SignalMeetingBooked, 12}, {baton.SignalTechnicalValidation, 4}, {baton.SignalContractSigned, 3},
		{baton.SignalUsageThreshold, 3}, {baton.SignalHealthDropped, 2}, {baton.SignalTerritoryChanged, 1},
	}
	total := 0
	for _, t := range types {
		total += t.weight
	}
	n := 0
	for t := start; t.Before(end); t = t.Add(time.Duration(12+r.rnd.IntN(30)) * time.Minute) {
		if h := t.Hour(); (h < 12 || h > 23) && r.rnd.IntN(4) > 0 {
			continue // most buyers write during American and European working hours
		}
		pick := r.rnd.IntN(total)
		var typ string
		for _, x := range types {
			if pick < x.weight {
				typ = x.t
				break
			}
			pick -= x.weight
		}
		n++
		sig := r.signal(n, typ, t)
		r.at(t, func(ctx context.Context) error { return r.ingest(ctx, sig) })
	}
}

func (r *replay) signal(n int, typ string, t time.Time) *baton.Signal {
	c := companies[r.rnd.IntN(len(companies))]
	p := contacts[r.rnd.IntN(len(contacts))]
	if typ == baton.SignalContractSigned || typ == baton.SignalUsageThreshold || typ == baton.SignalHealthDropped {
		for c.customer == (typ == baton.SignalContractSigned) {
			c = companies[r.rnd.IntN(len(companies))]
		}
	}
	tz := map[string]string{"US": "America/New_York", "GB": "Europe/London", "DE": "Europe/Berlin", "AU": "Australia/Sydney",
		"IE": "Europe/Dublin", "SG": "Asia/Singapore", "FI": "Europe/Helsinki"}[c.country]
	if c.country == "US" && r.rnd.IntN(2) == 0 {
		tz = "America/Los_Angeles"
	}
	email := strings.ToLower(p.first+"."+p.last) + "@" + c.domain
	sig := &baton.Signal{
		ExternalID: fmt.Sprintf("demo-%04d", n), Type: typ, OccurredAt: t.Add(-time.Duration(r.rnd.IntN(90)) * time.Second),
		Source: sources[r.rnd.IntN(len(sources))], Campaign: "q4-handoff-week",
		Contact: baton.SignalContact{Email: email, Name: p.first + " " + p.last, Title: p.title, Phone: "+1 415 555 01" + fmt.Sprintf("%02d", n%100), TimeZone: tz},
		Account: baton.SignalAccount{Name: c.name, Domain: c.domain, Employees: c.employees, Industry: c.industry, Country: c.country},
		Fields:  map[string]any{},
	}
	if msgs := messages[typ]; len(msgs) > 0 {
		sig.Message = msgs[r.rnd.IntN(len(msgs))]
	}
	switch typ {
	case baton.SignalContentDownload, baton.SignalWebinarAttended, baton.SignalLeadScoreCrossed:
		sig.Fields["lead_score"] = float64(40 + r.rnd.IntN(55))
	case baton.SignalMeetingBooked:
		sdr := team[3+r.rnd.IntN(4)]
		sig.Sender = sdr.email
		loc, _ := time.LoadLocation(tz)
		day := t.In(loc).AddDate(0, 0, 1+r.rnd.IntN(6))
		startAt := time.Date(day.Year(), day.Month(), day.Day(), 9+r.rnd.IntN(7), 30*r.rnd.IntN(2), 0, 0, loc)
		sig.Meeting = &baton.SignalMeeting{StartsAt: startAt, TimeZone: tz, Agenda: "Discovery: routing and SLA needs",
			Type: "discovery", Attendees: []baton.Attendee{{Name: p.first + " " + p.last, Email: email, Title: p.title}}}
		// What the SDR captured on the booking call: most of the checklist
		// for most meetings, little for some (those go back to the SDR).
		complete := r.rnd.IntN(5) > 0
		sig.Fields["budget_range"] = []string{"$10k-$25k", "$25k-$50k", "$50k-$100k", "$100k-$250k", "N/A"}[r.rnd.IntN(5)]
		sig.Fields["timeline"] = []string{"this quarter", "next quarter", "before the new fiscal year"}[r.rnd.IntN(3)]
		if complete {
			sig.Fields["pain_points"] = []string{"leads wait hours for a first call\nreps start calls cold", "no owner for weekend leads\nduplicate outreach", "CS gets deals with no context"}[r.rnd.IntN(3)]
			sig.Fields["target_decision_date"] = t.AddDate(0, 0, 14+r.rnd.IntN(60)).Format(time.DateOnly)
			sig.Fields["decision_maker"] = []string{"Farid Haddad, CFO", "Isla Campbell, COO", "Leo Silva, CEO"}[r.rnd.IntN(3)]
			sig.Fields["stakeholders"] = "RevOps lead\nIT manager"
			sig.Fields["trigger_event"] = []string{"missed two large deals to slow follow-up", "new VP of Sales", "moving off spreadsheets before Q1"}[r.rnd.IntN(3)]
			sig.Fields["current_solution"] = []string{"spreadsheets and Slack", "CRM round-robin", "manual assignment by a manager"}[r.rnd.IntN(3)]
			sig.Fields["competitors"] = []string{"N/A", "Chili Piper", "LeanData", "N/A"}[r.rnd.IntN(4)]
			sig.Fields["success_criteria"] = "every inbound lead called within 5 minutes"
			sig.Fields["meeting_type"] = []string{"Discovery", "Demo", "Technical review"}[r.rnd.IntN(3)]
			sig.Fields["product_interest"] = "routing and SLA clocks"
			sig.Fields["requested_next_step"] = "demo for the sales leadership team"
			sig.Fields["qualification_notes"] = "N/A"
			sig.Fields["recommended_approach"] = "lead with the SLA breach report"
		}
	case baton.SignalContractSigned:
		wonDeal(sig) // ktmeeting.go
	case baton.SignalUsageThreshold:
		sig.Fields["active_users"] = float64(50 + r.rnd.IntN(200))
	case baton.SignalHealthDropped:
		sig.Fields["health_score"] = float64(20 + r.rnd.IntN(30))
	}
	return sig
}

func (r *replay) ingest(ctx context.Context, sig *baton.Signal) error {
	res, err := r.svc.Ingest(ctx, sig)
	if err != nil {
		return fmt.Errorf("signal %s: %w", sig.ExternalID, err)
	}
	r.signals++
	if res.Handoff == nil || res.Joined || res.Duplicate {
		return nil
	}
	r.handoffs++
	h := res.Handoff
	now := r.clock.Now()
	if err := r.writeDealSummary(ctx, sig, h, now); err != nil {
		return err
	}
	r.runKTMeeting(sig, h, now)
	window := h.AcceptBy.Sub(now)
	// How the owner behaves: most accept in time, some late, some never
	// (the clock escalates to the manager and moves it to the backup), a
	// few reject it for missing context.
	switch roll := r.rnd.IntN(100); {
	case roll < 62:
		r.progress(h, now.Add(time.Duration(r.rnd.Float64()*0.9*float64(window))), true)
	case roll < 77:
		r.progress(h, now.Add(window+time.Duration(r.rnd.Float64()*float64(window))), false)
	case roll < 86:
		r.at(now.Add(time.Duration(r.rnd.Float64()*0.5*float64(window))), func(ctx context.Context) error {
			return r.act(ctx, h.ID, baton.CmdReject, service.CommandInput{Reason: "missing context", Gaps: []string{"budget range", "decision maker"}})
		})
	default:
		// Never accepted: the ladder runs its course.
	}
	return nil
}

// writeDealSummary has the AE write the deal summary of a closed-won
// handoff as it is handed over: complete for some deals, partial or thin
// for others (dealsummary.go).
func (r *replay) writeDealSummary(ctx context.Context, sig *baton.Signal, h *baton.Handoff, now time.Time) error {
	if h.Type != "closed_won" {
		return nil
	}
	rnd := summaryRand(sig)
	aes := []string{"Daniel Okafor, AE", "Sofia Rossi, AE", "Ethan Brooks, AE", "Mia Tanaka, AE"}
	fields, q := dealSummary(rnd, sig, aes[rnd.IntN(len(aes))], now)
	demoer := baton.Principal{Name: "demo", Access: baton.AccessManager}
	_, err := r.svc.UpdateContext(ctx, demoer, h.ID, fields)
	if err != nil {
		return fmt.Errorf("deal summary of %s: %w", h.ID, err)
	}
	if after, ok := introductionAfter(rnd, q); ok {
		r.at(now.Add(after), func(ctx context.Context) error {
			_, err := r.svc.CompleteActivity(ctx, demoer, h.ID, "customer_introduction", "introduction email sent")
			if code := baton.ErrorCode(err); code == baton.ECONFLICT || code == baton.ENOTFOUND {
				return nil // the handoff moved on first
			}
			return err
		})
	}
	return nil
}

// progress accepts a handoff at t, touches the buyer soon after, and often
// records an outcome a day or two later.
func (r *replay) progress(h *baton.Handoff, t time.Time, onTime bool) {
	id := h.ID
	r.at(t, func(ctx context.Context) error {
		if err := r.act(ctx, id, baton.CmdAccept, service.CommandInput{}); err != nil {
			return err
		}
		touch := t.Add(time.Duration(1+r.rnd.IntN(40)) * time.Minute)
		if left := h.FirstTouchBy.Sub(t); onTime && left > 0 {
			touch = t.Add(time.Duration(r.rnd.Float64() * 0.9 * float64(left)))
		}
		r.at(touch, func(ctx context.Context) error {
			if err := r.act(ctx, id, baton.CmdTouch, service.CommandInput{Note: "called and emailed"}); err != nil {
				return err
			}
			if r.rnd.IntN(3) > 0 {
				outcome := baton.Outcomes[r.rnd.IntN(len(baton.Outcomes))]
				r.at(touch.Add(time.Duration(12+r.rnd.IntN(48))*time.Hour), func(ctx context.Context) error {
					return r.act(ctx, id, baton.CmdOutcome, service.CommandInput{Outcome: outcome})
				})
			}
			return nil
		})
		return nil
	})
}

// act runs a command as the handoff's owner, ignoring conflicts: the clock
// may have moved the handoff on (to a backup) before the person got to it,
// as in life.
func (r *replay) act(ctx context.Context, id string, cmd baton.Command, in service.CommandInput) error {
	h, err := r.svc.Handoff(ctx, id)
	if err != nil {
		return err
	}
	p, ok := r.people[h.OwnerID]
	if !ok {
		p = baton.Principal{Name: "demo", Access: baton.AccessManager}
	}
	_, err = r.svc.Act(ctx, p, id, cmd, in)
	if baton.ErrorCode(err) == baton.ECONFLICT {
		return nil
	}
	return err
}

// run replays the queued actions in time order, firing due timers before
// each one, up to end.
func (r *replay) run(ctx context.Context, end time.Time) error {
	for r.q.Len() > 0 {
		a := heap.Pop(&r.q).(*action)
		if a.at.After(end) {
			break
		}
		if err := r.advance(ctx, a.at); err != nil {
			return err
		}
		if err := a.do(ctx); err != nil {
			return err
		}
	}
	return r.advance(ctx, end)
}

// advance moves the clock to t, firing every timer that falls due on the
// way at its own due time.
func (r *replay) advance(ctx context.Context, t time.Time) error {
	for cur := r.clock.Now().Truncate(time.Minute).Add(time.Minute); cur.Before(t); cur = cur.Add(time.Minute) {
		if err := r.fireAt(ctx, cur); err != nil {
			return err
		}
	}
	return r.fireAt(ctx, t)
}

func (r *replay) fireAt(ctx context.Context, t time.Time) error {
	r.clock.Set(t)
	for {
		n, err := r.timers.RunOnce(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
	}
}
