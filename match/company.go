package match

import (
	"strings"
	"unicode"
)

// NormalizeCompany folds a company name to the form the matcher compares:
// "The ACME Robotics, Inc." and "Acme Robotics" both become "acme robotics".
//
// In order, it:
//   - drops what is in parentheses or brackets ("Gulmohar Fintech
//     (Bangalore office)", "Kaleido Media AB (publ)") and a department or
//     office written after a separator ("Zeewind Energie - afdeling
//     inkoop", "Acme, Procurement", "Acme / Einkauf"), unless that would
//     leave nothing;
//   - replaces a word that is a domain name by its first label, so
//     "Booking.com B.V." and "booking" agree;
//   - lowercases, removes apostrophes and full stops inside words ("S.A." is
//     "sa", "Margie's" is "margies", "Vers." is "vers"), turns '&' into "and"
//     and every other punctuation or symbol into a space;
//   - strips Latin accents (é→e, ø→o, ß→ss, æ→ae, ł→l, ş→s) and combining
//     marks;
//   - spells out common abbreviations ("Intl" is "international", "Mfg"
//     "manufacturing", "Svcs" "services", "Vers" "versicherung", "Tech" and
//     "Technology" "technologies"; see abbreviations in words.go);
//   - drops a leading "the" and leading legal forms (PT, OOO), then, as many
//     as there are, trailing legal forms such as Inc, LLC, Ltd, Limited,
//     GmbH, GmbH & Co. KG, AG, SA, SAS, BV, NV, Oy, AB, AS, ApS, Pty Ltd,
//     PLC, Corp, Corporation, Co, Company, KK, SRL, SpA, the designators
//     Group and Holdings, purchasing-department words ("Procurement",
//     "Einkauf") and office words with the place before them ("Bangalore
//     Office"), so "Halcyon Hotels Group Ltd" is "halcyon hotels";
//   - collapses runs of spaces.
//
// It never drops the last remaining word, so "The Company" is "company", not
// "". Non-Latin scripts pass through lowercased. NormalizeCompany is
// idempotent.
//
// The matcher compares names further folded by transliteration and spacing
// (see nameForm), so "Mueller" meets "Müller" and "Blue Field" meets
// "Bluefield"; NormalizeCompany keeps the spelling a reader recognises.
func NormalizeCompany(name string) string {
	words := foldWords(stripQualifiers(name))
	for i, w := range words {
		if long, ok := abbreviations[w]; ok {
			words[i] = long
		}
	}
	words = trimLegalForms(words)
	return strings.Join(words, " ")
}

// foldWords returns the folded words of s: domain words replaced by their
// label, lowercased, accents stripped, punctuation turned into spaces.
func foldWords(s string) []string {
	var b strings.Builder
	b.Grow(len(s))
	for _, word := range strings.Fields(s) {
		if label, ok := domainWord(word); ok {
			word = label
		}
		b.WriteByte(' ')
		for _, r := range word {
			foldRune(&b, unicode.ToLower(r))
		}
	}
	return strings.Fields(b.String())
}

// stripQualifiers removes from a raw company name what is in parentheses or
// brackets and a department or office tail after a separator, unless
// nothing would be left.
func stripQualifiers(name string) string {
	if strings.ContainsAny(name, "([") {
		var b strings.Builder
		depth := 0
		for _, r := range name {
			switch r {
			case '(', '[':
				depth++
				b.WriteByte(' ')
			case ')', ']':
				if depth > 0 {
					depth--
				}
				b.WriteByte(' ')
			default:
				if depth == 0 {
					b.WriteRune(r)
				}
			}
		}
		if len(foldWords(b.String())) > 0 {
			name = b.String()
		}
	}
	// The leftmost separator whose tail names a department or office cuts
	// the name: "Acme, Inc. - Procurement" keeps "Acme, Inc.".
	for i := 0; i < len(name); i++ {
		n := separatorAt(name, i)
		if n == 0 {
			continue
		}
		head, tail := name[:i], name[i+n:]
		if isDepartmentTail(foldWords(tail)) && len(foldWords(head)) > 0 {
			return head
		}
		i += n - 1
	}
	return name
}

// separatorAt returns the length of the separator that starts at name[i]
// ("," ";" ":" "|" "/" and a dash with a space on at least one side), or 0.
func separatorAt(name string, i int) int {
	switch name[i] {
	case ',', ';', ':', '|', '/':
		return 1
	case '-':
		if i > 0 && name[i-1] == ' ' || i+1 < len(name) && name[i+1] == ' ' {
			return 1
		}
		return 0
	}
	for _, dash := range []string{"–", "—"} {
		if strings.HasPrefix(name[i:], dash) {
			return len(dash)
		}
	}
	return 0
}

// headVariants returns the parts of a raw company name before each of its
// separators, longest first ("Gulmohar Fintech, Bangalore" gives "Gulmohar
// Fintech"). The matcher tries them for an identical name when the whole
// name matched nothing and nothing argues against it.
func headVariants(name string) []string {
	var heads []string
	for i := len(name) - 1; i > 0; i-- {
		if separatorAt(name, i) == 0 {
			continue
		}
		if head := name[:i]; len(foldWords(head)) > 0 {
			heads = append(heads, head)
		}
	}
	return heads
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
// words, and trailing department and office words, keeping at least one
// word.
func trimLegalForms(words []string) []string {
	for len(words) > 1 && isLeadingForm(words[0]) {
		words = words[1:]
	}
	for len(words) > 1 {
		n := trailingFormLen(words)
		if n == 0 {
			n = trailingDepartmentLen(words)
		}
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
	if legalWords[words[len(words)-1]] {
		return 1
	}
	return 0
}

// legalWords are the one-word legal forms and designators that
// trailingFormLen drops from the end of a name.
var legalWords = setOf(`inc incorporated llc lc llp lp pllc
	ltd limited plc corp corporation co company
	gmbh mbh ag kg kgaa ohg ug se ev
	sa sas sasu sarl eurl sl slu sau
	bv nv bvba vof
	oy oyj ab publ as asa aps ehf hf
	pty pte pvt bhd sdn tbk
	kk gk yk
	srl spa sapa snc
	group holding holdings
	ltda eireli sro kft zrt nyrt doo ood`)
