package ics

import (
	"fmt"
	"time"

	"github.com/emersion/go-ical"
)

// zoneWindow is how far either side of the meeting the VTIMEZONE is exact.
const zoneWindow = 1 // year

// maxObservances bounds the walk over a zone's transitions; real zones have
// at most a handful a year.
const maxObservances = 64

// floatingFormat is a DATE-TIME in local time with no TZID, as used for the
// onset of a STANDARD or DAYLIGHT sub-component.
const floatingFormat = "20060102T150405"

// location resolves the invite's IANA zone. It returns time.UTC for "" and
// "UTC", and for names Go cannot load; "Local" is refused because it is the
// server's zone, never the prospect's.
func location(name string) *time.Location {
	if name == "" || name == "Local" {
		return time.UTC
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// repeated reports whether the wall-clock time of t in loc occurs twice,
// in the hour (or so) that is repeated when the offset falls back. Such a
// time cannot be written as local time unambiguously: RFC 5545 says to read
// it as the first occurrence, and parsers that lean on Go's time.Date (and
// others) do not all agree.
func repeated(t time.Time, loc *time.Location) bool {
	local := t.In(loc)
	_, off := local.Zone()
	start, end := local.ZoneBounds()
	if !start.IsZero() {
		_, before := start.Add(-time.Nanosecond).In(loc).Zone()
		if before > off && t.Sub(start) < time.Duration(before-off)*time.Second {
			return true // second occurrence
		}
	}
	if !end.IsZero() {
		_, after := end.In(loc).Zone()
		if off > after && end.Sub(t) <= time.Duration(off-after)*time.Second {
			return true // first occurrence
		}
	}
	return false
}

// observance is one onset of a zone's offset: a transition, or for a zone
// without one, a synthetic start.
type observance struct {
	onset    time.Time // instant of the change
	from, to int       // UTC offsets in seconds before and after it
	name     string
	dst      bool
}

// observances lists the offset in effect at from (with its real onset) and
// every transition of loc after from up to and including to.
func observances(loc *time.Location, from, to time.Time) []observance {
	start, next := from.In(loc).ZoneBounds()
	var obs []observance
	if start.IsZero() {
		// The zone has had this offset since the beginning of time: give
		// the sub-component a conventional onset before the window.
		name, off := from.In(loc).Zone()
		onset := time.Date(min(1970, from.Year()), time.January, 1, 0, 0, 0, 0, time.UTC).Add(-time.Duration(off) * time.Second)
		obs = append(obs, observance{onset: onset, from: off, to: off, name: name, dst: from.In(loc).IsDST()})
	} else {
		obs = append(obs, observanceAt(loc, start))
	}
	for !next.IsZero() && !next.After(to) && len(obs) < maxObservances {
		obs = append(obs, observanceAt(loc, next))
		_, next = next.In(loc).ZoneBounds()
	}
	return obs
}

// observanceAt describes the transition of loc at instant t.
func observanceAt(loc *time.Location, t time.Time) observance {
	after := t.In(loc)
	name, to := after.Zone()
	_, from := t.Add(-time.Nanosecond).In(loc).Zone()
	return observance{onset: t, from: from, to: to, name: name, dst: after.IsDST()}
}

// vtimezone builds the VTIMEZONE for loc that is exact from a year before
// start to a year after end.
func vtimezone(loc *time.Location, start, end time.Time) *ical.Component {
	tz := ical.NewComponent(ical.CompTimezone)
	tz.Props.SetText(ical.PropTimezoneID, loc.String())
	for _, o := range observances(loc, start.AddDate(-zoneWindow, 0, 0), end.AddDate(zoneWindow, 0, 0)) {
		kind := ical.CompTimezoneStandard
		if o.dst {
			kind = ical.CompTimezoneDaylight
		}
		c := ical.NewComponent(kind)
		// The onset is local time in the offset being left (RFC 5545
		// section 3.6.5); go-ical has no setter for a floating DATE-TIME.
		dtstart := ical.NewProp(ical.PropDateTimeStart)
		dtstart.Value = o.onset.In(time.FixedZone("", o.from)).Format(floatingFormat)
		c.Props.Set(dtstart)
		c.Props.Set(utcOffset(ical.PropTimezoneOffsetFrom, o.from))
		c.Props.Set(utcOffset(ical.PropTimezoneOffsetTo, o.to))
		if o.name != "" {
			c.Props.SetText(ical.PropTimezoneName, o.name)
		}
		tz.Children = append(tz.Children, c)
	}
	return tz
}

// utcOffset returns a UTC-OFFSET property (RFC 5545 section 3.3.14),
// "+HHMM" or "+HHMMSS"; zero is "+0000" since "-0000" is not allowed.
func utcOffset(name string, seconds int) *ical.Prop {
	sign := '+'
	if seconds < 0 {
		sign, seconds = '-', -seconds
	}
	p := ical.NewProp(name)
	p.Value = fmt.Sprintf("%c%02d%02d", sign, seconds/3600, seconds%3600/60)
	if s := seconds % 60; s != 0 {
		p.Value += fmt.Sprintf("%02d", s)
	}
	return p
}
