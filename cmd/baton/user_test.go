package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
)

func TestUserAndTokenCommands(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "baton.db")
	runOK := func(t *testing.T, args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := run(ctx, args, &out, &out); err != nil {
			t.Fatalf("baton %s: %v\n%s", strings.Join(args, " "), err, out.String())
		}
		return out.String()
	}

	runOK(t, "migrate", "--db", db)
	cmd := batonCmd(t, nil, "user", "add", "--db", db, "--email", "Ann@T.example", "--name", "Ann Admin", "--role", "admin", "--password-stdin")
	cmd.Stdin = strings.NewReader("ann-long-password\n")
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "added ann@t.example (Ann Admin, admin, team revops)") {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	if out := runOK(t, "user", "add", "--db", db, "--email", "ann@t.example", "--role", "manager"); !strings.Contains(out, "updated ann@t.example (Ann Admin, manager") {
		t.Errorf("user add again: got %q, want an update to manager keeping the name", out)
	}
	secret := strings.TrimSpace(runOK(t, "token", "create", "--db", db, "--user", "ann@t.example", "--name", "ci", "--expires", "90d"))
	if !strings.HasPrefix(secret, "bt_") {
		t.Fatalf("token create: got %q, want a bt_ secret", secret)
	}
	list := runOK(t, "token", "list", "--db", db, "--user", "ann@t.example")
	if !strings.Contains(list, "ann@t.example") || !strings.Contains(list, "ci") || !strings.Contains(list, "active") {
		t.Fatalf("token list: got\n%s", list)
	}
	id := strings.Fields(strings.Split(list, "\n")[1])[0]

	svc, closeDB, err := openService(ctx, db, playbook.Default())
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.Authenticate(ctx, secret)
	if err != nil || p.Email != "ann@t.example" || p.Access != baton.AccessManager {
		t.Errorf("got %+v, %v; want the token acting as Ann, a manager", p, err)
	}
	if _, _, err := svc.SignIn(ctx, "ann@t.example", "ann-long-password", "127.0.0.1"); err != nil {
		t.Errorf("sign in with the password from stdin: %v", err)
	}
	closeDB()

	if out := runOK(t, "token", "revoke", "--db", db, id); !strings.Contains(out, "revoked token "+id) {
		t.Errorf("token revoke: got %q", out)
	}
	if list := runOK(t, "token", "list", "--db", db); !strings.Contains(list, "revoked") {
		t.Errorf("token list after revoke: got\n%s", list)
	}
	for _, bad := range [][]string{
		{"user", "add", "--db", db, "--email", "x@t.example", "--role", "owner"},
		{"token", "create", "--db", db},
		{"token", "revoke", "--db", db},
	} {
		var out bytes.Buffer
		var ue usageError
		if err := run(ctx, bad, &out, &out); err == nil || !asUsage(err, &ue) {
			t.Errorf("baton %s: got %v, want a usage error", strings.Join(bad, " "), err)
		}
	}
}

func asUsage(err error, ue *usageError) bool {
	u, ok := err.(usageError)
	*ue = u
	return ok
}
