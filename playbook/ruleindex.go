package playbook

import "math/bits"

// A rule list (the rules of one handoff type, in order) is indexed when the
// playbook loads, so that a routing decision visits only the rules whose
// guards its environment can pass instead of testing every rule's guards.
//
// Each guarded rule is filed under one of its guards: the one on the field
// whose guards name the most distinct values across the list (the most
// selective), once per value the guard allows. Rules without guards are
// filed apart and always visited. For an environment, the candidates are
// the rules filed under its value of each indexed field plus the unguarded
// ones; each candidate's remaining guards are then checked. The result is a
// set of positions in the list, visited in the list's order, so the first
// rule that holds is the one a scan in order would find.

// ruleIndex indexes one rule list.
type ruleIndex struct {
	rules []*Rule
	words int
	// always are the rules without guards, as a bit set over positions.
	always []uint64
	// by holds, per indexed field, the bit set of the rules filed under
	// each value of it.
	by []fieldIndex
}

type fieldIndex struct {
	f      field
	values map[string][]uint64
}

// indexRules builds the index of rules and records it on the first rule,
// where Admit finds it.
func indexRules(rules []*Rule) {
	if len(rules) == 0 {
		return
	}
	ix := &ruleIndex{rules: rules, words: (len(rules) + 63) / 64}
	ix.always = make([]uint64, ix.words)
	distinct := make([]map[string]bool, numFields)
	for _, r := range rules {
		for _, c := range r.checks {
			if distinct[c.f] == nil {
				distinct[c.f] = map[string]bool{}
			}
			for _, v := range c.values {
				distinct[c.f][v] = true
			}
		}
	}
	slot := map[field]int{}
	for i, r := range rules {
		if len(r.checks) == 0 {
			ix.always[i/64] |= 1 << (i % 64)
			continue
		}
		best := 0
		for j, c := range r.checks {
			if len(distinct[c.f]) > len(distinct[r.checks[best].f]) {
				best = j
			}
		}
		c := r.checks[best]
		k, ok := slot[c.f]
		if !ok {
			k = len(ix.by)
			slot[c.f] = k
			ix.by = append(ix.by, fieldIndex{f: c.f, values: map[string][]uint64{}})
		}
		for _, v := range c.values {
			set := ix.by[k].values[v]
			if set == nil {
				set = make([]uint64, ix.words)
				ix.by[k].values[v] = set
			}
			set[i/64] |= 1 << (i % 64)
		}
	}
	rules[0].heads = append(rules[0].heads, ix)
}

// indexOf returns the index built for rules when it is a list the playbook
// indexed (the slice RulesFor returns), else nil.
func indexOf(rules []*Rule) *ruleIndex {
	if len(rules) == 0 {
		return nil
	}
	for _, ix := range rules[0].heads {
		if len(ix.rules) == len(rules) && &ix.rules[0] == &rules[0] {
			return ix
		}
	}
	return nil
}

// RuleSet is a set of positions in a rule list, as Admit returns it.
type RuleSet []uint64

// Next returns the first position ≥ i in s, or -1 when there is none.
func (s RuleSet) Next(i int) int {
	w := i / 64
	if i < 0 || w >= len(s) {
		return -1
	}
	if b := s[w] >> (i % 64); b != 0 {
		return i + bits.TrailingZeros64(b)
	}
	for w++; w < len(s); w++ {
		if s[w] != 0 {
			return w*64 + bits.TrailingZeros64(s[w])
		}
	}
	return -1
}

// Admit returns the positions of the rules whose guards env passes (see
// Rule.Admits), in a set built in buf when it is large enough (one word per
// 64 rules). A rule outside the set cannot hold for env. It uses the index
// built at load for the lists RulesFor returns, and checks every rule of
// any other list.
func Admit(rules []*Rule, env *Env, buf []uint64) RuleSet {
	words := (len(rules) + 63) / 64
	if cap(buf) < words {
		buf = make([]uint64, words)
	}
	set := buf[:words]
	ix := indexOf(rules)
	if ix == nil {
		clear(set)
		for i, r := range rules {
			if r.Admits(env) {
				set[i/64] |= 1 << (i % 64)
			}
		}
		return set
	}
	copy(set, ix.always)
	for k := range ix.by {
		if vs := ix.by[k].values[env.get(ix.by[k].f)]; vs != nil {
			for w, b := range vs {
				set[w] |= b
			}
		}
	}
	// The candidates passed one guard (or have none): check the rest.
	for i := RuleSet(set).Next(0); i >= 0; i = RuleSet(set).Next(i + 1) {
		if !rules[i].Admits(env) {
			set[i/64] &^= 1 << (i % 64)
		}
	}
	return set
}
