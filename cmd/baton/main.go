// Command baton runs Baton, the handoff engine for revenue teams.
//
//	baton serve [--addr 127.0.0.1:8080] [--db ./baton.db] [--playbook FILE] [--demo]
//	baton user add --db PATH --email E --name N --role admin|manager|rep [--team T] [--password-stdin]
//	baton token create|list|revoke --db PATH ...
//	baton playbook check FILE...
//	baton playbook default
//	baton import users|accounts --db PATH FILE.csv
//	baton route simulate --playbook FILE [--signals FILE.csv | --days N] [--db PATH]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // time zones are real everywhere, whatever the host has
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "baton:", err)
		}
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const usage = `usage:
  baton serve [--addr ADDR] [--db PATH] [--playbook FILE] [--demo] [--webhook-url URL]
  baton user add --db PATH --email EMAIL --name NAME --role admin|manager|rep [--team TEAM] [--password-stdin]
  baton token create --db PATH --user EMAIL [--name NAME] [--expires 90d]
  baton token list --db PATH [--user EMAIL]
  baton token revoke --db PATH ID
  baton playbook check FILE...
  baton playbook default
  baton import users|accounts --db PATH FILE.csv
  baton route simulate --playbook FILE [--signals FILE.csv | --days N] [--db PATH] [--json]`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{usage}
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, stderr)
	case "token":
		return tokenCmd(ctx, args[1:], stdout, stderr)
	case "user":
		return userCmd(ctx, args[1:], os.Stdin, stdout, stderr)
	case "playbook":
		if len(args) < 2 {
			return usageError{"usage: baton playbook check FILE... | baton playbook default"}
		}
		switch args[1] {
		case "check":
			return playbookCheck(args[2:], stdout)
		case "default":
			return playbookDefault(stdout)
		}
		return usageError{"usage: baton playbook check FILE... | baton playbook default"}
	case "import":
		return importCmd(ctx, args[1:], stdout, stderr)
	case "route":
		if len(args) < 2 || args[1] != "simulate" {
			return usageError{"usage: baton route simulate --playbook FILE [--signals FILE.csv | --days N] [--db PATH] [--json]"}
		}
		return routeSimulate(ctx, args[2:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q\n%s", args[0], usage)}
}
