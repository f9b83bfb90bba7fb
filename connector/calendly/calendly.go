// Package calendly turns Calendly webhook deliveries into Baton signals and
// meeting changes: invitee.created books a meeting (a meeting_booked
// signal) or, for a rescheduled invitee (old_invitee set), moves the one
// booked before; invitee.canceled cancels it (the cancellation half of a
// reschedule is acknowledged and left to its invitee.created);
// invitee_no_show.created records the no-show outcome.
//
// Calendly signs a delivery with the subscription's signing key: the
// Calendly-Webhook-Signature header is "t=<unix seconds>,v1=<hex>", the
// HMAC-SHA256 of "<t>.<raw body>". Verify refuses a timestamp older than
// Tolerance, as Calendly recommends, to stop replays.
package calendly

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/connector"
	"github.com/batonhq/baton/playbook"
)

// SignatureHeader carries a delivery's signature.
const SignatureHeader = "Calendly-Webhook-Signature"

// Tolerance is how old a delivery's signed timestamp may be (Calendly's
// documentation uses three minutes).
const Tolerance = 3 * time.Minute

// Source is the signals' source.
const Source = "calendly"

// Events Baton acts on.
const (
	InviteeCreated  = "invitee.created"
	InviteeCanceled = "invitee.canceled"
	NoShowCreated   = "invitee_no_show.created"
)

// Verify checks a delivery's Calendly-Webhook-Signature against body at
// now. It returns an EUNAUTHORIZED error when it is missing, wrong, or its
// timestamp is older than Tolerance (or as far ahead).
func Verify(key string, body []byte, header string, now time.Time) error {
	if key == "" {
		return connector.Unauthorized("the Calendly connector has no signing key")
	}
	if header == "" {
		return connector.Unauthorized("missing %s header", SignatureHeader)
	}
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			if b, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, b)
			}
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return connector.Unauthorized("%s must be t=<unix seconds>,v1=<hex>", SignatureHeader)
	}
	if err := connector.Fresh(time.Unix(sec, 0), now, Tolerance); err != nil {
		return err
	}
	want := Sign(key, ts, body)
	for _, s := range sigs {
		if connector.EqualMAC(want, s) {
			return nil
		}
	}
	return connector.Unauthorized("the %s signature does not match the delivery", SignatureHeader)
}

// Sign returns the MAC of "<t>.<body>" (not yet hex-encoded).
func Sign(key, t string, body []byte) []byte {
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(t))
	mac.Write([]byte("."))
	mac.Write(body)
	return mac.Sum(nil)
}

// Delivery is a webhook delivery as Calendly documents it.
type Delivery struct {
	CreatedAt string  `json:"created_at"`
	CreatedBy string  `json:"created_by"`
	Event     string  `json:"event"`
	Payload   Invitee `json:"payload"`
}

// Invitee is a delivery's payload: the invitee and their scheduled event.
type Invitee struct {
	URI         string  `json:"uri"`
	Email       string  `json:"email"`
	Name        string  `json:"name"`
	FirstName   string  `json:"first_name"`
	LastName    string  `json:"last_name"`
	Timezone    string  `json:"timezone"`
	Status      string  `json:"status"`
	CreatedAt   string  `json:"created_at"`
	Rescheduled bool    `json:"rescheduled"`
	OldInvitee  *string `json:"old_invitee"`
	NewInvitee  *string `json:"new_invitee"`
	// Invitee names the invitee of a no-show, when the payload is the
	// no-show itself rather than its invitee.
	Invitee             string  `json:"invitee"`
	QuestionsAndAnswers []QA    `json:"questions_and_answers"`
	ScheduledEvent      Event   `json:"scheduled_event"`
	Cancellation        *Cancel `json:"cancellation"`
	Tracking            struct {
		UTMCampaign string `json:"utm_campaign"`
		UTMSource   string `json:"utm_source"`
	} `json:"tracking"`
}

// QA is a booking question and its answer.
type QA struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// Event is the scheduled event an invitee booked.
type Event struct {
	URI         string `json:"uri"`
	Name        string `json:"name"`
	StartTime   string `json:"start_time"`
	EndTime     string `json:"end_time"`
	Memberships []struct {
		UserEmail string `json:"user_email"`
		UserName  string `json:"user_name"`
	} `json:"event_memberships"`
}

// Cancel is a cancellation's who and why.
type Cancel struct {
	CanceledBy string `json:"canceled_by"`
	Reason     string `json:"reason"`
}

// Parse reads a delivery. Errors name the field ("payload.uri").
func Parse(body []byte) (*Delivery, error) {
	var d Delivery
	if err := connector.DecodeJSON(body, &d); err != nil {
		return nil, err
	}
	p := &d.Payload
	switch {
	case d.Event == "":
		return nil, connector.Invalid("event", "is required")
	case len(p.ScheduledEvent.Memberships) > baton.MaxAttendees:
		return nil, connector.Invalid("payload.scheduled_event.event_memberships", "has more than %d entries", baton.MaxAttendees)
	}
	switch d.Event {
	case InviteeCreated:
		if err := need("payload.uri", p.URI); err != nil {
			return nil, err
		}
		if err := need("payload.email", p.Email); err != nil {
			return nil, err
		}
		if _, err := time.Parse(time.RFC3339, p.ScheduledEvent.StartTime); err != nil {
			return nil, connector.Invalid("payload.scheduled_event.start_time", "is required (an RFC 3339 time)")
		}
		if p.ScheduledEvent.EndTime != "" {
			if _, err := time.Parse(time.RFC3339, p.ScheduledEvent.EndTime); err != nil {
				return nil, connector.Invalid("payload.scheduled_event.end_time", "must be an RFC 3339 time")
			}
		}
		if p.OldInvitee != nil {
			if err := need("payload.old_invitee", *p.OldInvitee); err != nil {
				return nil, err
			}
		}
	case InviteeCanceled:
		if err := need("payload.uri", p.URI); err != nil {
			return nil, err
		}
	case NoShowCreated:
		if p.URI == "" && p.Invitee == "" {
			return nil, connector.Invalid("payload.invitee", "is required")
		}
		if err := need("payload.invitee", p.inviteeURI()); err != nil {
			return nil, err
		}
	}
	return &d, nil
}

func need(field, v string) error {
	switch {
	case strings.TrimSpace(v) == "":
		return connector.Invalid(field, "is required")
	case len(v) > 180:
		return connector.Invalid(field, "must be at most 180 bytes")
	}
	return nil
}

// inviteeURI is the invitee a no-show is about.
func (p *Invitee) inviteeURI() string {
	if p.Invitee != "" {
		return p.Invitee
	}
	return p.URI
}

// BookingID returns the external id of the signal the invitee uri booked.
func BookingID(uri string) string { return "calendly:" + uri }

// Map turns a delivery into its Action under the playbook's mapping.
func Map(d *Delivery, m playbook.SchedulerMapping) connector.Action {
	p := &d.Payload
	a := connector.Action{Kind: connector.Skip, Event: d.Event, Path: "payload"}
	switch d.Event {
	case InviteeCreated:
		typ, ok := playbook.SignalFor(m.Signal)
		s := booked(d, typ, m)
		if p.OldInvitee != nil {
			a.Kind, a.Booking, a.Alias = connector.Reschedule, BookingID(*p.OldInvitee), BookingID(p.URI)
			a.StartsAt, a.TimeZone, a.Duration = s.Meeting.StartsAt, s.Meeting.TimeZone, s.Meeting.Duration
			a.Reason = "rescheduled in Calendly"
			if ok {
				a.Signal = s // a booking Baton never saw is booked now
			}
			return a
		}
		if !ok {
			a.Reason = "bookings raise no signal (connectors.calendly.signal: none)"
			return a
		}
		a.Kind, a.Signal = connector.Ingest, s
	case InviteeCanceled:
		if p.Rescheduled {
			a.Reason = "a reschedule: the new time's invitee.created moves the meeting"
			return a
		}
		a.Kind, a.Booking, a.Reason = connector.Cancel, BookingID(p.URI), "cancelled in Calendly"
		if c := p.Cancellation; c != nil && c.Reason != "" {
			a.Reason = connector.Clip("cancelled in Calendly: "+c.Reason, baton.MaxShortText)
		}
	case NoShowCreated:
		a.Kind, a.Booking, a.Reason = connector.NoShow, BookingID(p.inviteeURI()), "the invitee did not show (Calendly)"
	default:
		a.Reason = fmt.Sprintf("Baton does not act on %s", connector.Clip(d.Event, 60))
	}
	return a
}

func booked(d *Delivery, typ string, m playbook.SchedulerMapping) *baton.Signal {
	p := &d.Payload
	ev := &p.ScheduledEvent
	start, _ := time.Parse(time.RFC3339, ev.StartTime)
	dur := 30 * time.Minute
	if end, err := time.Parse(time.RFC3339, ev.EndTime); err == nil && end.After(start) {
		dur = end.Sub(start)
	}
	name := p.Name
	if name == "" {
		name = strings.TrimSpace(p.FirstName + " " + p.LastName)
	}
	tz := ""
	if baton.ValidTimeZone(p.Timezone) {
		tz = p.Timezone
	}
	sig := &baton.Signal{
		ExternalID: BookingID(p.URI), Type: typ, Source: Source, Campaign: connector.Clip(p.Tracking.UTMCampaign, baton.MaxShortText),
		Contact: baton.SignalContact{Email: connector.Clip(p.Email, 254), Name: connector.Clip(name, baton.MaxShortText), TimeZone: tz},
		Account: baton.SignalAccount{Name: connector.Clip(answer(p.QuestionsAndAnswers, m.CompanyQuestion), baton.MaxShortText)},
		Meeting: &baton.SignalMeeting{
			StartsAt: start.UTC(), Duration: baton.Duration(dur), TimeZone: tz,
			Agenda: connector.Clip(ev.Name, baton.MaxShortText), Type: m.MeetingType(ev.Name),
		},
	}
	if tz == "" {
		sig.Meeting.TimeZone = "UTC"
	}
	var notes []string
	for _, qa := range p.QuestionsAndAnswers {
		if qa.Answer != "" && !strings.EqualFold(qa.Question, m.CompanyQuestion) && !strings.EqualFold(qa.Question, m.SenderQuestion) {
			notes = append(notes, qa.Question+": "+qa.Answer)
		}
	}
	sig.Message = connector.Clip(strings.Join(notes, "\n"), baton.MaxMessageLen)
	if t, err := time.Parse(time.RFC3339, p.CreatedAt); err == nil {
		sig.OccurredAt = t.UTC()
	}
	if m.SenderQuestion != "" {
		sig.Sender = connector.Clip(answer(p.QuestionsAndAnswers, m.SenderQuestion), 254)
	}
	seen := map[string]bool{}
	add := func(name, email string) {
		e := strings.ToLower(strings.TrimSpace(email))
		if e != "" && !seen[e] && len(sig.Meeting.Attendees) < baton.MaxAttendees {
			seen[e] = true
			sig.Meeting.Attendees = append(sig.Meeting.Attendees, baton.Attendee{Name: connector.Clip(name, baton.MaxShortText), Email: e})
		}
	}
	for _, mb := range ev.Memberships {
		add(mb.UserName, mb.UserEmail)
	}
	add(name, p.Email)
	return sig
}

// answer returns the answer to a booking question, matched without case.
func answer(qas []QA, question string) string {
	for _, qa := range qas {
		if strings.EqualFold(strings.TrimSpace(qa.Question), question) {
			return qa.Answer
		}
	}
	return ""
}
