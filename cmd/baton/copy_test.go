package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/postgres"
	"github.com/batonhq/baton/postgres/pgtest"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/sqlite"
)

// snapshot is what a team sees of its data: every handoff, every event,
// the outbox and pending timers, and the metrics of the window by every
// dimension and the dashboard.
type snapshot struct {
	Handoffs  []*baton.Handoff
	Events    []*baton.Event
	Messages  map[string]int
	Timers    int
	Metrics   map[string]metrics.Report
	Dashboard metrics.Dashboard
}

func takeSnapshot(t *testing.T, db baton.Store, from, to time.Time) snapshot {
	t.Helper()
	ctx := context.Background()
	var s snapshot
	err := db.View(ctx, func(tx baton.Tx) error {
		f := baton.HandoffFilter{Limit: 500}
		for {
			page, next, err := tx.Handoffs(ctx, f)
			if err != nil {
				return err
			}
			s.Handoffs = append(s.Handoffs, page...)
			if next == "" {
				break
			}
			f.Cursor = next
		}
		for _, h := range s.Handoffs {
			ts, err := tx.PendingTimers(ctx, h.ID)
			if err != nil {
				return err
			}
			s.Timers += len(ts)
		}
		var err error
		if s.Messages, err = tx.MessageCounts(ctx); err != nil {
			return err
		}
		return tx.EventsBetween(ctx, time.Unix(0, 0), to.Add(365*24*time.Hour), func(e *baton.Event) error {
			s.Events = append(s.Events, e)
			return nil
		})
	})
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	svc := service.New(db, baton.SystemClock{}, playbook.Default(), nil)
	admin := baton.Principal{UserID: "copy-test", Access: baton.AccessAdmin, Name: "copy test"}
	s.Metrics = map[string]metrics.Report{}
	for _, by := range metrics.Dims {
		r, err := svc.Metrics(ctx, admin, from, to, by)
		if err != nil {
			t.Fatalf("metrics by %s: %v", by, err)
		}
		s.Metrics[by] = r
	}
	if s.Dashboard, err = svc.Dashboard(ctx, admin, from, to); err != nil {
		t.Fatalf("dashboard: %v", err)
	}
	return s
}

// TestCopyDemoToPostgres copies a demo SQLite database (the one `baton
// serve --demo` loaded, see servedDemo) to PostgreSQL with baton copy and
// finds the same handoffs, events, outbox, timers and metrics on both; a
// second copy into the now non-empty database is refused.
func TestCopyDemoToPostgres(t *testing.T) {
	startServedDemo()
	t.Parallel()
	ctx := context.Background()
	url := pgtest.Schema(t)
	serveDemo(t)
	// A copy of its own: the source is only read, but opening it may leave
	// a write-ahead log beside it.
	path := filepath.Join(t.TempDir(), "demo.db")
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(servedDemo.db + suffix)
		if suffix != "" && errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	code, stdout, stderr := runCLI("copy", "--from", "sqlite://"+path, "--to", url)
	if code != 0 {
		t.Fatalf("copy: got exit %d, %s %s; want 0", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "handoff_events") {
		t.Errorf("copy output: got %q, want the tables counted", stdout)
	}

	to := time.Now().UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	from := to.Add(-14 * 24 * time.Hour)
	src, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := postgres.Open(ctx, url, postgres.Options{Writers: 1, ReadConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	want, got := takeSnapshot(t, src, from, to), takeSnapshot(t, dst, from, to)
	if len(want.Handoffs) < servedDemo.handoffs || len(want.Events) == 0 {
		t.Fatalf("source: got %d handoffs and %d events, want at least the demo's %d handoffs and some events", len(want.Handoffs), len(want.Events), servedDemo.handoffs)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("PostgreSQL after copy (-sqlite +postgres):\n%s", diff)
	}

	// New events continue the log's sequence.
	if err := dst.Update(ctx, func(tx baton.Tx) error {
		e := &baton.Event{HandoffID: want.Handoffs[0].ID, Kind: "note", At: time.Now(), Actor: "system"}
		if err := tx.AppendEvent(ctx, e); err != nil {
			return err
		}
		if last := want.Events[len(want.Events)-1].Seq; e.Seq <= last {
			t.Errorf("event appended after the copy: got seq %d, want more than %d", e.Seq, last)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	if code, _, stderr := runCLI("copy", "--from", "sqlite://"+path, "--to", url); code == 0 || !strings.Contains(stderr, "already has Baton data") {
		t.Errorf("second copy: got exit %d, %q; want it refused for existing data", code, stderr)
	}
}
