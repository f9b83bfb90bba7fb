package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
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

// CopyMigrated writes at path the file of an empty store with every
// migration applied, as Open leaves a new file. Running the migrations
// takes about a second per store under the race detector, so they run once
// per test binary, into a template copied by every later call; Open on the
// copy finds nothing to migrate. Tests of opening and migrating use Open on
// a new path instead.
func CopyMigrated(t testing.TB, path string) {
	t.Helper()
	files, err := migratedTemplate()
	if err != nil {
		t.Fatalf("sqlite: migrated template: %v", err)
	}
	for suffix, b := range files {
		if err := os.WriteFile(path+suffix, b, 0o600); err != nil {
			t.Fatalf("sqlite: copy migrated template: %v", err)
		}
	}
}

// template holds the files of an empty, migrated store by suffix ("" for
// the database, "-wal" for a write-ahead log left behind, if any).
var template struct {
	once  sync.Once
	files map[string][]byte
	err   error
}

func migratedTemplate() (map[string][]byte, error) {
	template.once.Do(func() {
		template.files, template.err = migrateTemplate()
	})
	return template.files, template.err
}

func migrateTemplate() (map[string][]byte, error) {
	dir, err := os.MkdirTemp("", "sqlite-template-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "baton.db")
	db, err := Open(context.Background(), path, Options{Synchronous: "NORMAL"})
	if err != nil {
		return nil, err
	}
	if err := db.Close(); err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(path + suffix)
		if suffix != "" && errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return nil, err
		}
		files[suffix] = b
	}
	return files, nil
}

// SetStatementHook installs fn to be called with the text of every
// statement the writer runs inside a transaction (savepoints included;
// BEGIN and COMMIT are not). Call it before the first Update.
func (db *DB) SetStatementHook(fn func(query string)) { db.wst.count = fn }
