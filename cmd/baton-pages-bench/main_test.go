package main

import (
	"context"
	"io"
	"testing"
	"time"
)

// TestBenchSmall seeds a small database, reuses it on a second run, and
// requests every page once per person: every page answers 200.
func TestBenchSmall(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/pages.db"
	cfg := seedConfig{Handoffs: 2000, Users: 40, Span: 60 * 24 * time.Hour, Seed: 1, Now: time.Now().UTC()}
	for run := range 2 {
		got, err := bench(ctx, path, cfg, benchOptions{Requests: 1}, io.Discard)
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		if len(got) != 46 {
			t.Errorf("run %d: got %d pages, want 46", run, len(got))
		}
		if n, err := countHandoffs(ctx, path); err != nil || n != cfg.Handoffs {
			t.Errorf("run %d: got %d handoffs (%v), want %d", run, n, err, cfg.Handoffs)
		}
	}
}
