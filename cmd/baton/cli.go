package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/postgres"
	"github.com/batonhq/baton/service"
)

// migrateCmd runs `baton migrate [status] --db PATH|URL`. Without status
// it creates the database if it does not exist (a SQLite file) and applies
// pending migrations, the one command besides serve that creates a file
// (so a token can be made before the first serve); on PostgreSQL several
// nodes may run it at once: an advisory lock makes them take turns. With
// status it lists the migrations and whether each is applied, changing
// nothing.
func migrateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	status := len(args) > 0 && args[0] == "status"
	if status {
		args = args[1:]
	}
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("db", env("BATON_DB", "./baton.db"), dbHelp)
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"usage: baton migrate [status] --db PATH|URL"}
	}
	if status {
		list, err := migrationStatus(ctx, *path)
		if err != nil {
			return err
		}
		for _, m := range list {
			state := "pending"
			if m.Applied {
				state = "applied " + m.AppliedAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(stdout, "%05d  %-32s %s\n", m.Version, m.Name, state)
		}
		return nil
	}
	if postgres.IsURL(*path) {
		db, err := postgres.Open(ctx, *path, postgres.Options{NoMigrate: true, Writers: 1, ReadConns: 1})
		if err != nil {
			return err
		}
		defer db.Close()
		applied, err := postgres.Migrate(ctx, db.SQL())
		if err != nil {
			return err
		}
		for _, v := range applied {
			fmt.Fprintf(stdout, "applied %05d\n", v)
		}
		if err := db.Close(); err != nil {
			return err
		}
		// Open again to rebuild the rollups a migration marked stale.
		if db, err = postgres.Open(ctx, *path, postgres.Options{Writers: 1, ReadConns: 1}); err != nil {
			return err
		}
		if err := db.Close(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: migrated\n", dbName(*path))
		return nil
	}
	db, err := openStore(ctx, *path, "", false)
	if err != nil {
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: migrated\n", *path)
	return nil
}

// migrationStatus lists the migrations of the database at path: every one
// Baton has and whether it is applied on PostgreSQL; the applied ones on
// SQLite (read from goose's table, without taking the file's lock).
func migrationStatus(ctx context.Context, path string) ([]postgres.MigrationStatus, error) {
	if postgres.IsURL(path) {
		db, err := postgres.Open(ctx, path, postgres.Options{NoMigrate: true, Writers: 1, ReadConns: 1})
		if err != nil {
			return nil, err
		}
		defer db.Close()
		return db.Migrations(ctx)
	}
	path = strings.TrimPrefix(path, "sqlite://")
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	sdb, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	defer sdb.Close()
	rows, err := sdb.QueryContext(ctx, `SELECT version_id, tstamp FROM goose_db_version WHERE is_applied AND version_id > 0 ORDER BY version_id`)
	if err != nil {
		return nil, fmt.Errorf("database %s: migrations: %w", path, err)
	}
	defer rows.Close()
	var out []postgres.MigrationStatus
	for rows.Next() {
		var m postgres.MigrationStatus
		var at any
		if err := rows.Scan(&m.Version, &at); err != nil {
			return nil, fmt.Errorf("database %s: migrations: %w", path, err)
		}
		m.Applied = true
		switch v := at.(type) {
		case time.Time:
			m.AppliedAt = v
		case string:
			m.AppliedAt, _ = time.Parse("2006-01-02 15:04:05", v)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func playbookCheck(files []string, stdout io.Writer) error {
	if len(files) == 0 {
		return usageError{"usage: baton playbook check FILE..."}
	}
	var failed int
	for _, f := range files {
		pb, err := playbook.Load(f)
		var pe *playbook.Error
		switch {
		case errors.As(err, &pe):
			failed++
			fmt.Fprintln(stdout, pe.Error())
		case err != nil:
			failed++
			fmt.Fprintf(stdout, "%s: %v\n", f, err)
		default:
			fmt.Fprintf(stdout, "%s: ok (%d handoff types, %d tiers)\n", f, len(pb.HandoffTypes), len(pb.Tiers))
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d playbooks have problems", failed, len(files))
	}
	return nil
}

func playbookDefault(stdout io.Writer) error {
	_, err := stdout.Write(playbook.DefaultYAML())
	return err
}

// openService opens the existing database at path (migrating it) for a
// one-off command, with the wall clock and the given playbook. Unlike serve,
// it never creates the file: a mistyped --db must not leave an empty
// database behind and report success.
func openService(ctx context.Context, path string, pb *playbook.Playbook) (*service.Service, func() error, error) {
	db, err := openStore(ctx, path, "", true)
	if err != nil {
		return nil, nil, err
	}
	return service.New(db, baton.SystemClock{}, pb, nil), db.Close, nil
}
