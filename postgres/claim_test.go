package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/postgres"
)

// TestClaimKeepsAHandoffsStepsTogether checks that while one of a
// handoff's timers is leased (being fired by a node), no other claim takes
// the handoff's later timers, which would fire a later step before an
// earlier one; other handoffs' timers are claimed meanwhile, and the held
// back timers once the leased one is fired.
func TestClaimKeepsAHandoffsStepsTogether(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := open(t, postgres.Options{Writers: 2, ReadConns: 1})
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	if err := db.Update(ctx, func(tx baton.Tx) error {
		return tx.InsertTimers(ctx,
			&baton.Timer{ID: "h1-step0", HandoffID: "h1", Kind: baton.TimerLadder, Generation: 1, DueAt: now.Add(-3 * time.Minute)},
			&baton.Timer{ID: "h1-step1", HandoffID: "h1", Kind: baton.TimerLadder, Generation: 1, Step: 1, DueAt: now.Add(-2 * time.Minute)},
			&baton.Timer{ID: "h2-step0", HandoffID: "h2", Kind: baton.TimerLadder, Generation: 1, DueAt: now.Add(-time.Minute)},
		)
	}); err != nil {
		t.Fatal(err)
	}
	claim := func(limit int) []string {
		t.Helper()
		var got []*baton.Timer
		if err := db.Update(ctx, func(tx baton.Tx) (err error) {
			got, err = tx.ClaimTimers(ctx, now, time.Minute, limit)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		ids := []string{}
		for _, tm := range got {
			ids = append(ids, tm.ID)
		}
		return ids
	}
	if diff := cmp.Diff([]string{"h1-step0"}, claim(1)); diff != "" {
		t.Errorf("first claim (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"h2-step0"}, claim(10)); diff != "" {
		t.Errorf("claim while h1-step0 is leased (-want +got):\n%s", diff)
	}
	if err := db.Update(ctx, func(tx baton.Tx) error { return tx.FinishTimer(ctx, "h1-step0", baton.TimerFired, now) }); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"h1-step1"}, claim(10)); diff != "" {
		t.Errorf("claim once h1-step0 fired (-want +got):\n%s", diff)
	}
}
