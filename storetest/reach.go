package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
	"github.com/google/go-cmp/cmp"
)

// reachReader is what package service asks of a store transaction for the
// figures of a person's reach (service.figuresReader's RollupReach).
type reachReader interface {
	RollupReach(ctx context.Context, people []string, fromDay, toDay int64, fn func(person string, row []byte) error) error
}

// reachSources reads the figures of the handoffs people own or sent over
// the days [fromDay, toDay), split by by, as the service does.
func reachSources(t *testing.T, db baton.Store, people []string, fromDay, toDay int64, by string) map[string][]metrics.Cell {
	t.Helper()
	in := map[string]bool{}
	for _, p := range people {
		in[p] = true
	}
	rep := metrics.NewReachReport(by, in, func(string) string { return metrics.NoneKey })
	mustView(t, db, func(tx baton.Tx) error {
		r, ok := tx.(reachReader)
		if !ok {
			t.Fatalf("transaction %T has no RollupReach", tx)
		}
		return r.RollupReach(context.Background(), people, fromDay, toDay, rep.Add)
	})
	out := map[string][]metrics.Cell{}
	for k, a := range rep.Groups() {
		if cs := a.Cells(); len(cs) > 0 {
			out[k] = cs
		}
	}
	return out
}

// testReach checks whose handoffs a person's figures count: those of the
// window they own now or sent, each once, even when two people of the
// reach own and sent it; and that a reassignment moves the handoff out of
// its former owner's reach.
func testReach(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i, h := range []struct{ id, owner, sender string }{{"a", "ann", "sam"}, {"b", "bob", "ann"}, {"c", "bob", "sam"}, {"d", "ann", "ann"}, {"e", "cat", "sam"}} {
		created := &baton.Event{HandoffID: h.id, Kind: baton.EventCreated, At: t0.AddDate(0, 0, i)}
		if err := created.SetData(baton.CreatedData{HandoffType: "mql", Source: h.id}); err != nil {
			t.Fatal(err)
		}
		err := db.Update(ctx, func(tx baton.Tx) error {
			if err := tx.InsertHandoff(ctx, &baton.Handoff{ID: h.id, Type: "mql", State: baton.StateAssigned, SignalID: "s" + h.id,
				SenderID: h.sender, CreatedAt: created.At, UpdatedAt: created.At}); err != nil {
				return err
			}
			if err := tx.AppendEvent(ctx, created); err != nil {
				return err
			}
			return tx.AppendEvent(ctx, &baton.Event{HandoffID: h.id, Kind: baton.EventAssigned, At: created.At, OwnerID: h.owner})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// "e" moves from cat to dan.
	if err := db.Update(ctx, func(tx baton.Tx) error {
		return tx.AppendEvent(ctx, &baton.Event{HandoffID: "e", Kind: baton.EventReassigned, At: t0.AddDate(0, 0, 5), OwnerID: "dan"})
	}); err != nil {
		t.Fatal(err)
	}
	day := metrics.UTCDay(t0)
	for _, tc := range []struct {
		name     string
		people   []string
		from, to int64
		want     []string // sources, which name the handoffs
	}{
		{"OwnedOrSent", []string{"ann"}, day, day + 5, []string{"a", "b", "d"}},
		{"OwnedAndSentInReachOnce", []string{"ann", "sam"}, day, day + 5, []string{"a", "b", "c", "d", "e"}},
		{"OwnerAndSenderOnce", []string{"ann", "bob"}, day, day + 5, []string{"a", "b", "c", "d"}},
		{"WithinTheDays", []string{"ann"}, day + 1, day + 3, []string{"b"}},
		{"ReassignedAway", []string{"cat"}, day, day + 5, nil},
		{"ReassignedIn", []string{"dan"}, day, day + 5, []string{"e"}},
		{"Nobody", nil, day, day + 5, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for k, cs := range reachSources(t, db, tc.people, tc.from, tc.to, metrics.DimSource) {
				if len(cs) == 0 || cs[0] != (metrics.Cell{Metric: metrics.MHandoffs, N: 1}) {
					t.Errorf("source %s: got cells starting %v, want one handoff", k, cs[:min(len(cs), 1)])
				}
				got = append(got, k)
			}
			slices.Sort(got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("handoffs (-want +got):\n%s", diff)
			}
		})
	}
}
