package playbook

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/batonhq/baton"
)

var testFields = map[string]string{"lead_score": FreeNumber, "tags": FreeList, "tier": FreeString, "vip": FreeBool}

func TestCompileConditionRefuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, src string
		want      []string // one per problem, in order of position
	}{
		{"StringDoublingReduce", `len(reduce(1..40, #acc + #acc, "ab")) > 0`, []string{"use #acc once"}},
		{"RepeatAndALongRange", `let s = repeat("x", 100000); all(1..40000, {upper(s) != ""})`,
			[]string{"repeat is not available", "the range 1..40000 has 40000 numbers; at most 1000"}},
		{"Join", `join(["a"], "") == "a"`, []string{"join is not available"}},
		{"RangeOverAValue", `any(1..account.employees, # > 0)`, []string{"a range needs whole numbers written out"}},
		{"NumberComparedWithText", `(fields.lead_score ?? 0) >= "sixty"`, []string{"mismatched types float64 and string"}},
		{"TextComparedWithNumber", `(fields.tier ?? "") == 5`, []string{"mismatched types string and int"}},
		{"DefaultOfAnotherKind", `(fields.tier ?? 5) == 5`, []string{"?? gives a string a default that is a number"}},
		{"EveryUndeclaredField", `fields.lead_scor == 1 && fields.x == 2`,
			[]string{"fields.lead_scor is not declared: add {name: lead_scor, type: …} under fields (declared: lead_score, tags, tier, vip)", "fields.x is not declared"}},
		{"FieldWithoutDefault", `fields.lead_score >= 65`, []string{"fields.lead_score may be missing from a signal: give a default, e.g. (fields.lead_score ?? 0)"}},
		{"FieldReadByExpression", `fields["lead" + "_score"] == 1`, []string{"read a free field by name"}},
		{"FieldsWhole", `len(fields) > 1`, []string{"read a free field by name"}},
		{"Env", `$env.fields.tier == "a"`, []string{"$env is not available"}},
		{"ReservedName", `__charge($env, 1, 0) == 1`, []string{"__charge is not available", "$env is not available"}},
		{"TooLong", `signal.type == "` + strings.Repeat("x", MaxConditionBytes) + `"`, []string{"bytes long; at most 2000"}},
		{"TooComplex", strings.Repeat("1+", MaxConditionNodes) + "1 > 0", []string{"the condition is too complex"}},
		{"Syntax", `signal.type ==`, []string{"unexpected token EOF"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			prog, problems := compileCondition(tc.src, testFields)
			if prog != nil {
				t.Errorf("got a program, want none")
			}
			if len(problems) != len(tc.want) {
				t.Fatalf("got problems %v, want %d: %q", problems, len(tc.want), tc.want)
			}
			for i, want := range tc.want {
				if !strings.Contains(problems[i].msg, want) {
					t.Errorf("problem %d: got %q, want %q", i, problems[i].msg, want)
				}
			}
		})
	}
}

func TestConditionsEvaluate(t *testing.T) {
	t.Parallel()
	env := &Env{Signal: SignalEnv{Type: "demo_request", Campaign: "Q3 launch", Message: "pricing for 40 seats"},
		Account: AccountEnv{Employees: 450, Region: "emea"},
		Fields:  map[string]any{"lead_score": 70.0, "tags": []any{"event", "vip"}, "tier": "gold"}}
	for _, tc := range []struct {
		src  string
		want bool
	}{
		{`(fields.lead_score ?? 0) >= 65`, true},
		{`(fields.missing_but_declared ?? 0) > 1`, false},
		{`fields.vip == true`, false},
		{`(fields.vip ?? false) || account.employees > 400`, true},
		{`"vip" in fields.tags`, true},
		{`any(fields.tags ?? [], # startsWith "ev")`, true},
		{`fields.tier in ["gold", "silver"]`, true},
		{`lower(signal.campaign) contains "q3"`, true},
		{`replace(signal.campaign, " ", "") == "Q3launch"`, true},
		{`signal.message matches "[0-9]+ seats"`, true},
		{`sum(1..10) == 55`, true},
		{`reduce(1..10, #acc + #, 0) == 55`, true},
		{`len(split(signal.message, " ")) == 4`, true},
		{`upper(signal.message) == signal.message`, false},
	} {
		src := strings.ReplaceAll(tc.src, "missing_but_declared", "lead_score_2")
		fields := map[string]string{"lead_score_2": FreeNumber}
		for k, v := range testFields {
			fields[k] = v
		}
		prog, problems := compileCondition(src, fields)
		if len(problems) > 0 {
			t.Errorf("%s: got problems %v, want none", src, problems)
			continue
		}
		got, err := eval(prog, env)
		if err != nil || got != tc.want {
			t.Errorf("%s: got %v, %v; want %v", src, got, err, tc.want)
		}
	}
	if env.Failures() != 0 {
		t.Errorf("got %d failures, want 0", env.Failures())
	}
}

// TestEvalBudget: conditions that pass the load-time checks but would do
// unbounded work on some signal stop with ErrBudget instead.
func TestEvalBudget(t *testing.T) {
	t.Parallel()
	env := &Env{Signal: SignalEnv{Message: strings.Repeat("m", baton.MaxMessageLen)}}
	for _, src := range []string{
		// Each let doubles the message: 10 KB × 2⁸.
		`let a = signal.message + signal.message; let b = a + a; let c = b + b; let d = c + c; let e = d + d; let f = e + e; let g = f + f; len(g + g) > 0`,
		// A billion steps in three short loops.
		`all(1..1000, all(1..1000, all(1..1000, # > 0)))`,
		// The message scanned a thousand times.
		`any(1..1000, {upper(signal.message) == "x"})`,
		// An empty old string inserts the message between every character.
		`replace(signal.message, "", signal.message) != ""`,
		// A thousand copies, then written out.
		`len(toJSON(map(1..1000, signal.message))) > 0`,
		// A reduce that grows its string by the message each step.
		`len(reduce(1..1000, #acc + signal.message, "")) > 0`,
	} {
		prog, problems := compileCondition(src, nil)
		if len(problems) > 0 {
			t.Errorf("%s: got problems %v, want it to load", src, problems)
			continue
		}
		before := env.Failures()
		if _, err := eval(prog, env); !errors.Is(err, ErrBudget) {
			t.Errorf("%s: got %v, want ErrBudget", src, err)
		}
		if env.Failures() != before+1 {
			t.Errorf("%s: got %d failures, want %d", src, env.Failures(), before+1)
		}
	}
	// The budget is per evaluation: a cheap condition still runs.
	prog, _ := compileCondition(`signal.message contains "zz"`, nil)
	if ok, err := eval(prog, env); ok || err != nil {
		t.Errorf("after the budget ran out once: got %v, %v; want false, nil", ok, err)
	}
}

func TestEvalStopsWithTheContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	env := &Env{Signal: SignalEnv{Type: "demo_request"}}
	env.SetContext(ctx)
	prog, _ := compileCondition(`signal.type == "demo_request"`, nil)
	if _, err := eval(prog, env); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}
