package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/batonhq/baton"
)

const userCols = `id, email, name, role, team, territory, timezone, manager_id, backup_id, capacity, weight, away_from, away_until, active, created_at, updated_at`

func scanUser(row scanner) (*baton.User, error) {
	var u baton.User
	var awayFrom, awayUntil, created, updated int64
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Team, &u.Territory, &u.TimeZone, &u.ManagerID, &u.BackupID,
		&u.Capacity, &u.Weight, &awayFrom, &awayUntil, &u.Active, &created, &updated); err != nil {
		return nil, err
	}
	u.AwayFrom, u.AwayUntil = fromMS(awayFrom), fromMS(awayUntil)
	u.CreatedAt, u.UpdatedAt = fromMS(created), fromMS(updated)
	return &u, nil
}

// User finds a user by id.
func (tx *Tx) User(ctx context.Context, id string) (*baton.User, error) {
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "user", id)
	}
	return u, nil
}

// UserByEmail finds a user by email.
func (tx *Tx) UserByEmail(ctx context.Context, email string) (*baton.User, error) {
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE email = ?`, email))
	if err != nil {
		return nil, notFound(err, "user", email)
	}
	return u, nil
}

// Users lists every user, by email.
func (tx *Tx) Users(ctx context.Context) ([]*baton.User, error) {
	rows, err := tx.query(ctx, `SELECT `+userCols+` FROM users ORDER BY email`)
	out, err := collect(rows, err, scanUser)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list users: %w", err)
	}
	return out, nil
}

// PutUser inserts or replaces a user.
func (tx *Tx) PutUser(ctx context.Context, u *baton.User) error {
	_, err := tx.exec(ctx, `INSERT INTO users (`+userCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET email = excluded.email, name = excluded.name, role = excluded.role, team = excluded.team,
		territory = excluded.territory, timezone = excluded.timezone, manager_id = excluded.manager_id, backup_id = excluded.backup_id,
		capacity = excluded.capacity, weight = excluded.weight, away_from = excluded.away_from, away_until = excluded.away_until,
		active = excluded.active, updated_at = excluded.updated_at`,
		u.ID, u.Email, u.Name, u.Role, u.Team, u.Territory, u.TimeZone, u.ManagerID, u.BackupID, u.Capacity, u.Weight,
		ms(u.AwayFrom), ms(u.AwayUntil), u.Active, ms(u.CreatedAt), ms(u.UpdatedAt))
	if err != nil {
		return fmt.Errorf("sqlite: put user %s: %w", u.Email, err)
	}
	return nil
}

// PoolState reads a routing pool's fairness state.
func (tx *Tx) PoolState(ctx context.Context, pool string) (baton.PoolState, error) {
	st := baton.PoolState{Members: map[string]baton.PoolMember{}}
	err := tx.queryRow(ctx, `SELECT seq FROM pools WHERE pool = ?`, pool).Scan(&st.Seq)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("sqlite: pool %s: %w", pool, err)
	}
	rows, err := tx.query(ctx, `SELECT user_id, last_seq, assigned FROM pool_members WHERE pool = ?`, pool)
	if err != nil {
		return st, fmt.Errorf("sqlite: pool %s members: %w", pool, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var m baton.PoolMember
		if err := rows.Scan(&id, &m.LastSeq, &m.Assigned); err != nil {
			return st, fmt.Errorf("sqlite: pool %s members: %w", pool, err)
		}
		st.Members[id] = m
	}
	return st, rows.Err()
}

// RecordPick advances a pool's sequence and records the picked member.
func (tx *Tx) RecordPick(ctx context.Context, pool, userID string, seq int64) error {
	if _, err := tx.exec(ctx, `INSERT INTO pools (pool, seq) VALUES (?, ?) ON CONFLICT (pool) DO UPDATE SET seq = max(seq, excluded.seq)`, pool, seq); err != nil {
		return fmt.Errorf("sqlite: record pick in %s: %w", pool, err)
	}
	_, err := tx.exec(ctx, `INSERT INTO pool_members (pool, user_id, last_seq, assigned) VALUES (?, ?, ?, 1)
		ON CONFLICT (pool, user_id) DO UPDATE SET last_seq = excluded.last_seq, assigned = assigned + 1`, pool, userID, seq)
	if err != nil {
		return fmt.Errorf("sqlite: record pick in %s: %w", pool, err)
	}
	return nil
}
