package playbook

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// TestAccessorsCoverEnv: every field a condition can name in signal,
// account and contact has an accessor of the field's type that reads that
// field.
func TestAccessorsCoverEnv(t *testing.T) {
	t.Parallel()
	env := &Env{}
	ev := reflect.ValueOf(env).Elem()
	seen := 0
	for i := range ev.NumField() {
		sf := ev.Type().Field(i)
		part := sf.Tag.Get("expr")
		if part == "" || sf.Type.Kind() != reflect.Struct {
			continue
		}
		for j := range sf.Type.NumField() {
			f := sf.Type.Field(j)
			path := part + "." + f.Tag.Get("expr")
			a := accessorPaths[path]
			if a == nil {
				t.Errorf("%s: got no accessor, want one", path)
				continue
			}
			seen++
			if got := reflect.TypeOf(a.typ).Elem().Out(0); got != f.Type {
				t.Errorf("%s: got accessor type %v, want %v", path, got, f.Type)
			}
			// Set the field, and only it, and read it back.
			*env = Env{}
			fv := ev.Field(i).Field(j)
			switch f.Type.Kind() {
			case reflect.String:
				fv.SetString("v " + path)
			case reflect.Int:
				fv.SetInt(int64(len(path)))
			case reflect.Bool:
				fv.SetBool(true)
			}
			if got, want := a.get(env), fv.Interface(); got != want {
				t.Errorf("%s: got %v, want %v", path, got, want)
			}
		}
	}
	if seen != len(accessors) {
		t.Errorf("got %d accessors, want %d (one per field)", len(accessors), seen)
	}
}

// TestDirectProgramsLoadNoFields: a condition compiled for running reads
// the environment through accessors, not expr's reflective field loads,
// unless it declares a variable.
func TestDirectProgramsLoadNoFields(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		src    string
		direct bool
	}{
		{`account.region == "emea" && account.employees >= 500 && (fields.lead_score ?? 0) >= 65`, true},
		{`signal.type in ["demo_request"] || contact.title contains "CTO" || account.customer`, true},
		{`let region = account.region; region == "emea"`, false},
	} {
		prog, problems := compileCondition(tc.src, testFields)
		if len(problems) > 0 {
			t.Fatalf("%s: got problems %v", tc.src, problems)
		}
		loads := 0
		for _, op := range prog.Bytecode {
			if op == vm.OpLoadField || op == vm.OpFetchField || op == vm.OpFetch {
				loads++
			}
		}
		if got := loads == 0; got != tc.direct {
			t.Errorf("%s: got %d reflective loads, want them only when it declares a variable", tc.src, loads)
		}
	}
}

// TestDirectEvalAsReflection compiles conditions over every field, free
// fields present, missing and of the wrong type, optional and indexed
// accesses, variables, loops and
// budget-bound work, once with accessors (as the playbook runs them) and
// once with expr's reflection, and evaluates both over random
// environments: the same answers, errors and budget spent.
func TestDirectEvalAsReflection(t *testing.T) {
	t.Parallel()
	conds := []string{
		`signal.type == "demo_request" && signal.source != "partner"`,
		`signal.campaign contains "Q3" || signal.message matches "[0-9]+ seats"`,
		`signal.has_meeting and not account.customer`,
		`account.name startsWith "Ac" || account.domain endsWith ".io"`,
		`account.segment in ["enterprise", "mid_market"] && account.employees >= 500`,
		`account.industry == "software" && account.country in ["US", "CA"] && account.region == "na"`,
		`account.status == "customer" || account.named`,
		`contact.email endsWith "@acme.com" || lower(contact.title) contains "cto" || contact.timezone == "UTC"`,
		`(fields.lead_score ?? 0) >= 65`,
		`(fields.tier ?? "") == "gold" || "vip" in (fields.tags ?? [])`,
		`fields?.tier == "gold"`,
		`fields["tier"] == "gold"`,
		`(fields.vip ?? false) || account.employees > 400`,
		`let region = account.region; region == "emea" || (fields.tier ?? "") == region`,
		`any(1..50, {upper(signal.message) == account.region})`,
		`len(signal.message + account.name + contact.title) > 20`,
		`account.employees / 10 > 5`,
		`account.employees + (fields.lead_score ?? 0) > 100`,
		`fields.tier == 5`,
	}
	fields := map[string]string{"lead_score": FreeNumber, "tags": FreeList, "tier": FreeString, "vip": FreeBool}
	type pair struct {
		src           string
		direct, plain *vm.Program
	}
	var progs []pair
	for _, src := range conds {
		direct, problems := compileCondition(src, fields)
		if len(problems) > 0 {
			// Refused at load (fields.tier == 5): nothing to run.
			continue
		}
		plain, err := expr.Compile(src, runOptions...)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		progs = append(progs, pair{src, direct, plain})
	}
	if len(progs) != len(conds)-1 {
		t.Fatalf("got %d of %d conditions compiled, want all but the refused", len(progs), len(conds))
	}
	rng := rand.New(rand.NewPCG(15, 8))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	for i := range 3000 {
		env := Env{
			Signal: SignalEnv{Type: pick("demo_request", "pricing", ""), Source: pick("partner", "website"), Campaign: pick("Q3 launch", ""),
				Message: strings.Repeat(pick("EMEA", "40 seats", "x"), 1+rng.IntN(300)), HasMeeting: rng.IntN(2) == 0},
			Account: AccountEnv{Name: pick("Acme", "Globex", ""), Domain: pick("acme.io", "globex.com"), Segment: pick("enterprise", "smb", "mid_market"),
				Employees: rng.IntN(2000), Industry: pick("software", "retail"), Country: pick("US", "CA", "DE"), Region: pick("na", "emea", "EMEA"),
				Status: pick("customer", "prospect"), Customer: rng.IntN(2) == 0, Named: rng.IntN(3) == 0},
			Contact: ContactEnv{Email: pick("a@acme.com", "b@x.org"), Title: pick("CTO", "VP", ""), TimeZone: pick("UTC", "Europe/Paris")},
		}
		switch rng.IntN(4) {
		case 0: // no free fields at all
		case 1:
			env.Fields = map[string]any{}
		case 2:
			env.Fields = map[string]any{"lead_score": float64(rng.IntN(100)), "tier": pick("gold", "silver"), "tags": []any{"vip"}, "vip": true}
		default: // types a sender got wrong
			env.Fields = map[string]any{"lead_score": "high", "tier": 3.0, "tags": "vip", "vip": "yes"}
		}
		for _, p := range progs {
			e1, e2 := env, env
			got, gotErr := eval(p.direct, &e1)
			want, wantErr := eval(p.plain, &e2)
			if got != want || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || e1.spent != e2.spent || e1.failures != e2.failures {
				t.Fatalf("env %d, %s: got %v, %v (spent %d), want %v, %v (spent %d)", i, p.src, got, gotErr, e1.spent, want, wantErr, e2.spent)
			}
		}
	}
}
