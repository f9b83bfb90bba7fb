package web_test

import (
	"context"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
)

// TestHandoffPageShowsTheSequence: after an outcome that keeps the handoff
// open, its page shows the follow-up task, the sequence's next steps, and
// no outcome clock.
func TestHandoffPageShowsTheSequence(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	sig := meetingSignal("seq-1", t0.Add(time.Hour))
	sig["fields"] = map[string]any{ // enough context to pass the meeting's gate
		"budget_range": "$50k-$100k", "pain_points": "manual routing", "target_decision_date": "2027-01-31", "decision_maker": "Ana Ruiz, VP Operations",
		"stakeholders": "CFO", "trigger_event": "missed demos", "current_solution": "spreadsheets", "competitors": "N/A", "meeting_type": "Discovery",
		"timeline": "this quarter", "product_interest": "routing", "requested_next_step": "discovery call", "qualification_notes": "N/A",
	}
	h := s.ingest(t, sig)
	s.act(t, s.admin, h.ID, "accept", nil)
	s.act(t, s.admin, h.ID, "touch", nil)
	page := func() string {
		t.Helper()
		secret, _, err := s.svc.SignInVerified(context.Background(), "sdr1@t.example", baton.SignInOIDC)
		if err != nil {
			t.Fatal(err)
		}
		r := s.do(t, "GET", "/handoffs/"+h.ID, "", "", "Cookie", "baton_session="+secret)
		if r.status != http.StatusOK {
			t.Fatalf("got %s, want 200", r)
		}
		return html.UnescapeString(string(r.body))
	}
	before := page()
	if !strings.Contains(before, `id="sequence"`) || !strings.Contains(before, "record the meeting's outcome") {
		t.Errorf("before the outcome the page does not show the outcome clock's steps")
	}
	s.advance(t, time.Hour)
	got := s.act(t, s.admin, h.ID, "outcome", map[string]string{"outcome": baton.OutcomeInterested})
	if got.State != baton.StateActioned {
		t.Fatalf("got %s, want actioned", got.State)
	}
	body := page()
	for _, want := range []string{`id="sequence"`, "Follow up on the meeting", "after Interested not closed", "Reminder to the owner",
		"Follow up on the meeting due; if not done, the manager is alerted"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(body, "Outcome due by") || strings.Contains(body, "record the meeting's outcome") {
		t.Error("the page still runs the outcome clock after the outcome")
	}
}
