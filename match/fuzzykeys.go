package match

import "slices"

// The fuzzy step finds its candidates by fuzzy keys: short hashes of the
// strings the word rule (wordsAgree) compares first, so that a query reads
// the few names that may pass the rule rather than every name sharing a
// trigram with its first word.
//
// fuzzyScore accepts a name only if wordsAgree does, and wordsAgree starts
// by requiring the lead's first word, or its first two written together,
// to be wordLike the account's first word, or its first two written
// together: a head string of each side (see headStrings) against a head
// string of the other or a short form of it. wordLike (slipOrStem) holds
// between a lead string w and an account string a only when
//
//  1. w == a, or they share a stem of four bytes or more after which both
//     end or go on with an inflection: then they share a stem key
//     (stemKeys), w[:i] for the same i;
//  2. both have four runes or more and their optimal string alignment
//     distance is at most k (2 when both have eight runes or more, else
//     1): then deleting at most k runes from each makes them equal (each
//     substitution deletes the rune from both, an insertion or deletion
//     from one, a swap of neighbours one of the pair from both), and the
//     first keyRunes runes of that common string come from the first
//     keyRunes+k runes of each, so they share a deletion key
//     (deletionKeys), which enumerates every deletion of up to k runes
//     among those;
//  3. w is the lead's last word, has five runes or more and starts a:
//     then they share a prefix key, their first five runes.
//
// So a name that fuzzyScore accepts shares a key with the query, and the
// keys prune nothing the rule would take. Keys are 32-bit hashes: two
// strings whose keys collide only add a candidate, which the exact tests
// of Index.bestNameWith then reject. TestFuzzyKeysCover checks the three cases on random
// and typo'd words; TestBestNameOracle compares the whole fuzzy step with
// the trigram walk it replaced.

// keyRunes is how many leading runes of a string, after deletions, a
// deletion key holds. Longer keys are more selective and more numerous:
// at 100,000 synthetic accounts, 5 gives about 1,000,000 distinct keys
// and 230 candidate names per query, 6 twice the keys and 90 candidates,
// and the fuzzy step's time is mostly reading the candidates'
// signatures.
const keyRunes = 6

// prefixRunes is the length of a prefix key (case 3 above): the shortest
// lead word that may start an account word.
const prefixRunes = 5

// Key family tags, mixed into the hash so that the families do not meet.
const (
	tagStem     = 0x5354454d
	tagDeletion = 0x44454c45
	tagPrefix   = 0x50524546
)

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// keyHash folds a 64-bit FNV-1a state into a key.
func keyHash(h uint64) uint32 { return uint32(h ^ h>>32) }

// stemKeys appends to dst the stem keys of s (case 1): s itself, and s
// cut before each inflection ending that leaves at least four bytes.
func stemKeys(dst []uint32, s string) []uint32 {
	hashTo := func(n int) uint32 {
		h := uint64(fnvOffset ^ tagStem)
		for i := range n {
			h = (h ^ uint64(s[i])) * fnvPrime
		}
		return keyHash(h ^ uint64(n))
	}
	dst = append(dst, hashTo(len(s)))
	// Inflections are at most five bytes long.
	for i := max(4, len(s)-5); i < len(s); i++ {
		if inflections[s[i:]] {
			dst = append(dst, hashTo(i))
		}
	}
	return dst
}

// deletionKeys appends to dst the deletion keys of r (case 2): for every
// choice of at most k runes among the first keyRunes+k, the first keyRunes
// runes left after deleting them, where k is 2 for strings of eight runes
// or more and 1 otherwise. Strings under four runes have none.
func deletionKeys(dst []uint32, r []rune) []uint32 {
	if len(r) < 4 {
		return dst
	}
	k := 1
	if len(r) >= 8 {
		k = 2
	}
	window := min(len(r), keyRunes+k)
	hashSkip := func(i, j int) uint32 {
		h := uint64(fnvOffset ^ tagDeletion)
		n := 0
		for p, c := range r {
			if p == i || p == j {
				continue
			}
			if n == keyRunes {
				break
			}
			h = (h ^ uint64(c)) * fnvPrime
			n++
		}
		return keyHash(h ^ uint64(n))
	}
	dst = append(dst, hashSkip(-1, -1))
	for i := range window {
		dst = append(dst, hashSkip(i, -1))
		if k == 2 {
			for j := i + 1; j < window; j++ {
				dst = append(dst, hashSkip(i, j))
			}
		}
	}
	return dst
}

// prefixKey appends to dst the prefix key of r (case 3), if r has at least
// prefixRunes runes.
func prefixKey(dst []uint32, r []rune) []uint32 {
	if len(r) < prefixRunes {
		return dst
	}
	h := uint64(fnvOffset ^ tagPrefix)
	for _, c := range r[:prefixRunes] {
		h = (h ^ uint64(c)) * fnvPrime
	}
	return append(dst, keyHash(h))
}

// headStrings appends to dst the strings of f that wordsAgree compares
// first: its first word and its first two words written together, each
// folded by skeleton (words) and as written (plain), without repeats.
func headStrings(dst []string, f *nameForm) []string {
	add := func(s string) {
		if !slices.Contains(dst, s) {
			dst = append(dst, s)
		}
	}
	if len(f.words) == 0 {
		return dst
	}
	add(f.words[0])
	add(f.plain[0])
	if len(f.words) > 1 {
		add(f.words[0] + f.words[1])
		add(f.plain[0] + f.plain[1])
	}
	return dst
}

// fuzzyKeys returns the keys an account name with form f is filed under:
// every key of its head strings and of their short forms (wordLike also
// compares a lead's word with the abbreviations of the account's),
// sorted, without repeats.
func fuzzyKeys(f *nameForm) []uint32 {
	heads := headStrings(nil, f)
	for _, h := range heads[:len(heads):len(heads)] {
		for _, short := range shortForms[h] {
			if !slices.Contains(heads, short) {
				heads = append(heads, short)
			}
		}
	}
	var keys []uint32
	for _, h := range heads {
		r := []rune(h)
		keys = stemKeys(keys, h)
		keys = deletionKeys(keys, r)
		keys = prefixKey(keys, r)
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// queryKeys appends to dst the keys a query name with form q looks up,
// sorted, without repeats: those of its head strings, with their prefix
// keys where the string may be the lead's last word (wordLike accepts a
// lead word that starts the account's only when it is the last). runes is
// scratch space, returned for reuse.
func queryKeys(dst []uint32, q *nameForm, runes []rune) ([]uint32, []rune) {
	add := func(h string, last bool) {
		runes = runes[:0]
		for _, c := range h {
			runes = append(runes, c)
		}
		dst = stemKeys(dst, h)
		dst = deletionKeys(dst, runes)
		if last {
			dst = prefixKey(dst, runes)
		}
	}
	if len(q.words) == 0 {
		return dst, runes
	}
	add(q.words[0], len(q.words) == 1)
	if q.plain[0] != q.words[0] {
		add(q.plain[0], len(q.words) == 1)
	}
	if len(q.words) > 1 {
		add(q.words[0]+q.words[1], len(q.words) == 2)
		if q.plain[0] != q.words[0] || q.plain[1] != q.words[1] {
			add(q.plain[0]+q.plain[1], len(q.words) == 2)
		}
	}
	slices.Sort(dst)
	return slices.Compact(dst), runes
}

// keyIndex files name numbers under keys, in an open-addressing hash
// table (linear probing) of 64-bit slots: the key in the high half, and in
// the low half the key's only name plus one, or, for a key with more
// names, the complement of the number of its list. A zero slot is empty.
// A lookup reads one or two adjacent slots of one flat array, where a Go
// map of two million keys reads a directory, a control word and a slot,
// each a cache miss at this size.
//
// The lists (about 500,000 at 100,000 accounts) live in one arena of name
// numbers rather than as slices of their own: they hold no pointers, so
// the garbage collector does not visit them, and a list costs 12 bytes
// besides its names instead of a 24-byte header and an allocation.
type keyIndex struct {
	slots []uint64 // len a power of two, at most three quarters full
	used  int      // keys
	lists []keyList
	arena []int32 // the lists' names; a list that outgrows its room moves to the end
	spare []int32 // numbers of free lists, for reuse
	waste int     // arena room no list has (len(arena) less the lists' room)
}

// keyList is a list of names in keyIndex.arena.
type keyList struct {
	off, n, room uint32
}

func newKeyIndex() keyIndex {
	return keyIndex{slots: make([]uint64, 1<<10)}
}

// home is the first slot probed for key.
func (k *keyIndex) home(key uint32) int {
	// Fibonacci hashing spreads the keys' high bits over the table.
	return int((uint64(key) * 0x9e3779b97f4a7c15) >> 32 & uint64(len(k.slots)-1))
}

// find returns the slot of key, or the empty slot where it would go.
func (k *keyIndex) find(key uint32) int {
	mask := len(k.slots) - 1
	for i := k.home(key); ; i = (i + 1) & mask {
		if e := k.slots[i]; e == 0 || uint32(e>>32) == key {
			return i
		}
	}
}

// add files name n under key. post files a name once under keys without
// repeats, so n is not under key already.
func (k *keyIndex) add(key uint32, n int32) {
	i := k.find(key)
	e := k.slots[i]
	switch v := int32(uint32(e)); {
	case e == 0:
		k.slots[i] = uint64(key)<<32 | uint64(uint32(n+1))
		k.used++
		if k.used*4 > len(k.slots)*3 {
			k.grow()
		}
	case v > 0:
		l := k.newList(v-1, n)
		k.slots[i] = uint64(key)<<32 | uint64(uint32(^l))
	default:
		k.push(^v, n)
	}
}

// newList returns the number of a new list holding a and b.
func (k *keyIndex) newList(a, b int32) int32 {
	var l int32
	if len(k.spare) > 0 {
		l = k.spare[len(k.spare)-1]
		k.spare = k.spare[:len(k.spare)-1]
	} else {
		l = int32(len(k.lists))
		k.lists = append(k.lists, keyList{})
	}
	k.lists[l] = keyList{off: uint32(len(k.arena)), n: 2, room: 2}
	k.arena = append(k.arena, a, b)
	return l
}

// push appends n to list l, moving the list to the end of the arena with
// twice the room when it is full.
func (k *keyIndex) push(l, n int32) {
	kl := &k.lists[l]
	if kl.n == kl.room {
		off := uint32(len(k.arena))
		k.arena = append(k.arena, k.arena[kl.off:kl.off+kl.n]...)
		k.arena = append(k.arena, make([]int32, kl.room)...)
		k.waste += int(kl.room)
		kl.off, kl.room = off, 2*kl.room
	}
	k.arena[kl.off+kl.n] = n
	kl.n++
	// Only now: compacting leaves no room in any list.
	k.compactIfWasteful()
}

// compactIfWasteful copies the lists to a new arena when more than half
// of the arena is unused.
func (k *keyIndex) compactIfWasteful() {
	if k.waste*2 > len(k.arena) && len(k.arena) > 1<<12 {
		k.compact()
	}
}

// compact copies the lists to a new arena with no more room than they
// use.
func (k *keyIndex) compact() {
	arena := make([]int32, 0, len(k.arena)-k.waste)
	for l := range k.lists {
		kl := &k.lists[l]
		off := uint32(len(arena))
		arena = append(arena, k.arena[kl.off:kl.off+kl.n]...)
		kl.off, kl.room = off, kl.n
	}
	k.arena, k.waste = arena, 0
}

// grow doubles the table.
func (k *keyIndex) grow() {
	old := k.slots
	k.slots = make([]uint64, 2*len(old))
	for _, e := range old {
		if e != 0 {
			k.slots[k.find(uint32(e>>32))] = e
		}
	}
}

// remove takes name n from under key.
func (k *keyIndex) remove(key uint32, n int32) {
	i := k.find(key)
	e := k.slots[i]
	switch v := int32(uint32(e)); {
	case e == 0:
	case v > 0:
		if v-1 == n {
			k.clear(i)
		}
	default:
		l := ^v
		kl := &k.lists[l]
		ns := k.arena[kl.off : kl.off+kl.n]
		at := slices.Index(ns, n)
		if at < 0 {
			return
		}
		ns[at] = ns[len(ns)-1]
		kl.n--
		if kl.n == 1 {
			// Back to a key of one name, kept in its slot.
			k.slots[i] = uint64(key)<<32 | uint64(uint32(ns[0]+1))
			k.waste += int(kl.room)
			*kl = keyList{}
			k.spare = append(k.spare, l)
			k.compactIfWasteful()
		}
	}
}

// clear empties slot i, moving back any later slot of its probe run that
// could no longer be found past the gap (backward-shift deletion).
func (k *keyIndex) clear(i int) {
	mask := len(k.slots) - 1
	k.used--
	for j := (i + 1) & mask; ; j = (j + 1) & mask {
		e := k.slots[j]
		if e == 0 {
			break
		}
		// The entry at j may move to the gap at i if its home is not
		// between i (exclusive) and j (inclusive), cyclically.
		if h := k.home(uint32(e >> 32)); (j-h)&mask >= (j-i)&mask {
			k.slots[i] = e
			i = j
		}
	}
	k.slots[i] = 0
}

// get returns the names under key; one is scratch space for a key of one
// name. The slice is the index's own, valid until the next change.
func (k *keyIndex) get(key uint32, one *[1]int32) []int32 {
	e := k.slots[k.find(key)]
	switch v := int32(uint32(e)); {
	case e == 0:
		return nil
	case v > 0:
		one[0] = v - 1
		return one[:]
	default:
		kl := k.lists[^v]
		return k.arena[kl.off : kl.off+kl.n]
	}
}

// gramsShared returns how many of the sorted trigrams grams the name with
// comparison runes r is posted under (see nameGrams), without allocating:
// a trigram is one of the name's when it occurs in its first word or in
// its first two words written together, each padded with a space.
func gramsShared(grams []uint64, r []rune) int {
	first := firstWord(r)
	var second []rune
	if len(first) < len(r) {
		second = firstWord(r[len(first)+1:])
	}
	// The runes of the first two written together, padded: position p of
	// " " + first + second + " " when two is set, else of " " + first + " ".
	two := len(second) > 0
	at := func(p, n int) uint64 {
		switch {
		case p <= 0 || p > n:
			return ' '
		case p <= len(first):
			return uint64(first[p-1]) & (1<<21 - 1)
		default:
			return uint64(second[p-1-len(first)]) & (1<<21 - 1)
		}
	}
	has := func(g uint64, n int) bool {
		for p := 0; p+2 <= n+1; p++ {
			if at(p, n)<<42|at(p+1, n)<<21|at(p+2, n) == g {
				return true
			}
		}
		return false
	}
	shared := 0
	for _, g := range grams {
		if has(g, len(first)) || two && has(g, len(first)+len(second)) {
			shared++
		}
	}
	return shared
}
