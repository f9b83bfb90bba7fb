package postgres

import (
	"context"
	"fmt"

	"github.com/batonhq/baton"
)

// ArmTimer makes timer t.ID pending at t.DueAt: inserted, or re-armed when
// it was pending, paused or cancelled. A fired timer stays fired.
func (tx *Tx) ArmTimer(ctx context.Context, t *baton.Timer) error {
	_, err := tx.exec(ctx, `INSERT INTO timers (id, handoff_id, kind, generation, due_at, step, ref, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')
		ON CONFLICT (id) DO UPDATE SET status = 'pending', due_at = excluded.due_at, lease_until = 0, fired_at = 0
		WHERE timers.status <> 'fired'`,
		t.ID, t.HandoffID, t.Kind, t.Generation, ms(t.DueAt), t.Step, t.Ref)
	if err != nil {
		return fmt.Errorf("postgres: arm timer %s: %w", t.ID, err)
	}
	return nil
}

// RenewingAccounts lists up to limit accounts renewing on or after from.
func (tx *Tx) RenewingAccounts(ctx context.Context, from string, limit int) ([]*baton.Account, error) {
	rows, err := tx.query(ctx, `SELECT `+accountCols+` FROM accounts WHERE renewal_date >= ? AND renewal_date <> '' ORDER BY renewal_date, id LIMIT ?`, from, limit)
	out, err := collect(rows, err, scanAccount)
	if err != nil {
		return nil, fmt.Errorf("postgres: renewing accounts: %w", err)
	}
	return out, nil
}
