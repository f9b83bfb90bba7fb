package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/batontest"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/sqlite"
)

func TestPlaybookCheck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	broken, err := filepath.Glob("../../playbook/testdata/broken/*.yaml")
	if err != nil || len(broken) < 5 {
		t.Fatalf("got %d broken fixtures, %v", len(broken), err)
	}
	for _, f := range broken {
		var out bytes.Buffer
		err := run(ctx, []string{"playbook", "check", f}, &out, &out)
		if err == nil {
			t.Errorf("%s: got success, want an error", f)
		}
		if !strings.Contains(out.String(), f+":") {
			t.Errorf("%s: output does not name file:line: %q", f, out.String())
		}
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"playbook", "default"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "default.yaml")
	if err := writeFile(path, out.Bytes()); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, []string{"playbook", "check", path}, &out, &out); err != nil || !strings.Contains(out.String(), "ok") {
		t.Errorf("default playbook: got %v %q, want ok", err, out.String())
	}
}

func writeFile(path string, b []byte) error { return os.WriteFile(path, b, 0o600) }

func TestRouteSimulate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "baton.db")
	db := batontest.OpenStore(t, path, sqlite.Options{})
	svc := service.New(db, baton.SystemClock{}, playbook.Default(), nil)
	for _, u := range []baton.User{
		{Email: "sdr@t.example", Name: "S", Role: baton.RoleSDR, Team: "sdr", TimeZone: "UTC", WorkingHours: "24x7", Active: true},
		{Email: "ops@t.example", Name: "O", Role: baton.RoleOps, Team: "ops", TimeZone: "UTC", WorkingHours: "24x7", Active: true},
	} {
		if _, err := svc.PutUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	candidate := strings.Replace(string(playbook.DefaultYAML()), "  rules: []\n",
		"  rules:\n    - name: big_to_ops\n      when: account.employees >= 1000\n      to: {team: ops}\n", 1)
	files := map[string]string{
		"candidate.yaml": candidate,
		"signals.csv": "external_id,type,email,company,domain,employees,lead_score\n" +
			"s1,demo_request,ana@big.example,Big Co,big.example,5000,\n" +
			"s2,demo_request,bo@small.example,Small Co,small.example,20,\n" +
			"s3,content_download,cy@small.example,Small Co,small.example,20,80\n",
	}
	for name, body := range files {
		if err := writeFile(filepath.Join(dir, name), []byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	err := run(ctx, []string{"route", "simulate", "--db", path, "--playbook", filepath.Join(dir, "candidate.yaml"), "--signals", filepath.Join(dir, "signals.csv")}, &out, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{"3 signals, 3 routed, 1 would change", "s1", "big_to_ops", "ops@t.example", "team:sdr"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}
