package sqlite_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
	"github.com/batonhq/baton/sqlite"
)

// rollupRows reads every rollup row, in a stable order.
func rollupRows(t *testing.T, db *sqlite.DB) []metrics.RollupRow {
	t.Helper()
	var out []metrics.RollupRow
	err := db.View(context.Background(), func(tx baton.Tx) error {
		var err error
		out, err = tx.(*sqlite.Tx).Rollups(context.Background(), 0, 1<<40)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(out, func(a, b metrics.RollupRow) int {
		return strings.Compare(a.Metric+"\x00"+a.Key, b.Metric+"\x00"+b.Key)
	})
	return out
}

func TestRollups(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := openMigrated(t, t.TempDir()+"/rollup.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	created := &baton.Event{HandoffID: "h1", Kind: baton.EventCreated, At: at(0)}
	score := 70
	if err := created.SetData(baton.CreatedData{HandoffType: "hot_lead", Tier: "hot", Completeness: &score}); err != nil {
		t.Fatal(err)
	}
	// Each event in its own transaction, as commands write them.
	for _, e := range []*baton.Event{
		created,
		{HandoffID: "h1", Kind: baton.EventAssigned, At: at(0), OwnerID: "ann"},
		{HandoffID: "h1", Kind: baton.EventBreached, At: at(5), OwnerID: "ann"},
		{HandoffID: "h1", Kind: baton.EventAccepted, At: at(20), OwnerID: "ann"},
		{HandoffID: "h1", Kind: baton.EventReassigned, At: at(30), OwnerID: "bob"},
		{HandoffID: "h1", Kind: baton.EventTouched, At: at(90), OwnerID: "bob"},
	} {
		if err := db.Update(ctx, func(tx baton.Tx) error { return tx.AppendEvent(ctx, e) }); err != nil {
			t.Fatal(err)
		}
	}
	day := metrics.UTCDay(t0)
	want := []metrics.RollupRow{
		{Day: day, Metric: metrics.RollupAccept, Bucket: 1_200_000, N: 1},
		{Day: day, Metric: metrics.RollupComplete, Key: "3", N: 1},
		{Day: day, Metric: metrics.RollupFirstTouch, Bucket: 5_400_000, N: 1},
		{Day: day, Metric: metrics.RollupOwner, Key: "bob", N: 1},
		{Day: day, Metric: metrics.RollupTier, Key: "hot", N: 1},
		{Day: day, Metric: metrics.RollupTierBreached, Key: "hot", N: 1},
		{Day: day, Metric: metrics.RollupType, Key: "hot_lead", N: 1},
		{Day: day, Metric: metrics.RollupTypeBreached, Key: "hot_lead", N: 1},
	}
	t.Run("UpdatedWithEachEvent", func(t *testing.T) {
		if diff := cmp.Diff(want, rollupRows(t, db)); diff != "" {
			t.Errorf("rollups (-want +got):\n%s", diff)
		}
	})
	t.Run("RebuildGivesTheSameRows", func(t *testing.T) {
		if err := db.RebuildRollups(ctx); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, rollupRows(t, db)); diff != "" {
			t.Errorf("rollups after rebuild (-want +got):\n%s", diff)
		}
	})
}
