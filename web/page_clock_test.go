package web_test

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
)

var clockRow = regexp.MustCompile(`<dt>([^<]+)</dt><dd class="clock[^"]*">[^(<]*\((?:<span[^>]*>)?([^)<]+)(?:</span>)?\)</dd>`)

// pageClocks signs in, renders a handoff's page and returns its clocks:
// label → what it says is left.
func (s *stack) pageClocks(t *testing.T, id string) map[string]string {
	t.Helper()
	secret, _, err := s.svc.SignInVerified(context.Background(), "sdr1@t.example", baton.SignInOIDC)
	if err != nil {
		t.Fatal(err)
	}
	r := s.do(t, "GET", "/handoffs/"+id, "", "", "Cookie", "baton_session="+secret)
	if r.status != http.StatusOK {
		t.Fatalf("got %s, want 200", r)
	}
	out := map[string]string{}
	for _, m := range clockRow.FindAllStringSubmatch(string(r.body), -1) {
		out[html.UnescapeString(m[1])] = html.UnescapeString(m[2])
	}
	return out
}

// TestHandoffPageShowsTheClocksThatRun: the page shows the one clock that
// runs in each state, and a paused clock's time left.
func TestHandoffPageShowsTheClocksThatRun(t *testing.T) {
	t.Parallel()
	check := func(t *testing.T, s *stack, id string, want map[string]string) {
		t.Helper()
		if diff := cmp.Diff(want, s.pageClocks(t, id)); diff != "" {
			t.Errorf("clocks on the page (-want +got):\n%s", diff)
		}
	}
	t.Run("AcceptThenPausedThenFirstTouch", func(t *testing.T) {
		t.Parallel()
		s := newStack(t)
		h := s.ingest(t, exampleSignal("pc-1")) // hot: 5 minutes to accept
		check(t, s, h.ID, map[string]string{"Accept by": "5 min left"})
		s.advance(t, 2*time.Minute)
		s.act(t, s.rep, h.ID, "pause", map[string]string{"reason": "customer asked to call tomorrow"})
		s.advance(t, 3*time.Hour) // the clock is stopped
		check(t, s, h.ID, map[string]string{"Accept by": "paused with 3 min left"})
		s.act(t, s.rep, h.ID, "resume", nil)
		check(t, s, h.ID, map[string]string{"Accept by": "3 min left"})
		s.act(t, s.rep, h.ID, "accept", nil)
		check(t, s, h.ID, map[string]string{"First touch by": "3 min left"})
	})
	t.Run("FixByWhileReturned", func(t *testing.T) {
		t.Parallel()
		s := newStack(t)
		h := s.ingest(t, exampleSignal("pc-2"))
		s.act(t, s.rep, h.ID, "reject", map[string]any{"reason": "no budget", "gaps": []string{"budget"}})
		check(t, s, h.ID, map[string]string{"Fix by": "1 d left"})
	})
	t.Run("MeetingThenOutcomeDueThenNothing", func(t *testing.T) {
		t.Parallel()
		s := newStack(t)
		sig := meetingSignal("pc-3", t0.Add(48*time.Hour))
		sig["fields"] = map[string]any{ // complete enough to pass the meeting-set gate
			"budget_range": "$50k-$100k", "pain_points": "manual routing", "target_decision_date": "2027-01-31",
			"decision_maker": "Ana Ruiz, VP Operations", "stakeholders": "CFO", "trigger_event": "missed demo requests",
			"current_solution": "spreadsheets", "competitors": "N/A", "meeting_type": "Discovery", "timeline": "this quarter",
			"product_interest": "routing", "requested_next_step": "discovery call", "qualification_notes": "N/A",
		}
		h := s.ingest(t, sig)
		s.act(t, s.rep, h.ID, "accept", nil)
		s.act(t, s.rep, h.ID, "touch", nil)
		check(t, s, h.ID, map[string]string{"Meeting starts": "in 2 d"})
		s.advance(t, 49*time.Hour) // the meeting started an hour ago
		got := s.pageClocks(t, h.ID)
		if left, ok := got["Outcome due by"]; !ok || left == "" {
			t.Errorf("after the meeting: got clocks %v, want the outcome due", got)
		}
		s.act(t, s.rep, h.ID, "outcome", map[string]string{"outcome": "proposal_requested"})
		check(t, s, h.ID, map[string]string{})
	})
}
