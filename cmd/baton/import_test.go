package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/sqlite"
)

func TestImportCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := newDBFile(t)
	dir := filepath.Dir(db)
	cli := func(args ...string) (string, error) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		err := run(ctx, args, &stdout, &stderr)
		return stdout.String(), err
	}

	out, err := cli("import", "users", "--db", db, "../../testdata/users.csv")
	if err != nil {
		t.Fatalf("import users: %v (stdout %q)", err, out)
	}
	if want := "../../testdata/users.csv: 5 users created, 0 updated\n"; out != want {
		t.Errorf("got stdout %q, want %q", out, want)
	}
	// Flags may follow the file.
	out, err = cli("import", "accounts", "../../testdata/accounts.csv", "--db", db)
	if err != nil {
		t.Fatalf("import accounts: %v (stdout %q)", err, out)
	}
	if want := "../../testdata/accounts.csv: 4 accounts created, 0 updated\n"; out != want {
		t.Errorf("got stdout %q, want %q", out, want)
	}
	out, err = cli("import", "users", "--db", db, "../../testdata/users.csv")
	if want := "../../testdata/users.csv: 0 users created, 5 updated\n"; err != nil || out != want {
		t.Errorf("re-import: got %q, %v; want %q", out, err, want)
	}

	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("email,name,role,team,timezone\nz@x.example,Z,sdr,sdr,UTC\ny@x.example,Y,sdr,sdr,Mars/Base\n"+
		"x@x.example,X,wizard,sdr,UTC\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = cli("import", "users", "--db", db, bad)
	if err == nil || !strings.Contains(err.Error(), "nothing was imported") {
		t.Errorf("got error %v, want one saying nothing was imported", err)
	}
	want := bad + `: row 3, column timezone: "Mars/Base" is not an IANA time zone` + "\n" +
		bad + `: row 4, column role: "wizard" must be one of sdr, ae, se, csm, am, manager, ops, admin` + "\n"
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("stdout (-want +got):\n%s", diff)
	}

	for _, args := range [][]string{{"import"}, {"import", "contacts", bad}, {"import", "users", "--db", db}, {"import", "users", "--db", db, bad, bad}} {
		var ue usageError
		if _, err := cli(args...); !errors.As(err, &ue) {
			t.Errorf("%v: got %v, want a usage error", args, err)
		}
	}

	store, err := sqlite.Open(ctx, db, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var users []*baton.User
	err = store.View(ctx, func(tx baton.Tx) error {
		users, err = tx.Users(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(users); got != 5 {
		t.Errorf("got %d users in the database, want 5 (the failed import wrote nothing)", got)
	}
}

func TestImportOutcomesCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := newDBFile(t)
	dir := filepath.Dir(db)
	cli := func(args ...string) (string, error) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		err := run(ctx, args, &stdout, &stderr)
		return stdout.String(), err
	}
	if out, err := cli("import", "users", "--db", db, "../../testdata/users.csv"); err != nil {
		t.Fatalf("import users: %v (stdout %q)", err, out)
	}
	past := filepath.Join(dir, "past.csv")
	if err := os.WriteFile(past, []byte("owner,held_at,outcome,external_id\n"+
		"sam.sdr@example.com,2025-03-02,closed won,c1\nsue.sdr@example.com,2025-03-03,no show,c2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := cli("import", "outcomes", "--db", db, past, "--dry-run")
	if want := past + ": dry run, nothing written: 2 outcomes would be created, 0 updated\n"; err != nil || out != want {
		t.Errorf("dry run: got %q, %v; want %q", out, err, want)
	}
	out, err = cli("import", "outcomes", "--db", db, past)
	if want := past + ": 2 outcomes created, 0 updated\n"; err != nil || out != want {
		t.Errorf("import: got %q, %v; want %q", out, err, want)
	}
	out, err = cli("import", "outcomes", past, "--db", db)
	if want := past + ": 0 outcomes created, 2 updated\n"; err != nil || out != want {
		t.Errorf("re-import: got %q, %v; want %q", out, err, want)
	}

	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("owner,held_at,outcome\nzed@acme.example,2025-03-02,won\nsam.sdr@example.com,2025-03-02,perhaps\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = cli("import", "outcomes", "--db", db, bad)
	if err == nil || !strings.Contains(err.Error(), "nothing was imported") {
		t.Errorf("got error %v, want one saying nothing was imported", err)
	}
	if !strings.Contains(out, bad+`: row 2, column owner: "zed@acme.example" is not a user in Baton`) || !strings.Contains(out, bad+`: row 3, column outcome: "perhaps"`) {
		t.Errorf("got stdout %q, want each row's error", out)
	}
	var ue usageError
	if _, err := cli("import", "accounts", "--db", db, "--dry-run", "../../testdata/accounts.csv"); !errors.As(err, &ue) {
		t.Errorf("accounts --dry-run: got %v, want a usage error", err)
	}

	store, err := sqlite.Open(ctx, db, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	n := 0
	err = store.View(ctx, func(tx baton.Tx) error {
		return tx.PastMeetings(ctx, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Now(), func(*baton.PastMeeting) error { n++; return nil })
	})
	if err != nil || n != 2 {
		t.Errorf("got %d past meetings (%v), want 2", n, err)
	}
}

func TestImportSignalsCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := newDBFile(t)
	cli := func(args ...string) (string, string, error) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		err := run(ctx, args, &stdout, &stderr)
		return stdout.String(), stderr.String(), err
	}
	if _, _, err := cli("import", "users", "--db", db, "../../testdata/users.csv"); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "leads.csv")
	var b strings.Builder
	b.WriteString("type,email,company,domain\n")
	for i := range 40 {
		b.WriteString("demo_request,buyer" + string(rune('a'+i%26)) + strings.Repeat("x", i/26) + "@lead.example,Lead,lead.example\n")
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	out, _, err := cli("import", "signals", "--db", db, file, "--dry-run")
	if want := file + ": dry run, nothing written: 40 rows checked\n"; err != nil || out != want {
		t.Errorf("dry run: got %q, %v; want %q", out, err, want)
	}
	out, progress, err := cli("import", "signals", "--db", db, file)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if !strings.Contains(out, ": 40 rows in ") || !strings.Contains(out, "already imported") {
		t.Errorf("got stdout %q, want the counts and the rate", out)
	}
	// Not a terminal: a line per 10 %, ending at 100 %.
	if lines := strings.Split(strings.TrimSpace(progress), "\n"); len(lines) < 2 || !strings.HasPrefix(lines[len(lines)-1], "100%  40/40 rows") {
		t.Errorf("got progress %q, want lines ending at 100%%  40/40 rows", progress)
	}
	out, _, err = cli("import", "signals", "--db", db, file)
	if err != nil || !strings.Contains(out, "0 handoffs created, 0 joined open ones, 0 started none, 40 already imported") {
		t.Errorf("again: got %q, %v; want every row already imported", out, err)
	}

	bad := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(bad, []byte("type,email\ndemo_request,a@x.example\nteleport,b@x.example\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err = cli("import", "signals", "--db", db, bad)
	if err == nil || !strings.Contains(err.Error(), "nothing was imported") || !strings.Contains(out, "row 3, column type") {
		t.Errorf("got %q, %v; want row 3's type named and nothing imported", out, err)
	}
}

// TestImportFailed: every import, signals or not, prints a rejected file's
// row errors the same way, one a line after the file's name, and fails
// with the error's message; other errors are wrapped.
func TestImportFailed(t *testing.T) {
	t.Parallel()
	rejected := &baton.Error{Code: baton.EINVALID, Message: "2 rows are invalid; nothing was imported", Fields: []baton.FieldError{
		{Field: "row 3, column type", Message: `"teleport" is not a signal type`},
		{Field: "row 4", Message: "email is required"},
	}}
	disk := errors.New("disk full")
	const hint = " (run it again to go on: rows already imported are skipped)"
	for _, tc := range []struct {
		name, kind, hint string
		err              error
		wantOut, wantErr string
	}{
		{"RejectedSignalsListRows", "signals", hint, rejected,
			"s.csv: row 3, column type: \"teleport\" is not a signal type\ns.csv: row 4: email is required\n",
			"import signals from s.csv: 2 rows are invalid; nothing was imported"},
		{"RejectedUsersListRows", "users", "", rejected,
			"s.csv: row 3, column type: \"teleport\" is not a signal type\ns.csv: row 4: email is required\n",
			"import users from s.csv: 2 rows are invalid; nothing was imported"},
		{"InternalSignalsSayRunAgain", "signals", hint, disk, "",
			"import signals from s.csv (run it again to go on: rows already imported are skipped): disk full"},
		{"InternalUsersWrapped", "users", "", fmt.Errorf("sqlite: %w", &baton.Error{Code: baton.EINTERNAL, Message: "locked"}), "",
			"import users from s.csv: sqlite: baton: internal: locked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			err := importFailed(&out, tc.kind, "s.csv", tc.hint, tc.err)
			if err == nil || err.Error() != tc.wantErr {
				t.Errorf("got error %v, want %q", err, tc.wantErr)
			}
			if d := cmp.Diff(tc.wantOut, out.String()); d != "" {
				t.Errorf("stdout (-want +got):\n%s", d)
			}
			if tc.err == disk && !errors.Is(err, disk) {
				t.Errorf("got %v, want it to wrap %v", err, disk)
			}
		})
	}
}
