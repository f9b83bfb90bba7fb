package demo_test

import (
	"context"
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// otherHandoffPoints checks that the demo has deal-desk requests (some
// decided), renewals and support escalations, each owned on its team.
func otherHandoffPoints(t *testing.T, svc *service.Service) {
	ctx := context.Background()
	for _, tc := range []struct{ typ, team string }{{"deal_desk", "deal_desk"}, {"renewal", "am"}, {"support_escalation", "support"}} {
		list, _, err := svc.Handoffs(ctx, baton.HandoffFilter{Type: tc.typ, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 0 {
			t.Errorf("no %s handoffs", tc.typ)
			continue
		}
		decided := 0
		for _, h := range list {
			if h.Owner != nil && h.ToTeam != tc.team {
				t.Errorf("%s handoff %s to team %s, want %s", tc.typ, h.ID, h.ToTeam, tc.team)
			}
			if h.Outcome == service.OutcomeApproved || h.Outcome == service.OutcomeRejected || h.State == baton.StateReturned {
				decided++
			}
		}
		if tc.typ == "deal_desk" && decided == 0 {
			t.Error("the deal desk decided nothing")
		}
	}
}
