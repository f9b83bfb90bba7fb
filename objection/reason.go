package objection

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	// minReasonLogOdds is the smallest contribution worth naming: about a
	// 10% rise in the odds. Weaker evidence is noise to a rep.
	minReasonLogOdds = 0.1
	// maxReasonFeatures is how many features a reason names, so it stays
	// readable in 90 seconds alongside two other categories.
	maxReasonFeatures = 3
	// maxQuotedRunes bounds prospect-written text (a competitor's name)
	// quoted in a reason.
	maxQuotedRunes = 30
)

// reason explains category ci in one line from the features that raised its
// log-odds most, grouping words into one "mentioned …" clause.
func reason(p Profile, fs []string, ev evidence, ci int) string {
	type cand struct {
		feature string
		d       float64
	}
	var cs []cand
	for j, f := range fs {
		if d := ev.contrib[j][ci]; d >= minReasonLogOdds && !silent(f) {
			cs = append(cs, cand{f, d})
		}
	}
	if len(cs) == 0 {
		return baseRateReason(ev.base[ci])
	}
	slices.SortFunc(cs, func(a, b cand) int {
		if c := cmp.Compare(b.d, a.d); c != 0 {
			return c
		}
		return cmp.Compare(a.feature, b.feature)
	})
	var clauses, words []string
	wordClause := -1
	groups := map[string]bool{}
	named := 0
	for _, c := range cs {
		if named == maxReasonFeatures {
			break
		}
		if g := sameThing(c.feature); g != "" {
			if groups[g] {
				continue
			}
			groups[g] = true
		}
		if stem, ok := strings.CutPrefix(c.feature, "word="); ok {
			if wordClause < 0 {
				wordClause = len(clauses)
				clauses = append(clauses, "")
			}
			words = append(words, wordPhrase(stem))
			named++
			continue
		}
		clauses = append(clauses, describe(c.feature, p))
		named++
	}
	if wordClause >= 0 {
		clauses[wordClause] = "mentioned " + andList(words)
	}
	return strings.Join(clauses, "; ")
}

// baseRateReason is the reason given when nothing in the enquiry points to
// a category: it is listed because it is common on calls in general.
func baseRateReason(base float64) string {
	return fmt.Sprintf("no specific signal; raised on about %d%% of calls", int(math.Round(base*100)))
}

// sameThing groups features that tell a rep the same fact twice, such as
// "enterprise account" and "4,000-person company"; a reason names only the
// strongest of a group.
func sameThing(feature string) string {
	attr, _, _ := strings.Cut(feature, "=")
	switch {
	case attr == "segment" || attr == "size":
		return "company"
	case feature == "type=webinar_attended" || feature == "source=webinar":
		return "webinar"
	}
	return ""
}

// silent reports whether a feature only records that something is absent or
// unrecognised. Such features still count in the score, but "no competitor
// named" or "new logo" explains nothing to a rep, so reasons skip them. The
// missing budget and timeline stay: "budget not decided" is a real warning.
func silent(feature string) bool {
	switch feature {
	case "competitor=none", "customer=new",
		"type=unknown", "type=other", "source=unknown", "source=other",
		"segment=unknown", "size=unknown", "industry=unknown", "industry=other",
		"seniority=unknown", "seniority=other", "signer=unknown", "function=unknown", "function=other",
		"current=unknown", "deciders=unknown", "deciders=other":
		return true
	}
	return false
}

// andList joins "a", "b", "c" as "a, b and c".
func andList(xs []string) string {
	if len(xs) == 1 {
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

// describe names a non-word feature in plain words for a rep.
func describe(feature string, p Profile) string {
	attr, val, _ := strings.Cut(feature, "=")
	switch attr {
	case "type":
		switch val {
		case "pricing_inquiry":
			return "asked about pricing"
		case "demo_request":
			return "requested a demo"
		case "contact_sales":
			return "contacted sales"
		case "trial_signup":
			return "started a trial"
		case "content_download":
			return "downloaded content"
		case "webinar_attended":
			return "attended a webinar"
		case "meeting_booked":
			return "booked a meeting"
		case "technical_validation_requested":
			return "asked for technical validation"
		case "contract_signed":
			return "has just signed"
		case "lead_score_crossed":
			return "crossed the lead-score threshold"
		case "stage_changed":
			return "deal changed stage"
		case "usage_threshold_crossed":
			return "hit a usage threshold"
		case "health_score_dropped":
			return "health score dropped"
		}
		return "unusual signal type"
	case "source":
		switch val {
		case "referral":
			return "came by referral"
		case "partner":
			return "came through a partner"
		case "outbound":
			return "outbound prospect"
		case "event":
			return "met at an event"
		case "webinar":
			return "came from a webinar"
		case "website":
			return "came in through the website"
		case "paid_search":
			return "came from paid search"
		case "organic_search":
			return "found us through search"
		case "social":
			return "came from social media"
		case "marketplace":
			return "came from a marketplace listing"
		case "email":
			return "came from an email campaign"
		case "chat":
			return "came in through chat"
		}
		return "lead source unknown"
	case "segment":
		switch val {
		case "enterprise":
			return "enterprise account"
		case "mid_market":
			return "mid-market account"
		case "smb":
			return "small business"
		}
		return "segment unknown"
	case "size":
		if p.Employees > 0 {
			return thousands(p.Employees) + "-person company"
		}
		return "company size unknown"
	case "industry":
		switch val {
		case "unknown":
			return "industry unknown"
		case "other":
			return "less common industry"
		case "finance":
			return "in financial services"
		}
		return "in " + strings.ReplaceAll(val, "_", " ")
	case "budget":
		switch val {
		case "none":
			return "no budget set"
		case "low":
			return "budget under $10k"
		case "mid":
			return "budget $10k-50k"
		case "high":
			return "budget over $50k"
		case "approved":
			return "budget approved"
		}
		return "budget not decided"
	case "timeline":
		switch val {
		case "immediate":
			return "wants to start now"
		case "short":
			return "buying this quarter"
		case "long":
			return "long timeline"
		case "exploring":
			return "just exploring"
		}
		return "no timeline given"
	case "competitor":
		if val == "named" {
			return "named " + quote(p.Competitor)
		}
		return "no competitor named"
	case "customer":
		if val == "existing" {
			return "existing customer"
		}
		return "new logo"
	case "seniority":
		return seniorityPhrase(val, p.Title)
	case "signer":
		switch val {
		case "yes":
			return "can likely sign (" + quote(p.Title) + ")"
		case "no":
			return "cannot sign alone (" + quote(p.Title) + ")"
		}
		return "may need sign-off (" + quote(p.Title) + ")"
	case "function":
		return functionPhrase(val, p.Title)
	case "current":
		return currentPhrase(val, p.CurrentSolution)
	case "deciders":
		return decidersPhrase(val, p.DecisionMakers)
	case "prior":
		return "raised " + strings.ToLower(Category(val).Label()) + " on an earlier call"
	}
	return feature
}

// seniorityPhrase names a seniority feature, quoting the title.
func seniorityPhrase(val, title string) string {
	switch val {
	case "junior":
		return "junior title (" + quote(title) + ")"
	case "staff":
		return "individual contributor (" + quote(title) + ")"
	case "manager":
		return "manager-level title (" + quote(title) + ")"
	case "director":
		return "director-level title (" + quote(title) + ")"
	case "vp":
		return "VP-level title (" + quote(title) + ")"
	case "exec":
		return "executive title (" + quote(title) + ")"
	}
	return "title " + quote(title)
}

// functionPhrase names a function feature, quoting the title.
func functionPhrase(val, title string) string {
	switch val {
	case "procurement":
		return "works in procurement (" + quote(title) + ")"
	case "legal":
		return "works in legal (" + quote(title) + ")"
	case "security":
		return "works in security or compliance (" + quote(title) + ")"
	case "finance":
		return "works in finance (" + quote(title) + ")"
	case "it":
		return "technical role (" + quote(title) + ")"
	case "revops":
		return "runs sales or revenue operations (" + quote(title) + ")"
	case "operations":
		return "runs operations (" + quote(title) + ")"
	case "marketing":
		return "works in marketing (" + quote(title) + ")"
	case "sales":
		return "works in sales (" + quote(title) + ")"
	case "general":
		return "runs the company (" + quote(title) + ")"
	case "other_team":
		return "outside the revenue team (" + quote(title) + ")"
	}
	return "title " + quote(title)
}

// currentPhrase names a current-solution feature, quoting the answer.
func currentPhrase(val, answer string) string {
	switch val {
	case "none":
		return "nothing in place today"
	case "manual":
		return "works by hand today"
	case "homegrown":
		return "built their own tool"
	case "competitor":
		return "uses " + quote(answer) + " today"
	case "crm":
		return "routes with their CRM today"
	case "contract":
		return "under contract today"
	}
	return "uses " + quote(answer) + " today"
}

// decidersPhrase names a decision-makers feature, quoting the answer.
func decidersPhrase(val, answer string) string {
	switch val {
	case "self":
		return "decides alone"
	case "leadership":
		return "needs sign-off from " + quote(answer)
	case "committee":
		return "decided by a group"
	case "procurement":
		return "procurement or legal signs"
	case "technical":
		return "IT or security must approve"
	case "unsure":
		return "does not know who decides"
	}
	return "decision makers: " + quote(answer)
}

// thousands formats n with comma separators: 12000 → "12,000".
func thousands(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// quote makes prospect-written text safe for a one-line reason: valid UTF-8,
// no control characters or line breaks, single spaces, at most maxQuotedRunes.
func quote(s string) string {
	if len(s) > maxTextBytes {
		s = s[:maxTextBytes]
	}
	s = strings.ToValidUTF8(s, " ")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > maxQuotedRunes {
		s = string([]rune(s)[:maxQuotedRunes-1]) + "…"
	}
	if s == "" {
		return "a competitor"
	}
	return s
}
