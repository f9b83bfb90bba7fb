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
	// MsgWeeklyReview is a manager's weekly missed-handoff review.
	MsgWeeklyReview = "report.weekly_review"
	// MsgDecided tells the sender of an approval handoff (the deal desk's)
	// that it was approved or rejected.
	MsgDecided = "handoff.decided"

	// Messages to the prospect (and the owner's copy of their invite),
	// delivered by email and rendered by package prospect: every kind
	// starts with "prospect.".
	MsgProspectConfirmation = "prospect.confirmation" // a meeting booked or moved, with its invite
	MsgProspectCancellation = "prospect.cancellation" // a meeting cancelled, with its CANCEL
	MsgProspectReminder     = "prospect.reminder"     // before a meeting
	MsgProspectNoShow       = "prospect.no_show"      // a missed meeting: an offer to rebook
	MsgProspectOwnerInvite  = "prospect.owner_invite" // the owner's calendar copy, with the brief
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
	// LeaseUntil, when set at enqueue, queues the message already leased
	// to this node's outbox until then: the store hands it to the outbox
	// when its transaction commits (sqlite.DB.OnMessagesLeased,
	// postgres.DB.OnMessagesLeased), which delivers it without first
	// claiming it. Should the node stop before delivering it, any node's
	// outbox claims it once the lease has ended. Not read back.
	LeaseUntil time.Time `json:"-"`
}

// Channels a message can go out on.
const (
	// ChannelWebhook posts the message, signed, to the configured endpoint.
	ChannelWebhook = "webhook"
	// ChannelEmail sends the message by SMTP.
	ChannelEmail = "email"
	// ChannelSlack posts the message to Slack, as a direct message or to a
	// channel.
	ChannelSlack = "slack"
)

// NotifyChannels lists the channels a person may prefer (User.Channels)
// and a playbook may name, in the order they are tried.
var NotifyChannels = []string{ChannelSlack, ChannelEmail, ChannelWebhook}

// DeliveryResult is the outcome of one attempt to deliver a Message on its
// channel, as every channel adapter reports it to the worker. Err is nil
// exactly when the message was delivered (or accepted by the next hop, for
// email); otherwise Retryable says whether to try again.
type DeliveryResult struct {
	// Err says why the attempt failed, nil on success. Adapters keep
	// secrets (tokens, passwords, URL queries) out of it.
	Err error
	// Retryable reports that a later attempt may succeed: a network error,
	// a timeout, a temporary refusal (SMTP 4xx, HTTP 429 or 5xx). False on
	// success and on permanent failures.
	Retryable bool
	// RetryAfter is the wait the peer asked for (an HTTP Retry-After), 0
	// when it asked for none. The worker waits the longer of RetryAfter and
	// its own backoff.
	RetryAfter time.Duration
	// Bounced reports that the recipient's address does not exist (an SMTP
	// 5xx answer to RCPT TO, such as 550 no such user): the failure is
	// permanent, and the contact should be marked so nothing more is sent
	// to that address.
	Bounced bool
	// Broken reports that the channel itself is misconfigured (revoked or
	// invalid credentials, an endpoint that is gone): every message on it
	// will fail until an operator fixes it. The failure is permanent.
	Broken bool
}
