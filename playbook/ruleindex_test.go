package playbook

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// oldValue is how guards read the environment before they were compiled:
// a string switch on the path, per check.
func oldValue(e *Env, path string) (string, bool) {
	switch path {
	case "signal.type":
		return e.Signal.Type, true
	case "signal.source":
		return e.Signal.Source, true
	case "signal.campaign":
		return e.Signal.Campaign, true
	case "account.name":
		return e.Account.Name, true
	case "account.domain":
		return e.Account.Domain, true
	case "account.segment":
		return e.Account.Segment, true
	case "account.industry":
		return e.Account.Industry, true
	case "account.country":
		return e.Account.Country, true
	case "account.region":
		return e.Account.Region, true
	case "account.status":
		return e.Account.Status, true
	case "contact.email":
		return e.Contact.Email, true
	case "contact.title":
		return e.Contact.Title, true
	case "contact.timezone":
		return e.Contact.TimeZone, true
	}
	return "", false
}

// oldAdmits is Rule.Admits as it was: every guard looked up by path.
func oldAdmits(r *Rule, env *Env) bool {
	for _, g := range r.guards {
		v, ok := oldValue(env, g.Path)
		if !ok {
			continue
		}
		if !slices.Contains(g.Values, v) {
			return false
		}
	}
	return true
}

// oldScan is the rules step as it was: every rule in order, guards first,
// then the condition; the position of the first that holds, or -1.
func oldScan(t *testing.T, rules []*Rule, env *Env) int {
	for i, r := range rules {
		if !oldAdmits(r, env) {
			continue
		}
		ok, err := r.Eval(env)
		if err != nil {
			t.Fatalf("rule %s: %v", r.Name, err)
		}
		if ok {
			return i
		}
	}
	return -1
}

// newScan is the rules step over Admit's set.
func newScan(t *testing.T, rules []*Rule, env *Env, buf []uint64) int {
	set := Admit(rules, env, buf)
	for i := set.Next(0); i >= 0; i = set.Next(i + 1) {
		ok, err := rules[i].Eval(env)
		if err != nil {
			t.Fatalf("rule %s: %v", rules[i].Name, err)
		}
		if ok {
			return i
		}
	}
	return -1
}

var (
	regions    = []string{"americas", "emea", "apac"}
	countries  = []string{"US", "CA", "DE", "FR", "JP", "BR"}
	segments   = []string{"smb", "mid_market", "enterprise"}
	industries = []string{"retail", "software", "finance"}
	sources    = []string{"website", "event", "partner"}
	titles     = []string{"CFO", "CTO", "VP Sales"}
	sigTypes   = []string{"demo_request", "pricing_inquiry", "contact_sales"}
)

func some(r *rand.Rand, xs []string) []string {
	n := 1 + r.IntN(min(3, len(xs)))
	out := slices.Clone(xs)
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out[:n]
}

func quoted(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ", ")
}

// randomCondition draws a conjunction of guards (equalities and in-lists),
// conditions that are not guards, or nothing at all.
func randomCondition(r *rand.Rand) string {
	atoms := []func() string{
		func() string { return fmt.Sprintf("account.region == %q", regions[r.IntN(len(regions))]) },
		func() string { return fmt.Sprintf("account.country in [%s]", quoted(some(r, countries))) },
		func() string { return fmt.Sprintf("%q == account.segment", segments[r.IntN(len(segments))]) },
		func() string { return fmt.Sprintf("account.industry in [%s]", quoted(some(r, industries))) },
		func() string { return fmt.Sprintf("signal.source == %q", sources[r.IntN(len(sources))]) },
		func() string { return fmt.Sprintf("contact.title == %q", titles[r.IntN(len(titles))]) },
		func() string { return fmt.Sprintf("signal.type == %q", sigTypes[r.IntN(len(sigTypes))]) },
		func() string { return fmt.Sprintf("account.employees >= %d", r.IntN(1000)) },
		func() string {
			return fmt.Sprintf("(account.region == %q || account.segment == %q)", regions[r.IntN(len(regions))], segments[r.IntN(len(segments))])
		},
		func() string { return fmt.Sprintf("not (account.country == %q)", countries[r.IntN(len(countries))]) },
	}
	n := r.IntN(4)
	if n == 0 {
		return "true"
	}
	parts := make([]string, n)
	for i := range parts {
		parts[i] = atoms[r.IntN(len(atoms))]()
	}
	return strings.Join(parts, " && ")
}

// randomPlaybook is the default playbook with n random rules, each scoped
// to some handoff types or to all.
func randomPlaybook(t *testing.T, r *rand.Rand, n int, types []string) *Playbook {
	t.Helper()
	var b strings.Builder
	skip := false
	for line := range strings.Lines(string(DefaultYAML())) {
		if line != "" && line[0] != ' ' && line[0] != '#' && line[0] != '\n' {
			skip = strings.HasPrefix(line, "routing:")
		}
		if !skip {
			b.WriteString(line)
		}
	}
	b.WriteString("\nrouting:\n  precedence: [rules, pool]\n  fallback_team: ops\n  rules:\n")
	for i := range n {
		fmt.Fprintf(&b, "    - name: r%d\n      when: '%s'\n      to: {team: ops}\n", i, randomCondition(r))
		if r.IntN(3) != 0 {
			fmt.Fprintf(&b, "      types: [%s]\n", strings.Join(some(r, types), ", "))
		}
	}
	pb, err := Parse("random.yaml", []byte(b.String()))
	if err != nil {
		t.Fatalf("random playbook does not parse: %v", err)
	}
	return pb
}

func randomEnv(r *rand.Rand) *Env {
	p := func(xs []string) string { return xs[r.IntN(len(xs))] }
	return &Env{
		Signal:  SignalEnv{Type: p(sigTypes), Source: p(sources)},
		Account: AccountEnv{Region: p(regions), Country: p(countries), Segment: p(segments), Industry: p(industries), Employees: r.IntN(1000)},
		Contact: ContactEnv{Title: p(titles)},
	}
}

// TestAdmitPicksWhatTheLinearScanPicks: over random playbooks and
// environments, the index admits exactly the rules whose guards the old
// path-by-path check admitted, and the first rule that holds among them is
// the one the old scan of every rule in order found; a list the playbook did
// not index (a copy) gives the same.
func TestAdmitPicksWhatTheLinearScanPicks(t *testing.T) {
	t.Parallel()
	var types []string
	for _, h := range Default().HandoffTypes {
		types = append(types, h.Name)
	}
	r := rand.New(rand.NewPCG(15, 3))
	matched := 0
	for round := range 40 {
		n := []int{1, 5, 63, 64, 65, 130, 300}[round%7]
		pb := randomPlaybook(t, r, n, types)
		for _, typ := range types {
			rules := pb.RulesFor(typ)
			if len(rules) > 0 && indexOf(rules) == nil {
				t.Fatalf("round %d, %s: the rule list is not indexed", round, typ)
			}
			copied := slices.Clone(rules)
			for range 50 {
				env := randomEnv(r)
				var want []int
				for i, rule := range rules {
					if oldAdmits(rule, env) {
						want = append(want, i)
					}
				}
				for _, c := range []struct {
					name  string
					rules []*Rule
					buf   []uint64
				}{{"indexed", rules, make([]uint64, 8)}, {"indexed, small buffer", rules, nil}, {"not indexed", copied, make([]uint64, 1)}} {
					var got []int
					set := Admit(c.rules, env, c.buf)
					for i := set.Next(0); i >= 0; i = set.Next(i + 1) {
						got = append(got, i)
					}
					if diff := cmp.Diff(want, got); diff != "" {
						t.Fatalf("round %d, %s, %s: admitted rules (-old +new):\n%s", round, typ, c.name, diff)
					}
					oldPick, newPick := oldScan(t, rules, env), newScan(t, c.rules, env, c.buf)
					if newPick != oldPick {
						t.Fatalf("round %d, %s, %s: got rule %d, want %d (the old scan's)", round, typ, c.name, newPick, oldPick)
					}
					if oldPick >= 0 {
						matched++
					}
				}
			}
		}
	}
	if matched == 0 {
		t.Fatal("no environment matched any rule: the test proves nothing")
	}
}

func TestRuleSetNext(t *testing.T) {
	t.Parallel()
	s := RuleSet{1<<3 | 1<<63, 0, 1 << 5}
	var got []int
	for i := s.Next(0); i >= 0; i = s.Next(i + 1) {
		got = append(got, i)
	}
	if diff := cmp.Diff([]int{3, 63, 133}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := s.Next(200); got != -1 {
		t.Errorf("past the end: got %d, want -1", got)
	}
}
