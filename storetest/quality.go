package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/quality"
	"github.com/google/go-cmp/cmp"
)

// qualityTx is what package service asks of a store transaction that keeps
// quality scores (service.qualityTx): both stores keep them.
type qualityTx interface {
	StaleQuality(ctx context.Context, limit int) ([]string, error)
	MarkQualityStale(ctx context.Context, ids ...string) error
	ClearQualityStale(ctx context.Context, id string) error
	PutQualityScore(ctx context.Context, r quality.Row) error
	QualityScores(ctx context.Context, from, to time.Time, fn func(quality.Row) error) error
}

func asQuality(t *testing.T, tx baton.Tx) qualityTx {
	t.Helper()
	q, ok := tx.(qualityTx)
	if !ok {
		t.Fatalf("transaction %T keeps no quality scores, want StaleQuality, MarkQualityStale, ClearQualityStale, PutQualityScore and QualityScores", tx)
	}
	return q
}

func testQuality(t *testing.T, open Opener) {
	ctx := context.Background()
	now := msec(t0)

	appendEvents := func(t *testing.T, db baton.Store, ids ...string) {
		t.Helper()
		mustUpdate(t, db, func(tx baton.Tx) error {
			for i, id := range ids {
				if err := tx.AppendEvent(ctx, &baton.Event{HandoffID: id, Kind: baton.EventCreated, At: now.Add(time.Duration(i) * time.Second), Actor: "signal"}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	stale := func(t *testing.T, db baton.Store, limit int) []string {
		t.Helper()
		var got []string
		mustView(t, db, func(tx baton.Tx) (err error) {
			got, err = asQuality(t, tx).StaleQuality(ctx, limit)
			return err
		})
		return got
	}
	scores := func(t *testing.T, db baton.Store, from, to time.Time) []quality.Row {
		t.Helper()
		got := []quality.Row{}
		mustView(t, db, func(tx baton.Tx) error {
			return asQuality(t, tx).QualityScores(ctx, from, to, func(r quality.Row) error {
				got = append(got, r)
				return nil
			})
		})
		return got
	}
	row := func(id string, created time.Time, score int) quality.Row {
		return quality.Row{HandoffID: id, Type: "demo", CreatedAt: created, OwnerID: "u1", BackupID: "u2", SenderID: "u3", FromTeam: "sdr",
			Score: score, Band: "good", Remediation: true, Lost: []string{"context", "meeting"}, Pending: 2, Rubric: "r1", ScoredAt: now.Add(time.Hour)}
	}
	put := func(t *testing.T, db baton.Store, rs ...quality.Row) {
		t.Helper()
		mustUpdate(t, db, func(tx baton.Tx) error {
			for _, r := range rs {
				if err := asQuality(t, tx).PutQualityScore(ctx, r); err != nil {
					return err
				}
			}
			return nil
		})
	}

	t.Run("MarksAHandoffStaleOnEveryEvent", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		if got := stale(t, db, 10); len(got) != 0 {
			t.Errorf("stale before any event: got %v, want none", got)
		}
		appendEvents(t, db, "h2", "h1", "h2")
		if diff := cmp.Diff([]string{"h1", "h2"}, stale(t, db, 10)); diff != "" {
			t.Errorf("stale after events (-want +got):\n%s", diff)
		}
		if got := stale(t, db, 1); len(got) != 1 {
			t.Errorf("stale with limit 1: got %v, want one", got)
		}
	})

	t.Run("MarksNothingWhenTheEventsTransactionFails", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		boom := errors.New("boom")
		err := db.Update(ctx, func(tx baton.Tx) error {
			if err := tx.AppendEvent(ctx, &baton.Event{HandoffID: "h1", Kind: baton.EventCreated, At: now, Actor: "signal"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("update: got %v, want %v", err, boom)
		}
		if got := stale(t, db, 10); len(got) != 0 {
			t.Errorf("stale after a failed transaction: got %v, want none", got)
		}
	})

	t.Run("PutScoreClearsTheMarkAndRoundTrips", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		appendEvents(t, db, "h1", "h2")
		r := row("h1", now, 80)
		put(t, db, r)
		if diff := cmp.Diff([]string{"h2"}, stale(t, db, 10)); diff != "" {
			t.Errorf("stale after scoring h1 (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]quality.Row{r}, scores(t, db, now, now.Add(time.Millisecond))); diff != "" {
			t.Errorf("scores (-want +got):\n%s", diff)
		}
	})

	t.Run("PutScoreReplacesTheRow", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		put(t, db, row("h1", now, 80))
		r := row("h1", now, 55)
		r.Band, r.Remediation, r.Lost, r.Pending, r.Rubric = "poor", false, nil, 0, "r2"
		put(t, db, r)
		if diff := cmp.Diff([]quality.Row{r}, scores(t, db, now.Add(-time.Hour), now.Add(time.Hour))); diff != "" {
			t.Errorf("scores after a second put (-want +got):\n%s", diff)
		}
	})

	t.Run("MarksAScoredHandoffStaleAgainOnANewEvent", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		appendEvents(t, db, "h1")
		put(t, db, row("h1", now, 80))
		if got := stale(t, db, 10); len(got) != 0 {
			t.Fatalf("stale after scoring: got %v, want none", got)
		}
		appendEvents(t, db, "h1")
		if diff := cmp.Diff([]string{"h1"}, stale(t, db, 10)); diff != "" {
			t.Errorf("stale after a new event (-want +got):\n%s", diff)
		}
	})

	t.Run("MarksAndClearsByHand", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		mustUpdate(t, db, func(tx baton.Tx) error {
			q := asQuality(t, tx)
			if err := q.MarkQualityStale(ctx, "h3", "h1"); err != nil {
				return err
			}
			return q.MarkQualityStale(ctx, "h1") // marked twice is marked
		})
		if diff := cmp.Diff([]string{"h1", "h3"}, stale(t, db, 10)); diff != "" {
			t.Errorf("stale after marking (-want +got):\n%s", diff)
		}
		mustUpdate(t, db, func(tx baton.Tx) error {
			q := asQuality(t, tx)
			if err := q.ClearQualityStale(ctx, "h1"); err != nil {
				return err
			}
			return q.ClearQualityStale(ctx, "h9") // clearing no mark is fine
		})
		if diff := cmp.Diff([]string{"h3"}, stale(t, db, 10)); diff != "" {
			t.Errorf("stale after clearing h1 (-want +got):\n%s", diff)
		}
	})

	t.Run("ListsScoresCreatedInTheWindowOldestFirst", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		put(t, db, row("h-late", now.Add(2*time.Hour), 70), row("h-before", now.Add(-time.Millisecond), 10),
			row("h-b", now, 90), row("h-a", now, 60), row("h-end", now.Add(3*time.Hour), 50))
		var got []string
		for _, r := range scores(t, db, now, now.Add(3*time.Hour)) {
			got = append(got, r.HandoffID)
		}
		if diff := cmp.Diff([]string{"h-a", "h-b", "h-late"}, got); diff != "" {
			t.Errorf("scores of [now, now+3h) (-want +got):\n%s", diff)
		}
	})

	t.Run("StopsAtTheCallbacksError", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		put(t, db, row("h1", now, 80), row("h2", now.Add(time.Second), 80))
		boom := errors.New("boom")
		n := 0
		err := db.View(ctx, func(tx baton.Tx) error {
			return asQuality(t, tx).QualityScores(ctx, now, now.Add(time.Hour), func(quality.Row) error {
				n++
				return boom
			})
		})
		if !errors.Is(err, boom) || n != 1 {
			t.Errorf("scores with a failing callback: got %v after %d rows, want %v after 1", err, n, boom)
		}
	})
}
