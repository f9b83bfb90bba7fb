package sqlite

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
	"github.com/batonhq/baton/metrics/metricstest"
)

// rollupTables reads every rollup table as text rows (the blocks summed
// by key, as readers sum them, so appended and compacted blocks compare
// equal).
func rollupTables(t *testing.T, db *DB) map[string][]string {
	t.Helper()
	ctx := context.Background()
	out := map[string][]string{}
	err := db.View(ctx, func(btx baton.Tx) error {
		tx := btx.(*Tx)
		for name, q := range map[string]string{
			"handoffs": `SELECT handoff_id || ' ' || state FROM rollup_handoffs`,
			"people":   `SELECT person_id || ' ' || day || ' ' || handoff_id || ' ' || hex(row) FROM rollup_people`,
			"daily":    `SELECT day || ' ' || metric || ' ' || key || ' ' || bucket || ' ' || n FROM rollup_daily WHERE n <> 0`,
		} {
			rows, err := tx.query(ctx, q)
			if err != nil {
				return err
			}
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					rows.Close()
					return err
				}
				out[name] = append(out[name], s)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			slices.Sort(out[name])
		}
		for _, dim := range metrics.StoredDims {
			groups, err := tx.RollupGroups(ctx, dim, -100_000, 100_000, nil)
			if err != nil {
				return err
			}
			for k, a := range groups {
				if cs := a.Cells(); len(cs) > 0 {
					out["blocks"] = append(out["blocks"], fmt.Sprintf("%s %s %v", dim, k, cs))
				}
			}
		}
		slices.Sort(out["blocks"])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// commitBatch runs fns as one batch, as the writer does, and returns
// their errors.
func commitBatch(db *DB, fns ...func(baton.Tx) error) []error {
	batch := make([]*writeReq, len(fns))
	for i, fn := range fns {
		batch[i] = &writeReq{ctx: context.Background(), fn: fn, done: make(chan error, 1)}
	}
	db.commit(batch)
	errs := make([]error, len(batch))
	for i, r := range batch {
		errs[i] = <-r.done
	}
	return errs
}

// TestBatchKeepsRollupsOfTheCommandsThatCommitted runs commands on the
// same handoffs in one transaction, some failing, one rebuilding the
// rollups between others: the rollups written at the commit count each
// command that committed once, on top of the earlier commands of the
// batch, and nothing of the failed ones, as a rebuild from the log does.
func TestBatchKeepsRollupsOfTheCommandsThatCommitted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "baton.db")
	CopyMigrated(t, path)
	db, err := Open(ctx, path, Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	boom := errors.New("boom")
	create := func(id, owner string, at time.Time) func(baton.Tx) error {
		return func(tx baton.Tx) error {
			created := &baton.Event{HandoffID: id, Kind: baton.EventCreated, At: at, ToState: baton.StateAssigned}
			if err := created.SetData(baton.CreatedData{HandoffType: "mql", Source: "website"}); err != nil {
				return err
			}
			if err := tx.InsertHandoff(ctx, &baton.Handoff{ID: id, Type: "mql", State: baton.StateAssigned, SignalID: "s" + id,
				SenderID: "sam", CreatedAt: at, UpdatedAt: at}); err != nil {
				return err
			}
			if err := tx.AppendEvent(ctx, created); err != nil {
				return err
			}
			return tx.AppendEvent(ctx, &baton.Event{HandoffID: id, Kind: baton.EventAssigned, At: at, OwnerID: owner, ToState: baton.StateAssigned})
		}
	}
	event := func(e *baton.Event, err error) func(baton.Tx) error {
		return func(tx baton.Tx) error {
			if err := tx.AppendEvent(ctx, e); err != nil {
				return err
			}
			return err
		}
	}
	rebuild := func(tx baton.Tx) error { return rebuildIn(ctx, tx.(*Tx)) }
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	for i, tc := range []struct {
		fns  []func(baton.Tx) error
		want []error
	}{
		{[]func(baton.Tx) error{create("h1", "ann", at(0))}, []error{nil}},
		{[]func(baton.Tx) error{
			event(&baton.Event{HandoffID: "h1", Kind: baton.EventAccepted, At: at(1), OwnerID: "ann", ToState: baton.StateAccepted}, nil),
			event(&baton.Event{HandoffID: "h1", Kind: baton.EventTouched, At: at(2), OwnerID: "ann", ToState: baton.StateActioned}, boom),
			create("h2", "bob", at(2).AddDate(0, 0, 1)),
			event(&baton.Event{HandoffID: "h1", Kind: baton.EventReassigned, At: at(3), OwnerID: "bob", ToState: baton.StateAssigned}, nil),
			event(&baton.Event{HandoffID: "h2", Kind: baton.EventAccepted, At: at(4).AddDate(0, 0, 1), OwnerID: "bob", ToState: baton.StateAccepted}, nil),
		}, []error{nil, boom, nil, nil, nil}},
		{[]func(baton.Tx) error{
			event(&baton.Event{HandoffID: "h2", Kind: baton.EventReassigned, At: at(5).AddDate(0, 0, 1), OwnerID: "cat", ToState: baton.StateAssigned}, nil),
			rebuild,
			event(&baton.Event{HandoffID: "h2", Kind: baton.EventAccepted, At: at(6).AddDate(0, 0, 1), OwnerID: "cat", ToState: baton.StateAccepted}, nil),
			func(tx baton.Tx) error {
				if err := rebuild(tx); err != nil {
					return err
				}
				return boom
			},
			event(&baton.Event{HandoffID: "h1", Kind: baton.EventTouched, At: at(7), OwnerID: "bob", ToState: baton.StateActioned}, nil),
		}, []error{nil, nil, nil, boom, nil}},
	} {
		errs := commitBatch(db, tc.fns...)
		if diff := cmp.Diff(tc.want, errs, cmp.Comparer(func(a, b error) bool { return errors.Is(a, b) || errors.Is(b, a) })); diff != "" {
			t.Fatalf("batch %d: errors (-want +got):\n%s", i, diff)
		}
	}
	kept := rollupTables(t, db)
	if len(kept["handoffs"]) != 2 {
		t.Errorf("got %d handoff states, want 2", len(kept["handoffs"]))
	}
	if errs := commitBatch(db, rebuild); errs[0] != nil {
		t.Fatal(errs[0])
	}
	if diff := cmp.Diff(rollupTables(t, db), kept); diff != "" {
		t.Errorf("kept rollups differ from the rebuilt ones (-rebuilt +kept):\n%s", diff)
	}
}

// TestChangesCompose checks what writing a transaction's rollups once
// relies on: a handoff's block changes from a to b and then from b to c
// sum to its changes from a to c, facts changing between the steps.
func TestChangesCompose(t *testing.T) {
	t.Parallel()
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 7))
		events, facts := metricstest.RandomLog(rng, 5+rng.IntN(30))
		states := map[string][]metrics.RollupHandoff{}
		cur := map[string]*metrics.RollupHandoff{}
		for _, e := range events {
			h := cur[e.HandoffID]
			if h == nil {
				h = &metrics.RollupHandoff{}
				cur[e.HandoffID] = h
				states[e.HandoffID] = []metrics.RollupHandoff{{}}
			}
			if _, err := h.Apply(e); err != nil {
				t.Fatal(err)
			}
			f := facts[e.HandoffID]
			if rng.IntN(3) == 0 {
				f.Sender = []string{"s1", "s2", ""}[rng.IntN(3)]
				f.Value = int64(rng.IntN(4)) * 500
			}
			h.SetFacts(f)
			states[e.HandoffID] = append(states[e.HandoffID], *h)
		}
		for id, ss := range states {
			steps := map[metrics.Block][]metrics.Cell{}
			for i := 1; i < len(ss); i++ {
				for _, d := range metrics.Changes(&ss[i-1], &ss[i]) {
					steps[d.Block] = metrics.AddCells(steps[d.Block], d.Cells)
				}
			}
			whole := map[metrics.Block][]metrics.Cell{}
			for _, d := range metrics.Changes(&ss[0], &ss[len(ss)-1]) {
				whole[d.Block] = metrics.AddCells(whole[d.Block], d.Cells)
			}
			nonzero := func(m map[metrics.Block][]metrics.Cell) map[metrics.Block][]metrics.Cell {
				out := map[metrics.Block][]metrics.Cell{}
				for b, cs := range m {
					cs = slices.DeleteFunc(metrics.SumCells(slices.Clone(cs)), func(c metrics.Cell) bool { return c.N == 0 })
					if len(cs) > 0 {
						out[b] = cs
					}
				}
				return out
			}
			if diff := cmp.Diff(nonzero(whole), nonzero(steps)); diff != "" {
				t.Errorf("seed %d, handoff %s: step changes differ from the whole change (-whole +steps):\n%s", seed, id, diff)
			}
		}
	}
}
