package sqlite_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
	"github.com/batonhq/baton/metrics/metricstest"
	"github.com/batonhq/baton/sqlite"
)

// allGroups reads the figure blocks of every stored dimension over the
// days [fromDay, toDay), as the service does.
func allGroups(t *testing.T, db *sqlite.DB, fromDay, toDay int64) map[string]map[string][]metrics.Cell {
	t.Helper()
	out := map[string]map[string][]metrics.Cell{}
	err := db.View(context.Background(), func(tx baton.Tx) error {
		for _, dim := range metrics.StoredDims {
			groups, err := tx.(*sqlite.Tx).RollupGroups(context.Background(), dim, fromDay, toDay, nil)
			if err != nil {
				return err
			}
			out[dim] = map[string][]metrics.Cell{}
			for k, a := range groups {
				if cs := a.Cells(); len(cs) > 0 {
					out[dim][k] = cs
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// reachGroups reads the figures of the handoffs people own or sent over
// the days [fromDay, toDay), split by by, as the service does.
func reachGroups(t *testing.T, db *sqlite.DB, people []string, fromDay, toDay int64, by string) map[string][]metrics.Cell {
	t.Helper()
	in := map[string]bool{}
	for _, p := range people {
		in[p] = true
	}
	rep := metrics.NewReachReport(by, in, testTeam)
	err := db.View(context.Background(), func(tx baton.Tx) error {
		return tx.(*sqlite.Tx).RollupReach(context.Background(), people, fromDay, toDay, rep.Add)
	})
	if err != nil {
		t.Fatal(err)
	}
	return groupCells(rep.Groups())
}

// testTeam is the team of the random logs' owners.
func testTeam(owner string) string {
	switch owner {
	case "u1", "u2":
		return "east"
	case "u3":
		return "west"
	}
	return metrics.NoneKey
}

func groupCells(groups map[string]*metrics.Acc) map[string][]metrics.Cell {
	out := map[string][]metrics.Cell{}
	for k, a := range groups {
		if cs := a.Cells(); len(cs) > 0 {
			out[k] = cs
		}
	}
	return out
}

// TestFigureRollupsEqualTheFold appends random logs in random commands,
// with each handoff's sender, meeting and context (its deal value)
// changing between commands, and checks that the blocks read for random
// windows equal the fold of the log over the handoffs' final facts, both
// as kept event by event and after RebuildRollups; and that a random
// reach's figures, split every way, equal the fold of the handoffs its
// people own or sent, each counted once (kept, rebuilt from the log, and
// filled from the stored states as migration 00018 does).
func TestFigureRollupsEqualTheFold(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for seed := range uint64(12) {
		// A subtest's name is part of its temporary directory: no "#",
		// which would end the file name in the store's URI.
		t.Run(fmt.Sprintf("Seed%d", seed), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(seed, 5))
			db, err := openMigrated(t, t.TempDir()+"/fold.db")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			events, facts := metricstest.RandomLog(rng, 5+rng.IntN(40))
			handoff := func(id string, f metrics.RollupFacts) *baton.Handoff {
				h := &baton.Handoff{ID: id, Type: "hot_lead", State: baton.StateAssigned, SignalID: "s" + id, SenderID: f.Sender,
					CreatedAt: metricstest.T0, UpdatedAt: metricstest.T0, Context: map[string]any{}}
				if f.Meeting {
					h.MeetingID = "m" + id
				}
				if f.Value > 0 {
					h.Context["deal_value"] = float64(f.Value)
				}
				return h
			}
			inserted := map[string]bool{}
			for i := 0; i < len(events); {
				cmd := events[i:min(i+1+rng.IntN(4), len(events))]
				i += len(cmd)
				err := db.Update(ctx, func(tx baton.Tx) error {
					for _, e := range cmd {
						e := *e
						if !inserted[e.HandoffID] {
							inserted[e.HandoffID] = true
							if err := tx.InsertHandoff(ctx, handoff(e.HandoffID, facts[e.HandoffID])); err != nil {
								return err
							}
						}
						if err := tx.AppendEvent(ctx, &e); err != nil {
							return err
						}
						// The context (deal value) changes now and then, in
						// the command of one of the handoff's events.
						if rng.IntN(4) == 0 {
							f := facts[e.HandoffID]
							f.Value = int64(rng.IntN(5)) * 1000
							facts[e.HandoffID] = f
							if err := tx.UpdateHandoff(ctx, handoff(e.HandoffID, f)); err != nil {
								return err
							}
						}
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			// The fold of the log with the final facts.
			states := map[string]*metrics.RollupHandoff{}
			for _, e := range events {
				h := states[e.HandoffID]
				if h == nil {
					h = &metrics.RollupHandoff{}
					states[e.HandoffID] = h
				}
				if _, err := h.Apply(e); err != nil {
					t.Fatal(err)
				}
			}
			first := metrics.UTCDay(metricstest.T0)
			for range 4 {
				fromDay := first - 5 + int64(rng.IntN(100))
				toDay := fromDay + int64(rng.IntN(150))
				want := map[string]map[string][]metrics.Cell{}
				for _, dim := range metrics.StoredDims {
					want[dim] = map[string][]metrics.Cell{}
					for id, h := range states {
						h.SetFacts(facts[id])
						if !h.Created || h.Day < fromDay || h.Day >= toDay {
							continue
						}
						want[dim][h.Key(dim)] = metrics.AddCells(want[dim][h.Key(dim)], h.CellsOf(dim))
					}
					for k, cs := range want[dim] {
						if len(cs) == 0 {
							delete(want[dim], k)
						}
					}
				}
				var people []string
				for _, p := range []string{"u1", "u2", "u3", "u4", "s1", "s2"} {
					if rng.IntN(2) == 0 {
						people = append(people, p)
					}
				}
				wantReach := map[string]map[string][]metrics.Cell{}
				for _, by := range metrics.Dims {
					var key func(*metrics.RollupHandoff) string
					if by == metrics.DimTeam {
						key = func(h *metrics.RollupHandoff) string { return testTeam(h.Owner) }
					}
					fold := metrics.NewStatesReport(by, key)
					for _, h := range states {
						if h.Day >= fromDay && h.Day < toDay && (slices.Contains(people, h.Owner) || slices.Contains(people, h.Sender)) {
							fold.Add(h)
						}
					}
					wantReach[by] = groupCells(fold.Groups())
				}
				reach := func() map[string]map[string][]metrics.Cell {
					out := map[string]map[string][]metrics.Cell{}
					for _, by := range metrics.Dims {
						out[by] = reachGroups(t, db, people, fromDay, toDay, by)
					}
					return out
				}
				if diff := cmp.Diff(want, allGroups(t, db, fromDay, toDay)); diff != "" {
					t.Fatalf("days [%d, %d): kept rollups differ from the fold (-fold +kept):\n%s", fromDay, toDay, diff)
				}
				if diff := cmp.Diff(wantReach, reach()); diff != "" {
					t.Fatalf("days [%d, %d), reach %v: kept figures differ from the fold (-fold +kept):\n%s", fromDay, toDay, people, diff)
				}
				if err := db.RebuildRollups(ctx); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, allGroups(t, db, fromDay, toDay)); diff != "" {
					t.Fatalf("days [%d, %d): rebuilt rollups differ from the fold (-fold +rebuilt):\n%s", fromDay, toDay, diff)
				}
				if diff := cmp.Diff(wantReach, reach()); diff != "" {
					t.Fatalf("days [%d, %d), reach %v: rebuilt figures differ from the fold (-fold +rebuilt):\n%s", fromDay, toDay, people, diff)
				}
				if err := sqlite.FillRollupPeople(ctx, db); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(wantReach, reach()); diff != "" {
					t.Fatalf("days [%d, %d), reach %v: figures filled from the states differ from the fold (-fold +filled):\n%s", fromDay, toDay, people, diff)
				}
			}
		})
	}
}

// TestBlocksCompactedKeepTheirSums gives one day's block hundreds of
// appended deltas, so it is compacted again and again: its sums stay those
// a rebuild computes, and it never holds 32 deltas or more.
func TestBlocksCompactedKeepTheirSums(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := openMigrated(t, t.TempDir()+"/compact.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i := range 40 {
		id := fmt.Sprintf("c%d", i)
		created := &baton.Event{HandoffID: id, Kind: baton.EventCreated, At: t0.Add(time.Duration(i) * time.Second), ToState: baton.StateAssigned}
		if err := created.SetData(baton.CreatedData{HandoffType: "mql", Source: "website"}); err != nil {
			t.Fatal(err)
		}
		for j, e := range []*baton.Event{created,
			{HandoffID: id, Kind: baton.EventAssigned, At: created.At, OwnerID: "ann", ToState: baton.StateAssigned},
			{HandoffID: id, Kind: baton.EventAccepted, At: created.At.Add(time.Duration(i+1) * time.Minute), OwnerID: "ann", ToState: baton.StateAccepted},
			{HandoffID: id, Kind: baton.EventTouched, At: created.At.Add(time.Duration(2*i+3) * time.Minute), OwnerID: "ann", ToState: baton.StateActioned},
			{HandoffID: id, Kind: baton.EventCompleted, At: created.At.Add(time.Hour), OwnerID: "ann", ToState: baton.StateCompleted},
		} {
			err := db.Update(ctx, func(tx baton.Tx) error {
				if j == 0 {
					if err := tx.InsertHandoff(ctx, &baton.Handoff{ID: id, Type: "mql", State: baton.StateAssigned, SignalID: "s" + id, CreatedAt: e.At, UpdatedAt: e.At}); err != nil {
						return err
					}
				}
				return tx.AppendEvent(ctx, e)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	day := metrics.UTCDay(t0)
	kept := allGroups(t, db, day, day+1)
	var appends int
	err = db.View(ctx, func(tx baton.Tx) error {
		rows, err := tx.(*sqlite.Tx).Query(ctx, `SELECT max(appends) FROM rollup_blocks`)
		if err != nil {
			return err
		}
		defer rows.Close()
		rows.Next()
		return rows.Scan(&appends)
	})
	if err != nil {
		t.Fatal(err)
	}
	if appends >= 32 {
		t.Errorf("a block holds %d deltas, want fewer than 32", appends)
	}
	if err := db.RebuildRollups(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(allGroups(t, db, day, day+1), kept); diff != "" {
		t.Errorf("kept blocks differ from the rebuilt ones (-rebuilt +kept):\n%s", diff)
	}
	if got := kept[metrics.DimType]["mql"]; len(got) == 0 || got[0] != (metrics.Cell{Metric: metrics.MHandoffs, N: 40}) {
		t.Errorf("got mql cells starting %v, want 40 handoffs", got[:min(len(got), 1)])
	}
}
