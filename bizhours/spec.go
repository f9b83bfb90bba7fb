package bizhours

import (
	"fmt"
	"strings"
	"time"
)

var dayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// ParseWeek parses a weekly schedule written as day ranges and intervals,
// separated by semicolons: "mon-fri 09:00-12:30,13:30-17:30; sat 10:00-14:00".
// Days are three-letter English names; a range wraps (fri-mon). A day named
// twice is an error. "24x7" means always open.
func ParseWeek(spec string) ([7][]Interval, error) {
	var week [7][]Interval
	spec = strings.ToLower(strings.TrimSpace(spec))
	if spec == "24x7" {
		for d := range week {
			week[d] = []Interval{{Start: 0, End: 24 * time.Hour}}
		}
		return week, nil
	}
	if spec == "" {
		return week, fmt.Errorf("empty schedule: expected e.g. \"mon-fri 09:00-17:00\"")
	}
	seen := [7]bool{}
	for _, part := range strings.Split(spec, ";") {
		part = strings.TrimSpace(part)
		days, hours, ok := strings.Cut(part, " ")
		if !ok {
			return week, fmt.Errorf("%q: expected days then hours, e.g. \"mon-fri 09:00-17:00\"", part)
		}
		from, to, isRange := strings.Cut(days, "-")
		d0, ok0 := dayNames[from]
		d1 := d0
		ok1 := true
		if isRange {
			d1, ok1 = dayNames[to]
		}
		if !ok0 || !ok1 {
			return week, fmt.Errorf("%q: unknown day (use mon, tue, wed, thu, fri, sat, sun)", days)
		}
		var ivs []Interval
		for _, span := range strings.Split(strings.TrimSpace(hours), ",") {
			a, b, ok := strings.Cut(strings.TrimSpace(span), "-")
			start, err1 := clock(a)
			end, err2 := clock(b)
			if !ok || err1 != nil || err2 != nil {
				return week, fmt.Errorf("%q: hours must look like 09:00-17:30", span)
			}
			ivs = append(ivs, Interval{Start: start, End: end})
		}
		for d := d0; ; d = (d + 1) % 7 {
			if seen[d] {
				return week, fmt.Errorf("%s is given twice", d)
			}
			seen[d] = true
			week[d] = ivs
			if d == d1 {
				break
			}
		}
	}
	return week, nil
}

func clock(s string) (time.Duration, error) {
	if s == "24:00" {
		return 24 * time.Hour, nil
	}
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, err
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// ParseCalendar builds a calendar from a ParseWeek schedule in the named IANA
// zone, with holidays.
func ParseCalendar(spec, zone string, holidays []Date) (*Calendar, error) {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", zone, err)
	}
	week, err := ParseWeek(spec)
	if err != nil {
		return nil, err
	}
	return New(loc, week, holidays)
}
