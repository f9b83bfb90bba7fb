package bizhours

import "time"

// wallInstant returns the first instant at which the clock in c.loc reads day
// number n at offset off from midnight, or later. This is monotonic in (n,
// off), which keeps a day's intervals ordered and disjoint as instants even
// across zone transitions. time.Date alone does not do this: it resolves a
// skipped time forwards in some zones and backwards in others, and a repeated
// time to either occurrence.
func (c *Calendar) wallInstant(n int64, off time.Duration) time.Time {
	y, m, d := civil(n)
	h, mi := int(off/time.Hour), int(off%time.Hour/time.Minute)
	t := time.Date(y, m, d, h, mi, 0, 0, c.loc)
	want := time.Date(y, m, d, h, mi, 0, 0, time.UTC)
	switch got := naive(t); {
	case got.After(want):
		// Skipped: t lies after the jump, which starts t's zone period.
		if start, _ := t.ZoneBounds(); !start.After(t) && t.Sub(start) < day {
			return start
		}
		return t // bounds unknown: keep time.Date's answer
	case got.Before(want):
		// Skipped: t lies before the jump, which ends t's zone period.
		if _, end := t.ZoneBounds(); end.After(t) && end.Sub(t) < day {
			return end
		}
		return t
	}
	// Repeated: if the clock read the same time in the previous zone period,
	// that earlier occurrence is the one we want.
	start, _ := t.ZoneBounds()
	if start.IsZero() || t.Sub(start) >= day {
		return t // offsets never change by a day, so no earlier occurrence
	}
	_, cur := t.Zone()
	_, prev := start.Add(-time.Nanosecond).Zone()
	if prev <= cur {
		return t
	}
	alt := t.Add(-time.Duration(prev-cur) * time.Second)
	if alt.Before(start) && naive(alt.In(c.loc)).Equal(want) {
		return alt
	}
	return t
}

// naive returns t's wall clock reading as if it were UTC, for comparing wall
// clock readings with each other.
func naive(t time.Time) time.Time {
	y, m, d := t.Date()
	hh, mm, ss := t.Clock()
	return time.Date(y, m, d, hh, mm, ss, t.Nanosecond(), time.UTC)
}

// dayOf returns the local day number of t.
func (c *Calendar) dayOf(t time.Time) int64 {
	y, m, d := t.In(c.loc).Date()
	return dayNumber(y, m, d)
}

// plan is one local day's working intervals, ready to map to instants.
type plan struct {
	n      int64
	ivs    []Interval // nil on a holiday
	linear bool       // no zone transition near the day: bounds are base+offset
	base   time.Time  // wallInstant(n, 0) when linear
}

// plan returns day n's plan. Most days are linear, costing one time.Date for
// the whole day; days next to a zone transition resolve each bound on its own.
func (c *Calendar) plan(n int64) plan {
	p := plan{n: n}
	if ivs := c.week[weekdayOf(n)]; len(ivs) > 0 && !c.isHoliday(n) {
		p.ivs = ivs
	}
	if len(p.ivs) == 0 {
		return p
	}
	p.base = c.wallInstant(n, 0)
	// A transition within a day before base could make the clock read this
	// day's times earlier than base+offset; one within a day after base
	// would move them. Otherwise the offset is constant and the day linear.
	start, end := p.base.ZoneBounds()
	p.linear = (start.IsZero() || !start.After(p.base.Add(-day))) &&
		(end.IsZero() || end.After(p.base.Add(day)))
	return p
}

// bounds returns the instants bounding interval i of the plan; they may be
// equal when the interval falls in a skipped hour.
func (c *Calendar) bounds(p plan, i int) (start, end time.Time) {
	iv := p.ivs[i]
	if p.linear {
		return p.base.Add(iv.Start), p.base.Add(iv.End)
	}
	return c.wallInstant(p.n, iv.Start), c.wallInstant(p.n, iv.End)
}

// actual returns the working time of day n as instants, which differs from
// the nominal time of its weekday on holidays and around zone transitions.
func (c *Calendar) actual(n int64) time.Duration {
	p := c.plan(n)
	if p.linear {
		return c.nominal[weekdayOf(n)]
	}
	var sum time.Duration
	for i := range p.ivs {
		s, e := c.bounds(p, i)
		sum += e.Sub(s)
	}
	return sum
}

// overlap returns the working time of day n that lies in [a, b).
func (c *Calendar) overlap(n int64, a, b time.Time) time.Duration {
	p := c.plan(n)
	var sum time.Duration
	for i := range p.ivs {
		s, e := c.bounds(p, i)
		if s.Before(a) {
			s = a
		}
		if e.After(b) {
			e = b
		}
		if e.After(s) {
			sum += e.Sub(s)
		}
	}
	return sum
}
