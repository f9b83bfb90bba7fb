package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
