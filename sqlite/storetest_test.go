package sqlite_test

import (
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/sqlite"
	"github.com/batonhq/baton/storetest"
)

// TestStore runs the store conformance suite against SQLite.
func TestStore(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) baton.Store {
		db, _ := newDB(t, sqlite.Options{Synchronous: "NORMAL"})
		return db
	})
}
