package postgres

import (
	"context"
	"fmt"
	"time"
)

// PasswordHash returns a user's password hash, or ENOTFOUND.
func (tx *Tx) PasswordHash(ctx context.Context, userID string) (string, error) {
	var h string
	if err := tx.queryRow(ctx, `SELECT password_hash FROM credentials WHERE user_id = ?`, userID).Scan(&h); err != nil {
		return "", notFound(err, "password of user", userID)
	}
	return h, nil
}

// PutPasswordHash sets a user's password hash.
func (tx *Tx) PutPasswordHash(ctx context.Context, userID, hash string, now time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO credentials (user_id, password_hash, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at`, userID, hash, ms(now))
	if err != nil {
		return fmt.Errorf("postgres: put password of %s: %w", userID, err)
	}
	return nil
}

// RecordSignInFailure counts a failed sign-in and forgets old ones.
func (tx *Tx) RecordSignInFailure(ctx context.Context, key string, at, forget time.Time) error {
	if _, err := tx.exec(ctx, `DELETE FROM signin_failures WHERE key = ? AND at < ?`, key, ms(forget)); err != nil {
		return fmt.Errorf("postgres: sign-in failures: %w", err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO signin_failures (key, at) VALUES (?, ?)`, key, ms(at)); err != nil {
		return fmt.Errorf("postgres: sign-in failures: %w", err)
	}
	return nil
}

// SignInFailures counts key's failures at or after since.
func (tx *Tx) SignInFailures(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	if err := tx.queryRow(ctx, `SELECT count(*) FROM signin_failures WHERE key = ? AND at >= ?`, key, ms(since)).Scan(&n); err != nil {
		return 0, fmt.Errorf("postgres: sign-in failures: %w", err)
	}
	return n, nil
}

// ClearSignInFailures forgets key's failures.
func (tx *Tx) ClearSignInFailures(ctx context.Context, key string) error {
	if _, err := tx.exec(ctx, `DELETE FROM signin_failures WHERE key = ?`, key); err != nil {
		return fmt.Errorf("postgres: sign-in failures: %w", err)
	}
	return nil
}
