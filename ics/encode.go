package ics

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/emersion/go-ical"
)

// ProductID is the PRODID of every calendar Encode writes.
const ProductID = "-//Baton//Baton//EN"

// Encode returns inv as an iCalendar object (text/calendar; charset=UTF-8)
// with METHOD set, ready to attach to an email with the same method in its
// Content-Type. It returns a *FieldError naming the first invalid field, or
// an error from the encoder.
func Encode(inv Invite) ([]byte, error) {
	n, err := normalize(inv)
	if err != nil {
		return nil, err
	}

	startAt, endAt := n.Start, n.Start.Add(n.Duration).Truncate(time.Second)
	loc := location(n.TimeZone)
	if repeated(startAt, loc) || repeated(endAt, loc) {
		loc = time.UTC
	}
	start, end := startAt.In(loc), endAt.In(loc)

	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropProductID, ProductID)
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropMethod, n.Method)
	if loc != time.UTC {
		cal.Children = append(cal.Children, vtimezone(loc, start, end))
	}
	cal.Children = append(cal.Children, event(n, start, end).Component)

	var buf bytes.Buffer
	if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
		return nil, fmt.Errorf("ics: encode invite %s: %w", n.UID, err)
	}
	return fold(buf.Bytes()), nil
}

// event builds the VEVENT. start and end are in the zone they are written
// in: go-ical writes TZID=<zone name> for any zone but UTC.
func event(n normalized, start, end time.Time) *ical.Event {
	ev := ical.NewEvent()
	ev.Props.SetText(ical.PropUID, n.UID)
	seq := ical.NewProp(ical.PropSequence)
	seq.Value = strconv.Itoa(n.Sequence)
	ev.Props.Set(seq)
	ev.Props.SetDateTime(ical.PropDateTimeStamp, n.Stamp.UTC())
	if !n.Created.IsZero() {
		ev.Props.SetDateTime(ical.PropCreated, n.Created.UTC())
	}
	ev.Props.SetDateTime(ical.PropDateTimeStart, start)
	ev.Props.SetDateTime(ical.PropDateTimeEnd, end)
	ev.Props.SetText(ical.PropSummary, n.Summary)
	if n.Description != "" {
		ev.Props.SetText(ical.PropDescription, n.Description)
	}
	if n.Location != "" {
		ev.Props.SetText(ical.PropLocation, n.Location)
	}
	if n.url != nil {
		ev.Props.SetURI(ical.PropURL, n.url)
	}
	ev.SetStatus(ical.EventStatus(n.Status))

	ev.Props.Set(address(ical.PropOrganizer, n.Organizer))
	for _, a := range n.Attendees {
		p := address(ical.PropAttendee, a)
		p.Params.Set(ical.ParamRole, a.Role)
		// A cancellation asks for no reply (RFC 5546 section 3.2.5).
		if n.Method == MethodRequest {
			p.Params.Set(ical.ParamParticipationStatus, "NEEDS-ACTION")
			p.Params.Set(ical.ParamRSVP, "TRUE")
		}
		ev.Props.Add(p)
	}
	return ev
}

// address returns an ORGANIZER or ATTENDEE property for p, with a CN when p
// has a name.
func address(name string, p Person) *ical.Prop {
	prop := ical.NewProp(name)
	prop.Value = "mailto:" + p.Email
	if cn := commonName(p); cn != "" {
		prop.Params.Set(ical.ParamCommonName, cn)
	}
	return prop
}
