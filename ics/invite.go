package ics

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Methods of an invitation (RFC 5546 section 1.4).
const (
	// MethodRequest invites attendees to a new meeting or updates one they
	// were already sent (same UID, higher Sequence).
	MethodRequest = "REQUEST"
	// MethodCancel withdraws a meeting the attendees were sent.
	MethodCancel = "CANCEL"
)

// Statuses of the event (RFC 5545 section 3.8.1.11).
const (
	// StatusConfirmed is the default for MethodRequest.
	StatusConfirmed = "CONFIRMED"
	// StatusTentative marks a REQUEST the organiser has not confirmed.
	StatusTentative = "TENTATIVE"
	// StatusCancelled is the default for, and the only status allowed with,
	// MethodCancel.
	StatusCancelled = "CANCELLED"
)

// Participation roles of an attendee (RFC 5545 section 3.2.16).
const (
	// RoleRequired is the default role.
	RoleRequired = "REQ-PARTICIPANT"
	// RoleOptional marks an attendee whose presence is optional.
	RoleOptional = "OPT-PARTICIPANT"
	// RoleNonParticipant marks an attendee copied for information only.
	RoleNonParticipant = "NON-PARTICIPANT"
	// RoleChair marks the attendee who chairs the meeting.
	RoleChair = "CHAIR"
)

// Invite is one meeting invitation or cancellation. Every message about the
// same meeting must carry the same UID; each change (reschedule, cancel) must
// carry a higher Sequence than the last one sent, or clients ignore it.
type Invite struct {
	// UID identifies the meeting across every message about it; required.
	// See the UID function for a stable form.
	UID string
	// Sequence is the revision number: 0 for the first REQUEST, then +1 for
	// each reschedule or cancellation. Must not be negative.
	Sequence int
	// Method is MethodRequest or MethodCancel (case-insensitive); required.
	Method string
	// Summary is the meeting title. It may be empty.
	Summary string
	// Description is the body shown in the event; newlines are kept.
	// Omitted when empty.
	Description string
	// Location is free text (a room, an address or a dial-in); omitted when
	// empty.
	Location string
	// URL is an absolute link for the meeting (e.g. the video call); omitted
	// when empty.
	URL string
	// Start is the instant the meeting starts; required. Precision finer
	// than a second is dropped.
	Start time.Time
	// Duration is the length of the meeting; at least one second.
	Duration time.Duration
	// TimeZone is the prospect's IANA zone name, e.g. "Europe/London", in
	// which DTSTART and DTEND are written. Empty, unknown or "Local" means
	// UTC instants, as does a start or end in a repeated hour (see the
	// package documentation).
	TimeZone string
	// Organizer sends the invitation and receives replies; Organizer.Email is
	// required and Organizer.Role is ignored.
	Organizer Person
	// Attendees are invited to reply; at least one, each with a distinct
	// email.
	Attendees []Person
	// Created is when the meeting was first created; written as CREATED in
	// UTC, omitted when zero.
	Created time.Time
	// Stamp is when this message was produced (DTSTAMP, in UTC); required.
	// Pass the injected clock's now.
	Stamp time.Time
	// Status is StatusConfirmed, StatusTentative or StatusCancelled
	// (case-insensitive). Empty means StatusConfirmed for a REQUEST and
	// StatusCancelled for a CANCEL; a CANCEL with any other status is
	// rejected.
	Status string
}

// Person is an organiser or attendee of a meeting.
type Person struct {
	// Name is the display name, written in the CN parameter.
	Name string
	// Email is a bare address ("ana@example.com"); required. It is written
	// as a mailto: URI.
	Email string
	// Title is the job title, appended to the CN as "Name (Title)". It is
	// dropped when Name is empty.
	Title string
	// Role is the iCalendar participation role of an attendee: one of the
	// Role constants (case-insensitive), RoleRequired when empty. It is not a
	// job or team role.
	Role string
}

// FieldError reports an Invite field that Encode cannot use. Callers map it
// to their "invalid" error code; Field names the field as it appears in Go,
// e.g. "Attendees[1].Email".
type FieldError struct {
	// Field is the Go path of the offending field.
	Field string
	// Reason says what is wrong, for a human.
	Reason string
}

// Error returns "ics: invalid Field: Reason".
func (e *FieldError) Error() string {
	return "ics: invalid " + e.Field + ": " + e.Reason
}

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// UID returns a stable UID for a meeting, "meeting-<meetingID>@<domain>".
// Use the same value for the first REQUEST, every reschedule and the CANCEL;
// domain should be one the sender controls so UIDs cannot collide with other
// organisers'.
func UID(meetingID, domain string) string {
	return "meeting-" + meetingID + "@" + domain
}

// normalized is an Invite after validation: upper-case enums filled with
// their defaults and text made encodable.
type normalized struct {
	Invite
	url *url.URL
}

// normalize checks inv and returns it ready to encode, or a *FieldError.
func normalize(inv Invite) (normalized, error) {
	n := normalized{Invite: inv}

	switch {
	case strings.TrimSpace(inv.UID) == "":
		return n, fieldErr("UID", "is required")
	case strings.IndexFunc(inv.UID, unicode.IsControl) >= 0:
		return n, fieldErr("UID", "contains a control character")
	case !utf8.ValidString(inv.UID):
		return n, fieldErr("UID", "is not valid UTF-8")
	}
	if inv.Sequence < 0 {
		return n, fieldErr("Sequence", "must not be negative, got %d", inv.Sequence)
	}

	n.Method = strings.ToUpper(inv.Method)
	switch n.Method {
	case MethodRequest, MethodCancel:
	case "":
		return n, fieldErr("Method", "is required (%s or %s)", MethodRequest, MethodCancel)
	default:
		return n, fieldErr("Method", "must be %s or %s, got %q", MethodRequest, MethodCancel, inv.Method)
	}

	n.Status = strings.ToUpper(inv.Status)
	switch {
	case n.Status == "" && n.Method == MethodCancel:
		n.Status = StatusCancelled
	case n.Status == "":
		n.Status = StatusConfirmed
	case n.Method == MethodCancel && n.Status != StatusCancelled:
		return n, fieldErr("Status", "must be %s with method %s, got %q", StatusCancelled, MethodCancel, inv.Status)
	case n.Status != StatusConfirmed && n.Status != StatusTentative && n.Status != StatusCancelled:
		return n, fieldErr("Status", "must be %s, %s or %s, got %q", StatusConfirmed, StatusTentative, StatusCancelled, inv.Status)
	}

	if err := checkTime("Start", inv.Start, true); err != nil {
		return n, err
	}
	if inv.Duration < time.Second {
		return n, fieldErr("Duration", "must be at least one second, got %s", inv.Duration)
	}
	n.Start = inv.Start.Truncate(time.Second)
	if err := checkTime("Duration", n.Start.Add(inv.Duration), true); err != nil {
		return n, err
	}
	if err := checkTime("Stamp", inv.Stamp, true); err != nil {
		return n, err
	}
	if err := checkTime("Created", inv.Created, false); err != nil {
		return n, err
	}

	if inv.URL != "" {
		u, err := url.Parse(inv.URL)
		if err != nil {
			return n, fieldErr("URL", "%v", err)
		}
		if !u.IsAbs() {
			return n, fieldErr("URL", "must be absolute, got %q", inv.URL)
		}
		n.url = u
	}

	if err := checkEmail("Organizer.Email", inv.Organizer.Email); err != nil {
		return n, err
	}
	if len(inv.Attendees) == 0 {
		return n, fieldErr("Attendees", "at least one attendee is required")
	}
	n.Attendees = make([]Person, len(inv.Attendees))
	seen := make(map[string]int, len(inv.Attendees))
	for i, a := range inv.Attendees {
		field := fmt.Sprintf("Attendees[%d]", i)
		if err := checkEmail(field+".Email", a.Email); err != nil {
			return n, err
		}
		key := strings.ToLower(a.Email)
		if j, dup := seen[key]; dup {
			return n, fieldErr(field+".Email", "%q is also Attendees[%d]", a.Email, j)
		}
		seen[key] = i
		a.Role = strings.ToUpper(a.Role)
		switch a.Role {
		case "":
			a.Role = RoleRequired
		case RoleRequired, RoleOptional, RoleNonParticipant, RoleChair:
		default:
			return n, fieldErr(field+".Role", "must be one of %s, %s, %s, %s, got %q",
				RoleRequired, RoleOptional, RoleNonParticipant, RoleChair, a.Role)
		}
		n.Attendees[i] = a
	}

	n.Summary = cleanText(inv.Summary)
	n.Description = cleanText(inv.Description)
	n.Location = cleanText(inv.Location)
	return n, nil
}

// checkTime rejects times iCalendar cannot write: its DATE-TIME has a
// four-digit year.
func checkTime(field string, t time.Time, required bool) error {
	switch {
	case t.IsZero() && required:
		return fieldErr(field, "is required")
	case t.IsZero():
		return nil
	case t.UTC().Year() < 1 || t.UTC().Year() > 9999:
		return fieldErr(field, "year must be between 1 and 9999, got %s", t.UTC())
	}
	return nil
}

// checkEmail accepts only a bare address that can follow "mailto:" as is.
func checkEmail(field, email string) error {
	if email == "" {
		return fieldErr(field, "is required")
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Name != "" || a.Address != email ||
		strings.IndexFunc(email, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || r == '"' }) >= 0 {
		return fieldErr(field, "%q is not a bare email address", email)
	}
	return nil
}

// cleanText makes s encodable as an RFC 5545 TEXT value: CR LF and lone CR
// become LF, other control characters except tab are dropped, and invalid
// UTF-8 becomes U+FFFD (one per bad byte).
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\r':
			b.WriteByte('\n')
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// commonName returns the CN parameter for p: "Name (Title)", "Name", or ""
// when p has no usable name.
func commonName(p Person) string {
	name, title := cleanParam(p.Name), cleanParam(p.Title)
	switch {
	case name == "":
		return ""
	case title == "":
		return name
	default:
		return name + " (" + title + ")"
	}
}

// cleanParam makes s safe inside a quoted parameter value, which RFC 5545
// cannot escape: control characters become spaces and runs of white space
// collapse, double quotes become apostrophes and backslashes slashes.
// strings.Map turns invalid UTF-8 into U+FFFD.
func cleanParam(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r):
			return ' '
		case r == '"':
			return '\''
		case r == '\\':
			return '/'
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}
