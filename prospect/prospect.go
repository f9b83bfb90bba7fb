// Package prospect renders Baton's messages to prospects for the email
// channel and decides when a reminder goes out. It is pure: no I/O, no
// clock.
//
// The service writes every prospect message to the outbox with its content
// already rendered from the playbook's templates (a Payload: subject, text,
// HTML, the .ics invitation and its method, the unsubscribe link), in the
// transaction that decided it; Render turns that payload into the
// email.Message the email channel sends. Message kinds all start with
// "prospect." (baton.MsgProspectConfirmation and its siblings), so a channel
// serving several renderers can dispatch on IsProspect.
//
// Limits: an invitation is an attachment (text/calendar) only; there is no
// inline text/calendar alternative part, so a few clients show it as a file
// to open rather than with accept buttons.
package prospect

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/email"
)

// Audiences of a prospect message.
const (
	// AudienceProspect is mail to a contact: it counts towards the
	// mailbox's daily cap and stops when the contact bounced.
	AudienceProspect = "prospect"
	// AudienceTeam is the owner's copy of an invitation.
	AudienceTeam = "team"
)

// Payload is the outbox payload of every prospect.* message.
type Payload struct {
	Kind string `json:"kind"`
	// Audience is AudienceProspect or AudienceTeam.
	Audience string `json:"audience"`
	// From is the sending mailbox; empty means the channel's own sender.
	From string `json:"from,omitempty"`
	// To is the recipient.
	To        Recipient `json:"recipient"`
	HandoffID string    `json:"handoff_id"`
	MeetingID string    `json:"meeting_id"`
	Subject   string    `json:"subject"`
	Text      string    `json:"text"`
	HTML      string    `json:"html,omitempty"`
	// Invite is the iCalendar invitation, when the message carries one.
	Invite *Invite `json:"invite,omitempty"`
	// Unsubscribe is set on reminders and follow-ups only.
	Unsubscribe *email.Unsubscribe `json:"unsubscribe,omitempty"`
}

// Recipient is who a message goes to: a contact (ContactID) or a user
// (UserID).
type Recipient struct {
	ContactID string `json:"contact_id,omitempty"`
	UserID    string `json:"user_id,omitempty"`
	Email     string `json:"email"`
	Name      string `json:"name,omitempty"`
}

// Invite is an .ics attachment and its calendar method.
type Invite struct {
	// Method is email.MethodRequest or email.MethodCancel, matching the
	// METHOD inside ICS.
	Method string `json:"method"`
	ICS    string `json:"ics"`
}

// IsProspect reports whether a message kind is rendered by this package.
func IsProspect(kind string) bool { return strings.HasPrefix(kind, "prospect.") }

// unsubscribable are the kinds that may carry List-Unsubscribe: reminders,
// follow-ups and the post-meeting survey are a sequence a prospect may
// stop; a confirmation, an update or a cancellation of a meeting they
// booked is not.
var unsubscribable = map[string]bool{baton.MsgProspectReminder: true, baton.MsgProspectNoShow: true, baton.MsgProspectSurvey: true}

// ErrNotProspect is returned by Render for a payload that is not a prospect
// message.
var ErrNotProspect = errors.New("prospect: not a prospect message")

// Decode reads a payload.
func Decode(payload []byte) (*Payload, error) {
	var p Payload
	if err := json.Unmarshal(payload, &p); err != nil {
		return nil, fmt.Errorf("prospect: decode payload: %w", err)
	}
	if !IsProspect(p.Kind) {
		return nil, fmt.Errorf("%w: kind %q", ErrNotProspect, p.Kind)
	}
	return &p, nil
}

// Render turns a prospect message's payload into the email to send: the
// text and HTML parts, the invitation attached as text/calendar with its
// method, and List-Unsubscribe on reminders and follow-ups only. The
// caller sets the returned message's ID (the outbox message id).
func Render(payload []byte) (email.Message, error) {
	p, err := Decode(payload)
	if err != nil {
		return email.Message{}, err
	}
	if p.To.Email == "" {
		return email.Message{}, fmt.Errorf("prospect: %s has no recipient", p.Kind)
	}
	to := (&mail.Address{Name: p.To.Name, Address: p.To.Email}).String()
	m := email.Message{To: to, Subject: p.Subject, Text: p.Text, HTML: p.HTML}
	if p.Invite != nil {
		method := strings.ToUpper(p.Invite.Method)
		if method != email.MethodRequest && method != email.MethodCancel {
			return email.Message{}, fmt.Errorf("prospect: %s: invite method %q", p.Kind, p.Invite.Method)
		}
		if !strings.Contains(p.Invite.ICS, "METHOD:"+method+"\r\n") {
			return email.Message{}, fmt.Errorf("prospect: %s: invite method %s does not match its METHOD", p.Kind, method)
		}
		m.Attachments = append(m.Attachments, email.Invite([]byte(p.Invite.ICS), method))
	}
	if p.Unsubscribe != nil && p.Unsubscribe.URL != "" && unsubscribable[p.Kind] && p.Audience == AudienceProspect {
		u := *p.Unsubscribe
		m.Unsubscribe = &u
	}
	return m, nil
}
