package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton"
)

// TestRetentionReadsByIndex checks that a batch of retention reads a range
// of an index, never the whole table: clearing signal bodies starts at the
// mark of the last batch, on the received_at index.
func TestRetentionReadsByIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "baton.db")
	CopyMigrated(t, path)
	db, err := Open(ctx, path, Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, tc := range []struct {
		name, query string
		args        []any
		want        string
	}{
		{"SignalBodies", signalBodiesQuery, []any{2, 1, "x", 10}, "SEARCH signals USING INDEX signals_received (received_at>? AND received_at<?)"},
		{"TimerWindow", `SELECT COALESCE(MAX(id), '') FROM (SELECT id FROM timers WHERE id > ? ORDER BY id LIMIT ?) w`, []any{"x", 10}, "USING COVERING INDEX sqlite_autoindex_timers_1 (id>?)"},
		{"MessageWindow", `SELECT COALESCE(MAX(id), '') FROM (SELECT id FROM messages WHERE id > ? ORDER BY id LIMIT ?) w`, []any{"x", 10}, "USING COVERING INDEX sqlite_autoindex_messages_1 (id>?)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var lines []string
			err := db.View(ctx, func(btx baton.Tx) error {
				rows, err := btx.(*Tx).query(ctx, "EXPLAIN QUERY PLAN "+tc.query, tc.args...)
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
				t.Fatal(err)
			}
			if got := strings.Join(lines, "\n"); !strings.Contains(got, tc.want) {
				t.Errorf("plan: got\n%s\nwant it to contain %q", got, tc.want)
			}
		})
	}
}
