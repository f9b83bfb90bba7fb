package match

import (
	"cmp"
	"slices"
	"sync"
)

// DefaultNameThreshold is the NameThreshold used when Options leaves it zero.
// At 0.92 one slipped letter in a name of six letters or more passes
// ("Glovex" for "Globex" scores 0.922, "Acme Robotcs" 0.985), while
// companies that share a word do not ("Acme Foods" against "Acme Robotics"
// scores 0.88). It was set on testdata/pairs.csv, not on production data.
const DefaultNameThreshold = 0.92

// minFuzzyRunes is the shortest normalised name, in runes, that may match
// another name fuzzily. Below it one letter is too large a share of the name
// ("zeno" and "zenon" score 0.96), so short names match only exactly.
const minFuzzyRunes = 5

// maxFuzzyRunes is the longest normalised name, in runes, that is matched
// fuzzily, on either side. Longer names, which are not company names, match
// only exactly; the bound also keeps the per-name counters in a byte.
const maxFuzzyRunes = 100

// stopShare is the share of all names above which a trigram is not
// counted (" co", " in" in a large index): such a trigram says little
// about which name is meant, and walking its postings cost the most when
// the fuzzy step walked them. The shared-trigram requirement is lowered by
// one for each trigram skipped, so skipping never rejects a name the full
// count would have kept, except that a name must still share at least one
// trigram that was counted. Only the query's first word's trigrams are
// counted, which are seldom that common, so the share is high. The rule
// is kept so that results stay those of the trigram walk.
const stopShare = 1.0 / 8

// minStopPostings keeps small indexes exact: a trigram is never skipped
// while fewer names than this are posted under it.
const minStopPostings = 512

// Account is a company the CRM already knows, as the matcher sees it.
type Account struct {
	// ID identifies the account to the caller; the matcher only compares IDs
	// (byte-wise) to break ties.
	ID string
	// Name is the company name as stored, legal suffix and all.
	Name string
	// Domain is the account's main website or email domain, in any form
	// NormalizeDomain accepts. Free-mail domains are ignored.
	Domain string
	// Aliases are other domains the account owns: regional sites, former
	// names, acquired brands. Free-mail domains are ignored.
	Aliases []string
}

// Options tunes an Index. The zero value is ready to use.
type Options struct {
	// NameThreshold is the lowest Jaro-Winkler similarity, from 0 to 1, at
	// which a company name that is not the same as an account name (see
	// nameForm) matches it fuzzily. Both the whole names and their first
	// words must reach it, and the words must agree one by one (see
	// wordsAgree). Zero or less means DefaultNameThreshold (0.92); 1 allows
	// identical names only; above 1 turns name matching off.
	NameThreshold float64
}

// ambiguityMargin is how close, in Jaro-Winkler similarity, the second-best
// fuzzy candidate (a different name of a different account) may come to the
// best before the fuzzy step gives up: two accounts that fit a lead almost
// equally well are weak evidence for either.
const ambiguityMargin = 0.01

// minLabelRunes is the shortest domain label that a company name may match
// (see Index): shorter labels ("ge", "abc") are too often someone else's
// initials.
const minLabelRunes = 5

// Index answers Match queries against a set of accounts. Build it with
// NewIndex and keep it current with Add. Match is safe for concurrent use;
// Add is not, neither with another Add nor with Match: callers that add
// while serving queries hold a sync.RWMutex, reading for Match and writing
// for Add.
//
// Domains and name keys (see nameForm) are looked up in maps, and so are
// the first labels of account and alias domains, which remember former
// names ("nimbuspayments" for Nimbus Payments). For the fuzzy name step
// each distinct account name of 5 to 100 runes is filed under fuzzy keys:
// hashes of its first word and of its first two words written together,
// of their stems, of their first runes after deleting one or two, and of
// their first five runes (see fuzzykeys.go). Any name the fuzzy rule
// accepts shares a key with the query, so a query reads only the names
// under its own keys, about 90 at 100,000 synthetic accounts. Of those it
// scores the names the trigram filter of the previous index admitted
// (first-word signature bounds, shared first-word trigrams, and a
// whole-name bound from a 40-byte signature), so results are those of the
// previous index (TestBestNameOracle). The cost therefore grows with how
// many names share the query's first letters after a slip, not with the
// number of accounts (see docs/benchmarks.md).
type Index struct {
	threshold float64

	// accounts are in the order added (by NewIndex in ID order, then by
	// Add); positions are account numbers. Every list of account numbers
	// below is in ascending ID order, so its first is the lowest ID.
	accounts []indexedAccount
	byID     map[string]int32
	domains  map[string][]int32
	aliases  map[string][]int32
	labels   map[string][]int32 // skeleton of a domain label → account numbers

	// names are the distinct name keys; an entry whose accounts were all
	// renamed by Add keeps its number, without accounts or postings.
	names     []nameEntry
	liveNames int       // entries with accounts
	sigs      []nameSig // parallel to names; compact, for the pre-scoring bound
	wsigs     []wordSig // parallel to names; for the first-word filter
	byKey     map[string]int32
	keys      keyIndex         // fuzzy keys → live names of 5 to 100 runes
	gramNames map[uint64]int32 // trigram → how many live names are posted under it (see nameGrams)
	stopLen   int              // trigrams of more names than this are not counted
	grams     []uint64         // Add's trigram buffer

	scratch sync.Pool // *queryScratch sized for names
}

// indexedAccount is what Match reports about an account, and what Add
// must take out of the index when the account is added again.
type indexedAccount struct {
	id, name string
	norm     string   // NormalizeCompany(name), when indexed by name
	key      string   // its name key, when indexed by name
	domain   string   // normalised primary domain, when indexed
	aliases  []string // normalised alias domains indexed
}

// nameEntry is one distinct account name key.
type nameEntry struct {
	form     nameForm // of the lowest-ID account with this key
	accounts []int32  // account numbers, ascending ID; empty once all were renamed
}

// nameGrams appends to dst the trigrams a name with comparison runes r is
// posted under: those of its first word and of its first two words written
// together (see trigrams). The fuzzy rule compares the query's first word
// with nothing else of a name (see firstWordsAlike), so the trigrams of
// later words, many of them trade words most names share ("robotics",
// "partners"), would only add candidates.
func nameGrams(dst []uint64, r []rune) []uint64 {
	first := firstWord(r)
	dst = trigrams(dst, first)
	if len(first) < len(r) {
		second := firstWord(r[len(first)+1:])
		two := make([]rune, 0, len(first)+len(second))
		two = append(append(two, first...), second...)
		dst = trigrams(dst, two)
	}
	return dst
}

// queryScratch is the per-query working memory of the fuzzy step.
type queryScratch struct {
	// touched has bit n%64 of word n/64 set for each name number n already
	// among the candidates, so that a name found under several keys is
	// tested once.
	touched []uint64
	cands   []int32 // candidate name numbers
	keys    []uint32
	runes   []rune
	grams   []uint64
	words   wordFilter
	// bounded counts the names whose whole-name bound the last query
	// computed, for the tests.
	bounded int
	jaro    jaroScratch
}

// NewIndex builds an Index over accounts. Accounts are copied; later changes
// to the slice do not affect the Index. Accounts without a usable domain or
// name are still indexed by whatever they have. Of several accounts with
// the same ID, the last in the slice is indexed.
func NewIndex(accounts []Account, opts Options) *Index {
	threshold := opts.NameThreshold
	if threshold <= 0 {
		threshold = DefaultNameThreshold
	}
	sorted := slices.Clone(accounts)
	slices.SortStableFunc(sorted, func(a, b Account) int { return cmp.Compare(a.ID, b.ID) })

	ix := &Index{
		threshold: threshold,
		accounts:  make([]indexedAccount, 0, len(sorted)),
		byID:      make(map[string]int32, len(sorted)),
		domains:   map[string][]int32{},
		aliases:   map[string][]int32{},
		labels:    map[string][]int32{},
		sigs:      make([]nameSig, 0, len(sorted)),
		wsigs:     make([]wordSig, 0, len(sorted)),
		byKey:     map[string]int32{},
		keys:      newKeyIndex(),
		gramNames: map[uint64]int32{},
	}
	ix.scratch.New = func() any {
		return &queryScratch{touched: make([]uint64, (len(ix.names)+63)/64)}
	}
	// In ID order every list of account numbers grows at its end, and every
	// name takes the form of its lowest-ID account at once.
	for _, a := range sorted {
		ix.add(a)
	}
	ix.keys.compact()
	ix.stopLen = max(minStopPostings, int(float64(ix.liveNames)*stopShare))
	return ix
}

// fuzzyLength reports whether a name of r runes may match fuzzily.
func fuzzyLength(r []rune) bool {
	return len(r) >= minFuzzyRunes && len(r) <= maxFuzzyRunes
}

// trigrams appends to dst the distinct trigrams of r padded with a space at
// each end, sorted, each packed as three 21-bit runes.
func trigrams(dst []uint64, r []rune) []uint64 {
	at := func(i int) uint64 {
		if i < 0 || i >= len(r) {
			return ' '
		}
		return uint64(r[i]) & (1<<21 - 1)
	}
	for i := -1; i < len(r)-1; i++ {
		dst = append(dst, at(i)<<42|at(i+1)<<21|at(i+2))
	}
	slices.Sort(dst)
	return slices.Compact(dst)
}

// exactName returns the name number whose key is q's, if name matching is
// on.
func (ix *Index) exactName(q *nameForm) (int32, bool) {
	if ix.threshold > 1 || q.key == "" {
		return 0, false
	}
	i, ok := ix.byKey[q.key]
	return i, ok && len(ix.names[i].accounts) > 0
}

// bestName returns the name number that fits the query name q best and its
// Jaro-Winkler score, if one passes the fuzzy rule (see fuzzyScore) and no
// other account's name comes within ambiguityMargin of it. Ties between
// equal scores go to the name whose first account has the lowest ID.
func (ix *Index) bestName(q *nameForm) (int32, float64, bool) {
	if ix.threshold >= 1 || ix.liveNames == 0 || !fuzzyLength(q.runes) {
		return 0, 0, false
	}
	s := ix.scratch.Get().(*queryScratch)
	defer ix.scratch.Put(s)
	return ix.bestNameWith(s, q)
}

// bestNameWith is bestName with the working memory s.
//
// The names it scores are those the trigram walk of the previous Index
// scored (TestBestNameOracle keeps them the same): names whose first-word
// signature the wordFilter admits, that are posted under at least need of
// the query's first word's trigrams (counting only trigrams of at most
// stopLen names), and whose whole-name bound reaches the threshold. They
// are looked for only among the names that share a fuzzy key with the
// query (see fuzzykeys.go), which include every name the fuzzy rule
// accepts.
func (ix *Index) bestNameWith(s *queryScratch, q *nameForm) (int32, float64, bool) {
	s.bounded = 0
	if words := (len(ix.names) + 63) / 64; len(s.touched) < words {
		// Names were added since this scratch was made.
		s.touched = append(s.touched, make([]uint64, words-len(s.touched))...)
	}
	qFirst := firstWord(q.runes)
	s.grams = trigrams(s.grams[:0], qFirst)
	need := firstWordNeed(len(qFirst))
	walked := s.grams[:0]
	for _, g := range s.grams {
		n := ix.gramNames[g]
		if int(n) > ix.stopLen {
			need--
			continue
		}
		if n > 0 {
			walked = append(walked, g)
		}
	}
	need = max(need, 1)
	if len(walked) < need {
		return 0, 0, false
	}

	// The fuzzy rule needs the first words alike (see firstWordsAlike);
	// bounds on those scores from each name's signature reject most
	// candidates. A bound computed in floating point equals the score it
	// bounds when they are equal, and the margin keeps rounding from
	// rejecting that name.
	f := &s.words
	f.first = newWordQuery(qFirst)
	f.two = wordQuery{}
	if len(qFirst) < len(q.runes) {
		second := firstWord(q.runes[len(qFirst)+1:])
		f.two = newWordQuery(q.runes[:len(qFirst)+1+len(second)])
	}
	f.floor = ix.threshold - 1e-9

	s.keys, s.runes = queryKeys(s.keys[:0], q, s.runes)
	s.cands = s.cands[:0]
	var one [1]int32
	for _, k := range s.keys {
		for _, n := range ix.keys.get(k, &one) {
			if bit := uint64(1) << (n & 63); s.touched[n>>6]&bit == 0 {
				s.touched[n>>6] |= bit
				s.cands = append(s.cands, n)
			}
		}
	}
	for _, n := range s.cands {
		s.touched[n>>6] = 0
	}
	// The candidates are in no particular order: the best name (highest
	// score, then lowest account ID) and the best score of the others do
	// not depend on it.

	qsig := newNameSig(q.runes)
	best, bestScore := int32(-1), 0.0
	second := 0.0 // best score of a name of other accounts than best's
	for _, n := range s.cands {
		if !f.admits(&ix.wsigs[n]) {
			continue
		}
		s.bounded++
		if qsig.bound(&ix.sigs[n]) < ix.threshold {
			continue
		}
		r := ix.names[n].form.runes
		if gramsShared(walked, r) < need {
			continue
		}
		score, ok := s.jaro.fuzzyScore(q, qFirst, &ix.names[n].form, ix.threshold)
		if !ok {
			continue
		}
		switch {
		case best < 0:
			best, bestScore = n, score
		case score > bestScore || score == bestScore && ix.firstID(n) < ix.firstID(best):
			second = max(second, bestScore)
			best, bestScore = n, score
		default:
			second = max(second, score)
		}
	}
	if best < 0 || second > 0 && bestScore-second < ambiguityMargin {
		return 0, 0, false
	}
	return best, bestScore, true
}

// firstWordNeed is how many trigrams of a query's first word, of n runes,
// any account name the fuzzy rule accepts must contain. The accepted name's
// first word is the same word (sharing all n trigrams), a slip of it (one
// edit from four letters, two from eight, each edit breaking at most four
// trigrams), an inflection sharing a stem of four letters (three
// trigrams), or the start of a longer word (n−1), when the query is one
// word or its first two words are the name's first written apart.
func firstWordNeed(n int) int {
	need := n
	switch {
	case n >= 8:
		need = n - 8
	case n >= 4:
		need = n - 4
	}
	if n >= 4 {
		need = min(need, 3)
	}
	// One word starting another: a one-word query that starts a longer
	// name, or a first word written apart from the next ("Blue Field").
	need = min(need, n-1)
	return max(need, 1)
}

// fuzzyScore is the rule for a fuzzy name match: the Jaro-Winkler
// similarity of the query q (whose first word is qFirst) and the account
// name, which it returns, must reach threshold (compared without spaces
// when they have different numbers of words), so must that of their first
// words, and the words must agree one by one (see wordsAgree). The
// first-word test keeps "Bayview Dental Studio" off "Bayside Dental Studio"
// (0.94 whole, 0.87 first word); the word test keeps "Harborside Medical
// Billing" off "Harborview Medical Billing" and "Summit Cloud Security" off
// "Summit Cloud Systems", whose whole names and first words score high.
func (s *jaroScratch) fuzzyScore(q *nameForm, qFirst []rune, name *nameForm, threshold float64) (float64, bool) {
	score := s.jaroWinkler(q.runes, name.runes)
	if score < threshold && len(q.words) != len(name.words) {
		// Words written together or apart shift the spaced names against
		// each other; compare them without spaces.
		score = s.jaroWinkler([]rune(q.key), []rune(name.key))
	}
	if score < threshold || !s.firstWordsAlike(qFirst, q.runes, name.runes, threshold) {
		return 0, false
	}
	if !wordsAgree(q, name) {
		return 0, false
	}
	return score, true
}

// firstWordsAlike reports whether the first word of q (qFirst) and of name
// reach threshold, or would if one side's first two words were written as
// one ("Blue Field" and "Bluefield").
func (s *jaroScratch) firstWordsAlike(qFirst, q, name []rune, threshold float64) bool {
	aFirst := firstWord(name)
	if s.jaroWinkler(qFirst, aFirst) >= threshold {
		return true
	}
	return len(qFirst) < len(q) && s.jaroWinkler(firstTwoWords(q), aFirst) >= threshold ||
		len(aFirst) < len(name) && s.jaroWinkler(qFirst, firstTwoWords(name)) >= threshold
}

// firstTwoWords returns the first two words of r written as one. It
// allocates, but runs only for names that passed every cheaper test.
func firstTwoWords(r []rune) []rune {
	first := firstWord(r)
	second := firstWord(r[len(first)+1:])
	return append(slices.Clip(first), second...)
}

// firstWord returns the runes of r up to its first space.
func firstWord(r []rune) []rune {
	if i := slices.Index(r, ' '); i >= 0 {
		return r[:i]
	}
	return r
}

// firstID is the lowest account ID with name number n.
func (ix *Index) firstID(n int32) string {
	return ix.accounts[ix.names[n].accounts[0]].id
}

// isPlaceholderName reports whether the normalised name is what people type
// when they have no company. Such names never match by name, even an account
// that carries one.
func isPlaceholderName(norm string) bool {
	switch norm {
	case "n a", "na", "none", "null", "nil", "unknown", "not applicable", "no company",
		"self", "self employed", "freelance", "freelancer", "independent", "personal",
		"private", "individual", "student", "retired", "unemployed", "home",
		"test", "testing", "asdf", "x", "xx", "xxx", "company", "my company":
		return true
	}
	return false
}
