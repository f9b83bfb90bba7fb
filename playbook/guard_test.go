package playbook

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGuards(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		src  string
		want []Guard
	}{
		{`account.region == "emea"`, []Guard{{"account.region", []string{"emea"}}}},
		{`"smb" == account.segment && account.employees > 10`, []Guard{{"account.segment", []string{"smb"}}}},
		{`account.country in ["US", "CA"] and signal.type == "demo_request"`, []Guard{{"account.country", []string{"US", "CA"}}, {"signal.type", []string{"demo_request"}}}},
		{`account.region == "emea" || account.region == "apac"`, nil}, // not a conjunction
		{`not (account.region == "emea")`, nil},
		{`account.employees == 5`, nil},              // not a string field
		{`fields.tier == "gold"`, nil},               // free fields are not guarded
		{`account.region in [account.country]`, nil}, // not literals
	} {
		if diff := cmp.Diff(tc.want, guards(tc.src)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.src, diff)
		}
	}
}

// TestGuardsNeverSkipAMatch: whenever a rule's guards refuse an
// environment, its condition is false there too.
func TestGuardsNeverSkipAMatch(t *testing.T) {
	t.Parallel()
	conds := []string{
		`account.region == "emea" && account.segment == "enterprise"`,
		`account.country in ["US", "CA"] && signal.source == "website" && account.employees >= 100`,
		`signal.type == "pricing_inquiry" and (account.industry == "retail" || account.employees > 500)`,
		`contact.title == "CFO" && (fields.score ?? 0) > 50`,
	}
	pick := func(r *rand.Rand, vals ...string) string { return vals[r.IntN(len(vals))] }
	r := rand.New(rand.NewPCG(1, 2))
	for _, src := range conds {
		prog, problems := compileCondition(src, map[string]string{"score": FreeNumber})
		if len(problems) > 0 {
			t.Fatal(problems)
		}
		rule := &Rule{When: src, when: prog}
		rule.setGuards(guards(src))
		if len(rule.guards) == 0 {
			t.Fatalf("%s: no guards", src)
		}
		for range 2000 {
			env := &Env{
				Signal:  SignalEnv{Type: pick(r, "demo_request", "pricing_inquiry"), Source: pick(r, "website", "event")},
				Account: AccountEnv{Region: pick(r, "emea", "na"), Segment: pick(r, "enterprise", "smb"), Country: pick(r, "US", "CA", "DE"), Industry: pick(r, "retail", "software"), Employees: r.IntN(1000)},
				Contact: ContactEnv{Title: pick(r, "CFO", "CTO")},
				Fields:  map[string]any{"score": float64(r.IntN(100))},
			}
			out, err := eval(prog, env)
			if err != nil {
				t.Fatal(err)
			}
			if !rule.Admits(env) && out {
				t.Fatalf("%s: guards refused %+v but the condition holds", src, env)
			}
		}
	}
}
