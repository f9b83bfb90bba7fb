package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
)

// staleKey is the setting present while the rollups need a rebuild.
const staleKey = "rollups_stale"

// rollupEvent folds a new event into the rollups, in the event's
// transaction.
func (tx *Tx) rollupEvent(ctx context.Context, e *baton.Event) error {
	var h metrics.RollupHandoff
	var state string
	err := tx.queryRow(ctx, `SELECT state FROM rollup_handoffs WHERE handoff_id = ?`, e.HandoffID).Scan(&state)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return fmt.Errorf("sqlite: rollup of %s: %w", e.HandoffID, err)
	default:
		if err := json.Unmarshal([]byte(state), &h); err != nil {
			return fmt.Errorf("sqlite: rollup of %s: %w", e.HandoffID, err)
		}
	}
	before := h
	deltas, err := h.Apply(e)
	if err != nil {
		return err
	}
	if h != before {
		b, _ := json.Marshal(h)
		if _, err := tx.exec(ctx, `INSERT INTO rollup_handoffs (handoff_id, state) VALUES (?, ?)
			ON CONFLICT (handoff_id) DO UPDATE SET state = excluded.state`, e.HandoffID, string(b)); err != nil {
			return fmt.Errorf("sqlite: rollup of %s: %w", e.HandoffID, err)
		}
	}
	for _, d := range deltas {
		if _, err := tx.exec(ctx, `INSERT INTO rollup_daily (day, metric, key, bucket, n) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (day, metric, key, bucket) DO UPDATE SET n = n + excluded.n`, d.Day, d.Metric, d.Key, d.Bucket, d.N); err != nil {
			return fmt.Errorf("sqlite: rollup of %s: %w", e.HandoffID, err)
		}
	}
	return nil
}

// Rollups returns the non-zero rollup rows of the UTC days [fromDay,
// toDay). Open rebuilds stale rollups before it returns, so they always
// match the log.
func (tx *Tx) Rollups(ctx context.Context, fromDay, toDay int64) ([]metrics.RollupRow, error) {
	rows, err := tx.query(ctx, `SELECT day, metric, key, bucket, n FROM rollup_daily WHERE day >= ? AND day < ? AND n <> 0`, fromDay, toDay)
	list, err := collect(rows, err, func(row scanner) (*metrics.RollupRow, error) {
		var r metrics.RollupRow
		err := row.Scan(&r.Day, &r.Metric, &r.Key, &r.Bucket, &r.N)
		return &r, err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: rollups: %w", err)
	}
	out := make([]metrics.RollupRow, len(list))
	for i, r := range list {
		out[i] = *r
	}
	return out, nil
}

// LastEventAt returns the time of the newest event (zero when none).
func (tx *Tx) LastEventAt(ctx context.Context) (time.Time, error) {
	var at sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT max(at) FROM handoff_events`).Scan(&at); err != nil {
		return time.Time{}, fmt.Errorf("sqlite: last event: %w", err)
	}
	if !at.Valid {
		return time.Time{}, nil
	}
	return fromMS(at.Int64), nil
}

// OwnedEventsBetween streams, in log order, the events with at in [from,
// to) of the handoffs one of whose events in [from, to) names one of
// owners: what a person's dashboard folds.
func (tx *Tx) OwnedEventsBetween(ctx context.Context, from, to time.Time, owners []string, fn func(*baton.Event) error) error {
	if len(owners) == 0 {
		return nil
	}
	in := "?" + strings.Repeat(", ?", len(owners)-1)
	args := []any{}
	for _, o := range owners {
		args = append(args, o)
	}
	args = append(args, ms(from), ms(to), ms(from), ms(to))
	rows, err := tx.query(ctx, `SELECT `+eventCols+` FROM handoff_events WHERE handoff_id IN (
		SELECT handoff_id FROM handoff_events WHERE owner_id IN (`+in+`) AND at >= ? AND at < ?)
		AND at >= ? AND at < ? ORDER BY seq`, args...)
	if err != nil {
		return fmt.Errorf("sqlite: owned events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return fmt.Errorf("sqlite: owned events: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// RebuildRollups recomputes the rollups from the event log in one write
// transaction, whether or not they are stale.
func (db *DB) RebuildRollups(ctx context.Context) error {
	return db.Update(ctx, func(t baton.Tx) error {
		return rebuildRollups(ctx, t.(*Tx).tx)
	})
}

// rebuildIfStale rebuilds the rollups when a migration marked them stale.
func rebuildIfStale(ctx context.Context, w *sql.DB) error {
	var one int
	err := w.QueryRowContext(ctx, `SELECT 1 FROM settings WHERE key = ?`, staleKey).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return fmt.Errorf("sqlite: rollups: %w", err)
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: rollups: %w", err)
	}
	defer tx.Rollback()
	if err := rebuildRollups(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// rebuildRollups replays the log one handoff at a time (by the
// handoff_events_handoff index), so memory holds one handoff's state and
// the day rows, not the log.
func rebuildRollups(ctx context.Context, tx *sql.Tx) error {
	for _, q := range []string{`DELETE FROM rollup_daily`, `DELETE FROM rollup_handoffs`, `DELETE FROM settings WHERE key = '` + staleKey + `'`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("sqlite: rebuild rollups: %w", err)
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+eventCols+` FROM handoff_events ORDER BY handoff_id, seq`)
	if err != nil {
		return fmt.Errorf("sqlite: rebuild rollups: %w", err)
	}
	defer rows.Close()
	type key struct {
		day         int64
		metric, key string
		bucket      int64
	}
	sums := map[key]int64{}
	var states []any
	flush := func() error {
		if len(states) == 0 {
			return nil
		}
		q := `INSERT INTO rollup_handoffs (handoff_id, state) VALUES (?, ?)` + strings.Repeat(", (?, ?)", len(states)/2-1)
		if _, err := tx.ExecContext(ctx, q, states...); err != nil {
			return fmt.Errorf("sqlite: rebuild rollups: %w", err)
		}
		states = states[:0]
		return nil
	}
	var cur string
	var h metrics.RollupHandoff
	done := func() error {
		if cur == "" || !h.Created {
			return nil
		}
		b, _ := json.Marshal(h)
		states = append(states, cur, string(b))
		if len(states) >= 1000 {
			return flush()
		}
		return nil
	}
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return fmt.Errorf("sqlite: rebuild rollups: %w", err)
		}
		if e.HandoffID != cur {
			if err := done(); err != nil {
				return err
			}
			cur, h = e.HandoffID, metrics.RollupHandoff{}
		}
		deltas, err := h.Apply(e)
		if err != nil {
			return err
		}
		for _, d := range deltas {
			sums[key{d.Day, d.Metric, d.Key, d.Bucket}] += d.N
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: rebuild rollups: %w", err)
	}
	if err := done(); err != nil {
		return err
	}
	if err := flush(); err != nil {
		return err
	}
	var args []any
	write := func() error {
		if len(args) == 0 {
			return nil
		}
		q := `INSERT INTO rollup_daily (day, metric, key, bucket, n) VALUES (?, ?, ?, ?, ?)` + strings.Repeat(", (?, ?, ?, ?, ?)", len(args)/5-1)
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("sqlite: rebuild rollups: %w", err)
		}
		args = args[:0]
		return nil
	}
	for k, n := range sums {
		if n == 0 {
			continue
		}
		args = append(args, k.day, k.metric, k.key, k.bucket, n)
		if len(args) >= 2500 {
			if err := write(); err != nil {
				return err
			}
		}
	}
	return write()
}
