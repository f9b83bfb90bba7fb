package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton"
)

const messageCols = `id, handoff_id, kind, channel, recipient_id, payload, status, attempts, next_at, last_error, created_at, sent_at`

func scanMessage(row scanner) (*baton.Message, error) {
	var m baton.Message
	var payload string
	var next, created, sent int64
	if err := row.Scan(&m.ID, &m.HandoffID, &m.Kind, &m.Channel, &m.RecipientID, &payload, &m.Status, &m.Attempts, &next,
		&m.LastError, &created, &sent); err != nil {
		return nil, err
	}
	m.Payload = json.RawMessage(payload)
	m.NextAt, m.CreatedAt, m.SentAt = fromMS(next), fromMS(created), fromMS(sent)
	return &m, nil
}

// MessagesAbout lists the messages with a status ("" for all) addressed to
// one of userIDs or about a handoff one of them owns, backs up or sent,
// newest first. No userIDs match nothing.
func (tx *Tx) MessagesAbout(ctx context.Context, status string, userIDs []string, limit int) ([]*baton.Message, error) {
	// A blank id is nobody: a blank recipient is ops, a blank backup none.
	userIDs = slices.DeleteFunc(slices.Clone(userIDs), func(id string) bool { return id == "" })
	if len(userIDs) == 0 {
		return []*baton.Message{}, nil
	}
	q, args := messagesAboutQuery(status, userIDs, limit)
	rows, err := tx.query(ctx, q, args...)
	out, err := collect(rows, err, scanMessage)
	if err != nil {
		return nil, fmt.Errorf("postgres: list messages about %d people: %w", len(userIDs), err)
	}
	return out, nil
}

// messagesAboutQuery is MessagesAbout's query: the handoffs the people
// see are looked up by index, then messages by handoff or recipient.
func messagesAboutQuery(status string, userIDs []string, limit int) (string, []any) {
	visible, args := visibleTo(userIDs)
	in := "(?" + strings.Repeat(", ?", len(userIDs)-1) + ")"
	for _, id := range userIDs {
		args = append(args, id)
	}
	q := `SELECT ` + messageCols + ` FROM messages WHERE (handoff_id IN (SELECT id FROM handoffs WHERE ` + visible + `) OR recipient_id IN ` + in + `)`
	if status != "" {
		q += ` AND status = ?`
		args = append(args, status)
	}
	return q + ` ORDER BY created_at DESC, id DESC LIMIT ?`, append(args, limit)
}

// EnqueueMessage queues an outbound message.
func (tx *Tx) EnqueueMessage(ctx context.Context, m *baton.Message) error {
	return tx.EnqueueMessages(ctx, m)
}

// EnqueueMessages queues outbound messages, in one statement per maxRows
// messages.
func (tx *Tx) EnqueueMessages(ctx context.Context, msgs ...*baton.Message) error {
	for len(msgs) > 0 {
		n := min(len(msgs), maxRows)
		if err := tx.enqueueMessages(ctx, msgs[:n]); err != nil {
			return err
		}
		msgs = msgs[n:]
	}
	return nil
}

func (tx *Tx) enqueueMessages(ctx context.Context, msgs []*baton.Message) error {
	args := make([]any, 0, 9*len(msgs))
	leased := len(tx.leased)
	for _, m := range msgs {
		if m.NextAt.IsZero() {
			m.NextAt = m.CreatedAt
		}
		m.Status = baton.MessagePending
		if m.LeaseUntil.IsZero() {
			tx.queued = true
		} else {
			c := *m
			tx.leased = append(tx.leased, &c)
		}
		args = append(args, m.ID, m.HandoffID, m.Kind, m.Channel, m.RecipientID, string(m.Payload), ms(m.NextAt), ms(m.CreatedAt), ms(m.LeaseUntil))
	}
	_, err := tx.exec(ctx, `INSERT INTO messages (id, handoff_id, kind, channel, recipient_id, payload, status, attempts, next_at, created_at, lease_until) VALUES `+
		valueRows("(?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)", len(msgs)), args...)
	if err != nil {
		tx.leased = tx.leased[:leased]
		if len(msgs) == 1 {
			return fmt.Errorf("postgres: enqueue message %s: %w", msgs[0].Kind, err)
		}
		return fmt.Errorf("postgres: enqueue %d messages: %w", len(msgs), err)
	}
	return nil
}

// ClaimMessages leases up to limit pending messages due at now.
func (tx *Tx) ClaimMessages(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*baton.Message, error) {
	rows, err := tx.query(ctx, `UPDATE messages SET lease_until = ?1 WHERE id IN (
			SELECT id FROM messages WHERE status = 'pending' AND next_at <= ?2 AND lease_until <= ?2 ORDER BY next_at, id LIMIT ?3 FOR UPDATE SKIP LOCKED)
		RETURNING `+messageCols, ms(now.Add(lease)), ms(now), limit)
	out, err := collect(rows, err, scanMessage)
	if err != nil {
		return nil, fmt.Errorf("postgres: claim messages: %w", err)
	}
	return out, nil
}

// SettleMessage records a delivery attempt: status, attempts, next attempt,
// last error and sent time, and releases the lease.
func (tx *Tx) SettleMessage(ctx context.Context, m *baton.Message) error {
	_, err := tx.exec(ctx, `UPDATE messages SET status = ?, attempts = ?, next_at = ?, last_error = ?, sent_at = ?, lease_until = 0 WHERE id = ?`,
		m.Status, m.Attempts, ms(m.NextAt), m.LastError, ms(m.SentAt), m.ID)
	if err != nil {
		return fmt.Errorf("postgres: settle message %s: %w", m.ID, err)
	}
	return nil
}

// Messages lists messages with a status (all when empty), newest first.
func (tx *Tx) Messages(ctx context.Context, status string, limit int) ([]*baton.Message, error) {
	q := `SELECT ` + messageCols + ` FROM messages`
	args := []any{}
	if status != "" {
		q += ` WHERE status = ?`
		args = append(args, status)
	}
	q += ` ORDER BY created_at DESC, id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := tx.query(ctx, q, args...)
	out, err := collect(rows, err, scanMessage)
	if err != nil {
		return nil, fmt.Errorf("postgres: list messages: %w", err)
	}
	return out, nil
}
