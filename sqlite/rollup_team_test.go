package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
	"github.com/batonhq/baton/sqlite"
)

// TestTeamBlocksFilledOnOpen: a store whose team blocks are missing and
// marked stale, as migration 00028 leaves one, derives them from the
// owner blocks when it opens, and clears the mark.
func TestTeamBlocksFilledOnOpen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, path := newDB(t, sqlite.Options{Synchronous: "NORMAL"})
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	err := db.Update(ctx, func(tx baton.Tx) error {
		for _, u := range []*baton.User{
			{ID: "ann", Email: "ann@baton.test", Name: "Ann", Role: baton.RoleAE, Team: "east", TimeZone: "UTC", Active: true, CreatedAt: at, UpdatedAt: at},
			{ID: "bob", Email: "bob@baton.test", Name: "Bob", Role: baton.RoleAE, TimeZone: "UTC", Active: true, CreatedAt: at, UpdatedAt: at},
		} {
			if err := tx.PutUser(ctx, u); err != nil {
				return err
			}
		}
		for i, owner := range []string{"ann", "bob", "ann"} {
			id := string(rune('a'+i)) + "1"
			day := at.AddDate(0, 0, 70*i)
			created := &baton.Event{HandoffID: id, Kind: baton.EventCreated, At: day}
			if err := created.SetData(baton.CreatedData{HandoffType: "mql", Source: "web"}); err != nil {
				return err
			}
			if err := tx.InsertHandoff(ctx, &baton.Handoff{ID: id, Type: "mql", State: baton.StateAssigned, SignalID: "s" + id, CreatedAt: day, UpdatedAt: day}); err != nil {
				return err
			}
			if err := tx.AppendEvent(ctx, created); err != nil {
				return err
			}
			if err := tx.AppendEvent(ctx, &baton.Event{HandoffID: id, Kind: baton.EventAssigned, At: day, OwnerID: owner, ToState: baton.StateAssigned}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	from, to := metrics.UTCDay(at)-10, metrics.UTCDay(at)+200
	teams := func(db *sqlite.DB) map[string][]metrics.Cell {
		t.Helper()
		var out map[string][]metrics.Cell
		err := db.View(ctx, func(tx baton.Tx) error {
			groups, err := tx.(*sqlite.Tx).RollupGroups(ctx, metrics.DimTeam, from, to, nil)
			out = map[string][]metrics.Cell{}
			for k, a := range groups {
				if cs := a.Cells(); len(cs) > 0 {
					out[k] = cs
				}
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	kept := teams(db)
	if len(kept["east"]) == 0 || len(kept[metrics.NoneKey]) == 0 {
		t.Fatalf("team figures kept: got %v, want figures for east and for no team", kept)
	}
	err = db.Update(ctx, func(tx baton.Tx) error {
		if err := tx.(*sqlite.Tx).Exec(ctx, `DELETE FROM rollup_blocks WHERE dim = 'team'`); err != nil {
			return err
		}
		return tx.(*sqlite.Tx).Exec(ctx, `INSERT INTO settings (key, value) VALUES ('rollup_teams_stale', X'31')`)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := teams(db); len(got) != 0 {
		t.Fatalf("team figures after deleting them: got %v, want none", got)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openDB(t, path, sqlite.Options{Synchronous: "NORMAL"})
	if diff := cmp.Diff(kept, teams(db)); diff != "" {
		t.Errorf("team figures derived at open differ from those kept (-kept +derived):\n%s", diff)
	}
	err = db.View(ctx, func(tx baton.Tx) error {
		rows, err := tx.(*sqlite.Tx).Query(ctx, `SELECT key FROM settings WHERE key = 'rollup_teams_stale'`)
		if err != nil {
			return err
		}
		defer rows.Close()
		if rows.Next() {
			t.Error("rollup_teams_stale is still set after open")
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
}
