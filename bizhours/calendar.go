package bizhours

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// ErrInvalid is wrapped by every error that New and Weekdays return, so a
// caller can report a bad schedule as invalid input with errors.Is.
var ErrInvalid = errors.New("bizhours: invalid calendar")

// Calendar is a weekly schedule of working intervals in one time zone, less
// a list of holidays. Build one with New, Weekdays or AlwaysOpen; a nil or
// zero Calendar is always open. A Calendar is immutable and safe for
// concurrent use.
type Calendar struct {
	// limited is false for a calendar that is open at every instant, so that
	// the zero value is usable and Add is plain addition.
	limited  bool
	loc      *time.Location
	week     [7][]Interval
	nominal  [7]time.Duration // wall-clock working time per weekday
	weekly   time.Duration    // sum of nominal, > 0 when limited
	holidays []int64          // day numbers, sorted and unique
}

// New builds a calendar for loc from week, indexed by time.Weekday (week[0]
// is Sunday), and holidays, which are local dates in loc. Each weekday's
// intervals must be valid (see Interval), sorted and non-overlapping;
// touching intervals are allowed. A weekday with no intervals has no working
// time. The week must contain some working time. Errors wrap ErrInvalid and
// name the weekday and interval, or the holiday, at fault. New copies its
// arguments.
func New(loc *time.Location, week [7][]Interval, holidays []Date) (*Calendar, error) {
	if loc == nil {
		return nil, fmt.Errorf("%w: nil location", ErrInvalid)
	}
	c := &Calendar{limited: true, loc: loc}
	for wd := range week {
		ivs := week[wd]
		for i, iv := range ivs {
			if err := iv.validate(); err != nil {
				return nil, fmt.Errorf("%w: %v[%d] (%v): %v", ErrInvalid, time.Weekday(wd), i, iv, err)
			}
			if i > 0 && iv.Start < ivs[i-1].End {
				return nil, fmt.Errorf("%w: %v[%d] (%v): starts before %v[%d] (%v) ends",
					ErrInvalid, time.Weekday(wd), i, iv, time.Weekday(wd), i-1, ivs[i-1])
			}
			c.nominal[wd] += iv.End - iv.Start
		}
		c.week[wd] = slices.Clone(ivs)
		c.weekly += c.nominal[wd]
	}
	if c.weekly == 0 {
		return nil, fmt.Errorf("%w: no working time in the week", ErrInvalid)
	}
	c.holidays = make([]int64, 0, len(holidays))
	for i, h := range holidays {
		if !h.valid() {
			return nil, fmt.Errorf("%w: holiday %d (%v): not a valid date", ErrInvalid, i, h)
		}
		c.holidays = append(c.holidays, dayNumber(h.Year, h.Month, h.Day))
	}
	slices.Sort(c.holidays)
	c.holidays = slices.Compact(c.holidays)
	if c.weekly == 7*day && len(c.holidays) == 0 {
		// Intervals that fill every day leave no instant outside working
		// time, whatever the zone does to the clock.
		c.limited = false
	}
	return c, nil
}

// AlwaysOpen returns a calendar that is open around the clock with no
// holidays, for tiers that run 24x7: Add is plain addition and Between is
// plain subtraction.
func AlwaysOpen() *Calendar {
	return &Calendar{}
}

// Weekdays returns a calendar for loc open Monday to Friday during the same
// intervals each day, with no holidays. Use New for anything else.
func Weekdays(loc *time.Location, intervals ...Interval) (*Calendar, error) {
	var week [7][]Interval
	for wd := time.Monday; wd <= time.Friday; wd++ {
		week[wd] = intervals
	}
	return New(loc, week, nil)
}

// isHoliday reports whether day number n is a holiday.
func (c *Calendar) isHoliday(n int64) bool {
	_, found := slices.BinarySearch(c.holidays, n)
	return found
}

// DayLength returns the working time of an average working day in the
// week: what "one business day" means on this calendar. An always-open
// calendar's day is 24 hours.
func (c *Calendar) DayLength() time.Duration {
	if c == nil || !c.limited {
		return 24 * time.Hour
	}
	days := 0
	for _, d := range c.nominal {
		if d > 0 {
			days++
		}
	}
	return c.weekly / time.Duration(days)
}
