package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/batonhq/baton"
)

const pastMeetingCols = `id, key, external_id, owner_id, held_at, status, outcome, source, account, deal_value, imported_at, updated_at`

// The close-rate report's reads, each by an index (pastmeeting_internal_test.go
// checks the plans). The outcome query spells its kind as the partial
// index's WHERE clause does.
const (
	pastMeetingsQuery  = `SELECT ` + pastMeetingCols + ` FROM past_meetings WHERE held_at >= ? AND held_at < ? ORDER BY held_at, id`
	outcomeEventsQuery = `SELECT ` + eventCols + ` FROM handoff_events WHERE kind = 'outcome' AND at >= ? AND at < ? ORDER BY seq`
	firstHandoffQuery  = `SELECT MIN(created_at) FROM handoffs`
)

func scanPastMeeting(s scanner) (*baton.PastMeeting, error) {
	var m baton.PastMeeting
	var held, imported, updated int64
	if err := s.Scan(&m.ID, &m.Key, &m.ExternalID, &m.OwnerID, &held, &m.Status, &m.Outcome, &m.Source, &m.Account,
		&m.DealValue, &imported, &updated); err != nil {
		return nil, err
	}
	m.HeldAt, m.ImportedAt, m.UpdatedAt = fromMS(held), fromMS(imported), fromMS(updated)
	return &m, nil
}

// PastMeetingByKey finds an imported meeting by its dedupe key.
func (tx *Tx) PastMeetingByKey(ctx context.Context, key string) (*baton.PastMeeting, error) {
	m, err := scanPastMeeting(tx.queryRow(ctx, `SELECT `+pastMeetingCols+` FROM past_meetings WHERE key = ?`, key))
	if err != nil {
		return nil, notFound(err, "past meeting", key)
	}
	return m, nil
}

// PutPastMeeting inserts an imported meeting or replaces the one with its
// id (keeping its first import time).
func (tx *Tx) PutPastMeeting(ctx context.Context, m *baton.PastMeeting) error {
	_, err := tx.execUnique(ctx, `INSERT INTO past_meetings (`+pastMeetingCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET key = excluded.key, external_id = excluded.external_id, owner_id = excluded.owner_id,
		held_at = excluded.held_at, status = excluded.status, outcome = excluded.outcome, source = excluded.source,
		account = excluded.account, deal_value = excluded.deal_value, updated_at = excluded.updated_at`,
		m.ID, m.Key, m.ExternalID, m.OwnerID, ms(m.HeldAt), m.Status, m.Outcome, m.Source, m.Account, m.DealValue,
		ms(m.ImportedAt), ms(m.UpdatedAt))
	if isUnique(err) {
		return &baton.Error{Code: baton.ECONFLICT, Message: "another past meeting has this key",
			Fields: []baton.FieldError{{Field: "external_id", Message: "is already imported for another meeting"}}}
	} else if err != nil {
		return fmt.Errorf("postgres: put past meeting %s: %w", m.ID, err)
	}
	return nil
}

// PastMeetings streams the imported meetings held in [from, to).
func (tx *Tx) PastMeetings(ctx context.Context, from, to time.Time, fn func(*baton.PastMeeting) error) error {
	rows, err := tx.query(ctx, pastMeetingsQuery, ms(from), ms(to))
	if err != nil {
		return fmt.Errorf("postgres: past meetings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		m, err := scanPastMeeting(rows)
		if err != nil {
			return fmt.Errorf("postgres: past meetings: %w", err)
		}
		if err := fn(m); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgres: past meetings: %w", err)
	}
	return nil
}

// OutcomeEvents streams the outcome events with at in [from, to), by the
// partial index that holds only them (migration 00016).
func (tx *Tx) OutcomeEvents(ctx context.Context, from, to time.Time, fn func(*baton.Event) error) error {
	rows, err := tx.query(ctx, outcomeEventsQuery, ms(from), ms(to))
	if err != nil {
		return fmt.Errorf("postgres: outcome events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return fmt.Errorf("postgres: outcome events: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgres: outcome events: %w", err)
	}
	return nil
}

// FirstHandoffAt returns the creation time of the first handoff.
func (tx *Tx) FirstHandoffAt(ctx context.Context) (time.Time, error) {
	var first sql.NullInt64
	if err := tx.queryRow(ctx, firstHandoffQuery).Scan(&first); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, fmt.Errorf("postgres: first handoff: %w", err)
	}
	if !first.Valid {
		return time.Time{}, baton.Errorf(baton.ENOTFOUND, "no handoff yet")
	}
	return fromMS(first.Int64), nil
}
