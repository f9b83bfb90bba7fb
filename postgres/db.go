// Package postgres is Baton's store on PostgreSQL, for several Baton
// processes (nodes) on one database, through jackc/pgx/v5's database/sql
// driver.
//
// It keeps SQLite's schema and queries (package sqlite): instants are
// BIGINT milliseconds, JSON is TEXT, and the queries are SQLite's texts
// with their parameters renumbered (rebind), so the two stores read and
// write the same rows and one conformance suite (package storetest) holds
// both to the same behaviour. database/sql (pgx/v5/stdlib) rather than
// pgxpool is what makes that sharing a copy rather than a rewrite.
//
// Writes are group-committed as on SQLite, by one writer per node unless
// Options.Writers asks for more, each batching the Update calls that
// arrive while it writes into one transaction, each caller under its own
// savepoint, and answering them after the commit. A batch first takes an
// advisory lock of its schema, so the nodes' batches write one at a time
// (they would otherwise deadlock over the row locks their commands take in
// arbitrary orders; see try). The server's synchronous_commit is left
// as configured: with its default (on), an Update that returned nil is in
// the write-ahead log on disk (and on synchronous standbys, if any).
//
// Several nodes need no leader: due timers and outbox messages are claimed
// with FOR UPDATE SKIP LOCKED and a lease, so nodes never claim the same
// row and a dead node's claims are claimed again when their leases end; a
// pool's fairness state is read under a row lock in the transaction that
// records the pick; signals are deduplicated by the unique external id;
// migrations run under goose's PostgreSQL advisory session lock, so nodes
// starting together apply each migration once. A transaction PostgreSQL
// aborts for a deadlock or a serialization failure is run again.
package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/batonhq/baton"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrations embed.FS

var driverErrBadConn = driver.ErrBadConn

// Options tunes the store. The zero value is the default.
type Options struct {
	// Writers is how many transactions a node prepares at once (default
	// 1). Batches write one at a time per schema (the write lock), so more
	// writers only make smaller batches that queue for the lock, where one
	// writer puts the same commands in one bigger transaction.
	Writers int
	// MaxBatch caps how many Update calls share one transaction (default 64).
	MaxBatch int
	// ReadConns is the size of the read pool (default 8).
	ReadConns int
	// NoMigrate opens the database without applying pending migrations.
	NoMigrate bool
}

// DB is an open PostgreSQL store. It implements baton.Store.
type DB struct {
	db   *sql.DB
	reqs chan *writeReq
	stop chan struct{}
	done chan struct{}
	once sync.Once
	// closeOnce guards closing the pool.
	closeOnce sync.Once
	probeMu   sync.Mutex
	probe     *probe // the readiness probe in flight, if any
	opts      Options
	dsn       string
	batch     func(n int)                            // test hook: called with each batch's size
	onMsgs    atomic.Pointer[func()]                 // OnMessagesCommitted
	onLeased  atomic.Pointer[func([]*baton.Message)] // OnMessagesLeased
	retries   atomic.Int64                           // batches run again (Retries)
}

var _ baton.Store = (*DB)(nil)

// IsURL reports whether a --db value names a PostgreSQL database
// (postgres:// or postgresql://) rather than a SQLite file.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the database at dsn (a postgres:// URL or a libpq
// key=value string) and applies pending migrations under an advisory lock.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	if opts.Writers <= 0 {
		opts.Writers = 1
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 64
	}
	if opts.ReadConns <= 0 {
		opts.ReadConns = 8
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	sqldb := stdlib.OpenDB(*cfg)
	n := opts.Writers + opts.ReadConns
	sqldb.SetMaxOpenConns(n)
	sqldb.SetMaxIdleConns(n)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	if err := sqldb.PingContext(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("postgres: connect to %s: %w", redact(dsn), unavailable(err))
	}
	if !opts.NoMigrate {
		if _, err := Migrate(ctx, sqldb); err != nil {
			sqldb.Close()
			return nil, unavailable(err)
		}
		if err := rebuildIfStale(ctx, sqldb); err != nil {
			sqldb.Close()
			return nil, unavailable(err)
		}
	}
	db := &DB{
		db: sqldb, opts: opts, dsn: dsn,
		reqs: make(chan *writeReq, opts.MaxBatch*opts.Writers),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	var wg sync.WaitGroup
	for range opts.Writers {
		wg.Go(db.writer)
	}
	go func() {
		wg.Wait()
		close(db.done)
	}()
	return db, nil
}

// redact hides a URL's password.
func redact(dsn string) string {
	if i, j := strings.Index(dsn, "://"), strings.LastIndex(dsn, "@"); i >= 0 && j > i {
		if k := strings.Index(dsn[i+3:j], ":"); k >= 0 {
			return dsn[:i+3+k+1] + "xxxxx" + dsn[j:]
		}
	}
	return dsn
}

func provider(ctx context.Context, db *sql.DB) (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	// The advisory lock is the schema's: Baton in another schema of the
	// same database migrates on its own. Nodes waiting for it look again
	// every second.
	var schema string
	if err := db.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	h := fnv.New64a()
	h.Write([]byte("baton migrations " + schema))
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64()>>1)), lock.WithLockTimeout(1, 300))
	if err != nil {
		return nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	// Migration numbers are SQLite's, and branches land them out of
	// number order (00019 and 00021 before 00018): a database migrated
	// before gets the lower numbers it missed, after the ones it has.
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithSessionLocker(locker), goose.WithAllowOutofOrder(true))
	if err != nil {
		return nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	return p, nil
}

// Migrate applies the pending migrations under goose's advisory session
// lock (so nodes starting together apply each once) and returns the
// versions it applied.
func Migrate(ctx context.Context, db *sql.DB) ([]int64, error) {
	p, err := provider(ctx, db)
	if err != nil {
		return nil, err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: migrate: %w", err)
	}
	var out []int64
	for _, r := range res {
		out = append(out, r.Source.Version)
	}
	return out, nil
}

// MigrationStatus is one migration and whether it is applied.
type MigrationStatus struct {
	Version   int64
	Name      string
	Applied   bool
	AppliedAt time.Time
}

// Migrations lists every migration Baton has and whether db has it.
func (db *DB) Migrations(ctx context.Context) ([]MigrationStatus, error) {
	p, err := provider(ctx, db.db)
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	out := make([]MigrationStatus, len(st))
	for i, s := range st {
		out[i] = MigrationStatus{Version: s.Source.Version, Name: baseName(s.Source.Path), Applied: s.State == goose.StateApplied, AppliedAt: s.AppliedAt}
	}
	return out, nil
}

func baseName(p string) string {
	if i := strings.LastIndex(p, "/"); i >= 0 {
		return p[i+1:]
	}
	return p
}

// SQL returns the underlying pool, for tools (baton copy) and tests.
func (db *DB) SQL() *sql.DB { return db.db }

// Close stops the writers after the queued writes and closes the pool.
// Closing twice is harmless.
func (db *DB) Close() error {
	db.once.Do(func() { close(db.stop) })
	<-db.done
	var err error
	db.closeOnce.Do(func() { err = db.db.Close() })
	return err
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

var errClosed = errors.New("postgres: store is closed")
