package postgres_test

import (
	"context"
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/postgres"
	"github.com/batonhq/baton/postgres/pgtest"
	"github.com/batonhq/baton/storetest"
)

// open opens a store on a fresh schema, closed when the test ends.
func open(t *testing.T, opts postgres.Options) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), pgtest.Schema(t), opts)
	if err != nil {
		t.Fatalf("open: got error %v, want nil", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close: got error %v, want nil", err)
		}
	})
	return db
}

// TestStore runs the store conformance suite against PostgreSQL.
func TestStore(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) baton.Store { return open(t, postgres.Options{Writers: 2, ReadConns: 2}) })
}
