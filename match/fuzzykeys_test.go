package match

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// mutate returns s with up to edits random edits (a rune dropped, doubled,
// replaced by one of alphabet or swapped with its neighbour) anywhere,
// the first rune included.
func mutate(rng *rand.Rand, s string, edits int, alphabet []rune) string {
	r := []rune(s)
	for range 1 + rng.IntN(edits) {
		if len(r) < 2 {
			break
		}
		i := rng.IntN(len(r) - 1)
		switch rng.IntN(4) {
		case 0:
			r = append(r[:i], r[i+1:]...)
		case 1:
			r = slices.Insert(r, i, r[i])
		case 2:
			r[i] = alphabet[rng.IntN(len(alphabet))]
		default:
			r[i], r[i+1] = r[i+1], r[i]
		}
	}
	return string(r)
}

// TestFuzzyKeysCover checks the claim the fuzzy step's pruning rests on
// (see fuzzykeys.go): whenever wordLike accepts a lead string for an
// account string, the lead string's query keys meet the account string's
// keys. Words are drawn over a small alphabet (so that slips, stems and
// prefixes are common) with inflection endings, runes outside ASCII, and
// the abbreviations wordLike knows.
func TestFuzzyKeysCover(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []rune("abeirsnøß")
	endings := slices.Collect(maps.Keys(inflections))
	slices.Sort(endings)
	longs := slices.Sorted(maps.Keys(shortForms))
	word := func() string {
		var b strings.Builder
		for range 1 + rng.IntN(11) {
			b.WriteRune(alphabet[rng.IntN(len(alphabet))])
		}
		if rng.IntN(3) == 0 {
			b.WriteString(endings[rng.IntN(len(endings))])
		}
		return b.String()
	}
	keysOf := func(s string, last, account bool) map[uint32]bool {
		strs := []string{s}
		if account {
			strs = append(strs, shortForms[s]...)
		}
		m := map[uint32]bool{}
		for _, x := range strs {
			r := []rune(x)
			ks := deletionKeys(stemKeys(nil, x), r)
			if last || account {
				ks = prefixKey(ks, r)
			}
			for _, k := range ks {
				m[k] = true
			}
		}
		return m
	}
	accepted := map[string]int{}
	for i := range 300_000 {
		a := word()
		if i%10 == 0 {
			a = longs[rng.IntN(len(longs))]
		}
		var w string
		switch rng.IntN(6) {
		case 0:
			w = word()
		case 1:
			// A slip of a short form.
			w = a
			if shorts := shortForms[a]; len(shorts) > 0 {
				w = shorts[rng.IntN(len(shorts))]
			}
			w = mutate(rng, w, 2, alphabet)
		case 2:
			// The start of a, or a with another ending.
			r := []rune(a)
			w = string(r[:rng.IntN(len(r))+1])
			if rng.IntN(2) == 0 {
				w += endings[rng.IntN(len(endings))]
			}
		default:
			w = mutate(rng, a, 2, alphabet)
		}
		for _, last := range []bool{false, true} {
			if !wordLike(w, a, last) {
				continue
			}
			accepted[fmt.Sprint(last)]++
			qk, ak := keysOf(w, last, false), keysOf(a, false, true)
			met := false
			for k := range qk {
				met = met || ak[k]
			}
			if !met {
				t.Fatalf("wordLike(%q, %q, %v) holds but their keys do not meet", w, a, last)
			}
		}
	}
	if accepted["false"] < 10_000 || accepted["true"] < 10_000 {
		t.Fatalf("accepted pairs %v, want many of each", accepted)
	}
}

// TestKeyIndex checks the key table against a map: few keys with long
// lists, some of them sharing their home slot (multiples of a large power
// of two), added, then all removed, which frees the lists and leaves the
// arena mostly unused until it is compacted, then added again; and many
// keys with short lists, for the table to grow.
func TestKeyIndex(t *testing.T) {
	t.Parallel()
	t.Run("LongLists", func(t *testing.T) {
		t.Parallel()
		rng := rand.New(rand.NewPCG(5, 6))
		testKeyIndex(t, rng, func() uint32 { return uint32(rng.IntN(300)) << uint(rng.IntN(2)*20) }, 40)
	})
	t.Run("ManyKeys", func(t *testing.T) {
		t.Parallel()
		rng := rand.New(rand.NewPCG(7, 8))
		testKeyIndex(t, rng, func() uint32 { return uint32(rng.IntN(20_000)) }, 3)
	})
}

// testKeyIndex runs 400,000 random changes to a keyIndex, with keys from
// key and names below names, and compares it with a map as it goes.
func testKeyIndex(t *testing.T, rng *rand.Rand, key func() uint32, names int) {
	ki := newKeyIndex()
	model := map[uint32]map[int32]bool{}
	compactions := 0
	check := func(step int) {
		var one [1]int32
		for k, ns := range model {
			got := slices.Sorted(slices.Values(ki.get(k, &one)))
			want := slices.Sorted(maps.Keys(ns))
			if !slices.Equal(got, want) {
				t.Fatalf("step %d: key %d holds %v, want %v", step, k, got, want)
			}
		}
		if got := ki.get(1<<31+7, &one); len(got) != 0 {
			t.Fatalf("step %d: absent key holds %v", step, got)
		}
		if ki.used != len(model) {
			t.Fatalf("step %d: table holds %d keys, want %d", step, ki.used, len(model))
		}
		room := 0
		for _, l := range ki.lists {
			room += int(l.room)
		}
		if ki.waste != len(ki.arena)-room {
			t.Fatalf("step %d: waste %d, want arena %d less room %d", step, ki.waste, len(ki.arena), room)
		}
	}
	for step := range 400_000 {
		k, n := key(), int32(rng.IntN(names))
		addShare := 3 // of 5
		if step >= 200_000 && step < 300_000 {
			addShare = 0
		}
		before := len(ki.arena)
		if rng.IntN(5) < addShare {
			if model[k][n] {
				continue // post files a name under a key once
			}
			ki.add(k, n)
			if model[k] == nil {
				model[k] = map[int32]bool{}
			}
			model[k][n] = true
		} else {
			ki.remove(k, n)
			delete(model[k], n)
			if len(model[k]) == 0 {
				delete(model, k)
			}
		}
		if len(ki.arena) < before {
			compactions++
		}
		if step%40_000 == 0 {
			check(step)
		}
	}
	check(-1)
	ki.compact()
	check(-2)
	if names > 10 && compactions == 0 {
		t.Errorf("the arena was never compacted")
	}
	if names <= 10 && len(ki.slots) < 1<<14 {
		t.Errorf("the table has %d slots, want it grown", len(ki.slots))
	}
}
