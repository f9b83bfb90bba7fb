// Package signalbody is how both stores keep a signal's body: the payload
// column, beside the columns that hold its ids, type and times.
package signalbody

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/batonhq/baton"
)

// A signal's body is stored as JSON in three forms. The first held the
// whole signal (baton.Signal's JSON); the second all but what its columns
// hold (ids, type, and its times when the columns hold them exactly), with
// baton.Signal's keys. Version 3, written now, begins with "v":3 and names
// its fields in a letter or two (about 80 bytes less a signal), but for
// "source", which queries read as $.source. All three read back the same.

// body is version 3.
type body struct {
	V          int            `json:"v"` // 3; first, so that Decode can tell
	OccurredAt time.Time      `json:"o,omitzero"`
	ReceivedAt time.Time      `json:"r,omitzero"`
	Source     string         `json:"source,omitempty"`
	Campaign   string         `json:"cp,omitempty"`
	Contact    contact        `json:"c"`
	Account    account        `json:"a"`
	Message    string         `json:"m,omitempty"`
	Meeting    *meeting       `json:"mt,omitempty"`
	Fields     map[string]any `json:"f,omitempty"`
	Sender     string         `json:"s,omitempty"`
}

// contact, account and meeting are baton's types with short keys: a field
// added to one of those makes the conversions in Encode and Decode fail to
// compile until it is added here.
type contact struct {
	Email    string `json:"e"`
	Name     string `json:"n,omitempty"`
	Title    string `json:"t,omitempty"`
	Phone    string `json:"p,omitempty"`
	TimeZone string `json:"z,omitempty"`
}

type account struct {
	Name      string `json:"n,omitempty"`
	Domain    string `json:"d,omitempty"`
	Employees int    `json:"e,omitempty"`
	Industry  string `json:"i,omitempty"`
	Country   string `json:"c,omitempty"`
	Region    string `json:"r,omitempty"`
}

type meeting struct {
	StartsAt  time.Time        `json:"s"`
	Duration  baton.Duration   `json:"d,omitempty"`
	TimeZone  string           `json:"z"`
	Agenda    string           `json:"a,omitempty"`
	Type      string           `json:"t,omitempty"`
	Attendees []baton.Attendee `json:"at,omitempty"`
}

// version3 begins every version 3 body.
var version3 = []byte(`{"v":3,`)

// Encode returns the stored body (version 3) of s; ms is how the store's
// time columns hold a time, and fromMS how they read it back.
func Encode(s *baton.Signal, ms func(time.Time) int64, fromMS func(int64) time.Time) string {
	b, err := json.Marshal(body{V: 3, OccurredAt: bodyTime(s.OccurredAt, ms, fromMS), ReceivedAt: bodyTime(s.ReceivedAt, ms, fromMS),
		Source: s.Source, Campaign: s.Campaign, Contact: contact(s.Contact), Account: account(s.Account), Message: s.Message,
		Meeting: (*meeting)(s.Meeting), Fields: s.Fields, Sender: s.Sender})
	if err != nil { // a field value JSON cannot hold (NaN): as before, the body is lost
		return "null"
	}
	return string(b)
}

// bodyTime is the time a body stores for t: none (the zero time) when its
// column, in UTC milliseconds, reads back as t exactly, as a time sent in
// UTC to the second does; else t, to the nanosecond and in its zone.
func bodyTime(t time.Time, ms func(time.Time) int64, fromMS func(int64) time.Time) time.Time {
	if t.Location() == time.UTC && t.Equal(fromMS(ms(t))) {
		return time.Time{}
	}
	return t
}

// Decode reads a stored body of any version into a signal without its
// ids and type (its columns'); a time the body leaves out is its column's,
// occurred and received.
func Decode(stored string, occurred, received time.Time) (baton.Signal, error) {
	var s baton.Signal
	if b := []byte(stored); bytes.HasPrefix(b, version3) {
		var v body
		if err := json.Unmarshal(b, &v); err != nil {
			return s, fmt.Errorf("decode signal: %w", err)
		}
		s = baton.Signal{OccurredAt: v.OccurredAt, ReceivedAt: v.ReceivedAt, Source: v.Source, Campaign: v.Campaign,
			Contact: baton.SignalContact(v.Contact), Account: baton.SignalAccount(v.Account), Message: v.Message,
			Meeting: (*baton.SignalMeeting)(v.Meeting), Fields: v.Fields, Sender: v.Sender}
	} else if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("decode signal: %w", err)
	}
	if s.OccurredAt.IsZero() {
		s.OccurredAt = occurred
	}
	if s.ReceivedAt.IsZero() {
		s.ReceivedAt = received
	}
	return s, nil
}
