package metrics

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/batonhq/baton"
)

// NoneKey is the group key of handoffs that lack the dimension (no source,
// no segment, no owner).
const NoneKey = "(none)"

// TotalKey is the key of an SLA report's Total group.
const TotalKey = "all"

// SLA steps as breach events name them.
const (
	stepAccept = "accept"
	stepTouch  = "first touch"
)

// SLAReport is the missed-handoff review of a window: how many handoffs
// breached an SLA, by each dimension the weekly review slices by. A
// breached handoff counts for the owner its first breach was on (others
// for their current owner) and for the team it was created for (the
// receiving team the playbook routed it to).
type SLAReport struct {
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
	Total     Group     `json:"total"`
	ByType    []Group   `json:"by_type"`
	ByTier    []Group   `json:"by_tier"`
	BySource  []Group   `json:"by_source"`
	ByOwner   []Group   `json:"by_owner"`
	ByTeam    []Group   `json:"by_team"`
	BySegment []Group   `json:"by_segment"`
}

// Group is the SLA figures of one value of a dimension.
type Group struct {
	// Key is the dimension's value; NoneKey when a handoff has none.
	Key      string `json:"key"`
	Handoffs int    `json:"handoffs"`
	Breached int    `json:"breached"`
	// BreachRate is Breached/Handoffs, rounded to 4 decimals.
	BreachRate float64 `json:"breach_rate"`
	// MedianMarginSeconds and P90MarginSeconds summarise the breach margins
	// of the group's breached handoffs (nearest rank); 0 when none breached.
	MedianMarginSeconds float64 `json:"median_margin_seconds"`
	P90MarginSeconds    float64 `json:"p90_margin_seconds"`
}

// Dimension is one way an SLA report slices its handoffs.
type Dimension struct {
	Name   string // "type", "tier", "source", "owner", "team", "segment"
	Groups []Group
}

// Dimensions lists the report's groupings in a stable order (type, tier,
// source, owner, team, segment), for renderers such as a CSV export.
func (r *SLAReport) Dimensions() []Dimension {
	return []Dimension{
		{"type", r.ByType}, {"tier", r.ByTier}, {"source", r.BySource},
		{"owner", r.ByOwner}, {"team", r.ByTeam}, {"segment", r.BySegment},
	}
}

// RenameOwners replaces the owner ids that key ByOwner with name(id), such
// as the owner's email, and re-sorts the groups. Ids name returns "" for
// (a user no longer on the roster) keep their id.
func (r *SLAReport) RenameOwners(name func(ownerID string) string) {
	for i, g := range r.ByOwner {
		if g.Key == NoneKey {
			continue
		}
		if n := name(g.Key); n != "" {
			r.ByOwner[i].Key = n
		}
	}
	sortGroups(r.ByOwner)
}

type slaHandoff struct {
	typ, tier, source, segment, team string
	owner                            string // current owner
	accepted                         bool   // accepted before the first breach

	breached bool
	step     string
	deadline time.Time
	// breachOwner is the owner when the first breach happened.
	breachOwner string
	// acted is when the owner met the breached step; closed is when the
	// handoff was cancelled or completed without meeting it.
	acted, closed time.Time
}

// SLAAggregator folds events into an SLAReport. Feed it events in log
// order. The population is the handoffs created in [from, to); events at or
// after to are ignored, so the report reads as it would have at to.
//
// A handoff is breached when it has a sla_breached event before to. Its
// breach margin is how late the owner acted on the first breached step: the
// accepted event for an "accept" breach or the first_touch event for a
// "first touch" breach, minus the deadline the breach event carries. Never
// acting runs the margin to the handoff's cancellation or, while it stays
// open, to the window's end.
type SLAAggregator struct {
	// Visible, when set, keeps only the handoffs whose current owner, or
	// the owner their first breach was on, it reports true for (as
	// SLAReachReport counts); nil keeps all.
	Visible func(ownerID string) bool

	from, to time.Time
	byID     map[string]*slaHandoff
	order    []string
}

// NewSLAAggregator starts an SLA report of the window [from, to).
func NewSLAAggregator(from, to time.Time) *SLAAggregator {
	return &SLAAggregator{from: from, to: to, byID: map[string]*slaHandoff{}}
}

// Add folds one event. It returns an error, and folds nothing, when the
// event's payload does not decode.
func (a *SLAAggregator) Add(e *baton.Event) error {
	if e.At.Before(a.from) || !e.At.Before(a.to) {
		return nil
	}
	h := a.byID[e.HandoffID]
	if e.Kind == baton.EventCreated {
		// Older events lack tier, team and segment: they group as NoneKey.
		d, err := decodeCreatedKeys(e.Data)
		if err != nil {
			return fmt.Errorf("metrics: handoff %s: event %d: decode created data: %w", e.HandoffID, e.Seq, err)
		}
		if h == nil {
			a.order = append(a.order, e.HandoffID)
		}
		h = &slaHandoff{typ: d.HandoffType, tier: d.Tier, team: d.Team, source: d.Source, segment: d.Segment, owner: e.OwnerID}
		a.byID[e.HandoffID] = h
	}
	if h == nil {
		return nil // created before the window
	}
	switch e.Kind {
	case baton.EventAssigned, baton.EventReassigned, baton.EventResubmitted:
		if e.OwnerID != "" {
			h.owner = e.OwnerID
		}
	case baton.EventBreached:
		if h.breached {
			return nil
		}
		d, err := baton.DecodeEventData[baton.BreachedData](e) // older events lack data: filled in below
		if err != nil {
			return fmt.Errorf("metrics: handoff %s: %w", e.HandoffID, err)
		}
		h.breached, h.step, h.deadline, h.breachOwner = true, d.Step, d.Deadline, e.OwnerID
		if h.step == "" { // logged before breaches named their step
			h.step = stepAccept
			if h.accepted {
				h.step = stepTouch
			}
		}
		if h.deadline.IsZero() { // ... or their deadline: the breach is no earlier
			h.deadline = e.At
		}
		if h.breachOwner == "" {
			h.breachOwner = h.owner
		}
	case baton.EventAccepted:
		h.accepted = true
		if h.breached && h.step == stepAccept && h.acted.IsZero() {
			h.acted = e.At
		}
	case baton.EventTouched:
		if h.breached && h.step == stepTouch && h.acted.IsZero() {
			h.acted = e.At
		}
	case baton.EventCancelled, baton.EventCompleted:
		if h.breached && h.closed.IsZero() {
			h.closed = e.At
		}
	}
	return nil
}

// margin is how late the owner acted on the first breached step.
func (h *slaHandoff) margin(end time.Time) time.Duration {
	switch {
	case !h.acted.IsZero():
		end = h.acted
	case !h.closed.IsZero():
		end = h.closed
	}
	return end.Sub(h.deadline)
}

type slaGroup struct {
	handoffs int
	margins  []time.Duration
}

// Report returns the figures so far.
func (a *SLAAggregator) Report() SLAReport {
	dims := [6]map[string]*slaGroup{}
	for i := range dims {
		dims[i] = map[string]*slaGroup{}
	}
	total := &slaGroup{}
	for _, id := range a.order {
		h := a.byID[id]
		if a.Visible != nil && !seen(a.Visible, h.owner) && !(h.breached && seen(a.Visible, h.breachOwner)) {
			continue
		}
		owner := h.owner
		if h.breached {
			owner = h.breachOwner
		}
		team := h.team
		var margin time.Duration
		if h.breached {
			margin = h.margin(a.to)
		}
		for i, key := range [6]string{h.typ, h.tier, h.source, owner, team, h.segment} {
			if key == "" {
				key = NoneKey
			}
			g := dims[i][key]
			if g == nil {
				g = &slaGroup{}
				dims[i][key] = g
			}
			g.add(h.breached, margin)
		}
		total.add(h.breached, margin)
	}
	groups := func(m map[string]*slaGroup) []Group {
		out := make([]Group, 0, len(m))
		for k, g := range m {
			out = append(out, g.group(k))
		}
		sortGroups(out)
		return out
	}
	return SLAReport{
		From: a.from, To: a.to, Total: total.group(TotalKey),
		ByType: groups(dims[0]), ByTier: groups(dims[1]), BySource: groups(dims[2]),
		ByOwner: groups(dims[3]), ByTeam: groups(dims[4]), BySegment: groups(dims[5]),
	}
}

func (g *slaGroup) add(breached bool, margin time.Duration) {
	g.handoffs++
	if breached {
		g.margins = append(g.margins, margin)
	}
}

func (g *slaGroup) group(key string) Group {
	out := Group{Key: key, Handoffs: g.handoffs, Breached: len(g.margins)}
	if g.handoffs > 0 {
		out.BreachRate = round(float64(out.Breached) / float64(g.handoffs))
	}
	m := summarise(g.margins)
	out.MedianMarginSeconds, out.P90MarginSeconds = m.MedianSeconds, m.P90Seconds
	return out
}

// sortGroups puts the most breaches first, then keys in order.
func sortGroups(gs []Group) {
	slices.SortFunc(gs, func(x, y Group) int {
		if c := cmp.Compare(y.Breached, x.Breached); c != 0 {
			return c
		}
		return cmp.Compare(x.Key, y.Key)
	})
}

// SLAFromGroups builds the SLA review of the handoffs created in [from, to)
// from their SLA blocks (SLACells) summed by key, one map per SLADims in
// order. A breach whose margin still runs is measured to end (to, or now
// when that is earlier). Settled margins come from their buckets (two
// significant digits of milliseconds, as every duration in the blocks), so
// the median and p90 are within 5 % of the exact nearest-rank values.
// Owners are keyed by id.
func SLAFromGroups(from, to, end time.Time, groups [6]map[string]*Acc) SLAReport {
	endMS := end.UnixMilli()
	var total Acc
	for _, a := range groups[0] { // every handoff has one type
		total.AddAcc(a)
	}
	split := func(m map[string]*Acc) []Group {
		out := make([]Group, 0, len(m))
		for k, a := range m {
			if g := a.slaGroup(k, endMS); g.Handoffs > 0 {
				out = append(out, g)
			}
		}
		sortGroups(out)
		return out
	}
	return SLAReport{
		From: from, To: to, Total: total.slaGroup(TotalKey, endMS),
		ByType: split(groups[0]), ByTier: split(groups[1]), BySource: split(groups[2]),
		ByOwner: split(groups[3]), ByTeam: split(groups[4]), BySegment: split(groups[5]),
	}
}

// slaGroup is the SLA figures of the handoffs a holds the SLACells of.
func (a *Acc) slaGroup(key string, endMS int64) Group {
	g := Group{Key: key, Handoffs: int(a.counts[MHandoffs]), Breached: int(a.counts[MBreached])}
	if g.Handoffs > 0 {
		g.BreachRate = round(float64(g.Breached) / float64(g.Handoffs))
	}
	margins := map[int64]int64{} // ms → count
	if n := a.counts[MBreachMargin]; n != 0 {
		margins[0] += n
	}
	for k, n := range a.other {
		switch k.m {
		case MBreachMargin:
			margins[k.b] += n
		case MBreachOpen:
			margins[endMS-k.b] += n
		}
	}
	d := summariseBuckets(margins)
	g.MedianMarginSeconds, g.P90MarginSeconds = d.MedianSeconds, d.P90Seconds
	return g
}
