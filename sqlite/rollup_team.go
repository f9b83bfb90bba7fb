package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/batonhq/baton/metrics"
)

// Team blocks are the owner blocks summed by each owner's team on the
// roster (metrics.TeamBlocks): every change to owner blocks adds the same
// cells to the owner's team's, PutUser moves a person's owner blocks when
// their team changes, and a rebuild (or migration 00028, through
// teamsStaleKey) derives them from the owner blocks. So a report by team
// reads a few blocks per team, not every owner's.

// teamsStaleKey is the setting present while the team blocks need
// deriving from the owner blocks (migration 00028).
const teamsStaleKey = "rollup_teams_stale"

// teamsChunk is how many people one roster read names.
const teamsChunk = 500

// withTeamBlocks adds to blocks the team blocks its owner blocks make,
// reading the owners' teams from the roster.
func withTeamBlocks(ctx context.Context, query queryFunc, blocks map[metrics.Block][]metrics.Cell) error {
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
			return fmt.Errorf("sqlite: owners' teams: %w", err)
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
			return fmt.Errorf("sqlite: owners' teams: %w", err)
		}
		teams[id] = team
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: owners' teams: %w", err)
	}
	return nil
}

// moveTeam moves person's owner blocks from team from's blocks to team
// to's. Their blocks are found by the days of the handoffs they own or
// sent (rollup_people), a point read per block.
func moveTeam(ctx context.Context, query queryFunc, exec execFunc, person, from, to string) error {
	if metrics.TeamKey(from) == metrics.TeamKey(to) {
		return nil
	}
	rows, err := query(ctx, `SELECT DISTINCT day FROM rollup_people WHERE person_id = ?`, person)
	if err != nil {
		return fmt.Errorf("sqlite: move %s's figures to team %q: %w", person, to, err)
	}
	var days []int64
	for rows.Next() {
		var d int64
		if err := rows.Scan(&d); err != nil {
			rows.Close()
			return fmt.Errorf("sqlite: move %s's figures: %w", person, err)
		}
		days = append(days, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: move %s's figures: %w", person, err)
	}
	owned := map[metrics.Block][]metrics.Cell{}
	for lvl, size := range metrics.Levels[:metrics.LevelsOf(metrics.DimOwner)] {
		seen := map[int64]bool{}
		for _, d := range days {
			p := metrics.PeriodOf(d, size)
			if seen[p] {
				continue
			}
			seen[p] = true
			b := metrics.Block{Dim: metrics.DimOwner, Level: lvl, Period: p, Key: person}
			cells, err := readBlock(ctx, query, b)
			if err != nil {
				return err
			}
			if len(cells) > 0 {
				owned[b] = cells
			}
		}
	}
	return appendBlocks(ctx, query, exec, metrics.MovedBlocks(owned, from, to))
}

// readBlock returns a block's cells summed (none when it has no row).
func readBlock(ctx context.Context, query queryFunc, b metrics.Block) ([]metrics.Cell, error) {
	rows, err := query(ctx, `SELECT cells FROM rollup_blocks WHERE dim = ? AND lvl = ? AND period = ? AND key = ?`, b.Dim, b.Level, b.Period, b.Key)
	if err != nil {
		return nil, fmt.Errorf("sqlite: rollup block: %w", err)
	}
	defer rows.Close()
	var cells []metrics.Cell
	for rows.Next() {
		var raw sql.RawBytes
		if err := rows.Scan(&raw); err != nil {
			return nil, fmt.Errorf("sqlite: rollup block: %w", err)
		}
		if cells, err = metrics.DecodeCells(cells, raw); err != nil {
			return nil, fmt.Errorf("sqlite: rollup block %v: %w", b, err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: rollup block: %w", err)
	}
	return metrics.SumCells(cells), nil
}

// fillTeams writes the team blocks afresh from the owner blocks and the
// roster, one level and period at a time.
func fillTeams(ctx context.Context, tx *sql.Tx) error {
	exec := func(ctx context.Context, q string, args ...any) (sql.Result, error) {
		return tx.ExecContext(ctx, q, args...)
	}
	query := func(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
		return tx.QueryContext(ctx, q, args...)
	}
	for _, q := range []string{`DELETE FROM rollup_blocks WHERE dim = 'team'`, `DELETE FROM settings WHERE key = '` + teamsStaleKey + `'`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("sqlite: fill team figures: %w", err)
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, team FROM users`)
	if err != nil {
		return fmt.Errorf("sqlite: fill team figures: %w", err)
	}
	teams := map[string]string{}
	if err := scanTeams(rows, teams); err != nil {
		return err
	}
	team := func(owner string) string { return teams[owner] }
	type span struct{ lvl, period int64 }
	rows, err = tx.QueryContext(ctx, `SELECT DISTINCT lvl, period FROM rollup_blocks WHERE dim = 'owner' ORDER BY lvl, period`)
	if err != nil {
		return fmt.Errorf("sqlite: fill team figures: %w", err)
	}
	var spans []span
	for rows.Next() {
		var s span
		if err := rows.Scan(&s.lvl, &s.period); err != nil {
			rows.Close()
			return fmt.Errorf("sqlite: fill team figures: %w", err)
		}
		spans = append(spans, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: fill team figures: %w", err)
	}
	for _, s := range spans {
		rows, err := tx.QueryContext(ctx, `SELECT key, cells FROM rollup_blocks WHERE dim = 'owner' AND lvl = ? AND period = ?`, s.lvl, s.period)
		if err != nil {
			return fmt.Errorf("sqlite: fill team figures: %w", err)
		}
		owners := map[metrics.Block][]metrics.Cell{}
		for rows.Next() {
			var key string
			var raw sql.RawBytes
			if err := rows.Scan(&key, &raw); err != nil {
				rows.Close()
				return fmt.Errorf("sqlite: fill team figures: %w", err)
			}
			b := metrics.Block{Dim: metrics.DimOwner, Level: int(s.lvl), Period: s.period, Key: key}
			if owners[b], err = metrics.DecodeCells(owners[b], raw); err != nil {
				rows.Close()
				return fmt.Errorf("sqlite: fill team figures: block %v: %w", b, err)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sqlite: fill team figures: %w", err)
		}
		for b, cs := range owners {
			owners[b] = metrics.SumCells(cs)
		}
		if err := appendBlocks(ctx, query, exec, metrics.TeamBlocks(owners, team)); err != nil {
			return err
		}
	}
	return nil
}
