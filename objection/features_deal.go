package objection

import (
	"strconv"
	"strings"
)

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
