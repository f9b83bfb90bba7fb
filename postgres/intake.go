package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/batonhq/baton"
)

const intakeCols = `id, handoff_id, meeting_id, token_hash, created_at, expires_at, answered_at, posts, answers`

func scanIntake(row scanner) (*baton.Intake, error) {
	var in baton.Intake
	var created, expires, answered int64
	var answers string
	if err := row.Scan(&in.ID, &in.HandoffID, &in.MeetingID, &in.TokenHash, &created, &expires, &answered, &in.Posts, &answers); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(answers), &in.Answers); err != nil {
		return nil, fmt.Errorf("decode answers: %w", err)
	}
	in.CreatedAt, in.ExpiresAt, in.AnsweredAt = fromMS(created), fromMS(expires), fromMS(answered)
	return &in, nil
}

func intakeAnswers(in *baton.Intake) string {
	if in.Answers == nil {
		return "{}"
	}
	return jsonText(in.Answers)
}

// InsertIntake stores an intake form (its token's hash only).
func (tx *Tx) InsertIntake(ctx context.Context, in *baton.Intake) error {
	_, err := tx.exec(ctx, `INSERT INTO intakes (`+intakeCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		in.ID, in.HandoffID, in.MeetingID, in.TokenHash, ms(in.CreatedAt), ms(in.ExpiresAt), ms(in.AnsweredAt), in.Posts, intakeAnswers(in))
	if err != nil {
		return fmt.Errorf("postgres: insert intake %s: %w", in.ID, err)
	}
	return nil
}

// IntakeByHash finds an intake form by the hash of its link's token. The
// not-found error does not echo the hash.
func (tx *Tx) IntakeByHash(ctx context.Context, hash string) (*baton.Intake, error) {
	in, err := scanIntake(tx.queryRow(ctx, `SELECT `+intakeCols+` FROM intakes WHERE token_hash = ?`, hash))
	if err != nil {
		return nil, notFound(err, "intake", "")
	}
	return in, nil
}

// IntakeForHandoff returns the newest intake form of a handoff.
func (tx *Tx) IntakeForHandoff(ctx context.Context, handoffID string) (*baton.Intake, error) {
	in, err := scanIntake(tx.queryRow(ctx, `SELECT `+intakeCols+` FROM intakes WHERE handoff_id = ? ORDER BY created_at DESC, id DESC LIMIT 1`, handoffID))
	if err != nil {
		return nil, notFound(err, "intake for handoff", handoffID)
	}
	return in, nil
}

// UpdateIntake writes an intake form's answers, submission count and when
// it was last answered.
func (tx *Tx) UpdateIntake(ctx context.Context, in *baton.Intake) error {
	res, err := tx.exec(ctx, `UPDATE intakes SET answered_at = ?, posts = ?, answers = ? WHERE id = ?`,
		ms(in.AnsweredAt), in.Posts, intakeAnswers(in), in.ID)
	if err != nil {
		return fmt.Errorf("postgres: update intake %s: %w", in.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return baton.Errorf(baton.ENOTFOUND, "intake %s not found", in.ID)
	}
	return nil
}
