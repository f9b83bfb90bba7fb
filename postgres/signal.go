package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/internal/signalbody"
)

// Signal finds a signal by id.
func (tx *Tx) Signal(ctx context.Context, id string) (*baton.Signal, error) {
	s, err := scanSignal(tx.queryRow(ctx, `SELECT `+signalCols+` FROM signals WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "signal", id)
	}
	return s, nil
}

// SignalByExternalID finds a signal by its sender's id.
func (tx *Tx) SignalByExternalID(ctx context.Context, externalID string) (*baton.Signal, error) {
	s, err := scanSignal(tx.queryRow(ctx, `SELECT `+signalCols+` FROM signals WHERE external_id = ?`, externalID))
	if err != nil {
		return nil, notFound(err, "signal", externalID)
	}
	return s, nil
}

// signalCols are the columns scanSignal reads: the payload holds the rest
// of the signal (signalBody).
const signalCols = `id, external_id, type, occurred_at, received_at, account_id, contact_id, handoff_id, payload`

func scanSignal(row scanner) (*baton.Signal, error) {
	var id, externalID, typ, accountID, contactID, handoffID, payload string
	var occurred, received int64
	if err := row.Scan(&id, &externalID, &typ, &occurred, &received, &accountID, &contactID, &handoffID, &payload); err != nil {
		return nil, err
	}
	s, err := signalbody.Decode(payload, fromMS(occurred), fromMS(received))
	if err != nil {
		return nil, err
	}
	// Bodies stored before the columns were left out of them hold these
	// too, with the same values.
	s.ID, s.ExternalID, s.Type, s.AccountID, s.ContactID, s.HandoffID = id, externalID, typ, accountID, contactID, handoffID
	return &s, nil
}

// signalBody is the payload column's text for s (internal/signalbody).
func signalBody(s *baton.Signal) string { return signalbody.Encode(s, ms, fromMS) }

// InsertSignal stores a signal; a repeated external id is an ECONFLICT.
func (tx *Tx) InsertSignal(ctx context.Context, s *baton.Signal) error {
	// The unique external id is the dedupe across nodes: of two nodes
	// inserting one signal at once, the second waits for the first's
	// commit and inserts nothing.
	res, err := tx.exec(ctx, `INSERT INTO signals (id, external_id, type, occurred_at, received_at, account_id, contact_id, handoff_id, payload)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (external_id) DO NOTHING`,
		s.ID, s.ExternalID, s.Type, ms(s.OccurredAt), ms(s.ReceivedAt), s.AccountID, s.ContactID, s.HandoffID, signalBody(s))
	if err == nil {
		if n, _ := res.RowsAffected(); n == 0 {
			tx.conflicted = true
			return baton.Errorf(baton.ECONFLICT, "signal %s already exists", s.ExternalID)
		}
	}
	if isUnique(err) {
		return baton.Errorf(baton.ECONFLICT, "signal %s already exists", s.ExternalID)
	} else if err != nil {
		return fmt.Errorf("postgres: insert signal %s: %w", s.ExternalID, err)
	}
	return nil
}

// SignalsBetween lists signals received in [from, to), oldest first.
func (tx *Tx) SignalsBetween(ctx context.Context, from, to time.Time, limit int) ([]*baton.Signal, error) {
	rows, err := tx.query(ctx, `SELECT `+signalCols+` FROM signals WHERE received_at >= ? AND received_at < ? ORDER BY received_at, id LIMIT ?`, ms(from), ms(to), limit)
	out, err := collect(rows, err, scanSignal)
	if err != nil {
		return nil, fmt.Errorf("postgres: list signals: %w", err)
	}
	return out, nil
}
