package sqlite

import (
	"context"

	"github.com/batonhq/baton"
)

// FillRollupPeople writes rollup_people afresh from the stored states, as
// Open does after migration 00018.
func FillRollupPeople(ctx context.Context, db *DB) error {
	return db.Update(ctx, func(t baton.Tx) error { return fillPeople(ctx, t.(*Tx).tx) })
}
