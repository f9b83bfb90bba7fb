// Package connector holds what Baton's CRM and scheduler connectors share:
// the Action a vendor's webhook delivery turns into, and the checks every
// vendor's signature scheme is built from. Each vendor has its own package
// beside it (hubspot, salesforce, calcom, calendly) that parses the
// vendor's documented payload, verifies its documented signature and maps
// the delivery to Actions under the playbook's connectors section. They are
// pure: no I/O, time passed in. The HTTP edge (package web) runs the
// Actions through the service.
package connector

import (
	"crypto/hmac"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/batonhq/baton"
)

// Action kinds.
const (
	// Ingest is a signal to ingest, as POST /api/v1/signals would.
	Ingest = "signal"
	// Reschedule moves the meeting a booking signal created.
	Reschedule = "reschedule"
	// Cancel cancels the meeting a booking signal created.
	Cancel = "cancel"
	// NoShow records the no-show outcome of the meeting a booking signal
	// created.
	NoShow = "no_show"
	// Skip is an event Baton acknowledges and does nothing with; Reason
	// says why.
	Skip = "skip"
)

// Action is one thing a delivery asks of Baton.
type Action struct {
	Kind string
	// Event is the vendor's name for the event (contact.creation,
	// BOOKING_CREATED, invitee.created, Lead …).
	Event string
	// Path locates the event in the delivery ("[2]", "Notification[0]").
	Path string
	// Signal is the signal of an Ingest; its ExternalID is the vendor's
	// own event id, so a replayed delivery is one signal.
	Signal *baton.Signal
	// Booking is the external id of the signal that booked the meeting a
	// Reschedule, Cancel or NoShow changes.
	Booking string
	// Alias is, for a Reschedule, the external id of the new booking when
	// the vendor gives a moved meeting a new id: later changes name it.
	Alias    string
	StartsAt time.Time
	TimeZone string
	Duration baton.Duration
	Reason   string
}

// Unauthorized returns the error of a delivery whose signature does not
// verify: the edge answers 401 and writes nothing.
func Unauthorized(format string, args ...any) error {
	return &baton.Error{Code: baton.EUNAUTHORIZED, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns the error of a malformed delivery, naming the field.
func Invalid(field, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &baton.Error{Code: baton.EINVALID, Message: "invalid " + field + ": " + msg, Fields: []baton.FieldError{{Field: field, Message: msg}}}
}

// EqualMAC compares a computed MAC with the one a request carries, in
// constant time.
func EqualMAC(want, got []byte) bool { return hmac.Equal(want, got) }

// Fresh checks a signed timestamp against now: older than tolerance is
// stale, and so is one more than tolerance ahead (a clock that far off
// cannot be told from a forgery).
func Fresh(at, now time.Time, tolerance time.Duration) error {
	switch {
	case now.Sub(at) > tolerance:
		return Unauthorized("the signature's timestamp %s is older than %s", at.UTC().Format(time.RFC3339), tolerance)
	case at.Sub(now) > tolerance:
		return Unauthorized("the signature's timestamp %s is more than %s in the future", at.UTC().Format(time.RFC3339), tolerance)
	}
	return nil
}

// DecodeJSON decodes a JSON delivery into dst, naming the field of a value
// of the wrong type. Unknown fields are allowed: vendors add fields.
func DecodeJSON(body []byte, dst any) error {
	if len(strings.TrimSpace(string(body))) == 0 {
		return Invalid("body", "is empty: expected JSON")
	}
	err := json.Unmarshal(body, dst)
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "body"
		}
		return Invalid(field, "must be %s, got %s", jsonKind(te.Type.Kind().String()), te.Value)
	case errors.As(err, &se):
		return Invalid("body", "is not valid JSON (at byte %d)", se.Offset)
	default:
		return Invalid("body", "is not valid JSON")
	}
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	case "bool":
		return "a boolean"
	default:
		return "a number"
	}
}

// Clip cuts s to at most n bytes on a rune boundary and trims it.
func Clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return strings.TrimSpace(s[:n])
}

// Domain returns the host of a website field ("https://www.acme.example/x"
// → acme.example), or "".
func Domain(website string) string {
	s := strings.ToLower(strings.TrimSpace(website))
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.IndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimPrefix(s, "www.")
	if !strings.Contains(s, ".") || len(s) > 253 {
		return ""
	}
	return s
}
