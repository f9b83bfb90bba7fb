package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
	"github.com/batonhq/baton/metrics/metricstest"
)

// adminReader is what package service asks of a store transaction for
// everyone's dashboard and SLA report: the dashboard from the figure
// blocks (metrics.ReadDashboard) or the day rows, and the SLA report's
// events.
type adminReader interface {
	metrics.DashboardBlocksReader
	Rollups(ctx context.Context, fromDay, toDay int64) ([]metrics.RollupRow, error)
	SLAEventsBetween(ctx context.Context, from, to time.Time, fn func(*baton.Event) error) error
}

// testAdminReads appends random logs and checks, for random windows, that
// the dashboard read from the figure blocks equals the one read from the
// rollup rows of its days (and, over a window holding every handoff, the
// fold of the log), and that the SLA report folded from SLAEventsBetween
// equals the one folded from every event of the window.
func testAdminReads(t *testing.T, open Opener) {
	ctx := context.Background()
	for seed := range uint64(4) {
		t.Run(fmt.Sprintf("Seed%d", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 9))
			db := open(t)
			events, facts := metricstest.RandomLog(rng, 20+rng.IntN(30))
			inserted := map[string]bool{}
			for i := 0; i < len(events); {
				cmd := events[i:min(i+1+rng.IntN(4), len(events))]
				i += len(cmd)
				mustUpdate(t, db, func(tx baton.Tx) error {
					for _, e := range cmd {
						e := *e
						if !inserted[e.HandoffID] {
							inserted[e.HandoffID] = true
							f := facts[e.HandoffID]
							h := &baton.Handoff{ID: e.HandoffID, Type: "hot_lead", State: baton.StateAssigned, SignalID: "s" + e.HandoffID,
								SenderID: f.Sender, CreatedAt: metricstest.T0, UpdatedAt: metricstest.T0, Context: map[string]any{}}
							if err := tx.InsertHandoff(ctx, h); err != nil {
								return err
							}
						}
						if err := tx.AppendEvent(ctx, &e); err != nil {
							return err
						}
					}
					return nil
				})
			}
			first := metrics.UTCDay(metricstest.T0)
			windows := [][2]int64{{first - 3, first + 220}} // every handoff
			for range 6 {
				from := first - 5 + int64(rng.IntN(200))
				windows = append(windows, [2]int64{from, from + 1 + int64(rng.IntN(120))})
			}
			for i, w := range windows {
				from, to := metrics.DayStart(w[0]), metrics.DayStart(w[1])
				var rows, blocks metrics.Dashboard
				mustView(t, db, func(tx baton.Tx) error {
					r, ok := tx.(adminReader)
					if !ok {
						t.Fatalf("transaction %T lacks the admin's readers", tx)
					}
					list, err := r.Rollups(ctx, w[0], w[1])
					if err != nil {
						return err
					}
					rows = metrics.DashboardFromRollups(from, to, list)
					blocks, err = metrics.ReadDashboard(ctx, r, from, to, w[1])
					return err
				})
				if diff := cmp.Diff(rows, blocks); diff != "" {
					t.Errorf("days [%d, %d): dashboard from the blocks differs from the day rows (-rows +blocks):\n%s", w[0], w[1], diff)
				}
				if i == 0 {
					agg := metrics.NewDashboardAggregator(from, to)
					for _, e := range events {
						if err := agg.Add(e); err != nil {
							t.Fatal(err)
						}
					}
					// The fold's exact percentiles are within the buckets'
					// 5%; the counts are equal.
					fold := agg.Dashboard()
					for i := range fold.Weeks {
						fold.Weeks[i].Accept, fold.Weeks[i].FirstTouch = blocks.Weeks[i].Accept, blocks.Weeks[i].FirstTouch
					}
					if diff := cmp.Diff(fold, blocks); diff != "" {
						t.Errorf("every handoff: dashboard from the blocks differs from the fold (-fold +blocks):\n%s", diff)
					}
				}
			}
			for range 6 {
				from := metricstest.T0.Add(time.Duration(rng.IntN(200*24*60)) * time.Minute)
				to := from.Add(time.Duration(1+rng.IntN(30*24*60)) * time.Minute)
				all, lean := metrics.NewSLAAggregator(from, to), metrics.NewSLAAggregator(from, to)
				mustView(t, db, func(tx baton.Tx) error {
					if err := tx.EventsBetween(ctx, from, to, all.Add); err != nil {
						return err
					}
					return tx.(adminReader).SLAEventsBetween(ctx, from, to, lean.Add)
				})
				if diff := cmp.Diff(all.Report(), lean.Report()); diff != "" {
					t.Errorf("[%s, %s): SLA report from its events differs from every event's (-all +sla events):\n%s", from, to, diff)
				}
			}
		})
	}
}
