package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/batonhq/baton"
)

// InsertTimers stores pending timers in one statement.
func (tx *Tx) InsertTimers(ctx context.Context, ts ...*baton.Timer) error {
	if len(ts) == 0 {
		return nil
	}
	q := `INSERT INTO timers (id, handoff_id, kind, generation, due_at, step, ref, status) VALUES ` +
		valueRows("(?, ?, ?, ?, ?, ?, ?, 'pending')", len(ts))
	args := make([]any, 0, 7*len(ts))
	for _, t := range ts {
		args = append(args, t.ID, t.HandoffID, t.Kind, t.Generation, ms(t.DueAt), t.Step, t.Ref)
	}
	if _, err := tx.exec(ctx, q, args...); err != nil {
		return fmt.Errorf("sqlite: insert timers: %w", err)
	}
	for _, t := range ts {
		t.Status = baton.TimerPending
	}
	return nil
}

// CancelTimers cancels a handoff's pending (and paused) timers of the given
// kinds (all when none are given).
func (tx *Tx) CancelTimers(ctx context.Context, handoffID string, kinds ...string) error {
	q := `UPDATE timers SET status = 'cancelled' WHERE handoff_id = ? AND status IN ('pending', 'paused')`
	args := []any{handoffID}
	if len(kinds) > 0 {
		q += " AND kind IN (" + strings.TrimSuffix(strings.Repeat("?,", len(kinds)), ",") + ")"
		for _, k := range kinds {
			args = append(args, k)
		}
	}
	if _, err := tx.exec(ctx, q, args...); err != nil {
		return fmt.Errorf("sqlite: cancel timers of %s: %w", handoffID, err)
	}
	return nil
}

const timerCols = `id, handoff_id, kind, generation, due_at, status, fired_at, step, ref`

func scanTimer(row scanner) (*baton.Timer, error) {
	var t baton.Timer
	var due, fired int64
	if err := row.Scan(&t.ID, &t.HandoffID, &t.Kind, &t.Generation, &due, &t.Status, &fired, &t.Step, &t.Ref); err != nil {
		return nil, err
	}
	t.DueAt, t.FiredAt = fromMS(due), fromMS(fired)
	return &t, nil
}

// claimTimersSQL leases due timers: ?1 is the lease's end, ?2 now, ?3 the
// limit.
const claimTimersSQL = `UPDATE timers SET lease_until = ?1 WHERE id IN (
		SELECT id FROM timers WHERE status = 'pending' AND due_at <= ?2 AND lease_until <= ?2 ORDER BY due_at, id LIMIT +?3)
	RETURNING ` + timerCols

// ClaimTimers leases up to limit due timers in due order.
//
// The limit is written +?3, not ?3: SQLite reads a LIMIT that is a bare
// parameter while planning, so every new binding of it would expire the
// prepared statement and make each claim compile the query again (see
// TestClaimsStayPrepared).
func (tx *Tx) ClaimTimers(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*baton.Timer, error) {
	rows, err := tx.query(ctx, claimTimersSQL, ms(now.Add(lease)), ms(now), limit)
	out, err := collect(rows, err, scanTimer)
	if err != nil {
		return nil, fmt.Errorf("sqlite: claim timers: %w", err)
	}
	// RETURNING order is unspecified; callers fire in due order.
	sortTimers(out)
	return out, nil
}

func sortTimers(ts []*baton.Timer) {
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && (ts[j].DueAt.Before(ts[j-1].DueAt) || ts[j].DueAt.Equal(ts[j-1].DueAt) && ts[j].ID < ts[j-1].ID); j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}

// Timer finds a timer by id.
func (tx *Tx) Timer(ctx context.Context, id string) (*baton.Timer, error) {
	t, err := scanTimer(tx.queryRow(ctx, `SELECT `+timerCols+` FROM timers WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "timer", id)
	}
	return t, nil
}

// FinishTimer marks a pending timer fired or cancelled. Finishing a timer
// that is no longer pending is an ECONFLICT: that is what makes each timer
// fire once.
func (tx *Tx) FinishTimer(ctx context.Context, id, status string, now time.Time) error {
	res, err := tx.exec(ctx, `UPDATE timers SET status = ?, fired_at = ? WHERE id = ? AND status = 'pending'`, status, ms(now), id)
	if err != nil {
		return fmt.Errorf("sqlite: finish timer %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return baton.Errorf(baton.ECONFLICT, "timer %s is not pending", id)
	}
	return nil
}

// PendingTimers lists a handoff's pending timers in due order.
func (tx *Tx) PendingTimers(ctx context.Context, handoffID string) ([]*baton.Timer, error) {
	rows, err := tx.query(ctx, `SELECT `+timerCols+` FROM timers WHERE handoff_id = ? AND status = 'pending' ORDER BY due_at, id`, handoffID)
	out, err := collect(rows, err, scanTimer)
	if err != nil {
		return nil, fmt.Errorf("sqlite: pending timers of %s: %w", handoffID, err)
	}
	return out, nil
}

// PauseTimers sets a handoff's pending timers of the given kinds aside.
func (tx *Tx) PauseTimers(ctx context.Context, handoffID string, kinds ...string) error {
	if len(kinds) == 0 {
		return nil
	}
	q := `UPDATE timers SET status = 'paused' WHERE handoff_id = ? AND status = 'pending' AND kind IN (` +
		strings.TrimSuffix(strings.Repeat("?,", len(kinds)), ",") + ")"
	args := []any{handoffID}
	for _, k := range kinds {
		args = append(args, k)
	}
	if _, err := tx.exec(ctx, q, args...); err != nil {
		return fmt.Errorf("sqlite: pause timers of %s: %w", handoffID, err)
	}
	return nil
}

// PausedTimers lists a handoff's paused timers in due order.
func (tx *Tx) PausedTimers(ctx context.Context, handoffID string) ([]*baton.Timer, error) {
	rows, err := tx.query(ctx, `SELECT `+timerCols+` FROM timers WHERE handoff_id = ? AND status = 'paused' ORDER BY due_at, id`, handoffID)
	out, err := collect(rows, err, scanTimer)
	if err != nil {
		return nil, fmt.Errorf("sqlite: paused timers of %s: %w", handoffID, err)
	}
	return out, nil
}

// RearmTimer makes a paused (or pending) timer pending at a new due time.
func (tx *Tx) RearmTimer(ctx context.Context, id string, due time.Time) error {
	res, err := tx.exec(ctx, `UPDATE timers SET status = 'pending', due_at = ?, lease_until = 0 WHERE id = ? AND status IN ('paused', 'pending')`, ms(due), id)
	if err != nil {
		return fmt.Errorf("sqlite: rearm timer %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return baton.Errorf(baton.ECONFLICT, "timer %s is not paused or pending", id)
	}
	return nil
}

// CancelTimersRef cancels the pending (or paused) timers of an activity.
func (tx *Tx) CancelTimersRef(ctx context.Context, ref string) error {
	if _, err := tx.exec(ctx, `UPDATE timers SET status = 'cancelled' WHERE ref = ? AND status IN ('pending', 'paused')`, ref); err != nil {
		return fmt.Errorf("sqlite: cancel timers of %s: %w", ref, err)
	}
	return nil
}
