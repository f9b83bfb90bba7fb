package postgres

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
)

// RollupMetric returns the non-zero rollup rows of one metric (a
// metrics.Rollup* name) of the UTC days [fromDay, toDay), as Rollups.
func (tx *Tx) RollupMetric(ctx context.Context, metric string, fromDay, toDay int64) ([]metrics.RollupRow, error) {
	rows, err := tx.query(ctx, `SELECT day, metric, key, bucket, n FROM rollup_daily WHERE day >= ? AND day < ? AND metric = ? AND n <> 0`,
		fromDay, toDay, metric)
	list, err := collect(rows, err, func(row scanner) (*metrics.RollupRow, error) {
		var r metrics.RollupRow
		err := row.Scan(&r.Day, &r.Metric, &r.Key, &r.Bucket, &r.N)
		return &r, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: rollup metric: %w", err)
	}
	out := make([]metrics.RollupRow, len(list))
	for i, r := range list {
		out[i] = *r
	}
	return out, nil
}

// RollupGroups sums the figure blocks of one stored dimension
// (metrics.StoredDims) over the handoffs created on the UTC days [fromDay,
// toDay), by group: a few blocks per key, whatever the window's length.
// group names a key's group (an owner's team, say); nil keeps the keys.
// The blocks are read first, then summed group by group
// (metrics.BlockSet), as in package sqlite.
func (tx *Tx) RollupGroups(ctx context.Context, dim string, fromDay, toDay int64, group func(key string) string) (map[string]*metrics.Acc, error) {
	set := metrics.NewBlockSet(group)
	for _, sp := range metrics.Spans(fromDay, toDay, metrics.LevelsOf(dim)) {
		rows, err := tx.query(ctx, `SELECT key, cells FROM rollup_blocks WHERE dim = ? AND lvl = ? AND period >= ? AND period < ?`,
			dim, sp.Level, sp.From, sp.To)
		if err != nil {
			return nil, fmt.Errorf("postgres: rollup groups: %w", err)
		}
		for rows.Next() {
			var key, cells sql.RawBytes
			if err := rows.Scan(&key, &cells); err != nil {
				rows.Close()
				return nil, fmt.Errorf("postgres: rollup groups: %w", err)
			}
			set.Add(key, cells)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("postgres: rollup groups: %w", err)
		}
	}
	out, err := set.Sum()
	if err != nil {
		return nil, fmt.Errorf("postgres: rollup groups: %s: %w", dim, err)
	}
	return out, nil
}

// SLAEventsBetween streams, in log order, the events with at in [from, to)
// of the kinds an SLA report folds (metrics.SLAKinds), with their
// payloads only where it reads them (created and sla_breached) and
// without their actor, states and reason (the handoff_events_at_kind
// index holds the rest).
func (tx *Tx) SLAEventsBetween(ctx context.Context, from, to time.Time, fn func(*baton.Event) error) error {
	args := []any{ms(from), ms(to)}
	for _, k := range metrics.SLAKinds {
		args = append(args, k)
	}
	rows, err := tx.query(ctx, `SELECT seq, handoff_id, kind, at, owner_id, CASE WHEN kind IN ('`+strings.Join(metrics.SLAPayloadKinds, "', '")+`') THEN data END
		FROM handoff_events WHERE at >= ? AND at < ? AND kind IN (?`+strings.Repeat(", ?", len(metrics.SLAKinds)-1)+`)`, args...)
	if err != nil {
		return fmt.Errorf("postgres: sla events: %w", err)
	}
	defer rows.Close()
	var list []*baton.Event
	for rows.Next() {
		e := &baton.Event{}
		var at int64
		var data sql.NullString
		if err := rows.Scan(&e.Seq, &e.HandoffID, &e.Kind, &at, &e.OwnerID, &data); err != nil {
			return fmt.Errorf("postgres: sla events: %w", err)
		}
		e.At = fromMS(at)
		if data.Valid {
			e.Data = []byte(data.String)
		}
		list = append(list, e)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgres: sla events: %w", err)
	}
	rows.Close()
	slices.SortFunc(list, func(a, b *baton.Event) int { return cmp.Compare(a.Seq, b.Seq) })
	for _, e := range list {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}
