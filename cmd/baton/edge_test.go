package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/batonhq/baton/batontest"
)

// runCLI runs the command line in-process: its exit code, stdout, stderr.
func runCLI(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := cli(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// newDBFile creates a migrated, empty database and returns its path: a
// copy of one migrated once per test binary (batontest.FreshFile); TestCLI's
// "migrate" case still migrates a new file.
func newDBFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "baton.db")
	batontest.FreshFile(t, path)
	return path
}

func TestCLI(t *testing.T) {
	t.Parallel()

	t.Run("HelpExitsZero", func(t *testing.T) {
		t.Parallel()
		for _, args := range [][]string{{"serve", "--help"}, {"serve", "-h"}, {"token", "create", "--help"}, {"import", "users", "--help"}, {"help"}} {
			code, stdout, stderr := runCLI(args...)
			if code != 0 || stdout == "" {
				t.Errorf("%v: got exit %d, stdout %q, stderr %q; want 0 and the usage on stdout", args, code, stdout, stderr)
			}
		}
		if _, stdout, _ := runCLI("serve", "--help"); !strings.Contains(stdout, "-webhook-secret-file") {
			t.Errorf("serve --help: got %q, want the flags listed", stdout)
		}
	})

	t.Run("BadFlagIsAUsageError", func(t *testing.T) {
		t.Parallel()
		if code, _, stderr := runCLI("serve", "--nope"); code != 2 || !strings.Contains(stderr, "nope") {
			t.Errorf("got exit %d, stderr %q; want 2 naming the flag", code, stderr)
		}
	})

	t.Run("Version", func(t *testing.T) {
		t.Parallel()
		code, stdout, _ := runCLI("version")
		if code != 0 || !strings.HasPrefix(stdout, "baton ") {
			t.Errorf("got exit %d, stdout %q; want 0 and \"baton VERSION…\"", code, stdout)
		}
	})

	t.Run("ErrorsArePrefixedOnce", func(t *testing.T) {
		t.Parallel()
		db := newDBFile(t)
		code, _, stderr := runCLI("user", "add", "--db", db, "--email", "not-an-email", "--name", "Wiz", "--role", "rep", "--timezone", "Mars/Base")
		if code != 1 {
			t.Errorf("got exit %d, want 1", code)
		}
		if strings.Count(stderr, "baton:") != 1 || !strings.Contains(stderr, "email") || !strings.Contains(stderr, "timezone") {
			t.Errorf("got stderr %q, want one prefix naming each bad field", stderr)
		}
		_, _, stderr = runCLI("token", "create", "--db", db, "--user", "nobody@t.example")
		if strings.Count(stderr, "baton:") != 1 {
			t.Errorf("got stderr %q, want one prefix", stderr)
		}
	})

	t.Run("CommandsDoNotCreateAMissingDatabase", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		missing := filepath.Join(dir, "typo.db")
		csvFile := filepath.Join(dir, "users.csv")
		if err := os.WriteFile(csvFile, []byte("email,name,role,team,timezone\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{
			{"token", "create", "--db", missing, "--user", "a@t.example"},
			{"user", "add", "--db", missing, "--email", "a@t.example", "--name", "A", "--role", "rep"},
			{"import", "users", "--db", missing, csvFile},
		} {
			code, _, stderr := runCLI(args...)
			if code != 1 || !strings.Contains(stderr, missing+" does not exist") {
				t.Errorf("%v: got exit %d, stderr %q; want 1 saying the file does not exist", args, code, stderr)
			}
			if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("%v: got %s created (%v), want no file", args, missing, err)
			}
		}
	})

	t.Run("MigrateCreatesTheDatabaseThenTokenCreateWorks", func(t *testing.T) {
		t.Parallel()
		db := filepath.Join(t.TempDir(), "new.db")
		if code, stdout, stderr := runCLI("migrate", "--db", db); code != 0 || !strings.Contains(stdout, "migrated") {
			t.Fatalf("migrate: got exit %d, %q %q; want 0", code, stdout, stderr)
		}
		if code, stdout, stderr := runCLI("user", "add", "--db", db, "--email", "ops@t.example", "--name", "Ops", "--role", "admin"); code != 0 {
			t.Fatalf("user add: got exit %d, %q %q; want 0", code, stdout, stderr)
		}
		if code, stdout, stderr := runCLI("token", "create", "--db", db, "--user", "ops@t.example", "--name", "ops"); code != 0 || len(strings.TrimSpace(stdout)) < 20 {
			t.Errorf("token create: got exit %d, %q %q; want 0 and a token", code, stdout, stderr)
		}
	})

	t.Run("SecretOnTheCommandLineIsRefused", func(t *testing.T) {
		t.Parallel()
		for _, args := range [][]string{
			{"serve", "--webhook-secret", "s3cret"},
			{"serve", "--webhook-secret=s3cret"},
			{"serve", "-webhook-secret", "s3cret", "--db", filepath.Join(t.TempDir(), "b.db")},
		} {
			code, _, stderr := runCLI(args...)
			if code != 2 || !strings.Contains(stderr, "BATON_WEBHOOK_SECRET") || !strings.Contains(stderr, "--webhook-secret-file") {
				t.Errorf("%v: got exit %d, stderr %q; want 2 saying how to pass it", args, code, stderr)
			}
			if strings.Contains(stderr, "s3cret") {
				t.Errorf("%v: stderr %q repeats the secret", args, stderr)
			}
		}
	})

	t.Run("SecretFromAFile", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		file := filepath.Join(dir, "secret")
		if err := os.WriteFile(file, []byte("s3cret\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if got, err := webhookSecret("", file); err != nil || got != "s3cret" {
			t.Errorf("from file: got %q, %v; want s3cret", got, err)
		}
		if got, err := webhookSecret("from-env", ""); err != nil || got != "from-env" {
			t.Errorf("from env: got %q, %v; want from-env", got, err)
		}
		if _, err := webhookSecret("from-env", file); err == nil {
			t.Error("both: got nil error, want one")
		}
		empty := filepath.Join(dir, "empty")
		os.WriteFile(empty, []byte("\n"), 0o600)
		if _, err := webhookSecret("", empty); err == nil {
			t.Error("empty file: got nil error, want one")
		}
	})
}

// TestSecondServeIsRefused runs two baton processes on one file: the second
// refuses to start, saying why, and so does a one-off command that writes.
func TestSecondServeIsRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	t.Parallel()
	db := filepath.Join(t.TempDir(), "baton.db")
	batontest.FreshFile(t, db) // migrated already: what is checked is the lock
	s := start(t, db)
	if resp, err := http.Get(s.url + "/readyz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("readyz: got %v %v, want 200", resp, err)
	} else {
		resp.Body.Close()
	}
	for _, args := range [][]string{
		{"serve", "--db", db, "--addr", "127.0.0.1:0"},
		{"token", "create", "--db", db, "--user", "x@t.example"},
	} {
		out, err := batonCmd(t, nil, args...).CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			t.Errorf("%v: got %v, want exit 1", args[0], err)
		}
		if !strings.Contains(string(out), "in use by another Baton process (pid") {
			t.Errorf("%v: got %q, want it to say another process holds the file", args[0], out)
		}
	}
	// The real binary's exit codes for help and version.
	for _, args := range [][]string{{"serve", "--help"}, {"version"}} {
		if out, err := batonCmd(t, nil, args...).CombinedOutput(); err != nil {
			t.Errorf("%v: got %v (%s), want exit 0", args, err, out)
		}
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	<-s.done
}
