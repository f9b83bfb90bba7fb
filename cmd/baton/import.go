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
)

const importUsage = "usage: baton import users|accounts|outcomes --db PATH FILE.csv [--dry-run]"

// importCmd runs `baton import users|accounts|outcomes --db PATH FILE.csv`:
// it imports the file whole and prints the counts, or prints each error on
// its own line to stdout and fails, having written nothing. outcomes are
// meetings from before Baton, for the close-rate report. --dry-run (users
// and outcomes) checks every row and writes nothing.
func importCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "users" && args[0] != "accounts" && args[0] != "outcomes") {
		return usageError{importUsage}
	}
	kind := args[0]
	fs := flag.NewFlagSet("import "+kind, flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("db", env("BATON_DB", "./baton.db"), "SQLite database file")
	dryRun := fs.Bool("dry-run", false, "check every row and write nothing (users and outcomes)")
	// Flags may come before or after the file.
	var files []string
	for rest := args[1:]; ; {
		if err := parseFlags(fs, rest, stdout); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files, rest = append(files, fs.Arg(0)), fs.Args()[1:]
	}
	if len(files) != 1 || (*dryRun && kind == "accounts") {
		return usageError{importUsage}
	}
	file := files[0]
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()

	svc, closeDB, err := openService(ctx, *path, playbook.Default())
	if err != nil {
		return err
	}
	defer closeDB()
	run := map[string]func(context.Context, io.Reader) (service.ImportResult, error){
		"users": svc.ImportUsers, "accounts": svc.ImportAccounts, "outcomes": svc.ImportPastMeetings,
	}[kind]
	if *dryRun {
		run = map[string]func(context.Context, io.Reader) (service.ImportResult, error){
			"users": svc.ImportUsersDryRun, "outcomes": svc.ImportPastMeetingsDryRun,
		}[kind]
	}
	res, err := run(ctx, f)
	var e *baton.Error
	switch {
	case errors.As(err, &e) && e.Code != baton.EINTERNAL:
		for _, fe := range e.Fields {
			fmt.Fprintf(stdout, "%s: %s\n", file, service.FormatImportError(fe))
		}
		return fmt.Errorf("import %s from %s: %s", kind, file, e.Message)
	case err != nil:
		return fmt.Errorf("import %s from %s: %w", kind, file, err)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stdout, "%s: warning: %s\n", file, w)
	}
	if *dryRun {
		fmt.Fprintf(stdout, "%s: dry run, nothing written: %d %s would be created, %d updated\n", file, res.Created, kind, res.Updated)
		return nil
	}
	fmt.Fprintf(stdout, "%s: %d %s created, %d updated\n", file, res.Created, kind, res.Updated)
	return nil
}
