package bizhours

import (
	"fmt"
	"time"
)

// Date is a civil date in a calendar's time zone, used for holidays: a
// holiday is the whole local day, with no working time.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// String formats the date as "2026-12-25".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// valid reports whether d names a real day of the proleptic Gregorian calendar.
func (d Date) valid() bool {
	if d.Month < time.January || d.Month > time.December || d.Day < 1 {
		return false
	}
	last := time.Date(d.Year, d.Month+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return d.Day <= last
}

// dayNumber returns the count of days from 1970-01-01 to the civil date
// y-m-d. Day numbers make "the next day" and "the same weekday next week"
// plain integer arithmetic, free of time zones.
func dayNumber(y int, m time.Month, d int) int64 {
	return floorDiv(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix(), 86400)
}

// civil is the inverse of dayNumber.
func civil(n int64) (int, time.Month, int) {
	return time.Unix(n*86400, 0).UTC().Date()
}

// weekdayOf returns the weekday of day number n (day 0 was a Thursday).
func weekdayOf(n int64) time.Weekday {
	return time.Weekday((n%7 + 7 + int64(time.Thursday)) % 7)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
