package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/batonhq/baton"
	"github.com/jackc/pgx/v5/pgconn"
)

// Tx is one transaction; it implements baton.Tx. Its methods own no
// transaction of their own: the DB's Update and View do.
type Tx struct {
	tx *sql.Tx
	// own, when set (in a write transaction), is the context every
	// statement runs on, whatever context the caller passes: see run.
	own context.Context
	// write reports a write transaction: reads that decide a write (a
	// pool's fairness state) lock the rows they read.
	write bool
	// pending are the events appended by the running command, folded
	// into cmd when it returns; cmd goes into batch when its savepoint is
	// released, and batch is written just before the transaction commits
	// (rollup.go).
	pending []*baton.Event
	cmd     *rollupSet
	batch   *rollupSet
	// stale are the handoffs the running command appended events to, and
	// staleBatch those of the transaction's commands that succeeded:
	// their quality scores are marked stale just before it commits
	// (quality.go).
	stale      []string
	staleBatch map[string]bool
	// queued reports that the running command queued a message (commit.go
	// wakes the outbox after it commits), and leased holds copies of those
	// it queued leased to this node's outbox (handed to it after commit).
	queued bool
	leased []*baton.Message
	// sp numbers the savepoints of execUnique.
	sp int
	// conflicted reports that a statement of the running command met a
	// row with its unique key that another transaction committed.
	conflicted bool
}

var _ baton.Tx = (*Tx)(nil)

// context returns the context a statement runs on.
func (tx *Tx) context(ctx context.Context) context.Context {
	if tx.own != nil {
		return tx.own
	}
	return ctx
}

func (tx *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(tx.context(ctx), rebind(query), pgArgs(args)...)
}

func (tx *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(tx.context(ctx), rebind(query), pgArgs(args)...)
}

func (tx *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(tx.context(ctx), rebind(query), pgArgs(args)...)
}

// execUnique runs a statement that may violate a unique constraint under
// its own savepoint: PostgreSQL aborts the whole transaction on an error,
// and a caller told ECONFLICT may carry on in the same transaction, as it
// can on SQLite.
func (tx *Tx) execUnique(ctx context.Context, query string, args ...any) (sql.Result, error) {
	tx.sp++
	name := "u" + strconv.Itoa(tx.sp)
	if _, err := tx.tx.ExecContext(tx.context(ctx), "SAVEPOINT "+name); err != nil {
		return nil, err
	}
	res, err := tx.exec(ctx, query, args...)
	if err != nil {
		tx.conflicted = tx.conflicted || isUnique(err)
		if _, rerr := tx.tx.ExecContext(tx.context(ctx), "ROLLBACK TO SAVEPOINT "+name); rerr != nil {
			return nil, errors.Join(err, rerr)
		}
	}
	if _, rerr := tx.tx.ExecContext(tx.context(ctx), "RELEASE SAVEPOINT "+name); rerr != nil && err == nil {
		return nil, rerr
	}
	return res, err
}

// rebound caches the PostgreSQL spelling of each query text.
var rebound sync.Map

// rebind turns SQLite's parameters (? and ?N) into PostgreSQL's ($N): a
// bare ? takes the largest number so far plus one, as in SQLite. Text in
// single quotes is left alone.
func rebind(q string) string {
	if v, ok := rebound.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n, quoted := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c == '\'' {
			quoted = !quoted
		}
		if c != '?' || quoted {
			b.WriteByte(c)
			continue
		}
		j := i + 1
		for j < len(q) && q[j] >= '0' && q[j] <= '9' {
			j++
		}
		if j > i+1 {
			k, _ := strconv.Atoi(q[i+1 : j])
			n = max(n, k)
			b.WriteString("$" + q[i+1:j])
			i = j - 1
			continue
		}
		n++
		b.WriteString("$" + strconv.Itoa(n))
	}
	s := b.String()
	rebound.Store(q, s)
	return s
}

// pgArgs writes Go booleans as the 0 and 1 the INTEGER columns hold (the
// schema keeps SQLite's types so both stores scan alike).
func pgArgs(args []any) []any {
	for i, a := range args {
		if v, ok := a.(bool); ok {
			if v {
				args[i] = int64(1)
			} else {
				args[i] = int64(0)
			}
		}
	}
	return args
}

// notFound turns sql.ErrNoRows into an ENOTFOUND error naming what was missing.
func notFound(err error, what string, key any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return baton.Errorf(baton.ENOTFOUND, "%s %v not found", what, key)
	}
	return fmt.Errorf("postgres: find %s %v: %w", what, key, err)
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}

// scanner is satisfied by *sql.Row and *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

func collect[T any](rows *sql.Rows, err error, scan func(scanner) (*T, error)) ([]*T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Setting returns a stored value by key.
func (tx *Tx) Setting(ctx context.Context, key string) ([]byte, error) {
	var b []byte
	err := tx.queryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&b)
	if err != nil {
		return nil, notFound(err, "setting", key)
	}
	return b, nil
}

// PutSetting stores a value by key.
func (tx *Tx) PutSetting(ctx context.Context, key string, value []byte) error {
	_, err := tx.exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("postgres: put setting %s: %w", key, err)
	}
	return nil
}

// SQLSTATE codes Baton tells apart.
const (
	pgUniqueViolation      = "23505"
	pgSerializationFailure = "40001"
	pgDeadlockDetected     = "40P01"
	pgReadOnlyTransaction  = "25006"
)

// unavailable marks err as EUNAVAILABLE (answered 503 with Retry-After) when
// its cause passes, unlike a bug: the server cannot be reached or is
// shutting down, is out of resources, is a read-only standby (during a
// failover), or kept aborting the transaction for lock conflicts. Other
// errors, and nil, come back unchanged.
func unavailable(err error) error {
	if err == nil || baton.ErrorCode(err) == baton.EUNAVAILABLE || baton.ErrorCode(err) != baton.EINTERNAL {
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"), strings.HasPrefix(pe.Code, "53"), strings.HasPrefix(pe.Code, "57P"):
			return fmt.Errorf("%w: %w", &baton.Error{Code: baton.EUNAVAILABLE, Message: "the database is unavailable; retry shortly"}, err)
		case pe.Code == pgReadOnlyTransaction:
			return fmt.Errorf("%w: %w", &baton.Error{Code: baton.EUNAVAILABLE, Message: "the database is read-only (a failover in progress?); retry shortly"}, err)
		case pe.Code == pgSerializationFailure, pe.Code == pgDeadlockDetected:
			return fmt.Errorf("%w: %w", &baton.Error{Code: baton.EUNAVAILABLE, Message: "the database is busy; retry shortly"}, err)
		}
		return err
	}
	if pgconn.SafeToRetry(err) || isConnError(err) {
		return fmt.Errorf("%w: %w", &baton.Error{Code: baton.EUNAVAILABLE, Message: "the database cannot be reached; retry shortly"}, err)
	}
	return err
}

// isConnError reports a lost or refused connection.
func isConnError(err error) bool {
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	return errors.Is(err, sql.ErrConnDone) || errors.Is(err, driverErrBadConn)
}

// isUnique reports whether err is a unique or primary key violation.
func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == pgUniqueViolation
}

// retryable reports an error after which PostgreSQL rolled the
// transaction back and running it again may succeed.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == pgSerializationFailure || pe.Code == pgDeadlockDetected)
}
