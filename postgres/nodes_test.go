package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/batontest"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/postgres"
	"github.com/batonhq/baton/postgres/pgtest"
	"github.com/batonhq/baton/service"
)

// TestNodesIngestWithoutDeadlocks has two nodes ingest signals at once
// from the same new companies, routed through one pool: each new account's
// unique domain is created by whichever node comes first, and every pick
// locks the pool's row. Batches take the schema's write lock first, so no
// batch waits holding another's locks: none runs twice (a deadlock), and
// every signal makes a handoff. (In this process the old code did not
// deadlock either; over HTTP, scripts/pg-bench-ingest on two nodes logged
// several deadlocks a run between account inserts and pool locks.)
func TestNodesIngestWithoutDeadlocks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := pgtest.Schema(t)
	var nodes []*postgres.DB
	var svcs []*service.Service
	for range 2 {
		db, err := postgres.Open(ctx, dsn, postgres.Options{Writers: 2, ReadConns: 2})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		nodes = append(nodes, db)
		svcs = append(svcs, service.New(db, baton.SystemClock{}, playbook.Default(), nil))
	}
	users := batontest.TeamUsers()
	for i := range users {
		users[i].WorkingHours = "24x7"
	}
	batontest.Team(t, svcs[0].PutUser, users...)

	const signals = 1200
	var wg sync.WaitGroup
	errs := make(chan error, signals)
	for c := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; i < signals; i += 32 {
				// Two signals per company, on different nodes.
				co := i / 2
				_, err := svcs[i%2].Ingest(ctx, &baton.Signal{ExternalID: fmt.Sprint("sig-", i), Type: baton.SignalDemoRequest, Source: "website",
					Contact: baton.SignalContact{Email: fmt.Sprintf("buyer%d@co%d.example", i, co), Name: "Buyer"},
					Account: baton.SignalAccount{Name: fmt.Sprint("Company ", co), Domain: fmt.Sprintf("co%d.example", co), Employees: 300}})
				if err != nil {
					errs <- fmt.Errorf("signal %d: %w", i, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i, db := range nodes {
		if n := db.Retries(); n != 0 {
			t.Errorf("node %d: got %d batches run again (deadlocks), want 0", i+1, n)
		}
	}
	var handoffs int
	if err := nodes[0].View(ctx, func(tx baton.Tx) error {
		hs, _, err := tx.Handoffs(ctx, baton.HandoffFilter{Limit: 1000})
		handoffs = len(hs)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if handoffs == 0 || handoffs > signals {
		t.Errorf("got %d handoffs from %d signals, want between 1 and %d", handoffs, signals, signals)
	}
}
