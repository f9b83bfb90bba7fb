package baton

import "time"

// Feedback on a handoff: the receiver's rating of the handoff they were
// given (a rated event, RatedData) and the prospect's score of the first
// meeting (a Survey, logged as survey_sent and survey_answered events).

// Rating stages: when a receiver rates a handoff (RatedData.Stage).
const (
	RatingStageAccept   = "accept"   // with, or after, accepting it
	RatingStageComplete = "complete" // with, or after, completing it (complete or outcome)
)

// Bounds of a rating and a survey answer.
const (
	// MinRating and MaxRating bound a receiver's rating and a prospect's
	// survey score.
	MinRating = 1
	MaxRating = 5
	// LowRating is the highest rating that alerts the sender (1 or 2).
	LowRating = 2
	// MaxFeedbackComment caps a rating's or a survey answer's comment, in
	// characters (Unicode code points).
	MaxFeedbackComment = 1000
)

// Message kinds of feedback.
const (
	// MsgRatedLow tells the sender that a receiver rated their handoff
	// LowRating or lower.
	MsgRatedLow = "handoff.rated_low"
	// MsgRejectionsEscalated tells a sender's manager that the sender's
	// handoffs were rejected more often than the playbook allows in its
	// window, naming the handoffs.
	MsgRejectionsEscalated = "handoff.rejections_escalated"
	// MsgProspectSurvey carries the post-meeting survey's link to the
	// prospect (rendered by package prospect).
	MsgProspectSurvey = "prospect.survey"
)

// Survey is the short survey a prospect gets after the first meeting of a
// handoff: one score from 1 to 5 and an optional comment, answered once
// through a signed link that expires.
type Survey struct {
	ID        string    `json:"id"`
	HandoffID string    `json:"handoff_id"`
	MeetingID string    `json:"meeting_id"`
	ContactID string    `json:"contact_id"`
	CreatedAt time.Time `json:"created_at"`
	// SendAt is when the email leaves (the outbox message's first attempt).
	SendAt time.Time `json:"send_at"`
	// ExpiresAt is when the link stops working.
	ExpiresAt time.Time `json:"expires_at"`
	// AnsweredAt is when the prospect answered; zero until then.
	AnsweredAt time.Time `json:"answered_at,omitzero"`
	// Score (1-5) and Comment are the answer.
	Score   int    `json:"score,omitempty"`
	Comment string `json:"comment,omitempty"`
}

// Expired reports whether the survey's link no longer works at now.
func (s *Survey) Expired(now time.Time) bool { return !now.Before(s.ExpiresAt) }

// Answered reports whether the prospect answered.
func (s *Survey) Answered() bool { return !s.AnsweredAt.IsZero() }

// Rejection is one rejection of a sender's handoff by a receiver (not by
// the completeness gate), as the rejection threshold counts them.
type Rejection struct {
	HandoffID string
	At        time.Time
	// Actor is who rejected it; Gaps what they named.
	Actor string
	Gaps  []string
}
