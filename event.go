package baton

import (
	"encoding/json"
	"time"
)

// Event kinds in a handoff's append-only log.
const (
	EventCreated        = "created"       // a signal started the handoff
	EventAssigned       = "assigned"      // routed to an owner (also after reassignment)
	EventSignalJoined   = "signal_joined" // a later signal coalesced into this handoff
	EventAccepted       = "accepted"      // the owner took it
	EventTouched        = "first_touch"   // the owner touched the buyer
	EventRejected       = "rejected"      // returned to the sender with gaps
	EventResubmitted    = "resubmitted"   // the sender fixed the gaps
	EventReassigned     = "reassigned"    // ownership moved (manual or backup)
	EventReminded       = "reminded"      // half-SLA reminder sent
	EventBreached       = "sla_breached"  // a deadline passed
	EventOutcome        = "outcome"       // an outcome was recorded
	EventCompleted      = "completed"     // closed without an outcome
	EventCancelled      = "cancelled"     // closed as void
	EventFixOverdue     = "fix_overdue"   // the sender missed the fix-by deadline
	EventEscalated      = "escalated"     // a ladder step alerted someone
	EventPriority       = "priority_raised"
	EventPaused         = "paused"  // waiting on the customer: clocks stop
	EventResumed        = "resumed" // clocks restart
	EventActivityDone   = "activity_done"
	EventActivityLate   = "activity_overdue"
	EventOutcomeLate    = "outcome_overdue"
	EventContext        = "context_updated"
	EventMeetingChanged = "meeting_changed" // rescheduled or cancelled
	EventPreCallSent    = "pre_call_sent"
	EventIntakeSent     = "intake_sent"     // the prospect was sent the intake form
	EventIntakeAnswered = "intake_answered" // the prospect answered it
	EventRated          = "rated"           // the receiver rated the handoff's quality
	EventSurveySent     = "survey_sent"     // the prospect was sent the post-meeting survey
	EventSurveyAnswered = "survey_answered" // the prospect answered it
	EventRecycled       = "recycled"        // the lead went back to nurture, with the reason
	EventKTHeld         = "kt_meeting_held" // the knowledge-transfer meeting was held and its checklist recorded
)

// EventKinds returns every event kind, in the order declared above.
func EventKinds() []string {
	return []string{EventCreated, EventAssigned, EventSignalJoined, EventAccepted, EventTouched, EventRejected,
		EventResubmitted, EventReassigned, EventReminded, EventBreached, EventOutcome, EventCompleted, EventCancelled,
		EventFixOverdue, EventEscalated, EventPriority, EventPaused, EventResumed, EventActivityDone, EventActivityLate,
		EventOutcomeLate, EventContext, EventMeetingChanged, EventPreCallSent, EventIntakeSent, EventIntakeAnswered,
		EventRated, EventSurveySent, EventSurveyAnswered, EventRecycled, EventKTHeld}
}

// Event is one fact in a handoff's log: who did what, when and why. Actor
// names the person who caused it ("token:<name>"), or the rule or clock
// that did (ActorSystem, ActorClock, "signal:<source>", "prospect").
//
// Data is the kind's payload as stored: build it with SetData and read it
// with DecodeEventData (or Payload); each kind's type is in eventdata.go.
type Event struct {
	Seq       int64           `json:"seq"`
	HandoffID string          `json:"handoff_id"`
	Kind      string          `json:"kind"`
	At        time.Time       `json:"at"`
	Actor     string          `json:"actor"`
	FromState State           `json:"from_state,omitempty"`
	ToState   State           `json:"to_state,omitempty"`
	OwnerID   string          `json:"owner_id,omitempty"`
	Reason    string          `json:"reason,omitempty"`
	Data      json.RawMessage `json:"data,omitempty"`
}

// Actor names for events the system causes.
const (
	ActorSystem = "system"
	ActorClock  = "clock"
)
