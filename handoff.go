package baton

import (
	"slices"
	"strings"
	"time"
)

// State is where a handoff is in its life.
type State string

// Handoff states. Assignment is not acceptance: a handoff counts as taken
// only when its owner accepts it and acts.
const (
	StateAssigned  State = "assigned"  // routed to an owner, waiting for acceptance
	StateAccepted  State = "accepted"  // the owner took responsibility
	StateActioned  State = "actioned"  // the owner touched the buyer
	StateReturned  State = "returned"  // rejected with named gaps, back with the sender
	StateCompleted State = "completed" // an outcome was recorded or the work is done
	StateCancelled State = "cancelled"
)

// States lists every state, in life order.
var States = []State{StateAssigned, StateAccepted, StateActioned, StateReturned, StateCompleted, StateCancelled}

// Open reports whether a handoff in s still needs someone to act.
func (s State) Open() bool { return s != StateCompleted && s != StateCancelled }

// Command names a transition a person (or the clock) can ask for.
type Command string

// Handoff commands.
const (
	CmdAccept   Command = "accept"
	CmdTouch    Command = "touch" // log first touch
	CmdReject   Command = "reject"
	CmdResubmit Command = "resubmit"
	CmdReassign Command = "reassign"
	CmdOutcome  Command = "outcome"
	CmdComplete Command = "complete"
	CmdCancel   Command = "cancel"
	CmdPause    Command = "pause"  // waiting on the customer: clocks stop
	CmdResume   Command = "resume" // clocks restart with the time they had left
)

// transitions maps each command to the states it may start from and the
// states it may lead to, the usual one first. An outcome completes the
// handoff, or keeps it actioned when it leaves work for the same owner (a
// no-show to rebook, a follow-up, a proposal): the playbook says which (see
// TransitionTo).
var transitions = map[Command]struct {
	from []State
	to   []State
}{
	CmdAccept:   {[]State{StateAssigned}, []State{StateAccepted}},
	CmdTouch:    {[]State{StateAccepted}, []State{StateActioned}},
	CmdReject:   {[]State{StateAssigned, StateAccepted}, []State{StateReturned}},
	CmdResubmit: {[]State{StateReturned}, []State{StateAssigned}},
	CmdReassign: {[]State{StateAssigned, StateAccepted, StateActioned}, []State{StateAssigned}},
	CmdOutcome:  {[]State{StateActioned}, []State{StateCompleted, StateActioned}},
	CmdComplete: {[]State{StateActioned}, []State{StateCompleted}},
	CmdCancel:   {[]State{StateAssigned, StateAccepted, StateActioned, StateReturned}, []State{StateCancelled}},
}

// Targets lists the states cmd may lead to, the usual one first; nil for
// an unknown command and for pause and resume, which keep the state.
func Targets(cmd Command) []State {
	return slices.Clone(transitions[cmd].to)
}

// TransitionTo is Transition for a command that may lead to more than one
// state (an outcome): it checks that cmd may run from s and may lead to
// to, and returns to. A target the command never leads to is EINVALID.
func TransitionTo(s State, cmd Command, to State) (State, error) {
	if _, err := Transition(s, cmd); err != nil {
		return s, err
	}
	if !slices.Contains(transitions[cmd].to, to) {
		return s, Errorf(EINVALID, "%s cannot lead to %s", cmd, to)
	}
	return to, nil
}

// Transition returns the state cmd usually leads to from s (the first of
// Targets), or an ECONFLICT error saying which state the handoff is in and
// which commands it allows. Pause and resume keep the state (see
// Handoff.PausedAt).
func Transition(s State, cmd Command) (State, error) {
	if cmd == CmdPause || cmd == CmdResume {
		if !s.Open() {
			return s, Errorf(ECONFLICT, "cannot %s: handoff is %s, which is final", cmd, s)
		}
		return s, nil
	}
	t, ok := transitions[cmd]
	if !ok {
		return s, Errorf(EINVALID, "unknown command %q", cmd)
	}
	if !slices.Contains(t.from, s) {
		allowed := AllowedCommands(s)
		if len(allowed) == 0 {
			return s, Errorf(ECONFLICT, "cannot %s: handoff is %s, which is final", cmd, s)
		}
		names := make([]string, len(allowed))
		for i, c := range allowed {
			names[i] = string(c)
		}
		return s, Errorf(ECONFLICT, "cannot %s: handoff is %s; allowed: %s", cmd, s, strings.Join(names, ", "))
	}
	return t.to[0], nil
}

// AllowedCommands lists the commands valid from s, in a stable order.
func AllowedCommands(s State) []Command {
	var out []Command
	for _, c := range []Command{CmdAccept, CmdTouch, CmdReject, CmdResubmit, CmdReassign, CmdOutcome, CmdComplete, CmdCancel} {
		if slices.Contains(transitions[c].from, s) {
			out = append(out, c)
		}
	}
	return out
}

// Outcomes of a call or handoff, each starting its own follow-up (the
// playbook's outcomes section says which).
const (
	OutcomeNoShow        = "no_show"
	OutcomeInterested    = "interested_not_closed"
	OutcomeNotInterested = "not_interested"
	OutcomeProposal      = "proposal_requested"
	OutcomeWon           = "booked_won"
	OutcomeDisqualified  = "disqualified"
)

// Outcomes lists the valid outcomes.
var Outcomes = []string{OutcomeNoShow, OutcomeInterested, OutcomeNotInterested, OutcomeProposal, OutcomeWon, OutcomeDisqualified}

// Handoff is one transfer of ownership, context and next action. Its current
// fields are a projection of its event log; the log is the truth.
type Handoff struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	State    State  `json:"state"`
	Tier     string `json:"tier"`
	FromTeam string `json:"from_team"`
	ToTeam   string `json:"to_team"`

	AccountID string `json:"account_id,omitempty"`
	ContactID string `json:"contact_id,omitempty"`
	SignalID  string `json:"signal_id"`
	MeetingID string `json:"meeting_id,omitempty"`

	OwnerID  string `json:"owner_id,omitempty"`
	BackupID string `json:"backup_id,omitempty"`
	SenderID string `json:"sender_id,omitempty"`

	// Generation counts (re)assignments and resubmissions; timers carry the
	// generation they were set for, so a stale timer is recognisably moot.
	Generation int `json:"generation"`

	AcceptBy     time.Time `json:"accept_by,omitzero"`
	FirstTouchBy time.Time `json:"first_touch_by,omitzero"`
	FixBy        time.Time `json:"fix_by,omitzero"`
	Breached     bool      `json:"breached"`
	// Priority grows when the ladder raises it.
	Priority int      `json:"priority"`
	Signals  int      `json:"signals"`
	Outcome  string   `json:"outcome,omitempty"`
	Gaps     []string `json:"gaps,omitempty"`
	// Context holds the template fields' values; the "_auto" key holds the
	// facts Baton fills in itself (source, intent, buyer, …).
	Context map[string]any `json:"context"`
	Trace   []Step         `json:"trace"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// AssignedAt is when the current assignment began.
	AssignedAt time.Time `json:"assigned_at,omitzero"`
	// PausedAt is when the current pause began; zero when not paused.
	PausedAt     time.Time `json:"paused_at,omitzero"`
	AcceptedAt   time.Time `json:"accepted_at,omitzero"`
	FirstTouchAt time.Time `json:"first_touch_at,omitzero"`
	ClosedAt     time.Time `json:"closed_at,omitzero"`
}

// Step is one line of a routing trace: a rule or candidate considered,
// whether it matched, and why.
type Step struct {
	Step    string `json:"step"`
	Subject string `json:"subject,omitempty"`
	Result  string `json:"result"` // "matched", "skipped", "picked", "backup", "fallback", "info"
	Reason  string `json:"reason"`
}

// MaxSearchLen bounds HandoffFilter.Search.
const MaxSearchLen = 100

// HandoffFilter selects handoffs for a list. Zero fields do not filter.
type HandoffFilter struct {
	OwnerID  string
	State    State
	Type     string
	Open     bool // only states that are still open
	Breached *bool
	// AccountID keeps the handoffs of one account.
	AccountID string
	// Tier keeps handoffs on one SLA tier.
	Tier string
	// Source keeps handoffs whose starting signal came from one source
	// (website, hubspot, …).
	Source string
	// Search keeps handoffs whose account name, contact name or contact
	// email contains it (case-insensitive for ASCII; at most
	// MaxSearchLen bytes).
	Search string
	// VisibleTo keeps the handoffs one of these users owns, backs up or
	// sent: what a person may see. Nil does not filter; an empty, non-nil
	// list matches nothing.
	VisibleTo []string
	// Cursor continues a previous page (opaque); Limit caps the page (1-500).
	Cursor string
	Limit  int
}

// Activity is a follow-up task of a handoff with its own clock, such as the
// customer introduction within 48 hours of a closed-won deal.
type Activity struct {
	ID        string `json:"id"`
	HandoffID string `json:"handoff_id"`
	Name      string `json:"name"`
	Label     string `json:"label"`
	OwnerID   string `json:"owner_id,omitempty"`
	// Outcome is the outcome whose follow-up sequence created the
	// activity (a rebooking task after a no-show, say); empty for the
	// activities of a handoff type. Such a task ends when the handoff
	// moves on: a later outcome, completion or cancellation.
	Outcome   string    `json:"outcome,omitempty"`
	DueAt     time.Time `json:"due_at"`
	DoneAt    time.Time `json:"done_at,omitzero"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
}

// Activity statuses.
const (
	ActivityOpen      = "open"
	ActivityDone      = "done"
	ActivityCancelled = "cancelled"
)
