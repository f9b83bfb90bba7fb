package metrics

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/batonhq/baton"
)

// Dashboard is what the manager dashboard charts for a window: per week,
// time to accept and to first touch and the rejection rate; breach rates by
// handoff type and SLA tier; handoffs per owner; and how complete handoffs
// were when they were made. Like Summary, its population is the handoffs
// created in [From, To), and their later events count only up to To.
type Dashboard struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Weeks are the weeks (Monday 00:00 UTC) that overlap the window, in
	// order, empty ones included; a handoff counts in the week it was
	// created.
	Weeks []Week `json:"weeks"`
	// ByType and ByTier are breach rates, keyed by handoff type and by the
	// tier the handoff started on (NoneKey when its created event lacks one),
	// in key order.
	ByType []Rate `json:"by_type"`
	ByTier []Rate `json:"by_tier"`
	// ByOwner counts handoffs by their owner at the window's end (NoneKey
	// when unowned), most first, then by key.
	ByOwner []Count `json:"by_owner"`
	// Completeness is the distribution of the context score handoffs were
	// created with, in CompletenessBuckets; Unscored counts handoffs whose
	// created event did not record one.
	Completeness []Count `json:"completeness"`
	Unscored     int     `json:"unscored"`
}

// Week is one week's figures.
type Week struct {
	Start    time.Time `json:"start"`
	Handoffs int       `json:"handoffs"`
	// Accept is the time from assignment to acceptance, FirstTouch from
	// assignment to first touch, paused time taken off (as in Summary).
	Accept     Durations `json:"accept"`
	FirstTouch Durations `json:"first_touch"`
	// Rejected counts handoffs rejected at least once; RejectionRate is
	// Rejected/Handoffs rounded to 4 decimals (0 for an empty week).
	Rejected      int     `json:"rejected"`
	RejectionRate float64 `json:"rejection_rate"`
}

// Rate is a breach rate of one group.
type Rate struct {
	Key      string `json:"key"`
	Handoffs int    `json:"handoffs"`
	Breached int    `json:"breached"`
	// Rate is Breached/Handoffs rounded to 4 decimals.
	Rate float64 `json:"rate"`
}

// Count is the number of handoffs in one group.
type Count struct {
	Key      string `json:"key"`
	Handoffs int    `json:"handoffs"`
}

// CompletenessBuckets are the ranges of Dashboard.Completeness, in order:
// a score s falls in the first bucket whose upper bound is at least s.
var CompletenessBuckets = []struct {
	Label string
	Max   int
}{{"0–19%", 19}, {"20–39%", 39}, {"40–59%", 59}, {"60–79%", 79}, {"80–100%", 100}}

// WeekStart returns the Monday 00:00 UTC that starts t's week.
func WeekStart(t time.Time) time.Time {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
}

type dashHandoff struct {
	tier, owner  string
	completeness *int
}

// DashboardAggregator folds events into a Dashboard. Feed it events in log
// order.
type DashboardAggregator struct {
	agg  *Aggregator
	byID map[string]*dashHandoff
}

// NewDashboardAggregator starts a dashboard of the window [from, to).
func NewDashboardAggregator(from, to time.Time) *DashboardAggregator {
	return &DashboardAggregator{agg: NewAggregator(from, to), byID: map[string]*dashHandoff{}}
}

// Add folds one event. It returns an error, and folds nothing, when the
// event's payload does not decode.
func (a *DashboardAggregator) Add(e *baton.Event) error {
	if err := a.agg.Add(e); err != nil {
		return err
	}
	if e.At.Before(a.agg.from) || !e.At.Before(a.agg.to) {
		return nil
	}
	h := a.byID[e.HandoffID]
	switch {
	case e.Kind == baton.EventCreated:
		d, err := baton.DecodeEventData[baton.CreatedData](e)
		if err != nil {
			return fmt.Errorf("metrics: handoff %s: %w", e.HandoffID, err)
		}
		h = &dashHandoff{tier: d.Tier, owner: e.OwnerID, completeness: d.Completeness}
		a.byID[e.HandoffID] = h
	case h == nil:
		return nil // created before the window
	case e.Kind == baton.EventAssigned || e.Kind == baton.EventReassigned || e.Kind == baton.EventResubmitted:
		if e.OwnerID != "" {
			h.owner = e.OwnerID
		}
	}
	return nil
}

// Dashboard returns the figures so far.
func (a *DashboardAggregator) Dashboard() Dashboard {
	from, to := a.agg.from, a.agg.to
	d := Dashboard{From: from, To: to}
	type weekAcc struct {
		n, rejected     int
		accept, touched []time.Duration
	}
	weeks := map[time.Time]*weekAcc{}
	for w := WeekStart(from); w.Before(to); w = w.AddDate(0, 0, 7) {
		weeks[w] = &weekAcc{}
		d.Weeks = append(d.Weeks, Week{Start: w})
	}
	byType, byTier := map[string]*Rate{}, map[string]*Rate{}
	byOwner := map[string]int{}
	buckets := make([]int, len(CompletenessBuckets))
	for id, h := range a.agg.byID {
		x := a.byID[id]
		w := weeks[WeekStart(h.created)]
		w.n++
		if h.rejects {
			w.rejected++
		}
		if !h.assigned.IsZero() {
			if !h.accepted.IsZero() {
				w.accept = append(w.accept, h.accepted.Sub(h.assigned)-h.pausedAccept)
			}
			if !h.touched.IsZero() {
				w.touched = append(w.touched, h.touched.Sub(h.assigned)-h.pausedTouch)
			}
		}
		for _, g := range []struct {
			m   map[string]*Rate
			key string
		}{{byType, h.typ}, {byTier, x.tier}} {
			key := cmp.Or(g.key, NoneKey)
			r := g.m[key]
			if r == nil {
				r = &Rate{Key: key}
				g.m[key] = r
			}
			r.Handoffs++
			if h.breached {
				r.Breached++
			}
		}
		byOwner[cmp.Or(x.owner, NoneKey)]++
		if x.completeness == nil {
			d.Unscored++
			continue
		}
		for i, b := range CompletenessBuckets {
			if *x.completeness <= b.Max || i == len(CompletenessBuckets)-1 {
				buckets[i]++
				break
			}
		}
	}
	for i := range d.Weeks {
		w := weeks[d.Weeks[i].Start]
		d.Weeks[i].Handoffs, d.Weeks[i].Rejected = w.n, w.rejected
		d.Weeks[i].Accept, d.Weeks[i].FirstTouch = summarise(w.accept), summarise(w.touched)
		if w.n > 0 {
			d.Weeks[i].RejectionRate = round(float64(w.rejected) / float64(w.n))
		}
	}
	finishTotals(&d, byType, byTier, byOwner, buckets)
	return d
}

// finishTotals fills d's breach rates by type and tier, handoffs per owner
// and completeness buckets from their counts, the same whether they were
// folded from events or read from the rollups. A rate with no handoffs and
// an owner with none are left out.
func finishTotals(d *Dashboard, byType, byTier map[string]*Rate, byOwner map[string]int, buckets []int) {
	rates := func(m map[string]*Rate) []Rate {
		out := make([]Rate, 0, len(m))
		for _, r := range m {
			if r.Handoffs == 0 {
				continue
			}
			r.Rate = round(float64(r.Breached) / float64(r.Handoffs))
			out = append(out, *r)
		}
		slices.SortFunc(out, func(x, y Rate) int { return cmp.Compare(x.Key, y.Key) })
		return out
	}
	d.ByType, d.ByTier = rates(byType), rates(byTier)
	d.ByOwner = make([]Count, 0, len(byOwner))
	for k, n := range byOwner {
		if n > 0 {
			d.ByOwner = append(d.ByOwner, Count{Key: k, Handoffs: n})
		}
	}
	SortCounts(d.ByOwner)
	d.Completeness = make([]Count, len(CompletenessBuckets))
	for i, b := range CompletenessBuckets {
		d.Completeness[i] = Count{Key: b.Label, Handoffs: buckets[i]}
	}
}

// SortCounts puts the most handoffs first, then keys in order.
func SortCounts(cs []Count) {
	slices.SortFunc(cs, func(x, y Count) int {
		if c := cmp.Compare(y.Handoffs, x.Handoffs); c != 0 {
			return c
		}
		return cmp.Compare(x.Key, y.Key)
	})
}
