package sqlite

import (
	"context"
	"database/sql"
)

// SetBatchHook installs fn as the writer's batch hook, called with each
// batch's size before it runs. Call it before the first Update.
func (db *DB) SetBatchHook(fn func(n int)) { db.batch = fn }

// Queued reports how many Update calls wait in the writer's queue.
func (db *DB) Queued() int { return len(db.reqs) }

// Stopping returns a channel that is closed once Close has been called.
func (db *DB) Stopping() <-chan struct{} { return db.stop }

// Exec runs a statement in the transaction, for tests that need SQL the
// store's methods do not offer.
func (tx *Tx) Exec(ctx context.Context, query string, args ...any) error {
	_, err := tx.exec(ctx, query, args...)
	return err
}

// Query runs a query in the transaction, for tests that need SQL the
// store's methods do not offer.
func (tx *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tx.query(ctx, query, args...)
}
