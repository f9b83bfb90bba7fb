package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/quality"
	"github.com/google/go-cmp/cmp"
)

// testQualityStale checks that every event appended makes its handoff's
// quality stale, whatever shape the transaction that appends it has: one
// event or many in one call, to one handoff or hundreds, in commands that
// share a group commit with others that fail, after the handoff was scored
// in the same command; and that nothing else does (a failed command's
// events, retention's deletes). The quality report's refresh rescores what
// StaleQuality lists, so a handoff missing from it keeps a stale score.
func testQualityStale(t *testing.T, open Opener) {
	ctx := context.Background()
	now := msec(t0)

	stale := func(t *testing.T, db baton.Store) []string {
		t.Helper()
		var got []string
		mustView(t, db, func(tx baton.Tx) (err error) {
			got, err = asQuality(t, tx).StaleQuality(ctx, 10_000)
			return err
		})
		slices.Sort(got)
		return got
	}
	event := func(id string, i int) *baton.Event {
		return &baton.Event{HandoffID: id, Kind: baton.EventTouched, At: now.Add(time.Duration(i) * time.Second), Actor: "u1"}
	}
	ids := func(prefix string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("%s%03d", prefix, i)
		}
		return out
	}

	t.Run("MarksEveryHandoffOfOneMultiRowAppend", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		mustUpdate(t, db, func(tx baton.Tx) error {
			return tx.AppendEvents(ctx, event("h3", 0), event("h1", 1), event("h3", 2), event("h2", 3))
		})
		if diff := cmp.Diff([]string{"h1", "h2", "h3"}, stale(t, db)); diff != "" {
			t.Errorf("stale after one AppendEvents (-want +got):\n%s", diff)
		}
	})

	t.Run("MarksHundredsOfHandoffsInOneCommand", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		// More handoffs than one multi-row statement takes, half of them
		// by AppendEvent one at a time, half by one AppendEvents.
		want := ids("h", 700)
		mustUpdate(t, db, func(tx baton.Tx) error {
			var es []*baton.Event
			for i, id := range want {
				if i%2 == 0 {
					if err := tx.AppendEvent(ctx, event(id, i)); err != nil {
						return err
					}
					continue
				}
				es = append(es, event(id, i))
			}
			return tx.AppendEvents(ctx, es...)
		})
		if diff := cmp.Diff(want, stale(t, db)); diff != "" {
			t.Errorf("stale after one command's 700 handoffs (-want +got):\n%s", diff)
		}
	})

	t.Run("MarksTheCommandsThatCommitInASharedTransaction", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		// Many commands at once, so the store may run them in one
		// transaction; every third appends and then fails.
		all := ids("h", 48)
		boom := errors.New("boom")
		errs := concurrently(len(all), func(i int) error {
			return db.Update(ctx, func(tx baton.Tx) error {
				if err := tx.AppendEvent(ctx, event(all[i], i)); err != nil {
					return err
				}
				if i%3 == 1 {
					return boom
				}
				return tx.AppendEvent(ctx, event(all[i], i+1))
			})
		})
		var want []string
		for i, err := range errs {
			if i%3 == 1 {
				if !errors.Is(err, boom) {
					t.Errorf("command %d: got %v, want %v", i, err, boom)
				}
				continue
			}
			if err != nil {
				t.Errorf("command %d: got %v, want nil", i, err)
			}
			want = append(want, all[i])
		}
		if diff := cmp.Diff(want, stale(t, db)); diff != "" {
			t.Errorf("stale after the shared transactions (-want +got):\n%s", diff)
		}
	})

	t.Run("MarksAnEventAppendedAfterTheScoreInOneCommand", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		mustUpdate(t, db, func(tx baton.Tx) error {
			if err := tx.AppendEvent(ctx, event("h1", 0)); err != nil {
				return err
			}
			if err := asQuality(t, tx).PutQualityScore(ctx, qualityRow("h1", now)); err != nil {
				return err
			}
			return tx.AppendEvent(ctx, event("h1", 1))
		})
		if diff := cmp.Diff([]string{"h1"}, stale(t, db)); diff != "" {
			t.Errorf("stale after an event logged after the score (-want +got):\n%s", diff)
		}
	})

	t.Run("MarksAgainInALaterTransaction", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.AppendEvent(ctx, event("h1", 0)) })
		mustUpdate(t, db, func(tx baton.Tx) error { return asQuality(t, tx).PutQualityScore(ctx, qualityRow("h1", now)) })
		if got := stale(t, db); len(got) != 0 {
			t.Fatalf("stale after scoring: got %v, want none", got)
		}
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.AppendEvent(ctx, event("h1", 1)) })
		if diff := cmp.Diff([]string{"h1"}, stale(t, db)); diff != "" {
			t.Errorf("stale after a new event (-want +got):\n%s", diff)
		}
	})

	t.Run("RetentionMarksNothing", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		old := now.Add(-60 * 24 * time.Hour)
		mustUpdate(t, db, func(tx baton.Tx) error {
			if err := tx.AppendEvent(ctx, event("h1", 0)); err != nil {
				return err
			}
			if err := tx.InsertTimers(ctx, &baton.Timer{ID: "t1", HandoffID: "h1", Kind: baton.TimerLadder, Generation: 1, DueAt: old}); err != nil {
				return err
			}
			return tx.FinishTimer(ctx, "t1", baton.TimerFired, old)
		})
		mustUpdate(t, db, func(tx baton.Tx) error { return asQuality(t, tx).PutQualityScore(ctx, qualityRow("h1", now)) })
		mustUpdate(t, db, func(tx baton.Tx) error {
			cutoff := now.Add(-30 * 24 * time.Hour)
			n, _, err := tx.PurgeTimers(ctx, cutoff, "", 100)
			if err != nil {
				return err
			}
			if n != 1 {
				t.Errorf("timers purged: got %d, want 1", n)
			}
			if _, _, err := tx.PurgeMessages(ctx, cutoff, "", 100); err != nil {
				return err
			}
			_, err = tx.ClearSignalBodies(ctx, cutoff, 100)
			return err
		})
		if got := stale(t, db); len(got) != 0 {
			t.Errorf("stale after retention: got %v, want none", got)
		}
	})
}

// qualityRow is a stored score of handoff id.
func qualityRow(id string, at time.Time) quality.Row {
	return quality.Row{HandoffID: id, Type: "demo", CreatedAt: at, OwnerID: "u1", Score: 80, Band: "good", Rubric: "r1", ScoredAt: at}
}
