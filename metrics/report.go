package metrics

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/batonhq/baton"
)

// RejectionFlag is the rejection rate above which a group is flagged: a
// sender whose handoffs come back more than 5 % of the time.
const RejectionFlag = 0.05

// SurveyTarget is the prospect survey score the seeds aim for.
const SurveyTarget = 4.5

// Report is every figure of the handoffs created in [From, To), in total
// and split by one dimension (By). Its population is the handoffs created
// in the window with everything that happened to them since, up to the
// moment it was computed: a window's figures keep moving while its
// handoffs are worked.
type Report struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// By is the dimension of Groups (one of Dims); "all" has no groups.
	By     string    `json:"by"`
	Total  Figures   `json:"total"`
	Groups []Figures `json:"groups"`
}

// Figures are the figures of one group of handoffs. Rates are rounded to 4
// decimals and are 0 when their base is 0; averages are rounded to 2.
type Figures struct {
	// Key is the group's value of the dimension (NoneKey when the
	// handoffs lack it); TotalKey for the total.
	Key      string `json:"key"`
	Handoffs int64  `json:"handoffs"`

	TimeToAssign     Times `json:"time_to_assign"`
	TimeToAccept     Times `json:"time_to_accept"`
	TimeToFirstTouch Times `json:"time_to_first_touch"`
	// TimeToClose is from assignment to an outcome or completion.
	TimeToClose Times `json:"time_to_close"`

	Accepted int64 `json:"accepted"`
	Touched  int64 `json:"touched"`
	// TouchedIn5Min counts first touches within 5 minutes of assignment;
	// FiveMinuteResponseRate is that share of Handoffs.
	TouchedIn5Min          int64   `json:"touched_in_5_min"`
	FiveMinuteResponseRate float64 `json:"five_minute_response_rate"`
	ResponseRate           float64 `json:"response_rate"`

	Breached         int64   `json:"breached"`
	BreachRate       float64 `json:"breach_rate"`
	Reassigned       int64   `json:"reassigned"`
	ReassignmentRate float64 `json:"reassignment_rate"`
	Rejected         int64   `json:"rejected"`
	RejectionRate    float64 `json:"rejection_rate"`
	// RejectionFlagged is set when RejectionRate is over RejectionFlag.
	RejectionFlagged bool    `json:"rejection_flagged"`
	Recycled         int64   `json:"recycled"`
	RecycleRate      float64 `json:"recycle_rate"`

	Funnel Funnel `json:"funnel"`
	// ShowRate is held / (held + no-shows).
	ShowRate float64 `json:"show_rate"`
	// Rescheduled counts handoffs whose meeting moved at least once;
	// RescheduleRate is that share of meetings booked.
	Rescheduled    int64   `json:"rescheduled"`
	Reschedules    int64   `json:"reschedules"`
	RescheduleRate float64 `json:"reschedule_rate"`
	// MeetingRate is meetings booked / handoffs; OpportunityRate is
	// opportunities / handoffs; HeldToOpportunityRate opportunities /
	// meetings held; WinRate won / decided (an outcome other than no-show).
	MeetingRate           float64 `json:"meeting_rate"`
	OpportunityRate       float64 `json:"opportunity_rate"`
	HeldToOpportunityRate float64 `json:"held_to_opportunity_rate"`
	Decided               int64   `json:"decided"`
	WinRate               float64 `json:"win_rate"`
	// Closed handoffs (completed or cancelled), of which Lost (not
	// interested, disqualified or recycled) and Cancelled; RetentionRate is
	// the share of closed handoffs neither lost nor cancelled.
	Closed        int64   `json:"closed"`
	Lost          int64   `json:"lost"`
	Cancelled     int64   `json:"cancelled"`
	RetentionRate float64 `json:"retention_rate"`

	// Completeness is the context score (0-100) at handoff.
	Completeness Average `json:"completeness"`
	// Rating is the receivers' 1-5 ratings; RatingMissing counts those
	// that named missing or wrong context.
	Rating        Average `json:"rating"`
	RatingMissing int64   `json:"rating_missing"`
	// Survey is the prospects' 1-5 post-meeting scores (target
	// SurveyTarget).
	Survey Average `json:"survey"`

	// Open handoffs, of which AtRisk breached or were never accepted;
	// ValueAtRisk is their deal value (see DealValue), in whole units of
	// the currencies given, unconverted.
	Open        int64 `json:"open"`
	AtRisk      int64 `json:"at_risk"`
	ValueAtRisk int64 `json:"value_at_risk"`

	// ByState counts handoffs by state now.
	ByState map[string]int64 `json:"by_state,omitempty"`
	// SignalsJoined counts later signals that joined these handoffs.
	SignalsJoined int64 `json:"signals_joined"`
}

// Funnel is the path from signal to won: handoffs made, accepted, with a
// meeting booked, meetings held, opportunities created (outcome
// proposal_requested or booked_won) and won (booked_won). NoShows counts
// meetings the prospect missed. A stage counts handoffs that reached it,
// so a handoff won without a meeting (a closed-won handoff) counts as won
// but not as booked.
type Funnel struct {
	Handoffs      int64 `json:"handoffs"`
	Accepted      int64 `json:"accepted"`
	Booked        int64 `json:"meetings_booked"`
	Held          int64 `json:"meetings_held"`
	NoShows       int64 `json:"no_shows"`
	Opportunities int64 `json:"opportunities"`
	Won           int64 `json:"won"`
}

// Times summarises durations: how many, and the nearest-rank p50, p90 and
// p95 in seconds. From rollups a duration is kept to two significant digits
// (DurationBucket), so these are within 5 % of the exact values.
type Times struct {
	Count      int64   `json:"count"`
	P50Seconds float64 `json:"p50_seconds"`
	P90Seconds float64 `json:"p90_seconds"`
	P95Seconds float64 `json:"p95_seconds"`
}

// Average is a mean of Count values, rounded to 2 decimals (0 when none).
type Average struct {
	Count   int64   `json:"count"`
	Average float64 `json:"average"`
}

// FiguresOf computes the figures of one group from its summed cells.
func FiguresOf(key string, a *Acc) Figures {
	f := Figures{Key: key, Handoffs: a.count(MHandoffs)}
	f.TimeToAssign = a.times(MTAssign)
	f.TimeToAccept = a.times(MTAccept)
	f.TimeToFirstTouch = a.times(MTTouch)
	f.TimeToClose = a.times(MTClose)
	f.Accepted, f.Touched, f.TouchedIn5Min = a.count(MAccepted), a.count(MTouched), a.count(MTouch5m)
	f.FiveMinuteResponseRate, f.ResponseRate = rate(f.TouchedIn5Min, f.Handoffs), rate(f.Touched, f.Handoffs)
	f.Breached, f.Reassigned, f.Rejected, f.Recycled = a.count(MBreached), a.count(MReassigned), a.count(MRejected), a.count(MRecycled)
	f.BreachRate, f.ReassignmentRate = rate(f.Breached, f.Handoffs), rate(f.Reassigned, f.Handoffs)
	f.RejectionRate, f.RecycleRate = rate(f.Rejected, f.Handoffs), rate(f.Recycled, f.Handoffs)
	f.RejectionFlagged = f.RejectionRate > RejectionFlag
	f.Funnel = Funnel{Handoffs: f.Handoffs, Accepted: f.Accepted, Booked: a.count(MBooked), Held: a.count(MHeld),
		NoShows: a.count(MNoShows), Opportunities: a.count(MOpportunity), Won: a.count(MWon)}
	f.ShowRate = rate(f.Funnel.Held, f.Funnel.Held+f.Funnel.NoShows)
	f.Rescheduled, f.Reschedules = a.count(MRescheduled), a.count(MReschedules)
	f.RescheduleRate = rate(f.Rescheduled, f.Funnel.Booked)
	f.MeetingRate, f.OpportunityRate = rate(f.Funnel.Booked, f.Handoffs), rate(f.Funnel.Opportunities, f.Handoffs)
	f.HeldToOpportunityRate = rate(f.Funnel.Opportunities, f.Funnel.Held)
	f.Decided = a.count(MDecided)
	f.WinRate = rate(f.Funnel.Won, f.Decided)
	f.Closed, f.Lost, f.Cancelled = a.count(MClosed), a.count(MLost), a.count(MCancelled)
	f.RetentionRate = rate(a.count(MRetained), f.Closed)
	f.Completeness = average(a.count(MCompletenessN), a.count(MCompletenessSum))
	f.Rating, f.RatingMissing = average(a.count(MRatingN), a.count(MRatingSum)), a.count(MRatingMissing)
	f.Survey = average(a.count(MSurveyN), a.count(MSurveySum))
	f.Open, f.AtRisk, f.ValueAtRisk = a.count(MOpen), a.count(MAtRisk), a.count(MAtRiskValue)
	f.SignalsJoined = a.count(MJoins)
	f.ByState = map[string]int64{}
	for b, n := range a.states {
		if n > 0 {
			f.ByState[stateName(int64(b))] += n
		}
	}
	return f
}

// NewReport builds a report from each group's summed cells: the total is
// the sum of the groups, and groups come most handoffs first, then by key.
// A group with no handoffs (everything moved away) is left out.
func NewReport(from, to time.Time, by string, groups map[string]*Acc) Report {
	r := Report{From: from, To: to, By: by, Groups: []Figures{}}
	total := &Acc{}
	for key, a := range groups {
		total.AddAcc(a)
		if by == DimAll {
			continue
		}
		if f := FiguresOf(key, a); f.Handoffs > 0 {
			r.Groups = append(r.Groups, f)
		}
	}
	r.Total = FiguresOf(TotalKey, total)
	slices.SortFunc(r.Groups, func(x, y Figures) int {
		return cmp.Or(cmp.Compare(y.Handoffs, x.Handoffs), cmp.Compare(x.Key, y.Key))
	})
	return r
}

// Regroup merges groups under new keys (an owner's team, say); name
// returns the new key of an old one. It may reuse (and change) groups'
// accumulators.
func Regroup(groups map[string]*Acc, name func(string) string) map[string]*Acc {
	out := map[string]*Acc{}
	for k, a := range groups {
		nk := cmp.Or(name(k), NoneKey)
		switch cur := out[nk]; {
		case cur == nil:
			out[nk] = a // most names are one to one: no copy
		default:
			cur.AddAcc(a)
		}
	}
	return out
}

// StatesReport builds a report by folding handoff states directly (a
// person's handoffs, read one by one): each state's Cells go to its group.
// key names a state's group for dimension by (Key for a stored dimension).
type StatesReport struct {
	by     string
	key    func(*RollupHandoff) string
	groups map[string]*Acc
}

// NewStatesReport starts a report split by by; key returns a handoff's
// group (nil: its stored dimension's value, or the total for "all").
func NewStatesReport(by string, key func(*RollupHandoff) string) *StatesReport {
	if key == nil {
		key = func(h *RollupHandoff) string {
			if by == DimAll {
				return TotalKey
			}
			return h.Key(by)
		}
	}
	return &StatesReport{by: by, key: key, groups: map[string]*Acc{}}
}

// Add folds one handoff.
func (s *StatesReport) Add(h *RollupHandoff) {
	cs := h.Cells()
	if len(cs) == 0 {
		return
	}
	k := s.key(h)
	a := s.groups[k]
	if a == nil {
		a = &Acc{}
		s.groups[k] = a
	}
	a.Add(cs)
}

// Groups returns the summed cells by group.
func (s *StatesReport) Groups() map[string]*Acc { return s.groups }

func rate(n, of int64) float64 {
	if of <= 0 {
		return 0
	}
	return round(float64(n) / float64(of))
}

func average(n, sum int64) Average {
	if n <= 0 {
		return Average{}
	}
	return Average{Count: n, Average: math.Round(float64(sum)/float64(n)*100) / 100}
}

// stateIndex is a state's MState bucket: its place in baton.States from 1,
// 0 when unknown.
func stateIndex(s string) int {
	for i, st := range baton.States {
		if string(st) == s {
			return i + 1
		}
	}
	return 0
}

func stateName(b int64) string {
	if b >= 1 && int(b) <= len(baton.States) {
		return string(baton.States[b-1])
	}
	return "unknown"
}

// Columns are the CSV columns of a report's rows, after the dimension and
// key, in order; Row writes one group's values in the same order.
var Columns = []string{
	"handoffs",
	"time_to_assign_count", "time_to_assign_p50_seconds", "time_to_assign_p90_seconds", "time_to_assign_p95_seconds",
	"time_to_accept_count", "time_to_accept_p50_seconds", "time_to_accept_p90_seconds", "time_to_accept_p95_seconds",
	"time_to_first_touch_count", "time_to_first_touch_p50_seconds", "time_to_first_touch_p90_seconds", "time_to_first_touch_p95_seconds",
	"time_to_close_count", "time_to_close_p50_seconds", "time_to_close_p90_seconds", "time_to_close_p95_seconds",
	"accepted", "touched", "touched_in_5_min", "five_minute_response_rate", "response_rate",
	"breached", "breach_rate", "reassigned", "reassignment_rate", "rejected", "rejection_rate", "rejection_flagged",
	"recycled", "recycle_rate",
	"meetings_booked", "meetings_held", "no_shows", "opportunities", "won",
	"show_rate", "rescheduled", "reschedules", "reschedule_rate", "meeting_rate", "opportunity_rate",
	"held_to_opportunity_rate", "decided", "win_rate", "closed", "lost", "cancelled", "retention_rate",
	"completeness_count", "completeness_average", "rating_count", "rating_average", "rating_missing",
	"survey_count", "survey_average", "open", "at_risk", "value_at_risk", "signals_joined",
}

// Row writes f's values in Columns order.
func (f *Figures) Row() []string {
	i := func(n int64) string { return strconv.FormatInt(n, 10) }
	fl := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	t := func(x Times) []string {
		return []string{i(x.Count), fl(x.P50Seconds), fl(x.P90Seconds), fl(x.P95Seconds)}
	}
	out := []string{i(f.Handoffs)}
	out = append(out, t(f.TimeToAssign)...)
	out = append(out, t(f.TimeToAccept)...)
	out = append(out, t(f.TimeToFirstTouch)...)
	out = append(out, t(f.TimeToClose)...)
	return append(out,
		i(f.Accepted), i(f.Touched), i(f.TouchedIn5Min), fl(f.FiveMinuteResponseRate), fl(f.ResponseRate),
		i(f.Breached), fl(f.BreachRate), i(f.Reassigned), fl(f.ReassignmentRate), i(f.Rejected), fl(f.RejectionRate),
		strconv.FormatBool(f.RejectionFlagged), i(f.Recycled), fl(f.RecycleRate),
		i(f.Funnel.Booked), i(f.Funnel.Held), i(f.Funnel.NoShows), i(f.Funnel.Opportunities), i(f.Funnel.Won),
		fl(f.ShowRate), i(f.Rescheduled), i(f.Reschedules), fl(f.RescheduleRate), fl(f.MeetingRate), fl(f.OpportunityRate),
		fl(f.HeldToOpportunityRate), i(f.Decided), fl(f.WinRate), i(f.Closed), i(f.Lost), i(f.Cancelled), fl(f.RetentionRate),
		i(f.Completeness.Count), fl(f.Completeness.Average), i(f.Rating.Count), fl(f.Rating.Average), i(f.RatingMissing),
		i(f.Survey.Count), fl(f.Survey.Average), i(f.Open), i(f.AtRisk), i(f.ValueAtRisk), i(f.SignalsJoined),
	)
}

// SummaryFromGroups builds the Summary of [from, to) from the type groups
// of the rollups (see the Service's Summary for when they give the fold's
// answer).
func SummaryFromGroups(from, to time.Time, groups map[string]*Acc) Summary {
	s := Summary{From: from, To: to, ByState: map[string]int{}, ByType: map[string]int{}}
	total := &Acc{}
	for key, a := range groups {
		if n := a.count(MHandoffs); n > 0 {
			s.ByType[key] = int(n)
		}
		total.AddAcc(a)
	}
	f := FiguresOf(TotalKey, total)
	s.Handoffs, s.Breached, s.SignalsJoined = int(f.Handoffs), int(f.Breached), int(f.SignalsJoined)
	for k, n := range f.ByState {
		s.ByState[k] = int(n)
	}
	d := func(t Times) Durations {
		return Durations{Count: int(t.Count), MedianSeconds: t.P50Seconds, P90Seconds: t.P90Seconds}
	}
	s.TimeToAssignment, s.TimeToAcceptance, s.TimeToFirstTouch = d(f.TimeToAssign), d(f.TimeToAccept), d(f.TimeToFirstTouch)
	s.BreachRate, s.ReassignmentRate, s.RejectionRate = f.BreachRate, f.ReassignmentRate, f.RejectionRate
	return s
}
