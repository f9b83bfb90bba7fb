package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton"
)

// TestSearchUsesIndexes checks the plan of a search: the handoffs it finds
// come through the account_id and contact_id indexes, never a scan of the
// handoffs table.
func TestSearchUsesIndexes(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "baton.db")
	CopyMigrated(t, path)
	db, err := Open(context.Background(), path, Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	where, args, err := filterWhere(baton.HandoffFilter{Search: "acme"}, []string{"state NOT IN ('completed', 'cancelled')"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	q := `EXPLAIN QUERY PLAN SELECT id FROM handoffs WHERE ` + strings.Join(where, " AND ") + ` ORDER BY created_at DESC, id DESC LIMIT 51`
	var plan []string
	err = db.View(context.Background(), func(btx baton.Tx) error {
		rows, err := btx.(*Tx).query(context.Background(), q, args...)
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
			plan = append(plan, detail)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(plan, "\n")
	for _, line := range plan {
		if strings.HasPrefix(line, "SCAN handoffs") {
			t.Errorf("search scans the handoffs table; plan:\n%s", all)
		}
	}
	for _, want := range []string{"handoffs_account_type", "handoffs_contact_type"} {
		if !strings.Contains(all, want) {
			t.Errorf("plan does not use %s:\n%s", want, all)
		}
	}
}
