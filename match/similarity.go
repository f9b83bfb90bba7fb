package match

import "math/bits"

// Similarity scores how alike two company names are, from 0 (nothing in
// common) to 1 (the same name: equal after [NormalizeCompany] and folding
// transliteration and spacing, so "Müller Präzisionstechnik" and "Mueller
// Praezisionstechnik" score 1). Both names are normalised first, so callers
// may pass raw or normalised names. An empty name is similar to nothing.
//
// The score is Jaro-Winkler similarity (Winkler's 0.1 prefix scale over at
// most four runes, boost above 0.7) of the normalised, transliteration-folded
// names. The Index asks more of a fuzzy match than a Similarity score: the
// first words must score as high, and the words must agree one by one. It was chosen
// over token-set or trigram similarity because the typical error in a typed
// company name is one or two slipped letters in a short string: "Glovex"
// for "Globex" keeps Jaro-Winkler at 0.92 but breaks half of the trigrams,
// so a trigram score cannot hold a high threshold. Jaro-Winkler also
// weights the shared prefix, which suits names typed in full at the start
// and trailed off or decorated at the end ("Acme Robotics Labs" scores 0.94
// against "Acme Robotics"). Its weaknesses are the mirror image: reordered
// words score low, and a short name that is a prefix of a longer one scores
// high. The cost grows with the product of the two lengths.
func Similarity(a, b string) float64 {
	fa, fb := newNameForm(NormalizeCompany(a)), newNameForm(NormalizeCompany(b))
	if fa.key == "" || fb.key == "" {
		return 0
	}
	if fa.key == fb.key {
		return 1
	}
	var s jaroScratch
	return s.jaroWinkler(fa.runes, fb.runes)
}

// jaroScratch holds the match flags Jaro-Winkler needs, reused across calls
// so the fuzzy step does not allocate per candidate.
type jaroScratch struct {
	ma, mb []bool
}

// jaroWinkler is the Jaro similarity of a and b boosted by 0.1 for each of
// up to four shared leading runes, applied only when the Jaro similarity
// exceeds 0.7 (Winkler's original boost threshold).
func (s *jaroScratch) jaroWinkler(a, b []rune) float64 {
	j := s.jaro(a, b)
	if j <= 0.7 {
		return j
	}
	prefix := 0
	for prefix < 4 && prefix < len(a) && prefix < len(b) && a[prefix] == b[prefix] {
		prefix++
	}
	return j + float64(prefix)*0.1*(1-j)
}

// jaro is the Jaro similarity of a and b.
func (s *jaroScratch) jaro(a, b []rune) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	window := max(len(a), len(b))/2 - 1
	window = max(window, 0)
	ma, mb := s.flags(len(a), len(b))
	m := 0
	for i, r := range a {
		lo, hi := max(0, i-window), min(len(b), i+window+1)
		for k := lo; k < hi; k++ {
			if !mb[k] && b[k] == r {
				ma[i], mb[k] = true, true
				m++
				break
			}
		}
	}
	if m == 0 {
		return 0
	}
	// Half the matched runes that appear in a different order.
	transposed, k := 0, 0
	for i := range a {
		if !ma[i] {
			continue
		}
		for !mb[k] {
			k++
		}
		if a[i] != b[k] {
			transposed++
		}
		k++
	}
	fm := float64(m)
	return (fm/float64(len(a)) + fm/float64(len(b)) + (fm-float64(transposed)/2)/fm) / 3
}

// flags returns cleared match-flag slices of lengths na and nb.
func (s *jaroScratch) flags(na, nb int) (ma, mb []bool) {
	if cap(s.ma) < na {
		s.ma = make([]bool, na)
	}
	if cap(s.mb) < nb {
		s.mb = make([]bool, nb)
	}
	ma, mb = s.ma[:na], s.mb[:nb]
	clear(ma)
	clear(mb)
	return ma, mb
}

// nameSig is what the fuzzy step needs to bound a name's Jaro-Winkler
// score without reading the name itself: its length, first runes and a
// 32-bucket count of its runes. It is small and kept in one flat slice, so
// rejecting a candidate costs about one cache line rather than several
// pointer chases.
type nameSig struct {
	bag    [4]uint64 // 32 byte-wide counters, rune r in counter r mod 32
	n      uint8     // runes, at most maxFuzzyRunes
	prefix [4]uint8  // low bytes of the first four runes
}

// newNameSig returns the signature of r, which has at most maxFuzzyRunes
// (under 128) runes so that no counter reaches the top bit of its byte.
func newNameSig(r []rune) nameSig {
	s := nameSig{n: uint8(len(r))}
	for i, c := range r {
		if i < len(s.prefix) {
			s.prefix[i] = uint8(c)
		}
		b := c & 31
		s.bag[b>>3] += 1 << (8 * (b & 7))
	}
	return s
}

// bound is an upper bound on the Jaro-Winkler similarity of the names with
// signatures s and o. Jaro matches no more runes than the two names share,
// which is at most the sum of the smaller counter in each bucket; the bound
// assumes that many matches, no transpositions and a common prefix at least
// as long as the real one (equal low bytes may hide different runes). The
// true score grows with each of those, so it cannot exceed the bound.
func (s *nameSig) bound(o *nameSig) float64 {
	if s.n == 0 || o.n == 0 {
		return 0
	}
	m := 0
	for i := range s.bag {
		m += sumMinBytes(s.bag[i], o.bag[i])
	}
	fm := float64(m)
	j := (fm/float64(s.n) + fm/float64(o.n) + 1) / 3
	if j <= 0.7 {
		return j
	}
	prefix := 0
	for prefix < 4 && prefix < int(min(s.n, o.n)) && s.prefix[prefix] == o.prefix[prefix] {
		prefix++
	}
	return j + float64(prefix)*0.1*(1-j)
}

// sumMinBytes returns the sum over the eight bytes of a and b of the smaller
// byte, for bytes below 128 whose sums stay below 256.
func sumMinBytes(a, b uint64) int {
	const high = 0x8080808080808080
	// In each byte a|0x80 − b is at least 1, so nothing borrows across
	// bytes, and its top bit says a ≥ b.
	ge := ((a | high) - b) & high
	mask := (ge >> 7) * 0xff
	mins := b&mask | a&^mask
	return int((mins * 0x0101010101010101) >> 56)
}

// wordSig is what the fuzzy step needs to bound, without reading the name,
// the Jaro-Winkler similarity of a query word and the first word of an
// account name, or its first two words written together: their lengths,
// the low bytes of their first two runes, and which of 32 buckets (rune
// mod 32) their runes fall in. It is 12 bytes and travels in the posting
// lists beside the name's number, so a candidate is judged from the list
// being read rather than from a table indexed by name, whose reads would
// scatter over megabytes.
type wordSig struct {
	first, two   uint32   // buckets present in the first word; in the first two written together
	nFirst, nTwo uint8    // their lengths in runes, at most maxFuzzyRunes; nTwo is 0 for one word
	pre          [2]uint8 // low bytes of the first two runes of the first two words written together
}

// newWordSig returns the wordSig of the comparison runes r of a name of at
// most maxFuzzyRunes runes.
func newWordSig(r []rune) wordSig {
	var s wordSig
	first := firstWord(r)
	s.nFirst = uint8(len(first))
	for _, c := range first {
		s.first |= 1 << (c & 31)
	}
	two := first
	if len(first) < len(r) {
		second := firstWord(r[len(first)+1:])
		s.two = s.first
		for _, c := range second {
			s.two |= 1 << (c & 31)
		}
		s.nTwo = uint8(len(first) + len(second))
		two = r[:len(first)+1+len(second)]
	}
	// The first word and the first two written together begin alike; a
	// first word of one rune has no second rune, and reaches does not look
	// for one.
	k := 0
	for _, c := range two {
		if k == len(s.pre) {
			break
		}
		if c != ' ' {
			s.pre[k] = uint8(c)
			k++
		}
	}
	return s
}

// wordQuery is a query word prepared for reaches: its runes per bucket as
// bit planes (bit b of planes[k] is bit k of the count of runes in bucket
// b), its length, its first two runes, and, filled in as lengths are met,
// the fewest matching runes a word of each length needs to reach the
// threshold.
type wordQuery struct {
	planes  [7]uint32 // enough for counts up to 127
	nplanes int       // planes in use
	n       int
	pre     [2]rune
	// least[n][c] is 1 + the fewest matches a word of n runes needs, for
	// prefix class c (0: first runes differ, 1: second runes differ, 2:
	// otherwise); 0 means not yet computed and noMatch that no count will
	// do.
	least [maxFuzzyRunes + 1][3]uint8
}

// noMatch in wordQuery.least: no number of matching runes reaches the
// threshold.
const noMatch = 0xff

// newWordQuery prepares for reaches the word w, or the words of w written
// together: its spaces are skipped.
func newWordQuery(w []rune) wordQuery {
	var counts [32]int
	var q wordQuery
	for _, c := range w {
		if c == ' ' {
			continue
		}
		if q.n < len(q.pre) {
			q.pre[q.n] = c
		}
		q.n++
		counts[c&31]++
	}
	for b, c := range counts {
		for k := range q.planes {
			if c>>k&1 != 0 {
				q.planes[k] |= 1 << b
				q.nplanes = max(q.nplanes, k+1)
			}
		}
	}
	return q
}

// classOf is the prefix class of a word whose first two runes have the
// low bytes pre against the query word q (see wordQuery.least).
func (q *wordQuery) classOf(pre [2]uint8) int {
	switch {
	case uint8(q.pre[0]) != pre[0]:
		return 0
	case uint8(q.pre[1]) != pre[1]:
		return 1
	}
	return 2
}

// matches is the most runes Jaro can match between the query word q and a
// word whose runes fall in the buckets present: the query's runes in
// those buckets.
func (q *wordQuery) matches(present uint32) int {
	m := bits.OnesCount32(q.planes[0] & present)
	if q.nplanes > 1 {
		m += bits.OnesCount32(q.planes[1]&present) << 1
		for k := 2; k < q.nplanes; k++ {
			m += bits.OnesCount32(q.planes[k]&present) << k
		}
	}
	return m
}

// reaches reports whether the Jaro-Winkler similarity of the query word q
// and a word of n runes whose runes fall in the buckets present, and whose
// first two runes put it in prefix class class (see classOf), may reach
// floor. Jaro matches at most the query's runes that fall in buckets the
// word has, and at most the shorter length; reaches assumes that many
// matches, no transpositions, and the longest common prefix the low bytes
// allow (equal low bytes may hide different runes), and the true score
// grows with each, so a false answer means the score is below floor.
func (q *wordQuery) reaches(present uint32, n uint8, class int, floor float64) bool {
	least := q.least[n][class]
	if least == 0 {
		least = q.fill(int(n), class, floor)
	}
	// least−1 is at most the shorter length, so the matches alone decide.
	return least != noMatch && q.matches(present) >= int(least)-1
}

// fill computes q.least[n][class] for floor and returns it.
func (q *wordQuery) fill(n, class int, floor float64) uint8 {
	least := uint8(noMatch)
	if n > 0 && q.n > 0 {
		prefix := min(class, 1)
		if class == 2 {
			prefix = min(4, q.n, n)
		}
		for m := 0; m <= min(q.n, n); m++ {
			if jaroWinklerBound(m, q.n, n, prefix) >= floor {
				least = uint8(m + 1)
				break
			}
		}
	}
	q.least[n][class] = least
	return least
}

// jaroWinklerBound is the Jaro-Winkler similarity of two strings of na and
// nb runes with m matching runes, no transpositions and a common prefix of
// prefix runes: an upper bound on the similarity of any such pair.
func jaroWinklerBound(m, na, nb, prefix int) float64 {
	fm := float64(m)
	j := (fm/float64(na) + fm/float64(nb) + 1) / 3
	if j <= 0.7 {
		return j
	}
	return j + float64(prefix)*0.1*(1-j)
}

// wordFilter holds the query's first word, and its first two written
// together, prepared for admits.
type wordFilter struct {
	first, two wordQuery // two is zero for a one-word query
	floor      float64
}

// admits reports whether a name with the signature w may pass the fuzzy
// rule's first-word test (see firstWordsAlike) at floor: the query's first
// word like the name's, its first two written together like the name's
// first, or its first like the name's first two written together. False
// means it cannot.
func (f *wordFilter) admits(w *wordSig) bool {
	class := f.first.classOf(w.pre)
	return f.first.reaches(w.first, w.nFirst, class, f.floor) ||
		f.two.reaches(w.first, w.nFirst, f.two.classOf(w.pre), f.floor) ||
		f.first.reaches(w.two, w.nTwo, class, f.floor)
}
