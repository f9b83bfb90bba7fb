package postgres

import (
	"context"
	"fmt"

	"github.com/batonhq/baton"
)

const tokenCols = `id, user_id, name, role, hash, created_at, expires_at, last_used_at, revoked_at`

func scanToken(row scanner) (*baton.Token, error) {
	var t baton.Token
	var created, expires, used, revoked int64
	if err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Role, &t.Hash, &created, &expires, &used, &revoked); err != nil {
		return nil, err
	}
	t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt = fromMS(created), fromMS(expires), fromMS(used), fromMS(revoked)
	return &t, nil
}

// InsertToken stores an API token (its hash only).
func (tx *Tx) InsertToken(ctx context.Context, t *baton.Token) error {
	_, err := tx.exec(ctx, `INSERT INTO api_tokens (`+tokenCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.UserID, t.Name, t.Role, t.Hash, ms(t.CreatedAt), ms(t.ExpiresAt), ms(t.LastUsedAt), ms(t.RevokedAt))
	if err != nil {
		return fmt.Errorf("postgres: insert token: %w", err)
	}
	return nil
}

// TokenByHash finds a token by the hash of its secret.
func (tx *Tx) TokenByHash(ctx context.Context, hash string) (*baton.Token, error) {
	t, err := scanToken(tx.queryRow(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE hash = ?`, hash))
	if err != nil {
		return nil, notFound(err, "token", "")
	}
	return t, nil
}

// Token finds a token by id.
func (tx *Tx) Token(ctx context.Context, id string) (*baton.Token, error) {
	t, err := scanToken(tx.queryRow(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "token", id)
	}
	return t, nil
}

// Tokens lists a user's tokens, or everyone's when userID is empty.
func (tx *Tx) Tokens(ctx context.Context, userID string) ([]*baton.Token, error) {
	q, args := `SELECT `+tokenCols+` FROM api_tokens ORDER BY created_at, id`, []any{}
	if userID != "" {
		q, args = `SELECT `+tokenCols+` FROM api_tokens WHERE user_id = ? ORDER BY created_at, id`, []any{userID}
	}
	rows, err := tx.query(ctx, q, args...)
	out, err := collect(rows, err, scanToken)
	if err != nil {
		return nil, fmt.Errorf("postgres: list tokens: %w", err)
	}
	return out, nil
}

// UpdateToken writes a token's last-used and revoked times.
func (tx *Tx) UpdateToken(ctx context.Context, t *baton.Token) error {
	res, err := tx.exec(ctx, `UPDATE api_tokens SET last_used_at = ?, revoked_at = ? WHERE id = ?`, ms(t.LastUsedAt), ms(t.RevokedAt), t.ID)
	if err != nil {
		return fmt.Errorf("postgres: update token %s: %w", t.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return baton.Errorf(baton.ENOTFOUND, "token %s not found", t.ID)
	}
	return nil
}
