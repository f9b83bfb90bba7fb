package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/postgres"
	"github.com/batonhq/baton/prom"
	"github.com/batonhq/baton/sqlite"
)

// store is what baton's commands need of a database: the store and its
// readiness probe.
type store interface {
	baton.Store
	Ready(ctx context.Context) error
}

// dbHelp is the --db flag's help.
const dbHelp = "SQLite database file, or a postgres:// URL for PostgreSQL (env BATON_DB)"

// openStore opens the database --db names: a postgres:// (or
// postgresql://) URL is PostgreSQL, anything else a SQLite file (sqlite://
// may prefix its path). Pending migrations are applied. When mustExist is
// set, a SQLite file that does not exist is an error rather than created.
func openStore(ctx context.Context, db, synchronous string, mustExist bool) (store, error) {
	if postgres.IsURL(db) {
		return postgres.Open(ctx, db, postgres.Options{})
	}
	path := strings.TrimPrefix(db, "sqlite://")
	if mustExist {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("database %s does not exist: pass --db (or BATON_DB) with the file baton serve uses, or create it with baton migrate --db %s", path, path)
		} else if err != nil {
			return nil, fmt.Errorf("database %s: %w", path, err)
		}
	}
	return sqlite.Open(ctx, path, sqlite.Options{Synchronous: synchronous})
}

// dbName is how logs and messages name --db: a URL without its password.
func dbName(db string) string {
	if !postgres.IsURL(db) {
		return db
	}
	if i, j := strings.Index(db, "://"), strings.LastIndex(db, "@"); i >= 0 && j > i {
		if k := strings.Index(db[i+3:j], ":"); k >= 0 {
			return db[:i+3+k+1] + "xxxxx" + db[j:]
		}
	}
	return db
}

// gauges returns the reader of db's Prometheus gauges (each store reads
// its own; the counts are the same).
func gauges(db store) func(context.Context) (prom.Gauges, error) {
	switch s := db.(type) {
	case *sqlite.DB:
		return func(ctx context.Context) (prom.Gauges, error) {
			g, err := s.Gauges(ctx)
			return prom.Gauges(g), err
		}
	case *postgres.DB:
		return func(ctx context.Context) (prom.Gauges, error) {
			g, err := s.Gauges(ctx)
			return prom.Gauges(g), err
		}
	}
	return func(context.Context) (prom.Gauges, error) { return prom.Gauges{}, nil }
}

// releaseTimers and releaseMessages hand back, on SIGTERM, the timers and
// messages a node claimed but did not finish, so that the other nodes of a
// PostgreSQL store take them at once rather than when their leases end;
// nil on SQLite, whose single node claims them again when it restarts.
func releaseTimers(db store) func(context.Context, []string) error {
	p, ok := db.(*postgres.DB)
	if !ok {
		return nil
	}
	return func(ctx context.Context, ids []string) error {
		return p.Update(ctx, func(tx baton.Tx) error { return tx.(*postgres.Tx).ReleaseTimers(ctx, ids...) })
	}
}

func releaseMessages(db store) func(context.Context, []string) error {
	p, ok := db.(*postgres.DB)
	if !ok {
		return nil
	}
	return func(ctx context.Context, ids []string) error {
		return p.Update(ctx, func(tx baton.Tx) error { return tx.(*postgres.Tx).ReleaseMessages(ctx, ids...) })
	}
}
