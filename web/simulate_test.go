package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
)

// withCondition returns the default playbook with a condition on hot_lead.
func withCondition(t *testing.T, cond string) string {
	t.Helper()
	const triggers = "    triggers: [demo_request, trial_signup, pricing_inquiry, contact_sales]\n"
	src := string(playbook.DefaultYAML())
	if !strings.Contains(src, triggers) {
		t.Fatal("the default playbook's hot_lead triggers moved")
	}
	return strings.Replace(src, triggers, triggers+"    when: '"+cond+"'\n", 1)
}

// postBounded posts to the simulate endpoint with a deadline: a server that
// hangs fails the test instead of stalling it.
func postBounded(t *testing.T, s *stack, body any) reply {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(ctx, "POST", s.srv.URL+"/api/v1/routing/simulate", strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.manager)
	resp, err := s.rt.RoundTrip(req)
	if err != nil {
		t.Fatalf("simulate: %v (the server did not answer in time)", err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: out}
}

func TestSimulateRefusesCostlyConditions(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.ingest(t, exampleSignal("costly-1"))
	for _, tc := range []struct {
		name, cond string
		want       []string // in the problems
	}{
		{"StringDoublingReduce", `len(reduce(1..40, #acc + #acc, "ab")) > 0`, []string{"use #acc once"}},
		{"RepeatInALongLoop", `let s = repeat("x", 100000); all(1..40000, {upper(s) != ""})`,
			[]string{"repeat is not available", "the range 1..40000 has 40000 numbers"}},
		{"RangeOverAField", `any(1..account.employees, # > 0)`, []string{"a range needs whole numbers written out"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := postBounded(t, s, map[string]any{"playbook": withCondition(t, tc.cond), "days": 1})
			var got []string
			for _, f := range wantError(t, r, http.StatusUnprocessableEntity, baton.EINVALID, problemFields(r)...).Error.Fields {
				got = append(got, f.Message)
			}
			for _, want := range tc.want {
				if !strings.Contains(strings.Join(got, "\n"), want) {
					t.Errorf("got problems %q, want one saying %q", got, want)
				}
			}
			// Positions are file:line:col, as playbook check prints them.
			if len(got) == 0 || !strings.HasPrefix(got[0], "playbook:") {
				t.Errorf("got problems %q, want each at playbook:line:col", got)
			}
		})
	}
	t.Run("RefusesOversizedRequests", func(t *testing.T) {
		huge := string(playbook.DefaultYAML()) + "#" + strings.Repeat("x", service.MaxSimulatedPlaybook) + "\n"
		wantError(t, postBounded(t, s, map[string]any{"playbook": huge}), http.StatusUnprocessableEntity, baton.EINVALID, "playbook")
		wantError(t, postBounded(t, s, map[string]any{"days": service.MaxSimulatedDays + 1}), http.StatusUnprocessableEntity, baton.EINVALID, "days")
	})
	t.Run("ServerStillAnswers", func(t *testing.T) {
		if r := postBounded(t, s, map[string]any{"days": 1}); r.status != http.StatusOK {
			t.Errorf("got %s, want 200 after the refused playbooks", r)
		}
	})
}

// problemFields is "playbook" once per problem the reply lists: what
// wantError should find when every field error is the playbook's.
func problemFields(r reply) []string {
	var e errorReply
	_ = json.Unmarshal(r.body, &e)
	out := make([]string, len(e.Error.Fields))
	for i := range out {
		out[i] = "playbook"
	}
	return out
}

func TestSimulateCountsConditionErrors(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	// A playbook of its own: IngestCountsThem reads its error count, which
	// other stacks' routing would move on the shared default.
	s.svc.SetPlaybook(playbook.Default())
	// A lead score sent as text passes the declared number type at load
	// but not at run time: the mql condition fails on this signal.
	sig := exampleSignal("score-as-text")
	sig["type"] = "content_download"
	sig["fields"] = map[string]any{"lead_score": "high"}
	res := postBounded(t, s, map[string]any{"signals": []any{sig}})
	if res.status != http.StatusOK {
		t.Fatalf("got %s, want 200", res)
	}
	got := decode[service.SimResult](t, res)
	if got.ConditionErrors != 1 || got.CurrentConditionErrors != 1 || len(got.Decisions) != 1 || got.Decisions[0].ConditionErrors != 1 {
		t.Fatalf("got %d condition errors (%d in force, decisions %+v), want 1 on the one signal", got.ConditionErrors, got.CurrentConditionErrors, got.Decisions)
	}
	var step *baton.Step
	for i, st := range got.Decisions[0].Trace {
		if st.Result == playbook.ResultError {
			step = &got.Decisions[0].Trace[i]
		}
	}
	if step == nil || step.Subject != "mql" || !strings.Contains(step.Reason, "could not be evaluated") {
		t.Errorf("got trace %+v, want an error step naming mql and why", got.Decisions[0].Trace)
	}

	t.Run("BudgetRunsOutPerSignal", func(t *testing.T) {
		// Each let doubles the message: the budget stops it, the signal
		// gets an error, and the simulation goes on.
		cond := "let a = signal.message + signal.message; let b = a + a; let c = b + b; let d = c + c; let e = d + d; let f = e + e; let g = f + f; len(g + g) > 0"
		big := exampleSignal("long-message")
		big["message"] = strings.Repeat("m", baton.MaxMessageLen)
		res := postBounded(t, s, map[string]any{"playbook": withCondition(t, cond), "signals": []any{big, exampleSignal("short-message")}})
		if res.status != http.StatusOK {
			t.Fatalf("got %s, want 200", res)
		}
		got := decode[service.SimResult](t, res)
		if len(got.Decisions) != 2 || got.Decisions[0].ConditionErrors != 1 || got.Decisions[1].ConditionErrors != 0 || got.Decisions[1].HandoffType != "hot_lead" {
			t.Fatalf("got decisions %+v, want the long message to fail its condition and the short one to route", got.Decisions)
		}
		if tr := got.Decisions[0].Trace; len(tr) == 0 || !strings.Contains(tr[0].Reason, "more work than a condition may do") {
			t.Errorf("got trace %+v, want the budget named", tr)
		}
	})
	t.Run("IngestCountsThem", func(t *testing.T) {
		before := s.svc.Playbook().ConditionErrors()
		r := call[signalReply](t, s, "POST", "/api/v1/signals", s.rep, sig, http.StatusAccepted)
		if !strings.Contains(r.Reason, "could not be evaluated") {
			t.Errorf("got reason %q, want the failed condition", r.Reason)
		}
		if got := s.svc.Playbook().ConditionErrors() - before; got != 1 {
			t.Errorf("got %d more condition errors, want 1", got)
		}
	})
}
