package objection

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// maxTextBytes bounds how much of any free-text field is read, so a pasted
// essay costs the same as a paragraph. Enquiry messages longer than this are
// cut; the opening of a message carries its point anyway.
const maxTextBytes = 8 << 10

// Features returns the discrete features of p, sorted and without duplicates.
// Every profile has exactly one feature per attribute (type, source, segment,
// size, industry, budget, timeline, competitor, customer), using "unknown"
// when the field is empty, plus one word=STEM feature per vocabulary word
// found in the message, for example:
//
//	budget=unknown competitor=named customer=new industry=healthcare
//	segment=enterprise size=1000+ source=website timeline=long
//	type=pricing_inquiry word=hipaa word=price
func Features(p Profile) []string {
	fs := make([]string, 0, 16)
	fs = append(fs,
		"type="+signalType(p.SignalType),
		"source="+source(p.Source),
		"segment="+segment(p.Segment, p.Employees),
		"size="+sizeBucket(p.Employees),
		"industry="+industry(p.Industry),
		"budget="+budgetBucket(p.BudgetAnswer),
		"timeline="+timelineBucket(p.TimelineAnswer),
		"competitor="+competitorFeature(p.Competitor),
		"customer="+customerFeature(p.ExistingCustomer),
	)
	for _, w := range messageWords(p.Message) {
		fs = append(fs, "word="+w)
	}
	slices.Sort(fs)
	return slices.Compact(fs)
}

// tokens splits s into lowercase runs of letters and digits. Everything else,
// including invalid UTF-8, separates tokens.
func tokens(s string) []string {
	if len(s) > maxTextBytes {
		s = s[:maxTextBytes]
	}
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// phrases is a token sequence that answers whole-word phrase questions, so
// "now" does not match "know" and "no budget" does not match "piano budget".
type phrases string

func newPhrases(s string) phrases {
	return phrases(" " + strings.Join(tokens(s), " ") + " ")
}

// any reports whether any of the phrases occurs as whole words.
func (p phrases) any(list ...string) bool {
	for _, w := range list {
		if strings.Contains(string(p), " "+w+" ") {
			return true
		}
	}
	return false
}

// key normalises an enumerated value: "Mid-Market" and "mid market" both
// become "mid_market".
func key(s string) string {
	return strings.Join(tokens(s), "_")
}

// signalType maps a signal type to a known type, "other" or "unknown".
func signalType(s string) string {
	k := key(s)
	switch k {
	case "":
		return "unknown"
	case "demo_request", "pricing_inquiry", "contact_sales", "trial_signup",
		"content_download", "webinar_attended", "meeting_booked",
		"technical_validation_requested", "contract_signed", "lead_score_crossed",
		"stage_changed", "usage_threshold_crossed", "health_score_dropped":
		return k
	case "demo", "demo_requested", "book_demo":
		return "demo_request"
	case "pricing", "pricing_request", "pricing_enquiry", "quote_request":
		return "pricing_inquiry"
	case "contact", "contact_form", "contact_us", "sales_inquiry":
		return "contact_sales"
	case "trial", "free_trial", "signup", "sign_up":
		return "trial_signup"
	case "content", "download", "ebook", "whitepaper":
		return "content_download"
	case "webinar", "webinar_attendance":
		return "webinar_attended"
	case "meeting", "meeting_scheduled", "booked_meeting":
		return "meeting_booked"
	case "technical_validation", "poc_request", "proof_of_concept":
		return "technical_validation_requested"
	}
	return "other"
}

// source maps a lead source to a known source, "other" or "unknown".
func source(s string) string {
	k := key(s)
	switch k {
	case "":
		return "unknown"
	case "website", "webinar", "referral", "partner", "outbound", "event",
		"paid_search", "organic_search", "social", "marketplace", "email", "chat":
		return k
	case "web", "inbound", "website_form", "form", "direct":
		return "website"
	case "ppc", "paid", "google_ads", "adwords", "paid_ads", "ads":
		return "paid_search"
	case "seo", "organic", "search", "google":
		return "organic_search"
	case "linkedin", "twitter", "social_media", "facebook":
		return "social"
	case "conference", "trade_show", "tradeshow", "meetup", "field_event":
		return "event"
	case "cold_call", "cold_email", "sdr", "outbound_email", "prospecting":
		return "outbound"
	case "reseller", "channel", "partner_referral", "agency_partner":
		return "partner"
	case "customer_referral", "word_of_mouth", "introduction", "intro":
		return "referral"
	case "app_marketplace", "appexchange", "app_store":
		return "marketplace"
	case "newsletter", "email_campaign", "nurture":
		return "email"
	case "live_chat", "chatbot":
		return "chat"
	}
	return "other"
}

// segment maps the segment to smb, mid_market or enterprise, deriving it from
// the head count when the field is empty or unrecognised.
func segment(s string, employees int) string {
	switch key(s) {
	case "smb", "small", "small_business", "smb_sales", "startup":
		return "smb"
	case "mid_market", "midmarket", "mid", "mm", "mid_size", "midsize", "commercial":
		return "mid_market"
	case "enterprise", "ent", "large", "large_enterprise", "strategic":
		return "enterprise"
	}
	switch {
	case employees <= 0:
		return "unknown"
	case employees < 100:
		return "smb"
	case employees < 1000:
		return "mid_market"
	}
	return "enterprise"
}

// sizeBucket buckets the head count. The edges follow how buying changes: under
// 20 the founder signs, under 100 one manager does, 1,000+ brings procurement.
func sizeBucket(employees int) string {
	switch {
	case employees <= 0:
		return "unknown"
	case employees < 20:
		return "1-19"
	case employees < 100:
		return "20-99"
	case employees < 500:
		return "100-499"
	case employees < 1000:
		return "500-999"
	}
	return "1000+"
}

// industry maps free text to a known industry. It tries the whole value, then
// each pair of words, then each word, so "Regional hospital network" is
// healthcare and "B2B SaaS" is software.
func industry(s string) string {
	ts := tokens(s)
	if len(ts) == 0 {
		return "unknown"
	}
	if v := industryAlias(strings.Join(ts, " ")); v != "" {
		return v
	}
	for i := 0; i+1 < len(ts); i++ {
		if v := industryAlias(ts[i] + " " + ts[i+1]); v != "" {
			return v
		}
	}
	for _, t := range ts {
		if v := industryAlias(t); v != "" {
			return v
		}
	}
	return "other"
}

// industryAlias returns the industry a lowercase word or phrase names, or "".
func industryAlias(w string) string {
	switch w {
	case "software", "saas", "tech", "technology", "it", "devtools", "cybersecurity",
		"internet", "b2b software":
		return "software"
	case "healthcare", "health", "health care", "medical", "hospital", "hospitals",
		"clinic", "clinics", "pharma", "pharmaceutical", "pharmaceuticals", "biotech",
		"dental", "life sciences", "medtech", "healthtech", "telehealth":
		return "healthcare"
	case "finance", "financial", "financial services", "fintech", "banking", "bank",
		"insurance", "insurtech", "lending", "payments", "wealth", "investment",
		"credit union", "asset management":
		return "finance"
	case "education", "edtech", "university", "school", "schools", "college",
		"higher education", "higher ed", "k12", "k 12", "e learning", "elearning",
		"public university":
		return "education"
	case "government", "gov", "public sector", "municipal", "federal", "city", "county",
		"defense", "council", "workforce":
		return "government"
	case "manufacturing", "industrial", "manufacturer", "factory", "automotive",
		"aerospace", "chemicals", "machinery":
		return "manufacturing"
	case "retail", "ecommerce", "e commerce", "consumer", "cpg", "fashion", "dtc",
		"consumer goods":
		return "retail"
	case "professional services", "agency", "consulting", "consultancy", "legal",
		"law", "accounting", "marketing", "recruiting", "staffing":
		return "professional_services"
	case "real estate", "property", "proptech", "realty":
		return "real_estate"
	case "construction", "building", "contractor":
		return "construction"
	case "logistics", "transport", "transportation", "shipping", "freight",
		"supply chain", "trucking", "3pl":
		return "logistics"
	case "media", "publishing", "entertainment", "gaming", "news":
		return "media"
	case "nonprofit", "non profit", "charity", "ngo", "foundation":
		return "nonprofit"
	case "hospitality", "travel", "hotel", "hotels", "restaurant", "restaurants",
		"tourism":
		return "hospitality"
	case "telecom", "telecommunications", "telco":
		return "telecom"
	case "energy", "utilities", "utility", "oil", "solar":
		return "energy"
	}
	return ""
}

// budgetBucket buckets the budget answer: none, low (up to $10k a year), mid
// (up to $50k), high (more), approved (a budget exists but no figure was
// given) or unknown. Monthly figures are annualised. Bare numbers without a
// currency mark or a k/m suffix are ignored, since they are as often years or
// seat counts as money.
func budgetBucket(s string) string {
	ph := newPhrases(s)
	if ph == "  " {
		return "unknown"
	}
	if ph.any("no budget", "none", "zero", "not budgeted", "no money",
		"nothing allocated") {
		return "none"
	}
	if amount, ok := largestAmount(s); ok {
		if ph.any("month", "monthly", "mo", "per month", "a month") {
			amount *= 12
		}
		switch {
		case amount <= 0:
			return "none"
		case amount <= 10_000:
			return "low"
		case amount <= 50_000:
			return "mid"
		}
		return "high"
	}
	if ph.any("approved", "allocated", "signed off", "set aside", "in place", "yes",
		"budgeted", "have budget", "flexible") {
		return "approved"
	}
	if ph.any("tight", "limited", "small", "low", "minimal", "shoestring", "cheap",
		"modest") {
		return "low"
	}
	if ph.any("large", "significant", "big", "substantial", "generous") {
		return "high"
	}
	return "unknown"
}

// largestAmount returns the largest money amount written in s, reading "$50k",
// "25,000 USD", "1.5m" and "$10-25k" (a suffix on the last number of a range
// applies to the whole range, and so does a currency mark on the first).
func largestAmount(s string) (float64, bool) {
	if len(s) > maxTextBytes {
		s = s[:maxTextBytes]
	}
	rs := []rune(strings.ToLower(s))
	currencyWord := newPhrases(s).any("usd", "eur", "gbp", "dollars", "euros",
		"pounds", "aud", "cad")
	var (
		best    float64
		found   bool
		pending []float64 // numbers of a range waiting for their suffix
		marked  bool      // a currency mark precedes the pending numbers
	)
	flush := func(mult float64) {
		for _, v := range pending {
			if marked || mult > 1 || currencyWord {
				found = true
				best = max(best, v*mult)
			}
		}
		pending = pending[:0]
		marked = false
	}
	isDigit := func(i int) bool { return i < len(rs) && rs[i] >= '0' && rs[i] <= '9' }
	for i := 0; i < len(rs); {
		switch r := rs[i]; {
		case r == '$' || r == '€' || r == '£':
			marked = true
			i++
		case isDigit(i):
			j := i
			for isDigit(j) || (j < len(rs) && (rs[j] == ',' || rs[j] == '.') && isDigit(j+1)) {
				j++
			}
			v, err := strconv.ParseFloat(numberText(string(rs[i:j])), 64)
			if err != nil {
				v = 0
			}
			pending = append(pending, v)
			k := j
			for k < len(rs) && rs[k] == ' ' {
				k++
			}
			w := k
			for w < len(rs) && rs[w] >= 'a' && rs[w] <= 'z' {
				w++
			}
			mult := 1.0
			switch string(rs[k:w]) {
			case "k", "thousand", "grand":
				mult = 1e3
			case "m", "mm", "mil", "million":
				mult = 1e6
			}
			i = j
			if mult > 1 {
				i = w
			} else if k < len(rs) && (rs[k] == '-' || rs[k] == '–' || string(rs[k:w]) == "to") {
				// A range: keep the number until the suffix on its last one.
				continue
			}
			flush(mult)
		case r == ' ' || r == '-' || r == '–':
			i++
		case len(pending) > 0 && r == 't' && i+1 < len(rs) && rs[i+1] == 'o':
			i += 2 // "10 to 25k"
		default:
			flush(1)
			i++
		}
	}
	flush(1)
	return best, found
}

// numberText turns a written number into one strconv can parse. Commas are
// thousands separators; so is a dot followed by exactly three digits
// ("€40.000"), which in a budget answer is never a decimal.
func numberText(s string) string {
	s = strings.ReplaceAll(s, ",", "")
	if i := strings.LastIndexByte(s, '.'); i >= 0 && len(s)-i-1 == 3 {
		s = strings.ReplaceAll(s, ".", "")
	}
	return s
}

// timelineBucket buckets the timeline answer: immediate (within about a
// month), short (within a quarter), long (later), exploring (no intent to buy
// yet) or unknown. When an answer names several horizons the latest wins,
// because "ASAP, but realistically next year" is a next-year deal. Named
// quarters ("Q3") are left unknown: without a clock they cannot be placed.
func timelineBucket(s string) string {
	ph := newPhrases(s)
	if ph == "  " {
		return "unknown"
	}
	if ph.any("exploring", "just looking", "researching", "research", "browsing",
		"no timeline", "no plans", "curious", "just curious", "learning", "no date") {
		return "exploring"
	}
	horizon := 0 // 1 immediate, 2 short, 3 long
	if ph.any("asap", "immediately", "urgent", "urgently", "right away", "now",
		"this week", "next week", "today", "tomorrow", "yesterday", "this month",
		"end of month", "end of the month", "month end",
		"a month", "within a month", "few weeks", "couple of weeks", "couple weeks") {
		horizon = 1
	}
	if ph.any("this quarter", "next month", "end of quarter", "end of the quarter",
		"soon", "few months", "couple of months", "couple months", "next 90 days",
		"before the end of the quarter") {
		horizon = max(horizon, 2)
	}
	if ph.any("next year", "next quarter", "next fiscal", "later", "no rush",
		"eventually", "someday", "h2", "second half", "end of year", "year end",
		"a year", "next budget cycle", "not this year", "after the summer",
		"after summer", "new year", "next financial year") {
		horizon = 3
	}
	if h := numericHorizon(tokens(s)); h > horizon {
		horizon = h
	}
	switch horizon {
	case 1:
		return "immediate"
	case 2:
		return "short"
	case 3:
		return "long"
	}
	return "unknown"
}

// numericHorizon reads "2 weeks", "30 days", "3-6 months" or "2027" from a
// token list and returns the latest horizon it names (0 if none).
func numericHorizon(ts []string) int {
	h := 0
	for i, t := range ts {
		if t[0] < '0' || t[0] > '9' {
			continue // most tokens are words; skip them without an error value
		}
		n, err := strconv.Atoi(t)
		if err != nil || n < 0 {
			continue
		}
		if n >= 2000 && n <= 2200 {
			h = 3 // a calendar year: not this quarter's business
			continue
		}
		if i+1 >= len(ts) {
			continue
		}
		days := 0
		switch strings.TrimSuffix(ts[i+1], "s") {
		case "day":
			days = n
		case "week", "wk":
			days = n * 7
		case "month", "mo":
			days = n * 30
		case "year", "yr":
			days = n * 365
		default:
			continue
		}
		switch {
		case days <= 31:
			h = max(h, 1)
		case days <= 92:
			h = max(h, 2)
		default:
			h = 3
		}
	}
	return h
}

// competitorFeature is "named" when the prospect named a competitor.
func competitorFeature(s string) string {
	switch key(s) {
	case "", "none", "no", "n_a", "na", "nobody", "unknown", "not_sure", "nothing":
		return "none"
	}
	return "named"
}

// customerFeature distinguishes an existing customer from a new logo.
func customerFeature(existing bool) string {
	if existing {
		return "existing"
	}
	return "new"
}

// messageWords returns the vocabulary stems found in msg, in order of first
// appearance and without duplicates. Two-word forms ("SOC 2", "sign off")
// are matched before single words; stopwords are skipped.
func messageWords(msg string) []string {
	ts := tokens(msg)
	var out []string
	add := func(stem string) {
		if !slices.Contains(out, stem) {
			out = append(out, stem)
		}
	}
	for i := 0; i < len(ts); i++ {
		if i+1 < len(ts) {
			if stem, ok := lexicon(ts[i] + " " + ts[i+1]); ok {
				add(stem)
				i++
				continue
			}
		}
		if isStopword(ts[i]) {
			continue
		}
		if stem, ok := stemWord(ts[i]); ok {
			add(stem)
		}
	}
	return out
}

// stemWord looks a token up in the vocabulary, first as written and then with
// a common inflection removed ("integrating" → "integrat" → "integrate").
func stemWord(t string) (string, bool) {
	if stem, ok := lexicon(t); ok {
		return stem, true
	}
	for _, suf := range []string{"ing", "ed", "es", "s", "ly"} {
		base, ok := strings.CutSuffix(t, suf)
		if !ok || len(base) < 3 {
			continue
		}
		if stem, ok := lexicon(base); ok {
			return stem, true
		}
		if stem, ok := lexicon(base + "e"); ok {
			return stem, true
		}
	}
	return "", false
}
