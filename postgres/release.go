package postgres

import (
	"context"
	"fmt"
	"strings"
)

// A node that stops (SIGTERM) releases the timers and messages it claimed
// but did not finish, so that the other nodes take them at once rather
// than when their leases end.

// ReleaseTimers ends the leases of the given timers that are still
// pending; fired or cancelled ones, and unknown ids, are left alone.
func (tx *Tx) ReleaseTimers(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := tx.exec(ctx, `UPDATE timers SET lease_until = 0 WHERE status = 'pending' AND id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`,
		anys(ids)...); err != nil {
		return fmt.Errorf("postgres: release timers: %w", err)
	}
	return nil
}

// ReleaseMessages ends the leases of the given messages that are still
// pending, leaving their attempts and next attempt as they were.
func (tx *Tx) ReleaseMessages(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := tx.exec(ctx, `UPDATE messages SET lease_until = 0 WHERE status = 'pending' AND id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`,
		anys(ids)...); err != nil {
		return fmt.Errorf("postgres: release messages: %w", err)
	}
	return nil
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
