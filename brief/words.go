package brief

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/batonhq/baton/completeness"
)

// formatMoney writes a range the way reps say it: "$50k–$100k", "up to
// €20k", "$75k", "CAD 50k–100k".
func formatMoney(m completeness.Money) string {
	sym, code := "", ""
	switch cur := strings.ToUpper(strings.TrimSpace(m.Currency)); cur {
	case "", "USD":
		sym = "$"
	case "EUR":
		sym = "€"
	case "GBP":
		sym = "£"
	default:
		code = clean(cur, 1, 8) + " "
	}
	lo, hi := sym+amountText(m.Min), sym+amountText(m.Max)
	switch {
	case m.Min == m.Max:
		return code + hi
	case m.Min == 0:
		return "up to " + code + hi
	}
	return code + lo + "–" + hi
}

// amountText writes 50000 as "50k", 1500000 as "1.5m" and 800 as "800".
func amountText(x float64) string {
	unit := ""
	switch {
	case x >= 1e6:
		x, unit = x/1e6, "m"
	case x >= 1e3:
		x, unit = x/1e3, "k"
	}
	x = math.Round(x*10) / 10
	if x >= 1e12 {
		return strconv.FormatFloat(x, 'g', 3, 64) + unit
	}
	return strconv.FormatFloat(x, 'f', -1, 64) + unit
}

// thousands formats n with comma separators: 12000 → "12,000".
func thousands(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && r != '-' && s[i-1] != '-' && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// clean makes outside text safe for one line of a brief: valid UTF-8, no
// control or invisible formatting characters, single spaces, at most
// maxWords words and maxRunes runes, with "…" marking a cut. Words are what
// strings.Fields splits on, so the output's word count is bounded too.
func clean(s string, maxWords, maxRunes int) string {
	if len(s) > maxInputBytes {
		s = s[:maxInputBytes]
	}
	s = strings.ToValidUTF8(s, " ")
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			return ' '
		case !unicode.IsPrint(r):
			return -1 // zero-width and bidi controls, unassigned code points
		}
		return r
	}, s)
	words := strings.Fields(s)
	cut := false
	if len(words) > maxWords {
		words, cut = words[:maxWords], true
	}
	s = strings.Join(words, " ")
	if utf8.RuneCountInString(s) > maxRunes {
		s, cut = strings.TrimSpace(string([]rune(s)[:maxRunes-1])), true
	}
	if cut && s != "" {
		s += "…"
	}
	return s
}

// clause is outside text made into a clause: cleaned to clause length,
// without trailing sentence punctuation.
func clause(s string) string {
	return strings.TrimRight(clean(s, maxClauseWords, maxClauseRunes), ".;:, ")
}

// quote wraps text in typographic quotes.
func quote(s string) string { return "“" + s + "”" }

// endSentence adds a full stop unless s already ends a sentence.
func endSentence(s string) string {
	t := strings.TrimRight(s, "”\")")
	if strings.HasSuffix(t, ".") || strings.HasSuffix(t, "!") || strings.HasSuffix(t, "?") || strings.HasSuffix(t, "…") {
		return s
	}
	return s + "."
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
