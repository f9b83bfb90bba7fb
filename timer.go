package baton

import "time"

// Timer kinds. Each fires once; its handler checks the handoff's state and
// generation and does nothing when the step has become moot.
const (
	TimerLadder         = "ladder"            // a rung of the accept clock's escalation ladder (Step)
	TimerTouchBreach    = "touch_breach"      // first-touch-by passed: flag, alert the manager
	TimerFixBreach      = "fix_breach"        // fix-by passed: alert the sender's manager
	TimerOutcomeDue     = "outcome_due"       // a meeting ended without an outcome in time
	TimerActivityRemind = "activity_reminder" // half an activity's SLA (Ref: the activity)
	TimerActivityDue    = "activity_due"      // an activity's deadline (Ref: the activity)
	TimerPreCall        = "pre_call"          // the owner's brief before a meeting (Ref: the meeting)
	// TimerWeekly sends a manager the weekly missed-handoff review; it has
	// no handoff (Ref: the manager's user id) and its id is
	// WeeklyTimerID, one per manager and week.
	TimerWeekly         = "weekly_review"
	TimerProspectRemind = "prospect_reminder" // a reminder to the prospect before a meeting (Ref: the meeting, Step: lead in minutes)
	// TimerRenewal raises an account's renewal_due signal; it has no
	// handoff (Ref: the account id) and its id is RenewalTimerID, one per
	// account and renewal date.
	TimerRenewal = "renewal_due"
)

// Timer statuses.
const (
	TimerPending   = "pending"
	TimerFired     = "fired"
	TimerCancelled = "cancelled"
	TimerPaused    = "paused" // the handoff is paused; resuming moves and re-arms it
)

// Timer is a durable deadline: a row written in the same transaction as the
// state that caused it, claimed by a worker with a lease when due.
type Timer struct {
	ID         string    `json:"id"`
	HandoffID  string    `json:"handoff_id"`
	Kind       string    `json:"kind"`
	Generation int       `json:"generation"`
	Step       int       `json:"step,omitempty"`
	Ref        string    `json:"ref,omitempty"`
	DueAt      time.Time `json:"due_at"`
	Status     string    `json:"status"`
	FiredAt    time.Time `json:"fired_at,omitzero"`
}
