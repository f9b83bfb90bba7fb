package demo_test

import (
	"context"
	"slices"
	"testing"

	"github.com/batonhq/baton"
)

// TestDemoKTMeetings: the demo's closed-won handoffs have knowledge-transfer
// meetings held with varied checklists: some fully attended and covered,
// some missing people or agenda items, so the quality scores spread.
func TestDemoKTMeetings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := loaded(t)
	admin := baton.Principal{Name: "test", Access: baton.AccessAdmin}
	held, full, short, sent := 0, 0, 0, 0
	cursor := ""
	for {
		page, next, err := svc.Handoffs(ctx, baton.HandoffFilter{Limit: 500, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range page {
			if h.Type != "closed_won" {
				continue
			}
			cs, err := svc.CSHandoffFor(ctx, admin, h.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !cs.SentAt.IsZero() {
				sent++
			}
			if cs.KT.Status != baton.KTHeld {
				continue
			}
			held++
			all := true
			for _, id := range cs.KT.Required() {
				all = all && slices.Contains(cs.KT.Attended, id)
			}
			if all && len(cs.KT.Covered) == len(cs.KT.Agenda) && cs.KT.CSQuestionsAnswered {
				full++
			} else {
				short++
			}
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	if held < 3 || full == 0 || short == 0 {
		t.Errorf("got %d meetings held (%d full, %d missing people or agenda items), want at least 3 of both kinds", held, full, short)
	}
	if sent == 0 {
		t.Error("no closed-won handoff was sent to customer success")
	}
}
