package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
	gocmp "github.com/google/go-cmp/cmp"
)

// testTeamBlocks checks that a store's team blocks are its owner blocks
// summed by each owner's current team, over windows that read blocks of
// every level: as handoffs are created, assigned and reassigned, when
// people change team (or leave every team, or join one), and after a
// rebuild from the log.
func testTeamBlocks(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t)
	rb, ok := db.(rollupStore)
	if !ok {
		t.Skipf("store %T keeps no rollups", db)
	}
	teams := map[string]string{"ann": "east", "bob": "west", "cat": "", "dan": "east"}
	put := func(id string) {
		t.Helper()
		u := &baton.User{ID: id, Email: id + "@baton.test", Name: id, Role: baton.RoleAE, Access: baton.AccessRep, Team: teams[id],
			TimeZone: "UTC", Capacity: 20, Weight: 1, Active: true, CreatedAt: msec(t0), UpdatedAt: msec(t0)}
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.PutUser(ctx, u) })
	}
	for _, id := range []string{"ann", "bob", "cat", "dan"} {
		put(id)
	}
	start := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	// eve owns handoffs before she is on the roster; "" leaves some
	// unassigned.
	owners := []string{"ann", "bob", "cat", "dan", "", "eve"}
	const n = 45
	for i := range n {
		id := fmt.Sprintf("t%02d", i)
		at := start.AddDate(0, 0, 4*i)
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
			owner := owners[i%len(owners)]
			if owner == "" {
				return nil
			}
			if err := tx.AppendEvent(ctx, &baton.Event{HandoffID: id, Kind: baton.EventAssigned, At: at.Add(time.Minute), OwnerID: owner, ToState: baton.StateAssigned}); err != nil {
				return err
			}
			if i%2 == 0 {
				return tx.AppendEvent(ctx, &baton.Event{HandoffID: id, Kind: baton.EventAccepted, At: at.Add(time.Duration(i) * time.Minute), OwnerID: owner, ToState: baton.StateAccepted})
			}
			return nil
		})
	}
	first := metrics.UTCDay(start)
	windows := [][2]int64{{first, first + 4*n}, {first + 3, first + 130}, {first + 64, first + 65}, {first - 200, first + 400}}
	check := func(when string) map[string]map[string][]metrics.Cell {
		t.Helper()
		var got map[string]map[string][]metrics.Cell
		mustView(t, db, func(tx baton.Tx) error {
			r := tx.(rollupReader)
			got = map[string]map[string][]metrics.Cell{}
			for _, w := range windows {
				byTeam, err := r.RollupGroups(ctx, metrics.DimTeam, w[0], w[1], nil)
				if err != nil {
					return err
				}
				byOwner, err := r.RollupGroups(ctx, metrics.DimOwner, w[0], w[1], func(owner string) string { return metrics.TeamKey(teams[owner]) })
				if err != nil {
					return err
				}
				name := fmt.Sprintf("days %d to %d", w[0]-first, w[1]-first)
				got[name] = nonEmpty(byTeam)
				want := nonEmpty(byOwner)
				if len(want) == 0 {
					t.Fatalf("%s, %s: no owner figures to compare", when, name)
				}
				if diff := gocmp.Diff(want, got[name]); diff != "" {
					t.Errorf("%s, %s: team blocks differ from the owner blocks summed by team (-owners +teams):\n%s", when, name, diff)
				}
			}
			return nil
		})
		return got
	}
	check("as kept")

	teams["eve"] = "south" // joins the roster with a team
	put("eve")
	teams["ann"] = "west" // moves with her handoffs
	put("ann")
	teams["cat"] = "north" // joins a team
	put("cat")
	teams["dan"] = "" // leaves every team
	put("dan")
	put("bob") // unchanged
	check("after people changed team")

	// A reassignment moves a handoff's figures between owners, and so
	// between their teams.
	for _, id := range []string{"t01", "t07", "t12"} {
		mustUpdate(t, db, func(tx baton.Tx) error {
			return tx.AppendEvent(ctx, &baton.Event{HandoffID: id, Kind: baton.EventReassigned, At: start.AddDate(1, 0, 0), OwnerID: "dan", ToState: baton.StateAssigned})
		})
	}
	kept := check("after reassignments")

	if err := rb.RebuildRollups(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := gocmp.Diff(kept, check("after a rebuild")); diff != "" {
		t.Errorf("team figures kept differ from those rebuilt from the log (-kept +rebuilt):\n%s", diff)
	}
}

// nonEmpty returns the groups' cells, leaving out the empty groups.
func nonEmpty(groups map[string]*metrics.Acc) map[string][]metrics.Cell {
	out := map[string][]metrics.Cell{}
	for k, a := range groups {
		if cs := a.Cells(); len(cs) > 0 {
			out[k] = cs
		}
	}
	return out
}
