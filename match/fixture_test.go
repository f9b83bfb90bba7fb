package match

import (
	"encoding/csv"
	"fmt"
	"os"
	"strings"
	"testing"
)

// pair is one row of testdata/pairs.csv: a lead and the account it should
// resolve to ("" for none). A known gap is a row the matcher is known to get
// wrong; it stays in the fixture so the rate is honest and so the test notices
// when a change fixes it.
type pair struct {
	line       int
	query      Query
	wantID     string
	wantMethod string
	knownGap   bool
	note       string
}

// fixture is what the fixture tests share.
type fixture struct {
	accounts []Account
	pairs    []pair
	index    *Index
}

// loadFixture reads testdata/accounts.csv and testdata/pairs.csv and builds
// an Index with default options.
func loadFixture(tb testing.TB) fixture {
	tb.Helper()
	var fx fixture
	for i, rec := range readCSV(tb, "testdata/accounts.csv", []string{"id", "name", "domain", "aliases"}) {
		a := Account{ID: rec[0], Name: rec[1], Domain: rec[2]}
		if rec[3] != "" {
			a.Aliases = strings.Split(rec[3], ";")
		}
		if a.ID == "" {
			tb.Fatalf("accounts.csv line %d: empty id", i+2)
		}
		fx.accounts = append(fx.accounts, a)
	}
	for i, rec := range readCSV(tb, "testdata/pairs.csv", []string{"email", "company", "domain", "want_id", "want_method", "known_gap", "note"}) {
		p := pair{
			line:       i + 2,
			query:      Query{Email: rec[0], Company: rec[1], Domain: rec[2]},
			wantID:     rec[3],
			wantMethod: rec[4],
			knownGap:   rec[5] == "gap",
			note:       rec[6],
		}
		if rec[5] != "" && rec[5] != "gap" {
			tb.Fatalf("pairs.csv line %d: known_gap is %q, want \"gap\" or empty", p.line, rec[5])
		}
		if (p.wantID == "") != (p.wantMethod == "") {
			tb.Fatalf("pairs.csv line %d: want_id and want_method must be both set or both empty", p.line)
		}
		fx.pairs = append(fx.pairs, p)
	}
	fx.index = NewIndex(fx.accounts, Options{})
	return fx
}

// readCSV returns the records of a CSV file after checking its header.
func readCSV(tb testing.TB, path string, header []string) [][]string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatalf("open fixture: %v", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = len(header)
	recs, err := r.ReadAll()
	if err != nil {
		tb.Fatalf("read %s: %v", path, err)
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != strings.Join(header, ",") {
		tb.Fatalf("%s: header is not %v", path, header)
	}
	return recs[1:]
}

// rates summarises how the index fares on the fixture pairs.
type rates struct {
	total, wantMatch, matched, correct int
	falsePos, falseNeg, wrongAccount   int
	knownGaps                          int
	byMethod                           map[string]int
}

func (fx fixture) rates() rates {
	r := rates{total: len(fx.pairs), byMethod: map[string]int{}}
	for _, p := range fx.pairs {
		got, ok := fx.index.Match(p.query)
		if p.wantID != "" {
			r.wantMatch++
		}
		if p.knownGap {
			r.knownGaps++
		}
		if ok {
			r.matched++
			r.byMethod[got.Method]++
		}
		switch {
		case got.AccountID == p.wantID && got.Method == p.wantMethod:
			r.correct++
		case p.wantID == "":
			r.falsePos++
		case !ok:
			r.falseNeg++
		default:
			r.wrongAccount++
		}
	}
	return r
}

func (r rates) String() string {
	pct := func(n int) string { return fmt.Sprintf("%d/%d (%.1f%%)", n, r.total, 100*float64(n)/float64(r.total)) }
	var b strings.Builder
	fmt.Fprintf(&b, "pairs:                 %d (%d should match, %d should not)\n", r.total, r.wantMatch, r.total-r.wantMatch)
	fmt.Fprintf(&b, "matched/total:         %s\n", pct(r.matched))
	fmt.Fprintf(&b, "correct/total:         %s\n", pct(r.correct))
	fmt.Fprintf(&b, "false positives:       %d\n", r.falsePos)
	fmt.Fprintf(&b, "false negatives:       %d\n", r.falseNeg)
	fmt.Fprintf(&b, "wrong account/method:  %d\n", r.wrongAccount)
	fmt.Fprintf(&b, "known gaps in fixture: %d\n", r.knownGaps)
	for _, m := range []string{MethodAccountDomain, MethodEmailDomain, MethodDomainAlias, MethodCompanyName} {
		fmt.Fprintf(&b, "  %-20s %d\n", m+":", r.byMethod[m])
	}
	return b.String()
}

func TestMatchFixture(t *testing.T) {
	t.Parallel()
	fx := loadFixture(t)
	if len(fx.accounts) < 100 || len(fx.pairs) < 220 {
		t.Fatalf("fixture too small: %d accounts, %d pairs", len(fx.accounts), len(fx.pairs))
	}
	for _, p := range fx.pairs {
		t.Run(fmt.Sprintf("line%03d", p.line), func(t *testing.T) {
			got, ok := fx.index.Match(p.query)
			right := got.AccountID == p.wantID && got.Method == p.wantMethod && ok == (p.wantID != "")
			switch {
			case p.knownGap && right:
				t.Errorf("Match(%+v) = %q %q, which is now right; clear known_gap on this row (%s)",
					p.query, got.AccountID, got.Method, p.note)
			case !p.knownGap && !right:
				t.Errorf("Match(%+v) = %q %q (ok=%v, %s), want %q %q (%s)",
					p.query, got.AccountID, got.Method, ok, got.Detail, p.wantID, p.wantMethod, p.note)
			}
		})
	}
	r := fx.rates()
	t.Logf("fixture match rate: matched %d/%d, correct %d/%d", r.matched, r.total, r.correct, r.total)
}

// TestMatchRateReport prints the fixture figures for the docs; run it with
// go test ./match/ -run TestMatchRateReport -v.
func TestMatchRateReport(t *testing.T) {
	t.Parallel()
	fx := loadFixture(t)
	t.Logf("match rate on testdata/pairs.csv over %d accounts (NameThreshold %.2f):\n%s",
		len(fx.accounts), DefaultNameThreshold, fx.rates())
}
