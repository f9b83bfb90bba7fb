package match

import (
	"strings"
	"unicode/utf8"
)

// nameForm is a company name as the matcher compares it. NormalizeCompany
// has already folded case, accents, punctuation, legal forms, departments
// and abbreviations; nameForm goes on to fold transliteration and spacing.
type nameForm struct {
	// norm is the NormalizeCompany form, for Detail.
	norm string
	// key is the identity of the name: words joined without spaces,
	// connectives ("and", "und") dropped, and the spelling folded so that
	// transliterations agree (see skeleton). Two names with the same key are
	// the same name.
	key string
	// plain are the words of norm; words are the same words folded by
	// skeleton. A slip of typing is looked for in both, since a typo can
	// make or break a pair that skeleton folds ("Nimtoete" for "Nimotete").
	plain, words []string
	// runes is words joined by single spaces: what Jaro-Winkler and the
	// trigram index read.
	runes []rune
}

// newNameForm returns the comparison form of the normalised name norm.
func newNameForm(norm string) nameForm {
	f := nameForm{norm: norm}
	if norm == "" {
		return f
	}
	words := strings.Fields(norm)
	var compact strings.Builder
	for i, w := range words {
		if connectives[w] && i > 0 && i < len(words)-1 {
			continue
		}
		compact.WriteString(w)
	}
	f.key = skeleton(compact.String())
	f.plain = words
	f.words = make([]string, len(words))
	for i, w := range words {
		f.words[i] = skeleton(w)
	}
	f.runes = []rune(strings.Join(f.words, " "))
	return f
}

// skeleton folds the spellings that transliteration makes differ: a German
// umlaut written as a vowel with e ("Mueller" for "Müller", whose accent
// NormalizeCompany already dropped), a Nordic å written aa, æ written ae
// and ø written oe, and ß written ss. It rewrites ae, oe, ue, aa and ss as
// their first letter. The fold is applied alike to both names, so an
// English word that happens to contain one of these pairs ("Blue") still
// meets itself; two different names can meet only if they differ by these
// pairs alone.
func skeleton(s string) string {
	if !strings.Contains(s, "ae") && !strings.Contains(s, "oe") && !strings.Contains(s, "ue") &&
		!strings.Contains(s, "aa") && !strings.Contains(s, "ss") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		b = append(b, s[i])
		if i+1 < len(s) {
			switch s[i : i+2] {
			case "ae", "oe", "ue", "aa", "ss":
				i++
			}
		}
	}
	return string(b)
}

// wordsAgree reports whether the lead's words q can be read as the
// account's words a, word by word and in order: each lead word must be the
// account's next word or a slip of it (see wordLike), two words may be one
// ("Blue Field" and "Bluefield"), the account may have further words at the
// end when the lead gave at least two ("Northwind Health" for "Northwind
// Health Partners"), and the lead may add at the end region words ("Acme
// Robotics UK") and legal forms, mistyped or not, that NormalizeCompany did
// not recognise ("Acme Robotics Pty Lttd"). A lead word the account does not
// have ("Summit Cloud Security" against "Summit Cloud Systems") means a
// different company.
func wordsAgree(q, a *nameForm) bool {
	like := func(i, j, ni, nj int) bool {
		last := i+ni == len(q.words)
		join := func(ws []string, i, n int) string {
			if n == 1 {
				return ws[i]
			}
			return ws[i] + ws[i+1]
		}
		return wordLike(join(q.words, i, ni), join(a.words, j, nj), last) ||
			wordLike(join(q.plain, i, ni), join(a.plain, j, nj), last)
	}
	i, j := 0, 0
	for i < len(q.words) {
		switch {
		case j < len(a.words) && like(i, j, 1, 1):
			i, j = i+1, j+1
		case j < len(a.words) && i+1 < len(q.words) && like(i, j, 2, 1):
			i, j = i+2, j+1
		case j+1 < len(a.words) && like(i, j, 1, 2):
			i, j = i+1, j+2
		default:
			for _, w := range q.plain[i:] {
				if !regionWords[w] && !isLegalSlip(w) {
					return false
				}
			}
			return i > 0 && (j == len(a.words) || i >= 2)
		}
	}
	return j == len(a.words) || i >= 2
}

// isLegalSlip reports whether w is a legal form or designator, or one
// slip away from one of at least three letters ("Lttd", "Hldings").
func isLegalSlip(w string) bool {
	if legalWords[w] {
		return true
	}
	if len(w) < 2 {
		return false
	}
	r := []rune(w)
	for f := range legalWords {
		if len(f) >= 3 && osaWithin(r, []rune(f), 1) {
			return true
		}
	}
	return false
}

// wordLike reports whether the lead's word w may stand for the account's
// word a: equal; a slip of typing (one edit in words of four or more
// letters, two when both have eight or more, where swapping two neighbours
// is one edit); an inflected form of the same stem ("Publishers" and
// "Publishing", "Energie" and "Energy"); for the lead's last word, the start
// of the account's word ("Präzision" for "Präzisionstechnik"); or any of
// these against the short form of a word NormalizeCompany spelt out
// ("Pharrma" for "Pharma", written "pharmaceuticals").
func wordLike(w, a string, last bool) bool {
	if slipOrStem(w, a, last) {
		return true
	}
	for _, short := range shortForms[a] {
		if slipOrStem(w, short, last) {
			return true
		}
	}
	return false
}

// slipOrStem is wordLike without the short forms.
func slipOrStem(w, a string, last bool) bool {
	if w == a {
		return true
	}
	nw, na := utf8.RuneCountInString(w), utf8.RuneCountInString(a)
	if k := min(nw, na); k >= 4 {
		edits := 1
		if k >= 8 {
			edits = 2
		}
		if osaWithin([]rune(w), []rune(a), edits) {
			return true
		}
	}
	p := 0
	for p < len(w) && p < len(a) && w[p] == a[p] {
		p++
	}
	for i := p; i >= 4; i-- {
		if (i == len(w) || inflections[w[i:]]) && (i == len(a) || inflections[a[i:]]) {
			return true
		}
	}
	return last && nw >= 5 && strings.HasPrefix(a, w)
}

// osaWithin reports whether the optimal string alignment distance between a
// and b (insertions, deletions, substitutions and swaps of neighbours) is at
// most k.
func osaWithin(a, b []rune, k int) bool {
	if d := len(a) - len(b); d > k || -d > k {
		return false
	}
	// Three rows of the dynamic programme suffice for the swap.
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			low = min(low, v)
		}
		if low > k {
			return false
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)] <= k
}
