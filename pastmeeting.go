package baton

import "time"

// PastMeeting is a meeting (or opportunity) from before Baton, imported
// from a CSV export of the team's CRM so that the close rate before Baton
// was adopted can be compared with the rate after. It is history, not a
// handoff: nothing routes, times or notifies it.
type PastMeeting struct {
	ID string `json:"id"`
	// Key identifies the meeting across imports: "ext:" and the file's
	// external_id, or, without one, "auto:" and the owner's email, the held
	// time and the account. Importing a row with a known key updates it.
	Key        string `json:"key"`
	ExternalID string `json:"external_id,omitempty"`
	// OwnerID is the user who held (or was to hold) the meeting.
	OwnerID string    `json:"owner_id"`
	HeldAt  time.Time `json:"held_at"`
	// Status is MeetingHeld or MeetingNoShow.
	Status string `json:"status"`
	// Outcome is one of Outcomes: OutcomeNoShow exactly when Status is
	// MeetingNoShow. It is "" for a meeting held whose result the export
	// does not say.
	Outcome string `json:"outcome,omitempty"`
	Source  string `json:"source,omitempty"`
	Account string `json:"account,omitempty"`
	// DealValue is the opportunity's value in the team's currency; 0 when
	// unknown.
	DealValue  float64   `json:"deal_value,omitempty"`
	ImportedAt time.Time `json:"imported_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Won reports whether the meeting was held and closed won.
func (m *PastMeeting) Won() bool { return m.Status == MeetingHeld && m.Outcome == OutcomeWon }

// SettingAdoptedAt is the settings key of the day Baton was adopted, as an
// RFC 3339 time; without it the first handoff's creation counts.
const SettingAdoptedAt = "adopted_at"
