package postgres

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"net/url"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
	"github.com/batonhq/baton/postgres/pgtest"
	"github.com/google/go-cmp/cmp"
	"github.com/pressly/goose/v3"
)

// freshSchema creates an empty schema of its own (pgtest's are migrated)
// and returns its URL, dropped when t ends.
func freshSchema(t *testing.T) string {
	t.Helper()
	base := pgtest.URL(t)
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name := "m_" + hex.EncodeToString(b)
	if _, err := db.Exec("CREATE SCHEMA " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			t.Error(err)
			return
		}
		defer db.Close()
		if _, err := db.Exec("DROP SCHEMA " + name + " CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// TestMigrationsLandedOutOfOrderAreApplied: a database migrated before
// 00018 and 00024 existed (it has 00019 and 00021) gets them on Open, and
// the reach rows 00018 adds are filled from the handoffs' stored states.
func TestMigrationsLandedOutOfOrderAreApplied(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := freshSchema(t)
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()

	// The migrations as they were: without 00018 and 00024 (nor those
	// after, such as 00031, which drops the columns written below).
	before := fstest.MapFS{}
	late := []string{"00018_rollup_people.sql", "00024_crm.sql", "00031_rollup_states_only.sql"}
	err = fs.WalkDir(migrations, "migrations", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || slices.Contains(late, p[strings.LastIndex(p, "/")+1:]) {
			return err
		}
		b, err := migrations.ReadFile(p)
		before[strings.TrimPrefix(p, "migrations/")] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, raw, before)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("migrate without 00018 and 00024: %v", err)
	}
	// A handoff ann owns and sam sent, its rollup state stored, as a
	// store opened then kept it.
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	created := &baton.Event{HandoffID: "h1", Kind: baton.EventCreated, At: at}
	if err := created.SetData(baton.CreatedData{HandoffType: "mql", Source: "web"}); err != nil {
		t.Fatal(err)
	}
	var h metrics.RollupHandoff
	for _, e := range []*baton.Event{created, {HandoffID: "h1", Kind: baton.EventAssigned, At: at, OwnerID: "ann"}} {
		if _, err := h.Apply(e); err != nil {
			t.Fatal(err)
		}
	}
	setFacts(&h, "sam", "", "")
	state, err := json.Marshal(&h)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`DELETE FROM settings WHERE key = 'rollups_stale'`, nil},
		{`INSERT INTO rollup_handoffs (handoff_id, state, day, owner_id, sender_id) VALUES ($1, $2, $3, $4, $5)`,
			[]any{"h1", string(state), h.Day, h.Owner, h.Sender}},
	} {
		if _, err := raw.ExecContext(ctx, q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}

	db, err := Open(ctx, dsn, Options{Writers: 1, ReadConns: 1})
	if err != nil {
		t.Fatalf("open: got error %v, want the late migrations applied", err)
	}
	defer db.Close()
	ms, err := db.Migrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if !m.Applied {
			t.Errorf("migration %s: not applied", m.Name)
		}
	}
	var reach map[string]int
	err = db.View(ctx, func(t baton.Tx) error {
		reach = map[string]int{}
		return t.(*Tx).RollupReach(ctx, []string{"ann", "sam", "bob"}, h.Day, h.Day+1, func(person string, _ []byte) error {
			reach[person]++
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"ann": 1, "sam": 1}, reach); diff != "" {
		t.Errorf("reach rows filled from the stored state (-want +got):\n%s", diff)
	}
	var n int
	if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM settings WHERE key = $1`, peopleStaleKey).Scan(&n); err != nil || n != 0 {
		t.Errorf("%s settings after open: got %d (%v), want 0", peopleStaleKey, n, err)
	}
	// The CRM tables of 00024 are there.
	err = db.Update(ctx, func(t baton.Tx) error {
		return t.PutCRMConnector(ctx, &baton.CRMConnector{Name: "hubspot", UpdatedAt: at})
	})
	if err != nil {
		t.Errorf("put a CRM connector after the late migration: %v", err)
	}
}
