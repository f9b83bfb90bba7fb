// Package baton is the domain of Baton, a handoff engine for revenue teams.
//
// It holds the words of the product (signals, accounts, contacts, users,
// handoffs, meetings, timers, messages), their rules and errors, the Clock,
// and the interfaces the core needs from the outside (the Store). It does no
// I/O and imports nothing else of the project: engines, the service and the
// adapters depend on it, never the other way round.
package baton

import "time"

// Clock tells the time. Everything time-based reads a Clock so that tests and
// the demo can move time by hand and run a week of SLA clocks in a second.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock, in UTC.
type SystemClock struct{}

// Now returns the current instant in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }

// OffsetClock is the wall clock shifted by Offset. Drills and tests use it to
// start a server "later" and watch it catch up on overdue timers.
type OffsetClock struct {
	Offset time.Duration
}

// Now returns the shifted instant in UTC.
func (c OffsetClock) Now() time.Time { return time.Now().UTC().Add(c.Offset) }
