package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/batonhq/baton"
)

// Tx is one transaction; it implements baton.Tx. Its methods own no
// transaction of their own: the DB's Update and View do.
type Tx struct {
	tx    *sql.Tx
	cache *stmtCache
	// own, when set (in a write transaction), is the context every
	// statement runs on, whatever context the caller passes: see run.
	own context.Context
	// pending are the events appended by the running command, folded
	// into cmd when it returns; cmd goes into batch when the command
	// succeeds, and batch is written just before the transaction commits
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
	ctx = tx.context(ctx)
	if s := tx.cache.get(query); s != nil {
		return tx.tx.StmtContext(ctx, s).ExecContext(ctx, args...)
	}
	return tx.tx.ExecContext(ctx, query, args...)
}

func (tx *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = tx.context(ctx)
	if s := tx.cache.get(query); s != nil {
		return tx.tx.StmtContext(ctx, s).QueryContext(ctx, args...)
	}
	return tx.tx.QueryContext(ctx, query, args...)
}

func (tx *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = tx.context(ctx)
	if s := tx.cache.get(query); s != nil {
		return tx.tx.StmtContext(ctx, s).QueryRowContext(ctx, args...)
	}
	return tx.tx.QueryRowContext(ctx, query, args...)
}

// notFound turns sql.ErrNoRows into an ENOTFOUND error naming what was missing.
func notFound(err error, what string, key any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return baton.Errorf(baton.ENOTFOUND, "%s %v not found", what, key)
	}
	return fmt.Errorf("sqlite: find %s %v: %w", what, key, err)
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
		return fmt.Errorf("sqlite: put setting %s: %w", key, err)
	}
	return nil
}

// sqliteConstraintUnique is SQLITE_CONSTRAINT_UNIQUE; primary keys report
// SQLITE_CONSTRAINT_PRIMARYKEY. The others are primary result codes, which
// extended codes carry in their low byte.
const (
	sqliteConstraintUnique     = 2067
	sqliteConstraintPrimaryKey = 1555
	sqliteBusy                 = 5
	sqliteLocked               = 6
	sqliteFull                 = 13
)

// unavailable marks err as EUNAVAILABLE (answered 503 with Retry-After) when
// its cause is a database lock held elsewhere (SQLITE_BUSY, SQLITE_LOCKED,
// after the busy timeout) or a full disk: conditions that pass, unlike a
// bug. Other errors, and nil, come back unchanged.
func unavailable(err error) error {
	var e interface{ Code() int }
	if err == nil || !errors.As(err, &e) || baton.ErrorCode(err) == baton.EUNAVAILABLE {
		return err
	}
	switch e.Code() & 0xff {
	case sqliteBusy, sqliteLocked:
		return fmt.Errorf("%w: %w", &baton.Error{Code: baton.EUNAVAILABLE, Message: "the database is locked by another connection; retry shortly"}, err)
	case sqliteFull:
		return fmt.Errorf("%w: %w", &baton.Error{Code: baton.EUNAVAILABLE, Message: "the database's disk is full"}, err)
	}
	return err
}

// isUnique reports whether err is a unique or primary key violation.
func isUnique(err error) bool {
	var e interface{ Code() int }
	if !errors.As(err, &e) {
		return false
	}
	return e.Code() == sqliteConstraintUnique || e.Code() == sqliteConstraintPrimaryKey
}
