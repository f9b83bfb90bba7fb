package baton

import "time"

// Intake is the short form a prospect receives when a meeting is booked:
// the playbook's questions, framed as preparation for the call, whose
// answers go straight into the handoff's context. The prospect reaches it by
// an unguessable link; only the SHA-256 of the link's token is stored, so a
// copy of the database cannot open anyone's form.
type Intake struct {
	ID        string `json:"id"`
	HandoffID string `json:"handoff_id"`
	MeetingID string `json:"meeting_id"`
	// TokenHash is the hex SHA-256 of the link's token (HashToken).
	TokenHash string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	// ExpiresAt is when the link stops working: the playbook's
	// intake.expires after creation, at the latest when the meeting starts.
	ExpiresAt time.Time `json:"expires_at"`
	// AnsweredAt is the last accepted submission; zero until then.
	AnsweredAt time.Time `json:"answered_at,omitzero"`
	// Posts counts submissions, valid or not, to cap them per link.
	Posts int `json:"posts"`
	// Answers are the prospect's own non-blank answers as typed, by field:
	// the form shows these again, never the rest of the handoff's context,
	// which may hold the team's notes.
	Answers map[string]string `json:"answers,omitempty"`
}

// Expired reports whether the link no longer works at now.
func (in *Intake) Expired(now time.Time) bool { return !now.Before(in.ExpiresAt) }
