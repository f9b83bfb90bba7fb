package demo_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/batontest"
	"github.com/batonhq/baton/demo"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/sqlite"
)

// TestMain closes the shared demo database (see loaded) after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if shared.cleanup != nil {
		shared.cleanup()
	}
	os.Exit(code)
}

// shared is the demo, built once for every test in the package: a build
// replays weeks of handoffs, which took most of the package's time under
// the race detector when each test built its own. Tests only read it.
var shared struct {
	once    sync.Once
	svc     *service.Service
	err     error
	cleanup func()
}

// loaded returns the service over the shared demo database, building it on
// first use in a fresh file and checking that a second load is refused.
func loaded(t *testing.T) *service.Service {
	t.Helper()
	shared.once.Do(func() {
		shared.svc, shared.cleanup, shared.err = build()
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.svc
}

func build() (*service.Service, func(), error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "baton-demo-test-")
	if err != nil {
		return nil, nil, err
	}
	db, err := sqlite.Open(ctx, filepath.Join(dir, "demo.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	cleanup := func() {
		db.Close()
		os.RemoveAll(dir)
	}
	clock := demo.NewClock()
	svc := service.New(db, clock, playbook.Default(), nil)
	svc.SetPasswordCost(batontest.PasswordCost)
	res, err := demo.Load(ctx, svc, clock)
	if err != nil {
		return nil, cleanup, err
	}
	if !res.Loaded || res.Users < 10 || res.Handoffs < 50 {
		return nil, cleanup, fmt.Errorf("got %+v, want a team and at least 50 handoffs", res)
	}
	again, err := demo.Load(ctx, svc, clock)
	if err != nil || again.Loaded {
		return nil, cleanup, fmt.Errorf("second load: got %+v, %v; want nothing loaded into a database with a team", again, err)
	}
	return svc, cleanup, nil
}

func TestDemo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := loaded(t)

	t.Run("ShowsTheOtherHandoffPoints", func(t *testing.T) { otherHandoffPoints(t, svc) })

	t.Run("EveryHandoffHasATrace", func(t *testing.T) {
		var all []*service.HandoffView
		cursor := ""
		for {
			page, next, err := svc.Handoffs(ctx, baton.HandoffFilter{Limit: 500, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, page...)
			if cursor = next; cursor == "" {
				break
			}
		}
		states := map[baton.State]int{}
		for _, h := range all {
			states[h.State]++
			var routed bool
			for _, st := range h.Trace {
				routed = routed || st.Result == "picked"
			}
			if !routed {
				t.Errorf("handoff %s (%s) has no routing decision in its trace: %+v", h.ID, h.Type, h.Trace)
			}
		}
		for _, st := range []baton.State{baton.StateAssigned, baton.StateActioned, baton.StateCompleted, baton.StateReturned} {
			if states[st] == 0 {
				t.Errorf("no handoff is %s: %v", st, states)
			}
		}
	})

	t.Run("EveryMeetingsPreCallFitsIn250WordsWithThreeObjections", func(t *testing.T) {
		meetings := 0
		cursor := ""
		for {
			page, next, err := svc.Handoffs(ctx, baton.HandoffFilter{Limit: 500, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range page {
				if h.MeetingID == "" {
					continue
				}
				meetings++
				b, err := svc.Brief(ctx, h.ID)
				if err != nil {
					t.Fatal(err)
				}
				if words := len(strings.Fields(b.PreCall.Text)); words > 250 || b.PreCall.Words > 250 {
					t.Errorf("handoff %s: pre-call is %d words, want at most 250", h.ID, words)
				}
				if len(b.Objections) != 3 {
					t.Errorf("handoff %s: %d objections, want 3", h.ID, len(b.Objections))
				}
				for _, o := range b.Objections {
					if !strings.Contains(b.PreCall.Text, o.Category.Label()) {
						t.Errorf("handoff %s: pre-call does not name %q:\n%s", h.ID, o.Category.Label(), b.PreCall.Text)
					}
				}
			}
			if cursor = next; cursor == "" {
				break
			}
		}
		if meetings == 0 {
			t.Fatal("the demo has no meetings")
		}
	})

	t.Run("MetricsAreFull", func(t *testing.T) {
		sum, err := svc.Summary(ctx, baton.Principal{Name: "demo", Access: baton.AccessAdmin}, svc.Clock().Now().AddDate(0, 0, -8), svc.Clock().Now().Add(1))
		if err != nil {
			t.Fatal(err)
		}
		if sum.Handoffs == 0 || sum.TimeToAcceptance.Count == 0 || sum.Breached == 0 || sum.ReassignmentRate == 0 {
			t.Errorf("got %+v, want handoffs, acceptances, breaches and reassignments", sum)
		}
	})

	t.Run("SimulationListsOwnerChanges", func(t *testing.T) {
		signals, err := svc.RecentSignals(ctx, 8, 10_000)
		if err != nil || len(signals) == 0 {
			t.Fatalf("got %d signals, %v", len(signals), err)
		}
		same, err := svc.Simulate(ctx, svc.Playbook(), signals)
		if err != nil {
			t.Fatal(err)
		}
		if same.Changed != 0 {
			t.Errorf("the playbook in force against itself: got %d changes, want 0", same.Changed)
		}
		// Send every enterprise hot lead to the AEs instead of the SDRs.
		src := strings.Replace(string(playbook.DefaultYAML()), "  rules: []\n",
			"  rules:\n    - name: enterprise_to_ae\n      when: account.segment == \"enterprise\"\n      types: [hot_lead]\n      to: {team: ae}\n", 1)
		candidate, err := playbook.Parse("candidate.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		res, err := svc.Simulate(ctx, candidate, signals)
		if err != nil {
			t.Fatal(err)
		}
		if res.Changed == 0 || len(res.Decisions) != len(signals) || len(res.Spread) == 0 {
			t.Fatalf("got %d changes over %d decisions, spread %v; want changes", res.Changed, len(res.Decisions), res.Spread)
		}
		for _, d := range res.Decisions {
			if d.Changed && d.Rule == "enterprise_to_ae" && !strings.Contains(d.Owner, "@") {
				t.Errorf("changed decision without an owner: %+v", d)
			}
		}
	})
}

// TestDemoDealSummaries: the demo's closed-won handoffs carry deal
// summaries of varied quality: some with complete stakeholder maps,
// commitment logs and risk registers, some thin, so completeness (and the
// quality scores read from the same tables) spread.
func TestDemoDealSummaries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := loaded(t)
	won, cursor := 0, ""
	tables := map[string]int{}
	scores := map[int]bool{}
	verbal := 0
	for {
		page, next, err := svc.Handoffs(ctx, baton.HandoffFilter{Limit: 500, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range page {
			if h.Type != "closed_won" {
				continue
			}
			won++
			scores[h.Completeness/10] = true
			for _, name := range []string{"stakeholders", "commitments", "risks"} {
				if rows, ok := h.Context[name].([]any); ok && len(rows) > 0 {
					tables[name]++
				}
			}
			if rows, ok := h.Context["commitments"].([]any); ok {
				for _, r := range rows {
					if m, ok := r.(map[string]any); ok && (m["kind"] == "verbal" || m["kind"] == "gray_area") {
						verbal++
						break
					}
				}
			}
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	if won < 5 {
		t.Fatalf("got %d closed-won handoffs, want at least 5", won)
	}
	for _, name := range []string{"stakeholders", "commitments", "risks"} {
		if tables[name] == 0 || tables[name] == won {
			t.Errorf("%s: %d of %d closed-won handoffs have rows, want some but not all", name, tables[name], won)
		}
	}
	if len(scores) < 3 {
		t.Errorf("completeness of closed-won handoffs falls in %d bands of ten, want at least 3 (real spread)", len(scores))
	}
	if verbal == 0 {
		t.Error("no closed-won handoff has a verbal or gray-area commitment")
	}
}
