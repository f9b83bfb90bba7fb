// Package sla is the clock math of handoffs: deadlines by tier, in business
// or around-the-clock time, the escalation ladder's due instants, and how
// a pause moves them. It is pure: no clock, no I/O.
package sla

import (
	"slices"
	"time"

	"github.com/batonhq/baton/bizhours"
	"github.com/batonhq/baton/playbook"
)

// Clock counts SLA time: business time on a calendar, or wall-clock time.
type Clock struct {
	Cal            *bizhours.Calendar
	AroundTheClock bool
}

// ClockFor returns the clock of a tier on a team's calendar.
func ClockFor(tier *playbook.Tier, cal *bizhours.Calendar) Clock {
	return Clock{Cal: cal, AroundTheClock: tier == nil || tier.Clock == playbook.ClockAroundTheClock || cal == nil}
}

// Span converts a configured duration to SLA time. On a business clock
// whole days are business days (the calendar's working day each), so "1d"
// from Wednesday 10:00 is Thursday 10:00 and "4h" is four working hours.
func (c Clock) Span(d time.Duration) time.Duration {
	if c.AroundTheClock {
		return d
	}
	days := d / (24 * time.Hour)
	return days*c.Cal.DayLength() + d%(24*time.Hour)
}

// Add returns the instant d of SLA time after t.
func (c Clock) Add(t time.Time, d time.Duration) time.Time {
	if c.AroundTheClock {
		return t.Add(d).UTC()
	}
	return c.Cal.Add(t, d)
}

// Between returns the SLA time elapsed from a to b.
func (c Clock) Between(a, b time.Time) time.Duration {
	if c.AroundTheClock {
		return max(b.Sub(a), 0)
	}
	return c.Cal.Between(a, b)
}

// Step is one due rung of a ladder.
type Step struct {
	Index  int
	Action string
	Due    time.Time
	// Merged lists the indexes of earlier rungs that lost their moment to
	// this one (see InOrder), in ladder order.
	Merged []int
}

// InOrder keeps the rungs of a ladder that fire in ladder order. A rung
// whose due instant is not before that of a later rung (a reminder
// deferred to its recipient's working hours past the deadline, say) has
// lost its moment: it is dropped and its index merged into the first
// later rung to fire, so nothing is ever sent after a later rung. The
// steps are in ladder order; so is the result.
func InOrder(steps []Step) []Step {
	kept := make([]Step, 0, len(steps))
	first := -1 // index in kept (reversed) of the earliest later rung
	for i := len(steps) - 1; i >= 0; i-- {
		st := steps[i]
		st.Merged = append([]int(nil), st.Merged...)
		if first >= 0 && !st.Due.Before(kept[first].Due) {
			kept[first].Merged = append([]int{st.Index}, kept[first].Merged...)
			continue
		}
		kept = append(kept, st)
		first = len(kept) - 1
	}
	slices.Reverse(kept)
	return kept
}

// Repeat returns when a rung that fired at t repeats, every d of SLA time
// (whole days are working days on a business clock).
func (c Clock) Repeat(t time.Time, d time.Duration) time.Time {
	return c.Add(t, c.Span(d))
}

// Plan is the clocks of one assignment.
type Plan struct {
	AcceptBy, FirstTouchBy time.Time
	Ladder                 []Step
}

// MinLead is the shortest deadline a handoff is ever given after assignment.
const MinLead = 30 * time.Minute

// Assignment plans the clocks of an assignment at now: the accept and first
// touch deadlines of the tier (overridden by the type), or, for types due
// before a meeting, a fixed time before it (never less than MinLead away,
// or half the time to the meeting when that is shorter); and the ladder's
// due instants, at fractions of the accept SLA or offsets past it.
func Assignment(h *playbook.HandoffType, tier *playbook.Tier, c Clock, now, meetingStart time.Time) Plan {
	accept, touch := time.Duration(tier.Accept), time.Duration(tier.FirstTouch)
	if h.SLA > 0 {
		accept = time.Duration(h.SLA)
		touch = max(touch, accept)
	}
	if h.FirstTouch > 0 {
		touch = time.Duration(h.FirstTouch)
	}
	accept, touch = c.Span(accept), c.Span(touch)
	p := Plan{AcceptBy: c.Add(now, accept), FirstTouchBy: c.Add(now, touch)}
	if h.BeforeMeeting > 0 && !meetingStart.IsZero() {
		due := meetingStart.Add(-time.Duration(h.BeforeMeeting))
		if lead := meetingStart.Sub(now) / 2; due.Before(now.Add(min(MinLead, lead))) {
			due = now.Add(max(min(MinLead, lead), time.Minute))
		}
		p.AcceptBy, p.FirstTouchBy = due.UTC(), due.UTC()
		// A fixed deadline: the ladder runs in wall-clock time towards it.
		c = Clock{AroundTheClock: true}
		accept = due.Sub(now)
	}
	for i, st := range tier.Ladder {
		var due time.Time
		if st.Fraction > 0 {
			if h.BeforeMeeting > 0 && !meetingStart.IsZero() {
				due = now.Add(time.Duration(st.Fraction * float64(accept)))
			} else {
				due = c.Add(now, time.Duration(st.Fraction*float64(accept)))
			}
		} else {
			due = c.Add(p.AcceptBy, c.Span(time.Duration(st.After)))
		}
		p.Ladder = append(p.Ladder, Step{Index: i, Action: st.Action, Due: due.UTC()})
	}
	return p
}

// Resume moves a deadline set before a pause that began at pausedAt, for a
// resumption at now: the SLA time that was left at the pause is left again.
// Deadlines already past at the pause are moved by the paused time too, so
// the order of the steps is kept.
func (c Clock) Resume(deadline, pausedAt, now time.Time) time.Time {
	if !now.After(pausedAt) {
		return deadline
	}
	if deadline.After(pausedAt) {
		return c.Add(now, c.Between(pausedAt, deadline))
	}
	return deadline.Add(now.Sub(pausedAt)).UTC()
}
