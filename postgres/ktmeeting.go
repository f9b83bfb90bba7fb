package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/batonhq/baton"
)

// CSHandoff returns a handoff's sales → customer success protocol state, or
// ENOTFOUND.
func (tx *Tx) CSHandoff(ctx context.Context, handoffID string) (*baton.CSHandoff, error) {
	var b []byte
	if err := tx.queryRow(ctx, `SELECT data FROM cs_handoffs WHERE handoff_id = ?`, handoffID).Scan(&b); err != nil {
		return nil, notFound(err, "customer success handoff", handoffID)
	}
	var c baton.CSHandoff
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("postgres: customer success handoff %s: %w", handoffID, err)
	}
	return &c, nil
}

// PutCSHandoff inserts or replaces a handoff's protocol state.
func (tx *Tx) PutCSHandoff(ctx context.Context, c *baton.CSHandoff) error {
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("postgres: put customer success handoff %s: %w", c.HandoffID, err)
	}
	_, err = tx.exec(ctx, `INSERT INTO cs_handoffs (handoff_id, data, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (handoff_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`, c.HandoffID, string(b), ms(c.UpdatedAt))
	if err != nil {
		return fmt.Errorf("postgres: put customer success handoff %s: %w", c.HandoffID, err)
	}
	return nil
}
