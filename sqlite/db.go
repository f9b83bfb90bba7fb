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
	batch     func(n int) // test hook: called with each batch's size
}

type writeReq struct {
	ctx  context.Context
	fn   func(baton.Tx) error
	done chan error
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
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
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

var (
	errClosed   = errors.New("sqlite: store is closed")
	errReadOnly = errors.New("sqlite: store is open read-only")
)

// Update runs fn in a write transaction, possibly shared with other callers'
// functions (each under its own savepoint). It returns fn's error, or the
// commit's. It waits for the outcome even if ctx is cancelled once the work
// is queued, so the caller always learns whether it committed: fn's
// statements run on the writer's context, so cancelling ctx never
// interrupts them. A lock held elsewhere or a full disk is an EUNAVAILABLE
// error.
func (db *DB) Update(ctx context.Context, fn func(baton.Tx) error) error {
	if db.opts.ReadOnly {
		return errReadOnly
	}
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case <-db.stop:
		return errClosed
	default:
	}
	select {
	case db.reqs <- req:
	case <-db.stop:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-req.done:
		return unavailable(err)
	case <-db.done:
		// The writer drained its queue and stopped; a request that raced
		// Close either got its answer or was never read.
		select {
		case err := <-req.done:
			return unavailable(err)
		default:
			return errClosed
		}
	}
}

// Ready reports whether the store can write now: it commits a one-row probe
// through the writer (so it waits its turn behind queued writes) and fails
// with EUNAVAILABLE when the probe fails (a lock held elsewhere, a full
// disk) or has not committed when ctx is done. Concurrent calls share one
// probe in flight.
func (db *DB) Ready(ctx context.Context) error {
	if db.opts.ReadOnly {
		return errReadOnly
	}
	db.probeMu.Lock()
	p := db.probe
	if p == nil {
		p = &probe{done: make(chan struct{})}
		db.probe = p
		go func() {
			p.err = db.Update(context.Background(), func(tx baton.Tx) error {
				return tx.PutSetting(context.Background(), "ready_probe", []byte(time.Now().UTC().Format(time.RFC3339Nano)))
			})
			db.probeMu.Lock()
			db.probe = nil
			db.probeMu.Unlock()
			close(p.done)
		}()
	}
	db.probeMu.Unlock()
	select {
	case <-p.done:
		if p.err != nil && baton.ErrorCode(p.err) != baton.EUNAVAILABLE {
			return fmt.Errorf("%w: %w", &baton.Error{Code: baton.EUNAVAILABLE, Message: "the database cannot be written"}, p.err)
		}
		return p.err
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", &baton.Error{Code: baton.EUNAVAILABLE, Message: "the database did not commit a write in time"}, ctx.Err())
	}
}

// probe is one readiness write in flight; err is set before done closes.
type probe struct {
	done chan struct{}
	err  error
}

// writer is the single goroutine that owns the write connection.
func (db *DB) writer() {
	defer close(db.done)
	batch := make([]*writeReq, 0, db.opts.MaxBatch)
	for {
		batch = batch[:0]
		select {
		case req := <-db.reqs:
			batch = append(batch, req)
		case <-db.stop:
			// Drain what was queued before Close.
			for {
				select {
				case req := <-db.reqs:
					db.commit([]*writeReq{req})
				default:
					return
				}
			}
		}
	fill:
		for len(batch) < db.opts.MaxBatch {
			select {
			case req := <-db.reqs:
				batch = append(batch, req)
			default:
				break fill
			}
		}
		db.commit(batch)
		if db.wst.hasPending() {
			db.wst.flush(context.Background(), db.w)
		}
	}
}

// commit runs a batch in one transaction and answers every caller.
func (db *DB) commit(batch []*writeReq) {
	if db.batch != nil {
		db.batch(len(batch))
	}
	ctx := context.Background()
	errs := make([]error, len(batch))
	sqltx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		for _, r := range batch {
			r.done <- fmt.Errorf("sqlite: begin: %w", err)
		}
		return
	}
	tx := &Tx{tx: sqltx, cache: &db.wst}
	single := len(batch) == 1
	for i, r := range batch {
		if r.ctx.Err() != nil {
			errs[i] = r.ctx.Err()
			continue
		}
		if single {
			errs[i] = run(r.ctx, tx, r.fn)
			continue
		}
		if _, err := tx.exec(ctx, "SAVEPOINT w"); err != nil {
			errs[i] = fmt.Errorf("sqlite: savepoint: %w", err)
			continue
		}
		if errs[i] = run(r.ctx, tx, r.fn); errs[i] != nil {
			if _, err := tx.exec(ctx, "ROLLBACK TO w"); err != nil {
				// The savepoint is gone: SQLite rolled back the whole
				// transaction (a full disk, an I/O error). Statements after
				// this would run outside any transaction, so nobody else
				// runs, and nobody is told their work committed.
				sqltx.Rollback()
				aborted := fmt.Errorf("sqlite: shared transaction aborted, nothing written: %w", err)
				for j, r := range batch {
					if j == i {
						r.done <- errors.Join(errs[i], aborted)
					} else {
						r.done <- aborted
					}
				}
				return
			}
		}
		if _, err := tx.exec(ctx, "RELEASE w"); err != nil && errs[i] == nil {
			errs[i] = fmt.Errorf("sqlite: release savepoint: %w", err)
		}
	}
	if single && errs[0] != nil {
		sqltx.Rollback()
		batch[0].done <- errs[0]
		return
	}
	if err := sqltx.Commit(); err != nil {
		for _, r := range batch {
			r.done <- fmt.Errorf("sqlite: commit: %w", err)
		}
		return
	}
	for i, r := range batch {
		r.done <- errs[i]
	}
}

// run calls fn, turning a panic into an error so one bad request cannot take
// the writer (and every other caller's work) down. fn's statements run on
// ctx without its cancellation: an interrupted write statement makes SQLite
// roll back the whole shared transaction, so a caller that goes away must
// not be able to interrupt one.
func run(ctx context.Context, tx *Tx, fn func(baton.Tx) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("sqlite: panic in transaction: %v", p)
		}
	}()
	tx.own = context.WithoutCancel(ctx)
	return fn(tx)
}

// View runs fn in a read-only transaction on the read pool.
func (db *DB) View(ctx context.Context, fn func(baton.Tx) error) error {
	sqltx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return unavailable(fmt.Errorf("sqlite: begin read: %w", err))
	}
	defer func() {
		sqltx.Rollback()
		if db.rst.hasPending() {
			db.rst.flush(ctx, db.r)
		}
	}()
	return unavailable(fn(&Tx{tx: sqltx, cache: &db.rst}))
}

// stmtCache keeps one prepared statement per query text and pool. A
// statement cannot be prepared on the pool while a transaction holds its
// only connection (the writer), so a miss runs the query unprepared and
// queues the text; flush prepares queued texts when no transaction is open.
type stmtCache struct {
	mu      sync.Mutex
	m       map[string]*sql.Stmt
	pending map[string]bool
}

func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.m[query]
	if !ok {
		if c.pending == nil {
			c.pending = map[string]bool{}
		}
		c.pending[query] = true
	}
	return s
}

// flush prepares the queued query texts on db.
func (c *stmtCache) flush(ctx context.Context, db *sql.DB) {
	c.mu.Lock()
	var queries []string
	for q := range c.pending {
		queries = append(queries, q)
	}
	c.pending = nil
	c.mu.Unlock()
	for _, q := range queries {
		s, err := db.PrepareContext(ctx, q)
		if err != nil {
			continue // the query keeps running unprepared
		}
		c.mu.Lock()
		if c.m == nil {
			c.m = map[string]*sql.Stmt{}
		}
		if _, dup := c.m[q]; dup {
			s.Close()
		} else {
			c.m[q] = s
		}
		c.mu.Unlock()
	}
}

func (c *stmtCache) hasPending() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pending) > 0
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
