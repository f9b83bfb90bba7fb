package web_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	golangical "github.com/arran4/golang-ical"
	"github.com/batonhq/baton"
)

// TestMeetingInvites books meetings in three zones, one just after a DST
// change, fetches each invite and parses it with an independent parser.
func TestMeetingInvites(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	for _, tc := range []struct {
		name, zone, local string
	}{
		{"LosAngeles", "America/Los_Angeles", "2026-11-02T10:30:00"}, // the day after fall back
		{"London", "Europe/London", "2027-03-29T09:00:00"},           // the day after spring forward
		{"Sydney", "Australia/Sydney", "2026-12-15T16:00:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loc, _ := time.LoadLocation(tc.zone)
			start, err := time.ParseInLocation("2006-01-02T15:04:05", tc.local, loc)
			if err != nil {
				t.Fatal(err)
			}
			sig := meetingSignal("ics-"+tc.name, start)
			sig["meeting"].(map[string]any)["timezone"] = tc.zone
			sig["meeting"].(map[string]any)["attendees"] = []map[string]string{{"name": "Ana Ruiz", "email": "ana@acme-robotics.com", "title": "VP Operations"}}
			h := s.ingest(t, sig)
			if h.Meeting == nil || h.Meeting.ID == "" {
				t.Fatal("handoff has no meeting id")
			}
			ev := fetchEvent(t, s, h.Meeting.ID)
			if got, err := ev.GetStartAt(); err != nil || !got.Equal(start) {
				t.Errorf("start: got %v (%v), want %s", got.UTC(), err, start.UTC())
			}
			if p := ev.GetProperty(golangical.ComponentPropertyDtStart); p == nil || p.ICalParameters["TZID"][0] != tc.zone {
				t.Errorf("DTSTART is not in the prospect's zone: %+v", p)
			}
			uid := ev.GetProperty(golangical.ComponentPropertyUniqueId).Value
			desc := ev.GetProperty(golangical.ComponentPropertyDescription).Value
			if !strings.Contains(desc, "Acme Robotics") || !strings.Contains(desc, "complete") {
				t.Errorf("description lacks the handoff's key fields: %q", desc)
			}
			var titled bool
			for _, a := range ev.Attendees() {
				titled = titled || strings.Contains(a.ICalParameters["CN"][0], "VP Operations")
			}
			if !titled {
				t.Error("no attendee carries a title")
			}

			// A reschedule keeps the UID and raises the SEQUENCE.
			moved := start.Add(26 * time.Hour)
			call[map[string]any](t, s, "POST", "/api/v1/meetings/"+h.Meeting.ID+"/reschedule", s.rep, map[string]any{"starts_at": moved.Format(time.RFC3339)}, http.StatusOK)
			ev = fetchEvent(t, s, h.Meeting.ID)
			if ev.GetProperty(golangical.ComponentPropertyUniqueId).Value != uid || ev.GetProperty(golangical.ComponentPropertySequence).Value != "1" {
				t.Errorf("after reschedule: got UID %s SEQUENCE %s, want %s and 1", ev.GetProperty(golangical.ComponentPropertyUniqueId).Value, ev.GetProperty(golangical.ComponentPropertySequence).Value, uid)
			}
			if got, _ := ev.GetStartAt(); !got.Equal(moved) {
				t.Errorf("after reschedule: start %s, want %s", got.UTC(), moved.UTC())
			}
			call[map[string]any](t, s, "POST", "/api/v1/meetings/"+h.Meeting.ID+"/cancel", s.rep, map[string]any{"reason": "prospect asked"}, http.StatusOK)
			r := s.do(t, "GET", "/api/v1/meetings/"+h.Meeting.ID+".ics", s.rep, "")
			if !strings.Contains(string(r.body), "METHOD:CANCEL") || !strings.Contains(string(r.body), "SEQUENCE:2") {
				t.Errorf("after cancel: want METHOD:CANCEL and SEQUENCE:2\n%s", r.body)
			}
			wantError(t, s.do(t, "POST", "/api/v1/meetings/"+h.Meeting.ID+"/reschedule", s.rep, `{"starts_at":"2027-01-01T10:00:00Z"}`), http.StatusConflict, baton.ECONFLICT)
		})
	}
	wantError(t, s.do(t, "GET", "/api/v1/meetings/nope.ics", s.rep, ""), http.StatusNotFound, baton.ENOTFOUND)
	wantError(t, s.do(t, "GET", "/api/v1/meetings/nope.ics", "", ""), http.StatusUnauthorized, baton.EUNAUTHORIZED)
}

func fetchEvent(t *testing.T, s *stack, id string) *golangical.VEvent {
	t.Helper()
	r := s.do(t, "GET", "/api/v1/meetings/"+id+".ics", s.rep, "")
	if r.status != http.StatusOK {
		t.Fatalf("got %s", r)
	}
	cal, err := golangical.ParseCalendar(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, r.body)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("got %d events", len(evs))
	}
	return evs[0]
}
