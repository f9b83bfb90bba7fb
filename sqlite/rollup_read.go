package sqlite

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

// The rollups' readers. An admin's figures at a million handoffs read
// tens of thousands of rows, so the readers scan each row's columns
// without allocating what repeats and sum blocks group by group
// (RollupGroups).

// Rollups returns the non-zero rollup rows of the UTC days [fromDay,
// toDay). Open rebuilds stale rollups before it returns, so they always
// match the log. The rows are scanned without a string allocation each:
// the metrics and keys repeat, and are shared.
func (tx *Tx) Rollups(ctx context.Context, fromDay, toDay int64) ([]metrics.RollupRow, error) {
	return tx.rollupRows(ctx, `SELECT day, metric, key, bucket, n FROM rollup_daily WHERE day >= ? AND day < ? AND n <> 0`, fromDay, toDay)
}

// RollupMetric returns the non-zero rollup rows of one metric (a
// metrics.Rollup* name) of the UTC days [fromDay, toDay), as Rollups.
func (tx *Tx) RollupMetric(ctx context.Context, metric string, fromDay, toDay int64) ([]metrics.RollupRow, error) {
	// Day by day: with the day a range, SQLite would scan every metric's
	// rows of the window for this one's.
	return tx.rollupRows(ctx, `WITH RECURSIVE days(day) AS (SELECT ?1 WHERE ?1 < ?2 UNION ALL SELECT day + 1 FROM days WHERE day + 1 < ?2)
		SELECT r.day, r.metric, r.key, r.bucket, r.n FROM days JOIN rollup_daily r ON r.day = days.day AND r.metric = ?3 WHERE r.n <> 0`,
		fromDay, toDay, metric)
}

// quoted lists constant names as SQL strings.
func quoted(names []string) string {
	return "'" + strings.Join(names, "', '") + "'"
}

func (tx *Tx) rollupRows(ctx context.Context, q string, args ...any) ([]metrics.RollupRow, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: rollups: %w", err)
	}
	defer rows.Close()
	strs := map[string]string{}
	intern := func(b []byte) string {
		if s, ok := strs[string(b)]; ok {
			return s
		}
		s := string(b)
		strs[s] = s
		return s
	}
	var out []metrics.RollupRow
	for rows.Next() {
		var r metrics.RollupRow
		var metric, key sql.RawBytes
		if err := rows.Scan(&r.Day, &metric, &key, &r.Bucket, &r.N); err != nil {
			return nil, fmt.Errorf("sqlite: rollups: %w", err)
		}
		r.Metric, r.Key = intern(metric), intern(key)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: rollups: %w", err)
	}
	return out, nil
}

// RollupGroups sums the figure blocks of one stored dimension
// (metrics.StoredDims) over the handoffs created on the UTC days [fromDay,
// toDay), by group: a few blocks per key, whatever the window's length.
// group names a key's group (an owner's team, say); nil keeps the keys.
//
// The blocks come from the table by period, each period holding every
// key; summing them in that order touches every group's histograms for
// each period, thousands of them, which do not fit in a processor's
// cache. So the blocks are read first, then summed group by group
// (metrics.BlockSet).
func (tx *Tx) RollupGroups(ctx context.Context, dim string, fromDay, toDay int64, group func(key string) string) (map[string]*metrics.Acc, error) {
	set := metrics.NewBlockSet(group)
	for _, sp := range metrics.Spans(fromDay, toDay, metrics.LevelsOf(dim)) {
		rows, err := tx.query(ctx, `SELECT key, cells FROM rollup_blocks WHERE dim = ? AND lvl = ? AND period >= ? AND period < ?`,
			dim, sp.Level, sp.From, sp.To)
		if err != nil {
			return nil, fmt.Errorf("sqlite: rollup groups: %w", err)
		}
		for rows.Next() {
			var key, cells sql.RawBytes
			if err := rows.Scan(&key, &cells); err != nil {
				rows.Close()
				return nil, fmt.Errorf("sqlite: rollup groups: %w", err)
			}
			set.Add(key, cells)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlite: rollup groups: %w", err)
		}
	}
	out, err := set.Sum()
	if err != nil {
		return nil, fmt.Errorf("sqlite: rollup groups: %s: %w", dim, err)
	}
	return out, nil
}

// SLAEventsBetween streams, in log order, the events with at in [from, to)
// of the kinds an SLA report folds (metrics.SLAKinds), with their
// payloads only where it reads them (created and sla_breached) and
// without their actor, states and reason. The events come by the at index
// and are put in log order here: SQLite would sort whole rows.
func (tx *Tx) SLAEventsBetween(ctx context.Context, from, to time.Time, fn func(*baton.Event) error) error {
	args := []any{ms(from), ms(to)}
	for _, k := range metrics.SLAKinds {
		args = append(args, k)
	}
	rows, err := tx.query(ctx, `SELECT seq, handoff_id, kind, at, owner_id, CASE WHEN kind IN (`+quoted(metrics.SLAPayloadKinds)+`) THEN data END
		FROM handoff_events WHERE at >= ? AND at < ? AND kind IN (?`+strings.Repeat(", ?", len(metrics.SLAKinds)-1)+`)`, args...)
	if err != nil {
		return fmt.Errorf("sqlite: sla events: %w", err)
	}
	defer rows.Close()
	var list []*baton.Event
	var chunk []baton.Event // the events, allocated a thousand at a time
	strs := map[string]string{}
	for rows.Next() {
		if len(chunk) == cap(chunk) {
			chunk = make([]baton.Event, 0, 1024)
		}
		chunk = append(chunk, baton.Event{})
		e := &chunk[len(chunk)-1]
		var id, kind, owner, data sql.RawBytes
		var at int64
		if err := rows.Scan(&e.Seq, &id, &kind, &at, &owner, &data); err != nil {
			return fmt.Errorf("sqlite: sla events: %w", err)
		}
		e.HandoffID, e.Kind, e.OwnerID, e.At = internIn(strs, id), slaKind(kind), internIn(strs, owner), fromMS(at)
		if len(data) > 0 {
			e.Data = slices.Clone([]byte(data))
		}
		list = append(list, e)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: sla events: %w", err)
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

// slaKind returns the metrics.SLAKinds constant b spells, without
// allocating.
func slaKind(b []byte) string {
	for _, k := range metrics.SLAKinds {
		if string(b) == k {
			return k
		}
	}
	return string(b)
}

// internIn returns b as a string, shared with earlier equal ones in strs.
func internIn(strs map[string]string, b []byte) string {
	if s, ok := strs[string(b)]; ok {
		return s
	}
	s := string(b)
	strs[s] = s
	return s
}
