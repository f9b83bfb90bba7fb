package ics

import (
	"strings"
	"time"
)

// ProspectMeeting is what a prospect's invitation may say. It has no field
// for a description: ProspectInvite writes one from the agenda, the purpose,
// the team's names and titles and the intake link only, so nothing internal
// (budget, competitors, scores, notes, the brief) can reach the prospect's
// calendar by mistake.
type ProspectMeeting struct {
	// UID and Sequence are the meeting's, shared with the owner's copy.
	UID      string
	Sequence int
	// Cancel makes the invitation a CANCEL.
	Cancel bool
	// Summary is the title in the prospect's calendar.
	Summary string
	// Agenda and Purpose (one line on what the meeting is for) open the
	// description.
	Agenda, Purpose string
	// Team lists the people the prospect meets, with titles (names only:
	// their addresses are not in the invitation).
	Team []Person
	// IntakeURL is the preparation form's link, when there is one.
	IntakeURL string
	// Location and URL are where the meeting happens, when known.
	Location, URL string
	Start         time.Time
	Duration      time.Duration
	// TimeZone is the prospect's IANA zone.
	TimeZone       string
	Created, Stamp time.Time
	// Organizer is the owner; Prospect the only attendee.
	Organizer Person
	Prospect  Person
}

// ProspectInvite returns the invitation sent to a prospect: METHOD:REQUEST
// (CANCEL when m.Cancel) organised by the owner with the prospect as the
// one attendee. Encode checks it like any other.
func ProspectInvite(m ProspectMeeting) Invite {
	var b strings.Builder
	if m.Agenda != "" {
		b.WriteString("Agenda: " + m.Agenda + "\n")
	}
	if m.Purpose != "" {
		b.WriteString("What it is for: " + m.Purpose + "\n")
	}
	if len(m.Team) > 0 {
		names := make([]string, 0, len(m.Team))
		for _, p := range m.Team {
			n := p.Name
			if n == "" {
				continue
			}
			if p.Title != "" {
				n += ", " + p.Title
			}
			names = append(names, n)
		}
		if len(names) > 0 {
			b.WriteString("With: " + strings.Join(names, "; ") + "\n")
		}
	}
	if m.IntakeURL != "" {
		b.WriteString("Help us prepare (optional): " + m.IntakeURL + "\n")
	}
	inv := Invite{
		UID: m.UID, Sequence: m.Sequence, Method: MethodRequest, Summary: m.Summary, Description: strings.TrimSpace(b.String()),
		Location: m.Location, URL: m.URL, Start: m.Start, Duration: m.Duration, TimeZone: m.TimeZone,
		Created: m.Created, Stamp: m.Stamp, Organizer: Person{Name: m.Organizer.Name, Email: m.Organizer.Email},
		Attendees: []Person{{Name: m.Prospect.Name, Email: m.Prospect.Email}},
	}
	if m.Cancel {
		inv.Method = MethodCancel
	}
	return inv
}
