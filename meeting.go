package baton

import "time"

// Meeting statuses.
const (
	MeetingBooked    = "booked"
	MeetingHeld      = "held"
	MeetingNoShow    = "no_show"
	MeetingCancelled = "cancelled"
)

// Meeting is a booked appointment attached to a handoff.
type Meeting struct {
	ID        string     `json:"id"`
	HandoffID string     `json:"handoff_id"`
	StartsAt  time.Time  `json:"starts_at"`
	Duration  Duration   `json:"duration"`
	TimeZone  string     `json:"timezone"`
	Agenda    string     `json:"agenda,omitempty"`
	Type      string     `json:"type,omitempty"`
	Attendees []Attendee `json:"attendees,omitempty"`
	Status    string     `json:"status"`
	Sequence  int        `json:"sequence"`
	// Reschedules counts the times the meeting was moved while booked (a
	// no-show booked again is not a reschedule: the outcome counts it).
	Reschedules int       `json:"reschedules"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}
