package baton

import (
	"encoding/json"
	"time"
)

// Message statuses in the outbound queue.
const (
	MessagePending = "pending"
	MessageSent    = "sent"
	MessageFailed  = "failed" // gave up: permanent error or attempts exhausted
)

// Message kinds (the event a receiver sees).
const (
	MsgAssigned  = "handoff.assigned"
	MsgReminder  = "handoff.reminder"
	MsgBreach    = "handoff.breached"
	MsgReturned  = "handoff.returned"
	MsgFixOver   = "handoff.fix_overdue"
	MsgJoined    = "handoff.signal_joined"
	MsgFellBack  = "routing.fallback"
	MsgReassign  = "handoff.reassigned"
	MsgEscalated = "handoff.escalated"
	MsgActivity  = "activity.reminder"
	MsgActLate   = "activity.overdue"
	MsgOutcome   = "handoff.outcome_overdue"
	MsgPreCall   = "meeting.pre_call_brief"
)

// Message is one queued outbound notification, written with the state change
// that caused it and delivered by a worker with retries.
type Message struct {
	ID          string          `json:"id"`
	HandoffID   string          `json:"handoff_id,omitempty"`
	Kind        string          `json:"kind"`
	Channel     string          `json:"channel"`
	RecipientID string          `json:"recipient_id,omitempty"`
	Payload     json.RawMessage `json:"payload"`
	Status      string          `json:"status"`
	Attempts    int             `json:"attempts"`
	NextAt      time.Time       `json:"next_attempt_at,omitzero"`
	LastError   string          `json:"last_error,omitempty"`
	CreatedAt   time.Time       `json:"created_at"`
	SentAt      time.Time       `json:"sent_at,omitzero"`
}

// Channels a message can go out on.
const (
	ChannelWebhook = "webhook"
)
