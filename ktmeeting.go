package baton

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Timings of the sales → customer success handoff (the playbook's
// cs_protocol.timing).
const (
	// TimingPostClose hands over after the contract is signed: customer
	// success is notified within a day, the knowledge-transfer meeting is
	// held within two, customer success engages within five.
	TimingPostClose = "post_close"
	// TimingPreClose hands over 5–7 days before the expected close, for
	// strategic accounts only, with the customer success manager's
	// approval; the contract gate waits ("pending contract").
	TimingPreClose = "pre_close"
)

// Signal types that start a sales → customer success handoff beside
// SignalContractSigned. Playbooks declare them under signal_types.
const (
	SignalVerbalCommit = "verbal_commit" // the customer agreed verbally; the contract is in review
	SignalPOCConverted = "poc_converted" // a proof of concept converted to a paid contract
)

// Payment states of the payment gate.
const (
	PaymentReceived       = "received"
	PaymentScheduled      = "scheduled"
	PaymentExtendedTerms  = "extended_terms"  // scheduled, beyond standard terms: a risk
	PaymentDelayRequested = "delay_requested" // the customer asked to pay later: a risk
)

// PaymentStates lists the valid payment states.
var PaymentStates = []string{PaymentReceived, PaymentScheduled, PaymentExtendedTerms, PaymentDelayRequested}

// PaymentRisk reports whether a payment state passes the gate only as a
// flagged risk.
func PaymentRisk(state string) bool {
	return state == PaymentExtendedTerms || state == PaymentDelayRequested
}

// Knowledge-transfer meeting states.
const (
	KTNone      = ""          // no hold yet (the deal is below the hold probability)
	KTHold      = "hold"      // a calendar hold at the proposed time
	KTConfirmed = "confirmed" // the time is confirmed
	KTHeld      = "held"      // held, its checklist recorded
)

// Participant roles in a knowledge-transfer meeting.
const (
	KTRoleAE             = "ae"
	KTRoleCSM            = "csm"
	KTRoleCSManager      = "cs_manager"
	KTRoleSE             = "se"
	KTRoleImplementation = "implementation"
	KTRolePOC            = "poc_team"
)

// Invitation responses.
const (
	KTInvited  = "invited"
	KTAccepted = "accepted"
	KTDeclined = "declined"
)

// Timer kinds of the knowledge-transfer protocol; each has the handoff as
// HandoffID and survives reassignment.
const (
	TimerCSNotify  = "cs_notify"  // the handoff was not sent to customer success in time
	TimerKTConfirm = "kt_confirm" // the meeting's time was not confirmed in time
	TimerKTAgenda  = "kt_agenda"  // send the agenda ahead of the meeting
	TimerKTInvites = "kt_invites" // escalate required participants who have not accepted
)

// KTTimer reports whether a timer kind belongs to the protocol.
func KTTimer(kind string) bool {
	return kind == TimerCSNotify || kind == TimerKTConfirm || kind == TimerKTAgenda || kind == TimerKTInvites
}

// Message kinds of the protocol.
const (
	MsgCSSent        = "cs.handoff_sent"       // the handoff passed its gates and reached customer success
	MsgCSCapacity    = "cs.capacity"           // every CSM is at capacity: leadership decides
	MsgCSApproval    = "cs.pre_close_approval" // a pre-close handoff waits for the CS manager
	MsgCSLate        = "cs.not_sent"           // the handoff was not sent within the notify window
	MsgKTInvite      = "kt.invite"             // an invitation (or its new time)
	MsgKTAgenda      = "kt.agenda"             // the agenda, sent ahead
	MsgKTUnaccepted  = "kt.unaccepted"         // a required participant has not accepted
	MsgKTUnconfirmed = "kt.unconfirmed"        // the meeting's time is still not confirmed
)

// NoticeKT is what a notice of the knowledge-transfer meeting says about
// it (Notice.KT): its time and length, the recipient's part in it
// (kt.invite), the agenda and who attends (kt.agenda), and the participant
// who has not accepted (kt.unaccepted).
type NoticeKT struct {
	StartsAt        time.Time `json:"starts_at"`
	DurationMinutes int       `json:"duration_minutes"`
	// Change is "hold" for the first invitation (a calendar hold) and
	// "confirmed" when the time was confirmed or moved (kt.invite).
	Change string `json:"change,omitempty"`
	// Role and Required are the recipient's part (kt.invite).
	Role     string         `json:"role,omitempty"`
	Required bool           `json:"required,omitempty"`
	Agenda   []KTAgendaItem `json:"agenda,omitempty"`
	// RequiredPeople and Recommended name who attends, "Ana Ruiz (account
	// executive)" (kt.agenda).
	RequiredPeople []string `json:"required_people,omitempty"`
	Recommended    []string `json:"recommended,omitempty"`
	// Participant names the required participant who has not accepted
	// (kt.unaccepted); Declined says they declined.
	Participant string `json:"participant,omitempty"`
	Declined    bool   `json:"declined,omitempty"`
}

// CSHandoff is the sales → customer success protocol's state of one
// handoff: its timing and trigger, its gates, the pre-close approval, when
// it was sent, and its knowledge-transfer meeting. It is stored beside the
// handoff, one per handoff.
type CSHandoff struct {
	HandoffID string `json:"handoff_id"`
	// Timing is TimingPostClose or TimingPreClose; Trigger the signal type
	// that started the handoff.
	Timing    string `json:"timing"`
	Trigger   string `json:"trigger"`
	Strategic bool   `json:"strategic"`
	// ClosedAt is when the contract was signed (zero before, pre-close);
	// ExpectedClose the expected signature (pre-close).
	ClosedAt      time.Time `json:"closed_at,omitzero"`
	ExpectedClose time.Time `json:"expected_close,omitzero"`
	// Probability is the deal's win probability in percent.
	Probability int `json:"probability"`

	// The gates.
	ContractExecuted bool      `json:"contract_executed"`
	ContractAt       time.Time `json:"contract_at,omitzero"`
	// Payment is one of PaymentStates, or "" when unknown.
	Payment string `json:"payment,omitempty"`
	// PaymentNote is finance's note on the payment (terms, the delay asked).
	PaymentNote string `json:"payment_note,omitempty"`

	// ApprovedBy is the CS manager who approved a pre-close handoff.
	ApprovedBy string    `json:"approved_by,omitempty"`
	ApprovedAt time.Time `json:"approved_at,omitzero"`

	// SentAt is when the handoff passed its gates and reached customer
	// success; SentBy who sent it.
	SentAt time.Time `json:"sent_at,omitzero"`
	SentBy string    `json:"sent_by,omitempty"`
	// NotifyBy, KTBy and EngageBy are the timing rule's deadlines:
	// customer success notified, the meeting held, customer success
	// engaged with the customer. Zero until the contract is signed.
	NotifyBy time.Time `json:"notify_by,omitzero"`
	KTBy     time.Time `json:"kt_by,omitzero"`
	EngageBy time.Time `json:"engage_by,omitzero"`
	// CapacityEscalated reports that every CSM was at capacity when the
	// handoff was routed, so it went to customer success leadership.
	CapacityEscalated bool `json:"capacity_escalated,omitempty"`

	KT KTMeeting `json:"kt"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Risks lists what the protocol flags as risks of the handoff (extended
// payment terms, a payment delay requested, a pre-close handoff still
// pending its contract).
func (c *CSHandoff) Risks() []string {
	var out []string
	switch c.Payment {
	case PaymentExtendedTerms:
		out = append(out, "payment terms extended beyond standard")
	case PaymentDelayRequested:
		out = append(out, "the customer asked to delay payment")
	}
	if c.Timing == TimingPreClose && !c.ContractExecuted {
		out = append(out, "pending contract: sent before signature")
	}
	return out
}

// KTMeeting is the knowledge-transfer meeting between sales and customer
// success: held at the proposed time once the deal is likely, confirmed
// after the close, its agenda sent ahead, and recorded when held.
type KTMeeting struct {
	ID string `json:"id,omitempty"`
	// Status is KTNone, KTHold, KTConfirmed or KTHeld.
	Status   string        `json:"status,omitempty"`
	StartsAt time.Time     `json:"starts_at,omitzero"`
	Duration time.Duration `json:"duration,omitempty"`
	// HoldAt is when the calendar hold was placed; ConfirmedAt when the
	// time was confirmed (ConfirmedBy by whom); AgendaSentAt when the
	// agenda went out.
	HoldAt       time.Time       `json:"hold_at,omitzero"`
	ConfirmedAt  time.Time       `json:"confirmed_at,omitzero"`
	ConfirmedBy  string          `json:"confirmed_by,omitempty"`
	AgendaSentAt time.Time       `json:"agenda_sent_at,omitzero"`
	Agenda       []KTAgendaItem  `json:"agenda,omitempty"`
	Participants []KTParticipant `json:"participants,omitempty"`

	// Recorded when held (the kt_meeting_held event carries the same).
	HeldAt              time.Time      `json:"held_at,omitzero"`
	NotesURL            string         `json:"notes_url,omitempty"`
	Attended            []string       `json:"attended,omitempty"`
	Covered             []string       `json:"covered,omitempty"`
	Checklist           []string       `json:"checklist,omitempty"`
	CSQuestionsAnswered bool           `json:"cs_questions_answered,omitempty"`
	ActionItems         []KTActionItem `json:"action_items,omitempty"`
}

// KTMeetingJSON is a KTMeeting as the API writes and reads it: its length
// in whole minutes, duration_minutes, where the stored form (KTMeeting's
// own JSON) keeps a time.Duration in nanoseconds, duration. Reading, the
// old duration is still accepted when duration_minutes is absent.
type KTMeetingJSON struct {
	KTMeeting
	// Duration hides KTMeeting's duration on output; on input it is the
	// old field, in nanoseconds.
	Duration        json.RawMessage `json:"duration,omitempty"`
	DurationMinutes int             `json:"duration_minutes,omitempty"`
}

// NewKTMeetingJSON returns m as the API writes it.
func NewKTMeetingJSON(m KTMeeting) KTMeetingJSON {
	return KTMeetingJSON{KTMeeting: m, DurationMinutes: int(m.Duration / time.Minute)}
}

// Meeting returns the meeting read: its Duration from duration_minutes,
// else from the old duration in nanoseconds.
func (j KTMeetingJSON) Meeting() (KTMeeting, error) {
	m := j.KTMeeting
	m.Duration = 0
	switch {
	case j.DurationMinutes != 0:
		m.Duration = time.Duration(j.DurationMinutes) * time.Minute
	case len(j.Duration) > 0 && string(j.Duration) != "null":
		var ns int64
		if err := json.Unmarshal(j.Duration, &ns); err != nil {
			return m, fmt.Errorf("kt.duration: %w", err)
		}
		m.Duration = time.Duration(ns)
	}
	return m, nil
}

// KTAgendaItem is one part of the meeting's agenda.
type KTAgendaItem struct {
	Name    string   `json:"name"`
	Label   string   `json:"label"`
	Minutes int      `json:"minutes"`
	Points  []string `json:"points,omitempty"`
}

// KTParticipant is one person invited to the meeting.
type KTParticipant struct {
	UserID   string `json:"user_id"`
	Role     string `json:"role"`
	Required bool   `json:"required"`
	// Response is KTInvited, KTAccepted or KTDeclined.
	Response    string    `json:"response"`
	RespondedAt time.Time `json:"responded_at,omitzero"`
	// EscalatedAt is when a required participant's missing acceptance was
	// escalated.
	EscalatedAt time.Time `json:"escalated_at,omitzero"`
}

// Participant returns the participant with userID, if invited.
func (m *KTMeeting) Participant(userID string) (*KTParticipant, bool) {
	i := slices.IndexFunc(m.Participants, func(p KTParticipant) bool { return p.UserID == userID })
	if i < 0 {
		return nil, false
	}
	return &m.Participants[i], true
}

// Required lists the user ids whose attendance the protocol requires.
func (m *KTMeeting) Required() []string {
	var out []string
	for _, p := range m.Participants {
		if p.Required && !slices.Contains(out, p.UserID) {
			out = append(out, p.UserID)
		}
	}
	return out
}
