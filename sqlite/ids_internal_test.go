package sqlite

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/batonhq/baton"
)

// TestHandoffPagesAcrossIDForms: a file holds ids of both forms, UUID text
// from before and the short ids written now (service.newID); the handoff
// list pages through them, ties on created_at included, each handoff once
// and in order, and the new ids sort after the old.
func TestHandoffPagesAcrossIDForms(t *testing.T) {
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
	old := []string{"019a4f2e-1c00-7000-8000-000000000001", "01a23686-42d3-7273-b66c-5f50c1790924", "01a23686-42d3-7273-b66c-5f50c1790925"}
	short := []string{"3P7qaTSNPvinaHsKtS", "3P7qaTSNvGc1wEVEeF", "3P7qcbAWb-uiLa-aQz", "3P7qcbAWb_uiLa-aQz"}
	var all []string
	err = db.Update(ctx, func(tx baton.Tx) error {
		for i, id := range append(slices.Clone(old), short...) {
			all = append(all, id)
			created := at.Add(time.Duration(i/2) * time.Minute) // pairs share a time, across the forms too
			h := &baton.Handoff{ID: id, Type: "demo", State: baton.StateAssigned, SignalID: "s", CreatedAt: created, UpdatedAt: created}
			if err := tx.InsertHandoff(ctx, h); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = db.View(ctx, func(tx baton.Tx) error {
		f := baton.HandoffFilter{Limit: 1}
		for range len(all) + 1 {
			page, next, err := tx.Handoffs(ctx, f)
			if err != nil {
				return err
			}
			for _, h := range page {
				got = append(got, h.ID)
			}
			if next == "" {
				return nil
			}
			f.Cursor = next
		}
		t.Error("the pages do not end")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// created_at descending, then id descending.
	want := []string{short[3], short[2], short[1], short[0], old[2], old[1], old[0]}
	if !slices.Equal(got, want) {
		t.Errorf("pages: got %q, want %q", got, want)
	}
	var byID []string
	err = db.View(ctx, func(btx baton.Tx) error {
		rows, err := btx.(*Tx).query(ctx, `SELECT id FROM handoffs ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			byID = append(byID, id)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := append(slices.Clone(old), short...); !slices.Equal(byID, want) {
		t.Errorf("ORDER BY id: got %q, want the old ids first, %q", byID, want)
	}
}
