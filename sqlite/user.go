package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/internal/blocksql"
)

const userCols = `id, email, name, role, team, territory, timezone, manager_id, backup_id, capacity, weight, away_from, away_until, active,
	created_at, updated_at, working_hours, paused, daily_cap, monthly_cap, access, channels, slack_id`

func scanUser(row scanner) (*baton.User, error) {
	var u baton.User
	var awayFrom, awayUntil, created, updated int64
	var channels string
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Team, &u.Territory, &u.TimeZone, &u.ManagerID, &u.BackupID,
		&u.Capacity, &u.Weight, &awayFrom, &awayUntil, &u.Active, &created, &updated, &u.WorkingHours, &u.Paused, &u.DailyCap, &u.MonthlyCap, &u.Access,
		&channels, &u.SlackID); err != nil {
		return nil, err
	}
	if channels != "" {
		u.Channels = strings.Split(channels, ";")
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
//
// When it changes a person's team, their figures move to the new team's
// (blocksql.MoveTeam), in the same transaction.
func (tx *Tx) PutUser(ctx context.Context, u *baton.User) error {
	var before sql.NullString
	if err := tx.queryRow(ctx, `SELECT team FROM users WHERE id = ?`, u.ID).Scan(&before); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: put user %s: %w", u.Email, err)
	}
	_, err := tx.exec(ctx, `INSERT INTO users (`+userCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET email = excluded.email, name = excluded.name, role = excluded.role, team = excluded.team,
		territory = excluded.territory, timezone = excluded.timezone, manager_id = excluded.manager_id, backup_id = excluded.backup_id,
		capacity = excluded.capacity, weight = excluded.weight, away_from = excluded.away_from, away_until = excluded.away_until,
		active = excluded.active, updated_at = excluded.updated_at, working_hours = excluded.working_hours, paused = excluded.paused,
		daily_cap = excluded.daily_cap, monthly_cap = excluded.monthly_cap, access = excluded.access,
		channels = excluded.channels, slack_id = excluded.slack_id`,
		u.ID, u.Email, u.Name, u.Role, u.Team, u.Territory, u.TimeZone, u.ManagerID, u.BackupID, u.Capacity, u.Weight,
		ms(u.AwayFrom), ms(u.AwayUntil), u.Active, ms(u.CreatedAt), ms(u.UpdatedAt), u.WorkingHours, u.Paused, u.DailyCap, u.MonthlyCap, cmp.Or(u.Access, baton.AccessFor(u.Role)),
		strings.Join(u.Channels, ";"), u.SlackID)
	if err != nil {
		return fmt.Errorf("sqlite: put user %s: %w", u.Email, err)
	}
	// A person new to the roster may own handoffs already (their figures
	// are under no team): before is then empty.
	if before.String != u.Team {
		if err := blocksql.MoveTeam(ctx, tx.query, tx.exec, u.ID, before.String, u.Team); err != nil {
			return err
		}
	}
	return nil
}

// PoolState reads a routing pool's fairness state, in one statement: the
// pool's row (if any) joined to its members' (if any).
func (tx *Tx) PoolState(ctx context.Context, pool string) (baton.PoolState, error) {
	st := baton.PoolState{Members: map[string]baton.PoolMember{}}
	rows, err := tx.query(ctx, `SELECT p.vtime, m.user_id, m.pass, m.assigned FROM (SELECT ? AS pool) q
		LEFT JOIN pools p ON p.pool = q.pool LEFT JOIN pool_members m ON m.pool = q.pool`, pool)
	if err != nil {
		return st, fmt.Errorf("sqlite: pool %s: %w", pool, err)
	}
	defer rows.Close()
	for rows.Next() {
		var vtime, pass, assigned sql.NullInt64
		var id sql.NullString
		if err := rows.Scan(&vtime, &id, &pass, &assigned); err != nil {
			return st, fmt.Errorf("sqlite: pool %s members: %w", pool, err)
		}
		st.VTime = vtime.Int64
		if id.Valid {
			st.Members[id.String] = baton.PoolMember{Pass: pass.Int64, Assigned: assigned.Int64}
		}
	}
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("sqlite: pool %s members: %w", pool, err)
	}
	return st, nil
}

// RecordPick stores a pick's fairness state and counts the assignment.
func (tx *Tx) RecordPick(ctx context.Context, pool, userID string, vtime, pass int64, now time.Time) error {
	if _, err := tx.exec(ctx, `INSERT INTO pools (pool, vtime) VALUES (?, ?) ON CONFLICT (pool) DO UPDATE SET vtime = excluded.vtime`, pool, vtime); err != nil {
		return fmt.Errorf("sqlite: record pick in %s: %w", pool, err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO pool_members (pool, user_id, pass, assigned) VALUES (?, ?, ?, 1)
		ON CONFLICT (pool, user_id) DO UPDATE SET pass = excluded.pass, assigned = assigned + 1`, pool, userID, pass); err != nil {
		return fmt.Errorf("sqlite: record pick in %s: %w", pool, err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO assign_days (user_id, day, n) VALUES (?, ?, 1)
		ON CONFLICT (user_id, day) DO UPDATE SET n = n + 1`, userID, utcDay(now)); err != nil {
		return fmt.Errorf("sqlite: count assignment of %s: %w", userID, err)
	}
	return nil
}

// ReturnTurn gives a member of a pool a turn back: their pass and the
// pool's virtual time become the ones given (see routing.TurnBack), and
// the pick no longer counts among their assignments in the pool. The
// per-day counts of caps keep it: the work was handed to them.
func (tx *Tx) ReturnTurn(ctx context.Context, pool, userID string, vtime, pass int64) error {
	if _, err := tx.exec(ctx, `UPDATE pools SET vtime = ? WHERE pool = ?`, vtime, pool); err != nil {
		return fmt.Errorf("sqlite: return a turn in %s: %w", pool, err)
	}
	res, err := tx.exec(ctx, `UPDATE pool_members SET pass = ?, assigned = max(assigned - 1, 0) WHERE pool = ? AND user_id = ?`, pass, pool, userID)
	if err != nil {
		return fmt.Errorf("sqlite: return a turn in %s: %w", pool, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return baton.Errorf(baton.ENOTFOUND, "%s has no turn in pool %s", userID, pool)
	}
	return nil
}

func utcDay(t time.Time) int64 { return t.Unix() / 86400 }

// Loads returns each user's open handoffs and recent assignments.
func (tx *Tx) Loads(ctx context.Context, userIDs []string, now time.Time) (map[string]baton.Load, error) {
	out := make(map[string]baton.Load, len(userIDs))
	if len(userIDs) == 0 {
		return out, nil
	}
	in := strings.TrimSuffix(strings.Repeat("?,", len(userIDs)), ",")
	args := make([]any, 0, len(userIDs)+2)
	for _, id := range userIDs {
		args = append(args, id)
	}
	rows, err := tx.query(ctx, `SELECT owner_id, count(*) FROM handoffs WHERE owner_id IN (`+in+`)
		AND state IN ('assigned', 'accepted', 'actioned') GROUP BY owner_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: loads: %w", err)
	}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("sqlite: loads: %w", err)
		}
		l := out[id]
		l.Open = n
		out[id] = l
	}
	rows.Close()
	today := utcDay(now)
	args = append(append([]any{today}, args...), today-29)
	rows, err = tx.query(ctx, `SELECT user_id, sum(CASE WHEN day = ? THEN n ELSE 0 END), sum(n) FROM assign_days
		WHERE user_id IN (`+in+`) AND day >= ? GROUP BY user_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: loads: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var d, m int
		if err := rows.Scan(&id, &d, &m); err != nil {
			return nil, fmt.Errorf("sqlite: loads: %w", err)
		}
		l := out[id]
		l.Today, l.Month = d, m
		out[id] = l
	}
	return out, rows.Err()
}
