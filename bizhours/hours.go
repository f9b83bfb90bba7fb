package bizhours

import (
	"math"
	"slices"
	"time"
)

// maxDuration is where Between saturates.
const maxDuration = time.Duration(math.MaxInt64)

// IsWorking reports whether t is working time: inside an interval, start
// inclusive and end exclusive, on a day that is not a holiday.
func (c *Calendar) IsWorking(t time.Time) bool {
	if c == nil || !c.limited {
		return true
	}
	n := c.dayOf(t)
	for m := n - 1; m <= n+1; m++ {
		p := c.plan(m)
		for i := range p.ivs {
			if s, e := c.bounds(p, i); !t.Before(s) && t.Before(e) {
				return true
			}
		}
	}
	return false
}

// NextWorking returns t, in UTC, if it is working time, and otherwise the
// start of the next working interval.
func (c *Calendar) NextWorking(t time.Time) time.Time {
	if c == nil || !c.limited {
		return t.UTC()
	}
	// Ends: every week has working time and holidays are finite.
	for n := c.dayOf(t) - 1; ; n++ {
		p := c.plan(n)
		for i := range p.ivs {
			s, e := c.bounds(p, i)
			if !e.After(s) || !e.After(t) {
				continue
			}
			if s.After(t) {
				return s.UTC()
			}
			return t.UTC()
		}
	}
}

// Add returns, in UTC, the instant at which d of working time has elapsed
// after t: the earliest u with Between(t, u) == d. Counting starts at t if it
// is working time, else at NextWorking(t). A deadline that falls exactly at
// the end of an interval is that end, not the start of the next interval.
// Add(t, 0) is NextWorking(t), and a negative d counts as 0, so Add never
// moves backwards and is monotonic in d.
func (c *Calendar) Add(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return c.NextWorking(t)
	}
	if c == nil || !c.limited {
		return t.Add(d).UTC()
	}
	r := d // working time still to elapse; stays > 0 until we return

	// The days around t: clip at t. Later days lie wholly after t.
	n0 := c.dayOf(t)
	for n := n0 - 1; n <= n0+1; n++ {
		p := c.plan(n)
		for i := range p.ivs {
			s, e := c.bounds(p, i)
			if !e.After(t) {
				continue
			}
			if s.Before(t) {
				s = t
			}
			l := e.Sub(s)
			if r <= l {
				return s.Add(r).UTC()
			}
			r -= l
		}
	}
	n := n0 + 2

	// Skip whole weeks: k weeks hold at most k nominal weeks, plus any hour
	// gained where the clock falls back inside working time, so try one week
	// fewer than r needs and halve on the rare overshoot.
	for r > 2*c.weekly {
		k := int64(r/c.weekly) - 1
		for ; k > 0; k /= 2 {
			if s := c.sumDays(n, n+7*k); s < r {
				r -= s
				n += 7 * k
				break
			}
		}
		if k == 0 {
			break
		}
	}
	for {
		s := c.sumDays(n, n+7)
		if s >= r {
			break
		}
		r -= s
		n += 7
	}
	for {
		s := c.actual(n)
		if s >= r {
			break
		}
		r -= s
		n++
	}
	p := c.plan(n)
	var s, e time.Time
	for i := range p.ivs {
		s, e = c.bounds(p, i)
		if l := e.Sub(s); r > l {
			r -= l
			continue
		}
		break
	}
	// actual(n) >= r, so the loop stopped inside the right interval.
	return s.Add(r).UTC()
}

// Between returns the working time in [a, b), or 0 if b is not after a. It
// saturates at the largest time.Duration.
func (c *Calendar) Between(a, b time.Time) time.Duration {
	a, b = a.Round(0), b.Round(0) // compare wall clocks, as the rest does
	if !b.After(a) {
		return 0
	}
	if c == nil || !c.limited {
		return b.Sub(a)
	}
	na, nb := c.dayOf(a)-1, c.dayOf(b)+1
	var sum time.Duration
	if nb-na < 8 {
		for n := na; n <= nb; n++ {
			sum += c.overlap(n, a, b)
		}
		return sum
	}
	// Clip only the days around a and b; the days between lie wholly inside.
	for i := int64(0); i < 3; i++ {
		sum += c.overlap(na+i, a, b) + c.overlap(nb-i, a, b)
	}
	return addSat(sum, c.sumDays(na+3, nb-2))
}

// sumDays returns the working time of days [n0, n1): nominal weeks by
// multiplication, corrected day by day only for holidays and days near a
// zone transition.
func (c *Calendar) sumDays(n0, n1 int64) time.Duration {
	if n1 <= n0 {
		return 0
	}
	weeks, rem := (n1-n0)/7, (n1-n0)%7
	if weeks > int64(maxDuration/c.weekly) {
		return maxDuration
	}
	sum := time.Duration(weeks) * c.weekly
	for n := n1 - rem; n < n1; n++ {
		sum = addSat(sum, c.nominal[weekdayOf(n)])
	}
	return addSat(sum, c.corrections(n0, n1))
}

// corrections returns how far the actual working time of days [n0, n1)
// differs from nominal: a holiday loses its weekday's time and a day next to
// a zone transition may lose or gain some. Each such day counts once.
func (c *Calendar) corrections(n0, n1 int64) time.Duration {
	lo, _ := slices.BinarySearch(c.holidays, n0)
	hi, _ := slices.BinarySearch(c.holidays, n1)
	hs := c.holidays[lo:hi]
	var corr time.Duration
	next := n0 // days before next are accounted for
	t := time.Unix((n0-3)*86400, 0).In(c.loc)
	limit := time.Unix((n1+3)*86400, 0)
	for {
		_, end := t.ZoneBounds()
		if end.IsZero() || !end.Before(limit) {
			break
		}
		if !end.After(t) {
			// Past a zone's transition table, Go's TZ-rule lookup can report
			// an end at or before t on 31 December of a leap year
			// (golang/go#81583). Step a day, treating it as a transition:
			// visiting a few extra days exactly costs nothing in accuracy.
			end = t.Add(day)
		}
		t = end
		m := c.dayOf(end)
		from, to := max(m-2, next), min(m+2, n1-1)
		for len(hs) > 0 && hs[0] < from {
			corr -= c.nominal[weekdayOf(hs[0])]
			hs = hs[1:]
		}
		for n := from; n <= to; n++ {
			corr += c.actual(n) - c.nominal[weekdayOf(n)]
		}
		next = max(next, to+1)
		for len(hs) > 0 && hs[0] < next {
			hs = hs[1:]
		}
	}
	for _, h := range hs {
		corr -= c.nominal[weekdayOf(h)]
	}
	return corr
}

// addSat returns a+b, saturating at the bounds of time.Duration.
func addSat(a, b time.Duration) time.Duration {
	s := a + b
	switch {
	case a > 0 && b > 0 && s < 0:
		return maxDuration
	case a < 0 && b < 0 && s >= 0:
		return math.MinInt64
	}
	return s
}
