package match

import (
	"cmp"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// The fuzzy step before fuzzy keys, kept as the oracle the new one must
// agree with: every live name of 5 to 100 runes is posted under the
// trigrams of its first word and of its first two written together, and a
// query walks the lists of its first word's trigrams, counting the names
// whose first-word signature may pass (see oldScratch.count).

// oldWalk holds the posting lists of the old fuzzy step for an Index.
type oldWalk struct {
	postings map[uint64][]posting
	stopLen  int
}

// newOldWalk posts the live names of ix as the old Index did.
func newOldWalk(ix *Index) *oldWalk {
	w := &oldWalk{postings: map[uint64][]posting{}}
	for i, e := range ix.names {
		if len(e.accounts) == 0 || !fuzzyLength(e.form.runes) {
			continue
		}
		p := posting{name: int32(i), sig: newWordSig(e.form.runes)}
		for _, g := range nameGrams(nil, e.form.runes) {
			w.postings[g] = append(w.postings[g], p)
		}
	}
	w.stopLen = max(minStopPostings, int(float64(ix.liveNames)*stopShare))
	return w
}

func newOldScratch(ix *Index) *oldScratch {
	return &oldScratch{counts: make([]uint8, len(ix.names)), touched: make([]uint64, (len(ix.names)+63)/64)}
}

// posting is a live name on a trigram's list, with what the fuzzy step
// reads of it before counting it.
type posting struct {
	name int32
	sig  wordSig
}

// comparePosting orders a posting list by name number.
func comparePosting(p posting, n int32) int { return cmp.Compare(p.name, n) }

// oldScratch is the working memory of the old walk.
type oldScratch struct {
	counts []uint8 // shared trigrams per name number; queries have at most maxFuzzyRunes
	// touched has bit n%64 of word n/64 set for each name number n with a
	// non-zero count. Reading it word by word visits the candidates in
	// ascending order, so their signatures are read front to back, which
	// the processor prefetches, rather than scattered.
	touched []uint64
	grams   []uint64
	lists   [][]posting // posting lists of the query's first-word trigrams
	words   wordFilter
	// bounded counts the names whose whole-name bound the last query
	// computed, for the tests.
	bounded int
	jaro    jaroScratch
}

// bestNameWith is Index.bestNameWith as it was before fuzzy keys (at
// 8fe0c1e), reading its own posting lists w.
func (w *oldWalk) bestNameWith(ix *Index, s *oldScratch, q *nameForm) (int32, float64, bool) {
	s.bounded = 0
	if len(s.counts) < len(ix.names) {
		// Names were added since this scratch was made.
		s.counts = append(s.counts, make([]uint8, len(ix.names)-len(s.counts))...)
	}
	if words := (len(ix.names) + 63) / 64; len(s.touched) < words {
		s.touched = append(s.touched, make([]uint64, words-len(s.touched))...)
	}
	qFirst := firstWord(q.runes)
	s.grams = trigrams(s.grams[:0], qFirst)
	need := firstWordNeed(len(qFirst))
	s.lists = s.lists[:0]
	for _, g := range s.grams {
		posts := w.postings[g]
		if len(posts) > w.stopLen {
			need--
			continue
		}
		if len(posts) > 0 {
			s.lists = append(s.lists, posts)
		}
	}
	need = max(need, 1)

	// The fuzzy rule needs the first words alike (see firstWordsAlike).
	// Bounds on those scores, from the signature each posting carries,
	// reject most names as the lists are read; a bound computed in floating
	// point equals the score it bounds when they are equal, and the margin
	// keeps rounding from rejecting that name.
	f := &s.words
	f.first = newWordQuery(qFirst)
	f.two = wordQuery{}
	if len(qFirst) < len(q.runes) {
		second := firstWord(q.runes[len(qFirst)+1:])
		f.two = newWordQuery(q.runes[:len(qFirst)+1+len(second)])
	}
	f.floor = ix.threshold - 1e-9

	// A name on at least need of the lists is on one of the len−need+1
	// shortest (pigeonhole): walk those, and look the touched names up in
	// the longest need−1 by binary search instead of walking them. A name's
	// signature is the same on every list, so the count of a name it
	// admits is complete.
	slices.SortFunc(s.lists, func(a, b []posting) int { return cmp.Compare(len(a), len(b)) })
	split := max(len(s.lists)-need+1, 0)
	for _, posts := range s.lists[:split] {
		s.count(f, posts)
	}
	long := s.lists[split:]

	qsig := newNameSig(q.runes)
	best, bestScore := int32(-1), 0.0
	second := 0.0 // best score of a name of other accounts than best's
	for wi, set := range s.touched {
		if set == 0 {
			continue
		}
		s.touched[wi] = 0
		for ; set != 0; set &= set - 1 {
			n := int32(wi*64 + bits.TrailingZeros64(set))
			shared := int(s.counts[n])
			s.counts[n] = 0
			for i, posts := range long {
				if shared >= need || shared+len(long)-i < need {
					break
				}
				if _, found := slices.BinarySearchFunc(posts, n, comparePosting); found {
					shared++
				}
			}
			if shared < need {
				continue
			}
			s.bounded++
			if qsig.bound(&ix.sigs[n]) < ix.threshold {
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
	}
	if best < 0 || second > 0 && bestScore-second < ambiguityMargin {
		return 0, 0, false
	}
	return best, bestScore, true
}

// count adds one to the count of each name on the posting list posts that
// f admits, and marks it touched. It is f.admits written out, with the
// query's prefix runes and tables at hand: it runs for every posting
// walked (about 10,000 per query at 100,000 accounts), where three calls
// per posting cost about a third more. TestCountAdmitsAsWordFilter holds
// it to f.admits.
func (s *oldScratch) count(f *wordFilter, posts []posting) {
	first, two := &f.first, &f.two
	fPre0, fPre1, tPre0, tPre1 := uint8(first.pre[0]), uint8(first.pre[1]), uint8(two.pre[0]), uint8(two.pre[1])
	hasTwo := two.n > 0
	for i := range posts {
		p := &posts[i]
		w := &p.sig
		class := 2
		if w.pre[0] != fPre0 {
			class = 0
		} else if w.pre[1] != fPre1 {
			class = 1
		}
		// The query's first word against the name's.
		least := first.least[w.nFirst][class]
		if least == 0 {
			least = first.fill(int(w.nFirst), class, f.floor)
		}
		if least == noMatch || first.matches(w.first) < int(least)-1 {
			// Its first two written together against the name's first.
			ok := false
			if hasTwo {
				tClass := 2
				if w.pre[0] != tPre0 {
					tClass = 0
				} else if w.pre[1] != tPre1 {
					tClass = 1
				}
				least = two.least[w.nFirst][tClass]
				if least == 0 {
					least = two.fill(int(w.nFirst), tClass, f.floor)
				}
				ok = least != noMatch && two.matches(w.first) >= int(least)-1
			}
			if !ok {
				// Its first against the name's first two written together.
				least = first.least[w.nTwo][class]
				if least == 0 {
					least = first.fill(int(w.nTwo), class, f.floor)
				}
				if least == noMatch || first.matches(w.two) < int(least)-1 {
					continue
				}
			}
		}
		s.counts[p.name]++
		s.touched[p.name>>6] |= 1 << (p.name & 63)
	}
}

// bestName is Index.bestName as it was before fuzzy keys.
func (w *oldWalk) bestName(ix *Index, s *oldScratch, q *nameForm) (int32, float64, bool) {
	if ix.threshold >= 1 || ix.liveNames == 0 || !fuzzyLength(q.runes) {
		return 0, 0, false
	}
	return w.bestNameWith(ix, s, q)
}

// oracleQueries returns name queries made from the synthetic accounts
// that exercise each way the fuzzy rule can accept a name: slips anywhere
// (the first letter too), words written together or apart, a brand alone
// or cut short, other endings, transliterations, abbreviations, and names
// the index does not hold.
func oracleQueries(rng *rand.Rand, accounts []Account, n int) []string {
	unknown := newAccountGen(rng.Uint64())
	alphabet := []rune("abcdefghijklmnopqrstuvwxyzäöüß")
	endings := []string{"s", "ing", "er", "ers", "ik", "e", "ies"}
	qs := make([]string, 0, n)
	for len(qs) < n {
		name := accounts[rng.IntN(len(accounts))].Name
		words := strings.Fields(name)
		var q string
		switch rng.IntN(9) {
		case 0:
			q = unknown.account("").Name
		case 1:
			q = mutate(rng, name, 1, alphabet)
		case 2, 3:
			q = mutate(rng, name, 3, alphabet)
		case 4:
			// The first two words written together, or the first split.
			if len(words) > 1 {
				q = words[0] + words[1] + " " + strings.Join(words[2:], " ")
			} else {
				q = name[:len(name)/2] + " " + name[len(name)/2:]
			}
		case 5:
			// The brand alone, maybe cut short or slipped.
			r := []rune(words[0])
			q = string(r[:max(1, len(r)-rng.IntN(3))])
			if rng.IntN(2) == 0 {
				q = mutate(rng, q, 1, alphabet)
			}
		case 6:
			words[0] += endings[rng.IntN(len(endings))]
			q = mutate(rng, strings.Join(words, " "), 1, alphabet)
		case 7:
			q = strings.NewReplacer("o", "oe", "a", "ae", "s", "ss", "u", "ue").Replace(name)
		default:
			words[0] = []string{"Intl", "Tech", "Mfg", "Natl", "Svcs", "Lab"}[rng.IntN(6)]
			q = mutate(rng, strings.Join(words, " "), 1, alphabet)
		}
		qs = append(qs, q)
	}
	return qs
}

// oracleAccounts returns n synthetic accounts, some of whose first words
// are ones NormalizeCompany spells out ("International") or that carry
// transliterated or accented letters.
func oracleAccounts(seed uint64, n int) []Account {
	g := newAccountGen(seed)
	accounts := g.accounts(n)
	for i := range accounts {
		switch i % 20 {
		case 0:
			longs := []string{"International", "Technologies", "Manufacturing", "National", "Services", "Laboratories"}
			accounts[i].Name = longs[g.rng.IntN(len(longs))] + " " + accounts[i].Name
		case 1:
			accounts[i].Name = strings.NewReplacer("o", "ø", "a", "ä", "s", "ß").Replace(accounts[i].Name)
		}
	}
	return accounts
}

// compareWithOracle asks ix and the old walk over ix for the best name of
// each query, and reports any difference. It returns how many queries
// reached the fuzzy step and how many of those found a name.
func compareWithOracle(t *testing.T, ix *Index, queries []string) (fuzzy, found int) {
	t.Helper()
	old := newOldWalk(ix)
	s := newOldScratch(ix)
	for _, name := range queries {
		q := newNameForm(NormalizeCompany(name))
		if q.key == "" || isPlaceholderName(q.norm) {
			continue
		}
		if _, exact := ix.exactName(&q); exact {
			continue
		}
		fuzzy++
		wn, ws, wok := old.bestName(ix, s, &q)
		gn, gs, gok := ix.bestName(&q)
		if gn != wn || gs != ws || gok != wok {
			t.Errorf("bestName(%q) = %d %.4f %v, the trigram walk says %d %.4f %v", name, gn, gs, gok, wn, ws, wok)
		}
		if wok {
			found++
		}
	}
	return fuzzy, found
}

// TestBestNameOracle checks that the fuzzy step finds, over the fuzzy keys,
// exactly what the trigram walk it replaced found (the same name, score
// and refusal), at three thresholds, over synthetic accounts and the
// fixture, and after accounts are added, renamed and re-spelt.
func TestBestNameOracle(t *testing.T) {
	t.Parallel()
	accounts := oracleAccounts(21, 20_000)
	for _, threshold := range []float64{0.8, DefaultNameThreshold, 0.97} {
		t.Run(fmt.Sprintf("Synthetic%v", threshold), func(t *testing.T) {
			t.Parallel()
			ix := NewIndex(accounts, Options{NameThreshold: threshold})
			rng := rand.New(rand.NewPCG(uint64(threshold*100), 1))
			fuzzy, found := compareWithOracle(t, ix, oracleQueries(rng, accounts, 6000))
			t.Logf("%d queries reached the fuzzy step, %d found a name", fuzzy, found)
			if fuzzy < 4000 || found < 400 {
				t.Errorf("%d queries reached the fuzzy step and %d found a name, want many of both", fuzzy, found)
			}
		})
	}

	t.Run("Fixture", func(t *testing.T) {
		t.Parallel()
		fx := loadFixture(t)
		var queries []string
		for _, q := range fixtureQueries(fx) {
			queries = append(queries, q.Company)
		}
		rng := rand.New(rand.NewPCG(8, 9))
		queries = append(queries, oracleQueries(rng, fx.accounts, 3000)...)
		for _, threshold := range []float64{0.8, DefaultNameThreshold, 0.97} {
			ix := NewIndex(fx.accounts, Options{NameThreshold: threshold})
			fuzzy, found := compareWithOracle(t, ix, queries)
			if found < 100 {
				t.Errorf("threshold %v: %d of %d fuzzy queries found a name, want many", threshold, found, fuzzy)
			}
		}
	})

	t.Run("AfterAdds", func(t *testing.T) {
		t.Parallel()
		// Half the accounts built, the rest added; then a tenth renamed
		// to other accounts' names slipped, and a tenth re-spelt with
		// their first two words written together.
		rng := rand.New(rand.NewPCG(10, 11))
		base := accounts[:5000]
		ix := NewIndex(base[:2500], Options{})
		for _, a := range base[2500:] {
			ix.Add(a)
		}
		final := slices.Clone(base)
		for i := range final {
			a := final[i]
			switch i % 10 {
			case 3:
				a.Name = mutate(rng, base[rng.IntN(len(base))].Name, 1, []rune("abcdef"))
			case 7:
				a.Name = strings.Replace(a.Name, " ", "", 1)
			default:
				continue
			}
			final[i] = a
			ix.Add(a)
		}
		queries := oracleQueries(rng, final, 3000)
		compareWithOracle(t, ix, queries)
		// And the same answers as an index built from the final accounts.
		fresh := NewIndex(final, Options{})
		var qs []Query
		for _, q := range queries {
			qs = append(qs, Query{Company: q})
		}
		sameAnswers(t, fresh, ix, qs)
		if ix.liveNames != fresh.liveNames || len(ix.gramNames) != len(fresh.gramNames) || ix.keys.used != fresh.keys.used {
			t.Errorf("after adds: %d live names, %d trigrams, %d keys; built afresh: %d, %d, %d",
				ix.liveNames, len(ix.gramNames), ix.keys.used, fresh.liveNames, len(fresh.gramNames), fresh.keys.used)
		}
	})
}
