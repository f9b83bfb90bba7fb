package worker_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/sqlite"
	"github.com/batonhq/baton/worker"
)

// TestQualityRefreshesStaleScores: a round rescores every handoff whose log
// grew, once, and the next round finds nothing left.
func TestQualityRefreshesStaleScores(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "b.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := service.New(db, baton.SystemClock{}, playbook.Default(), nil)
	if _, err := svc.PutUser(ctx, &baton.User{Email: "sdr@t.example", Name: "Sdr", Role: baton.RoleSDR, Team: "sdr", TimeZone: "UTC", Active: true}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		sig := &baton.Signal{ExternalID: fmt.Sprintf("q-%d", i), Type: baton.SignalDemoRequest,
			Contact: baton.SignalContact{Email: fmt.Sprintf("a%d@q%d.example", i, i)}, Account: baton.SignalAccount{Name: "Q", Domain: fmt.Sprintf("q%d.example", i)}}
		if _, err := svc.Ingest(ctx, sig); err != nil {
			t.Fatal(err)
		}
	}
	w := &worker.Quality{Service: svc}
	if n, err := w.RunOnce(ctx); err != nil || n != 3 {
		t.Fatalf("first round: got %d rescored (%v), want the 3 new handoffs", n, err)
	}
	if n, err := w.RunOnce(ctx); err != nil || n != 0 {
		t.Errorf("second round: got %d rescored (%v), want none left", n, err)
	}
}
