package ics_test

import (
	"bytes"
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // zones must not depend on the machine's zoneinfo
	"unicode/utf8"

	golangical "github.com/arran4/golang-ical"
	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/ics"
)

// The expected instants in these tests are worked out by hand from the
// published 2026 DST rules, not from Go's zone database, so they check the
// encoder against the world rather than against itself:
//   - America/Los_Angeles: PDT (-7) from 2026-03-08, PST (-8) from 2026-11-01 02:00 PDT.
//   - Europe/London: BST (+1) from 2026-03-29 01:00 GMT, GMT from 2026-10-25 02:00 BST.
//   - Australia/Sydney: AEST (+10) from 2026-04-05 03:00 AEDT, AEDT (+11) from 2026-10-04 02:00 AEST.
//   - Asia/Tokyo: JST (+9), no DST since 1951.

// validInvite returns an invite that encodes; tests change what they test.
func validInvite() ics.Invite {
	return ics.Invite{
		UID:         ics.UID("01JD4Q", "baton.example"),
		Sequence:    0,
		Method:      ics.MethodRequest,
		Summary:     "Acme <> Baton: intro",
		Description: "Agenda:\n1. Intros, goals; timeline\n2. Demo, Q&A\n\nDial-in: +1 555 0100, PIN 42#",
		Location:    "Zoom",
		URL:         "https://zoom.example/j/123?pwd=x",
		Start:       time.Date(2026, 11, 2, 18, 0, 0, 0, time.UTC),
		Duration:    30 * time.Minute,
		TimeZone:    "America/Los_Angeles",
		Organizer:   ics.Person{Name: "Ana Rep", Email: "ana@baton.example", Title: "Account Executive"},
		Attendees: []ics.Person{
			{Name: "Dana Whit", Email: "dana@acme.example", Title: "VP Sales, EMEA"},
			{Name: "Eli Park", Email: "eli@acme.example"},
			{Email: "ops@acme.example", Role: "opt-participant"},
		},
		Created: time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC),
		Stamp:   time.Date(2026, 10, 1, 9, 30, 0, 0, time.UTC),
	}
}

// decoded is an encoded invite read back by golang-ical, an implementation
// independent of the go-ical encoder.
type decoded struct {
	raw   []byte
	cal   *golangical.Calendar
	event *golangical.VEvent
}

func encodeAndParse(t *testing.T, inv ics.Invite) decoded {
	t.Helper()
	raw, err := ics.Encode(inv)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	cal, err := golangical.ParseCalendar(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("golang-ical cannot parse the output: %v\n%s", err, raw)
	}
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("got %d VEVENTs, want 1\n%s", len(events), raw)
	}
	return decoded{raw: raw, cal: cal, event: events[0]}
}

func (d decoded) calProp(t *testing.T, name string) string {
	t.Helper()
	for _, p := range d.cal.CalendarProperties {
		if p.IANAToken == name {
			return p.Value
		}
	}
	t.Fatalf("no calendar property %s\n%s", name, d.raw)
	return ""
}

func (d decoded) prop(t *testing.T, name golangical.ComponentProperty) *golangical.IANAProperty {
	t.Helper()
	p := d.event.GetProperty(name)
	if p == nil {
		t.Fatalf("VEVENT has no %s\n%s", name, d.raw)
	}
	return p
}

func param(p *golangical.IANAProperty, name golangical.Parameter) string {
	if v := p.ICalParameters[string(name)]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// wallClock is the value of a DATE-TIME property as written, without its zone.
func wallClock(t *testing.T, p *golangical.IANAProperty) time.Time {
	t.Helper()
	v, err := time.Parse("20060102T150405", strings.TrimSuffix(p.Value, "Z"))
	if err != nil {
		t.Fatalf("%s: %v", p.IANAToken, err)
	}
	return v
}

// subzone is a STANDARD or DAYLIGHT sub-component as written.
type subzone struct {
	Kind     string
	DTStart  string
	From, To string
}

// observance is a subzone as read back, with its onset as an instant.
type observance struct {
	subzone
	onset time.Time
	to    time.Duration
}

func parseOffset(t *testing.T, s string) time.Duration {
	t.Helper()
	if len(s) != 5 && len(s) != 7 || (s[0] != '+' && s[0] != '-') {
		t.Fatalf("bad UTC-OFFSET %q", s)
	}
	n := func(a string) time.Duration {
		v, err := strconv.Atoi(a)
		if err != nil {
			t.Fatalf("bad UTC-OFFSET %q", s)
		}
		return time.Duration(v)
	}
	d := n(s[1:3])*time.Hour + n(s[3:5])*time.Minute
	if len(s) == 7 {
		d += n(s[5:7]) * time.Second
	}
	if s[0] == '-' {
		d = -d
	}
	return d
}

// observances reads the VTIMEZONE whose TZID is tzid, sorted by onset.
func (d decoded) observances(t *testing.T, tzid string) []observance {
	t.Helper()
	var found []*golangical.VTimezone
	for _, tz := range d.cal.Timezones() {
		if p := tz.GetProperty(golangical.ComponentPropertyTzid); p != nil && p.Value == tzid {
			found = append(found, tz)
		}
	}
	if len(found) != 1 {
		t.Fatalf("got %d VTIMEZONEs with TZID %s, want 1\n%s", len(found), tzid, d.raw)
	}
	var obs []observance
	for _, c := range found[0].Components {
		var o observance
		var base golangical.ComponentBase
		switch c := c.(type) {
		case *golangical.Standard:
			o.Kind, base = "STANDARD", c.ComponentBase
		case *golangical.Daylight:
			o.Kind, base = "DAYLIGHT", c.ComponentBase
		default:
			t.Fatalf("unexpected %T in VTIMEZONE", c)
		}
		get := func(name string) string {
			p := base.GetProperty(golangical.ComponentProperty(name))
			if p == nil {
				t.Fatalf("%s without %s\n%s", o.Kind, name, d.raw)
			}
			return p.Value
		}
		o.DTStart, o.From, o.To = get("DTSTART"), get("TZOFFSETFROM"), get("TZOFFSETTO")
		local, err := time.Parse("20060102T150405", o.DTStart)
		if err != nil {
			t.Fatalf("%s DTSTART: %v", o.Kind, err)
		}
		o.onset = local.Add(-parseOffset(t, o.From))
		o.to = parseOffset(t, o.To)
		obs = append(obs, o)
	}
	sort.Slice(obs, func(i, j int) bool { return obs[i].onset.Before(obs[j].onset) })
	return obs
}

// resolveByVTimezone turns a DATE-TIME with a TZID into an instant using
// only the VTIMEZONE in the calendar, as a client without a zone database
// would: the wall-clock time belongs to the observance whose interval
// contains it.
func (d decoded) resolveByVTimezone(t *testing.T, p *golangical.IANAProperty) time.Time {
	t.Helper()
	obs := d.observances(t, param(p, golangical.ParameterTzid))
	wall := wallClock(t, p)
	for i, o := range obs {
		at := wall.Add(-o.to)
		if !at.Before(o.onset) && (i == len(obs)-1 || at.Before(obs[i+1].onset)) {
			return at
		}
	}
	t.Fatalf("%s %s is outside the VTIMEZONE\n%s", p.IANAToken, p.Value, d.raw)
	return time.Time{}
}

func TestEncodeRoundTripsThroughIndependentParser(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name      string
		zone      string
		start     time.Time // the instant, in UTC
		duration  time.Duration
		wantStart string // wall clock written in the zone
		wantEnd   string
	}{
		{"LosAngelesBeforeFallBack", "America/Los_Angeles", time.Date(2026, 10, 30, 17, 0, 0, 0, time.UTC), 30 * time.Minute, "20261030T100000", "20261030T103000"},
		{"LosAngelesAfterFallBack", "America/Los_Angeles", time.Date(2026, 11, 2, 18, 0, 0, 0, time.UTC), 30 * time.Minute, "20261102T100000", "20261102T103000"},
		{"LosAngelesAcrossFallBack", "America/Los_Angeles", time.Date(2026, 11, 1, 7, 30, 0, 0, time.UTC), 3 * time.Hour, "20261101T003000", "20261101T023000"},
		{"LondonBeforeSpringForward", "Europe/London", time.Date(2026, 3, 27, 14, 0, 0, 0, time.UTC), time.Hour, "20260327T140000", "20260327T150000"},
		{"LondonAfterSpringForward", "Europe/London", time.Date(2026, 3, 30, 13, 0, 0, 0, time.UTC), time.Hour, "20260330T140000", "20260330T150000"},
		{"SydneyBeforeDaylightStarts", "Australia/Sydney", time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC), 45 * time.Minute, "20261002T100000", "20261002T104500"},
		{"SydneyAfterDaylightStarts", "Australia/Sydney", time.Date(2026, 10, 4, 23, 0, 0, 0, time.UTC), 45 * time.Minute, "20261005T100000", "20261005T104500"},
		{"TokyoNoDST", "Asia/Tokyo", time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC), time.Hour, "20261102T100000", "20261102T110000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			inv := validInvite()
			inv.TimeZone, inv.Start, inv.Duration = tt.zone, tt.start, tt.duration
			inv.Sequence = 3
			d := encodeAndParse(t, inv)

			if got := d.calProp(t, "METHOD"); got != "REQUEST" {
				t.Errorf("METHOD: got %q, want REQUEST", got)
			}
			if got := d.calProp(t, "PRODID"); got != ics.ProductID {
				t.Errorf("PRODID: got %q, want %q", got, ics.ProductID)
			}
			if got := d.calProp(t, "VERSION"); got != "2.0" {
				t.Errorf("VERSION: got %q, want 2.0", got)
			}
			if got := d.event.Id(); got != inv.UID {
				t.Errorf("UID: got %q, want %q", got, inv.UID)
			}
			if got := d.prop(t, golangical.ComponentPropertySequence).Value; got != "3" {
				t.Errorf("SEQUENCE: got %q, want 3", got)
			}
			if got := d.prop(t, golangical.ComponentPropertyStatus).Value; got != "CONFIRMED" {
				t.Errorf("STATUS: got %q, want CONFIRMED", got)
			}

			wantEnd := tt.start.Add(tt.duration)
			for _, c := range []struct {
				prop golangical.ComponentProperty
				wall string
				want time.Time
			}{
				{golangical.ComponentPropertyDtStart, tt.wantStart, tt.start},
				{golangical.ComponentPropertyDtEnd, tt.wantEnd, wantEnd},
			} {
				p := d.prop(t, c.prop)
				if got := param(p, golangical.ParameterTzid); got != tt.zone {
					t.Errorf("%s TZID: got %q, want %q", c.prop, got, tt.zone)
				}
				if p.Value != c.wall {
					t.Errorf("%s: got %q, want %q", c.prop, p.Value, c.wall)
				}
				// The VTIMEZONE alone must give the same instant.
				if got := d.resolveByVTimezone(t, p); !got.Equal(c.want) {
					t.Errorf("%s resolved by VTIMEZONE: got %s, want %s", c.prop, got.UTC(), c.want)
				}
			}
			// golang-ical resolves TZID itself, with time.LoadLocation on
			// the parameter (it ignores VTIMEZONE).
			if got, err := d.event.GetStartAt(); err != nil || !got.Equal(tt.start) {
				t.Errorf("GetStartAt: got %s (err %v), want %s", got.UTC(), err, tt.start)
			}
			if got, err := d.event.GetEndAt(); err != nil || !got.Equal(wantEnd) {
				t.Errorf("GetEndAt: got %s (err %v), want %s", got.UTC(), err, wantEnd)
			}
			if got, err := d.event.GetDtStampTime(); err != nil || !got.Equal(inv.Stamp) {
				t.Errorf("DTSTAMP: got %s (err %v), want %s", got, err, inv.Stamp)
			}

			if got := d.prop(t, golangical.ComponentPropertySummary).Value; got != inv.Summary {
				t.Errorf("SUMMARY: got %q, want %q", got, inv.Summary)
			}
			if got := d.prop(t, golangical.ComponentPropertyDescription).Value; got != inv.Description {
				t.Errorf("DESCRIPTION: got %q, want %q", got, inv.Description)
			}
			if got := d.prop(t, golangical.ComponentPropertyLocation).Value; got != inv.Location {
				t.Errorf("LOCATION: got %q, want %q", got, inv.Location)
			}
			if got := d.prop(t, golangical.ComponentPropertyUrl).Value; got != inv.URL {
				t.Errorf("URL: got %q, want %q", got, inv.URL)
			}

			org := d.prop(t, golangical.ComponentPropertyOrganizer)
			if got, want := [2]string{org.Value, param(org, golangical.ParameterCn)}, [2]string{"mailto:ana@baton.example", "Ana Rep (Account Executive)"}; got != want {
				t.Errorf("ORGANIZER: got %q, want %q", got, want)
			}

			type attendee struct{ Email, CN, Role, PartStat, RSVP string }
			var got []attendee
			for _, a := range d.event.Attendees() {
				got = append(got, attendee{a.Email(), param(&a.IANAProperty, golangical.ParameterCn), param(&a.IANAProperty, golangical.ParameterRole),
					param(&a.IANAProperty, golangical.ParameterParticipationStatus), param(&a.IANAProperty, golangical.ParameterRsvp)})
			}
			want := []attendee{
				{"dana@acme.example", "Dana Whit (VP Sales, EMEA)", "REQ-PARTICIPANT", "NEEDS-ACTION", "TRUE"},
				{"eli@acme.example", "Eli Park", "REQ-PARTICIPANT", "NEEDS-ACTION", "TRUE"},
				{"ops@acme.example", "", "OPT-PARTICIPANT", "NEEDS-ACTION", "TRUE"},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ATTENDEEs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEncodeTimezone(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name  string
		zone  string
		start time.Time
		// want are transitions, known from the published rules, that the
		// VTIMEZONE must list (it may list more).
		want []subzone
		// exact means want is the whole VTIMEZONE.
		exact bool
	}{
		{
			name: "LosAngelesListsBothKinds", zone: "America/Los_Angeles", start: time.Date(2026, 11, 2, 18, 0, 0, 0, time.UTC),
			want: []subzone{
				{Kind: "DAYLIGHT", DTStart: "20260308T020000", From: "-0800", To: "-0700"},
				{Kind: "STANDARD", DTStart: "20261101T020000", From: "-0700", To: "-0800"},
				{Kind: "DAYLIGHT", DTStart: "20270314T020000", From: "-0800", To: "-0700"},
			},
		},
		{
			name: "LondonListsBothKinds", zone: "Europe/London", start: time.Date(2026, 3, 30, 13, 0, 0, 0, time.UTC),
			want: []subzone{
				{Kind: "DAYLIGHT", DTStart: "20260329T010000", From: "+0000", To: "+0100"},
				{Kind: "STANDARD", DTStart: "20261025T020000", From: "+0100", To: "+0000"},
			},
		},
		{
			name: "SydneyListsBothKinds", zone: "Australia/Sydney", start: time.Date(2026, 10, 4, 23, 0, 0, 0, time.UTC),
			want: []subzone{
				{Kind: "STANDARD", DTStart: "20260405T030000", From: "+1100", To: "+1000"},
				{Kind: "DAYLIGHT", DTStart: "20261004T020000", From: "+1000", To: "+1100"},
			},
		},
		{
			// Tokyo's last change was the end of daylight time in 1951.
			name: "TokyoHasOneStandard", zone: "Asia/Tokyo", start: time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC), exact: true,
			want: []subzone{{Kind: "STANDARD", DTStart: "19510909T010000", From: "+1000", To: "+0900"}},
		},
		{
			// A zone with no transitions at all gets a conventional onset.
			name: "FixedZoneHasOneStandard", zone: "Etc/GMT+5", start: time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC), exact: true,
			want: []subzone{{Kind: "STANDARD", DTStart: "19700101T000000", From: "-0500", To: "-0500"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			inv := validInvite()
			inv.TimeZone, inv.Start = tt.zone, tt.start
			d := encodeAndParse(t, inv)

			var got []subzone
			for _, o := range d.observances(t, tt.zone) {
				got = append(got, o.subzone)
			}
			if tt.exact {
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("VTIMEZONE (-want +got):\n%s", diff)
				}
			}
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("VTIMEZONE lacks %+v; got %+v", w, got)
				}
			}
			if start := d.prop(t, golangical.ComponentPropertyDtStart); !d.resolveByVTimezone(t, start).Equal(tt.start) {
				t.Errorf("DTSTART %s does not resolve to %s by the VTIMEZONE", start.Value, tt.start)
			}
		})
	}
}

func TestEncodeFallsBackToUTC(t *testing.T) {
	t.Parallel()

	for _, zone := range []string{"", "UTC", "Mars/Olympus_Mons", "Local", "../../etc/passwd"} {
		t.Run(zone, func(t *testing.T) {
			t.Parallel()

			inv := validInvite()
			inv.TimeZone = zone
			d := encodeAndParse(t, inv)

			start := d.prop(t, golangical.ComponentPropertyDtStart)
			if start.Value != "20261102T180000Z" || len(start.ICalParameters) != 0 {
				t.Errorf("DTSTART: got %q with params %v, want 20261102T180000Z without TZID", start.Value, start.ICalParameters)
			}
			if got := d.prop(t, golangical.ComponentPropertyDtEnd).Value; got != "20261102T183000Z" {
				t.Errorf("DTEND: got %q, want 20261102T183000Z", got)
			}
			if n := len(d.cal.Timezones()); n != 0 {
				t.Errorf("got %d VTIMEZONEs, want 0", n)
			}
			if got, err := d.event.GetStartAt(); err != nil || !got.Equal(inv.Start) {
				t.Errorf("GetStartAt: got %s (err %v), want %s", got, err, inv.Start)
			}
		})
	}
}

func TestEncodeRepeatedHour(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		zone     string
		start    time.Time
		duration time.Duration
		wantUTC  bool
	}{
		// 2026-11-01 01:00-02:00 happens twice in Los Angeles.
		{"LosAngelesFirstOccurrenceUsesUTC", "America/Los_Angeles", time.Date(2026, 11, 1, 8, 30, 0, 0, time.UTC), 15 * time.Minute, true},
		{"LosAngelesSecondOccurrenceUsesUTC", "America/Los_Angeles", time.Date(2026, 11, 1, 9, 30, 0, 0, time.UTC), 15 * time.Minute, true},
		{"LosAngelesEndInRepeatedHourUsesUTC", "America/Los_Angeles", time.Date(2026, 11, 1, 7, 30, 0, 0, time.UTC), time.Hour, true},
		{"LosAngelesJustAfterKeepsZone", "America/Los_Angeles", time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC), 15 * time.Minute, false},
		{"LosAngelesEndingAtRepeatKeepsZone", "America/Los_Angeles", time.Date(2026, 11, 1, 7, 0, 0, 0, time.UTC), time.Hour - time.Second, false},
		// 2026-04-05 02:00-03:00 happens twice in Sydney.
		{"SydneySecondOccurrenceUsesUTC", "Australia/Sydney", time.Date(2026, 4, 4, 16, 30, 0, 0, time.UTC), 15 * time.Minute, true},
		{"SydneyFirstOccurrenceUsesUTC", "Australia/Sydney", time.Date(2026, 4, 4, 15, 30, 0, 0, time.UTC), 15 * time.Minute, true},
		// The skipped hour of spring forward is never a problem.
		{"LondonSpringForwardKeepsZone", "Europe/London", time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC), 30 * time.Minute, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			inv := validInvite()
			inv.TimeZone, inv.Start, inv.Duration = tt.zone, tt.start, tt.duration
			d := encodeAndParse(t, inv)

			start := d.prop(t, golangical.ComponentPropertyDtStart)
			if gotUTC := strings.HasSuffix(start.Value, "Z"); gotUTC != tt.wantUTC {
				t.Errorf("DTSTART %q: got UTC %v, want %v", start.Value, gotUTC, tt.wantUTC)
			}
			if !tt.wantUTC && !d.resolveByVTimezone(t, start).Equal(tt.start) {
				t.Errorf("DTSTART %s does not resolve to %s by the VTIMEZONE", start.Value, tt.start)
			}
			if got, err := d.event.GetStartAt(); err != nil || !got.Equal(tt.start) {
				t.Errorf("GetStartAt: got %s (err %v), want %s", got.UTC(), err, tt.start)
			}
			if got, err := d.event.GetEndAt(); err != nil || !got.Equal(tt.start.Add(tt.duration)) {
				t.Errorf("GetEndAt: got %s (err %v), want %s", got.UTC(), err, tt.start.Add(tt.duration))
			}
		})
	}
}

func TestEncodeReschedule(t *testing.T) {
	t.Parallel()

	first := validInvite()
	moved := first
	moved.Sequence = first.Sequence + 1
	moved.Start = time.Date(2026, 11, 4, 21, 30, 0, 0, time.UTC)
	moved.Stamp = first.Stamp.Add(48 * time.Hour)

	a, b := encodeAndParse(t, first), encodeAndParse(t, moved)
	if a.event.Id() != b.event.Id() || b.event.Id() != first.UID {
		t.Errorf("UID: got %q then %q, want %q both times", a.event.Id(), b.event.Id(), first.UID)
	}
	if got := [2]string{a.prop(t, golangical.ComponentPropertySequence).Value, b.prop(t, golangical.ComponentPropertySequence).Value}; got != [2]string{"0", "1"} {
		t.Errorf("SEQUENCE: got %v, want [0 1]", got)
	}
	if got := b.calProp(t, "METHOD"); got != "REQUEST" {
		t.Errorf("METHOD: got %q, want REQUEST", got)
	}
	if got, err := b.event.GetStartAt(); err != nil || !got.Equal(moved.Start) {
		t.Errorf("new start: got %s (err %v), want %s", got.UTC(), err, moved.Start)
	}
	if got := b.prop(t, golangical.ComponentPropertyDtStart).Value; got != "20261104T133000" {
		t.Errorf("new DTSTART: got %q, want 20261104T133000", got)
	}
	if got, err := b.event.GetEndAt(); err != nil || !got.Equal(moved.Start.Add(moved.Duration)) {
		t.Errorf("new end: got %s (err %v), want %s", got.UTC(), err, moved.Start.Add(moved.Duration))
	}
	if got, err := b.event.GetDtStampTime(); err != nil || !got.Equal(moved.Stamp) {
		t.Errorf("new DTSTAMP: got %s (err %v), want %s", got, err, moved.Stamp)
	}
}

func TestEncodeCancel(t *testing.T) {
	t.Parallel()

	inv := validInvite()
	inv.Method = ics.MethodCancel
	inv.Sequence = 2
	d := encodeAndParse(t, inv)

	if got := d.calProp(t, "METHOD"); got != "CANCEL" {
		t.Errorf("METHOD: got %q, want CANCEL", got)
	}
	if got := d.prop(t, golangical.ComponentPropertyStatus).Value; got != "CANCELLED" {
		t.Errorf("STATUS: got %q, want CANCELLED", got)
	}
	if got := d.event.Id(); got != inv.UID {
		t.Errorf("UID: got %q, want %q", got, inv.UID)
	}
	if got := d.prop(t, golangical.ComponentPropertySequence).Value; got != "2" {
		t.Errorf("SEQUENCE: got %q, want 2", got)
	}
	attendees := d.event.Attendees()
	if len(attendees) != len(inv.Attendees) {
		t.Fatalf("got %d ATTENDEEs, want %d", len(attendees), len(inv.Attendees))
	}
	for _, a := range attendees {
		if rsvp := param(&a.IANAProperty, golangical.ParameterRsvp); rsvp != "" {
			t.Errorf("ATTENDEE %s: got RSVP=%s, want none on a cancellation", a.Email(), rsvp)
		}
	}
}

func TestEncodeFoldsLinesAt75OctetsWithCRLF(t *testing.T) {
	t.Parallel()

	inv := validInvite()
	inv.Summary = strings.Repeat("Quarterly business review — Ünïcödé ✓ ", 6)
	inv.Description = strings.Repeat("日本語のテキスト, with commas; and semicolons.\n", 8)
	inv.Attendees[0].Name = strings.Repeat("Long Name ", 12)
	d := encodeAndParse(t, inv)

	if !bytes.HasSuffix(d.raw, []byte("\r\n")) {
		t.Fatalf("output does not end with CRLF")
	}
	lines := strings.Split(strings.TrimSuffix(string(d.raw), "\r\n"), "\r\n")
	continued := 0
	for i, line := range lines {
		if n := len(line); n > 75 {
			t.Errorf("line %d: got %d octets, want at most 75: %q", i+1, n, line)
		}
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d: bare CR or LF: %q", i+1, line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("line %d: folded inside a UTF-8 sequence: %q", i+1, line)
		}
		if strings.HasPrefix(line, " ") {
			continued++
		}
	}
	if continued == 0 {
		t.Fatalf("no line was folded")
	}
	if got := d.prop(t, golangical.ComponentPropertySummary).Value; got != inv.Summary {
		t.Errorf("SUMMARY after unfolding: got %q, want %q", got, inv.Summary)
	}
	if got := d.prop(t, golangical.ComponentPropertyDescription).Value; got != inv.Description {
		t.Errorf("DESCRIPTION after unfolding: got %q, want %q", got, inv.Description)
	}
	if got := param(&d.event.Attendees()[0].IANAProperty, golangical.ParameterCn); got != strings.TrimSpace(inv.Attendees[0].Name)+" (VP Sales, EMEA)" {
		t.Errorf("CN after unfolding: got %q", got)
	}
}

func TestEncodeRejectsInvalidInvites(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name      string
		change    func(*ics.Invite)
		wantField string
	}{
		{"RejectsBlankUID", func(i *ics.Invite) { i.UID = " " }, "UID"},
		{"RejectsControlCharInUID", func(i *ics.Invite) { i.UID = "a\nb" }, "UID"},
		{"RejectsInvalidUTF8InUID", func(i *ics.Invite) { i.UID = "a\xffb" }, "UID"},
		{"RejectsNegativeSequence", func(i *ics.Invite) { i.Sequence = -1 }, "Sequence"},
		{"RejectsMissingMethod", func(i *ics.Invite) { i.Method = "" }, "Method"},
		{"RejectsUnknownMethod", func(i *ics.Invite) { i.Method = "PUBLISH" }, "Method"},
		{"RejectsZeroStart", func(i *ics.Invite) { i.Start = time.Time{} }, "Start"},
		{"RejectsZeroDuration", func(i *ics.Invite) { i.Duration = 0 }, "Duration"},
		{"RejectsNegativeDuration", func(i *ics.Invite) { i.Duration = -time.Hour }, "Duration"},
		{"RejectsSubSecondDuration", func(i *ics.Invite) { i.Duration = time.Millisecond }, "Duration"},
		{"RejectsZeroStamp", func(i *ics.Invite) { i.Stamp = time.Time{} }, "Stamp"},
		{"RejectsFiveDigitYear", func(i *ics.Invite) { i.Start = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, "Start"},
		{"RejectsMissingOrganizerEmail", func(i *ics.Invite) { i.Organizer.Email = "" }, "Organizer.Email"},
		{"RejectsOrganizerEmailWithName", func(i *ics.Invite) { i.Organizer.Email = "Ana <ana@baton.example>" }, "Organizer.Email"},
		{"RejectsMalformedOrganizerEmail", func(i *ics.Invite) { i.Organizer.Email = "ana.baton.example" }, "Organizer.Email"},
		{"RejectsNoAttendees", func(i *ics.Invite) { i.Attendees = nil }, "Attendees"},
		{"RejectsMissingAttendeeEmail", func(i *ics.Invite) { i.Attendees[1].Email = "" }, "Attendees[1].Email"},
		{"RejectsDuplicateAttendee", func(i *ics.Invite) { i.Attendees[2].Email = "DANA@acme.example" }, "Attendees[2].Email"},
		{"RejectsUnknownRole", func(i *ics.Invite) { i.Attendees[0].Role = "Champion" }, "Attendees[0].Role"},
		{"RejectsUnknownStatus", func(i *ics.Invite) { i.Status = "MAYBE" }, "Status"},
		{"RejectsConfirmedCancel", func(i *ics.Invite) { i.Method, i.Status = ics.MethodCancel, ics.StatusConfirmed }, "Status"},
		{"RejectsRelativeURL", func(i *ics.Invite) { i.URL = "/j/123" }, "URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			inv := validInvite()
			tt.change(&inv)
			out, err := ics.Encode(inv)
			var fe *ics.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("got output %q and error %v, want a *FieldError", out, err)
			}
			if fe.Field != tt.wantField {
				t.Errorf("Field: got %q, want %q (%v)", fe.Field, tt.wantField, err)
			}
			if !strings.Contains(err.Error(), tt.wantField) {
				t.Errorf("message %q does not name %s", err, tt.wantField)
			}
		})
	}
}

func TestUID(t *testing.T) {
	t.Parallel()

	if got, want := ics.UID("01JD4Q", "baton.example"), "meeting-01JD4Q@baton.example"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
