package postgres_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
	"github.com/batonhq/baton/postgres"
	"github.com/batonhq/baton/postgres/pgtest"
)

// figures are everything the rollups answer: the dashboard's day rows,
// each stored dimension's blocks by key, and the reach of every person by
// every dimension.
type figures struct {
	Daily  []metrics.RollupRow
	Groups map[string]map[string][]metrics.Cell
	Reach  map[string]map[string][]metrics.Cell
}

// readFigures reads the figures of the days [fromDay, toDay) as the
// service does.
func readFigures(t *testing.T, db *postgres.DB, people []string, fromDay, toDay int64) figures {
	t.Helper()
	ctx := context.Background()
	f := figures{Groups: map[string]map[string][]metrics.Cell{}, Reach: map[string]map[string][]metrics.Cell{}}
	err := db.View(ctx, func(t baton.Tx) error {
		tx := t.(*postgres.Tx)
		rows, err := tx.Rollups(ctx, fromDay, toDay)
		if err != nil {
			return err
		}
		slices.SortFunc(rows, func(a, b metrics.RollupRow) int {
			return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Metric, b.Metric), cmp.Compare(a.Key, b.Key), cmp.Compare(a.Bucket, b.Bucket))
		})
		f.Daily = rows
		for _, dim := range metrics.StoredDims {
			groups, err := tx.RollupGroups(ctx, dim, fromDay, toDay, nil)
			if err != nil {
				return err
			}
			f.Groups[dim] = cells(groups)
		}
		in := map[string]bool{}
		for _, p := range people {
			in[p] = true
		}
		for _, by := range metrics.Dims {
			rep := metrics.NewReachReport(by, in, func(string) string { return metrics.NoneKey })
			if err := tx.RollupReach(ctx, people, fromDay, toDay, rep.Add); err != nil {
				return err
			}
			f.Reach[by] = cells(rep.Groups())
		}
		return nil
	})
	if err != nil {
		t.Fatalf("read figures: %v", err)
	}
	return f
}

func cells(groups map[string]*metrics.Acc) map[string][]metrics.Cell {
	out := map[string][]metrics.Cell{}
	for k, a := range groups {
		if cs := a.Cells(); len(cs) > 0 {
			out[k] = cs
		}
	}
	return out
}

// TestConcurrentNodesKeepRollupsWithoutDeadlocks has two nodes, four
// writers each, create handoffs and move them on at once, every command
// touching rollup rows other commands touch too (the same owners, senders,
// types and days): their transactions must take those rows' locks in one
// order, so PostgreSQL aborts none for a deadlock, and the rollups kept
// must equal those rebuilt from the log.
func TestConcurrentNodesKeepRollupsWithoutDeadlocks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.Schema(t)
	var nodes []*postgres.DB
	for range 2 {
		db, err := postgres.Open(ctx, url, postgres.Options{Writers: 4, ReadConns: 2})
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		nodes = append(nodes, db)
	}
	owners := []string{"ann", "bob", "cat"}
	senders := []string{"sam", "sue", "ann"}
	types := []string{"mql", "demo"}
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	const clients, perClient = 24, 16
	var wg sync.WaitGroup
	errs := make(chan error, 2*clients*perClient)
	start := make(chan struct{})
	for n, db := range nodes {
		for c := range clients {
			wg.Go(func() {
				<-start
				for i := range perClient {
					k := (n*clients+c)*perClient + i
					id := fmt.Sprintf("h%04d", k)
					at := t0.AddDate(0, 0, k%3).Add(time.Duration(k) * time.Second)
					owner, sender, typ := owners[(k+c)%3], senders[(k/3+n)%3], types[(k/2)%2]
					created := &baton.Event{HandoffID: id, Kind: baton.EventCreated, At: at, ToState: baton.StateAssigned}
					if err := created.SetData(baton.CreatedData{HandoffType: typ, Source: "website"}); err != nil {
						errs <- err
						return
					}
					err := db.Update(ctx, func(tx baton.Tx) error {
						if err := tx.InsertHandoff(ctx, &baton.Handoff{ID: id, Type: typ, State: baton.StateAssigned, SignalID: "s" + id,
							SenderID: sender, CreatedAt: at, UpdatedAt: at}); err != nil {
							return err
						}
						if err := tx.AppendEvent(ctx, created); err != nil {
							return err
						}
						return tx.AppendEvent(ctx, &baton.Event{HandoffID: id, Kind: baton.EventAssigned, At: at, OwnerID: owner, ToState: baton.StateAssigned})
					})
					if err != nil {
						errs <- fmt.Errorf("create %s: %w", id, err)
						return
					}
					// Every other handoff moves on: accepted by its owner,
					// or reassigned to the next one.
					var next *baton.Event
					switch k % 4 {
					case 1:
						next = &baton.Event{HandoffID: id, Kind: baton.EventAccepted, At: at.Add(time.Minute), OwnerID: owner, ToState: baton.StateAccepted}
					case 3:
						next = &baton.Event{HandoffID: id, Kind: baton.EventReassigned, At: at.Add(time.Minute), OwnerID: owners[(k+c+1)%3], ToState: baton.StateAssigned}
					default:
						continue
					}
					if err := db.Update(ctx, func(tx baton.Tx) error { return tx.AppendEvent(ctx, next) }); err != nil {
						errs <- fmt.Errorf("move %s: %w", id, err)
						return
					}
				}
			})
		}
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for i, db := range nodes {
		if n := db.Retries(); n != 0 {
			t.Errorf("node %d: got %d batches run again after a deadlock or serialization failure, want 0", i+1, n)
		}
	}
	fromDay, toDay := metrics.UTCDay(t0), metrics.UTCDay(t0)+3
	people := []string{"ann", "bob", "cat", "sam", "sue"}
	kept := readFigures(t, nodes[0], people, fromDay, toDay)
	if got := kept.Groups[metrics.DimType]["mql"]; len(got) == 0 || got[0] != (metrics.Cell{Metric: metrics.MHandoffs, N: clients * perClient}) {
		t.Errorf("got mql cells starting %v, want %d handoffs", got[:min(len(got), 1)], clients*perClient)
	}
	if err := nodes[1].RebuildRollups(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := gocmp.Diff(readFigures(t, nodes[0], people, fromDay, toDay), kept); diff != "" {
		t.Errorf("kept rollups differ from the rebuilt ones (-rebuilt +kept):\n%s", diff)
	}
}
