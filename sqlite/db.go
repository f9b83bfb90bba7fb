// Package sqlite is Baton's embedded store: one SQLite file in WAL mode,
// through the pure-Go modernc.org/sqlite driver.
//
// Writes go through a single connection and are group-committed: concurrent
// Update calls that arrive while a transaction is being written are batched
// into the next one, each isolated by a savepoint, and each caller is
// answered after the commit, so one fsync serves many requests. With the
// default synchronous=FULL, an Update that returned nil survives power loss.
// Reads use a separate pool of connections and see the last commit.
//
// The writer runs every transaction on its own context, never on a
// caller's: a caller that goes away cannot interrupt a statement, which would
// make SQLite roll back the whole shared transaction under every other caller
// in the batch. A caller cancelled while queued is skipped and told so; one
// cancelled while its fn runs gets the true outcome of its work.
//
// Limits: one process writes the file. Open holds an exclusive lock on
// PATH-lock for the store's life, so a second Baton process (or a second
// store in one process) on the same file is refused with a clear error; run
// several Baton processes against PostgreSQL instead. Options.ReadOnly opens
// a file that another process owns, for reading.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/batonhq/baton"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// Options tunes the store. The zero value is the safe default.
type Options struct {
	// Synchronous is SQLite's synchronous pragma: "FULL" (default: an
	// acknowledged write survives power loss) or "NORMAL" (survives a crash
	// of Baton, not of the machine; about 4x faster per commit).
	Synchronous string
	// MaxBatch caps how many Update calls share one transaction (default 256).
	MaxBatch int
	// ReadConns is the size of the read pool (default 4).
	ReadConns int
	// BusyTimeout is how long a statement waits for a lock held by another
	// connection (another process, a backup) before failing with an
	// EUNAVAILABLE error (default 5s).
	BusyTimeout time.Duration
	// ReadOnly opens an existing database for reading only: no lock, no
	// migrations, no writer (Update fails). It is for inspecting a file that
	// a running Baton owns.
	ReadOnly bool
}

// DB is an open SQLite store. It implements baton.Store.
type DB struct {
	w, r *sql.DB
	lock *fileLock
	reqs chan *writeReq
	stop chan struct{}
	done chan struct{}
	once sync.Once
	// closeOnce guards closing the pools and releasing the lock.
	closeOnce sync.Once
	probeMu   sync.Mutex
	probe     *probe // the readiness probe in flight, if any
	opts      Options
	wst       stmtCache
	rst       stmtCache
	batch     func(n int)                            // test hook: called with each batch's size
	onMsgs    atomic.Pointer[func()]                 // OnMessagesCommitted
	onLeased  atomic.Pointer[func([]*baton.Message)] // OnMessagesLeased
}

var _ baton.Store = (*DB)(nil)

// Open opens (creating if needed) the database at path and applies pending
// migrations. It fails, naming the holder, when another store (in this or
// another process) has the file open for writing.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	if opts.Synchronous == "" {
		opts.Synchronous = "FULL"
	}
	if opts.Synchronous != "FULL" && opts.Synchronous != "NORMAL" {
		return nil, fmt.Errorf("sqlite: synchronous must be FULL or NORMAL, got %q", opts.Synchronous)
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 256
	}
	if opts.ReadConns <= 0 {
		opts.ReadConns = 4
	}
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = 5 * time.Second
	}
	dsn := func(extra ...string) string {
		q := url.Values{}
		if !opts.ReadOnly {
			q.Add("_pragma", "journal_mode(WAL)")
		}
		q.Add("_pragma", "synchronous("+opts.Synchronous+")")
		q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", max(1, opts.BusyTimeout.Milliseconds())))
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "temp_store(memory)")
		for i := 0; i+1 < len(extra); i += 2 {
			q.Add(extra[i], extra[i+1])
		}
		return "file:" + path + "?" + q.Encode()
	}
	if opts.ReadOnly {
		return openReadOnly(ctx, path, opts, dsn)
	}
	lock, err := lockFile(path)
	if err != nil {
		return nil, err
	}
	// Page caches: SQLite's cache is the bulk of Baton's memory (about 2 MB
	// of RSS per MiB configured), so the writer gets 16 MiB and each
	// reader 8 MiB.
	w, err := sql.Open("sqlite", dsn("_txlock", "immediate", "_pragma", "cache_size(-16384)"))
	if err != nil {
		lock.release()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		lock.release()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, unavailable(err))
	}
	if err := migrate(ctx, w); err != nil {
		w.Close()
		lock.release()
		return nil, unavailable(err)
	}
	if err := rebuildIfStale(ctx, w); err != nil {
		w.Close()
		lock.release()
		return nil, unavailable(err)
	}
	r, err := sql.Open("sqlite", dsn("_pragma", "query_only(1)", "_pragma", "cache_size(-8192)"))
	if err != nil {
		w.Close()
		lock.release()
		return nil, fmt.Errorf("sqlite: open %s for reading: %w", path, err)
	}
	r.SetMaxOpenConns(opts.ReadConns)
	r.SetMaxIdleConns(opts.ReadConns)
	db := &DB{
		w: w, r: r, lock: lock, opts: opts,
		reqs: make(chan *writeReq, opts.MaxBatch),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	go db.writer()
	return db, nil
}

// openReadOnly opens an existing file's read pool only; its writer is
// stopped from the start, so Update answers errClosed.
func openReadOnly(ctx context.Context, path string, opts Options, dsn func(...string) string) (*DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("sqlite: open %s for reading: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn("mode", "ro", "_pragma", "query_only(1)", "_pragma", "cache_size(-8192)"))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s for reading: %w", path, err)
	}
	r.SetMaxOpenConns(opts.ReadConns)
	r.SetMaxIdleConns(opts.ReadConns)
	if err := r.PingContext(ctx); err != nil {
		r.Close()
		return nil, fmt.Errorf("sqlite: open %s for reading: %w", path, unavailable(err))
	}
	db := &DB{r: r, opts: opts, reqs: make(chan *writeReq), stop: make(chan struct{}), done: make(chan struct{})}
	db.once.Do(func() { close(db.stop) })
	close(db.done)
	return db, nil
}

func migrate(ctx context.Context, db *sql.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	// Migrations may land out of number order (00019 and 00021 before
	// 00018): a database migrated before gets the lower numbers it missed,
	// after the ones it has.
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub, goose.WithAllowOutofOrder(true))
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	return nil
}

// Close stops the writer after the queued writes, closes the database and
// releases its lock. Closing twice is harmless.
func (db *DB) Close() error {
	db.once.Do(func() { close(db.stop) })
	<-db.done
	var errs []error
	db.closeOnce.Do(func() {
		errs = append(errs, db.r.Close())
		if db.w != nil {
			errs = append(errs, db.w.Close())
		}
		if db.lock != nil {
			errs = append(errs, db.lock.release())
		}
	})
	return errors.Join(errs...)
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.UnixMilli(n).UTC()
}
