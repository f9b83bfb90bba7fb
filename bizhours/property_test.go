package bizhours

import (
	"math/rand/v2"
	"testing"
	"time"
)

// zoneCase is a calendar under property test, with the instants where its
// zone changes offset so random instants can cluster around them.
type zoneCase struct {
	name        string
	loc         *time.Location
	week        [7][]Interval
	holidays    []Date
	cal         *Calendar
	transitions []time.Time
}

// propertyZones returns, for each zone, a calendar with lunch breaks, an empty
// weekday, intervals bounded inside the hours that zones skip or repeat, and
// holidays including days next to transitions.
func propertyZones(t testing.TB) []zoneCase {
	t.Helper()
	var week [7][]Interval
	// Sunday and Saturday bounds fall inside the hours that each zone skips
	// or repeats (Santiago's at midnight, Lord Howe's half hours at 02:00).
	week[time.Sunday] = []Interval{{30 * m, 90 * m}, {105 * m, 135 * m}, {150 * m, 210 * m}}
	for wd := time.Monday; wd <= time.Friday; wd++ {
		week[wd] = officeHours
	}
	week[time.Wednesday] = nil
	week[time.Friday] = append(officeHours[:2:2], Interval{23 * h, 24 * h})
	week[time.Saturday] = []Interval{{0, 2*h + 30*m}, {22 * h, 23*h + 30*m}}
	holidays := append([]Date{
		{2026, time.March, 9}, {2026, time.March, 30}, {2026, time.April, 6},
		{2026, time.October, 5}, {2026, time.October, 26}, {2026, time.November, 2},
		{2027, time.March, 13}, {2027, time.March, 14},
	}, usHolidays...)

	var zs []zoneCase
	for _, name := range []string{
		"America/New_York", "Europe/London", "Australia/Sydney",
		"Australia/Lord_Howe", // half-hour transitions
		"America/Santiago",    // transitions at midnight
		"Asia/Kolkata", "UTC",
	} {
		loc := mustLoad(t, name)
		zs = append(zs, zoneCase{
			name: name, loc: loc, week: week, holidays: holidays,
			cal:         mustNew(t, loc, week, holidays...),
			transitions: transitions(loc, ts(t, "1995-01-01T00:00:00Z"), ts(t, "2060-01-01T00:00:00Z")),
		})
	}
	return zs
}

// transitions lists the instants in [from, to) where loc changes zone.
func transitions(loc *time.Location, from, to time.Time) []time.Time {
	var out []time.Time
	for t := from.In(loc); ; {
		_, end := t.ZoneBounds()
		if end.IsZero() || !end.Before(to) {
			return out
		}
		if !end.After(t) { // golang/go#81583, see corrections
			t = t.Add(24 * h)
			continue
		}
		out = append(out, end)
		t = end
	}
}

// randInstant returns an instant, half the time within three days of a zone
// transition in 1995-2060, else in mid 2025 to mid 2028 where the holidays
// are, or (one time in eight) in 2036-2060, where zones run on their TZ rule
// rather than their transition table. Instants are whole minutes when
// minutes is set, for the reference model.
func (z zoneCase) randInstant(r *rand.Rand, minutes bool) time.Time {
	var t time.Time
	switch n := r.IntN(8); {
	case n < 4 && len(z.transitions) > 0:
		tr := z.transitions[r.IntN(len(z.transitions))]
		t = tr.Add(time.Duration(r.Int64N(int64(6*24*h))) - 3*24*h)
	case n == 7:
		t = time.Date(2036, time.January, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.Int64N(int64(24 * 365 * 24 * h))))
	default:
		t = time.Date(2025, time.June, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.Int64N(int64(3 * 365 * 24 * h))))
	}
	if minutes {
		t = t.Truncate(m)
	}
	return t.In(z.loc)
}

// randDuration returns a working duration up to limit, often small.
func randDuration(r *rand.Rand, limit time.Duration) time.Duration {
	switch r.IntN(4) {
	case 0:
		return time.Duration(r.Int64N(int64(4*h))) + 1
	case 1:
		return time.Duration(r.Int64N(int64(limit))) + 1
	case 2:
		return time.Duration(r.Int64N(int64(limit)/int64(m))+1) * m
	default:
		return time.Duration(r.Int64N(int64(8*h)/int64(m))+1) * m
	}
}

func TestProperties(t *testing.T) {
	t.Parallel()
	for i, z := range propertyZones(t) {
		t.Run(z.name, func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(2026, uint64(i)))
			c := z.cal
			n := 2000
			if raceEnabled {
				n = 200
			}
			for range n {
				start := z.randInstant(r, false)
				d1 := randDuration(r, 60*24*h)
				d2 := randDuration(r, 60*24*h)
				u1 := c.Add(start, d1)

				// Round trip: Add finds exactly d of working time.
				if got := c.Between(start, u1); got != d1 {
					t.Fatalf("Between(%v, Add(%v, %v) = %v): got %v, want %v", start, start, d1, u1, got, d1)
				}
				// Add is the earliest such instant: just before it, less has elapsed.
				if got := c.Between(start, u1.Add(-1)); got != d1-1 {
					t.Fatalf("Between(%v, %v - 1ns): got %v, want %v", start, u1, got, d1-1)
				}
				// Monotonic in d.
				lo, hi := min(d1, d2), max(d1, d2)
				if a, b := c.Add(start, lo), c.Add(start, hi); a.After(b) {
					t.Fatalf("Add(%v, %v) = %v after Add(%v, %v) = %v: got later, want no later", start, lo, a, start, hi, b)
				}
				// Composition: Add(Add(t, d1), d2) == Add(t, d1+d2) for d2 > 0.
				if got, want := c.Add(u1, d2), c.Add(start, d1+d2); !got.Equal(want) {
					t.Fatalf("Add(Add(%v, %v), %v): got %v, want %v", start, d1, d2, got, want)
				}
				// Counting starts at the next working instant.
				nw := c.NextWorking(start)
				if got := c.Add(nw, d1); !got.Equal(u1) {
					t.Fatalf("Add(NextWorking(%v) = %v, %v): got %v, want %v", start, nw, d1, got, u1)
				}
				if got := c.Add(start, 0); !got.Equal(nw) {
					t.Fatalf("Add(%v, 0): got %v, want NextWorking %v", start, got, nw)
				}
				// NextWorking is idempotent, lands on working time and skips none.
				if got := c.NextWorking(nw); !got.Equal(nw) {
					t.Fatalf("NextWorking(NextWorking(%v) = %v): got %v, want %v", start, nw, got, nw)
				}
				if !c.IsWorking(nw) {
					t.Fatalf("IsWorking(NextWorking(%v) = %v): got false, want true", start, nw)
				}
				if got := c.Between(start, nw); got != 0 {
					t.Fatalf("Between(%v, NextWorking = %v): got %v, want 0", start, nw, got)
				}
				if got := c.IsWorking(start); got != nw.Equal(start) {
					t.Fatalf("IsWorking(%v): got %v, want %v (NextWorking %v)", start, got, !got, nw)
				}
				if next := c.NextWorking(u1); !c.NextWorking(next).Equal(next) {
					t.Fatalf("NextWorking(NextWorking(Add(%v, %v))): got %v, want %v", start, d1, c.NextWorking(next), next)
				}
				// Additivity over three instants, up to two years apart so
				// both the day walk and the week arithmetic run.
				a, b, cc := sorted3(start, z.randInstant(r, false), z.randInstant(r, false))
				if got, want := c.Between(a, b)+c.Between(b, cc), c.Between(a, cc); got != want {
					t.Fatalf("Between(%v, %v) + Between(%v, %v): got %v, want Between(%v, %v) = %v", a, b, b, cc, got, a, cc, want)
				}
			}
		})
	}
}

func sorted3(a, b, c time.Time) (time.Time, time.Time, time.Time) {
	if b.Before(a) {
		a, b = b, a
	}
	if c.Before(b) {
		b, c = c, b
	}
	if b.Before(a) {
		a, b = b, a
	}
	return a, b, c
}

// TestAgreesWithReference checks the closed form against a minute-by-minute
// model, mostly around zone transitions.
func TestAgreesWithReference(t *testing.T) {
	t.Parallel()
	for i, z := range propertyZones(t) {
		t.Run(z.name, func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(1234, uint64(i)))
			ref := newReference(z.loc, z.week, z.holidays)
			n := 150
			if testing.Short() || raceEnabled {
				n = 30
			}
			for range n {
				start := z.randInstant(r, true)
				d := time.Duration(r.Int64N(int64(24*h)/int64(m))) * m
				if got, want := z.cal.Add(start, d), ref.add(start, d); !got.Equal(want) {
					t.Fatalf("Add(%v, %v): got %v, want %v", start, d, got, want)
				}
				end := start.Add(time.Duration(r.Int64N(int64(5*24*h)/int64(m))) * m)
				if got, want := z.cal.Between(start, end), ref.between(start, end); got != want {
					t.Fatalf("Between(%v, %v): got %v, want %v", start, end, got, want)
				}
				if got, want := z.cal.IsWorking(start), ref.working(ref.highest(start)); got != want {
					t.Fatalf("IsWorking(%v): got %v, want %v", start, got, want)
				}
			}
		})
	}
}

// TestLongSpansAgreeWithReference checks the week arithmetic across a year,
// with its holidays and both transitions, and across the end of 2040, a leap
// year served by the zones' TZ rules, against the reference model.
func TestLongSpansAgreeWithReference(t *testing.T) {
	if testing.Short() {
		t.Skip("minute-by-minute over a year")
	}
	t.Parallel()
	for _, z := range propertyZones(t)[:3] {
		t.Run(z.name, func(t *testing.T) {
			t.Parallel()
			ref := newReference(z.loc, z.week, z.holidays)
			for _, span := range [][2]time.Time{
				{time.Date(2026, time.January, 1, 0, 7, 0, 0, z.loc), time.Date(2027, time.January, 3, 23, 53, 0, 0, z.loc)},
				{time.Date(2040, time.September, 1, 0, 0, 0, 0, z.loc), time.Date(2041, time.January, 15, 0, 0, 0, 0, z.loc)},
			} {
				a, b := span[0], span[1]
				want := ref.between(a, b)
				if got := z.cal.Between(a, b); got != want {
					t.Fatalf("Between(%v, %v): got %v, want %v", a, b, got, want)
				}
				if got, want := z.cal.Add(a, want), ref.add(a, want); !got.Equal(want) {
					t.Fatalf("Add(%v, %v): got %v, want %v", a, want, got, want)
				}
			}
		})
	}
}
