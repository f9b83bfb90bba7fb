package prospect

import "time"

// Window is the part of the prospect's local day in which reminders go
// out, as offsets from local midnight: From <= time of day <= To.
type Window struct {
	From, To time.Duration
}

// ReminderAt returns when the reminder lead before a meeting starting at
// start should go, given the prospect's zone, the sending window and now;
// false means no reminder. The rule:
//
//  1. None when the meeting is less than lead away (start - now < lead).
//  2. The nominal moment is start - lead. When it falls inside the window
//     of the prospect's local day, that is the moment.
//  3. Otherwise the latest moment inside the window before the nominal
//     one (the window's end, the same or the previous local day), provided
//     it is not in the past and not more than twice lead before start.
//  4. Otherwise the earliest moment inside the window after the nominal one
//     (the window's start), provided it is still at least lead/2 before
//     start.
//  5. Otherwise none: the prospect is not written to at night, and a
//     reminder that late or that early would not be one.
//
// For 24 h before a 07:00 meeting with the window 08:00-20:00, the reminder
// goes at 20:00 two evenings before (35 h ahead); 1 h before it, nothing
// fits (20:00 the evening before is 11 h ahead, 08:00 is after the start),
// so there is none.
func ReminderAt(start time.Time, lead time.Duration, loc *time.Location, w Window, now time.Time) (time.Time, bool) {
	if start.Sub(now) < lead {
		return time.Time{}, false
	}
	if loc == nil {
		loc = time.UTC
	}
	nominal := start.Add(-lead).In(loc)
	midnight := time.Date(nominal.Year(), nominal.Month(), nominal.Day(), 0, 0, 0, 0, loc)
	at := func(day time.Time, off time.Duration) time.Time {
		return time.Date(day.Year(), day.Month(), day.Day(), int(off/time.Hour), int(off%time.Hour/time.Minute), 0, 0, loc)
	}
	tod := time.Duration(nominal.Hour())*time.Hour + time.Duration(nominal.Minute())*time.Minute + time.Duration(nominal.Second())*time.Second
	if tod >= w.From && tod <= w.To {
		return nominal.UTC(), true
	}
	var before, after time.Time
	if tod > w.To {
		before, after = at(midnight, w.To), at(midnight.AddDate(0, 0, 1), w.From)
	} else {
		before, after = at(midnight.AddDate(0, 0, -1), w.To), at(midnight, w.From)
	}
	if !before.Before(now) && start.Sub(before) <= 2*lead {
		return before.UTC(), true
	}
	if after.Before(start) && start.Sub(after) >= lead/2 {
		return after.UTC(), true
	}
	return time.Time{}, false
}
