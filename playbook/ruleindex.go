package playbook

import (
	"math/bits"
	"slices"
)

// A rule list (the rules of one handoff type, in order) is indexed when the
// playbook loads, so that a routing decision finds the rules whose guards
// its environment passes without testing each rule's guards.
//
// For each field some guard of the list tests, and each value the guards
// name for it, the index holds the set of rules that value lets through:
// those whose every guard on the field allows it, and those with no guard
// on it. A value no guard names lets through only the latter. The rules an
// environment admits are the intersection, over the indexed fields, of the
// sets its values select: exactly the rules all of whose guards pass, as a
// set of positions visited in the list's order, so the first rule that
// holds is the one a scan in order would find.

// ruleIndex indexes one rule list.
type ruleIndex struct {
	rules []*Rule
	// all has a bit for every rule of the list.
	all []uint64
	by  []fieldIndex
}

// fieldIndex is the index of one field.
type fieldIndex struct {
	f field
	// values are the rules each value named by a guard lets through;
	// other are those any other value does (the rules without a guard on
	// the field).
	values map[string][]uint64
	other  []uint64
}

// indexRules builds the index of rules and records it on the first rule,
// where Admit finds it.
func indexRules(rules []*Rule) {
	if len(rules) == 0 {
		return
	}
	words := (len(rules) + 63) / 64
	ix := &ruleIndex{rules: rules, all: make([]uint64, words)}
	for i := range rules {
		ix.all[i/64] |= 1 << (i % 64)
	}
	var named [numFields]map[string]bool
	for _, r := range rules {
		for _, c := range r.checks {
			if named[c.f] == nil {
				named[c.f] = map[string]bool{}
			}
			for _, v := range c.values {
				named[c.f][v] = true
			}
		}
	}
	for f := range numFields {
		if named[f] == nil {
			continue
		}
		fi := fieldIndex{f: f, values: make(map[string][]uint64, len(named[f])), other: make([]uint64, words)}
		for v := range named[f] {
			fi.values[v] = make([]uint64, words)
		}
		for i, r := range rules {
			guarded := false
			for _, c := range r.checks {
				guarded = guarded || c.f == f
			}
			if !guarded {
				fi.other[i/64] |= 1 << (i % 64)
			}
			for v, set := range fi.values {
				if allows(r, f, v) {
					set[i/64] |= 1 << (i % 64)
				}
			}
		}
		ix.by = append(ix.by, fi)
	}
	rules[0].heads = append(rules[0].heads, ix)
}

// allows reports whether every guard of r on field f allows value v.
func allows(r *Rule, f field, v string) bool {
	for _, c := range r.checks {
		if c.f == f && !slices.Contains(c.values, v) {
			return false
		}
	}
	return true
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
	copy(set, ix.all)
	for k := range ix.by {
		fi := &ix.by[k]
		sel, ok := fi.values[env.get(fi.f)]
		if !ok {
			sel = fi.other
		}
		for w, b := range sel {
			set[w] &= b
		}
	}
	return set
}
