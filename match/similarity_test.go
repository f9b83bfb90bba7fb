package match

import (
	"strings"
	"testing"
)

func TestSimilarity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		a, b     string
		min, max float64
	}{
		{"IdenticalIsOne", "Acme Robotics", "Acme Robotics", 1, 1},
		{"IdenticalAfterNormalisingIsOne", "Acme Robotics, Inc.", "ACME ROBOTICS", 1, 1},
		{"EmptyIsZero", "", "Acme", 0, 0},
		{"BothEmptyIsZero", "", "", 0, 0},
		{"PunctuationOnlyIsZero", "-", "-", 0, 0},
		{"NothingInCommonIsZero", "abc", "xyz", 0, 0},
		{"OneDroppedLetterPasses", "Acme Robotcs", "Acme Robotics", 0.98, 0.99},
		{"OneWrongLetterInSixPasses", "Glovex", "Globex", 0.92, 0.93},
		{"SharedFirstWordFails", "Acme Foods", "Acme Robotics", 0.88, 0.89},
		{"SharedFirstWordOnlyFails", "Northwind", "Northwind Traders", 0.90, 0.91},
		{"ShortNamePlusLetterScoresHigh", "Zeno", "Zenon", 0.96, 0.97},
		{"ReorderedWordsScoreLow", "Robotics Acme", "Acme Robotics", 0, 0.7},
		// The textbook examples from Winkler (1990).
		{"Martha", "martha", "marhta", 0.961, 0.962},
		{"Dwayne", "dwayne", "duane", 0.84, 0.841},
		{"Dixon", "dixon", "dicksonx", 0.813, 0.814},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Similarity(tt.a, tt.b)
			if got < tt.min || got > tt.max {
				t.Errorf("Similarity(%q, %q) = %.4f, want in [%.3f, %.3f]", tt.a, tt.b, got, tt.min, tt.max)
			}
			if rev := Similarity(tt.b, tt.a); rev != got {
				t.Errorf("Similarity(%q, %q) = %.4f, but reversed %.4f", tt.a, tt.b, got, rev)
			}
		})
	}
}

func TestNameSigBound(t *testing.T) {
	t.Parallel()
	// Random strings over a small alphabet share many runes, which is where
	// a loose or wrong bound would show. Include runes 32 apart (a, A) and
	// runes with equal low bytes (a, š is U+0161) to exercise bucket and
	// prefix collisions.
	g := newAccountGen(3)
	alphabet := []rune("abcdeAš ")
	word := func() []rune {
		r := make([]rune, 1+g.rng.IntN(maxFuzzyRunes))
		for i := range r {
			r[i] = alphabet[g.rng.IntN(len(alphabet))]
		}
		return r
	}
	var s jaroScratch
	for range 20_000 {
		a, b := word(), word()
		if len(b) > 12 && g.rng.IntN(2) == 0 {
			b = []rune(g.typo(string(a))) // near pairs, where the bound is tight
		}
		sa, sb := newNameSig(a), newNameSig(b)
		jw, bound := s.jaroWinkler(a, b), sa.bound(&sb)
		if jw > bound+1e-12 {
			t.Fatalf("bound(%q, %q) = %v, below Jaro-Winkler %v", string(a), string(b), bound, jw)
		}
	}
}

func TestSumMinBytes(t *testing.T) {
	t.Parallel()
	g := newAccountGen(5)
	for range 10_000 {
		var a, b uint64
		want := 0
		for i := range 8 {
			x, y := uint64(g.rng.IntN(32)), uint64(g.rng.IntN(32))
			a |= x << (8 * i)
			b |= y << (8 * i)
			want += int(min(x, y))
		}
		if got := sumMinBytes(a, b); got != want {
			t.Fatalf("sumMinBytes(%#x, %#x) = %d, want %d", a, b, got, want)
		}
	}
}

// TestWordFilterAdmits checks that the first-word filter the fuzzy step
// applies while reading posting lists never rejects a name whose first
// words pass firstWordsAlike: random words over a small alphabet (with
// runes 32 apart and runes with equal low bytes, to exercise bucket and
// prefix collisions), and typos of one another, where the bound is tight.
func TestWordFilterAdmits(t *testing.T) {
	t.Parallel()
	g := newAccountGen(5)
	alphabet := []rune("abcdeAš")
	word := func() string {
		r := make([]rune, 1+g.rng.IntN(12))
		for i := range r {
			r[i] = alphabet[g.rng.IntN(len(alphabet))]
		}
		return string(r)
	}
	phrase := func() []rune {
		words := make([]string, 1+g.rng.IntN(3))
		for i := range words {
			words[i] = word()
		}
		return []rune(strings.Join(words, " "))
	}
	var s jaroScratch
	checked := 0
	for range 50_000 {
		q, name := phrase(), phrase()
		switch g.rng.IntN(3) {
		case 0:
			name = []rune(g.typo(string(q)))
		case 1:
			// The same words written together or apart.
			name = []rune(strings.Replace(string(q), " ", "", 1))
		}
		if n := string(name); n == "" || n != strings.Join(strings.Fields(n), " ") {
			continue // names have single spaces between words only
		}
		for _, threshold := range []float64{0.8, DefaultNameThreshold, 0.97} {
			qFirst := firstWord(q)
			f := wordFilter{first: newWordQuery(qFirst), floor: threshold - 1e-9}
			if len(qFirst) < len(q) {
				second := firstWord(q[len(qFirst)+1:])
				f.two = newWordQuery(q[:len(qFirst)+1+len(second)])
			}
			sig := newWordSig(name)
			if s.firstWordsAlike(qFirst, q, name, threshold) {
				checked++
				if !f.admits(&sig) {
					t.Fatalf("threshold %v: filter rejects %q for query %q, whose first words are alike", threshold, string(name), string(q))
				}
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d alike pairs checked, want many", checked)
	}
}

// TestCountAdmitsAsWordFilter checks that the posting walk
// (oldScratch.count, the oracle of TestBestNameOracle), which writes the first-word filter out for speed,
// counts exactly the postings wordFilter.admits admits: random queries and
// names as in TestWordFilterAdmits (one, two and three words, typos of one
// another, words written together), each query against a list of 200
// names, at three thresholds.
func TestCountAdmitsAsWordFilter(t *testing.T) {
	t.Parallel()
	g := newAccountGen(17)
	alphabet := []rune("abcdeAš")
	word := func() string {
		r := make([]rune, 1+g.rng.IntN(12))
		for i := range r {
			r[i] = alphabet[g.rng.IntN(len(alphabet))]
		}
		return string(r)
	}
	phrase := func() []rune {
		words := make([]string, 1+g.rng.IntN(3))
		for i := range words {
			words[i] = word()
		}
		return []rune(strings.Join(words, " "))
	}
	const names = 200
	admitted := 0
	for range 500 {
		q := phrase()
		posts := make([]posting, 0, names)
		for n := range int32(names) {
			name := phrase()
			switch g.rng.IntN(3) {
			case 0:
				name = []rune(g.typo(string(q)))
			case 1:
				name = []rune(strings.Replace(string(q), " ", "", 1))
			}
			if s := string(name); s == "" || s != strings.Join(strings.Fields(s), " ") {
				name = q
			}
			posts = append(posts, posting{name: n, sig: newWordSig(name)})
		}
		for _, threshold := range []float64{0.8, DefaultNameThreshold, 0.97} {
			qFirst := firstWord(q)
			f := wordFilter{first: newWordQuery(qFirst), floor: threshold - 1e-9}
			if len(qFirst) < len(q) {
				second := firstWord(q[len(qFirst)+1:])
				f.two = newWordQuery(q[:len(qFirst)+1+len(second)])
			}
			want := wordFilter{first: newWordQuery(qFirst), two: f.two, floor: f.floor} // fresh tables
			s := &oldScratch{counts: make([]uint8, names), touched: make([]uint64, (names+63)/64)}
			s.count(&f, posts)
			for _, p := range posts {
				got := s.counts[p.name] == 1 && s.touched[p.name>>6]&(1<<(p.name&63)) != 0
				if got != want.admits(&p.sig) {
					t.Fatalf("threshold %v, query %q, name %d: counted %v, admits says %v", threshold, string(q), p.name, got, !got)
				}
				if got {
					admitted++
				}
			}
		}
	}
	if admitted < 10_000 || admitted > 250_000 {
		t.Fatalf("%d postings admitted of 300,000, want both answers well represented", admitted)
	}
}
