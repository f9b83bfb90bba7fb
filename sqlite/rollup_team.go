package sqlite

import (
	"context"
	"database/sql"

	"github.com/batonhq/baton/internal/blocksql"
)

// teamsStaleKey is the setting present while the team blocks need
// deriving from the owner blocks (migration 00028, blocksql.FillTeams).
const teamsStaleKey = blocksql.TeamsStaleKey

// fillTeams writes the team blocks afresh (blocksql.FillTeams).
func fillTeams(ctx context.Context, tx *sql.Tx) error {
	return blocksql.FillTeams(ctx, tx.QueryContext, tx.ExecContext)
}
