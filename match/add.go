package match

import (
	"cmp"
	"slices"
	"strings"
)

// Add indexes a, so that later queries see it as if the Index had been built
// by NewIndex with a among its accounts. An account whose ID is already
// indexed is replaced: its former name and domains no longer match it, so
// a renamed account or one whose alias moved elsewhere can be added again.
//
// Add is not safe for concurrent use, with Match or with another Add (see
// Index). Its cost is that of hashing a's domains and name and, for a
// name of 5 to 100 runes, filing it under its 20 to 60 fuzzy keys and
// counting its trigrams; when a replaced account's name changes, its
// former name leaves the lists of its keys, in time linear in their
// length (a few names each), and sorted lists of accounts sharing a name
// or domain are edited in place (see docs/benchmarks.md).
func (ix *Index) Add(a Account) {
	ix.add(a)
	ix.stopLen = max(minStopPostings, int(float64(ix.liveNames)*stopShare))
}

// add is Add without the stop-trigram bound, which NewIndex sets once.
func (ix *Index) add(a Account) {
	norm := NormalizeCompany(a.Name)
	key := ""
	if norm != "" && !isPlaceholderName(norm) {
		key = newNameForm(norm).key
	}
	n, ok := ix.byID[a.ID]
	if ok {
		ix.remove(n, key)
	} else {
		n = int32(len(ix.accounts))
		ix.accounts = append(ix.accounts, indexedAccount{})
		ix.byID[a.ID] = n
	}
	// The ID goes in first: the lists below are ordered by it.
	ix.accounts[n] = indexedAccount{id: a.ID, name: a.Name}
	acc := &ix.accounts[n]
	primary := NormalizeDomain(a.Domain)
	if primary != "" && !isFreeMailNormalized(primary) {
		acc.domain = primary
		ix.domains[primary] = ix.insertAccount(ix.domains[primary], n)
		ix.addLabel(primary, n)
	}
	for _, alias := range a.Aliases {
		d := NormalizeDomain(alias)
		if d != "" && d != primary && !isFreeMailNormalized(d) && !slices.Contains(acc.aliases, d) {
			acc.aliases = append(acc.aliases, d)
			ix.aliases[d] = ix.insertAccount(ix.aliases[d], n)
			ix.addLabel(d, n)
		}
	}
	ix.addName(norm, n)
}

// remove takes account n out of every list that holds it, before Add
// indexes it again. Its number stays its own. When its name key stays
// key, it is left under that name, whose keys then need no change.
func (ix *Index) remove(n int32, key string) {
	old := ix.accounts[n]
	drop := func(m map[string][]int32, k string) {
		if ns := removeAccount(m[k], n); len(ns) > 0 {
			m[k] = ns
		} else {
			delete(m, k)
		}
	}
	if old.domain != "" {
		drop(ix.domains, old.domain)
	}
	for _, d := range old.aliases {
		drop(ix.aliases, d)
	}
	for _, d := range append([]string{old.domain}, old.aliases...) {
		if l, ok := domainLabel(d); ok {
			drop(ix.labels, l)
		}
	}
	if old.key == "" || old.key == key {
		return
	}
	i := ix.byKey[old.key]
	e := &ix.names[i]
	wasFirst := e.accounts[0] == n
	e.accounts = removeAccount(e.accounts, n)
	switch {
	case len(e.accounts) == 0:
		ix.unpost(i)
		ix.liveNames--
	case wasFirst:
		ix.setForm(i, newNameForm(ix.accounts[e.accounts[0]].norm))
	}
}

// addName records that account n is called norm.
func (ix *Index) addName(norm string, n int32) {
	if norm == "" || isPlaceholderName(norm) {
		return
	}
	f := newNameForm(norm)
	acc := &ix.accounts[n]
	acc.norm, acc.key = norm, f.key
	i, ok := ix.byKey[f.key]
	if !ok {
		i = int32(len(ix.names))
		ix.byKey[f.key] = i
		ix.names = append(ix.names, nameEntry{form: f, accounts: []int32{n}})
		ix.sigs = append(ix.sigs, nameSig{})
		ix.wsigs = append(ix.wsigs, wordSig{})
		ix.post(i)
		ix.liveNames++
		return
	}
	e := &ix.names[i]
	if _, kept := slices.BinarySearchFunc(e.accounts, n, ix.compareAccounts); kept {
		// Added again under the same key (see remove): only the form may
		// differ, when n is the name's first account.
		if e.accounts[0] == n {
			ix.setForm(i, f)
		}
		return
	}
	e.accounts = ix.insertAccount(e.accounts, n)
	switch {
	case len(e.accounts) == 1: // an entry whose accounts were renamed
		e.form = f
		ix.post(i)
		ix.liveNames++
	case e.accounts[0] == n: // n has a lower ID than the entry's accounts
		ix.setForm(i, f)
	}
}

// setForm makes f, a form with the same key, the comparison form of live
// name i. Forms of one key differ only in spacing and connectives ("Blue
// Field" and "Bluefield") and in transliteration ("Mueller" and "Müller"
// share the runes but not the plain words), and then what post filed
// follows.
func (ix *Index) setForm(i int32, f nameForm) {
	e := &ix.names[i]
	if slices.Equal(e.form.runes, f.runes) && slices.Equal(headStrings(nil, &e.form), headStrings(nil, &f)) {
		e.form = f
		return
	}
	ix.unpost(i)
	e.form = f
	ix.post(i)
}

// post files live name i under its fuzzy keys (see fuzzyKeys), counts it
// under its trigrams (see nameGrams) and sets its signatures, if it is of
// a length that matches fuzzily.
func (ix *Index) post(i int32) {
	f := &ix.names[i].form
	r := f.runes
	if !fuzzyLength(r) || ix.wsigs[i].nFirst != 0 {
		// Too short or long, or posted already.
		return
	}
	ix.sigs[i] = newNameSig(r)
	ix.wsigs[i] = newWordSig(r)
	for _, k := range fuzzyKeys(f) {
		ix.keys.add(k, i)
	}
	ix.grams = nameGrams(ix.grams[:0], r)
	for _, g := range ix.grams {
		ix.gramNames[g]++
	}
}

// unpost takes name i out of what post filed it under.
func (ix *Index) unpost(i int32) {
	f := &ix.names[i].form
	r := f.runes
	if !fuzzyLength(r) || ix.wsigs[i].nFirst == 0 {
		return
	}
	for _, k := range fuzzyKeys(f) {
		ix.keys.remove(k, i)
	}
	ix.grams = nameGrams(ix.grams[:0], r)
	for _, g := range ix.grams {
		if ix.gramNames[g]--; ix.gramNames[g] <= 0 {
			delete(ix.gramNames, g)
		}
	}
	ix.sigs[i] = nameSig{}
	ix.wsigs[i] = wordSig{}
}

// addLabel records that account n owns the registrable domain d, whose
// first label may be a name the account went by.
func (ix *Index) addLabel(d string, n int32) {
	if label, ok := domainLabel(d); ok {
		ix.labels[label] = ix.insertAccount(ix.labels[label], n)
	}
}

// domainLabel returns the first label of the registrable domain d as a
// company name key, if it is long enough to be one.
func domainLabel(d string) (string, bool) {
	label, _, _ := strings.Cut(d, ".")
	label = skeleton(strings.ReplaceAll(label, "-", ""))
	return label, len(label) >= minLabelRunes
}

// compareAccounts orders account numbers by ID, then by number.
func (ix *Index) compareAccounts(a, b int32) int {
	if c := cmp.Compare(ix.accounts[a].id, ix.accounts[b].id); c != 0 {
		return c
	}
	return cmp.Compare(a, b)
}

// insertAccount inserts account n into ns, which is in ascending ID order,
// unless it is there already. Built in ID order, it appends.
func (ix *Index) insertAccount(ns []int32, n int32) []int32 {
	if len(ns) == 0 || ix.compareAccounts(ns[len(ns)-1], n) < 0 {
		return append(ns, n)
	}
	at, found := slices.BinarySearchFunc(ns, n, ix.compareAccounts)
	if found {
		return ns
	}
	return slices.Insert(ns, at, n)
}

// removeAccount returns ns without account n.
func removeAccount(ns []int32, n int32) []int32 {
	if at := slices.Index(ns, n); at >= 0 {
		return slices.Delete(ns, at, at+1)
	}
	return ns
}
