package postgres_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/postgres"
	"github.com/google/go-cmp/cmp"
)

// TestReleaseLetsAnotherNodeClaimAtOnce: timers and messages a stopping
// node releases are claimed again before their leases end; finished ones
// stay finished.
func TestReleaseLetsAnotherNodeClaimAtOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := open(t, postgres.Options{Writers: 1, ReadConns: 1})
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	const lease = time.Minute
	update := func(fn func(tx *postgres.Tx) error) {
		t.Helper()
		if err := db.Update(ctx, func(tx baton.Tx) error { return fn(tx.(*postgres.Tx)) }); err != nil {
			t.Fatal(err)
		}
	}
	claim := func() (timers, msgs []string) {
		t.Helper()
		update(func(tx *postgres.Tx) error {
			ts, err := tx.ClaimTimers(ctx, now, lease, 10)
			if err != nil {
				return err
			}
			ms, err := tx.ClaimMessages(ctx, now, lease, 10)
			for _, tm := range ts {
				timers = append(timers, tm.ID)
			}
			for _, m := range ms {
				msgs = append(msgs, m.ID)
			}
			slices.Sort(msgs) // RETURNING's order
			return err
		})
		return timers, msgs
	}
	update(func(tx *postgres.Tx) error {
		for _, id := range []string{"t1", "t2"} {
			if err := tx.InsertTimers(ctx, &baton.Timer{ID: id, HandoffID: "h-" + id, Kind: baton.TimerFixBreach, Generation: 1, DueAt: now.Add(-time.Minute)}); err != nil {
				return err
			}
		}
		for _, id := range []string{"m1", "m2"} {
			if err := tx.EnqueueMessage(ctx, &baton.Message{ID: id, Kind: baton.MsgAssigned, Channel: baton.ChannelWebhook,
				Payload: json.RawMessage(`{}`), CreatedAt: now.Add(-time.Minute)}); err != nil {
				return err
			}
		}
		return nil
	})
	timers, msgs := claim()
	if diff := cmp.Diff([][]string{{"t1", "t2"}, {"m1", "m2"}}, [][]string{timers, msgs}); diff != "" {
		t.Fatalf("first claim (-want +got):\n%s", diff)
	}
	if timers, msgs := claim(); len(timers)+len(msgs) != 0 {
		t.Fatalf("claim while leased: got %v and %v, want nothing", timers, msgs)
	}
	// t1 fired and m1 was delivered before the node stopped.
	update(func(tx *postgres.Tx) error {
		if err := tx.FinishTimer(ctx, "t1", baton.TimerFired, now); err != nil {
			return err
		}
		if err := tx.SettleMessage(ctx, &baton.Message{ID: "m1", Status: baton.MessageSent, Attempts: 1, SentAt: now}); err != nil {
			return err
		}
		if err := tx.ReleaseTimers(ctx); err != nil { // nothing to release is fine
			return err
		}
		if err := tx.ReleaseTimers(ctx, "t1", "t2", "t-unknown"); err != nil {
			return err
		}
		return tx.ReleaseMessages(ctx, "m1", "m2")
	})
	timers, msgs = claim()
	if diff := cmp.Diff([][]string{{"t2"}, {"m2"}}, [][]string{timers, msgs}); diff != "" {
		t.Errorf("claim after release, before the leases end (-want +got):\n%s", diff)
	}
}
