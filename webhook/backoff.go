package webhook

import (
	"math/rand/v2"
	"time"
)

// The retry schedule; see Backoff.
const (
	// BackoffBase is the longest wait after the first failed attempt.
	BackoffBase = 10 * time.Second
	// BackoffCap is the longest wait Backoff returns, and the most of a
	// receiver's Retry-After that Deliver honours.
	BackoffCap = 6 * time.Hour
	// SuggestedMaxAttempts is the number of attempts (the first one
	// included) after which a worker should give up on a message: with
	// Backoff's schedule they span 23.7 hours on average.
	SuggestedMaxAttempts = 19
)

// Backoff returns how long to wait after the attempt-th attempt of a message
// failed (attempt counts from 1; Backoff(1, …) is the wait before the second
// attempt). It is exponential backoff with full jitter: a uniform draw from
// [0, ceiling], where the ceiling starts at BackoffBase, doubles with each
// attempt and stops at BackoffCap:
//
//	attempt  ceiling     attempt  ceiling
//	1        10s         7        10m40s
//	2        20s         8        21m20s
//	3        40s         9        42m40s
//	4        1m20s       10       1h25m20s
//	5        2m40s       11       2h50m40s
//	6        5m20s       12       5h41m20s
//	                     13 on    6h
//
// The ceilings of attempts 1 to 12 add up to 11h22m30s and each later attempt
// adds up to 6h. Full jitter halves the expected wait, so SuggestedMaxAttempts
// (nineteen attempts, eighteen waits) spans 23.7 hours on average, with a
// standard deviation of about 4.6 hours, and never more than 47.4 hours. Full
// jitter spreads the retries of many messages to one failed receiver evenly,
// so they do not return together when it recovers; the price is that any
// single wait can be short. Wait the longer of Backoff and Result.RetryAfter.
//
// rnd returns a float in [0, 1), as rand.Float64 does; pass a fixed function
// for a deterministic schedule, or nil to draw from math/rand/v2. Values
// outside [0, 1] are clamped. An attempt below 1 counts as 1.
func Backoff(attempt int, rnd func() float64) time.Duration {
	ceiling := backoffCeiling(attempt)
	var r float64
	if rnd != nil {
		r = rnd()
	} else {
		r = rand.Float64()
	}
	switch {
	case !(r >= 0): // negative or NaN
		r = 0
	case r > 1:
		r = 1
	}
	return time.Duration(r * float64(ceiling))
}

// backoffCeiling is min(BackoffCap, BackoffBase·2^(attempt-1)), without
// overflowing for large attempts.
func backoffCeiling(attempt int) time.Duration {
	shift := max(attempt, 1) - 1
	if shift >= 63 || BackoffBase > BackoffCap>>shift {
		return BackoffCap
	}
	return BackoffBase << shift
}
