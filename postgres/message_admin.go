package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/batonhq/baton"
)

// Message returns one outbound message.
func (tx *Tx) Message(ctx context.Context, id string) (*baton.Message, error) {
	m, err := scanMessage(tx.queryRow(ctx, `SELECT `+messageCols+` FROM messages WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "message", id)
	}
	return m, nil
}

// MessagesPage lists messages with a status (all when empty), newest first,
// skipping offset of them.
func (tx *Tx) MessagesPage(ctx context.Context, status string, offset, limit int) ([]*baton.Message, error) {
	q := `SELECT ` + messageCols + ` FROM messages`
	args := []any{}
	if status != "" {
		q += ` WHERE status = ?`
		args = append(args, status)
	}
	q += ` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`
	args = append(args, limit, offset)
	rows, err := tx.query(ctx, q, args...)
	out, err := collect(rows, err, scanMessage)
	if err != nil {
		return nil, fmt.Errorf("postgres: list messages: %w", err)
	}
	return out, nil
}

// MessageCounts counts messages by status.
func (tx *Tx) MessageCounts(ctx context.Context) (map[string]int, error) {
	rows, err := tx.query(ctx, `SELECT status, COUNT(*) FROM messages GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("postgres: count messages: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return nil, fmt.Errorf("postgres: count messages: %w", err)
		}
		out[status] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: count messages: %w", err)
	}
	return out, nil
}

// RetryMessage makes a failed message pending again, due at now, with its
// attempts reset so it gets the worker's full set of retries. Its last error
// is kept until the next attempt replaces it.
func (tx *Tx) RetryMessage(ctx context.Context, id string, now time.Time) error {
	res, err := tx.exec(ctx, `UPDATE messages SET status = 'pending', attempts = 0, next_at = ?, lease_until = 0
		WHERE id = ? AND status = 'failed'`, ms(now), id)
	if err != nil {
		return fmt.Errorf("postgres: retry message %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("postgres: retry message %s: %w", id, err)
	} else if n == 1 {
		return nil
	}
	m, err := tx.Message(ctx, id)
	if err != nil {
		return err
	}
	return baton.Errorf(baton.ECONFLICT, "message %s is %s, not failed: only a failed message can be retried", id, m.Status)
}
