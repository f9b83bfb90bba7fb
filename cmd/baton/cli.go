package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/sqlite"
)

// migrateCmd runs `baton migrate --db PATH`: it creates the database if it
// does not exist and applies pending migrations, the one command besides
// serve that creates a file (so a token can be made before the first serve).
func migrateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("db", env("BATON_DB", "./baton.db"), "SQLite database file to create or migrate")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"usage: baton migrate --db PATH"}
	}
	db, err := sqlite.Open(ctx, *path, sqlite.Options{})
	if err != nil {
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: migrated\n", *path)
	return nil
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
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("database %s does not exist: pass --db (or BATON_DB) with the file baton serve uses, or create it with baton migrate --db %s", path, path)
	} else if err != nil {
		return nil, nil, fmt.Errorf("database %s: %w", path, err)
	}
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		return nil, nil, err
	}
	return service.New(db, baton.SystemClock{}, pb, nil), db.Close, nil
}
