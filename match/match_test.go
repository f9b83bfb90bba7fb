package match

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// testAccounts is a small hand-made account set for the Match table.
func testAccounts() []Account {
	return []Account{
		{ID: "A1", Name: "Acme Robotics, Inc.", Domain: "acmerobotics.com", Aliases: []string{"acme-robotics.co.uk", "gmail.com"}},
		{ID: "A2", Name: "Acme Foods LLC", Domain: "https://www.acmefoods.com/"},
		{ID: "B1", Name: "Globex Corporation", Domain: "globex.com", Aliases: []string{"acmerobotics.de"}},
		{ID: "C2", Name: "Orbisoft EMEA", Domain: "uk.orbisoft.com"},
		{ID: "C1", Name: "Orbisoft Inc.", Domain: "orbisoft.com"},
		{ID: "D1", Name: "Jane Porter Consulting", Domain: "gmail.com"},
		{ID: "E2", Name: "Vireo Systems"},
		{ID: "E1", Name: "Vireo Systems Inc."},
		{ID: "F1", Name: "Zeno", Domain: "zeno.dev"},
		{ID: "G1", Name: "Unknown"},
		{ID: "H2", Name: "Northwind Traders", Domain: "northwindtraders.com"},
		{ID: "H1", Name: "Northwind Tradeers"},                                                            // a misspelt duplicate with the lower ID
		{ID: "K1", Name: "Larkspur Analytics", Domain: "larkspur.ai", Aliases: []string{"datafinch.com"}}, // formerly DataFinch
		{ID: "Q1", Name: "Kinetiq Labs"},
		{ID: "Q2", Name: "Kinetix Labs"},
	}
}

func TestIndexMatch(t *testing.T) {
	t.Parallel()
	ix := NewIndex(testAccounts(), Options{})
	tests := []struct {
		name       string
		q          Query
		wantID     string
		wantMethod string
		wantConf   float64 // checked when wantID is set; -1 means "below 1"
		wantDetail string  // substring
	}{
		{"LeadDomain", Query{Domain: "www.acmefoods.com"}, "A2", MethodAccountDomain, 1, "lead company domain acmefoods.com equals account domain"},
		{"LeadDomainOutranksEmail", Query{Domain: "acmefoods.com", Email: "x@acmerobotics.com"}, "A2", MethodAccountDomain, 1, ""},
		{"EmailDomain", Query{Email: "jo@acmerobotics.com"}, "A1", MethodEmailDomain, 1, "contact email domain acmerobotics.com equals account domain"},
		{"EmailSubdomain", Query{Email: "jo@eu.acmerobotics.com"}, "A1", MethodEmailDomain, 1, ""},
		{"EmailDomainOutranksName", Query{Email: "jo@acmerobotics.com", Company: "Globex"}, "A1", MethodEmailDomain, 1, ""},
		{"EmailDomainOutranksLeadAlias", Query{Domain: "acmerobotics.de", Email: "jo@globex.com"}, "B1", MethodEmailDomain, 1, ""},
		{"LeadDomainAlias", Query{Domain: "acme-robotics.co.uk"}, "A1", MethodDomainAlias, 1, "lead company domain acme-robotics.co.uk is an alias"},
		{"EmailDomainAlias", Query{Email: "jo@acmerobotics.de"}, "B1", MethodDomainAlias, 1, "contact email domain acmerobotics.de is an alias"},
		{"DomainTieGoesToLowestID", Query{Email: "jo@orbisoft.com"}, "C1", MethodEmailDomain, 1, "2 accounts share this domain, chose the lowest ID"},
		{"FreeMailEmailNeverMatchesDomain", Query{Email: "jane@gmail.com"}, "", "", 0, ""},
		{"FreeMailAliasIgnored", Query{Domain: "gmail.com"}, "", "", 0, ""},
		{"FreeMailAccountMatchesByName", Query{Email: "jane@gmail.com", Company: "Jane Porter Consulting"}, "D1", MethodCompanyName, 1, ""},
		{"ExactName", Query{Email: "x@gmail.com", Company: "ACME Robotics"}, "A1", MethodCompanyName, 1, `is the same as account name "Acme Robotics, Inc." after normalisation`},
		{"FreeMailNoted", Query{Email: "x@gmail.com", Company: "ACME Robotics"}, "A1", MethodCompanyName, 1, "; contact email domain gmail.com is free mail"},
		{"FuzzyName", Query{Email: "x@gmail.com", Company: "Acme Robotcs"}, "A1", MethodCompanyName, -1, "Jaro-Winkler"},
		{"SharedWordDoesNotMatch", Query{Company: "Acme Farms"}, "", "", 0, ""},
		{"NameTieGoesToLowestID", Query{Company: "vireo systems"}, "E1", MethodCompanyName, 1, "2 accounts share this name"},
		{"FuzzyPrefersHigherScoreOverLowerID", Query{Company: "Northwind Tradrs"}, "H2", MethodCompanyName, -1, "0.99 similar"},
		{"FirstWordMustAgree", Query{Company: "Acne Robotics"}, "", "", 0, ""},
		{"ShortNameExact", Query{Company: "Zeno"}, "F1", MethodCompanyName, 1, ""},
		{"ShortNameNotFuzzy", Query{Company: "Zenon"}, "", "", 0, ""},
		{"PlaceholderNeverMatches", Query{Company: "Unknown"}, "", "", 0, ""},
		{"JunkEverywhere", Query{Email: "bob@localhost", Domain: "acme", Company: "-"}, "", "", 0, ""},
		{"Empty", Query{}, "", "", 0, ""},
		{"DepartmentSuffixDropped", Query{Company: "Acme Robotics, Inc. - Einkauf"}, "A1", MethodCompanyName, 1, "is the same as"},
		{"UnownedCorporateDomainRefusesSimilarName", Query{Email: "jo@northwind-trading.net", Company: "Northwind Tradrs"}, "", "", 0, ""},
		{"FreeMailAllowsSimilarName", Query{Email: "jo@gmail.com", Company: "Northwind Tradrs"}, "H2", MethodCompanyName, -1, ""},
		{"UnownedCorporateDomainAllowsSameName", Query{Email: "jo@northwind-trading.net", Company: "Northwind Traders Ltd"}, "H2", MethodCompanyName, 1,
			"domain northwind-trading.net belongs to no account, so only the same name matches"},
		{"UnownedWebsiteRefusesSimilarName", Query{Domain: "https://northwindtrading.co.uk/", Company: "Northwind Tradrs"}, "", "", 0, ""},
		{"SocialWebsiteIsNotCorporate", Query{Domain: "https://www.linkedin.com/company/acme-robotics", Company: "Acme Robotcs"}, "A1", MethodCompanyName, -1,
			"lead company domain linkedin.com is not a company's own site"},
		{"FormerNameWithOldWebsite", Query{Company: "DataFinch", Domain: "http://www.datafinch.com/about"}, "K1", MethodDomainAlias, 1, ""},
		{"FormerNameAloneMatchesDomainLabel", Query{Email: "x@gmail.com", Company: "DataFinch Inc."}, "K1", MethodCompanyName, 1, "the name in the account's domain"},
		{"NameBeforeSeparator", Query{Email: "x@gmail.com", Company: "Globex, Springfield"}, "B1", MethodCompanyName, 1, "up to its separator"},
		{"NameBeforeSeparatorNotForUnownedDomain", Query{Email: "x@globex-springfield.com", Company: "Globex, Springfield"}, "", "", 0, ""},
		{"AmbiguousFuzzyMatchesNothing", Query{Company: "Kinetiz Labs"}, "", "", 0, ""},
		{"UnambiguousFuzzy", Query{Company: "Kinetiq Lab"}, "Q1", MethodCompanyName, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := ix.Match(tt.q)
			if ok != (tt.wantID != "") || got.AccountID != tt.wantID || got.Method != tt.wantMethod {
				t.Fatalf("Match(%+v) = %q %q ok=%v (%s), want %q %q", tt.q, got.AccountID, got.Method, ok, got.Detail, tt.wantID, tt.wantMethod)
			}
			if !ok {
				if got != (Match{}) {
					t.Errorf("Match(%+v) = %+v with ok=false, want zero Match", tt.q, got)
				}
				return
			}
			switch {
			case tt.wantConf == -1 && (got.Confidence >= 1 || got.Confidence < DefaultNameThreshold):
				t.Errorf("Confidence = %v, want in [%v, 1)", got.Confidence, DefaultNameThreshold)
			case tt.wantConf != -1 && got.Confidence != tt.wantConf:
				t.Errorf("Confidence = %v, want %v", got.Confidence, tt.wantConf)
			}
			if !strings.Contains(got.Detail, tt.wantDetail) {
				t.Errorf("Detail = %q, want it to contain %q", got.Detail, tt.wantDetail)
			}
		})
	}
}

func TestIndexOptions(t *testing.T) {
	t.Parallel()
	accounts := testAccounts()
	match := func(opts Options, company string) (Match, bool) {
		return NewIndex(accounts, opts).Match(Query{Company: company})
	}

	t.Run("ZeroThresholdMeansDefault", func(t *testing.T) {
		t.Parallel()
		// "Acme Robotic" scores 0.985 and "Acme Farms" 0.85 against Acme names.
		if _, ok := match(Options{}, "Acme Robotic"); !ok {
			t.Errorf("Acme Robotic: got no match, want a match at the default threshold")
		}
		if m, ok := match(Options{}, "Acme Farms"); ok {
			t.Errorf("Acme Farms: got %+v, want no match at the default threshold", m)
		}
	})

	t.Run("LowerThresholdMatchesMore", func(t *testing.T) {
		t.Parallel()
		// "Glboex" is one swap from "Globex" but scores 0.90.
		if m, ok := match(Options{}, "Glboex"); ok {
			t.Errorf("Glboex at the default threshold: got %+v, want no match", m)
		}
		m, ok := match(Options{NameThreshold: 0.8}, "Glboex")
		if !ok || m.AccountID != "B1" {
			t.Errorf("Glboex at 0.8: got %+v ok=%v, want B1", m, ok)
		}
	})

	t.Run("ThresholdOneAllowsExactOnly", func(t *testing.T) {
		t.Parallel()
		if m, ok := match(Options{NameThreshold: 1}, "Acme Robotic"); ok {
			t.Errorf("Acme Robotic at 1: got %+v, want no match", m)
		}
		if m, ok := match(Options{NameThreshold: 1}, "Acme Robotics"); !ok || m.AccountID != "A1" {
			t.Errorf("Acme Robotics at 1: got %+v ok=%v, want A1", m, ok)
		}
	})

	t.Run("ThresholdAboveOneDisablesNames", func(t *testing.T) {
		t.Parallel()
		if m, ok := match(Options{NameThreshold: 1.5}, "Acme Robotics"); ok {
			t.Errorf("Acme Robotics at 1.5: got %+v, want no match", m)
		}
	})
}

func TestNewIndex(t *testing.T) {
	t.Parallel()

	t.Run("CopiesAccounts", func(t *testing.T) {
		t.Parallel()
		accounts := testAccounts()
		ix := NewIndex(accounts, Options{})
		accounts[0].ID, accounts[0].Name = "changed", "Changed"
		m, ok := ix.Match(Query{Company: "Acme Robotics"})
		if !ok || m.AccountID != "A1" {
			t.Errorf("after changing the input slice: got %+v ok=%v, want A1", m, ok)
		}
	})

	t.Run("EmptyIndexMatchesNothing", func(t *testing.T) {
		t.Parallel()
		ix := NewIndex(nil, Options{})
		if m, ok := ix.Match(Query{Email: "a@acme.com", Company: "Acme Robotics"}); ok {
			t.Errorf("empty index: got %+v, want no match", m)
		}
	})

	t.Run("ResultIndependentOfInputOrder", func(t *testing.T) {
		t.Parallel()
		accounts := testAccounts()
		reversed := make([]Account, len(accounts))
		for i, a := range accounts {
			reversed[len(accounts)-1-i] = a
		}
		a, b := NewIndex(accounts, Options{}), NewIndex(reversed, Options{})
		for _, q := range []Query{{Email: "x@orbisoft.com"}, {Company: "Vireo Systems"}, {Company: "Northwind Trader"}} {
			ma, _ := a.Match(q)
			mb, _ := b.Match(q)
			if ma != mb {
				t.Errorf("Match(%+v) = %+v in input order but %+v reversed", q, ma, mb)
			}
		}
	})

	t.Run("SafeForConcurrentUse", func(t *testing.T) {
		t.Parallel()
		fx := loadFixture(t)
		want := make([]Match, len(fx.pairs))
		for i, p := range fx.pairs {
			want[i], _ = fx.index.Match(p.query)
		}
		var wg sync.WaitGroup
		errs := make(chan string, 8)
		for range 8 {
			wg.Go(func() {
				for i, p := range fx.pairs {
					if got, _ := fx.index.Match(p.query); got != want[i] {
						errs <- fmt.Sprintf("Match(%+v) = %+v concurrently, want %+v", p.query, got, want[i])
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
	})
}

// TestBlockingRecall checks the trigram blocking against a full scan: for
// typo'd names of synthetic accounts, the fuzzy step must find the same best
// score as scoring every account name.
func TestBlockingRecall(t *testing.T) {
	t.Parallel()
	g := newAccountGen(7)
	// 20,000 accounts is enough for common trigrams to pass the stop-trigram
	// cut-off, so the test covers that path too.
	accounts := g.accounts(20_000)
	ix := NewIndex(accounts, Options{})
	if ix.stopLen >= len(ix.names) {
		t.Fatalf("stopLen %d with %d names: stop trigrams untested", ix.stopLen, len(ix.names))
	}

	const queries = 500
	lost, found := 0, 0
	for i := range queries {
		a := accounts[g.rng.IntN(len(accounts))]
		q := newNameForm(NormalizeCompany(g.typo(g.typo(a.Name))))
		got, ok := 1.0, true
		if _, exact := ix.exactName(&q); !exact {
			_, got, ok = ix.bestName(&q)
		}
		want, wantOK := bruteBestName(ix, &q)
		if wantOK {
			found++
		}
		if ok != wantOK || got != want {
			lost++
			if lost <= 5 {
				t.Logf("query %d %q: index %.4f ok=%v, full scan %.4f ok=%v", i, q, got, ok, want, wantOK)
			}
		}
	}
	t.Logf("blocking missed the full-scan result for %d of %d typo queries (%d had a match above the threshold)", lost, queries, found)
	if lost > queries/100 {
		t.Errorf("blocking lost %d of %d queries, want at most 1%%", lost, queries)
	}
}

// TestFuzzyCandidates keeps the fuzzy step's pruning from regressing: of
// the names that share trigrams with a query's first word, only those whose
// first words may pass the fuzzy rule may reach the whole-name bound. Over
// 20,000 synthetic accounts that is about 50 names per typo'd or unknown
// name; when every name sharing enough trigrams reached it, it was about
// 4,700 at 100,000 accounts (docs/benchmarks.md).
func TestFuzzyCandidates(t *testing.T) {
	t.Parallel()
	g := newAccountGen(11)
	accounts := g.accounts(20_000)
	ix := NewIndex(accounts, Options{})
	unknown := newAccountGen(1111)
	s := &queryScratch{touched: make([]uint64, (len(ix.names)+63)/64)}
	const queries = 400
	bounded := 0
	for i := range queries {
		name := unknown.account("").Name
		if i%2 == 0 {
			name = g.typo(accounts[g.rng.IntN(len(accounts))].Name)
		}
		q := newNameForm(NormalizeCompany(name))
		ix.bestNameWith(s, &q)
		bounded += s.bounded
	}
	if avg := float64(bounded) / queries; avg > 100 {
		t.Errorf("got %.0f names per query reaching the whole-name bound, want at most 100", avg)
	} else {
		t.Logf("%.1f names per query reach the whole-name bound", avg)
	}
}

// bruteBestName scores q against every fuzzy-eligible name in ix, skipping
// only pairs that nameSig.bound proves below the threshold (its soundness is
// tested on its own in TestNameSigBound), and applies the same ambiguity
// rule as Index.bestName.
func bruteBestName(ix *Index, q *nameForm) (float64, bool) {
	if _, ok := ix.byKey[q.key]; ok {
		return 1, true
	}
	if !fuzzyLength(q.runes) {
		return 0, false
	}
	var s jaroScratch
	best, second := 0.0, 0.0
	qsig := newNameSig(q.runes)
	for i, e := range ix.names {
		if !fuzzyLength(e.form.runes) {
			continue
		}
		if qsig.bound(&ix.sigs[i]) < ix.threshold {
			continue
		}
		sc, ok := s.fuzzyScore(q, firstWord(q.runes), &e.form, ix.threshold)
		switch {
		case !ok:
		case sc > best:
			best, second = sc, best
		default:
			second = max(second, sc)
		}
	}
	if best == 0 || second > 0 && best-second < ambiguityMargin {
		return 0, false
	}
	return best, true
}
