package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/batonhq/baton"
)

// MarkContactBounced records that mail to a contact bounced at at, keeping
// an earlier mark.
func (tx *Tx) MarkContactBounced(ctx context.Context, contactID string, at time.Time) error {
	res, err := tx.exec(ctx, `UPDATE contacts SET bounced_at = ? WHERE id = ? AND bounced_at = 0`, ms(at), contactID)
	if err != nil {
		return fmt.Errorf("postgres: mark contact %s bounced: %w", contactID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := tx.Contact(ctx, contactID); err != nil {
			return err
		}
	}
	return nil
}

func utcDate(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// ReserveProspectSend counts one more prospect email from mailbox on day's
// UTC date unless capacity are counted already.
func (tx *Tx) ReserveProspectSend(ctx context.Context, mailbox string, day time.Time, capacity int) (bool, error) {
	res, err := tx.exec(ctx, `INSERT INTO prospect_sends (day, mailbox, sent) SELECT ?1, ?2, 1 WHERE ?3 > 0
		ON CONFLICT (day, mailbox) DO UPDATE SET sent = prospect_sends.sent + 1 WHERE prospect_sends.sent < ?3`, utcDate(day), mailbox, capacity)
	if err != nil {
		return false, fmt.Errorf("postgres: reserve prospect send from %s: %w", mailbox, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("postgres: reserve prospect send from %s: %w", mailbox, err)
	}
	return n == 1, nil
}

// RecordProspectBounce counts one bounce of mail from mailbox on day's UTC
// date.
func (tx *Tx) RecordProspectBounce(ctx context.Context, mailbox string, day time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO prospect_sends (day, mailbox, bounced) VALUES (?, ?, 1)
		ON CONFLICT (day, mailbox) DO UPDATE SET bounced = prospect_sends.bounced + 1`, utcDate(day), mailbox)
	if err != nil {
		return fmt.Errorf("postgres: record prospect bounce from %s: %w", mailbox, err)
	}
	return nil
}

// ProspectSendDays returns each mailbox's counts on the UTC dates of
// [from, to), oldest first.
func (tx *Tx) ProspectSendDays(ctx context.Context, from, to time.Time) ([]baton.ProspectSendDay, error) {
	rows, err := tx.query(ctx, `SELECT day, mailbox, sent, bounced FROM prospect_sends WHERE day >= ? AND day < ? ORDER BY day, mailbox LIMIT 10000`,
		utcDate(from), utcDate(to))
	if err != nil {
		return nil, fmt.Errorf("postgres: prospect send days: %w", err)
	}
	defer rows.Close()
	var out []baton.ProspectSendDay
	for rows.Next() {
		var d baton.ProspectSendDay
		if err := rows.Scan(&d.Day, &d.Mailbox, &d.Sent, &d.Bounced); err != nil {
			return nil, fmt.Errorf("postgres: prospect send days: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: prospect send days: %w", err)
	}
	return out, nil
}

// MeetingOutcomes streams the held and no-show meetings starting in
// [from, to), with their handoff's source and whether a reminder message
// for the handoff was sent. It reads the outbox: reminders pruned from it
// no longer count.
func (tx *Tx) MeetingOutcomes(ctx context.Context, from, to time.Time, fn func(baton.MeetingOutcome) error) error {
	rows, err := tx.query(ctx, `SELECT m.id, m.handoff_id, m.starts_at, m.status, COALESCE(s.payload::jsonb ->> 'source', ''),
			EXISTS (SELECT 1 FROM messages x WHERE x.handoff_id = m.handoff_id AND x.kind = ? AND x.status = 'sent')
		FROM meetings m JOIN handoffs h ON h.id = m.handoff_id LEFT JOIN signals s ON s.id = h.signal_id
		WHERE m.starts_at >= ? AND m.starts_at < ? AND m.status IN (?, ?) ORDER BY m.starts_at, m.id`,
		baton.MsgProspectReminder, ms(from), ms(to), baton.MeetingHeld, baton.MeetingNoShow)
	if err != nil {
		return fmt.Errorf("postgres: meeting outcomes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var o baton.MeetingOutcome
		var start int64
		var source sql.NullString
		if err := rows.Scan(&o.MeetingID, &o.HandoffID, &start, &o.Status, &source, &o.Reminded); err != nil {
			return fmt.Errorf("postgres: meeting outcomes: %w", err)
		}
		o.StartsAt, o.Source = fromMS(start), source.String
		if err := fn(o); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgres: meeting outcomes: %w", err)
	}
	return nil
}
