package baton

import (
	"encoding/json"
	"fmt"
	"time"
)

// EventData is the payload of one event kind: every kind that carries data
// has exactly one type here, and EventKind names the kind it belongs to.
//
// Kinds without a payload: accepted, first_touch, reminded, completed,
// cancelled, fix_overdue, escalated, priority_raised, paused,
// activity_done, activity_overdue and outcome_overdue. Their actor and
// reason say all there is; their Data is empty.
//
// The JSON field names are the stored form of the log: renaming one makes
// every row written before unreadable, so they never change. A field added
// later is documented as optional, because rows written before it lack it
// and decode with its zero value.
type EventData interface {
	EventKind() string
}

// CreatedData is the payload of a created event: the signal that started
// the handoff and how it was classified.
type CreatedData struct {
	// SignalID is the id of the signal that started the handoff.
	SignalID string `json:"signal_id"`
	// SignalType is that signal's type (demo_request, …).
	SignalType string `json:"signal_type"`
	// HandoffType is the playbook handoff type the signal matched.
	HandoffType string `json:"handoff_type"`
	// Tier is the SLA tier the handoff started on. Optional: empty in rows
	// written before created events carried it.
	Tier string `json:"tier"`
	// Team is the receiving team. Optional, like Tier.
	Team string `json:"team"`
	// OccurredAt is when the buyer acted, by the sender's clock; metrics
	// measure time to assignment from it.
	OccurredAt time.Time `json:"occurred_at"`
	// Source is where the signal came from (website, hubspot, …); empty
	// when the sender did not say.
	Source string `json:"source"`
	// Segment is the matched account's segment. Optional: absent when the
	// handoff has no account and in rows written before it was recorded.
	Segment string `json:"segment,omitempty"`
	// Completeness is the context score (0-100) the handoff was created
	// with. Optional: nil in rows written before it was recorded.
	Completeness *int `json:"completeness,omitempty"`
}

// SignalJoinedData is the payload of a signal_joined event: the later
// signal that coalesced into the open handoff.
type SignalJoinedData struct {
	// SignalID is the id of the joining signal.
	SignalID string `json:"signal_id"`
	// SignalType is its type.
	SignalType string `json:"signal_type"`
	// OccurredAt is when the buyer acted.
	OccurredAt time.Time `json:"occurred_at"`
	// Source is where the signal came from; empty when unknown.
	Source string `json:"source"`
}

// AssignedData is the payload of an assigned event: how the owner (in the
// event's OwnerID) was picked.
type AssignedData struct {
	// Step is the routing step that placed the handoff (a precedence step
	// such as round_robin, "manual" for a named reassignment, or the ladder
	// step such as reassign_backup). Optional: assigned events written
	// before it carry no data; their reason reads "routed by <step>".
	Step string `json:"step,omitempty"`
	// OwnerName is the owner's display name at the time; empty when
	// unowned. Optional, like Step.
	OwnerName string `json:"owner_name,omitempty"`
	// FellBack is true when no routing step placed the handoff and it went
	// to the fallback team (or waits unowned). Optional, like Step.
	FellBack bool `json:"fell_back,omitempty"`
}

// RejectedData is the payload of a rejected event: the gaps the receiver
// (or the completeness gate) named and the sender's deadline to fix them.
type RejectedData struct {
	// Gaps are the missing or wrong pieces of context.
	Gaps []string `json:"gaps"`
	// FixBy is the sender's deadline to resubmit.
	FixBy time.Time `json:"fix_by"`
	// Completeness is the context score (0-100) when the completeness gate
	// returned the handoff; nil when a person rejected it.
	Completeness *int `json:"completeness,omitempty"`
}

// OwnerChange is the move a reassigned or resubmitted event records.
type OwnerChange struct {
	// From is the owner's user id before; empty when it was unowned.
	From string `json:"from"`
	// To is the owner's user id after; empty when nobody was eligible.
	To string `json:"to"`
	// FromName and ToName are those users' display names at the time.
	// Optional: empty in rows written before names were recorded (read the
	// roster for them) and for an empty id.
	FromName string `json:"from_name,omitempty"`
	ToName   string `json:"to_name,omitempty"`
}

// ReassignedData is the payload of a reassigned event. A person's
// reassignment names them as the event's actor and their words as its
// reason; the escalation ladder's has the clock as actor and Step set.
type ReassignedData struct {
	OwnerChange
	// Step is the escalation ladder step that moved the handoff
	// (reassign_backup); empty for a person's reassignment. Optional: rows
	// written before it lack it (their actor is still the clock).
	Step string `json:"step,omitempty"`
}

// ResubmittedData is the payload of a resubmitted event: the assignment
// the fixed handoff went back to (usually the same owner).
type ResubmittedData struct {
	OwnerChange
}

// BreachedData is the payload of an sla_breached event.
type BreachedData struct {
	// Step is the deadline that passed: "accept" or "first touch".
	// Optional: empty in rows written before breaches named it.
	Step string `json:"step"`
	// Deadline is the deadline that passed. Optional, like Step.
	Deadline time.Time `json:"deadline"`
}

// OutcomeData is the payload of an outcome event.
type OutcomeData struct {
	// Outcome is one of Outcomes.
	Outcome string `json:"outcome"`
	// Objections are the categories the buyer raised. Optional: null when
	// none were given and in rows written before they were recorded.
	Objections []string `json:"objections"`
	// Tasks are the names of the activities the outcome's follow-up
	// sequence created (rebook, follow_up, proposal, …). Optional: absent
	// when it created none and in rows written before it was recorded.
	Tasks []string `json:"tasks,omitempty"`
	// Next is the id of the handoff the outcome opened: a won deal's
	// closed-won handoff to customer success, whose context it carries.
	// Optional, like Tasks.
	Next string `json:"next,omitempty"`
}

// ResumedData is the payload of a resumed event: the pause it ended.
type ResumedData struct {
	// PausedAt is when the pause began.
	PausedAt time.Time `json:"paused_at"`
	// PausedSeconds is the pause's length in wall-clock seconds.
	PausedSeconds float64 `json:"paused_seconds"`
}

// ContextData is the payload of a context_updated event.
type ContextData struct {
	// Fields are the context fields set, sorted.
	Fields []string `json:"fields"`
	// Completeness is the context score (0-100) after the update.
	Completeness int `json:"completeness"`
}

// MeetingChangedData is the payload of a meeting_changed event: the
// meeting as it is after the change.
type MeetingChangedData struct {
	// MeetingID is the meeting's id.
	MeetingID string `json:"meeting_id"`
	// StartsAt is its (new) start.
	StartsAt time.Time `json:"starts_at"`
	// Status is its status after the change (booked, cancelled, …).
	Status string `json:"status"`
	// Sequence is its iCalendar SEQUENCE after the change.
	Sequence int `json:"sequence"`
	// Reschedules is how many times the meeting has been moved while
	// booked, this change included. Optional: absent when it never was
	// and in rows written before it was recorded.
	Reschedules int `json:"reschedules,omitempty"`
	// Rebooked is true when the change booked a missed (no-show) meeting
	// again, which is not a reschedule. Optional.
	Rebooked bool `json:"rebooked,omitempty"`
}

// PreCallData is the payload of a pre_call_sent event.
type PreCallData struct {
	// MeetingID is the meeting the note prepares.
	MeetingID string `json:"meeting_id"`
	// Words is the note's length in words.
	Words int `json:"words"`
	// Objections are the predicted objection categories, likeliest first.
	Objections []string `json:"objections"`
}

// IntakeSentData is the payload of an intake_sent event.
type IntakeSentData struct {
	// IntakeID is the intake form's id.
	IntakeID string `json:"intake_id"`
	// MeetingID is the meeting it prepares.
	MeetingID string `json:"meeting_id"`
	// ExpiresAt is when the form's link stops working.
	ExpiresAt time.Time `json:"expires_at"`
	// Fields are the context fields the form asks for.
	Fields []string `json:"fields"`
}

// IntakeAnsweredData is the payload of an intake_answered event.
type IntakeAnsweredData struct {
	// IntakeID is the intake form's id.
	IntakeID string `json:"intake_id"`
	// Fields are the context fields answered, sorted.
	Fields []string `json:"fields"`
	// Completeness is the context score (0-100) after the answers.
	Completeness int `json:"completeness"`
}

// RatedData is the payload of a rated event: the receiver's judgement of
// the handoff they were given. The event's actor is the receiver; the
// sender is the handoff's.
type RatedData struct {
	// Rating is 1 (useless) to 5 (everything I needed).
	Rating int `json:"rating"`
	// Stage is when the receiver rated it: "accept" or "complete".
	Stage string `json:"stage"`
	// Missing are the context fields the receiver found missing or wrong,
	// sorted. Optional: null when nothing was.
	Missing []string `json:"missing"`
	// Comment is the receiver's words, if any.
	Comment string `json:"comment,omitempty"`
}

// SurveySentData is the payload of a survey_sent event.
type SurveySentData struct {
	// SurveyID is the survey's id.
	SurveyID string `json:"survey_id"`
	// MeetingID is the meeting it asks about.
	MeetingID string `json:"meeting_id"`
	// ExpiresAt is when the survey's link stops working.
	ExpiresAt time.Time `json:"expires_at"`
}

// SurveyAnsweredData is the payload of a survey_answered event: the
// prospect's score of the first meeting (the seeds aim for 4.5 of 5).
type SurveyAnsweredData struct {
	// SurveyID is the survey's id.
	SurveyID string `json:"survey_id"`
	// Score is 1 to 5.
	Score int `json:"score"`
	// Comment is the prospect's words, if any.
	Comment string `json:"comment,omitempty"`
}

// KTHeldData is the payload of a kt_meeting_held event: the checklist of
// the sales → customer success knowledge-transfer meeting, as recorded
// during or right after it. The handoff quality score reads its meeting
// execution items from here.
type KTHeldData struct {
	// MeetingID is the knowledge-transfer meeting's id.
	MeetingID string `json:"meeting_id"`
	// HeldAt is when the meeting took place.
	HeldAt time.Time `json:"held_at"`
	// Required lists the user ids whose attendance the protocol requires
	// (the AE and the CSM always; the CS manager for strategic accounts).
	Required []string `json:"required"`
	// Attended lists the user ids who attended.
	Attended []string `json:"attended"`
	// AgendaItems is how many agenda items the meeting had; AgendaCovered
	// how many of them were covered.
	AgendaItems   int `json:"agenda_items"`
	AgendaCovered int `json:"agenda_covered"`
	// CSQuestionsAnswered says customer success's questions were answered.
	CSQuestionsAnswered bool `json:"cs_questions_answered"`
	// NotesURL links the recording or the notes; empty when none.
	NotesURL string `json:"notes_url,omitempty"`
	// ActionItems are the follow-ups agreed, each with an owner and a due
	// date.
	ActionItems []KTActionItem `json:"action_items,omitempty"`
}

// KTActionItem is one follow-up agreed in a knowledge-transfer meeting.
type KTActionItem struct {
	What  string    `json:"what"`
	Owner string    `json:"owner"` // user id
	Due   time.Time `json:"due"`
}

// RecycledData is the payload of a recycled event: the lead went back to
// nurture, and its source is credited with the reason.
type RecycledData struct {
	// Outcome is the outcome that recycled it (not_interested,
	// disqualified, …).
	Outcome string `json:"outcome"`
	// Reason is why, in the owner's words or the outcome's default.
	Reason string `json:"reason"`
	// Source is the signal source the lead came from, credited with the
	// recycle; empty when unknown.
	Source string `json:"source"`
}

// EventKind implements EventData.
func (CreatedData) EventKind() string { return EventCreated }

// EventKind implements EventData.
func (RatedData) EventKind() string { return EventRated }

// EventKind implements EventData.
func (SurveySentData) EventKind() string { return EventSurveySent }

// EventKind implements EventData.
func (SurveyAnsweredData) EventKind() string { return EventSurveyAnswered }

// EventKind implements EventData.
func (RecycledData) EventKind() string { return EventRecycled }

// EventKind implements EventData.
func (KTHeldData) EventKind() string { return EventKTHeld }

// EventKind implements EventData.
func (SignalJoinedData) EventKind() string { return EventSignalJoined }

// EventKind implements EventData.
func (AssignedData) EventKind() string { return EventAssigned }

// EventKind implements EventData.
func (RejectedData) EventKind() string { return EventRejected }

// EventKind implements EventData.
func (ReassignedData) EventKind() string { return EventReassigned }

// EventKind implements EventData.
func (ResubmittedData) EventKind() string { return EventResubmitted }

// EventKind implements EventData.
func (BreachedData) EventKind() string { return EventBreached }

// EventKind implements EventData.
func (OutcomeData) EventKind() string { return EventOutcome }

// EventKind implements EventData.
func (ResumedData) EventKind() string { return EventResumed }

// EventKind implements EventData.
func (ContextData) EventKind() string { return EventContext }

// EventKind implements EventData.
func (MeetingChangedData) EventKind() string { return EventMeetingChanged }

// EventKind implements EventData.
func (PreCallData) EventKind() string { return EventPreCallSent }

// EventKind implements EventData.
func (IntakeSentData) EventKind() string { return EventIntakeSent }

// EventKind implements EventData.
func (IntakeAnsweredData) EventKind() string { return EventIntakeAnswered }

// SetData encodes data as e's payload. It returns an EINTERNAL error when
// data belongs to another kind than e's, and the encoding error, if any.
func (e *Event) SetData(data EventData) error {
	if k := data.EventKind(); k != e.Kind {
		return Errorf(EINTERNAL, "event %s given a %s payload", e.Kind, k)
	}
	b, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("encode %s event data: %w", e.Kind, err)
	}
	e.Data = b
	return nil
}

// DecodeEventData decodes e's payload as T, the payload type of e's kind.
// An event without data (a row written before its kind carried any)
// decodes as T's zero value; fields a row lacks keep their zero value. It
// returns an EINTERNAL error when e is not of T's kind, and the JSON error
// when its data is not valid for T.
func DecodeEventData[T EventData](e *Event) (T, error) {
	var d T
	if k := d.EventKind(); k != e.Kind {
		return d, Errorf(EINTERNAL, "event %d is %s, not %s", e.Seq, e.Kind, k)
	}
	if len(e.Data) == 0 || string(e.Data) == "null" {
		return d, nil
	}
	if err := json.Unmarshal(e.Data, &d); err != nil {
		return d, fmt.Errorf("event %d: decode %s data: %w", e.Seq, e.Kind, err)
	}
	return d, nil
}

// Payload decodes e's payload into the type of its kind (a value such as
// CreatedData). It returns nil for kinds without a payload, and an
// EINTERNAL error for an unknown kind or data that does not decode.
func (e *Event) Payload() (EventData, error) {
	switch e.Kind {
	case EventCreated:
		return decodeAny[CreatedData](e)
	case EventSignalJoined:
		return decodeAny[SignalJoinedData](e)
	case EventAssigned:
		return decodeAny[AssignedData](e)
	case EventRejected:
		return decodeAny[RejectedData](e)
	case EventReassigned:
		return decodeAny[ReassignedData](e)
	case EventResubmitted:
		return decodeAny[ResubmittedData](e)
	case EventBreached:
		return decodeAny[BreachedData](e)
	case EventOutcome:
		return decodeAny[OutcomeData](e)
	case EventResumed:
		return decodeAny[ResumedData](e)
	case EventContext:
		return decodeAny[ContextData](e)
	case EventMeetingChanged:
		return decodeAny[MeetingChangedData](e)
	case EventPreCallSent:
		return decodeAny[PreCallData](e)
	case EventIntakeSent:
		return decodeAny[IntakeSentData](e)
	case EventIntakeAnswered:
		return decodeAny[IntakeAnsweredData](e)
	case EventRated:
		return decodeAny[RatedData](e)
	case EventSurveySent:
		return decodeAny[SurveySentData](e)
	case EventSurveyAnswered:
		return decodeAny[SurveyAnsweredData](e)
	case EventRecycled:
		return decodeAny[RecycledData](e)
	case EventKTHeld:
		return decodeAny[KTHeldData](e)
	case EventAccepted, EventTouched, EventReminded, EventCompleted, EventCancelled, EventFixOverdue,
		EventEscalated, EventPriority, EventPaused, EventActivityDone, EventActivityLate, EventOutcomeLate:
		return nil, nil
	}
	return nil, Errorf(EINTERNAL, "event %d: unknown kind %q", e.Seq, e.Kind)
}

func decodeAny[T EventData](e *Event) (EventData, error) {
	d, err := DecodeEventData[T](e)
	if err != nil {
		return nil, err
	}
	return d, nil
}
