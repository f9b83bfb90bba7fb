package sqlite

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton/quality"
)

// Quality scores: one row per handoff in quality_scores, and the handoffs
// whose log grew since they were scored in quality_stale. Every event
// appended (AppendEvents, by any command) marks its handoff stale in the
// event's own transaction: the store collects the handoffs of each
// command that succeeded and writes their marks once, with multi-row
// statements, just before the transaction commits (keepStale,
// writeStale), as it writes the rollups. A trigger on handoff_events did
// this per event until migration 00026.

// StaleQuality lists up to limit handoffs to rescore, oldest mark first.
func (tx *Tx) StaleQuality(ctx context.Context, limit int) ([]string, error) {
	rows, err := tx.query(ctx, `SELECT handoff_id FROM quality_stale LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: stale quality scores: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("sqlite: stale quality scores: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: stale quality scores: %w", err)
	}
	return out, nil
}

// MarkQualityStale marks handoffs to rescore (a rubric changed).
func (tx *Tx) MarkQualityStale(ctx context.Context, ids ...string) error {
	return tx.markStale(ctx, ids)
}

// markStale marks ids stale with one statement per maxRows of them.
func (tx *Tx) markStale(ctx context.Context, ids []string) error {
	for len(ids) > 0 {
		n := min(len(ids), maxRows)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		if _, err := tx.exec(ctx, `INSERT OR IGNORE INTO quality_stale (handoff_id) VALUES `+valueRows("(?)", n)+``, args...); err != nil {
			return fmt.Errorf("sqlite: mark quality of %s stale: %w", ids[0], err)
		}
		ids = ids[n:]
	}
	return nil
}

// keepStale merges the handoffs the running command appended events to
// into the transaction's, once its savepoint is released.
func (tx *Tx) keepStale() {
	if len(tx.stale) == 0 {
		return
	}
	if tx.staleBatch == nil {
		tx.staleBatch = map[string]bool{}
	}
	for _, id := range tx.stale {
		tx.staleBatch[id] = true
	}
	tx.stale = nil
}

// writeStale marks the quality of the transaction's handoffs with new
// events stale, in id order, and forgets them.
func (tx *Tx) writeStale(ctx context.Context) error {
	ids := slices.Sorted(maps.Keys(tx.staleBatch))
	tx.staleBatch = nil
	return tx.markStale(ctx, ids)
}

// ClearQualityStale forgets a handoff's stale mark (a handoff that no
// longer exists, or whose type has no rubric).
func (tx *Tx) ClearQualityStale(ctx context.Context, id string) error {
	if _, err := tx.exec(ctx, `DELETE FROM quality_stale WHERE handoff_id = ?`, id); err != nil {
		return fmt.Errorf("sqlite: clear quality of %s: %w", id, err)
	}
	return nil
}

// PutQualityScore stores a handoff's score and clears its stale mark.
func (tx *Tx) PutQualityScore(ctx context.Context, r quality.Row) error {
	_, err := tx.exec(ctx, `INSERT INTO quality_scores (handoff_id, type, created_at, owner_id, backup_id, sender_id, from_team, score, band,
		remediation, lost, pending, rubric, scored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (handoff_id) DO UPDATE SET type = excluded.type, created_at = excluded.created_at, owner_id = excluded.owner_id,
		backup_id = excluded.backup_id, sender_id = excluded.sender_id, from_team = excluded.from_team, score = excluded.score,
		band = excluded.band, remediation = excluded.remediation, lost = excluded.lost, pending = excluded.pending,
		rubric = excluded.rubric, scored_at = excluded.scored_at`,
		r.HandoffID, r.Type, ms(r.CreatedAt), r.OwnerID, r.BackupID, r.SenderID, r.FromTeam, r.Score, r.Band,
		r.Remediation, strings.Join(r.Lost, ","), r.Pending, r.Rubric, ms(r.ScoredAt))
	if err != nil {
		return fmt.Errorf("sqlite: put quality score of %s: %w", r.HandoffID, err)
	}
	return tx.ClearQualityStale(ctx, r.HandoffID)
}

// QualityScores streams the scores of the handoffs created in [from, to)
// to fn, oldest first.
func (tx *Tx) QualityScores(ctx context.Context, from, to time.Time, fn func(quality.Row) error) error {
	rows, err := tx.query(ctx, `SELECT handoff_id, type, created_at, owner_id, backup_id, sender_id, from_team, score, band, remediation,
		lost, pending, rubric, scored_at FROM quality_scores WHERE created_at >= ? AND created_at < ? ORDER BY created_at, handoff_id`, ms(from), ms(to))
	if err != nil {
		return fmt.Errorf("sqlite: quality scores: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r quality.Row
		var created, scored int64
		var lost string
		if err := rows.Scan(&r.HandoffID, &r.Type, &created, &r.OwnerID, &r.BackupID, &r.SenderID, &r.FromTeam, &r.Score, &r.Band,
			&r.Remediation, &lost, &r.Pending, &r.Rubric, &scored); err != nil {
			return fmt.Errorf("sqlite: quality scores: %w", err)
		}
		r.CreatedAt, r.ScoredAt = fromMS(created), fromMS(scored)
		if lost != "" {
			r.Lost = strings.Split(lost, ",")
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: quality scores: %w", err)
	}
	return nil
}
