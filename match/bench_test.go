package match

import (
	"fmt"
	"runtime"
	"testing"
)

// benchQueries builds an index of n synthetic accounts and, for each kind
// of lead, 1024 queries that exercise one path through Match.
func benchQueries(tb testing.TB, n int) (*Index, map[string][]Query) {
	tb.Helper()
	g := newAccountGen(42)
	accounts := g.accounts(n)
	ix := NewIndex(accounts, Options{})
	unknown := newAccountGen(4242) // different brands: names not in the index
	qs := map[string][]Query{}
	for range 1024 {
		a := accounts[g.rng.IntN(len(accounts))]
		qs["EmailDomain"] = append(qs["EmailDomain"], Query{Email: "jane.doe@" + a.Domain, Company: a.Name})
		qs["FreeMailExactName"] = append(qs["FreeMailExactName"], Query{Email: "jane@gmail.com", Company: a.Name})
		qs["FreeMailTypoName"] = append(qs["FreeMailTypoName"], Query{Email: "jane@gmail.com", Company: g.typo(a.Name)})
		qs["FreeMailUnknownName"] = append(qs["FreeMailUnknownName"], Query{Email: "jane@gmail.com", Company: unknown.account("").Name})
	}
	return ix, qs
}

// BenchmarkMatch measures Match over 100,000 synthetic accounts, one
// sub-benchmark per path: a corporate email (map lookups only), an exact
// company name, a company name with one typo (the trigram-blocked fuzzy
// step), and a company name the index does not hold (fuzzy step, no hit).
func BenchmarkMatch(b *testing.B) {
	ix, qs := benchQueries(b, 100_000)
	for _, kind := range []string{"EmailDomain", "FreeMailExactName", "FreeMailTypoName", "FreeMailUnknownName"} {
		b.Run(kind, func(b *testing.B) {
			queries := qs[kind]
			matched := 0
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, ok := ix.Match(queries[i%len(queries)]); ok {
					matched++
				}
				i++
			}
			b.ReportMetric(float64(matched)/float64(i), "matched/op")
		})
	}
}

// BenchmarkNewIndex measures building the index over 100,000 accounts,
// and reports the heap the index keeps (heap-MB: live heap after a
// collection with the index held, less the live heap before it was built).
func BenchmarkNewIndex(b *testing.B) {
	accounts := newAccountGen(42).accounts(100_000)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var ix *Index
	b.ReportAllocs()
	for b.Loop() {
		ix = NewIndex(accounts, Options{})
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "heap-MB")
	runtime.KeepAlive(ix)
}

// BenchmarkAdd measures adding one account to an index of 100,000
// synthetic accounts: a new account whose ID sorts after the others (as
// time-ordered IDs do), and an indexed account added again, unchanged or
// renamed (an import that updates accounts). The index grows by one
// account per NewAccount operation.
func BenchmarkAdd(b *testing.B) {
	base := newAccountGen(42).accounts(100_000)
	fresh := newAccountGen(4242).accounts(1 << 16)
	b.Run("NewAccount", func(b *testing.B) {
		ix := NewIndex(base, Options{})
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			a := fresh[i%len(fresh)]
			a.ID = fmt.Sprintf("T%09d", i)
			ix.Add(a)
			i++
		}
	})
	b.Run("SameAccountAgain", func(b *testing.B) {
		ix := NewIndex(base, Options{})
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			ix.Add(base[i%len(base)])
			i++
		}
	})
	b.Run("Renamed", func(b *testing.B) {
		ix := NewIndex(base, Options{})
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			a := fresh[i%len(fresh)]
			a.ID = base[i%len(base)].ID
			ix.Add(a)
			i++
		}
	})
}

// TestBenchQueriesHitTheirPath keeps the benchmark honest: each query kind
// must mostly take the path it is named for.
func TestBenchQueriesHitTheirPath(t *testing.T) {
	t.Parallel()
	ix, qs := benchQueries(t, 5000)
	want := map[string]string{
		"EmailDomain":         MethodEmailDomain,
		"FreeMailExactName":   MethodCompanyName,
		"FreeMailTypoName":    MethodCompanyName,
		"FreeMailUnknownName": "",
	}
	for kind, method := range want {
		// A typo that glues or splits words ("Energy PLC" as "EnergyPLC",
		// "Cloud" as "Clou d") leaves a word the account does not have, and
		// the word rule refuses it: about one typo'd name in eight.
		least := 0.9
		if kind == "FreeMailTypoName" {
			least = 0.85
		}
		hits := 0
		for _, q := range qs[kind] {
			if m, _ := ix.Match(q); m.Method == method {
				hits++
			}
		}
		if share := float64(hits) / float64(len(qs[kind])); share < least {
			t.Errorf("%s: %s for %.0f%% of queries, want at least %.0f%%", kind, fmt.Sprintf("%q", method), 100*share, 100*least)
		}
	}
}
