package match

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
