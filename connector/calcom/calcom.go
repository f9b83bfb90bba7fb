// Package calcom turns Cal.com webhook deliveries into Baton signals and
// meeting changes: BOOKING_CREATED books a meeting (a meeting_booked
// signal), BOOKING_RESCHEDULED moves it, BOOKING_CANCELLED cancels it, a
// no-show (BOOKING_NO_SHOW_UPDATED, AFTER_GUESTS_CAL_VIDEO_NO_SHOW)
// records the no-show outcome, and MEETING_ENDED is acknowledged (Baton's
// outcome clock already asks the owner what happened).
//
// Cal.com signs a delivery with the webhook's secret: the hex HMAC-SHA256
// of the raw body, in X-Cal-Signature-256. The signature carries no time,
// so a captured delivery cannot be told stale by its signature; replaying
// one changes nothing, as each booking's uid is its signal's external id
// and a meeting change already made is not made twice.
package calcom

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/connector"
	"github.com/batonhq/baton/playbook"
)

// SignatureHeader carries a delivery's signature.
const SignatureHeader = "X-Cal-Signature-256"

// Source is the signals' source.
const Source = "calcom"

// Trigger events Baton acts on.
const (
	BookingCreated     = "BOOKING_CREATED"
	BookingRescheduled = "BOOKING_RESCHEDULED"
	BookingCancelled   = "BOOKING_CANCELLED"
	MeetingEnded       = "MEETING_ENDED"
	NoShowUpdated      = "BOOKING_NO_SHOW_UPDATED"
	GuestsNoShow       = "AFTER_GUESTS_CAL_VIDEO_NO_SHOW"
)

// Verify checks a delivery's X-Cal-Signature-256: the hex HMAC-SHA256 of
// body keyed by secret. It returns an EUNAUTHORIZED error otherwise.
func Verify(secret string, body []byte, signature string) error {
	if secret == "" {
		return connector.Unauthorized("the Cal.com connector has no webhook secret")
	}
	if signature == "" {
		return connector.Unauthorized("missing %s header", SignatureHeader)
	}
	got, err := hex.DecodeString(strings.TrimPrefix(strings.TrimSpace(signature), "sha256="))
	if err != nil {
		return connector.Unauthorized("%s is not hex", SignatureHeader)
	}
	if !connector.EqualMAC(Sign(secret, body), got) {
		return connector.Unauthorized("the %s signature does not match the delivery", SignatureHeader)
	}
	return nil
}

// Sign returns the MAC of body (not yet hex-encoded).
func Sign(secret string, body []byte) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return mac.Sum(nil)
}

// Delivery is a webhook delivery as Cal.com documents it.
type Delivery struct {
	TriggerEvent string  `json:"triggerEvent"`
	CreatedAt    string  `json:"createdAt"`
	Payload      Booking `json:"payload"`
}

// Booking is a delivery's payload: the booking, or for a no-show update
// its uid and attendees.
type Booking struct {
	Type               string                     `json:"type"`
	Title              string                     `json:"title"`
	Description        string                     `json:"description"`
	AdditionalNotes    string                     `json:"additionalNotes"`
	StartTime          string                     `json:"startTime"`
	EndTime            string                     `json:"endTime"`
	Organizer          Person                     `json:"organizer"`
	Attendees          []Person                   `json:"attendees"`
	Responses          map[string]json.RawMessage `json:"responses"`
	UID                string                     `json:"uid"`
	BookingID          int64                      `json:"bookingId"`
	Length             int                        `json:"length"`
	RescheduleUID      string                     `json:"rescheduleUid"`
	CancellationReason string                     `json:"cancellationReason"`
	// BookingUID names the booking of a BOOKING_NO_SHOW_UPDATED.
	BookingUID string `json:"bookingUid"`
	Message    string `json:"message"`
}

// Person is an organizer or attendee.
type Person struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	TimeZone string `json:"timeZone"`
	NoShow   *bool  `json:"noShow"`
}

// Parse reads a delivery. Errors name the field ("payload.startTime").
func Parse(body []byte) (*Delivery, error) {
	var d Delivery
	if err := connector.DecodeJSON(body, &d); err != nil {
		return nil, err
	}
	p := &d.Payload
	if d.TriggerEvent == "" {
		return nil, connector.Invalid("triggerEvent", "is required")
	}
	if len(p.Attendees) > baton.MaxAttendees {
		return nil, connector.Invalid("payload.attendees", "has %d entries: at most %d", len(p.Attendees), baton.MaxAttendees)
	}
	switch d.TriggerEvent {
	case BookingCreated, BookingRescheduled:
		if err := needBooking(p); err != nil {
			return nil, err
		}
	case BookingCancelled:
		if p.UID == "" {
			return nil, connector.Invalid("payload.uid", "is required")
		}
	case NoShowUpdated, GuestsNoShow:
		if p.BookingUID == "" && p.UID == "" {
			return nil, connector.Invalid("payload.bookingUid", "is required")
		}
	}
	return &d, nil
}

func needBooking(p *Booking) error {
	switch {
	case p.UID == "":
		return connector.Invalid("payload.uid", "is required")
	case len(p.UID) > 150:
		return connector.Invalid("payload.uid", "must be at most 150 bytes")
	case p.StartTime == "":
		return connector.Invalid("payload.startTime", "is required")
	case len(p.Attendees) == 0:
		return connector.Invalid("payload.attendees", "needs the invitee")
	}
	if _, err := time.Parse(time.RFC3339, p.StartTime); err != nil {
		return connector.Invalid("payload.startTime", "must be an RFC 3339 time")
	}
	if p.EndTime != "" {
		if _, err := time.Parse(time.RFC3339, p.EndTime); err != nil {
			return connector.Invalid("payload.endTime", "must be an RFC 3339 time")
		}
	}
	return nil
}

// BookingID returns the external id of the signal booking uid made.
func BookingID(uid string) string { return "calcom:" + uid }

// Map turns a delivery into its Action under the playbook's mapping.
func Map(d *Delivery, m playbook.SchedulerMapping) connector.Action {
	p := &d.Payload
	a := connector.Action{Kind: connector.Skip, Event: d.TriggerEvent, Path: "payload"}
	switch d.TriggerEvent {
	case BookingCreated:
		typ, ok := playbook.SignalFor(m.Signal)
		if !ok {
			a.Reason = "bookings raise no signal (connectors.calcom.signal: none)"
			return a
		}
		a.Kind, a.Signal = connector.Ingest, booked(d, typ, m)
	case BookingRescheduled:
		from := p.RescheduleUID
		if from == "" {
			from = p.UID
		}
		a.Kind, a.Booking = connector.Reschedule, BookingID(from)
		if from != p.UID {
			a.Alias = BookingID(p.UID)
		}
		s := booked(d, m.Signal, m)
		a.StartsAt, a.TimeZone, a.Duration = s.Meeting.StartsAt, s.Meeting.TimeZone, s.Meeting.Duration
		a.Reason = "rescheduled in Cal.com"
		// A booking Baton never saw is booked now.
		if typ, ok := playbook.SignalFor(m.Signal); ok {
			s.Type, a.Signal = typ, s
		}
	case BookingCancelled:
		a.Kind, a.Booking = connector.Cancel, BookingID(p.UID)
		a.Reason = connector.Clip("cancelled in Cal.com: "+p.CancellationReason, baton.MaxShortText)
	case NoShowUpdated, GuestsNoShow:
		uid := p.BookingUID
		if uid == "" {
			uid = p.UID
		}
		noShow := d.TriggerEvent == GuestsNoShow
		for _, at := range p.Attendees {
			noShow = noShow || (at.NoShow != nil && *at.NoShow)
		}
		if !noShow {
			a.Reason = "no attendee is marked a no-show"
			return a
		}
		a.Kind, a.Booking, a.Reason = connector.NoShow, BookingID(uid), "the guest did not show (Cal.com)"
	case MeetingEnded:
		a.Reason = "Baton asks the owner for the meeting's outcome when it ends"
	default:
		a.Reason = fmt.Sprintf("Baton does not act on %s", connector.Clip(d.TriggerEvent, 60))
	}
	return a
}

func booked(d *Delivery, typ string, m playbook.SchedulerMapping) *baton.Signal {
	p := &d.Payload
	guest := p.Attendees[0]
	start, _ := time.Parse(time.RFC3339, p.StartTime)
	dur := time.Duration(p.Length) * time.Minute
	if end, err := time.Parse(time.RFC3339, p.EndTime); err == nil && end.After(start) {
		dur = end.Sub(start)
	}
	tz := guest.TimeZone
	if !baton.ValidTimeZone(tz) {
		tz = p.Organizer.TimeZone
	}
	sig := &baton.Signal{
		ExternalID: BookingID(p.UID), Type: typ, Source: Source,
		Contact: baton.SignalContact{Email: connector.Clip(guest.Email, 254), Name: connector.Clip(guest.Name, baton.MaxShortText)},
		Account: baton.SignalAccount{Name: connector.Clip(answer(p.Responses, m.CompanyQuestion), baton.MaxShortText)},
		Message: connector.Clip(strings.TrimSpace(p.AdditionalNotes+"\n"+p.Description), baton.MaxMessageLen),
		Meeting: &baton.SignalMeeting{
			StartsAt: start.UTC(), Duration: baton.Duration(dur), TimeZone: tz,
			Agenda: connector.Clip(p.Title, baton.MaxShortText), Type: m.MeetingType(p.Type),
		},
	}
	if baton.ValidTimeZone(guest.TimeZone) {
		sig.Contact.TimeZone = guest.TimeZone
	}
	if t, err := time.Parse(time.RFC3339, d.CreatedAt); err == nil {
		sig.OccurredAt = t.UTC()
	}
	if m.SenderQuestion != "" {
		sig.Sender = connector.Clip(answer(p.Responses, m.SenderQuestion), 254)
	}
	seen := map[string]bool{}
	for _, at := range append([]Person{p.Organizer}, p.Attendees...) {
		e := strings.ToLower(strings.TrimSpace(at.Email))
		if e == "" || seen[e] || len(sig.Meeting.Attendees) == baton.MaxAttendees {
			continue
		}
		seen[e] = true
		sig.Meeting.Attendees = append(sig.Meeting.Attendees, baton.Attendee{Name: connector.Clip(at.Name, baton.MaxShortText), Email: e})
	}
	return sig
}

// answer returns the text answer to a booking question, matched by name
// without case; Cal.com sends {"label": …, "value": …}.
func answer(responses map[string]json.RawMessage, question string) string {
	for k, raw := range responses {
		if !strings.EqualFold(k, question) {
			continue
		}
		var r struct {
			Value any `json:"value"`
		}
		if json.Unmarshal(raw, &r) == nil {
			if s, ok := r.Value.(string); ok {
				return s
			}
		}
	}
	return ""
}
