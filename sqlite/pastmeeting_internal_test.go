package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
)

// TestCloseRateReadsUseIndexes checks the plans of the close-rate report's
// reads: the outcome events come through the partial index of outcomes,
// the past meetings through their held_at index, and the first handoff
// from the creation index, never a scan of a table.
func TestCloseRateReadsUseIndexes(t *testing.T) {
	t.Parallel()
	if baton.EventOutcome != "outcome" {
		t.Fatalf("the outcome kind is %q; outcomeEventsQuery and migration 00016 spell it 'outcome'", baton.EventOutcome)
	}
	path := filepath.Join(t.TempDir(), "baton.db")
	CopyMigrated(t, path)
	db, err := Open(context.Background(), path, Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, tt := range []struct {
		query string
		args  []any
		index string
	}{
		{outcomeEventsQuery, []any{0, 1}, "handoff_events_outcome_at"},
		{pastMeetingsQuery, []any{0, 1}, "past_meetings_held"},
		{firstHandoffQuery, nil, "handoffs_created"},
	} {
		var plan []string
		err = db.View(context.Background(), func(btx baton.Tx) error {
			rows, err := btx.(*Tx).query(context.Background(), "EXPLAIN QUERY PLAN "+tt.query, tt.args...)
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
		if !strings.Contains(all, tt.index) {
			t.Errorf("%s: plan does not use %s:\n%s", tt.query, tt.index, all)
		}
	}
}

// TestPutPastMeetingKeyConflict: two meetings may not share a key.
func TestPutPastMeetingKeyConflict(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "baton.db")
	CopyMigrated(t, path)
	db, err := Open(ctx, path, Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	at := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	err = db.Update(ctx, func(tx baton.Tx) error {
		if err := tx.PutPastMeeting(ctx, &baton.PastMeeting{ID: "a", Key: "ext:1", OwnerID: "u", HeldAt: at, Status: baton.MeetingHeld}); err != nil {
			return err
		}
		return tx.PutPastMeeting(ctx, &baton.PastMeeting{ID: "b", Key: "ext:1", OwnerID: "u", HeldAt: at, Status: baton.MeetingHeld})
	})
	if baton.ErrorCode(err) != baton.ECONFLICT {
		t.Errorf("got %v, want ECONFLICT", err)
	}
	if _, err := firstHandoff(ctx, db); baton.ErrorCode(err) != baton.ENOTFOUND {
		t.Errorf("first handoff of an empty store: got %v, want ENOTFOUND", err)
	}
}

func firstHandoff(ctx context.Context, db *DB) (at time.Time, err error) {
	err = db.View(ctx, func(tx baton.Tx) error {
		at, err = tx.FirstHandoffAt(ctx)
		return err
	})
	return at, err
}
