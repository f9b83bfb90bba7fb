// Package blocksql is the SQL both stores (sqlite, postgres) run on the
// figure blocks (rollup_blocks, metrics.Block): appending deltas,
// compacting blocks, and keeping the team blocks. Its
// statements use ? placeholders, which the PostgreSQL store rewrites, and
// run through the Query and Exec of the store's transaction.
package blocksql

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/batonhq/baton/metrics"
)

// Query runs a query in a store's transaction.
type Query func(ctx context.Context, query string, args ...any) (*sql.Rows, error)

// Exec runs a statement in a store's transaction.
type Exec func(ctx context.Context, query string, args ...any) (sql.Result, error)

// blockChunk is how many blocks one statement writes.
const blockChunk = 64

// compactAfter is how many deltas a block collects before they are merged.
const compactAfter = 32

// Append adds deltas to their blocks without reading them: each
// delta's encoded cells are appended to its block's (readers sum cells
// that repeat), in one statement per blockChunk blocks, so a command
// rewrites no block it does not need to read. A block that has collected
// compactAfter deltas is merged back into sorted, distinct cells
// (Compact), so blocks stay small.
func Append(ctx context.Context, query Query, exec Exec, deltas map[metrics.Block][]metrics.Cell) error {
	keys := make([]metrics.Block, 0, len(deltas))
	for b, cs := range deltas {
		if len(cs) > 0 {
			keys = append(keys, b)
		}
	}
	// A stable order keeps the statements' texts few and their locks in
	// one order.
	slices.SortFunc(keys, func(a, b metrics.Block) int {
		return cmp.Or(cmp.Compare(a.Dim, b.Dim), cmp.Compare(a.Level, b.Level), cmp.Compare(a.Period, b.Period), cmp.Compare(a.Key, b.Key))
	})
	var full []metrics.Block
	for len(keys) > 0 {
		chunk := keys[:min(len(keys), blockChunk)]
		keys = keys[len(chunk):]
		args := make([]any, 0, 5*len(chunk))
		for _, b := range chunk {
			args = append(args, b.Dim, b.Level, b.Period, b.Key, metrics.EncodeCells(deltas[b]))
		}
		rows, err := query(ctx, `INSERT INTO rollup_blocks (dim, lvl, period, key, cells) VALUES `+values(5, len(chunk))+`
			ON CONFLICT (dim, lvl, period, key) DO UPDATE SET cells = rollup_blocks.cells || excluded.cells, appends = rollup_blocks.appends + 1
			RETURNING dim, lvl, period, key, appends`, args...)
		if err != nil {
			return fmt.Errorf("rollup blocks: %w", err)
		}
		for rows.Next() {
			var b metrics.Block
			var n int
			if err := rows.Scan(&b.Dim, &b.Level, &b.Period, &b.Key, &n); err != nil {
				rows.Close()
				return fmt.Errorf("rollup blocks: %w", err)
			}
			if n >= compactAfter {
				full = append(full, b)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("rollup blocks: %w", err)
		}
	}
	for _, b := range full {
		if err := Compact(ctx, query, exec, b); err != nil {
			return err
		}
	}
	return nil
}

// Compact merges a block's appended deltas into sorted, distinct,
// non-zero cells.
func Compact(ctx context.Context, query Query, exec Exec, b metrics.Block) error {
	rows, err := query(ctx, `SELECT cells FROM rollup_blocks WHERE dim = ? AND lvl = ? AND period = ? AND key = ?`, b.Dim, b.Level, b.Period, b.Key)
	if err != nil {
		return fmt.Errorf("compact rollup block: %w", err)
	}
	var cells []metrics.Cell
	for rows.Next() {
		var raw sql.RawBytes
		if err := rows.Scan(&raw); err != nil {
			rows.Close()
			return fmt.Errorf("compact rollup block: %w", err)
		}
		if cells, err = metrics.DecodeCells(cells, raw); err != nil {
			rows.Close()
			return fmt.Errorf("compact rollup block %v: %w", b, err)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("compact rollup block: %w", err)
	}
	if _, err := exec(ctx, `UPDATE rollup_blocks SET cells = ?, appends = 0 WHERE dim = ? AND lvl = ? AND period = ? AND key = ?`,
		metrics.EncodeCells(metrics.SumCells(cells)), b.Dim, b.Level, b.Period, b.Key); err != nil {
		return fmt.Errorf("compact rollup block: %w", err)
	}
	return nil
}

// Team blocks are the owner blocks summed by each owner's team on the
// roster (metrics.TeamBlocks): every change to owner blocks adds the same
// cells to the owner's team's (WithTeams), a store's PutUser moves a
// person's owner blocks when their team changes (MoveTeam), and a rebuild,
// or migration 00028 through TeamsStaleKey, derives them from the owner
// blocks (FillTeams). So a report by team reads a few blocks per team, not
// every owner's.

// TeamsStaleKey is the setting present while the team blocks need
// deriving from the owner blocks (migration 00028).
const TeamsStaleKey = "rollup_teams_stale"

// teamsChunk is how many people one roster read names.
const teamsChunk = 500

// WithTeams adds to blocks the team blocks its owner blocks make,
// reading the owners' teams from the roster.
func WithTeams(ctx context.Context, query Query, blocks map[metrics.Block][]metrics.Cell) error {
	var owners []string
	seen := map[string]bool{}
	for b := range blocks {
		if b.Dim == metrics.DimOwner && !seen[b.Key] {
			seen[b.Key] = true
			if b.Key != metrics.NoneKey {
				owners = append(owners, b.Key)
			}
		}
	}
	if len(seen) == 0 {
		return nil
	}
	slices.Sort(owners)
	teams := map[string]string{}
	for len(owners) > 0 {
		chunk := owners[:min(len(owners), teamsChunk)]
		owners = owners[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := query(ctx, `SELECT id, team FROM users WHERE id IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)`, args...)
		if err != nil {
			return fmt.Errorf("owners' teams: %w", err)
		}
		if err := scanTeams(rows, teams); err != nil {
			return err
		}
	}
	for b, cs := range metrics.TeamBlocks(blocks, func(owner string) string { return teams[owner] }) {
		blocks[b] = metrics.AddCells(blocks[b], cs)
	}
	return nil
}

// scanTeams reads rows of (id, team) into teams and closes them.
func scanTeams(rows *sql.Rows, teams map[string]string) error {
	defer rows.Close()
	for rows.Next() {
		var id, team string
		if err := rows.Scan(&id, &team); err != nil {
			return fmt.Errorf("owners' teams: %w", err)
		}
		teams[id] = team
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("owners' teams: %w", err)
	}
	return nil
}

// MoveTeam moves person's owner blocks from team from's blocks to team
// to's. Their blocks are found by the days of the handoffs they own or
// sent (rollup_people), read a few statements a level.
func MoveTeam(ctx context.Context, query Query, exec Exec, person, from, to string) error {
	if metrics.TeamKey(from) == metrics.TeamKey(to) {
		return nil
	}
	rows, err := query(ctx, `SELECT DISTINCT day FROM rollup_people WHERE person_id = ?`, person)
	if err != nil {
		return fmt.Errorf("move %s's figures to team %q: %w", person, to, err)
	}
	var days []int64
	for rows.Next() {
		var d int64
		if err := rows.Scan(&d); err != nil {
			rows.Close()
			return fmt.Errorf("move %s's figures: %w", person, err)
		}
		days = append(days, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("move %s's figures: %w", person, err)
	}
	owned := map[metrics.Block][]metrics.Cell{}
	for lvl, size := range metrics.Levels[:metrics.LevelsOf(metrics.DimOwner)] {
		var periods []any
		seen := map[int64]bool{}
		for _, d := range days {
			if p := metrics.PeriodOf(d, size); !seen[p] {
				seen[p] = true
				periods = append(periods, p)
			}
		}
		// A few statements a level, each probing the key's blocks of up to
		// teamsChunk periods by the primary key.
		for len(periods) > 0 {
			chunk := periods[:min(len(periods), teamsChunk)]
			periods = periods[len(chunk):]
			args := append([]any{metrics.DimOwner, lvl, person}, chunk...)
			rows, err := query(ctx, `SELECT period, cells FROM rollup_blocks WHERE dim = ? AND lvl = ? AND key = ? AND period IN (?`+
				strings.Repeat(", ?", len(chunk)-1)+`)`, args...)
			if err != nil {
				return fmt.Errorf("move %s's figures: %w", person, err)
			}
			for rows.Next() {
				var p int64
				var raw sql.RawBytes
				if err := rows.Scan(&p, &raw); err != nil {
					rows.Close()
					return fmt.Errorf("move %s's figures: %w", person, err)
				}
				b := metrics.Block{Dim: metrics.DimOwner, Level: lvl, Period: p, Key: person}
				if owned[b], err = metrics.DecodeCells(owned[b], raw); err != nil {
					rows.Close()
					return fmt.Errorf("move %s's figures: block %v: %w", person, b, err)
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return fmt.Errorf("move %s's figures: %w", person, err)
			}
		}
	}
	for b, cs := range owned {
		owned[b] = metrics.SumCells(cs)
	}
	return Append(ctx, query, exec, metrics.MovedBlocks(owned, from, to))
}

// FillTeams writes the team blocks afresh from the owner blocks and the
// roster, one level and period at a time.
func FillTeams(ctx context.Context, query Query, exec Exec) error {
	for _, q := range []string{`DELETE FROM rollup_blocks WHERE dim = 'team'`, `DELETE FROM settings WHERE key = '` + TeamsStaleKey + `'`} {
		if _, err := exec(ctx, q); err != nil {
			return fmt.Errorf("fill team figures: %w", err)
		}
	}
	rows, err := query(ctx, `SELECT id, team FROM users`)
	if err != nil {
		return fmt.Errorf("fill team figures: %w", err)
	}
	teams := map[string]string{}
	if err := scanTeams(rows, teams); err != nil {
		return err
	}
	team := func(owner string) string { return teams[owner] }
	type span struct{ lvl, period int64 }
	rows, err = query(ctx, `SELECT DISTINCT lvl, period FROM rollup_blocks WHERE dim = 'owner' ORDER BY lvl, period`)
	if err != nil {
		return fmt.Errorf("fill team figures: %w", err)
	}
	var spans []span
	for rows.Next() {
		var s span
		if err := rows.Scan(&s.lvl, &s.period); err != nil {
			rows.Close()
			return fmt.Errorf("fill team figures: %w", err)
		}
		spans = append(spans, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("fill team figures: %w", err)
	}
	for _, s := range spans {
		rows, err := query(ctx, `SELECT key, cells FROM rollup_blocks WHERE dim = 'owner' AND lvl = ? AND period = ?`, s.lvl, s.period)
		if err != nil {
			return fmt.Errorf("fill team figures: %w", err)
		}
		owners := map[metrics.Block][]metrics.Cell{}
		for rows.Next() {
			var key string
			var raw sql.RawBytes
			if err := rows.Scan(&key, &raw); err != nil {
				rows.Close()
				return fmt.Errorf("fill team figures: %w", err)
			}
			b := metrics.Block{Dim: metrics.DimOwner, Level: int(s.lvl), Period: s.period, Key: key}
			if owners[b], err = metrics.DecodeCells(owners[b], raw); err != nil {
				rows.Close()
				return fmt.Errorf("fill team figures: block %v: %w", b, err)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("fill team figures: %w", err)
		}
		for b, cs := range owners {
			owners[b] = metrics.SumCells(cs)
		}
		if err := Append(ctx, query, exec, metrics.TeamBlocks(owners, team)); err != nil {
			return err
		}
	}
	return nil
}

// values is the VALUES list of rows rows of cols placeholders each.
func values(cols, rows int) string {
	one := "(?" + strings.Repeat(", ?", cols-1) + ")"
	return one + strings.Repeat(", "+one, rows-1)
}
