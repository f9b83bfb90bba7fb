// Package pgtest gives tests an empty PostgreSQL schema of their own on the
// server BATON_TEST_POSTGRES names (scripts/pg-start starts one). Without
// it, tests skip, except in CI (CI=true), where they fail: CI must run the
// PostgreSQL suite.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// Env is the variable that names the test server's database URL.
const Env = "BATON_TEST_POSTGRES"

// URL returns the test server's database URL, skipping t (failing it in
// CI) when there is none.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(Env)
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: CI runs the PostgreSQL tests (start a server with eval \"$(./scripts/pg-start)\")", Env)
		}
		t.Skipf("%s is not set; start a server with eval \"$(./scripts/pg-start)\" to run the PostgreSQL tests", Env)
	}
	return u
}

// free holds the schemas earlier tests of this process used and emptied:
// a store opened on one finds its migrations applied, which is most of the
// cost of a fresh schema.
var free struct {
	sync.Mutex
	names []string
}

// Schema gives t an empty schema of its own and returns a URL whose
// connections use it (search_path). When t ends (after the stores on it
// are closed), the schema's tables are emptied, keeping goose's record of
// its migrations, and it goes to the next test; one that cannot be
// emptied is dropped.
func Schema(t testing.TB) string {
	t.Helper()
	base := URL(t)
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open %s: %v", base, err)
	}
	defer db.Close()
	free.Lock()
	var name string
	if n := len(free.names); n > 0 {
		name, free.names = free.names[n-1], free.names[:n-1]
	}
	free.Unlock()
	if name == "" {
		b := make([]byte, 6)
		rand.Read(b)
		name = "t_" + hex.EncodeToString(b)
		if _, err := db.ExecContext(context.Background(), "CREATE SCHEMA "+name); err != nil {
			t.Fatalf("create schema: %v", err)
		}
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			t.Errorf("open %s: %v", base, err)
			return
		}
		defer db.Close()
		if empty(db, name) == nil {
			free.Lock()
			free.names = append(free.names, name)
			free.Unlock()
			return
		}
		if _, err := db.ExecContext(context.Background(), "DROP SCHEMA "+name+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", base, err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// empty truncates every table of schema but goose's.
func empty(db *sql.DB, schema string) error {
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, `SELECT quote_ident(table_name) FROM information_schema.tables
		WHERE table_schema = $1 AND table_type = 'BASE TABLE' AND table_name <> 'goose_db_version'`, schema)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, schema+"."+n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(tables) == 0 {
		return nil
	}
	_, err = db.ExecContext(ctx, "TRUNCATE "+strings.Join(tables, ", ")+" RESTART IDENTITY")
	return err
}
