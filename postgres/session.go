package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/batonhq/baton"
)

// InsertSession stores a session (its id's hash only).
func (tx *Tx) InsertSession(ctx context.Context, s *baton.Session) error {
	_, err := tx.exec(ctx, `INSERT INTO sessions (hash, user_id, method, created_at, seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
		s.Hash, s.UserID, s.Method, ms(s.CreatedAt), ms(s.SeenAt), ms(s.ExpiresAt))
	if err != nil {
		return fmt.Errorf("postgres: insert session: %w", err)
	}
	return nil
}

// SessionByHash finds a session by its id's hash.
func (tx *Tx) SessionByHash(ctx context.Context, hash string) (*baton.Session, error) {
	var s baton.Session
	var created, seen, expires int64
	err := tx.queryRow(ctx, `SELECT hash, user_id, method, created_at, seen_at, expires_at FROM sessions WHERE hash = ?`, hash).
		Scan(&s.Hash, &s.UserID, &s.Method, &created, &seen, &expires)
	if err != nil {
		return nil, notFound(err, "session", "")
	}
	s.CreatedAt, s.SeenAt, s.ExpiresAt = fromMS(created), fromMS(seen), fromMS(expires)
	return &s, nil
}

// TouchSession records that a session was seen.
func (tx *Tx) TouchSession(ctx context.Context, hash string, seen time.Time) error {
	if _, err := tx.exec(ctx, `UPDATE sessions SET seen_at = ? WHERE hash = ?`, ms(seen), hash); err != nil {
		return fmt.Errorf("postgres: touch session: %w", err)
	}
	return nil
}

// DeleteSession ends one session.
func (tx *Tx) DeleteSession(ctx context.Context, hash string) error {
	if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE hash = ?`, hash); err != nil {
		return fmt.Errorf("postgres: delete session: %w", err)
	}
	return nil
}

// DeleteSessions ends all of a user's sessions.
func (tx *Tx) DeleteSessions(ctx context.Context, userID string) (int, error) {
	res, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
	if err != nil {
		return 0, fmt.Errorf("postgres: delete sessions of %s: %w", userID, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// InsertLink stores a one-time link (its code's hash only).
func (tx *Tx) InsertLink(ctx context.Context, l *baton.Link) error {
	_, err := tx.exec(ctx, `INSERT INTO login_links (hash, user_id, purpose, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?)`,
		l.Hash, l.UserID, l.Purpose, ms(l.CreatedAt), ms(l.ExpiresAt), ms(l.UsedAt))
	if err != nil {
		return fmt.Errorf("postgres: insert link: %w", err)
	}
	return nil
}

// LinkByHash finds a one-time link by its code's hash.
func (tx *Tx) LinkByHash(ctx context.Context, hash string) (*baton.Link, error) {
	var l baton.Link
	var created, expires, used int64
	err := tx.queryRow(ctx, `SELECT hash, user_id, purpose, created_at, expires_at, used_at FROM login_links WHERE hash = ?`, hash).
		Scan(&l.Hash, &l.UserID, &l.Purpose, &created, &expires, &used)
	if err != nil {
		return nil, notFound(err, "link", "")
	}
	l.CreatedAt, l.ExpiresAt, l.UsedAt = fromMS(created), fromMS(expires), fromMS(used)
	return &l, nil
}

// UseLink marks a link used, once.
func (tx *Tx) UseLink(ctx context.Context, hash string, now time.Time) error {
	res, err := tx.exec(ctx, `UPDATE login_links SET used_at = ? WHERE hash = ? AND used_at = 0`, ms(now), hash)
	if err != nil {
		return fmt.Errorf("postgres: use link: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return baton.Errorf(baton.ECONFLICT, "this link was already used")
	}
	return nil
}
