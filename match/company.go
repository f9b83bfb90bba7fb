package match

import (
	"strings"
	"unicode"
)

// NormalizeCompany folds a company name to the form the matcher compares:
// "The ACME Robotics, Inc." and "Acme Robotics" both become "acme robotics".
//
// In order, it:
//   - replaces a word that is a domain name by its first label, so
//     "Booking.com B.V." and "booking" agree;
//   - lowercases, removes apostrophes and full stops inside words ("S.A." is
//     "sa", "Margie's" is "margies"), turns '&' into "and" and every other
//     punctuation or symbol into a space;
//   - strips Latin accents (é→e, ø→o, ß→ss, æ→ae) and combining marks;
//   - drops a leading "the" and leading legal forms (PT, OOO), then trailing
//     legal forms such as Inc, LLC, Ltd, Limited, GmbH, GmbH & Co. KG, AG,
//     SA, SAS, BV, NV, Oy, AB, AS, ApS, Pty Ltd, PLC, Corp, Corporation, Co,
//     Company, KK, SRL, SpA, and the designators Group and Holdings, as
//     many as there are ("Halcyon Hotels Group Ltd" is "halcyon hotels");
//   - collapses runs of spaces.
//
// It never drops the last remaining word, so "The Company" is "company", not
// "". Non-Latin scripts pass through lowercased. NormalizeCompany is
// idempotent.
func NormalizeCompany(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	for _, word := range strings.Fields(name) {
		if label, ok := domainWord(word); ok {
			word = label
		}
		b.WriteByte(' ')
		for _, r := range word {
			foldRune(&b, unicode.ToLower(r))
		}
	}
	words := strings.Fields(b.String())
	words = trimLegalForms(words)
	return strings.Join(words, " ")
}

// domainWord reports whether word, stripped of surrounding punctuation, is a
// domain name such as "Acme.io", and returns its first label. Leads often
// type their website as their company name.
func domainWord(word string) (string, bool) {
	core := strings.Trim(word, `,;:()[]{}"'`)
	if !strings.Contains(core, ".") || strings.ContainsAny(core, "@/") {
		return "", false
	}
	d := NormalizeDomain(core)
	if d == "" {
		return "", false
	}
	label, _, _ := strings.Cut(d, ".")
	return label, true
}

// foldRune writes the comparable form of the lowercase rune r to b.
func foldRune(b *strings.Builder, r rune) {
	switch {
	case r == '\'' || r == '’' || r == '‘' || r == '`' || r == '´' || r == '.':
		// Joins: "S.A." → "sa", "Margie's" → "margies".
	case r == '&':
		b.WriteString(" and ")
	case r < 0x80 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9'):
		b.WriteRune(r)
	case unicode.Is(unicode.Mn, r):
		// Combining accents from decomposed input.
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		if s := foldLatin(r); s != "" {
			b.WriteString(s)
		} else {
			b.WriteRune(r)
		}
	default:
		b.WriteByte(' ')
	}
}

// foldLatin returns the ASCII spelling of a lowercase accented Latin letter,
// or "" for any other rune.
func foldLatin(r rune) string {
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å', 'ā', 'ă', 'ą':
		return "a"
	case 'ç', 'ć', 'ĉ', 'ċ', 'č':
		return "c"
	case 'ď', 'đ', 'ð':
		return "d"
	case 'è', 'é', 'ê', 'ë', 'ē', 'ĕ', 'ė', 'ę', 'ě':
		return "e"
	case 'ĝ', 'ğ', 'ġ', 'ģ':
		return "g"
	case 'ĥ', 'ħ':
		return "h"
	case 'ì', 'í', 'î', 'ï', 'ĩ', 'ī', 'ĭ', 'į', 'ı':
		return "i"
	case 'ĵ':
		return "j"
	case 'ķ':
		return "k"
	case 'ĺ', 'ļ', 'ľ', 'ŀ', 'ł':
		return "l"
	case 'ñ', 'ń', 'ņ', 'ň':
		return "n"
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø', 'ō', 'ŏ', 'ő':
		return "o"
	case 'ŕ', 'ŗ', 'ř':
		return "r"
	case 'ś', 'ŝ', 'ş', 'š', 'ș':
		return "s"
	case 'ţ', 'ť', 'ŧ', 'ț':
		return "t"
	case 'ù', 'ú', 'û', 'ü', 'ũ', 'ū', 'ŭ', 'ů', 'ű', 'ų':
		return "u"
	case 'ŵ':
		return "w"
	case 'ý', 'ÿ', 'ŷ':
		return "y"
	case 'ź', 'ż', 'ž':
		return "z"
	case 'ß':
		return "ss"
	case 'æ':
		return "ae"
	case 'œ':
		return "oe"
	case 'þ':
		return "th"
	case 'ĳ':
		return "ij"
	}
	return ""
}

// trimLegalForms drops a leading "the" and legal forms from both ends of
// words, keeping at least one word.
func trimLegalForms(words []string) []string {
	for len(words) > 1 && isLeadingForm(words[0]) {
		words = words[1:]
	}
	for len(words) > 1 {
		n := trailingFormLen(words)
		if n == 0 || n >= len(words) {
			break
		}
		words = words[:len(words)-n]
	}
	return words
}

// isLeadingForm reports whether w is an article or a legal form written
// before the name (Indonesian PT, Russian OOO and friends).
func isLeadingForm(w string) bool {
	switch w {
	case "the", "pt", "ooo", "oao", "zao", "pao", "ооо", "оао", "зао", "пао":
		return true
	}
	return false
}

// trailingFormLen returns how many trailing words of words form a legal form
// or a connective before one ("& Co"), or 0. Multi-word forms are tried
// longest first; forms whose words are each a form ("Pty Ltd", "Co Ltd")
// need no entry because trimLegalForms strips them one at a time.
func trailingFormLen(words []string) int {
	tail := func(n int) string {
		if n > len(words) {
			return ""
		}
		return strings.Join(words[len(words)-n:], " ")
	}
	switch tail(5) {
	case "s de rl de cv":
		return 5
	}
	switch tail(3) {
	case "sp z oo", "sa de cv", "s de rl", "limited liability company":
		return 3
	}
	switch tail(2) {
	case "and co", "and company", "s a", "s l", "b v", "n v", "a s", "a g", "k k", "kabushiki kaisha":
		return 2
	}
	switch words[len(words)-1] {
	case "inc", "incorporated", "llc", "lc", "llp", "lp", "pllc",
		"ltd", "limited", "plc", "corp", "corporation", "co", "company",
		"gmbh", "mbh", "ag", "kg", "kgaa", "ohg", "ug", "se", "ev",
		"sa", "sas", "sasu", "sarl", "eurl", "sl", "slu", "sau",
		"bv", "nv", "bvba", "vof",
		"oy", "oyj", "ab", "publ", "as", "asa", "aps", "ehf", "hf",
		"pty", "pte", "pvt", "bhd", "sdn", "tbk",
		"kk", "gk", "yk",
		"srl", "spa", "sapa", "snc",
		"group", "holding", "holdings",
		"ltda", "eireli", "sro", "kft", "zrt", "nyrt", "doo", "ood":
		return 1
	}
	return 0
}
