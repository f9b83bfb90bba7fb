package match

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// fixtureQueries are the fixture's pair queries plus, for each account, its
// own name and its name with the last letter doubled: exact and fuzzy
// lookups of every account, domains included.
func fixtureQueries(fx fixture) []Query {
	qs := make([]Query, 0, len(fx.pairs)+2*len(fx.accounts))
	for _, p := range fx.pairs {
		qs = append(qs, p.query)
	}
	for _, a := range fx.accounts {
		qs = append(qs, Query{Company: a.Name}, Query{Email: "jo@" + a.Domain, Company: a.Name})
		if a.Name != "" {
			qs = append(qs, Query{Company: a.Name + a.Name[len(a.Name)-1:]})
		}
	}
	return qs
}

// sameAnswers reports every query that two indexes answer differently.
func sameAnswers(t *testing.T, want, got *Index, qs []Query) {
	t.Helper()
	for _, q := range qs {
		mw, okw := want.Match(q)
		mg, okg := got.Match(q)
		if mw != mg || okw != okg {
			t.Errorf("Match(%+v):\ngot  %+v ok=%v\nwant %+v ok=%v (NewIndex of all)", q, mg, okg, mw, okw)
		}
	}
}

func TestAdd(t *testing.T) {
	t.Parallel()
	fx := loadFixture(t)
	qs := fixtureQueries(fx)
	byID := slices.Clone(fx.accounts)
	slices.SortFunc(byID, func(a, b Account) int { return cmp.Compare(a.ID, b.ID) })

	// Each split builds an index of some accounts and adds the rest in the
	// order given; all must answer as NewIndex of every account does.
	shuffled := func(seed uint64) []Account {
		as := slices.Clone(fx.accounts)
		rand.New(rand.NewPCG(seed, seed)).Shuffle(len(as), func(i, j int) { as[i], as[j] = as[j], as[i] })
		return as
	}
	reversed := slices.Clone(byID)
	slices.Reverse(reversed)
	splits := []struct {
		name      string
		some, add []Account
	}{
		{"AllAddedToAnEmptyIndex", nil, fx.accounts},
		{"HigherIDsAdded", byID[:len(byID)/2], byID[len(byID)/2:]},
		{"LowerIDsAdded", byID[len(byID)/2:], reversed[len(byID)-len(byID)/2:]},
		{"OneAdded", byID[1:], byID[:1]},
		{"ShuffledHalfAdded", shuffled(1)[:60], shuffled(1)[60:]},
		{"ShuffledMostAdded", shuffled(2)[:10], shuffled(2)[10:]},
	}
	want := fx.index
	for _, sp := range splits {
		t.Run(sp.name, func(t *testing.T) {
			t.Parallel()
			if len(sp.some)+len(sp.add) != len(fx.accounts) {
				t.Fatalf("split covers %d accounts, want %d", len(sp.some)+len(sp.add), len(fx.accounts))
			}
			ix := NewIndex(sp.some, Options{})
			for _, a := range sp.add {
				ix.Add(a)
			}
			sameAnswers(t, want, ix, qs)
		})
	}

	t.Run("ReplacesAnAccountAddedAgain", func(t *testing.T) {
		t.Parallel()
		// Rename a third of the accounts, move their domains and drop
		// their aliases: adding the new versions to an index of the old
		// must answer as an index built from the new.
		changed := slices.Clone(fx.accounts)
		var again []Account
		for i := range changed {
			if i%3 != 0 {
				continue
			}
			a := changed[i]
			a.Name = "Renamed " + a.Name
			a.Domain = fmt.Sprintf("renamed%d.example.com", i)
			a.Aliases = nil
			changed[i] = a
			again = append(again, a)
		}
		ix := NewIndex(fx.accounts, Options{})
		for _, a := range again {
			ix.Add(a)
		}
		sameAnswers(t, NewIndex(changed, Options{}), ix, append(fixtureQueries(fixture{accounts: changed}), qs...))
	})

	t.Run("AddingTheSameAccountAgainChangesNothing", func(t *testing.T) {
		t.Parallel()
		ix := NewIndex(fx.accounts, Options{})
		for _, a := range fx.accounts {
			ix.Add(a)
		}
		sameAnswers(t, want, ix, qs)
	})
}

// TestAddSharedName covers accounts that share a name key but not its
// spelling: the index compares with the lowest ID's form ("Blue Field" or
// "Bluefield") and reports the lowest ID, in whatever order they came.
func TestAddSharedName(t *testing.T) {
	t.Parallel()
	accounts := []Account{
		{ID: "B3", Name: "Bluefield Analytics Ltd", Domain: "bluefield.co.uk"},
		{ID: "B1", Name: "Blue Field Analytics", Domain: "bluefieldanalytics.com"},
		{ID: "B2", Name: "Bluefield Analytics GmbH"},
		{ID: "C1", Name: "Bluebird Analytics"},
	}
	qs := []Query{
		{Company: "Bluefield Analytics"},
		{Company: "Blue Fiield Analytics"},
		{Company: "Bluefeld Analytics"},
		{Company: "Blue Field Analytic"},
		{Email: "x@bluefield.co.uk", Company: "Bluefield"},
		{Company: "Bluebird Analytics"},
	}
	want := NewIndex(accounts, Options{})
	for _, order := range [][]int{{0, 1, 2, 3}, {3, 2, 1, 0}, {2, 0, 3, 1}} {
		t.Run(fmt.Sprint(order), func(t *testing.T) {
			t.Parallel()
			ix := NewIndex(nil, Options{})
			for _, i := range order {
				ix.Add(accounts[i])
			}
			sameAnswers(t, want, ix, qs)
		})
	}

	t.Run("RespacingKeepsTheNameAndTakesTheForm", func(t *testing.T) {
		t.Parallel()
		// Added again under the same key, an account stays on its name:
		// the lowest ID's new spelling becomes the name's form, another's
		// changes nothing.
		for _, at := range []int{1, 0} {
			respaced := slices.Clone(accounts)
			respaced[at].Name = map[int]string{1: "Bluefield Analytics", 0: "Blue Field Analytics Ltd"}[at]
			ix := NewIndex(accounts, Options{})
			ix.Add(respaced[at])
			sameAnswers(t, NewIndex(respaced, Options{}), ix, qs)
		}
	})

	t.Run("RenamingTheLowestIDHandsTheFormOn", func(t *testing.T) {
		t.Parallel()
		renamed := slices.Clone(accounts)
		renamed[1].Name = "Nimbus Payments"
		ix := NewIndex(accounts, Options{})
		ix.Add(renamed[1])
		sameAnswers(t, NewIndex(renamed, Options{}), ix, append(qs, Query{Company: "Nimbus Payments"}))
	})
}

func TestAddReplaces(t *testing.T) {
	t.Parallel()
	ix := NewIndex(testAccounts(), Options{})
	ix.Add(Account{ID: "A1", Name: "Acme Automation", Domain: "acmeautomation.com"})
	tests := []struct {
		name   string
		q      Query
		wantID string
	}{
		{"NewNameMatches", Query{Company: "Acme Automation"}, "A1"},
		{"NewDomainMatches", Query{Email: "x@acmeautomation.com"}, "A1"},
		// B1 owns acmerobotics.de, whose label is the former name.
		{"FormerNameFindsOnlyItsDomainLabel", Query{Company: "Acme Robotics"}, "B1"},
		{"FormerDomainDoesNot", Query{Email: "x@acmerobotics.com"}, ""},
		{"FormerAliasDoesNot", Query{Domain: "acme-robotics.co.uk"}, ""},
		{"OtherAccountsStay", Query{Email: "x@acmerobotics.de"}, "B1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := ix.Match(tt.q)
			if m.AccountID != tt.wantID || ok != (tt.wantID != "") {
				t.Errorf("Match(%+v) = %q ok=%v (%s), want %q", tt.q, m.AccountID, ok, m.Detail, tt.wantID)
			}
		})
	}
}
