// Command baton runs Baton, the handoff engine for revenue teams.
//
//	baton serve [--addr 127.0.0.1:8080] [--db ./baton.db] [--playbook FILE] [--demo]
//	baton user add --db PATH --email E --name N --role admin|manager|rep [--team T] [--password-stdin]
//	baton token create|list|revoke --db PATH ...
//	baton playbook check FILE...
//	baton playbook default
//	baton import users|accounts|outcomes|signals --db PATH FILE.csv [--dry-run]
//	baton route simulate --playbook FILE [--signals FILE.csv | --days N] [--db PATH]
//	baton migrate [status] --db PATH|URL
//	baton copy --from sqlite://PATH --to postgres://URL
//	baton version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	_ "time/tzdata" // time zones are real everywhere, whatever the host has

	"github.com/batonhq/baton"
)

// version is Baton's version, set at build time with
// -ldflags "-X main.version=v1.2.3"; empty, the module's build info says.
var version string

// versionText is the line `baton version` prints: the version, the commit
// it was built from when known, and the Go release.
func versionText() string {
	v, commit, dirty := version, "", false
	bi, ok := debug.ReadBuildInfo()
	if ok {
		if v == "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	out := "baton " + v
	if commit != "" {
		out += " (commit " + commit[:min(12, len(commit))]
		if dirty {
			out += ", modified"
		}
		out += ")"
	}
	if ok {
		out += " " + bi.GoVersion
	}
	return out
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// cli runs one command and returns the process's exit code: 0 on success
// and for help, 2 for a usage error, 1 for any other error, which it prints
// to stderr once, prefixed "baton: ".
func cli(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := run(ctx, args, stdout, stderr)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(stderr, errorText(err))
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// errorText is err as a person reads it: one "baton: " prefix, and a
// *baton.Error's message with each bad field rather than its code.
func errorText(err error) string {
	msg := err.Error()
	var e *baton.Error
	if errors.As(err, &e) && e.Code != baton.EINTERNAL {
		text := e.Message
		if len(e.Fields) > 1 {
			parts := make([]string, len(e.Fields))
			for i, f := range e.Fields {
				parts[i] = f.Field + " " + f.Message
			}
			text += ": " + strings.Join(parts, "; ")
		}
		msg = strings.Replace(msg, e.Error(), text, 1)
	}
	return "baton: " + strings.TrimPrefix(msg, "baton: ")
}

// parseFlags parses args into fs. Help (-h, --help) prints the flags to
// stdout and returns flag.ErrHelp, which exits 0; a bad flag is a usage
// error.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" || a == "--h" {
			fs.SetOutput(stdout)
			break
		}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return flag.ErrHelp
		}
		return usageError{err.Error()}
	}
	return nil
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const usage = `usage:
  baton serve [--addr ADDR] [--db PATH] [--playbook FILE] [--demo] [--webhook-url URL] [--webhook-secret-file FILE]
  baton user add --db PATH --email EMAIL --name NAME --role admin|manager|rep [--team TEAM] [--password-stdin]
  baton token create --db PATH --user EMAIL [--name NAME] [--expires 90d]
  baton token list --db PATH [--user EMAIL]
  baton token revoke --db PATH ID
  baton playbook check FILE...
  baton playbook default
  baton import users|accounts|outcomes|signals --db PATH FILE.csv [--dry-run]
  baton route simulate --playbook FILE [--signals FILE.csv | --days N] [--db PATH] [--json]
  baton migrate [status] --db PATH|URL
  baton copy --from sqlite://PATH --to postgres://URL
  baton version`

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
	case "migrate":
		return migrateCmd(ctx, args[1:], stdout, stderr)
	case "copy":
		return copyCmd(ctx, args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, versionText())
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q\n%s", args[0], usage)}
}
