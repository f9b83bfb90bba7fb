package storetest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
	gocmp "github.com/google/go-cmp/cmp"
)

// rollupStore is what a store with metric rollups offers besides
// baton.Store: a rebuild from the log.
type rollupStore interface {
	RebuildRollups(ctx context.Context) error
}

// rollupReader is what a store transaction with metric rollups reads
// (service's rollupReader and figuresReader).
type rollupReader interface {
	reachReader
	Rollups(ctx context.Context, fromDay, toDay int64) ([]metrics.RollupRow, error)
	RollupGroups(ctx context.Context, dim string, fromDay, toDay int64, group func(key string) string) (map[string]*metrics.Acc, error)
}

// rollupFigures are everything the rollups of the days [fromDay, toDay)
// answer: the dashboard's day rows, each stored dimension's blocks by key,
// and people's reach by every dimension.
type rollupFigures struct {
	Daily  []metrics.RollupRow
	Groups map[string]map[string][]metrics.Cell
	Reach  map[string]map[string][]metrics.Cell
}

func readRollupFigures(t *testing.T, db baton.Store, people []string, fromDay, toDay int64) rollupFigures {
	t.Helper()
	ctx := context.Background()
	f := rollupFigures{Groups: map[string]map[string][]metrics.Cell{}, Reach: map[string]map[string][]metrics.Cell{}}
	mustView(t, db, func(tx baton.Tx) error {
		r, ok := tx.(rollupReader)
		if !ok {
			t.Fatalf("transaction %T reads no rollups", tx)
		}
		rows, err := r.Rollups(ctx, fromDay, toDay)
		if err != nil {
			return err
		}
		slices.SortFunc(rows, func(a, b metrics.RollupRow) int {
			return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Metric, b.Metric), cmp.Compare(a.Key, b.Key), cmp.Compare(a.Bucket, b.Bucket))
		})
		f.Daily = rows
		for _, dim := range metrics.StoredDims {
			groups, err := r.RollupGroups(ctx, dim, fromDay, toDay, nil)
			if err != nil {
				return err
			}
			f.Groups[dim] = map[string][]metrics.Cell{}
			for k, a := range groups {
				if cs := a.Cells(); len(cs) > 0 {
					f.Groups[dim][k] = cs
				}
			}
		}
		return nil
	})
	for _, by := range metrics.Dims {
		f.Reach[by] = reachSources(t, db, people, fromDay, toDay, by)
	}
	return f
}

// testRollupBatch has commands on one handoff run at once, so they share
// transactions, with the middle one of each handoff's three failing: the
// rollups kept must count the commands that committed, each once, and
// nothing of the failed ones: they equal the rollups rebuilt from the log.
func testRollupBatch(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	rb, ok := db.(rollupStore)
	if !ok {
		t.Skipf("store %T keeps no rollups", db)
	}
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	owners := []string{"ann", "bob", "cat"}
	const n = 12
	for i := range n {
		id := fmt.Sprintf("h%02d", i)
		at := t0.AddDate(0, 0, i%2).Add(time.Duration(i) * time.Minute)
		created := &baton.Event{HandoffID: id, Kind: baton.EventCreated, At: at, ToState: baton.StateAssigned}
		if err := created.SetData(baton.CreatedData{HandoffType: "mql", Source: "website"}); err != nil {
			t.Fatal(err)
		}
		mustUpdate(t, db, func(tx baton.Tx) error {
			if err := tx.InsertHandoff(ctx, &baton.Handoff{ID: id, Type: "mql", State: baton.StateAssigned, SignalID: "s" + id,
				SenderID: "sam", CreatedAt: at, UpdatedAt: at}); err != nil {
				return err
			}
			if err := tx.AppendEvent(ctx, created); err != nil {
				return err
			}
			return tx.AppendEvent(ctx, &baton.Event{HandoffID: id, Kind: baton.EventAssigned, At: at, OwnerID: owners[i%3], ToState: baton.StateAssigned})
		})
	}
	// Three commands a handoff, all at once: the first accepts it, the
	// second touches it and fails, the third reassigns it.
	errs := concurrently(3*n, func(i int) error {
		h, k := i/3, i%3
		id := fmt.Sprintf("h%02d", h)
		at := t0.AddDate(0, 0, h%2).Add(time.Duration(h)*time.Minute + time.Duration(k+1)*time.Minute)
		return db.Update(ctx, func(tx baton.Tx) error {
			if _, err := tx.Handoff(ctx, id); err != nil {
				return err
			}
			switch k {
			case 0:
				return tx.AppendEvent(ctx, &baton.Event{HandoffID: id, Kind: baton.EventAccepted, At: at, OwnerID: owners[h%3], ToState: baton.StateAccepted})
			case 1:
				if err := tx.AppendEvent(ctx, &baton.Event{HandoffID: id, Kind: baton.EventTouched, At: at, OwnerID: owners[h%3], ToState: baton.StateActioned}); err != nil {
					return err
				}
				return errBoom
			default:
				return tx.AppendEvent(ctx, &baton.Event{HandoffID: id, Kind: baton.EventReassigned, At: at, OwnerID: owners[(h+1)%3], ToState: baton.StateAssigned})
			}
		})
	})
	for i, err := range errs {
		if i%3 == 1 {
			if !errors.Is(err, errBoom) {
				t.Errorf("command %d: got error %v, want %v", i, err, errBoom)
			}
		} else if err != nil {
			t.Errorf("command %d: got error %v, want nil", i, err)
		}
	}
	fromDay, toDay := metrics.UTCDay(t0), metrics.UTCDay(t0)+2
	people := append([]string{"sam"}, owners...)
	kept := readRollupFigures(t, db, people, fromDay, toDay)
	var touched int64
	for _, r := range kept.Daily {
		if r.Metric == metrics.RollupFirstTouch {
			touched += r.N
		}
	}
	if touched != 0 {
		t.Errorf("got %d first touches in the day rows, want 0 (every touch failed)", touched)
	}
	if err := rb.RebuildRollups(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := gocmp.Diff(readRollupFigures(t, db, people, fromDay, toDay), kept); diff != "" {
		t.Errorf("kept rollups differ from the rebuilt ones (-rebuilt +kept):\n%s", diff)
	}
}
