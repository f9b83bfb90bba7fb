package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
)

const importUsage = "usage: baton import users|accounts|outcomes|signals --db PATH FILE.csv [--dry-run]"

// importCmd runs `baton import users|accounts|outcomes --db PATH FILE.csv`:
// it imports the file whole and prints the counts, or prints each error on
// its own line to stdout and fails, having written nothing. outcomes are
// meetings from before Baton, for the close-rate report. --dry-run (users
// and outcomes) checks every row and writes nothing. signals are past
// signals or leads, routed as if sent then (see importSignals).
func importCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "users" && args[0] != "accounts" && args[0] != "outcomes" && args[0] != "signals") {
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
	if kind == "signals" {
		return importSignals(ctx, svc, f, file, *dryRun, stdout, stderr)
	}
	run := map[string]func(context.Context, io.Reader) (service.ImportResult, error){
		"users": svc.ImportUsers, "accounts": svc.ImportAccounts, "outcomes": svc.ImportPastMeetings,
	}[kind]
	if *dryRun {
		run = map[string]func(context.Context, io.Reader) (service.ImportResult, error){
			"users": svc.ImportUsersDryRun, "outcomes": svc.ImportPastMeetingsDryRun,
		}[kind]
	}
	res, err := run(ctx, f)
	if err != nil {
		return importFailed(stdout, kind, file, "", err)
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

// importSignals imports a signals file with a progress bar on stderr (a
// bar redrawn in place on a terminal, a line every 10 % otherwise).
func importSignals(ctx context.Context, svc *service.Service, f *os.File, file string, dryRun bool, stdout, stderr io.Writer) error {
	bar := newProgressBar(stderr)
	start := time.Now()
	res, err := svc.ImportSignals(ctx, f, service.SignalImportOptions{DryRun: dryRun, Progress: bar.update})
	bar.finish()
	if err != nil {
		return importFailed(stdout, "signals", file, " (run it again to go on: rows already imported are skipped)", err)
	}
	if dryRun {
		fmt.Fprintf(stdout, "%s: dry run, nothing written: %d rows checked\n", file, res.Rows)
		return nil
	}
	secs := time.Since(start).Seconds()
	fmt.Fprintf(stdout, "%s: %d rows in %.1fs (%.0f/s): %d handoffs created, %d joined open ones, %d started none, %d already imported\n",
		file, res.Rows, secs, float64(res.Rows)/max(secs, 1e-9), res.Created, res.Joined, res.NoHandoff, res.Duplicates)
	return nil
}

// importFailed reports a failed import of kind from file. A rejected file
// (a *baton.Error other than EINTERNAL) has each of its row errors printed
// to stdout on its own line, prefixed with the file, and fails with the
// error's message; any other error is wrapped, with hint (empty, or a
// parenthesis starting with a space) after the file's name.
func importFailed(stdout io.Writer, kind, file, hint string, err error) error {
	var e *baton.Error
	if errors.As(err, &e) && e.Code != baton.EINTERNAL {
		for _, fe := range e.Fields {
			fmt.Fprintf(stdout, "%s: %s\n", file, service.FormatImportError(fe))
		}
		return fmt.Errorf("import %s from %s: %s", kind, file, e.Message)
	}
	return fmt.Errorf("import %s from %s%s: %w", kind, file, hint, err)
}

// progressBar draws an import's progress.
type progressBar struct {
	w        io.Writer
	terminal bool
	start    time.Time
	lastTick int // last 10 % step written when not on a terminal
	drawn    bool
}

func newProgressBar(w io.Writer) *progressBar {
	p := &progressBar{w: w, start: time.Now(), lastTick: -1}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.terminal = true
		}
	}
	return p
}

func (p *progressBar) update(pr service.SignalImportProgress) {
	if pr.Total == 0 {
		return
	}
	pct := pr.Done * 100 / pr.Total
	rate := float64(pr.Done) / max(time.Since(p.start).Seconds(), 1e-9)
	if p.terminal {
		const width = 30
		n := pct * width / 100
		fmt.Fprintf(p.w, "\r[%s%s] %3d%%  %d/%d rows  %.0f/s ", strings.Repeat("#", n), strings.Repeat(".", width-n), pct, pr.Done, pr.Total, rate)
		p.drawn = true
		return
	}
	if tick := pct / 10; tick > p.lastTick {
		p.lastTick = tick
		fmt.Fprintf(p.w, "%d%%  %d/%d rows  %.0f/s\n", pct, pr.Done, pr.Total, rate)
	}
}

func (p *progressBar) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
