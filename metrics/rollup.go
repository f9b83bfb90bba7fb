package metrics

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/batonhq/baton"
)

// Rollups: the dashboard's figures kept per UTC day of creation, so a
// window of any length reads a few rows per day instead of folding every
// event. A store keeps one RollupHandoff per handoff (what the next event
// needs to know) and sums RollupDeltas into rows keyed by (day, metric,
// key, bucket), in the same transaction as each event; RebuildRollups
// recomputes both from the log with the same Apply, so the rollups are a
// cache of the log, never a second truth.
//
// Durations go into buckets: a duration is rounded to two significant
// digits of milliseconds (values under 100 ms stay exact), so a percentile
// read from the buckets is within 5% of the exact nearest-rank value, and
// exact when the durations have two significant digits (whole minutes up
// to 99, whole hours up to 99, ...). A day holds at most 90 buckets per
// decade of durations.

// Rollup metrics (RollupDelta.Metric).
const (
	RollupType         = "type"          // handoffs by type
	RollupTypeBreached = "type_breached" // breached handoffs by type
	RollupTier         = "tier"          // handoffs by starting tier
	RollupTierBreached = "tier_breached" // breached handoffs by tier
	RollupRejected     = "rejected"      // handoffs rejected at least once
	RollupOwner        = "owner"         // handoffs by current owner
	RollupComplete     = "completeness"  // by CompletenessBuckets index (key); "unscored" key when none
	RollupAccept       = "accept"        // time to accept, bucket in ms
	RollupFirstTouch   = "first_touch"   // time to first touch, bucket in ms
)

// unscoredKey is the RollupComplete key of handoffs created without a score.
const unscoredKey = "unscored"

// RollupDelta is one change to a rollup row: add N to (Day, Metric, Key,
// Bucket). Day is the UTC day number (days since 1970-01-01) the handoff
// was created.
type RollupDelta struct {
	Day    int64
	Metric string
	Key    string
	Bucket int64
	N      int64
}

// RollupHandoff is what the rollups remember of one handoff between its
// events. The zero value is a handoff whose created event has not been seen.
type RollupHandoff struct {
	Day           int64  `json:"day"`
	Type          string `json:"type"`
	Tier          string `json:"tier"`
	Owner         string `json:"owner"`
	Created       bool   `json:"created"`
	AssignedMS    int64  `json:"assigned_ms,omitempty"`
	Accepted      bool   `json:"accepted,omitempty"`
	Touched       bool   `json:"touched,omitempty"`
	Breached      bool   `json:"breached,omitempty"`
	Rejected      bool   `json:"rejected,omitempty"`
	PausedSinceMS int64  `json:"paused_since_ms,omitempty"`
	PausedMS      int64  `json:"paused_ms,omitempty"`
}

// UTCDay is the day number of t.
func UTCDay(t time.Time) int64 { return int64(math.Floor(float64(t.UnixMilli()) / 86_400_000)) }

// DayStart is the instant day begins.
func DayStart(day int64) time.Time { return time.UnixMilli(day * 86_400_000).UTC() }

// DurationBucket is the bucket of a duration: its milliseconds rounded to
// two significant digits (within 5%).
func DurationBucket(d time.Duration) int64 {
	ms := d.Milliseconds()
	if ms < 0 {
		return -DurationBucket(-d)
	}
	if ms < 100 {
		return ms
	}
	p := int64(1)
	for ms/p >= 100 {
		p *= 10
	}
	return (ms + p/2) / p * p
}

// Apply folds one event into h, returning the rollup changes it makes. It
// returns an error, and changes nothing, when a payload does not decode.
// Events of a handoff must come in log order.
func (h *RollupHandoff) Apply(e *baton.Event) ([]RollupDelta, error) {
	if e.Kind == baton.EventCreated {
		if h.Created {
			return nil, nil // a second created event: the first one counts
		}
		d, err := baton.DecodeEventData[baton.CreatedData](e)
		if err != nil {
			return nil, fmt.Errorf("metrics: handoff %s: %w", e.HandoffID, err)
		}
		*h = RollupHandoff{Day: UTCDay(e.At), Type: d.HandoffType, Tier: cmp.Or(d.Tier, NoneKey), Owner: e.OwnerID, Created: true}
		out := []RollupDelta{
			{h.Day, RollupType, h.Type, 0, 1},
			{h.Day, RollupTier, h.Tier, 0, 1},
			{h.Day, RollupOwner, cmp.Or(h.Owner, NoneKey), 0, 1},
		}
		key := unscoredKey
		if d.Completeness != nil {
			for i, b := range CompletenessBuckets {
				if *d.Completeness <= b.Max || i == len(CompletenessBuckets)-1 {
					key = fmt.Sprint(i)
					break
				}
			}
		}
		return append(out, RollupDelta{h.Day, RollupComplete, key, 0, 1}), nil
	}
	if !h.Created {
		return nil, nil // its created event predates the rollups' log
	}
	at := e.At.UnixMilli()
	var out []RollupDelta
	switch e.Kind {
	case baton.EventAssigned, baton.EventReassigned, baton.EventResubmitted:
		if e.Kind == baton.EventAssigned && h.AssignedMS == 0 && e.OwnerID != "" {
			h.AssignedMS = at
		}
		if e.OwnerID != "" && e.OwnerID != h.Owner {
			out = append(out, RollupDelta{h.Day, RollupOwner, cmp.Or(h.Owner, NoneKey), 0, -1}, RollupDelta{h.Day, RollupOwner, e.OwnerID, 0, 1})
			h.Owner = e.OwnerID
		}
	case baton.EventAccepted:
		if !h.Accepted {
			h.Accepted = true
			if h.AssignedMS != 0 {
				d := time.Duration(at-h.AssignedMS-h.PausedMS) * time.Millisecond
				out = append(out, RollupDelta{h.Day, RollupAccept, "", DurationBucket(d), 1})
			}
		}
	case baton.EventTouched:
		if !h.Touched {
			h.Touched = true
			if h.AssignedMS != 0 {
				d := time.Duration(at-h.AssignedMS-h.PausedMS) * time.Millisecond
				out = append(out, RollupDelta{h.Day, RollupFirstTouch, "", DurationBucket(d), 1})
			}
		}
	case baton.EventPaused:
		h.PausedSinceMS = at
	case baton.EventResumed:
		if h.PausedSinceMS != 0 {
			h.PausedMS += at - h.PausedSinceMS
			h.PausedSinceMS = 0
		}
	case baton.EventBreached:
		if !h.Breached {
			h.Breached = true
			out = append(out, RollupDelta{h.Day, RollupTypeBreached, h.Type, 0, 1}, RollupDelta{h.Day, RollupTierBreached, h.Tier, 0, 1})
		}
	case baton.EventRejected:
		if !h.Rejected {
			h.Rejected = true
			out = append(out, RollupDelta{h.Day, RollupRejected, "", 0, 1})
		}
	}
	return out, nil
}

// RollupRow is a stored rollup row: the sum of its deltas.
type RollupRow struct {
	Day    int64
	Metric string
	Key    string
	Bucket int64
	N      int64
}

// DashboardFromRollups builds the dashboard of [from, to) from the rollup
// rows of its days. It is exact, percentiles aside (see above), when from
// and to are UTC midnights, or to is after every event, and no event of a
// handoff created in the window is dated before from.
func DashboardFromRollups(from, to time.Time, rows []RollupRow) Dashboard {
	d := Dashboard{From: from, To: to}
	type weekAcc struct {
		n, rejected     int
		accept, touched map[int64]int64
	}
	weeks := map[time.Time]*weekAcc{}
	for w := WeekStart(from); w.Before(to); w = w.AddDate(0, 0, 7) {
		weeks[w] = &weekAcc{accept: map[int64]int64{}, touched: map[int64]int64{}}
		d.Weeks = append(d.Weeks, Week{Start: w})
	}
	byType, byTier := map[string]*Rate{}, map[string]*Rate{}
	byOwner := map[string]int{}
	buckets := make([]int, len(CompletenessBuckets))
	rate := func(m map[string]*Rate, key string) *Rate {
		key = cmp.Or(key, NoneKey)
		r := m[key]
		if r == nil {
			r = &Rate{Key: key}
			m[key] = r
		}
		return r
	}
	for _, r := range rows {
		w := weeks[WeekStart(DayStart(r.Day))]
		if w == nil || r.N == 0 {
			continue
		}
		n := int(r.N)
		switch r.Metric {
		case RollupType:
			w.n += n
			rate(byType, r.Key).Handoffs += n
		case RollupTypeBreached:
			rate(byType, r.Key).Breached += n
		case RollupTier:
			rate(byTier, r.Key).Handoffs += n
		case RollupTierBreached:
			rate(byTier, r.Key).Breached += n
		case RollupRejected:
			w.rejected += n
		case RollupOwner:
			byOwner[r.Key] += n
		case RollupComplete:
			if r.Key == unscoredKey {
				d.Unscored += n
			} else if b, err := strconv.Atoi(r.Key); err == nil && b >= 0 && b < len(buckets) {
				buckets[b] += n
			}
		case RollupAccept:
			w.accept[r.Bucket] += r.N
		case RollupFirstTouch:
			w.touched[r.Bucket] += r.N
		}
	}
	for i := range d.Weeks {
		w := weeks[d.Weeks[i].Start]
		d.Weeks[i].Handoffs, d.Weeks[i].Rejected = w.n, w.rejected
		d.Weeks[i].Accept, d.Weeks[i].FirstTouch = summariseBuckets(w.accept), summariseBuckets(w.touched)
		if w.n > 0 {
			d.Weeks[i].RejectionRate = round(float64(w.rejected) / float64(w.n))
		}
	}
	finishTotals(&d, byType, byTier, byOwner, buckets)
	return d
}

// summariseBuckets is summarise over a histogram of DurationBucket values.
func summariseBuckets(h map[int64]int64) Durations {
	var n int64
	keys := make([]int64, 0, len(h))
	for k, c := range h {
		if c > 0 {
			keys = append(keys, k)
			n += c
		}
	}
	if n == 0 {
		return Durations{}
	}
	slices.Sort(keys)
	at := func(q float64) float64 {
		rank := max(int64(math.Ceil(q*float64(n))), 1)
		var seen int64
		for _, k := range keys {
			seen += h[k]
			if seen >= rank {
				return (time.Duration(k) * time.Millisecond).Seconds()
			}
		}
		return (time.Duration(keys[len(keys)-1]) * time.Millisecond).Seconds()
	}
	return Durations{Count: int(n), MedianSeconds: at(0.5), P90Seconds: at(0.9)}
}
