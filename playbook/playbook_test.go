package playbook_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/playbook"
)

func TestDefault(t *testing.T) {
	t.Parallel()
	pb := playbook.Default()
	for _, name := range []string{"hot_lead", "mql", "meeting_set", "technical_validation", "territory_change", "closed_won", "expansion", "product_signal"} {
		if pb.HandoffType(name) == nil {
			t.Errorf("default playbook lacks handoff type %s", name)
		}
	}
	t.Run("HotLeadIsFiveMinutesAroundTheClock", func(t *testing.T) {
		hot := pb.Tier("hot")
		if time.Duration(hot.Accept) != 5*time.Minute || hot.Clock != playbook.ClockAroundTheClock {
			t.Errorf("got %s on a %s clock, want 5m around the clock", hot.Accept, hot.Clock)
		}
		if got := len(hot.Ladder); got != 4 {
			t.Errorf("got %d ladder steps, want 4", got)
		}
	})
	t.Run("ClosedWonHasTheFourActivities", func(t *testing.T) {
		var names []string
		for _, a := range pb.HandoffType("closed_won").Activities {
			names = append(names, a.Name+"/"+a.Within.String())
		}
		if got, want := strings.Join(names, ","), "customer_introduction/2d,cs_preparation/3d,kickoff_scheduled/5d,kickoff_held/10d"; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	})
	t.Run("DealSummaryHasTheThreeTables", func(t *testing.T) {
		cols := map[string]string{}
		for _, f := range pb.Fields(pb.HandoffType("closed_won")) {
			if f.Type != playbook.FieldTable {
				continue
			}
			var names []string
			for _, c := range f.Columns {
				n := c.Name + ":" + c.Type
				if c.Required {
					n += "*"
				}
				names = append(names, n)
			}
			cols[f.Name] = strings.Join(names, ",")
		}
		want := map[string]string{
			"stakeholders": "name:text*,role:text*,stance:choice*,influence:choice*,communication:text",
			"commitments":  "what:text*,promised_by:person*,due:date,status:choice*,kind:choice*",
			"risks":        "risk:text*,likelihood:choice*,impact:choice*,mitigation:text,owner:person",
		}
		for name, w := range want {
			if cols[name] != w {
				t.Errorf("%s: got columns %q, want %q", name, cols[name], w)
			}
		}
	})
	t.Run("MQLNeedsScore65", func(t *testing.T) {
		env := &playbook.Env{Signal: playbook.SignalEnv{Type: "content_download"}, Fields: map[string]any{"lead_score": 64.0}}
		if h, _ := pb.Match(env); h != nil {
			t.Errorf("score 64: got %s, want no handoff", h.Name)
		}
		env.Fields["lead_score"] = 65.0
		if h, _ := pb.Match(env); h == nil || h.Name != "mql" {
			t.Errorf("score 65: got %v, want mql", h)
		}
		env.Fields = nil
		if h, trace := pb.Match(env); h != nil || len(trace) == 0 {
			t.Errorf("no score: got %v (trace %v), want no handoff with a trace", h, trace)
		}
	})
	t.Run("UsageSplitsByCustomer", func(t *testing.T) {
		env := &playbook.Env{Signal: playbook.SignalEnv{Type: "usage_threshold"}, Account: playbook.AccountEnv{Customer: true}}
		if h, _ := pb.Match(env); h == nil || h.Name != "expansion" {
			t.Errorf("customer: got %v, want expansion", h)
		}
		env.Account.Customer = false
		if h, _ := pb.Match(env); h == nil || h.Name != "product_signal" {
			t.Errorf("prospect: got %v, want product_signal", h)
		}
	})
}

// TestBrokenFixtures checks that every broken playbook in testdata/broken is
// rejected with the problems its header comment lists, as file:line.
func TestBrokenFixtures(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/broken/*.yaml")
	if err != nil || len(files) < 5 {
		t.Fatalf("got %d fixtures (%v), want at least 5", len(files), err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			_, err = playbook.Parse(f, b)
			var pe *playbook.Error
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want *playbook.Error", err)
			}
			got := err.Error()
			// Each "# want: LINE: TEXT" line names an expected problem.
			for _, line := range strings.Split(string(b), "\n") {
				want, ok := strings.CutPrefix(line, "# want: ")
				if !ok {
					continue
				}
				pos, text, _ := strings.Cut(want, " ")
				if !strings.Contains(got, f+":"+pos) || !strings.Contains(got, text) {
					t.Errorf("missing problem %q at %s:%s\ngot:\n%s", text, f, pos, got)
				}
			}
		})
	}
}

func TestParseRejectsEmptyAndHuge(t *testing.T) {
	t.Parallel()
	for name, src := range map[string]string{"empty": "", "comment": "# nothing\n", "huge": strings.Repeat("#", playbook.MaxSize+1)} {
		if _, err := playbook.Parse(name, []byte(src)); err == nil {
			t.Errorf("%s: got nil error", name)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(playbook.DefaultYAML())
	f.Add([]byte("version: 1\ntiers: [{name: a, accept: 5m}]\nhandoff_types: [{name: x, from: a, to: b, triggers: [demo_request], tier: a, when: 'signal.type =='}]"))
	f.Fuzz(func(t *testing.T, src []byte) {
		pb, err := playbook.Parse("fuzz.yaml", src)
		if err == nil && pb == nil {
			t.Fatal("nil playbook without error")
		}
		if err != nil && err.Error() == "" {
			t.Fatal("empty error")
		}
	})
}

// TestRunTimeConditionErrors: a condition that fails on a signal (a lead
// score sent as text) is an error step naming the type or tier rule, and
// counted; it is never a silent skip.
func TestRunTimeConditionErrors(t *testing.T) {
	t.Parallel()
	pb := playbook.Default()
	env := &playbook.Env{Signal: playbook.SignalEnv{Type: "lead_score_crossed"}, Fields: map[string]any{"lead_score": "high"}}
	h, trace := pb.Match(env)
	if h != nil || len(trace) != 1 || trace[0].Result != playbook.ResultError || trace[0].Subject != "mql" || !strings.Contains(trace[0].Reason, "string >= int") {
		t.Errorf("match: got %v and trace %+v, want no handoff and an error step naming mql", h, trace)
	}
	mql := pb.HandoffType("mql")
	tier, steps := pb.TierFor(mql, env)
	if tier.Name != "warm" || playbook.ErrorSteps(steps) != 1 || steps[0].Subject != "mql" || !strings.Contains(steps[0].Reason, "tier rule") {
		t.Errorf("tier: got %s and steps %+v, want warm and the failed tier rule", tier.Name, steps)
	}
	if got := env.Failures(); got != 2 {
		t.Errorf("got %d failures on the env, want 2", got)
	}
	pb.Tally(env)
	if got := pb.ConditionErrors(); got != 2 {
		t.Errorf("got %d condition errors on the playbook, want 2", got)
	}
	env.Fields["lead_score"] = 95.0
	if tier, steps := pb.TierFor(mql, env); tier.Name != "hot" || len(steps) != 1 || steps[0].Result != "matched" {
		t.Errorf("score 95: got %s and %+v, want hot with the rule that raised it", tier.Name, steps)
	}
}

func TestDeclaredFields(t *testing.T) {
	t.Parallel()
	const base = "version: 1\ntiers: [{name: warm, accept: 4h}]\n%shandoff_types:\n  - {name: mql, from: marketing, to: sdr, triggers: [lead_score_crossed], tier: warm, when: '%s'}\n"
	for _, tc := range []struct {
		name, fields, when, want string
	}{
		{"Typed", "fields: [{name: score, type: number}, {name: tags, type: list}]\n", `(fields.score ?? 0) > 5 && "vip" in fields.tags`, ""},
		{"Undeclared", "", `(fields.score ?? 0) > 5`, "fields.score is not declared"},
		{"WrongType", "fields: [{name: score, type: string}]\n", `(fields.score ?? "") > 5`, "mismatched types string and int"},
		{"UnknownType", "fields: [{name: score, type: integer}]\n", `true`, `type must be one of number, string, bool, list, got "integer"`},
		{"Twice", "fields: [{name: score, type: number}, {name: score, type: number}]\n", `true`, `field "score" is declared twice`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := playbook.Parse("p.yaml", []byte(fmt.Sprintf(base, tc.fields, tc.when)))
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("got %v, want no error", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}
