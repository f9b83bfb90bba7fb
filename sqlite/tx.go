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
	ctx   context.Context
}

var _ baton.Tx = (*Tx)(nil)

func (tx *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := tx.cache.get(query); s != nil {
		return tx.tx.StmtContext(ctx, s).ExecContext(ctx, args...)
	}
	return tx.tx.ExecContext(ctx, query, args...)
}

func (tx *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := tx.cache.get(query); s != nil {
		return tx.tx.StmtContext(ctx, s).QueryContext(ctx, args...)
	}
	return tx.tx.QueryContext(ctx, query, args...)
}

func (tx *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
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
// SQLITE_CONSTRAINT_PRIMARYKEY.
const (
	sqliteConstraintUnique     = 2067
	sqliteConstraintPrimaryKey = 1555
)

// isUnique reports whether err is a unique or primary key violation.
func isUnique(err error) bool {
	var e interface{ Code() int }
	if !errors.As(err, &e) {
		return false
	}
	return e.Code() == sqliteConstraintUnique || e.Code() == sqliteConstraintPrimaryKey
}
