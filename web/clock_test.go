package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
)

func TestStalledPauseAndActivitiesOverHTTP(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	h := s.ingest(t, exampleSignal("st-1"))
	s.advance(t, 2*time.Minute)

	t.Run("StalledUnaccepted", func(t *testing.T) {
		got := call[listReply](t, s, "GET", "/api/v1/handoffs?stalled=unaccepted", s.rep, nil, http.StatusOK)
		if len(got.Handoffs) != 1 || got.Handoffs[0].ID != h.ID || time.Duration(got.Handoffs[0].StalledFor) != 2*time.Minute {
			t.Errorf("got %+v, want %s stalled for 2m", got.Handoffs, h.ID)
		}
		wantError(t, s.do(t, "GET", "/api/v1/handoffs?stalled=forever", s.rep, ""), http.StatusUnprocessableEntity, baton.EINVALID, "stalled")
	})

	t.Run("PauseAndResume", func(t *testing.T) {
		wantError(t, s.do(t, "POST", "/api/v1/handoffs/"+h.ID+"/pause", s.rep, `{}`), http.StatusUnprocessableEntity, baton.EINVALID, "reason")
		paused := s.act(t, s.rep, h.ID, "pause", map[string]string{"reason": "customer on holiday"})
		if paused.PausedAt.IsZero() {
			t.Fatal("not paused")
		}
		wantError(t, s.do(t, "POST", "/api/v1/handoffs/"+h.ID+"/accept", s.rep, ""), http.StatusConflict, baton.ECONFLICT)
		s.advance(t, time.Hour)
		resumed := s.act(t, s.rep, h.ID, "resume", nil)
		if want := h.AcceptBy.Add(time.Hour); !resumed.AcceptBy.Equal(want) {
			t.Errorf("accept by after an hour's pause: got %s, want %s", resumed.AcceptBy, want)
		}
	})

	t.Run("CompleteActivity", func(t *testing.T) {
		sig := exampleSignal("won-1")
		sig["type"] = "contract_signed"
		won := s.ingest(t, sig)
		full := s.handoff(t, won.ID)
		if len(full.Activities) != 4 {
			t.Fatalf("got %d activities, want the four closed-won ones", len(full.Activities))
		}
		path := "/api/v1/handoffs/" + won.ID + "/activities/customer_introduction/complete"
		call[map[string]any](t, s, "POST", path, s.admin, map[string]string{"note": "intro sent"}, http.StatusOK)
		wantError(t, s.do(t, "POST", path, s.admin, ""), http.StatusConflict, baton.ECONFLICT)
		wantError(t, s.do(t, "POST", "/api/v1/handoffs/"+won.ID+"/activities/nope/complete", s.admin, ""), http.StatusNotFound, baton.ENOTFOUND)
	})
}

func TestSimulateOverHTTP(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	for _, id := range []string{"a", "b", "c"} {
		s.ingest(t, exampleSignal("sim-"+id))
	}
	candidate := strings.Replace(string(playbook.DefaultYAML()), "  rules: []\n",
		"  rules:\n    - name: all_to_ops\n      when: signal.type == \"demo_request\"\n      to: {team: ops}\n", 1)
	res := call[service.SimResult](t, s, "POST", "/api/v1/routing/simulate", s.manager, map[string]any{"playbook": candidate, "days": 1}, http.StatusOK)
	if res.Signals != 3 || res.Changed != 3 || res.Shares["ops@t.example"] != 3 {
		t.Errorf("got %d signals, %d changed, shares %v; want all three moved to ops", res.Signals, res.Changed, res.Shares)
	}
	bad := call[errorReply](t, s, "POST", "/api/v1/routing/simulate", s.manager, map[string]any{"playbook": "version: 1\ntiers: []\n"}, http.StatusUnprocessableEntity)
	if len(bad.Error.Fields) == 0 || !strings.Contains(bad.Error.Fields[0].Message, "playbook:") {
		t.Errorf("got %+v, want the playbook's problems with positions", bad)
	}
	wantError(t, s.do(t, "POST", "/api/v1/routing/simulate", s.rep, `{}`), http.StatusForbidden, baton.EFORBIDDEN)
}
