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
// events: everything its figures (Cells) are computed from. Its JSON names
// are short: a store keeps one per handoff. The zero value
// is a handoff whose created event has not been seen.
//
// Most fields come from the handoff's events (Apply); Sender, Meeting and
// Value are facts a store reads from the handoff itself after applying a
// command's events (SetFacts), because the log does not carry them.
type RollupHandoff struct {
	Day           int64  `json:"d"`
	Type          string `json:"ty"`
	Tier          string `json:"ti"`
	Owner         string `json:"o"`
	Created       bool   `json:"c"`
	AssignedMS    int64  `json:"as,omitempty"`
	Accepted      bool   `json:"ac,omitempty"`
	Touched       bool   `json:"to,omitempty"`
	Breached      bool   `json:"br,omitempty"`
	Rejected      bool   `json:"rj,omitempty"`
	PausedSinceMS int64  `json:"ps,omitempty"`
	PausedMS      int64  `json:"pm,omitempty"`

	// Source, Segment and Team (the receiving team) are from the created
	// event; OccurredMS is when the buyer acted (never after creation).
	Source     string `json:"src,omitempty"`
	Segment    string `json:"seg,omitempty"`
	Team       string `json:"tm,omitempty"`
	OccurredMS int64  `json:"oc,omitempty"`
	// State is the handoff's state after its last event.
	State string `json:"st,omitempty"`
	// AssignMS, AcceptMS, TouchMS and CloseMS are the times to first
	// assignment (from OccurredMS), to acceptance and to first touch (from
	// assignment, paused time taken off) and to close by an outcome or
	// completion (from assignment); nil when not (yet) measured.
	AssignMS *int64 `json:"dA,omitempty"`
	AcceptMS *int64 `json:"dC,omitempty"`
	TouchMS  *int64 `json:"dT,omitempty"`
	CloseMS  *int64 `json:"dX,omitempty"`

	Reassigned bool `json:"ra,omitempty"`
	Recycled   bool `json:"rc,omitempty"`
	Cancelled  bool `json:"cx,omitempty"`
	// Completeness is the context score the handoff was created with.
	Completeness *int `json:"cp,omitempty"`
	Joins        int  `json:"j,omitempty"`

	// MeetingSeen is set by an event that names a meeting (a reschedule,
	// the pre-call note, the intake form, a joined meeting_booked signal).
	MeetingSeen bool `json:"msn,omitempty"`
	// MeetingID and MeetingSeq are the last meeting_changed event's; a
	// change that keeps the meeting booked with a higher sequence is a
	// reschedule.
	MeetingID   string `json:"mid,omitempty"`
	MeetingSeq  int    `json:"msq,omitempty"`
	Reschedules int    `json:"rs,omitempty"`
	// NoShows counts no_show outcomes; Decided is set by any other
	// outcome; Opportunity by proposal_requested or booked_won; Won by
	// booked_won; Lost by not_interested or disqualified.
	NoShows     int  `json:"ns,omitempty"`
	Decided     bool `json:"de,omitempty"`
	Opportunity bool `json:"op,omitempty"`
	Won         bool `json:"w,omitempty"`
	Lost        bool `json:"l,omitempty"`

	// Receivers' ratings (1-5) and the prospect's survey scores (1-5):
	// how many and their sum; RatingMissing counts ratings that named
	// missing or wrong context.
	RatingN       int `json:"rn,omitempty"`
	RatingSum     int `json:"rsu,omitempty"`
	RatingMissing int `json:"rm,omitempty"`
	SurveyN       int `json:"sn,omitempty"`
	SurveySum     int `json:"ssu,omitempty"`

	// The first SLA breach, for the missed-handoff review (SLACells): the
	// owner it was on, its step ("accept" or "first touch") and deadline,
	// and when, after it, the owner met that step (BreachActedMS) and the
	// handoff was cancelled or completed (BreachClosedMS); 0 until then.
	BreachOwner    string `json:"bo,omitempty"`
	BreachStep     string `json:"bs,omitempty"`
	BreachDueMS    int64  `json:"bd,omitempty"`
	BreachActedMS  int64  `json:"bac,omitempty"`
	BreachClosedMS int64  `json:"bcl,omitempty"`

	// Facts of the handoff itself (SetFacts).
	Sender string `json:"snd,omitempty"`
	// Meeting is whether the handoff has a meeting.
	Meeting bool `json:"mt,omitempty"`
	// Value is the deal value (DealValue of its context), whole units;
	// ContextSum is a checksum of the context it was read from.
	Value      int64  `json:"v,omitempty"`
	ContextSum uint64 `json:"cs,omitempty"`
}

// RollupFacts are what a store knows of a handoff beyond its log: its
// sender, whether it has a meeting and its deal value (see DealValue).
type RollupFacts struct {
	Sender  string
	Meeting bool
	Value   int64
}

// SetFacts records f.
func (h *RollupHandoff) SetFacts(f RollupFacts) {
	h.Sender, h.Meeting, h.Value = f.Sender, f.Meeting, f.Value
}

// Open reports whether the handoff is still open (not completed or
// cancelled).
func (h *RollupHandoff) Open() bool {
	return h.State != string(baton.StateCompleted) && h.State != string(baton.StateCancelled)
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

// Apply folds one event into h, returning the dashboard rollup changes it
// makes (the figures of Cells change with h). It returns an error, and
// changes nothing, when a payload does not decode. Events of a handoff
// must come in log order.
func (h *RollupHandoff) Apply(e *baton.Event) ([]RollupDelta, error) {
	if e.Kind == baton.EventCreated {
		if h.Created {
			return nil, nil // a second created event: the first one counts
		}
		d, err := baton.DecodeEventData[baton.CreatedData](e)
		if err != nil {
			return nil, fmt.Errorf("metrics: handoff %s: %w", e.HandoffID, err)
		}
		occurred := d.OccurredAt
		if occurred.IsZero() || occurred.After(e.At) {
			occurred = e.At
		}
		facts := RollupFacts{Sender: h.Sender, Meeting: h.Meeting, Value: h.Value}
		*h = RollupHandoff{Day: UTCDay(e.At), Type: d.HandoffType, Tier: cmp.Or(d.Tier, NoneKey), Owner: e.OwnerID, Created: true,
			Source: d.Source, Segment: d.Segment, Team: d.Team, OccurredMS: occurred.UnixMilli(), State: string(cmp.Or(e.ToState, baton.StateAssigned)),
			Completeness: d.Completeness}
		h.SetFacts(facts)
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
	if e.ToState != "" {
		h.State = string(e.ToState)
	}
	var out []RollupDelta
	switch e.Kind {
	case baton.EventAssigned, baton.EventReassigned, baton.EventResubmitted:
		if e.Kind == baton.EventAssigned && h.AssignedMS == 0 && e.OwnerID != "" {
			h.AssignedMS = at
			h.AssignMS = ptr(at - h.OccurredMS)
		}
		if e.Kind == baton.EventReassigned {
			h.Reassigned = true
		}
		if e.OwnerID != "" && e.OwnerID != h.Owner {
			out = append(out, RollupDelta{h.Day, RollupOwner, cmp.Or(h.Owner, NoneKey), 0, -1}, RollupDelta{h.Day, RollupOwner, e.OwnerID, 0, 1})
			h.Owner = e.OwnerID
		}
	case baton.EventAccepted:
		if h.Breached && h.BreachStep == stepAccept && h.BreachActedMS == 0 {
			h.BreachActedMS = at
		}
		if !h.Accepted {
			h.Accepted = true
			if h.AssignedMS != 0 {
				h.AcceptMS = ptr(at - h.AssignedMS - h.PausedMS)
				out = append(out, RollupDelta{h.Day, RollupAccept, "", DurationBucket(time.Duration(*h.AcceptMS) * time.Millisecond), 1})
			}
		}
	case baton.EventTouched:
		if h.Breached && h.BreachStep == stepTouch && h.BreachActedMS == 0 {
			h.BreachActedMS = at
		}
		if !h.Touched {
			h.Touched = true
			if h.AssignedMS != 0 {
				h.TouchMS = ptr(at - h.AssignedMS - h.PausedMS)
				out = append(out, RollupDelta{h.Day, RollupFirstTouch, "", DurationBucket(time.Duration(*h.TouchMS) * time.Millisecond), 1})
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
			d, err := baton.DecodeEventData[baton.BreachedData](e) // older events lack data: filled in below
			if err != nil {
				return nil, fmt.Errorf("metrics: handoff %s: %w", e.HandoffID, err)
			}
			h.Breached = true
			h.BreachOwner, h.BreachStep, h.BreachDueMS = cmp.Or(e.OwnerID, h.Owner), d.Step, d.Deadline.UnixMilli()
			if h.BreachStep == "" { // logged before breaches named their step
				h.BreachStep = stepAccept
				if h.Accepted {
					h.BreachStep = stepTouch
				}
			}
			if d.Deadline.IsZero() { // ... or their deadline: the breach is no earlier
				h.BreachDueMS = at
			}
			out = append(out, RollupDelta{h.Day, RollupTypeBreached, h.Type, 0, 1}, RollupDelta{h.Day, RollupTierBreached, h.Tier, 0, 1})
		}
	case baton.EventRejected:
		if !h.Rejected {
			h.Rejected = true
			out = append(out, RollupDelta{h.Day, RollupRejected, "", 0, 1})
		}
	case baton.EventOutcome:
		d, err := baton.DecodeEventData[baton.OutcomeData](e)
		if err != nil {
			return nil, fmt.Errorf("metrics: handoff %s: %w", e.HandoffID, err)
		}
		switch d.Outcome {
		case baton.OutcomeNoShow:
			h.NoShows++
		case "":
		default:
			h.Decided = true
		}
		switch d.Outcome {
		case baton.OutcomeProposal:
			h.Opportunity = true
		case baton.OutcomeWon:
			h.Opportunity, h.Won = true, true
		case baton.OutcomeNotInterested, baton.OutcomeDisqualified:
			h.Lost = true
		}
		h.closeAt(at)
	case baton.EventCompleted:
		h.closeAt(at)
		h.breachClosedAt(at)
	case baton.EventCancelled:
		h.Cancelled = true
		h.breachClosedAt(at)
	case baton.EventRecycled:
		h.Recycled = true
	case baton.EventSignalJoined:
		h.Joins++
		if d, err := baton.DecodeEventData[baton.SignalJoinedData](e); err != nil {
			return nil, fmt.Errorf("metrics: handoff %s: %w", e.HandoffID, err)
		} else if d.SignalType == "meeting_booked" {
			h.MeetingSeen = true
		}
	case baton.EventMeetingChanged:
		d, err := baton.DecodeEventData[baton.MeetingChangedData](e)
		if err != nil {
			return nil, fmt.Errorf("metrics: handoff %s: %w", e.HandoffID, err)
		}
		h.MeetingSeen = true
		if d.Status == baton.MeetingBooked && (d.MeetingID != h.MeetingID || d.Sequence > h.MeetingSeq) {
			h.Reschedules++
		}
		h.MeetingID, h.MeetingSeq = d.MeetingID, d.Sequence
	case baton.EventPreCallSent, baton.EventIntakeSent:
		h.MeetingSeen = true
	case baton.EventRated:
		d, err := baton.DecodeEventData[baton.RatedData](e)
		if err != nil {
			return nil, fmt.Errorf("metrics: handoff %s: %w", e.HandoffID, err)
		}
		if d.Rating >= 1 && d.Rating <= 5 {
			h.RatingN++
			h.RatingSum += d.Rating
			if len(d.Missing) > 0 {
				h.RatingMissing++
			}
		}
	case baton.EventSurveyAnswered:
		d, err := baton.DecodeEventData[baton.SurveyAnsweredData](e)
		if err != nil {
			return nil, fmt.Errorf("metrics: handoff %s: %w", e.HandoffID, err)
		}
		if d.Score >= 1 && d.Score <= 5 {
			h.SurveyN++
			h.SurveySum += d.Score
		}
	}
	return out, nil
}

// closeAt records the first close by an outcome or completion.
func (h *RollupHandoff) closeAt(at int64) {
	if h.CloseMS == nil && h.AssignedMS != 0 {
		h.CloseMS = ptr(at - h.AssignedMS)
	}
}

// breachClosedAt records the first cancellation or completion after the
// first breach.
func (h *RollupHandoff) breachClosedAt(at int64) {
	if h.Breached && h.BreachClosedMS == 0 {
		h.BreachClosedMS = at
	}
}

func ptr[T any](v T) *T { return &v }

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
	weekOf := map[int64]*weekAcc{} // by day: the rows of a day are many
	for _, r := range rows {
		w, ok := weekOf[r.Day]
		if !ok {
			w = weeks[WeekStart(DayStart(r.Day))]
			weekOf[r.Day] = w
		}
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
