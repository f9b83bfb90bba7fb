package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/google/go-cmp/cmp"
)

// oldTrace is a trace as rows written before version 2 hold it: the API's
// objects, subject omitted when empty.
const oldTrace = `[{"step":"account_match","subject":"Acme","result":"matched","reason":"domain acme.com"},` +
	`{"step":"handoff_type","result":"skipped","reason":"no \"handoff\" type <b>"},` +
	`{"step":"pick","subject":"ana@acme.example","result":"picked","reason":"least recently assigned"}]`

// version2Trace is the same trace as rows written by the release before
// this one hold it.
const version2Trace = `[["account_match","Acme","matched","domain acme.com"],["handoff_type","","skipped","no \"handoff\" type <b>"],` +
	`["pick","ana@acme.example","picked","least recently assigned"]]`

var oldTraceSteps = []baton.Step{
	{Step: "account_match", Subject: "Acme", Result: "matched", Reason: "domain acme.com"},
	{Step: "handoff_type", Result: "skipped", Reason: `no "handoff" type <b>`},
	{Step: "pick", Subject: "ana@acme.example", Result: "picked", Reason: "least recently assigned"},
}

// TestOldTraceRowsStillRead writes a handoff's row with a version 1 trace,
// as a file from before holds it, and reads it through the store; the next
// write stores version 3, which reads back the same; a version 2 row reads
// too.
func TestOldTraceRowsStillRead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "baton.db")
	CopyMigrated(t, path)
	db, err := Open(ctx, path, Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	h := &baton.Handoff{ID: "h1", Type: "demo", State: baton.StateAssigned, SignalID: "s1", CreatedAt: at, UpdatedAt: at}
	stored := func(t *testing.T) string {
		t.Helper()
		var s string
		err := db.View(ctx, func(btx baton.Tx) error {
			return btx.(*Tx).queryRow(ctx, `SELECT trace FROM handoffs WHERE id = 'h1'`).Scan(&s)
		})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	read := func(t *testing.T) []baton.Step {
		t.Helper()
		var got *baton.Handoff
		err := db.View(ctx, func(tx baton.Tx) (err error) {
			got, err = tx.Handoff(ctx, "h1")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return got.Trace
	}
	err = db.Update(ctx, func(btx baton.Tx) error {
		if err := btx.InsertHandoff(ctx, h); err != nil {
			return err
		}
		_, err := btx.(*Tx).exec(ctx, `UPDATE handoffs SET trace = ? WHERE id = 'h1'`, oldTrace)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(oldTraceSteps, read(t)); diff != "" {
		t.Errorf("version 1 row's trace (-want +got):\n%s", diff)
	}
	h.Trace = oldTraceSteps
	h.State = baton.StateAccepted
	err = db.Update(ctx, func(tx baton.Tx) error { return tx.UpdateHandoff(ctx, h) })
	if err != nil {
		t.Fatal(err)
	}
	if s := stored(t); !strings.HasPrefix(s, `[3,[8,"Acme",4,`) {
		t.Errorf("stored after an update: got %s, want version 3", s)
	}
	if diff := cmp.Diff(oldTraceSteps, read(t)); diff != "" {
		t.Errorf("version 3 row's trace (-want +got):\n%s", diff)
	}
	err = db.Update(ctx, func(btx baton.Tx) error {
		_, err := btx.(*Tx).exec(ctx, `UPDATE handoffs SET trace = ? WHERE id = 'h1'`, version2Trace)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(oldTraceSteps, read(t)); diff != "" {
		t.Errorf("version 2 row's trace (-want +got):\n%s", diff)
	}
}
