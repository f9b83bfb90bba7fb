package bizhours

import (
	"testing"
	"time"
	_ "time/tzdata" // tests never depend on the host's zoneinfo
)

const (
	h = time.Hour
	m = time.Minute
)

// fixture is what most tests need: the zones under test and calendars in them.
type fixture struct {
	ny, london, sydney *time.Location
}

func newFixture(t testing.TB) fixture {
	t.Helper()
	return fixture{
		ny:     mustLoad(t, "America/New_York"),
		london: mustLoad(t, "Europe/London"),
		sydney: mustLoad(t, "Australia/Sydney"),
	}
}

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return loc
}

func mustNew(t testing.TB, loc *time.Location, week [7][]Interval, holidays ...Date) *Calendar {
	t.Helper()
	c, err := New(loc, week, holidays)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// officeHours is Monday to Friday, 09:00-12:30 and 13:30-17:30 (7h30m a day).
var officeHours = []Interval{{9 * h, 12*h + 30*m}, {13*h + 30*m, 17*h + 30*m}}

// usHolidays are the holidays of the office calendars: New Year's Day, MLK
// Day and Christmas around 2026.
var usHolidays = []Date{
	{2025, time.December, 25}, {2026, time.January, 1}, {2026, time.January, 19},
	{2026, time.December, 25}, {2027, time.January, 1},
}

func office(t testing.TB, loc *time.Location) *Calendar {
	t.Helper()
	var week [7][]Interval
	for wd := time.Monday; wd <= time.Friday; wd++ {
		week[wd] = officeHours
	}
	return mustNew(t, loc, week, usHolidays...)
}

// smallHours is open 00:00-04:00 every day, spanning every 2026 transition
// of the zones under test.
func smallHours(t testing.TB, loc *time.Location) *Calendar {
	t.Helper()
	var week [7][]Interval
	for wd := range week {
		week[wd] = []Interval{{0, 4 * h}}
	}
	return mustNew(t, loc, week)
}

// sundays is open only on Sundays, during iv.
func sundays(t testing.TB, loc *time.Location, iv Interval) *Calendar {
	t.Helper()
	var week [7][]Interval
	week[time.Sunday] = []Interval{iv}
	return mustNew(t, loc, week)
}

// ts parses an RFC 3339 instant; offsets in tables make DST explicit.
func ts(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return v
}

// reference is a slow model of a calendar, independent of the package's
// arithmetic. It walks minute by minute, tracking the highest wall-clock
// reading seen so far, and counts a minute as working when that reading falls
// in an interval of a non-holiday. That is the package's rule ("a bound maps
// to the first instant the clock reads that time or later") restated:
// u >= first(W) exactly when the highest reading up to u is >= W.
// Inputs must be whole minutes.
type reference struct {
	loc      *time.Location
	week     [7][]Interval
	holidays map[Date]bool
}

func newReference(loc *time.Location, week [7][]Interval, holidays []Date) reference {
	r := reference{loc: loc, week: week, holidays: map[Date]bool{}}
	for _, d := range holidays {
		r.holidays[d] = true
	}
	return r
}

// working reports whether a highest-so-far wall reading w (as UTC) is inside
// working time.
func (r reference) working(w time.Time) bool {
	y, mo, d := w.Date()
	if r.holidays[Date{y, mo, d}] {
		return false
	}
	off := w.Sub(time.Date(y, mo, d, 0, 0, 0, 0, time.UTC))
	for _, iv := range r.week[w.Weekday()] {
		if off >= iv.Start && off < iv.End {
			return true
		}
	}
	return false
}

// highest returns the highest wall reading (as UTC) at instants up to u.
// Offsets change by at most an hour or so, so three hours back is enough.
func (r reference) highest(u time.Time) time.Time {
	w := naive(u.In(r.loc))
	for v := u.Add(-3 * h); v.Before(u); v = v.Add(m) {
		if x := naive(v.In(r.loc)); x.After(w) {
			w = x
		}
	}
	return w
}

// step advances the running highest reading to instant u.
func (r reference) step(w, u time.Time) time.Time {
	if x := naive(u.In(r.loc)); x.After(w) {
		return x
	}
	return w
}

func (r reference) between(a, b time.Time) time.Duration {
	var n time.Duration
	w := r.highest(a)
	for u := a; u.Before(b); u = u.Add(m) {
		w = r.step(w, u)
		if r.working(w) {
			n += m
		}
	}
	return n
}

// add returns the instant after the d/m-th working minute from t, or the
// first working minute at or after t when d is 0.
func (r reference) add(t time.Time, d time.Duration) time.Time {
	w := r.highest(t)
	for u := t; ; u = u.Add(m) {
		w = r.step(w, u)
		if !r.working(w) {
			continue
		}
		if d == 0 {
			return u.UTC()
		}
		if d -= m; d == 0 {
			return u.Add(m).UTC()
		}
	}
}
