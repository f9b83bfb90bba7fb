package bizhours

import (
	"fmt"
	"time"
)

// day is the length of a nominal local day, the largest valid Interval.End.
const day = 24 * time.Hour

// Interval is a span of working time within a local day, as offsets from
// local midnight: Start inclusive, End exclusive. Both are whole minutes in
// [0, 24h] with Start < End; End may be 24h to run to midnight.
type Interval struct {
	Start, End time.Duration
}

// String formats the interval as "09:00-12:30".
func (iv Interval) String() string {
	return clockString(iv.Start) + "-" + clockString(iv.End)
}

// clockString formats an offset from midnight as hh:mm, falling back to the
// Duration form for offsets that are not a time of day.
func clockString(d time.Duration) string {
	if d < 0 || d > day || d%time.Minute != 0 {
		return d.String()
	}
	return fmt.Sprintf("%02d:%02d", d/time.Hour, d%time.Hour/time.Minute)
}

// validate checks one interval on its own; New checks order and overlap.
func (iv Interval) validate() error {
	switch {
	case iv.Start < 0 || iv.Start > day:
		return fmt.Errorf("start %v is outside [0, 24h]", iv.Start)
	case iv.End < 0 || iv.End > day:
		return fmt.Errorf("end %v is outside [0, 24h]", iv.End)
	case iv.Start%time.Minute != 0 || iv.End%time.Minute != 0:
		return fmt.Errorf("bounds must be whole minutes")
	case iv.Start >= iv.End:
		return fmt.Errorf("start is not before end")
	}
	return nil
}
