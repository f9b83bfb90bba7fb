package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton"
)

// TestVisibleToUsesIndexes checks that a list filtered to what a person
// sees looks up owner_id, backup_id and sender_id by index rather than
// scanning every handoff, and that the outbox filtered the same way does.
func TestVisibleToUsesIndexes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "baton.db")
	CopyMigrated(t, path)
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	plan := func(t *testing.T, q string, args []any) string {
		t.Helper()
		var lines []string
		err := db.View(ctx, func(btx baton.Tx) error {
			rows, err := btx.(*Tx).query(ctx, "EXPLAIN QUERY PLAN "+q, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					return err
				}
				lines = append(lines, detail)
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatalf("explain %s: %v", q, err)
		}
		return strings.Join(lines, "\n")
	}
	wantIndexes := func(t *testing.T, got string, indexes ...string) {
		t.Helper()
		for _, ix := range indexes {
			if !strings.Contains(got, ix) {
				t.Errorf("query plan uses no %s:\n%s", ix, got)
			}
		}
		if strings.Contains(got, "SCAN handoffs") && !strings.Contains(got, "SCAN handoffs USING") {
			t.Errorf("query plan scans handoffs:\n%s", got)
		}
	}
	for _, tc := range []struct {
		name string
		f    baton.HandoffFilter
	}{
		{"OnePerson", baton.HandoffFilter{VisibleTo: []string{"u1"}}},
		{"ATeam", baton.HandoffFilter{VisibleTo: []string{"u1", "u2", "u3"}}},
		{"OpenPage", baton.HandoffFilter{VisibleTo: []string{"u1", "u2"}, Open: true, Cursor: "MTIzOmFiYw", Limit: 100}},
	} {
		t.Run("Handoffs"+tc.name, func(t *testing.T) {
			q, args, _, err := handoffsQuery(tc.f)
			if err != nil {
				t.Fatal(err)
			}
			wantIndexes(t, plan(t, q, args), "handoffs_owner_state", "handoffs_backup", "handoffs_sender")
		})
	}
	t.Run("MessagesAbout", func(t *testing.T) {
		q, args := messagesAboutQuery("", []string{"u1", "u2"}, 100)
		wantIndexes(t, plan(t, q, args), "handoffs_owner_state", "handoffs_backup", "handoffs_sender", "messages_handoff", "messages_recipient")
	})
	t.Run("MessagesAboutWithStatus", func(t *testing.T) {
		q, args := messagesAboutQuery(baton.MessagePending, []string{"u1", "u2"}, 100)
		wantIndexes(t, plan(t, q, args), "handoffs_owner_state", "handoffs_backup", "handoffs_sender")
	})
	t.Run("NoFilterIsUnchanged", func(t *testing.T) {
		q, _, _, err := handoffsQuery(baton.HandoffFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(q, "owner_id IN") {
			t.Errorf("got %s, want no visibility condition when VisibleTo is nil", q)
		}
	})
}
