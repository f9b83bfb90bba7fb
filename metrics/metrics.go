// Package metrics computes handoff performance from the event log: counts by
// state and type, time to assignment, acceptance and first touch, breach,
// reassignment and rejection rates. It is a pure fold over events, so every
// figure can be recomputed from the log alone.
//
// The population of a summary is the handoffs created in its window; their
// later events count only up to the window's end.
//
// A summary or report for one person (Visible set) counts the handoffs any
// of whose events in the window names an owner the person sees: a handoff
// that passed through their team counts whole, with all its events, so
// every figure stays a fold of complete histories. Events carry the owner
// at the time, so a handoff reassigned away still counts for the team it
// left.
package metrics

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/batonhq/baton"
)

// Summary is the metrics of a window.
type Summary struct {
	From             time.Time      `json:"from"`
	To               time.Time      `json:"to"`
	Handoffs         int            `json:"handoffs"`
	ByState          map[string]int `json:"by_state"`
	ByType           map[string]int `json:"by_type"`
	TimeToAssignment Durations      `json:"time_to_assignment"`
	TimeToAcceptance Durations      `json:"time_to_acceptance"`
	TimeToFirstTouch Durations      `json:"time_to_first_touch"`
	Breached         int            `json:"breached"`
	BreachRate       float64        `json:"sla_breach_rate"`
	ReassignmentRate float64        `json:"reassignment_rate"`
	RejectionRate    float64        `json:"rejection_rate"`
	SignalsJoined    int            `json:"signals_joined"`
}

// Durations summarises a set of durations.
type Durations struct {
	Count         int     `json:"count"`
	MedianSeconds float64 `json:"median_seconds"`
	P90Seconds    float64 `json:"p90_seconds"`
}

type handoff struct {
	typ                 string
	state               baton.State
	occurred, created   time.Time
	assigned, accepted  time.Time
	touched             time.Time
	breached            bool
	reassigned, rejects bool
	joins               int
	// visible is whether an event named an owner the reader sees.
	visible bool
	// Paused time is not counted: pausedSince marks an open pause,
	// paused sums closed ones, and the sums at acceptance and first touch
	// are taken off those durations.
	pausedSince               time.Time
	paused                    time.Duration
	pausedAccept, pausedTouch time.Duration
}

// Aggregator folds events into a Summary. Feed it events in log order.
type Aggregator struct {
	// Visible, when set, keeps only the handoffs one of whose events names
	// an owner it reports true for (see the package doc); nil keeps all.
	Visible func(ownerID string) bool

	from, to time.Time
	byID     map[string]*handoff
}

// NewAggregator starts a summary of the window [from, to).
func NewAggregator(from, to time.Time) *Aggregator {
	return &Aggregator{from: from, to: to, byID: map[string]*handoff{}}
}

// Add folds one event. It returns an error, and folds nothing, when the
// event's payload does not decode.
func (a *Aggregator) Add(e *baton.Event) error {
	if e.At.Before(a.from) || !e.At.Before(a.to) {
		return nil
	}
	h := a.byID[e.HandoffID]
	if e.Kind == baton.EventCreated {
		d, err := baton.DecodeEventData[baton.CreatedData](e)
		if err != nil {
			return fmt.Errorf("metrics: handoff %s: %w", e.HandoffID, err)
		}
		h = &handoff{typ: d.HandoffType, occurred: d.OccurredAt, created: e.At}
		if h.occurred.IsZero() || h.occurred.After(e.At) {
			h.occurred = e.At
		}
		a.byID[e.HandoffID] = h
	}
	if h == nil {
		return nil // created before the window
	}
	h.visible = h.visible || seen(a.Visible, e.OwnerID)
	if e.ToState != "" {
		h.state = e.ToState
	}
	switch e.Kind {
	case baton.EventAssigned:
		if h.assigned.IsZero() && e.OwnerID != "" {
			h.assigned = e.At
		}
	case baton.EventAccepted:
		if h.accepted.IsZero() {
			h.accepted, h.pausedAccept = e.At, h.paused
		}
	case baton.EventTouched:
		if h.touched.IsZero() {
			h.touched, h.pausedTouch = e.At, h.paused
		}
	case baton.EventPaused:
		h.pausedSince = e.At
	case baton.EventResumed:
		if !h.pausedSince.IsZero() {
			h.paused += e.At.Sub(h.pausedSince)
			h.pausedSince = time.Time{}
		}
	case baton.EventBreached:
		h.breached = true
	case baton.EventReassigned:
		h.reassigned = true
	case baton.EventRejected:
		h.rejects = true
	case baton.EventSignalJoined:
		h.joins++
	}
	return nil
}

// Summary returns the figures so far.
func (a *Aggregator) Summary() Summary {
	s := Summary{From: a.from, To: a.to, ByState: map[string]int{}, ByType: map[string]int{}}
	var toAssign, toAccept, toTouch []time.Duration
	var reassigned, rejected int
	for _, h := range a.byID {
		if a.Visible != nil && !h.visible {
			continue
		}
		s.Handoffs++
		s.SignalsJoined += h.joins
		s.ByState[string(h.state)]++
		s.ByType[h.typ]++
		if !h.assigned.IsZero() {
			toAssign = append(toAssign, h.assigned.Sub(h.occurred))
			if !h.accepted.IsZero() {
				toAccept = append(toAccept, h.accepted.Sub(h.assigned)-h.pausedAccept)
			}
			if !h.touched.IsZero() {
				toTouch = append(toTouch, h.touched.Sub(h.assigned)-h.pausedTouch)
			}
		}
		if h.breached {
			s.Breached++
		}
		if h.reassigned {
			reassigned++
		}
		if h.rejects {
			rejected++
		}
	}
	s.TimeToAssignment, s.TimeToAcceptance, s.TimeToFirstTouch = summarise(toAssign), summarise(toAccept), summarise(toTouch)
	if s.Handoffs > 0 {
		n := float64(s.Handoffs)
		s.BreachRate = round(float64(s.Breached) / n)
		s.ReassignmentRate = round(float64(reassigned) / n)
		s.RejectionRate = round(float64(rejected) / n)
	}
	return s
}

// seen reports whether an event's owner makes its handoff visible.
func seen(visible func(string) bool, ownerID string) bool {
	return visible == nil || (ownerID != "" && visible(ownerID))
}

func summarise(ds []time.Duration) Durations {
	if len(ds) == 0 {
		return Durations{}
	}
	slices.Sort(ds)
	return Durations{Count: len(ds), MedianSeconds: Quantile(ds, 0.5).Seconds(), P90Seconds: Quantile(ds, 0.9).Seconds()}
}

// Quantile returns the q-quantile of sorted durations by the nearest-rank
// method.
func Quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func round(f float64) float64 { return math.Round(f*10000) / 10000 }
