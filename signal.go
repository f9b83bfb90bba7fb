package baton

import (
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Built-in signal types. A playbook may add its own.
const (
	SignalDemoRequest         = "demo_request"
	SignalTrialSignup         = "trial_signup"
	SignalPricingInquiry      = "pricing_inquiry"
	SignalContactSales        = "contact_sales"
	SignalContentDownload     = "content_download"
	SignalWebinarAttended     = "webinar_attended"
	SignalLeadScoreCrossed    = "lead_score_crossed"
	SignalMeetingBooked       = "meeting_booked"
	SignalTechnicalValidation = "technical_validation_requested"
	SignalTerritoryChanged    = "territory_changed"
	SignalContractSigned      = "contract_signed"
	SignalUsageThreshold      = "usage_threshold"
	SignalHealthDropped       = "health_dropped"
	// The deal desk: an AE asks legal or finance to review a contract or
	// approve a discount.
	SignalContractReview   = "contract_review_requested"
	SignalDiscountApproval = "discount_approval_requested"
	// SignalSupportEscalation is customer success escalating an issue to
	// support.
	SignalSupportEscalation = "support_escalation"
	// SignalRenewalDue is raised by Baton itself a set time (the
	// playbook's renewal.notice) before an account's renewal date.
	SignalRenewalDue = "renewal_due"
)

// BuiltinSignalTypes lists the signal types every playbook knows.
var BuiltinSignalTypes = []string{
	SignalDemoRequest, SignalTrialSignup, SignalPricingInquiry, SignalContactSales,
	SignalContentDownload, SignalWebinarAttended, SignalLeadScoreCrossed, SignalMeetingBooked,
	SignalTechnicalValidation, SignalTerritoryChanged, SignalContractSigned, SignalUsageThreshold,
	SignalHealthDropped, SignalContractReview, SignalDiscountApproval, SignalSupportEscalation, SignalRenewalDue,
}

// Input bounds: every list and string from outside has one.
const (
	MaxExternalIDLen = 200
	MaxShortText     = 200
	MaxMessageLen    = 10_000
	MaxFields        = 50
	MaxAttendees     = 50
)

// Signal is an event that may start a handoff. Its ExternalID makes it
// idempotent: sending the same signal twice is one signal.
type Signal struct {
	ID         string         `json:"id"`
	ExternalID string         `json:"external_id"`
	Type       string         `json:"type"`
	OccurredAt time.Time      `json:"occurred_at"`
	ReceivedAt time.Time      `json:"received_at"`
	Source     string         `json:"source,omitempty"`
	Campaign   string         `json:"campaign,omitempty"`
	Contact    SignalContact  `json:"contact"`
	Account    SignalAccount  `json:"account"`
	Message    string         `json:"message,omitempty"`
	Meeting    *SignalMeeting `json:"meeting,omitempty"`
	Fields     map[string]any `json:"fields,omitempty"`
	// Sender is the email of the team member handing off, when there is one
	// (the SDR who booked the meeting, the AE who closed the deal).
	Sender string `json:"sender,omitempty"`

	// Set by the service when the signal is stored.
	AccountID string `json:"account_id,omitempty"`
	ContactID string `json:"contact_id,omitempty"`
	HandoffID string `json:"handoff_id,omitempty"`
}

// SignalContact is the person a signal is about, as the sender knows them.
type SignalContact struct {
	Email    string `json:"email"`
	Name     string `json:"name,omitempty"`
	Title    string `json:"title,omitempty"`
	Phone    string `json:"phone,omitempty"`
	TimeZone string `json:"timezone,omitempty"`
}

// SignalAccount is the company a signal is about, as the sender knows it.
type SignalAccount struct {
	Name      string `json:"name,omitempty"`
	Domain    string `json:"domain,omitempty"`
	Employees int    `json:"employees,omitempty"`
	Industry  string `json:"industry,omitempty"`
	Country   string `json:"country,omitempty"`
	Region    string `json:"region,omitempty"`
}

// SignalMeeting is a booked appointment carried by a signal.
type SignalMeeting struct {
	StartsAt  time.Time  `json:"starts_at"`
	Duration  Duration   `json:"duration,omitempty"`
	TimeZone  string     `json:"timezone"`
	Agenda    string     `json:"agenda,omitempty"`
	Type      string     `json:"type,omitempty"`
	Attendees []Attendee `json:"attendees,omitempty"`
}

// Attendee is a person invited to a meeting.
type Attendee struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email"`
	Title string `json:"title,omitempty"`
}

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// ValidName reports whether s is a valid identifier for a signal type,
// handoff type, team or tier: lowercase letters, digits and underscores.
func ValidName(s string) bool { return nameRE.MatchString(s) }

// Validate checks the signal as received from outside, at now. It reports
// every bad field at once. It does not check that the type is known to the
// playbook: the service does.
func (s *Signal) Validate(now time.Time) error {
	var v Validation
	s.ExternalID = strings.TrimSpace(s.ExternalID)
	switch {
	case s.ExternalID == "":
		v.Add("external_id", "is required")
	case len(s.ExternalID) > MaxExternalIDLen:
		v.Add("external_id", "must be at most %d bytes", MaxExternalIDLen)
	case !utf8.ValidString(s.ExternalID) || strings.ContainsFunc(s.ExternalID, isControl):
		v.Add("external_id", "must be printable text")
	}
	if s.Type == "" {
		v.Add("type", "is required")
	} else if !ValidName(s.Type) {
		v.Add("type", "must be lowercase letters, digits and underscores")
	}
	// Omitted, it is when Baton received the signal. The edge refuses a
	// zero time sent on purpose, which reads the same here.
	if s.OccurredAt.IsZero() {
		s.OccurredAt = now
	} else if s.OccurredAt.After(now.Add(24 * time.Hour)) {
		v.Add("occurred_at", "is more than a day in the future")
	} else if s.OccurredAt.Year() < 2000 {
		v.Add("occurred_at", "is before the year 2000")
	}
	s.OccurredAt = s.OccurredAt.UTC()
	checkText(&v, "source", s.Source, MaxShortText)
	checkText(&v, "campaign", s.Campaign, MaxShortText)
	checkText(&v, "message", s.Message, MaxMessageLen)

	s.Contact.Email = lowerEmail(s.Contact.Email)
	if s.Contact.Email != "" {
		if !ValidEmail(s.Contact.Email) {
			v.Add("contact.email", "is not a valid email address")
		}
	} else if strings.TrimSpace(s.Account.Domain) == "" {
		v.Add("contact.email", "is required (or account.domain)")
	}
	checkText(&v, "contact.name", s.Contact.Name, MaxShortText)
	checkText(&v, "contact.title", s.Contact.Title, MaxShortText)
	checkText(&v, "contact.phone", s.Contact.Phone, 50)
	if s.Contact.TimeZone != "" && !ValidTimeZone(s.Contact.TimeZone) {
		v.Add("contact.timezone", "is not an IANA time zone")
	}
	checkText(&v, "account.name", s.Account.Name, MaxShortText)
	checkText(&v, "account.domain", s.Account.Domain, 253)
	checkText(&v, "account.industry", s.Account.Industry, MaxShortText)
	checkText(&v, "account.country", s.Account.Country, 60)
	checkText(&v, "account.region", s.Account.Region, 60)
	if s.Account.Employees < 0 || s.Account.Employees > 10_000_000 {
		v.Add("account.employees", "must be between 0 and 10000000")
	}
	if s.Sender != "" {
		s.Sender = lowerEmail(s.Sender)
		if !ValidEmail(s.Sender) {
			v.Add("sender", "is not a valid email address")
		}
	}
	if len(s.Fields) > MaxFields {
		v.Add("fields", "must have at most %d keys", MaxFields)
	}
	for k, val := range s.Fields {
		if !ValidName(k) {
			v.Add("fields."+k, "key must be lowercase letters, digits and underscores")
			continue
		}
		switch x := val.(type) {
		case nil, bool, float64:
		case string:
			checkText(&v, "fields."+k, x, MaxShortText*5)
		default:
			v.Add("fields."+k, "must be a string, number, boolean or null")
		}
	}
	if m := s.Meeting; m != nil {
		if m.StartsAt.IsZero() {
			v.Add("meeting.starts_at", "is required")
		} else if m.StartsAt.Year() < 2000 || m.StartsAt.Year() > 2200 {
			v.Add("meeting.starts_at", "is out of range")
		}
		m.StartsAt = m.StartsAt.UTC()
		if m.TimeZone == "" {
			v.Add("meeting.timezone", "is required")
		} else if !ValidTimeZone(m.TimeZone) {
			v.Add("meeting.timezone", "is not an IANA time zone")
		}
		if m.Duration == 0 {
			m.Duration = Duration(30 * time.Minute)
		} else if m.Duration < Duration(5*time.Minute) || m.Duration > Duration(8*time.Hour) {
			v.Add("meeting.duration", "must be between 5m and 8h")
		}
		checkText(&v, "meeting.agenda", m.Agenda, MaxMessageLen)
		checkText(&v, "meeting.type", m.Type, 60)
		if len(m.Attendees) > MaxAttendees {
			v.Add("meeting.attendees", "must have at most %d entries", MaxAttendees)
		}
		for i := range m.Attendees {
			a := &m.Attendees[i]
			a.Email = lowerEmail(a.Email)
			if !ValidEmail(a.Email) {
				v.Add(sprintf("meeting.attendees[%d].email", i), "is not a valid email address")
			}
			checkText(&v, sprintf("meeting.attendees[%d].name", i), a.Name, MaxShortText)
			checkText(&v, sprintf("meeting.attendees[%d].title", i), a.Title, MaxShortText)
		}
	}
	return v.Err()
}

// FieldNumber returns the numeric free field key of the signal, if present.
func (s *Signal) FieldNumber(key string) (float64, bool) {
	f, ok := s.Fields[key].(float64)
	return f, ok
}

func checkText(v *Validation, field, s string, max int) {
	if len(s) > max {
		v.Add(field, "must be at most %d bytes", max)
	} else if !utf8.ValidString(s) {
		v.Add(field, "must be valid UTF-8")
	}
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// lowerEmail trims and lowercases an email address. Text that is not valid
// UTF-8 is only trimmed: strings.ToLower would turn its bad bytes into
// U+FFFD, making two different inputs one, and ValidEmail refuses it.
func lowerEmail(s string) string {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		return s
	}
	return strings.ToLower(s)
}

// ValidEmail reports whether s is a plain email address (no display name)
// in valid UTF-8.
func ValidEmail(s string) bool {
	if len(s) > 254 || !strings.Contains(s, "@") || !utf8.ValidString(s) {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == ""
}

// ValidTimeZone reports whether name is a loadable IANA time zone. The binary
// embeds tzdata, so this does not depend on the host.
func ValidTimeZone(name string) bool {
	if name == "" || name == "Local" || len(name) > 64 {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}

// EmailDomain returns the lowercase domain of an email address, or "".
func EmailDomain(email string) string {
	i := strings.LastIndexByte(email, '@')
	if i < 0 {
		return ""
	}
	return strings.ToLower(email[i+1:])
}
