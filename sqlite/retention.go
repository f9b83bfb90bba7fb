package sqlite

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/internal/signalbody"
)

// Retention (worker.Retention) deletes finished timers and settled
// messages and clears old signal bodies, a bounded batch per call, so that
// the single writer is never held for long: each call reads at most limit
// rows by index and writes at most limit. Nothing the product shows or
// rebuilds reads what these remove: the handoff page shows pending timers
// and the event log; exports, reports, quality scores and rollups read
// handoffs and events; a fired timer's id is never armed again (ids are
// fresh, or name a future date, or are guarded by a kept signal: service
// weekly.go, renewal.go); the show-rate report's sent prospect reminders
// are kept. What shrinks is the outbox page's list of sent and failed
// messages, and a cleared signal's body (baton.Signal.WithoutBody).

// PurgeTimers deletes the finished timers among the limit timers after
// after (in id order) that fell due and finished before before. A timer
// cancelled in bulk (CancelTimers) has no finishing time, so its due time
// alone decides.
func (tx *Tx) PurgeTimers(ctx context.Context, before time.Time, after string, limit int) (int, string, error) {
	var next string
	err := tx.queryRow(ctx, `SELECT COALESCE(MAX(id), '') FROM (SELECT id FROM timers WHERE id > ? ORDER BY id LIMIT ?) w`, after, limit).Scan(&next)
	if err != nil || next == "" {
		if err != nil {
			return 0, "", fmt.Errorf("sqlite: purge timers: %w", err)
		}
		return 0, "", nil
	}
	res, err := tx.exec(ctx, `DELETE FROM timers WHERE id > ?1 AND id <= ?2 AND status IN ('fired', 'cancelled') AND due_at < ?3 AND fired_at < ?3`,
		after, next, ms(before))
	if err != nil {
		return 0, "", fmt.Errorf("sqlite: purge timers: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), next, nil
}

// PurgeMessages deletes the settled messages among the limit messages
// after after (in id order) that settled before before. Sent prospect
// reminders stay: MeetingOutcomes reads them.
func (tx *Tx) PurgeMessages(ctx context.Context, before time.Time, after string, limit int) (int, string, error) {
	var next string
	err := tx.queryRow(ctx, `SELECT COALESCE(MAX(id), '') FROM (SELECT id FROM messages WHERE id > ? ORDER BY id LIMIT ?) w`, after, limit).Scan(&next)
	if err != nil {
		return 0, "", fmt.Errorf("sqlite: purge messages: %w", err)
	}
	if next == "" {
		return 0, "", nil
	}
	res, err := tx.exec(ctx, `DELETE FROM messages WHERE id > ?1 AND id <= ?2 AND created_at < ?3
		AND (status = 'sent' AND sent_at < ?3 AND kind <> ?4 OR status = 'failed' AND next_at < ?3)`,
		after, next, ms(before), baton.MsgProspectReminder)
	if err != nil {
		return 0, "", fmt.Errorf("sqlite: purge messages: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), next, nil
}

// signalBodiesKey is the setting that records where ClearSignalBodies
// stopped: the received time (ms) and id of the last signal it cleared.
const signalBodiesKey = "retention_signal_bodies"

// ClearSignalBodies clears the bodies of the next limit signals received
// before before, in (received_at, id) order after the recorded mark, and
// moves the mark, in the same transaction: a signal is read once, not at
// every round.
func (tx *Tx) ClearSignalBodies(ctx context.Context, before time.Time, limit int) (int, error) {
	markAt, markID, err := signalMark(ctx, tx.Setting)
	if err != nil {
		return 0, fmt.Errorf("sqlite: clear signal bodies: %w", err)
	}
	rows, err := tx.query(ctx, signalBodiesQuery, ms(before), markAt, markID, limit)
	if err != nil {
		return 0, fmt.Errorf("sqlite: clear signal bodies: %w", err)
	}
	type body struct {
		id      string
		at      int64
		payload string
	}
	var bodies []body
	for rows.Next() {
		var b body
		if err := rows.Scan(&b.id, &b.at, &b.payload); err != nil {
			rows.Close()
			return 0, fmt.Errorf("sqlite: clear signal bodies: %w", err)
		}
		bodies = append(bodies, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("sqlite: clear signal bodies: %w", err)
	}
	for _, b := range bodies {
		cleared, changed, err := clearedBody(b.payload)
		if err != nil {
			return 0, fmt.Errorf("sqlite: clear body of signal %s: %w", b.id, err)
		}
		if !changed {
			continue
		}
		if _, err := tx.exec(ctx, `UPDATE signals SET payload = ? WHERE id = ?`, cleared, b.id); err != nil {
			return 0, fmt.Errorf("sqlite: clear body of signal %s: %w", b.id, err)
		}
	}
	if len(bodies) > 0 {
		last := bodies[len(bodies)-1]
		if err := tx.PutSetting(ctx, signalBodiesKey, []byte(strconv.FormatInt(last.at, 10)+" "+last.id)); err != nil {
			return 0, err
		}
	}
	return len(bodies), nil
}

// signalBodiesQuery reads the bodies to clear: the range of the
// received_at index from the mark to the cutoff, so a batch reads no
// signal cleared before.
const signalBodiesQuery = `SELECT id, received_at, payload FROM signals
	WHERE received_at >= ?2 AND received_at < ?1 AND (received_at > ?2 OR id > ?3)
	ORDER BY received_at, id LIMIT ?4`

// signalMark reads the mark ClearSignalBodies left: zero before its first
// call.
func signalMark(ctx context.Context, setting func(context.Context, string) ([]byte, error)) (int64, string, error) {
	b, err := setting(ctx, signalBodiesKey)
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return 0, "", nil
	} else if err != nil {
		return 0, "", err
	}
	at, id, _ := strings.Cut(string(b), " ")
	n, err := strconv.ParseInt(at, 10, 64)
	if err != nil {
		return 0, "", fmt.Errorf("mark %q: %w", b, err)
	}
	return n, id, nil
}

// clearedBody is a stored signal body without what retention drops, and
// whether that differs from it.
func clearedBody(payload string) (string, bool, error) {
	s, err := signalbody.Decode(payload, time.Time{}, time.Time{}) // a time left out stays out
	if err != nil {
		return "", false, err
	}
	b := signalBody(s.WithoutBody())
	return b, b != payload, nil
}
