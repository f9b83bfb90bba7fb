package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
