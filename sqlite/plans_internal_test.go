package sqlite

import (
	"context"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton"
)

// TestHotQueriesUseIndexes runs the store's admin, list, report and
// ingest reads, records every statement they run, and checks each one's
// query plan: none may read the whole of handoffs or handoff_events (a
// SCAN, but for a page read in an index's order, which stops at its
// LIMIT), and the ones listed in wantIndex must use their index. Without
// statistics (the store runs no ANALYZE) SQLite's plans depend on the
// schema alone, so an empty file plans as a table of a million handoffs
// does: an index dropped that a query needed fails here.
func TestHotQueriesUseIndexes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "baton.db")
	CopyMigrated(t, path)
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })

	var mu sync.Mutex
	var queries []string
	record := func(q string) {
		mu.Lock()
		defer mu.Unlock()
		if !slices.Contains(queries, q) {
			queries = append(queries, q)
		}
	}
	db.rst.count, db.wst.count = record, record

	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	from, to := now.AddDate(0, -1, 0), now
	no := false
	filters := []baton.HandoffFilter{
		{},
		{Open: true},
		{State: baton.StateAssigned},
		{State: baton.StateCompleted, Cursor: "MTIzOmFiYw"},
		{OwnerID: "u1"},
		{OwnerID: "u1", Open: true},
		{AccountID: "a1"},
		{Open: true, Breached: &no},
		{Type: "demo", Tier: "t1"},
		{Search: "acme"},
		{Source: "website"},
		{VisibleTo: []string{"u1", "u2"}},
		{VisibleTo: []string{"u1"}, Open: true, Limit: 100},
	}
	err = db.View(ctx, func(btx baton.Tx) error {
		tx := btx.(*Tx)
		for _, f := range filters {
			if _, _, err := tx.Handoffs(ctx, f); err != nil {
				return err
			}
		}
		each := func(*baton.Event) error { return nil }
		for _, step := range []func() error{
			func() error { _, err := tx.Loads(ctx, []string{"u1", "u2"}, now); return err },
			func() error { _, err := tx.NoShows(ctx, "c1", "h1"); return err },
			func() error { _, err := tx.Events(ctx, "h1"); return err },
			func() error { return tx.EventsBetween(ctx, from, to, each) },
			func() error { return tx.SLAEventsBetween(ctx, from, to, each) },
			func() error { return tx.OwnedEventsBetween(ctx, from, to, []string{"u1", "u2"}, each) },
			func() error { return tx.OutcomeEvents(ctx, from, to, each) },
			func() error { _, err := tx.LastEventAt(ctx); return err },
			func() error { _, err := tx.Rejections(ctx, "u1", from, 50); return err },
			func() error {
				return tx.MeetingOutcomes(ctx, from, to, func(baton.MeetingOutcome) error { return nil })
			},
			func() error { _, err := tx.MessagesAbout(ctx, "", []string{"u1", "u2"}, 100); return err },
		} {
			if err := step(); err != nil {
				return err
			}
		}
		// Not found is the answer on an empty file.
		for _, find := range []func() error{
			func() error { _, err := tx.Handoff(ctx, "h1"); return err },
			func() error { _, err := tx.FirstHandoffAt(ctx); return err },
			func() error { _, err := tx.OpenHandoffFor(ctx, "c1", "demo", from); return err },
			func() error { _, err := tx.OpenHandoffForAccount(ctx, "a1", "demo", from); return err },
		} {
			if err := find(); err != nil && baton.ErrorCode(err) != baton.ENOTFOUND {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The gauges read on the pool, past the statement cache.
	record(openByStateQuery)

	// The index each of these queries must use, by a piece of its text.
	wantIndex := map[string]string{
		"FROM handoffs ORDER BY created_at DESC":                                         "handoffs_created",
		"WHERE state = ? ORDER BY":                                                       "handoffs_state",
		"WHERE state NOT IN ('completed', 'cancelled') ORDER BY":                         "handoffs_open_by_created",
		"WHERE state NOT IN ('completed', 'cancelled') AND breached":                     "handoffs_open_breached",
		"WHERE account_id = ? ORDER BY":                                                  "handoffs_account_type",
		"WHERE contact_id = ? AND type = ?":                                              "handoffs_contact_type",
		"WHERE account_id = ? AND type = ?":                                              "handoffs_account_type",
		"WHERE owner_id = ? ORDER BY":                                                    "handoffs_owner_state",
		"FROM handoffs WHERE owner_id IN (":                                              "handoffs_owner_state",
		"WHERE contact_id = ? AND id <> ?":                                               "handoffs_contact_type",
		"SELECT MIN(created_at) FROM handoffs":                                           "handoffs_created",
		"WHERE state IN ('assigned', 'accepted', 'actioned', 'returned') GROUP BY state": "handoffs_state",
		"FROM handoff_events WHERE handoff_id = ?":                                       "handoff_events_handoff",
		"FROM handoff_events WHERE at >= ? AND at < ? ORDER BY seq":                      "handoff_events_at_kind",
		"FROM handoff_events WHERE owner_id IN (":                                        "handoff_events_owner",
		"kind = 'outcome' AND at >= ?":                                                   "handoff_events_outcome_at",
		// A sender's rejections: their handoffs, then each one's events.
		"e.kind = 'rejected' AND e.at >= ?": "handoffs_sender",
		"AND kind IN (?":                    "handoff_events_at_kind",
	}
	used := map[string]bool{}
	scan := regexp.MustCompile(`^SCAN (\S+)( |$)`)
	checked := 0
	for _, q := range queries {
		flat := strings.Join(strings.Fields(q), " ")
		if !strings.Contains(flat, "handoffs") && !strings.Contains(flat, "handoff_events") {
			continue
		}
		checked++
		plan := explain(t, db, q)
		tables := aliases(flat)
		for _, line := range strings.Split(plan, "\n") {
			m := scan.FindStringSubmatch(line)
			// A scan walks the whole table, or the whole of an index: only
			// a page read in an index's order, which stops at its LIMIT,
			// may.
			if m != nil && tables[m[1]] && (!strings.Contains(line, " USING ") || !strings.Contains(flat, " LIMIT ")) {
				t.Errorf("query reads all of %s (%s):\n%s\nplan:\n%s", m[1], line, flat, plan)
			}
		}
		for piece, ix := range wantIndex {
			if strings.Contains(flat, piece) {
				used[piece] = true
				if !strings.Contains(plan, ix+" ") && !strings.HasSuffix(plan, ix) && !strings.Contains(plan, ix+"\n") {
					t.Errorf("query uses no %s:\n%s\nplan:\n%s", ix, flat, plan)
				}
			}
		}
		if testing.Verbose() {
			t.Logf("%s\n  %s", flat, strings.ReplaceAll(plan, "\n", "\n  "))
		}
	}
	for piece := range wantIndex {
		if !used[piece] {
			t.Errorf("no query recorded contains %q: the store's text changed, update wantIndex", piece)
		}
	}
	if checked < 25 {
		t.Errorf("checked %d queries on handoffs and handoff_events, want at least 25", checked)
	}
}

// aliases returns the names under which q reads handoffs or
// handoff_events: the tables' own and their aliases.
func aliases(q string) map[string]bool {
	out := map[string]bool{"handoffs": true, "handoff_events": true}
	for _, m := range regexp.MustCompile(`\b(?:handoffs|handoff_events) (?:AS )?([a-z]\w*)\b`).FindAllStringSubmatch(q, -1) {
		switch strings.ToUpper(m[1]) {
		case "WHERE", "ON", "JOIN", "LEFT", "ORDER", "GROUP", "SET", "VALUES", "INDEXED", "LIMIT":
		default:
			out[m[1]] = true
		}
	}
	return out
}

// explain returns q's query plan, one step a line, binding NULL to each
// of its parameters.
func explain(t *testing.T, db *DB, q string) string {
	t.Helper()
	n := strings.Count(q, "?")
	if ms := regexp.MustCompile(`\?(\d+)`).FindAllStringSubmatch(q, -1); ms != nil {
		n = 0
		for _, m := range ms {
			k, _ := strconv.Atoi(m[1])
			n = max(n, k)
		}
	}
	args := make([]any, n)
	var lines []string
	err := db.View(context.Background(), func(btx baton.Tx) error {
		rows, err := btx.(*Tx).tx.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q, args...)
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
