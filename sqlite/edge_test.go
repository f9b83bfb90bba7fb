package sqlite_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	msqlite "modernc.org/sqlite"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/sqlite"
	"github.com/google/go-cmp/cmp"
)

// steps holds the per-test callbacks of the SQL function baton_test_step(key,
// x), which a recursive query calls once per row and stops at the first
// false.
var steps sync.Map // key → func(x int64) bool

func init() {
	msqlite.MustRegisterScalarFunction("baton_test_step", 2, func(_ *msqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		key, _ := args[0].(string)
		f, ok := steps.Load(key)
		if !ok {
			return nil, fmt.Errorf("no step function %q", key)
		}
		x, _ := args[1].(int64)
		return f.(func(int64) bool)(x), nil
	})
}

func TestUpdateCallerGoesAway(t *testing.T) {
	t.Parallel()

	// The middle caller of a batch of three is cancelled while its write
	// statement runs. Had the statement run on the caller's context, the
	// driver would interrupt it and SQLite would roll back the whole shared
	// transaction: the first caller's write lost, the last one's stored in
	// autocommit yet answered with an error.
	t.Run("CancelledMidStatementChangesNoOtherCallersOutcome", func(t *testing.T) {
		t.Parallel()
		db, _ := newDB(t, sqlite.Options{})
		var sizes batchSizes
		db.SetBatchHook(sizes.hook)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		const rows = 1000
		steps.Store(t.Name(), func(x int64) bool {
			if x == 1 {
				cancel() // the caller goes away mid-statement
			}
			if x <= 100 {
				runtime.Gosched() // let an interrupt, if any, land
			}
			return x < rows
		})
		defer steps.Delete(t.Name())

		release := blockWriter(t, db, nil)
		before := updateAsync(db, put("before", "1"))
		waitQueued(t, db, 1)
		middle := make(chan error, 1)
		go func() {
			middle <- db.Update(ctx, func(tx baton.Tx) error {
				return tx.(*sqlite.Tx).Exec(ctx, `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE baton_test_step(?, x))
					INSERT INTO settings (key, value) SELECT 'middle', count(*) FROM c`, t.Name())
			})
		}()
		waitQueued(t, db, 2)
		after := updateAsync(db, put("after", "1"))
		waitQueued(t, db, 3)
		if err := release(); err != nil {
			t.Fatalf("blocking update: got error %v, want nil", err)
		}
		for name, errc := range map[string]<-chan error{"before": before, "after": after} {
			if err := receive(t, name, errc); err != nil {
				t.Errorf("update %s: got error %v, want nil", name, err)
			}
		}
		// The middle caller's work ran to the end and committed: its answer
		// says so, though nobody is left to read it.
		if err := receive(t, "middle", middle); err != nil {
			t.Errorf("middle update: got error %v, want nil (its write committed)", err)
		}
		if diff := cmp.Diff([]int{1, 3}, sizes.get()); diff != "" {
			t.Errorf("batch sizes (-want +got):\n%s", diff)
		}
		wantSetting(t, db, "before", "1")
		wantSetting(t, db, "middle", fmt.Sprint(rows))
		wantSetting(t, db, "after", "1")
	})

	// Whatever ends the shared transaction early (a full disk, an I/O
	// error; here an explicit ROLLBACK), nobody after it runs outside a
	// transaction and nobody is told their work committed.
	t.Run("AbortedSharedTransactionTellsEveryoneAndStoresNothing", func(t *testing.T) {
		t.Parallel()
		db, _ := newDB(t, sqlite.Options{})
		release := blockWriter(t, db, nil)
		before := updateAsync(db, put("before", "1"))
		waitQueued(t, db, 1)
		aborting := updateAsync(db, func(tx baton.Tx) error {
			if err := tx.(*sqlite.Tx).Exec(context.Background(), "ROLLBACK"); err != nil {
				return err
			}
			return errBoom
		})
		waitQueued(t, db, 2)
		after := updateAsync(db, put("after", "1"))
		waitQueued(t, db, 3)
		if err := release(); err != nil {
			t.Fatalf("blocking update: got error %v, want nil", err)
		}
		if err := receive(t, "aborting", aborting); !errors.Is(err, errBoom) {
			t.Errorf("aborting update: got error %v, want %v", err, errBoom)
		}
		for name, errc := range map[string]<-chan error{"before": before, "after": after} {
			if err := receive(t, name, errc); err == nil {
				t.Errorf("update %s: got nil error, want one (the transaction was aborted)", name)
			}
		}
		wantNoSetting(t, db, "before")
		wantNoSetting(t, db, "after")
		mustUpdate(t, db, put("later", "1"))
		wantSetting(t, db, "later", "1")
	})

	t.Run("CancelledBeforeItsTurnIsSkippedAndOthersCommit", func(t *testing.T) {
		t.Parallel()
		db, _ := newDB(t, sqlite.Options{})
		release := blockWriter(t, db, nil)
		before := updateAsync(db, put("before", "1"))
		waitQueued(t, db, 1)
		ctx, cancel := context.WithCancel(context.Background())
		middle := make(chan error, 1)
		go func() { middle <- db.Update(ctx, put("middle", "1")) }()
		waitQueued(t, db, 2)
		after := updateAsync(db, put("after", "1"))
		waitQueued(t, db, 3)
		cancel()
		if err := release(); err != nil {
			t.Fatalf("blocking update: got error %v, want nil", err)
		}
		if err := receive(t, "middle", middle); !errors.Is(err, context.Canceled) {
			t.Errorf("middle update: got error %v, want %v", err, context.Canceled)
		}
		for name, errc := range map[string]<-chan error{"before": before, "after": after} {
			if err := receive(t, name, errc); err != nil {
				t.Errorf("update %s: got error %v, want nil", name, err)
			}
		}
		wantSetting(t, db, "before", "1")
		wantNoSetting(t, db, "middle")
		wantSetting(t, db, "after", "1")
	})
}

func TestOpenLock(t *testing.T) {
	t.Parallel()

	t.Run("RefusesASecondStoreOnTheSameFile", func(t *testing.T) {
		t.Parallel()
		db, path := newDB(t, sqlite.Options{})
		second, err := sqlite.Open(context.Background(), path, sqlite.Options{})
		if err == nil {
			second.Close()
			t.Fatal("second open: got nil error, want the file refused")
		}
		if msg := err.Error(); !strings.Contains(msg, "in use by another Baton process") || !strings.Contains(msg, path) {
			t.Errorf("second open: got %q, want it to name the file and say it is in use", msg)
		}
		// The first store is unharmed.
		mustUpdate(t, db, put("k", "v"))
		wantSetting(t, db, "k", "v")
	})

	t.Run("ReleasesTheLockOnClose", func(t *testing.T) {
		t.Parallel()
		db, path := newDB(t, sqlite.Options{})
		mustUpdate(t, db, put("k", "v"))
		if err := db.Close(); err != nil {
			t.Fatalf("close: got error %v, want nil", err)
		}
		db = openDB(t, path, sqlite.Options{})
		wantSetting(t, db, "k", "v")
	})

	t.Run("ReadOnlyReadsAFileAnotherStoreOwns", func(t *testing.T) {
		t.Parallel()
		db, path := newDB(t, sqlite.Options{})
		mustUpdate(t, db, put("k", "v"))
		ro := openDB(t, path, sqlite.Options{ReadOnly: true})
		wantSetting(t, ro, "k", "v")
		mustUpdate(t, db, put("k", "v2"))
		wantSetting(t, ro, "k", "v2")
		if err := ro.Update(context.Background(), put("x", "1")); err == nil {
			t.Error("update on a read-only store: got nil error, want one")
		}
	})

	t.Run("ReadOnlyDoesNotCreateAFile", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "missing.db")
		db, err := sqlite.Open(context.Background(), path, sqlite.Options{ReadOnly: true})
		if err == nil {
			db.Close()
			t.Fatal("read-only open of a missing file: got nil error, want one")
		}
	})
}

// lockElsewhere takes SQLite's write lock on path from a connection outside
// the store, as another process or a backup would, until release is called.
func lockElsewhere(t *testing.T, path string) (release func()) {
	t.Helper()
	other, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	other.SetMaxOpenConns(1)
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatalf("lock from another connection: %v", err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			conn.ExecContext(context.Background(), "ROLLBACK")
			conn.Close()
			other.Close()
		})
	}
	t.Cleanup(release)
	return release
}

func TestUnavailable(t *testing.T) {
	t.Parallel()

	t.Run("LockedFileIsUnavailableNotInternal", func(t *testing.T) {
		t.Parallel()
		db, path := newDB(t, sqlite.Options{BusyTimeout: 5 * time.Millisecond})
		release := lockElsewhere(t, path)
		err := db.Update(context.Background(), put("k", "v"))
		wantCode(t, "update while locked", err, baton.EUNAVAILABLE)
		wantCode(t, "ready while locked", db.Ready(context.Background()), baton.EUNAVAILABLE)
		release()
		mustUpdate(t, db, put("k", "v"))
		if err := db.Ready(context.Background()); err != nil {
			t.Errorf("ready after the lock is gone: got error %v, want nil", err)
		}
	})

	t.Run("ReadyFailsWhenTheWriterDoesNotAnswerInTime", func(t *testing.T) {
		t.Parallel()
		db, _ := newDB(t, sqlite.Options{})
		release := blockWriter(t, db, nil)
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // the probe's deadline has passed
		wantCode(t, "ready with a stuck writer", db.Ready(ctx), baton.EUNAVAILABLE)
		if err := release(); err != nil {
			t.Fatalf("blocking update: got error %v, want nil", err)
		}
		if err := db.Ready(context.Background()); err != nil {
			t.Errorf("ready once the writer is free: got error %v, want nil", err)
		}
	})
}
