// Package hubspot turns HubSpot webhook deliveries (the Webhooks API's
// batches of contact events) into Baton signals.
//
// HubSpot signs each delivery with signature v3: the base64 HMAC-SHA256,
// keyed by the app's client secret, of method + URI + body + the
// X-HubSpot-Request-Timestamp header, in X-HubSpot-Signature-v3. A
// timestamp older than five minutes is refused (Verify).
//
// A delivery is a JSON array of up to 100 events; each carries an object
// id and, for a property change, one property's new value, never the
// whole record. Baton reads the facts of a contact (email, name, company,
// score) from the property changes of that contact in the same delivery,
// so the app should subscribe to contact.propertyChange for email,
// firstname, lastname, company, website, jobtitle, phone and the score
// property as well as to the events that raise signals. An event whose
// contact has neither an email nor a website in its delivery raises no
// signal (it is skipped and the answer says so): Baton does not call
// HubSpot's API to look the contact up.
package hubspot

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/connector"
	"github.com/batonhq/baton/playbook"
)

// Headers HubSpot signs a delivery with.
const (
	SignatureHeader = "X-HubSpot-Signature-v3"
	TimestampHeader = "X-HubSpot-Request-Timestamp"
)

// Tolerance is how old a delivery's timestamp may be (HubSpot: five
// minutes).
const Tolerance = 5 * time.Minute

// MaxEvents bounds a delivery (HubSpot sends at most 100 events at once).
const MaxEvents = 100

// Source is the signals' source.
const Source = "hubspot"

// Verify checks a delivery's v3 signature: uri is the full URL HubSpot
// called (scheme, host, path and query), body the raw body. It returns an
// EUNAUTHORIZED error when the signature is missing or wrong, or the
// timestamp older than Tolerance (or as far ahead).
func Verify(secret, method, uri string, body []byte, signature, timestamp string, now time.Time) error {
	if secret == "" {
		return connector.Unauthorized("the HubSpot connector has no client secret")
	}
	if signature == "" || timestamp == "" {
		return connector.Unauthorized("missing %s or %s header", SignatureHeader, TimestampHeader)
	}
	ms, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return connector.Unauthorized("%s is not a time in epoch milliseconds", TimestampHeader)
	}
	if err := connector.Fresh(time.UnixMilli(ms), now, Tolerance); err != nil {
		return err
	}
	got, err := base64.StdEncoding.DecodeString(signature)
	if err != nil {
		return connector.Unauthorized("%s is not base64", SignatureHeader)
	}
	if !connector.EqualMAC(Sign(secret, method, uri, body, timestamp), got) {
		return connector.Unauthorized("the %s signature does not match the delivery", SignatureHeader)
	}
	return nil
}

// Sign returns the v3 MAC of a request (not yet base64-encoded). The URI's
// percent-encoded characters that HubSpot documents as decoded before
// signing are decoded first.
func Sign(secret, method, uri string, body []byte, timestamp string) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(method))
	mac.Write([]byte(decodeURI(uri)))
	mac.Write(body)
	mac.Write([]byte(timestamp))
	return mac.Sum(nil)
}

// decoded are the percent-encodings HubSpot decodes in the URI it signs.
var decoded = map[string]string{
	"3A": ":", "2F": "/", "3F": "?", "40": "@", "21": "!", "24": "$", "27": "'",
	"28": "(", "29": ")", "2A": "*", "2C": ",", "3B": ";",
}

func decodeURI(uri string) string {
	if !strings.Contains(uri, "%") {
		return uri
	}
	var b strings.Builder
	for i := 0; i < len(uri); i++ {
		if uri[i] == '%' && i+2 < len(uri) {
			if s, ok := decoded[strings.ToUpper(uri[i+1:i+3])]; ok {
				b.WriteString(s)
				i += 2
				continue
			}
		}
		b.WriteByte(uri[i])
	}
	return b.String()
}

// Event is one event of a delivery, as HubSpot documents it.
type Event struct {
	EventID          int64  `json:"eventId"`
	SubscriptionID   int64  `json:"subscriptionId"`
	PortalID         int64  `json:"portalId"`
	AppID            int64  `json:"appId"`
	OccurredAt       int64  `json:"occurredAt"`
	SubscriptionType string `json:"subscriptionType"`
	AttemptNumber    int    `json:"attemptNumber"`
	ObjectID         int64  `json:"objectId"`
	// ObjectTypeID is set by generic (object.*) subscriptions: 0-1 is a
	// contact.
	ObjectTypeID  string `json:"objectTypeId"`
	PropertyName  string `json:"propertyName"`
	PropertyValue string `json:"propertyValue"`
	ChangeSource  string `json:"changeSource"`
	ChangeFlag    string `json:"changeFlag"`
	SourceID      string `json:"sourceId"`
}

// Parse reads a delivery: a JSON array of events, each with its eventId,
// subscriptionType, objectId and occurredAt. Errors name the field
// ("[2].objectId").
func Parse(body []byte) ([]Event, error) {
	if t := bytes.TrimSpace(body); len(t) == 0 || t[0] != '[' {
		if err := connector.DecodeJSON(body, new(any)); err != nil {
			return nil, err
		}
		return nil, connector.Invalid("body", "must be a JSON array of events")
	}
	var raw []json.RawMessage
	if err := connector.DecodeJSON(body, &raw); err != nil {
		return nil, err
	}
	if len(raw) == 0 {
		return nil, connector.Invalid("body", "has no events")
	}
	if len(raw) > MaxEvents {
		return nil, connector.Invalid("body", "has %d events: at most %d", len(raw), MaxEvents)
	}
	events := make([]Event, len(raw))
	for i, r := range raw {
		p := fmt.Sprintf("[%d]", i)
		if err := connector.DecodeJSON(r, &events[i]); err != nil {
			return nil, prefix(p, err)
		}
		e := &events[i]
		switch {
		case e.EventID == 0:
			return nil, connector.Invalid(p+".eventId", "is required")
		case strings.TrimSpace(e.SubscriptionType) == "":
			return nil, connector.Invalid(p+".subscriptionType", "is required")
		case e.ObjectID == 0:
			return nil, connector.Invalid(p+".objectId", "is required")
		case e.OccurredAt <= 0:
			return nil, connector.Invalid(p+".occurredAt", "is required (epoch milliseconds)")
		case isPropertyChange(e) && e.PropertyName == "":
			return nil, connector.Invalid(p+".propertyName", "is required for %s", e.SubscriptionType)
		}
	}
	return events, nil
}

func prefix(p string, err error) error {
	e, ok := err.(*baton.Error)
	if !ok {
		return err
	}
	for i, f := range e.Fields {
		if f.Field == "body" {
			e.Fields[i].Field = p
		} else {
			e.Fields[i].Field = p + "." + f.Field
		}
		e.Message = "invalid " + e.Fields[i].Field + ": " + f.Message
	}
	return e
}

func isContact(e *Event) bool {
	switch e.SubscriptionType {
	case "contact.creation", "contact.propertyChange":
		return true
	case "object.creation", "object.propertyChange":
		return e.ObjectTypeID == "0-1"
	}
	return false
}

func isPropertyChange(e *Event) bool {
	return strings.HasSuffix(e.SubscriptionType, ".propertyChange")
}

// Map turns a delivery's events into Actions under the playbook's mapping:
// contact creation, a score change, a form submission and a booked meeting
// raise signals (one of each type per contact and delivery); other events
// are skipped with the reason. scoreField is the signal field the score
// goes to.
func Map(events []Event, m playbook.HubSpotMapping, scoreField string) []connector.Action {
	facts := map[int64]map[string]string{}
	// The latest value of each property wins.
	order := make([]int, len(events))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return events[order[a]].OccurredAt < events[order[b]].OccurredAt })
	for _, i := range order {
		e := &events[i]
		if isContact(e) && isPropertyChange(e) {
			if facts[e.ObjectID] == nil {
				facts[e.ObjectID] = map[string]string{}
			}
			facts[e.ObjectID][e.PropertyName] = e.PropertyValue
		}
	}
	seen := map[string]bool{}
	out := make([]connector.Action, 0, len(events))
	for i := range events {
		e := &events[i]
		a := connector.Action{Kind: connector.Skip, Event: e.SubscriptionType, Path: fmt.Sprintf("[%d]", i)}
		typ, why := signalType(e, m)
		switch {
		case !isContact(e):
			a.Reason = "not a contact event"
		case typ == "":
			a.Reason = why
		default:
			key := fmt.Sprintf("%d/%s", e.ObjectID, typ)
			if seen[key] {
				a.Reason = fmt.Sprintf("another event of contact %d in this delivery raised %s", e.ObjectID, typ)
				break
			}
			sig, reason := signal(e, typ, facts[e.ObjectID], m, scoreField)
			if sig == nil {
				a.Reason = reason
				break
			}
			seen[key] = true
			a.Kind, a.Signal = connector.Ingest, sig
		}
		out = append(out, a)
	}
	return out
}

// signalType is the signal type an event raises, or "" and why not.
func signalType(e *Event, m playbook.HubSpotMapping) (string, string) {
	if !isPropertyChange(e) {
		if t, ok := playbook.SignalFor(m.ContactCreated); ok {
			return t, ""
		}
		return "", "contact creation raises no signal (connectors.hubspot.contact_created: none)"
	}
	var t string
	switch e.PropertyName {
	case m.ScoreProperty:
		t = m.ScoreSignal
	case m.FormProperty:
		t = m.FormSignal
		if ft, ok := m.Forms[e.PropertyValue]; ok {
			t = ft
		}
	case m.MeetingProperty:
		t = baton.SignalMeetingBooked
	default:
		return "", fmt.Sprintf("a change of %s is a fact of the contact, not a signal", e.PropertyName)
	}
	if t, ok := playbook.SignalFor(t); ok {
		return t, ""
	}
	return "", fmt.Sprintf("a change of %s raises no signal (mapped to none)", e.PropertyName)
}

func signal(e *Event, typ string, f map[string]string, m playbook.HubSpotMapping, scoreField string) (*baton.Signal, string) {
	clip := func(k string, n int) string { return connector.Clip(f[k], n) }
	sig := &baton.Signal{
		ExternalID: fmt.Sprintf("hubspot:%d:%d:%d", e.PortalID, e.SubscriptionID, e.EventID),
		Type:       typ,
		OccurredAt: time.UnixMilli(e.OccurredAt).UTC(),
		Source:     Source,
		Contact: baton.SignalContact{
			Email: clip("email", 254),
			Name:  connector.Clip(strings.TrimSpace(f["firstname"]+" "+f["lastname"]), baton.MaxShortText),
			Title: clip("jobtitle", baton.MaxShortText), Phone: clip("phone", 50), TimeZone: timeZone(f["hs_timezone"]),
		},
		Account: baton.SignalAccount{
			Name: clip(m.CompanyProperty, baton.MaxShortText), Domain: connector.Domain(f["website"]),
			Industry: clip("industry", baton.MaxShortText), Country: clip("country", 60),
		},
		Fields: map[string]any{"hubspot_contact_id": strconv.FormatInt(e.ObjectID, 10)},
	}
	if sig.Contact.Email == "" && sig.Account.Domain == "" {
		return nil, fmt.Sprintf("contact %d has no email nor website in this delivery: subscribe to contact.propertyChange for email", e.ObjectID)
	}
	if s, ok := f[m.ScoreProperty]; ok {
		if n, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil && n >= -1e9 && n <= 1e9 {
			sig.Fields[scoreField] = n
		}
	}
	switch {
	case isPropertyChange(e) && e.PropertyName == m.FormProperty:
		sig.Campaign = connector.Clip(e.PropertyValue, baton.MaxShortText)
		sig.Message = "Form submitted: " + connector.Clip(e.PropertyValue, baton.MaxShortText)
	case isPropertyChange(e) && e.PropertyName == m.MeetingProperty:
		start, ok := meetingStart(e.PropertyValue)
		if !ok {
			return nil, fmt.Sprintf("%s is not a time: %q", e.PropertyName, connector.Clip(e.PropertyValue, 40))
		}
		tz := sig.Contact.TimeZone
		if tz == "" {
			tz = m.TimeZone
		}
		sig.Meeting = &baton.SignalMeeting{StartsAt: start, TimeZone: tz, Type: clip(m.MeetingTypeProperty, 60)}
	}
	return sig, ""
}

// meetingStart reads a HubSpot datetime property: epoch milliseconds or
// RFC 3339.
func meetingStart(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
		t := time.UnixMilli(ms).UTC()
		return t, t.Year() >= 2000 && t.Year() <= 2200
	}
	t, err := time.Parse(time.RFC3339, v)
	return t.UTC(), err == nil && t.Year() >= 2000 && t.Year() <= 2200
}

// timeZone turns HubSpot's hs_timezone value (america_slash_new_york) into
// an IANA name (America/New_York), or "" when it is not one.
func timeZone(v string) string {
	if v == "" || len(v) > 100 {
		return ""
	}
	parts := strings.Split(strings.ReplaceAll(v, "_slash_", "/"), "/")
	for i, p := range parts {
		words := strings.Split(p, "_")
		for j, w := range words {
			r := []rune(w)
			if len(r) > 0 {
				r[0] = unicode.ToUpper(r[0])
			}
			words[j] = string(r)
		}
		parts[i] = strings.Join(words, "_")
	}
	tz := strings.Join(parts, "/")
	if !baton.ValidTimeZone(tz) {
		return ""
	}
	return tz
}
