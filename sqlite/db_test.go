package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/sqlite"
	"github.com/google/go-cmp/cmp"
)

// waitLimit bounds every wait on another goroutine; reaching it means a hang.
const waitLimit = 10 * time.Second

var errBoom = errors.New("boom")

// newDB opens a store on a fresh file (a copy of a migrated empty store,
// see sqlite.CopyMigrated), closed when the test ends.
func newDB(t *testing.T, opts sqlite.Options) (*sqlite.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "baton.db")
	sqlite.CopyMigrated(t, path)
	return openDB(t, path, opts), path
}

// openMigrated is sqlite.Open with synchronous NORMAL on a copy of a
// migrated empty store at path.
func openMigrated(t *testing.T, path string) (*sqlite.DB, error) {
	t.Helper()
	sqlite.CopyMigrated(t, path)
	return sqlite.Open(context.Background(), path, sqlite.Options{Synchronous: "NORMAL"})
}

func openDB(t *testing.T, path string, opts sqlite.Options) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path, opts)
	if err != nil {
		t.Fatalf("open %s: got error %v, want nil", path, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close: got error %v, want nil", err)
		}
	})
	return db
}

func mustUpdate(t *testing.T, db *sqlite.DB, fn func(baton.Tx) error) {
	t.Helper()
	if err := db.Update(context.Background(), fn); err != nil {
		t.Fatalf("update: got error %v, want nil", err)
	}
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := baton.ErrorCode(err); got != code {
		t.Errorf("%s: got error %v (code %q), want code %q", what, err, got, code)
	}
}

// receive waits for one value from ch, failing the test if none comes.
func receive[T any](t *testing.T, what string, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitLimit):
		t.Fatalf("%s: got nothing after %v, want a result", what, waitLimit)
		panic("unreachable")
	}
}

// blockWriter starts an Update that runs fn (which may be nil) and then holds
// the writer inside its transaction until release is called. release returns
// the Update's result.
func blockWriter(t *testing.T, db *sqlite.DB, fn func(baton.Tx) error) (release func() error) {
	t.Helper()
	entered, hold := make(chan struct{}), make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		errc <- db.Update(context.Background(), func(tx baton.Tx) error {
			var err error
			if fn != nil {
				err = fn(tx)
			}
			close(entered)
			<-hold
			return err
		})
	}()
	receive(t, "blocking update entering its transaction", entered)
	var once sync.Once
	open := func() { once.Do(func() { close(hold) }) }
	t.Cleanup(open) // runs before the store's Close if the test stops early
	return func() error {
		t.Helper()
		open()
		return receive(t, "blocking update", errc)
	}
}

// waitQueued waits until n Update calls wait in the writer's queue.
func waitQueued(t *testing.T, db *sqlite.DB, n int) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for db.Queued() < n {
		if time.Now().After(deadline) {
			t.Fatalf("queued updates: got %d after %v, want %d", db.Queued(), waitLimit, n)
		}
		runtime.Gosched()
	}
}

// batchSizes records the sizes the writer's batch hook sees.
type batchSizes struct {
	mu    sync.Mutex
	sizes []int
}

func (b *batchSizes) hook(n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sizes = append(b.sizes, n)
}

func (b *batchSizes) get() []int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]int(nil), b.sizes...)
}

func put(key, value string) func(baton.Tx) error {
	return func(tx baton.Tx) error { return tx.PutSetting(context.Background(), key, []byte(value)) }
}

// setting reads key in a View: its value, or "" and the error.
func setting(t *testing.T, db *sqlite.DB, key string) (string, error) {
	t.Helper()
	var v []byte
	err := db.View(context.Background(), func(tx baton.Tx) error {
		var err error
		v, err = tx.Setting(context.Background(), key)
		return err
	})
	return string(v), err
}

func wantSetting(t *testing.T, db *sqlite.DB, key, want string) {
	t.Helper()
	got, err := setting(t, db, key)
	if err != nil {
		t.Errorf("setting %s: got error %v, want %q", key, err, want)
	} else if got != want {
		t.Errorf("setting %s: got %q, want %q", key, got, want)
	}
}

func wantNoSetting(t *testing.T, db *sqlite.DB, key string) {
	t.Helper()
	got, err := setting(t, db, key)
	if err == nil {
		t.Errorf("setting %s: got %q, want ENOTFOUND", key, got)
		return
	}
	wantCode(t, "setting "+key, err, baton.ENOTFOUND)
}

// updateAsync starts an Update and returns where its result arrives.
func updateAsync(db *sqlite.DB, fn func(baton.Tx) error) <-chan error {
	errc := make(chan error, 1)
	go func() { errc <- db.Update(context.Background(), fn) }()
	return errc
}

func TestOpen(t *testing.T) {
	t.Parallel()

	t.Run("RejectsUnknownSynchronous", func(t *testing.T) {
		t.Parallel()
		db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "baton.db"), sqlite.Options{Synchronous: "OFF"})
		if err == nil {
			db.Close()
			t.Fatal("open with synchronous OFF: got nil error, want one")
		}
	})

	t.Run("MigratesANewFileWithNormalSynchronous", func(t *testing.T) {
		t.Parallel()
		db := openDB(t, filepath.Join(t.TempDir(), "baton.db"), sqlite.Options{Synchronous: "NORMAL"})
		mustUpdate(t, db, put("k", "v"))
		wantSetting(t, db, "k", "v")
	})
}

func TestUpdate(t *testing.T) {
	t.Parallel()

	t.Run("CommitsConcurrentUpdatesInOneBatch", func(t *testing.T) {
		t.Parallel()
		db, _ := newDB(t, sqlite.Options{})
		var sizes batchSizes
		db.SetBatchHook(sizes.hook)
		release := blockWriter(t, db, put("blocker", "1"))

		const n = 199 // 200 writers with the blocker
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				errs[i] = db.Update(context.Background(), put(fmt.Sprintf("k%03d", i), fmt.Sprint(i)))
			})
		}
		waitQueued(t, db, n)
		if err := release(); err != nil {
			t.Fatalf("blocking update: got error %v, want nil", err)
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("update %d: got error %v, want nil", i, err)
			}
		}
		if diff := cmp.Diff([]int{1, n}, sizes.get()); diff != "" {
			t.Errorf("batch sizes (-want +got):\n%s", diff)
		}
		wantSetting(t, db, "blocker", "1")
		for i := range n {
			wantSetting(t, db, fmt.Sprintf("k%03d", i), fmt.Sprint(i))
		}
	})

	t.Run("CapsBatchAtMaxBatch", func(t *testing.T) {
		t.Parallel()
		db, _ := newDB(t, sqlite.Options{MaxBatch: 10})
		var sizes batchSizes
		db.SetBatchHook(sizes.hook)
		release := blockWriter(t, db, nil)
		// The queue holds MaxBatch calls; the rest wait to enter it and join
		// later batches, so only the total and the cap are certain.
		const n = 25
		var results []<-chan error
		for i := range n {
			results = append(results, updateAsync(db, put(fmt.Sprintf("k%02d", i), "v")))
		}
		waitQueued(t, db, 10)
		if err := release(); err != nil {
			t.Fatalf("blocking update: got error %v, want nil", err)
		}
		for i, errc := range results {
			if err := receive(t, "update", errc); err != nil {
				t.Errorf("update %d: got error %v, want nil", i, err)
			}
		}
		got := sizes.get()
		total := 0
		for _, s := range got {
			total += s
			if s > 10 {
				t.Errorf("batch sizes %v: got a batch of %d, want at most MaxBatch 10", got, s)
			}
		}
		if total != n+1 {
			t.Errorf("batch sizes %v: got %d updates in all, want %d", got, total, n+1)
		}
		if len(got) < 2 || got[1] != 10 {
			t.Errorf("batch sizes %v: got a second batch other than 10, want a full batch from the full queue", got)
		}
	})

	t.Run("RollsBackOnlyTheFailingCallersWritesInASharedBatch", func(t *testing.T) {
		t.Parallel()
		db, _ := newDB(t, sqlite.Options{})
		var sizes batchSizes
		db.SetBatchHook(sizes.hook)
		release := blockWriter(t, db, nil)
		before := updateAsync(db, put("before", "1"))
		failing := updateAsync(db, func(tx baton.Tx) error {
			if err := tx.PutSetting(context.Background(), "failing", []byte("1")); err != nil {
				return err
			}
			return errBoom
		})
		after := updateAsync(db, put("after", "1"))
		waitQueued(t, db, 3)
		if err := release(); err != nil {
			t.Fatalf("blocking update: got error %v, want nil", err)
		}
		if err := receive(t, "failing update", failing); !errors.Is(err, errBoom) {
			t.Errorf("failing update: got error %v, want %v", err, errBoom)
		}
		for name, errc := range map[string]<-chan error{"before": before, "after": after} {
			if err := receive(t, name, errc); err != nil {
				t.Errorf("update %s: got error %v, want nil", name, err)
			}
		}
		if diff := cmp.Diff([]int{1, 3}, sizes.get()); diff != "" {
			t.Errorf("batch sizes (-want +got):\n%s", diff)
		}
		wantSetting(t, db, "before", "1")
		wantSetting(t, db, "after", "1")
		wantNoSetting(t, db, "failing")
	})

	t.Run("TurnsPanicIntoErrorWithoutAffectingOthers", func(t *testing.T) {
		t.Parallel()
		db, _ := newDB(t, sqlite.Options{})
		var sizes batchSizes
		db.SetBatchHook(sizes.hook)
		release := blockWriter(t, db, nil)
		ok1 := updateAsync(db, put("ok1", "1"))
		panicking := updateAsync(db, func(tx baton.Tx) error {
			if err := tx.PutSetting(context.Background(), "panicking", []byte("1")); err != nil {
				return err
			}
			panic("bad request")
		})
		ok2 := updateAsync(db, put("ok2", "1"))
		waitQueued(t, db, 3)
		if err := release(); err != nil {
			t.Fatalf("blocking update: got error %v, want nil", err)
		}
		if err := receive(t, "panicking update", panicking); err == nil || !strings.Contains(err.Error(), "bad request") {
			t.Errorf("panicking update: got error %v, want one carrying the panic value", err)
		}
		for name, errc := range map[string]<-chan error{"ok1": ok1, "ok2": ok2} {
			if err := receive(t, name, errc); err != nil {
				t.Errorf("update %s: got error %v, want nil", name, err)
			}
		}
		if diff := cmp.Diff([]int{1, 3}, sizes.get()); diff != "" {
			t.Errorf("batch sizes (-want +got):\n%s", diff)
		}
		wantSetting(t, db, "ok1", "1")
		wantSetting(t, db, "ok2", "1")
		wantNoSetting(t, db, "panicking")
		// The writer survived: later updates still commit.
		mustUpdate(t, db, put("later", "1"))
		wantSetting(t, db, "later", "1")
	})

	t.Run("RollsBackALoneCallersWritesOnError", func(t *testing.T) {
		t.Parallel()
		db, _ := newDB(t, sqlite.Options{})
		err := db.Update(context.Background(), func(tx baton.Tx) error {
			if err := tx.PutSetting(context.Background(), "k", []byte("v")); err != nil {
				return err
			}
			return errBoom
		})
		if !errors.Is(err, errBoom) {
			t.Errorf("update: got error %v, want %v", err, errBoom)
		}
		wantNoSetting(t, db, "k")
	})

	t.Run("TurnsPanicIntoErrorForALoneCaller", func(t *testing.T) {
		t.Parallel()
		db, _ := newDB(t, sqlite.Options{})
		err := db.Update(context.Background(), func(tx baton.Tx) error {
			if err := tx.PutSetting(context.Background(), "k", []byte("v")); err != nil {
				return err
			}
			panic("bad request")
		})
		if err == nil || !strings.Contains(err.Error(), "bad request") {
			t.Errorf("update: got error %v, want one carrying the panic value", err)
		}
		wantNoSetting(t, db, "k")
		mustUpdate(t, db, put("later", "1"))
		wantSetting(t, db, "later", "1")
	})

	t.Run("SkipsWorkCancelledWhileQueued", func(t *testing.T) {
		t.Parallel()
		db, _ := newDB(t, sqlite.Options{})
		release := blockWriter(t, db, nil)
		ctx, cancel := context.WithCancel(context.Background())
		ran := make(chan struct{}, 1)
		errc := make(chan error, 1)
		go func() {
			errc <- db.Update(ctx, func(tx baton.Tx) error {
				ran <- struct{}{}
				return tx.PutSetting(context.Background(), "k", []byte("v"))
			})
		}()
		waitQueued(t, db, 1)
		cancel()
		if err := release(); err != nil {
			t.Fatalf("blocking update: got error %v, want nil", err)
		}
		if err := receive(t, "cancelled update", errc); !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled update: got error %v, want %v", err, context.Canceled)
		}
		select {
		case <-ran:
			t.Error("cancelled update: got fn run, want it skipped")
		default:
		}
		wantNoSetting(t, db, "k")
	})

	t.Run("DoesNotRunFnWhenContextIsAlreadyCancelled", func(t *testing.T) {
		t.Parallel()
		db, _ := newDB(t, sqlite.Options{})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		for range 20 {
			err := db.Update(ctx, put("k", "v"))
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("update: got error %v, want %v", err, context.Canceled)
			}
		}
		wantNoSetting(t, db, "k")
	})

	t.Run("ReturnsErrorAfterClose", func(t *testing.T) {
		t.Parallel()
		db, _ := newDB(t, sqlite.Options{})
		if err := db.Close(); err != nil {
			t.Fatalf("close: got error %v, want nil", err)
		}
		// Several tries: a call that races the closed store into the queue
		// would wait for a writer that is gone.
		for i := range 20 {
			errc := updateAsync(db, put("k", "v"))
			if err := receive(t, fmt.Sprintf("update %d after close", i), errc); err == nil {
				t.Fatalf("update %d after close: got nil error, want one", i)
			}
		}
	})

	t.Run("CommitsWritesQueuedBeforeClose", func(t *testing.T) {
		t.Parallel()
		db, path := newDB(t, sqlite.Options{})
		release := blockWriter(t, db, put("blocker", "1"))
		const n = 20
		var results []<-chan error
		for i := range n {
			results = append(results, updateAsync(db, put(fmt.Sprintf("k%02d", i), "v")))
		}
		waitQueued(t, db, n)
		closed := make(chan error, 1)
		go func() { closed <- db.Close() }()
		<-db.Stopping()
		if err := release(); err != nil {
			t.Fatalf("blocking update: got error %v, want nil", err)
		}
		for i, errc := range results {
			if err := receive(t, "queued update", errc); err != nil {
				t.Errorf("queued update %d: got error %v, want nil", i, err)
			}
		}
		if err := receive(t, "close", closed); err != nil {
			t.Fatalf("close: got error %v, want nil", err)
		}
		db = openDB(t, path, sqlite.Options{})
		wantSetting(t, db, "blocker", "1")
		for i := range n {
			wantSetting(t, db, fmt.Sprintf("k%02d", i), "v")
		}
	})

	t.Run("KeepsAcknowledgedWritesAcrossReopen", func(t *testing.T) {
		t.Parallel()
		db, path := newDB(t, sqlite.Options{})
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Go(func() {
				if err := db.Update(context.Background(), put(fmt.Sprintf("k%02d", i), fmt.Sprint(i))); err != nil {
					t.Errorf("update %d: got error %v, want nil", i, err)
				}
			})
		}
		wg.Wait()
		if err := db.Close(); err != nil {
			t.Fatalf("close: got error %v, want nil", err)
		}
		if err := db.Close(); err != nil {
			t.Errorf("second close: got error %v, want nil", err)
		}
		db = openDB(t, path, sqlite.Options{})
		for i := range 50 {
			wantSetting(t, db, fmt.Sprintf("k%02d", i), fmt.Sprint(i))
		}
		// The reopened store (migrations already applied) still writes.
		mustUpdate(t, db, put("again", "1"))
		wantSetting(t, db, "again", "1")
	})
}

func TestView(t *testing.T) {
	t.Parallel()

	t.Run("SeesCommittedWritesNotInFlightOnes", func(t *testing.T) {
		t.Parallel()
		db, _ := newDB(t, sqlite.Options{})
		mustUpdate(t, db, put("k", "committed"))
		release := blockWriter(t, db, func(tx baton.Tx) error {
			if err := tx.PutSetting(context.Background(), "k", []byte("in flight")); err != nil {
				return err
			}
			return tx.PutSetting(context.Background(), "new", []byte("in flight"))
		})
		wantSetting(t, db, "k", "committed")
		wantNoSetting(t, db, "new")
		if err := release(); err != nil {
			t.Fatalf("blocking update: got error %v, want nil", err)
		}
		wantSetting(t, db, "k", "in flight")
		wantSetting(t, db, "new", "in flight")
	})

	t.Run("SeesWritesInsideTheSameUpdate", func(t *testing.T) {
		t.Parallel()
		db, _ := newDB(t, sqlite.Options{})
		var got []byte
		mustUpdate(t, db, func(tx baton.Tx) error {
			if err := tx.PutSetting(context.Background(), "k", []byte("v")); err != nil {
				return err
			}
			var err error
			got, err = tx.Setting(context.Background(), "k")
			return err
		})
		if string(got) != "v" {
			t.Errorf("setting read back in its update: got %q, want %q", got, "v")
		}
	})

	t.Run("RejectsWrites", func(t *testing.T) {
		t.Parallel()
		db, _ := newDB(t, sqlite.Options{})
		if err := db.View(context.Background(), put("k", "v")); err == nil {
			t.Error("write in a view: got nil error, want one")
		}
		wantNoSetting(t, db, "k")
	})

	t.Run("ReturnsFnError", func(t *testing.T) {
		t.Parallel()
		db, _ := newDB(t, sqlite.Options{})
		if err := db.View(context.Background(), func(baton.Tx) error { return errBoom }); !errors.Is(err, errBoom) {
			t.Errorf("view: got error %v, want %v", err, errBoom)
		}
	})
}
