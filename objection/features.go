package objection

import (
	"slices"
	"strings"
	"unicode"
)

// maxTextBytes bounds how much of any free-text field is read, so a pasted
// essay costs the same as a paragraph. Enquiry messages longer than this are
// cut; the opening of a message carries its point anyway.
const maxTextBytes = 8 << 10

// Features returns the discrete features of p, sorted and without duplicates.
// Every profile has exactly one feature per attribute (type, source, segment,
// size, industry, budget, timeline, competitor, customer, seniority,
// function, current, deciders), using "unknown" when the field is empty,
// plus one prior=CATEGORY feature per objection recorded earlier at the
// account and one word=STEM feature per vocabulary word found in the
// message, for example:
//
//	budget=unknown competitor=named current=manual customer=new
//	deciders=leadership function=sales industry=healthcare prior=timing
//	segment=enterprise seniority=manager size=1000+ source=website
//	timeline=long type=pricing_inquiry word=hipaa word=price
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
		"competitor="+competitorFeature(p),
		"customer="+customerFeature(p.ExistingCustomer),
	)
	fs = append(fs, contactFeatures(p)...)
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
		"paid_search", "organic_search", "social", "marketplace", "email", "chat",
		"review_site", "community":
		return k
	case "web", "inbound", "website_form", "form", "direct":
		return "website"
	case "ppc", "paid", "google_ads", "adwords", "paid_ads", "ads":
		return "paid_search"
	case "seo", "organic", "search", "google":
		return "organic_search"
	case "linkedin", "twitter", "social_media", "facebook", "linkedin_ad", "linkedin_ads",
		"social_ad", "social_ads", "facebook_ad", "facebook_ads", "instagram", "x":
		return "social"
	case "reviews", "review", "g2", "capterra", "trustradius", "getapp":
		return "review_site"
	case "podcast", "forum", "slack_community", "reddit", "newsletter_sponsorship",
		"youtube", "blog":
		return "community"
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

// competitorFeature is "named" when the prospect named a competitor on the
// form or a known competing product in the message.
func competitorFeature(p Profile) string {
	switch key(p.Competitor) {
	case "", "none", "no", "n_a", "na", "nobody", "unknown", "not_sure", "nothing":
		if namesCompetitor(p.Message) {
			return "named"
		}
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
