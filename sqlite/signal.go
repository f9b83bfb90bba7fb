package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/batonhq/baton"
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
	var s baton.Signal
	if err := json.Unmarshal([]byte(payload), &s); err != nil {
		return nil, fmt.Errorf("decode signal: %w", err)
	}
	// Bodies stored before the columns were left out of them hold these
	// too, with the same values.
	s.ID, s.ExternalID, s.Type, s.AccountID, s.ContactID, s.HandoffID = id, externalID, typ, accountID, contactID, handoffID
	// A time the body leaves out is its column's (bodyTime).
	if s.OccurredAt.IsZero() {
		s.OccurredAt = fromMS(occurred)
	}
	if s.ReceivedAt.IsZero() {
		s.ReceivedAt = fromMS(received)
	}
	return &s, nil
}

// signalPayload is what the payload column stores of a signal: all but
// what its own columns hold (ids, type, and the times when the columns
// hold them exactly), which would be stored twice.
type signalPayload struct {
	OccurredAt time.Time            `json:"occurred_at,omitzero"`
	ReceivedAt time.Time            `json:"received_at,omitzero"`
	Source     string               `json:"source,omitempty"`
	Campaign   string               `json:"campaign,omitempty"`
	Contact    baton.SignalContact  `json:"contact"`
	Account    baton.SignalAccount  `json:"account"`
	Message    string               `json:"message,omitempty"`
	Meeting    *baton.SignalMeeting `json:"meeting,omitempty"`
	Fields     map[string]any       `json:"fields,omitempty"`
	Sender     string               `json:"sender,omitempty"`
}

// signalBody is the payload column's text for s.
func signalBody(s *baton.Signal) string {
	return jsonText(signalPayload{OccurredAt: bodyTime(s.OccurredAt), ReceivedAt: bodyTime(s.ReceivedAt), Source: s.Source, Campaign: s.Campaign,
		Contact: s.Contact, Account: s.Account, Message: s.Message, Meeting: s.Meeting, Fields: s.Fields, Sender: s.Sender})
}

// bodyTime is the time a body stores for t: none (the zero time) when its
// column, in UTC milliseconds, reads back as t exactly, as a time sent in
// UTC to the second does; else t, to the nanosecond and in its zone. Bodies
// stored before hold both times.
func bodyTime(t time.Time) time.Time {
	if t.Location() == time.UTC && t.Equal(fromMS(ms(t))) {
		return time.Time{}
	}
	return t
}

// InsertSignal stores a signal; a repeated external id is an ECONFLICT.
func (tx *Tx) InsertSignal(ctx context.Context, s *baton.Signal) error {
	_, err := tx.exec(ctx, `INSERT INTO signals (id, external_id, type, occurred_at, received_at, account_id, contact_id, handoff_id, payload)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.ExternalID, s.Type, ms(s.OccurredAt), ms(s.ReceivedAt), s.AccountID, s.ContactID, s.HandoffID, signalBody(s))
	if isUnique(err) {
		return baton.Errorf(baton.ECONFLICT, "signal %s already exists", s.ExternalID)
	} else if err != nil {
		return fmt.Errorf("sqlite: insert signal %s: %w", s.ExternalID, err)
	}
	return nil
}

// SignalsBetween lists signals received in [from, to), oldest first.
func (tx *Tx) SignalsBetween(ctx context.Context, from, to time.Time, limit int) ([]*baton.Signal, error) {
	rows, err := tx.query(ctx, `SELECT `+signalCols+` FROM signals WHERE received_at >= ? AND received_at < ? ORDER BY received_at, id LIMIT ?`, ms(from), ms(to), limit)
	out, err := collect(rows, err, scanSignal)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list signals: %w", err)
	}
	return out, nil
}
