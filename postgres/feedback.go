package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/batonhq/baton"
)

const surveyCols = `id, handoff_id, meeting_id, contact_id, created_at, send_at, expires_at, answered_at, score, comment`

func scanSurvey(row scanner) (*baton.Survey, error) {
	var s baton.Survey
	var created, send, expires, answered int64
	if err := row.Scan(&s.ID, &s.HandoffID, &s.MeetingID, &s.ContactID, &created, &send, &expires, &answered, &s.Score, &s.Comment); err != nil {
		return nil, err
	}
	s.CreatedAt, s.SendAt, s.ExpiresAt, s.AnsweredAt = fromMS(created), fromMS(send), fromMS(expires), fromMS(answered)
	return &s, nil
}

// InsertSurvey stores a post-meeting survey; a second survey for the same
// handoff is ECONFLICT.
func (tx *Tx) InsertSurvey(ctx context.Context, s *baton.Survey) error {
	_, err := tx.execUnique(ctx, `INSERT INTO surveys (`+surveyCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.HandoffID, s.MeetingID, s.ContactID, ms(s.CreatedAt), ms(s.SendAt), ms(s.ExpiresAt), ms(s.AnsweredAt), s.Score, s.Comment)
	if isUnique(err) {
		return baton.Errorf(baton.ECONFLICT, "handoff %s has a survey already", s.HandoffID)
	} else if err != nil {
		return fmt.Errorf("postgres: insert survey %s: %w", s.ID, err)
	}
	return nil
}

// Survey finds a survey by id.
func (tx *Tx) Survey(ctx context.Context, id string) (*baton.Survey, error) {
	s, err := scanSurvey(tx.queryRow(ctx, `SELECT `+surveyCols+` FROM surveys WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "survey", id)
	}
	return s, nil
}

// SurveyForHandoff finds the survey of a handoff.
func (tx *Tx) SurveyForHandoff(ctx context.Context, handoffID string) (*baton.Survey, error) {
	s, err := scanSurvey(tx.queryRow(ctx, `SELECT `+surveyCols+` FROM surveys WHERE handoff_id = ?`, handoffID))
	if err != nil {
		return nil, notFound(err, "survey of handoff", handoffID)
	}
	return s, nil
}

// AnswerSurvey records a survey's only answer. The update is conditional
// on the survey being unanswered, so a second answer is ECONFLICT however
// the two race.
func (tx *Tx) AnswerSurvey(ctx context.Context, id string, score int, comment string, at time.Time) error {
	res, err := tx.exec(ctx, `UPDATE surveys SET answered_at = ?, score = ?, comment = ? WHERE id = ? AND answered_at = 0`,
		ms(at), score, comment, id)
	if err != nil {
		return fmt.Errorf("postgres: answer survey %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	if _, err := tx.Survey(ctx, id); err != nil {
		return err
	}
	return baton.Errorf(baton.ECONFLICT, "survey %s is answered already", id)
}

// Rejections returns the rejections of the handoffs senderID sent, at or
// after since, oldest first, at most limit: those a person made (a
// rejected event whose data names no completeness score), not the
// completeness gate's.
func (tx *Tx) Rejections(ctx context.Context, senderID string, since time.Time, limit int) ([]baton.Rejection, error) {
	rows, err := tx.query(ctx, `SELECT e.handoff_id, e.at, e.actor, e.data FROM handoff_events e JOIN handoffs h ON h.id = e.handoff_id
		WHERE e.kind = 'rejected' AND e.at >= ? AND h.sender_id = ? AND (e.data::jsonb ->> 'completeness') IS NULL
		ORDER BY e.at, e.seq LIMIT ?`, ms(since), senderID, limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: rejections of %s: %w", senderID, err)
	}
	defer rows.Close()
	var out []baton.Rejection
	for rows.Next() {
		var r baton.Rejection
		var at int64
		var data *string
		if err := rows.Scan(&r.HandoffID, &at, &r.Actor, &data); err != nil {
			return nil, fmt.Errorf("postgres: rejections of %s: %w", senderID, err)
		}
		r.At = fromMS(at)
		if data != nil {
			var d baton.RejectedData
			if err := json.Unmarshal([]byte(*data), &d); err != nil {
				return nil, fmt.Errorf("postgres: rejections of %s: decode: %w", senderID, err)
			}
			r.Gaps = d.Gaps
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: rejections of %s: %w", senderID, err)
	}
	return out, nil
}
