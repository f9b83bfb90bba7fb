package baton

import "time"

// Timer kinds. Each fires once; its handler checks the handoff's state and
// generation and does nothing when the step has become moot.
const (
	TimerAcceptReminder = "accept_reminder" // half the accept SLA: remind the owner
	TimerAcceptBreach   = "accept_breach"   // accept-by passed: flag, alert the manager
	TimerBackup         = "backup_reassign" // grace after breach: move to the backup
	TimerTouchBreach    = "touch_breach"    // first-touch-by passed: flag, alert the manager
	TimerFixBreach      = "fix_breach"      // fix-by passed: alert the sender's manager
)

// Timer statuses.
const (
	TimerPending   = "pending"
	TimerFired     = "fired"
	TimerCancelled = "cancelled"
)

// Timer is a durable deadline: a row written in the same transaction as the
// state that caused it, claimed by a worker with a lease when due.
type Timer struct {
	ID         string    `json:"id"`
	HandoffID  string    `json:"handoff_id"`
	Kind       string    `json:"kind"`
	Generation int       `json:"generation"`
	DueAt      time.Time `json:"due_at"`
	Status     string    `json:"status"`
	FiredAt    time.Time `json:"fired_at,omitzero"`
}
