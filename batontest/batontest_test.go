package batontest_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/batontest"
	"github.com/batonhq/baton/sqlite"
)

func TestClock(t *testing.T) {
	t.Parallel()
	c := batontest.NewClock(batontest.T0)
	c.Add(90 * time.Minute)
	if got, want := c.Now(), batontest.T0.Add(90*time.Minute); !got.Equal(want) {
		t.Errorf("after Add: got %v, want %v", got, want)
	}
	later := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	c.Set(later)
	if got := c.Now(); !got.Equal(later) {
		t.Errorf("after Set: got %v, want %v", got, later)
	}
}

func TestStoreIsFreshPerTest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := batontest.Store(t)
	err := db.Update(ctx, func(tx baton.Tx) error {
		return tx.PutUser(ctx, &baton.User{ID: "u1", Email: "a@t.example", Name: "A", Role: baton.RoleSDR, Team: "sdr", TimeZone: "UTC", Active: true, Weight: 1})
	})
	if err != nil {
		t.Fatal(err)
	}
	other := batontest.Store(t)
	var n int
	err = other.View(ctx, func(tx baton.Tx) error {
		users, err := tx.Users(ctx)
		n = len(users)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("got %d users in a second store, want 0", n)
	}
}

// TestFreshFileIsAMigratedStore: a store copied from the template has the
// schema, migration versions and settings of a file sqlite.Open migrates
// from nothing, so tests over the copy test what Baton runs.
func TestFreshFileIsAMigratedStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	migrated := filepath.Join(t.TempDir(), "migrated.db")
	db, err := sqlite.Open(ctx, migrated, sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	copied := filepath.Join(t.TempDir(), "copied.db")
	batontest.OpenStore(t, copied, sqlite.Options{Synchronous: "NORMAL"}).Close()
	want, got := dump(t, migrated), dump(t, copied)
	if len(want) < 20 {
		t.Fatalf("got %d schema rows in a migrated store, want the whole schema", len(want))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("copied store (-migrated +copied):\n%s", diff)
	}
}

// dump lists a SQLite file's schema, its goose versions and its settings.
func dump(t *testing.T, path string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []string
	for _, q := range []string{
		`SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name`,
		`SELECT 'version ' || version_id || ' ' || is_applied FROM goose_db_version ORDER BY id`,
		`SELECT 'setting ' || key || ' ' || hex(value) FROM settings ORDER BY key`,
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestTeam(t *testing.T) {
	t.Parallel()
	t.Run("AllByDefault", func(t *testing.T) {
		t.Parallel()
		var got []string
		for _, u := range batontest.TeamUsers() {
			got = append(got, u.Email)
		}
		want := []string{"mgr@t.example", "ops@t.example", "sdr1@t.example", "sdr2@t.example", "sdr3@t.example", "ae1@t.example", "ae2@t.example"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("team (-want +got):\n%s", diff)
		}
	})

	t.Run("OnlyThoseNamedInTeamOrder", func(t *testing.T) {
		t.Parallel()
		var got []string
		for _, u := range batontest.TeamUsers("sdr2", "mgr") {
			got = append(got, u.Email)
		}
		if diff := cmp.Diff([]string{"mgr@t.example", "sdr2@t.example"}, got); diff != "" {
			t.Errorf("team (-want +got):\n%s", diff)
		}
	})

	t.Run("SeedsInOrderByLocalPart", func(t *testing.T) {
		t.Parallel()
		var order []string
		put := func(_ context.Context, u *baton.User) (*baton.User, error) {
			order = append(order, u.Email)
			out := *u
			out.ID = "id-" + u.Email
			return &out, nil
		}
		users := batontest.Team(t, put, batontest.TeamUsers("mgr", "sdr1")...)
		if diff := cmp.Diff([]string{"mgr@t.example", "sdr1@t.example"}, order); diff != "" {
			t.Errorf("put order (-want +got):\n%s", diff)
		}
		if got := users["sdr1"]; got == nil || got.ID != "id-sdr1@t.example" || !got.Active || got.ManagerID != "mgr@t.example" {
			t.Errorf("got sdr1 %+v, want the stored active user reporting to mgr", got)
		}
	})
}
