package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Gauges are the counts operators watch (Prometheus gauges), as DB.Gauges
// reads them.
type Gauges struct {
	// OpenHandoffs counts the open handoffs by state.
	OpenHandoffs map[string]int
	// PendingMessages counts pending messages by channel.
	PendingMessages map[string]int
	// OldestPendingMessage is the earliest pending message's due time;
	// zero when none is pending.
	OldestPendingMessage time.Time
	// OldestPendingTimer is the earliest pending timer's due time; zero
	// when none is pending.
	OldestPendingTimer time.Time
}

// openByStateQuery counts the open handoffs by state.
const openByStateQuery = `SELECT state, count(*) FROM handoffs
	WHERE state IN ('assigned', 'accepted', 'actioned', 'returned') GROUP BY state`

// Gauges reads the open handoffs by state, the pending messages by channel
// and the earliest pending message and timer, on the read pool. Each query
// reads an index range of open or pending rows only (handoffs_state,
// messages_due, timers_due), never the finished history.
func (db *DB) Gauges(ctx context.Context) (Gauges, error) {
	g := Gauges{OpenHandoffs: map[string]int{}, PendingMessages: map[string]int{}}
	count := func(into map[string]int, q string) error {
		rows, err := db.r.QueryContext(ctx, q)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				return err
			}
			into[k] = n
		}
		return rows.Err()
	}
	oldest := func(dst *time.Time, q string) error {
		var v sql.NullInt64
		if err := db.r.QueryRowContext(ctx, q).Scan(&v); err != nil {
			return err
		}
		if v.Valid {
			*dst = fromMS(v.Int64)
		}
		return nil
	}
	for _, step := range []func() error{
		func() error {
			return count(g.OpenHandoffs, openByStateQuery)
		},
		func() error {
			return count(g.PendingMessages, `SELECT channel, count(*) FROM messages WHERE status = 'pending' GROUP BY channel`)
		},
		func() error {
			return oldest(&g.OldestPendingMessage, `SELECT min(next_at) FROM messages INDEXED BY messages_due WHERE status = 'pending'`)
		},
		func() error {
			return oldest(&g.OldestPendingTimer, `SELECT min(due_at) FROM timers WHERE status = 'pending'`)
		},
	} {
		if err := step(); err != nil {
			return Gauges{}, unavailable(fmt.Errorf("sqlite: gauges: %w", err))
		}
	}
	return g, nil
}
