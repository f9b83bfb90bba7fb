package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
)

// The mix of cmd/baton-load (its signal function), so that the sizes here
// are those of the loopback benchmarks' databases.
var (
	signalTypes = [...]string{
		"demo_request", "pricing_inquiry", "contact_sales", "trial_signup",
		"content_download", "webinar_attended", "lead_score_crossed",
	}
	sources    = [...]string{"website", "webinar", "g2", "partner", "paid_search"}
	campaigns  = [...]string{"q4-webinar", "pricing-page", "ops-ebook", "partner-referral", "brand-search"}
	firstNames = [...]string{"Ana", "Ben", "Chloe", "Dev", "Emeka", "Fatima", "Goran", "Hana", "Ivan", "Jun", "Kofi"}
	lastNames  = [...]string{"Ruiz", "Okafor", "Martin", "Patel", "Nwosu", "Haddad", "Kovač", "Sato", "Petrov", "Li", "Mensah", "Berg", "Silva"}
	titles     = [...]string{"VP Operations", "Head of Sales", "RevOps Manager", "CFO", "Director of Marketing", "Sales Engineer", "COO"}
	industries = [...]string{"manufacturing", "software", "logistics", "healthcare", "financial services", "retail", "education"}
	places     = [...]struct{ country, tz string }{
		{"US", "America/Los_Angeles"}, {"US", "America/New_York"}, {"US", "America/Chicago"},
		{"GB", "Europe/London"}, {"DE", "Europe/Berlin"}, {"BR", "America/Sao_Paulo"},
		{"IN", "Asia/Kolkata"}, {"JP", "Asia/Tokyo"}, {"AU", "Australia/Sydney"},
	}
	messages = [...]string{
		"We need to replace our spreadsheet routing before Q1.",
		"Can we see pricing for 40 seats?",
		"Our SDR team misses follow-ups across time zones.",
		"",
	}
)

const companies = 1000 // distinct account domains

// signalN is signal n of the run: a new contact at one of 1,000 companies.
func signalN(n int64) *baton.Signal {
	k := n % companies
	place := places[k%int64(len(places))]
	first, last := firstNames[n%int64(len(firstNames))], lastNames[n%int64(len(lastNames))]
	domain := "company" + strconv.FormatInt(k, 10) + ".com"
	typ := signalTypes[n%int64(len(signalTypes))]
	score := int(n % 100)
	if typ == "lead_score_crossed" {
		score = 65 + int(n%35)
	}
	return &baton.Signal{
		ExternalID: "disk-" + strconv.FormatInt(n, 10),
		Type:       typ,
		// Omitted, it is when Baton received it: the fake clock's time.
		OccurredAt: time.Time{},
		Source:     sources[n%int64(len(sources))],
		Campaign:   campaigns[n%int64(len(campaigns))],
		Contact: baton.SignalContact{
			Email:    strings.ToLower(first) + strconv.FormatInt(n, 10) + "@" + domain,
			Name:     first + " " + last,
			Title:    titles[n%int64(len(titles))],
			Phone:    fmt.Sprintf("+1 415 555 %04d", n%10000),
			TimeZone: place.tz,
		},
		Account: baton.SignalAccount{
			Name:      "Company " + strconv.FormatInt(k, 10),
			Domain:    domain,
			Employees: 5 + int(k*7919%20000),
			Industry:  industries[k%int64(len(industries))],
			Country:   place.country,
		},
		Message: messages[n%int64(len(messages))],
		Fields:  map[string]any{"lead_score": float64(score)},
	}
}
