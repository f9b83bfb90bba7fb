package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
	"github.com/google/go-cmp/cmp"
)

// TestOldContextRowsStillRead writes a handoff's row with its context as
// rows from before hold it (the JSON object) and reads it through the
// store; the next write stores version 2 (internal/ctxcodec), which reads
// back the same, and the rollups still find the deal value in it.
func TestOldContextRowsStillRead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "baton.db")
	CopyMigrated(t, path)
	db, err := Open(ctx, path, Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	const old = `{"_auto":{"stage":"hot_lead","buyer":"Ada, CTO at Acme"},"deal_value":12000,"12":"a numeric key"}`
	want := map[string]any{"_auto": map[string]any{"stage": "hot_lead", "buyer": "Ada, CTO at Acme"}, "deal_value": 12000.0, "12": "a numeric key"}
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	h := &baton.Handoff{ID: "h1", Type: "demo", State: baton.StateAssigned, SignalID: "s1", CreatedAt: at, UpdatedAt: at}
	stored := func(t *testing.T) string {
		t.Helper()
		var s string
		err := db.View(ctx, func(btx baton.Tx) error {
			return btx.(*Tx).queryRow(ctx, `SELECT context FROM handoffs WHERE id = 'h1'`).Scan(&s)
		})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	read := func(t *testing.T) map[string]any {
		t.Helper()
		var got *baton.Handoff
		err := db.View(ctx, func(tx baton.Tx) (err error) {
			got, err = tx.Handoff(ctx, "h1")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return got.Context
	}
	err = db.Update(ctx, func(btx baton.Tx) error {
		if err := btx.InsertHandoff(ctx, h); err != nil {
			return err
		}
		_, err := btx.(*Tx).exec(ctx, `UPDATE handoffs SET context = ? WHERE id = 'h1'`, old)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, read(t)); diff != "" {
		t.Errorf("old row's context (-want +got):\n%s", diff)
	}
	h.Context = want
	err = db.Update(ctx, func(tx baton.Tx) error { return tx.UpdateHandoff(ctx, h) })
	if err != nil {
		t.Fatal(err)
	}
	if s := stored(t); !strings.HasPrefix(s, `[2,{`) || !strings.Contains(s, `"0":{`) || strings.Contains(s, "_auto") || !strings.Contains(s, `"~12"`) {
		t.Errorf("stored after an update: got %s, want version 2", s)
	}
	if diff := cmp.Diff(want, read(t)); diff != "" {
		t.Errorf("version 2 row's context (-want +got):\n%s", diff)
	}
	for _, c := range []string{old, stored(t)} {
		var h metrics.RollupHandoff
		setFacts(&h, "", "", c)
		if h.Value != 12000 {
			t.Errorf("deal value of %s: got %d, want 12000", c, h.Value)
		}
	}
}
