package metrics

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"time"
)

// Cells: the figures of Report kept per dimension, block of days and key.
//
// Each handoff contributes a few cells (Cells): a count of one for
// "handoffs", one for each step it reached, a duration bucket for each time
// measured, sums for averages. A block is the sum of the cells of the
// handoffs created in its days with one value of one dimension. Blocks come
// in three sizes (Levels): a UTC day, 8 days and 64 days, aligned on the
// day number, so any run of whole days is at most 7 + 7 single days, 7 + 7
// eight-day blocks and the 64-day blocks between (Spans): a year split by
// owner reads a few thousand blocks, not a row per handoff. Dimensions of
// a few values keep single days only (LevelsOf).
//
// Because a handoff's cells are a function of its RollupHandoff alone, a
// store keeps the blocks equal to the sum of Cells over the handoffs'
// current states by adding Changes(before, after) in the same transaction
// as the events that moved before to after; rebuilding from the log gives
// the same blocks.

// Metric identifies one cell of a handoff's figures.
type Metric uint8

// Metrics. Counts are 0 or 1 per handoff unless noted; the T* metrics are
// duration histograms whose bucket is DurationBucket in milliseconds.
const (
	MHandoffs        Metric = iota + 1
	MTAssign                // time from the buyer's signal to the first assignment
	MTAccept                // time from assignment to acceptance, paused time off
	MTTouch                 // time from assignment to first touch, paused time off
	MTClose                 // time from assignment to an outcome or completion
	MAccepted               // accepted
	MTouched                // first touched
	MTouch5m                // first touched within 5 minutes of assignment
	MBreached               // breached an SLA
	MReassigned             // reassigned at least once
	MRejected               // rejected at least once
	MRecycled               // recycled to nurture
	MBooked                 // has a meeting (or a no-show)
	MHeld                   // a meeting held: an outcome other than no-show on a booked handoff
	MNoShows                // no-show outcomes (a count)
	MRescheduled            // a meeting rescheduled at least once
	MReschedules            // reschedules (a count)
	MDecided                // an outcome other than no-show
	MOpportunity            // outcome proposal_requested or booked_won
	MWon                    // outcome booked_won
	MLost                   // outcome not_interested or disqualified, or recycled
	MClosed                 // completed or cancelled
	MCancelled              // cancelled
	MCompletenessN          // created with a completeness score
	MCompletenessSum        // the sum of those scores
	MRatingN                // receivers' ratings (a count)
	MRatingSum              // their sum
	MRatingMissing          // ratings that named missing context (a count)
	MSurveyN                // prospect survey answers (a count)
	MSurveySum              // their sum
	MOpen                   // still open
	MAtRisk                 // open and breached or never accepted
	MAtRiskValue            // the deal value of those (whole units)
	MState                  // by state: bucket is the index in baton.States
	MJoins                  // signals joined (a count)
	MRetained               // closed, neither lost nor cancelled
	// The SLA review's blocks (SLACells) hold MHandoffs, MBreached and:
	MBreachMargin // a breach's margin, settled: bucket is DurationBucket in milliseconds
	MBreachOpen   // a breach whose margin still runs: bucket is its deadline in Unix milliseconds
	maxMetric
)

// Cell is one metric's count in one bucket (0 for counts and sums).
type Cell struct {
	Metric Metric
	Bucket int64
	N      int64
}

// Dimensions a Report is split by, as the API names them.
const (
	DimAll     = "all"
	DimSource  = "source"
	DimType    = "type"
	DimTier    = "tier"
	DimOwner   = "owner"
	DimSender  = "sender"
	DimTeam    = "team"
	DimSegment = "segment"
)

// Dims lists every dimension a Report can be split by.
var Dims = []string{DimAll, DimSource, DimType, DimTier, DimOwner, DimSender, DimTeam, DimSegment}

// StoredDims are the dimensions a handoff's own facts give blocks for.
// "all" is the sum of the type blocks (every handoff has one type). Teams
// have blocks too, but no handoff names its owner's team: a store derives
// them from the owner blocks with the roster (TeamBlocks), so a team's
// blocks are its current members' summed.
var StoredDims = []string{DimSource, DimType, DimTier, DimOwner, DimSender, DimSegment,
	DimSLAType, DimSLATier, DimSLASource, DimSLAOwner, DimSLATeam, DimSLASegment}

// The SLA review's dimensions: blocks of SLACells only (a few bytes each),
// so a year's review by owner reads little. The owner is the one the first
// breach was on (the current owner when none), the team the receiving team
// the handoff was created for.
const (
	DimSLAType    = "sla.type"
	DimSLATier    = "sla.tier"
	DimSLASource  = "sla.source"
	DimSLAOwner   = "sla.owner"
	DimSLATeam    = "sla.team"
	DimSLASegment = "sla.segment"
)

// SLADims are the SLA review's dimensions in the order of its splits
// (SLAReport.Dimensions).
var SLADims = [6]string{DimSLAType, DimSLATier, DimSLASource, DimSLAOwner, DimSLATeam, DimSLASegment}

// Key returns h's value of a stored dimension (NoneKey when it has none).
func (h *RollupHandoff) Key(dim string) string {
	var k string
	switch dim {
	case DimSource:
		k = h.Source
	case DimType:
		k = h.Type
	case DimTier:
		k = h.Tier
	case DimOwner:
		k = h.Owner
	case DimSender:
		k = h.Sender
	case DimSegment, DimSLASegment:
		k = h.Segment
	case DimSLAType:
		k = h.Type
	case DimSLATier:
		k = h.Tier
	case DimSLASource:
		k = h.Source
	case DimSLAOwner:
		k = h.Owner
		if h.Breached {
			k = h.BreachOwner
		}
	case DimSLATeam:
		k = h.Team
	}
	return cmp.Or(k, NoneKey)
}

// isSLA reports whether dim is one of SLADims.
func isSLA(dim string) bool { return len(dim) > 4 && dim[:4] == "sla." }

// SLACells returns the figures h contributes to the SLA review's blocks,
// sorted: a handoff, and for a breached one the breach with its margin
// (how late the owner met the breached step, or the handoff closed
// without meeting it) or, while that runs, its deadline; nil before its
// created event.
func (h *RollupHandoff) SLACells() []Cell {
	if !h.Created {
		return nil
	}
	out := []Cell{{MHandoffs, 0, 1}}
	if !h.Breached {
		return out
	}
	out = append(out, Cell{MBreached, 0, 1})
	if end := cmp.Or(h.BreachActedMS, h.BreachClosedMS); end != 0 {
		return append(out, Cell{MBreachMargin, DurationBucket(time.Duration(end-h.BreachDueMS) * time.Millisecond), 1})
	}
	return append(out, Cell{MBreachOpen, h.BreachDueMS, 1})
}

// Cells returns the figures h contributes, sorted by metric and bucket;
// nil before its created event.
func (h *RollupHandoff) Cells() []Cell {
	if !h.Created {
		return nil
	}
	out := make([]Cell, 0, 16)
	add := func(m Metric, b, n int64) {
		if n != 0 {
			out = append(out, Cell{m, b, n})
		}
	}
	flag := func(m Metric, ok bool) {
		if ok {
			add(m, 0, 1)
		}
	}
	dur := func(m Metric, ms *int64) {
		if ms != nil {
			add(m, DurationBucket(time.Duration(*ms)*time.Millisecond), 1)
		}
	}
	add(MHandoffs, 0, 1)
	dur(MTAssign, h.AssignMS)
	dur(MTAccept, h.AcceptMS)
	dur(MTTouch, h.TouchMS)
	dur(MTClose, h.CloseMS)
	flag(MAccepted, h.Accepted)
	flag(MTouched, h.Touched)
	flag(MTouch5m, h.TouchMS != nil && *h.TouchMS <= 5*60*1000)
	flag(MBreached, h.Breached)
	flag(MReassigned, h.Reassigned)
	flag(MRejected, h.Rejected)
	flag(MRecycled, h.Recycled)
	booked := h.Meeting || h.MeetingSeen || h.NoShows > 0
	flag(MBooked, booked)
	flag(MHeld, booked && h.Decided)
	add(MNoShows, 0, int64(h.NoShows))
	flag(MRescheduled, h.Reschedules > 0)
	add(MReschedules, 0, int64(h.Reschedules))
	flag(MDecided, h.Decided)
	flag(MOpportunity, h.Opportunity)
	flag(MWon, h.Won)
	flag(MLost, h.Lost || h.Recycled)
	open := h.Open()
	flag(MClosed, !open)
	flag(MCancelled, h.Cancelled)
	flag(MRetained, !open && !h.Lost && !h.Recycled && !h.Cancelled)
	if h.Completeness != nil {
		add(MCompletenessN, 0, 1)
		add(MCompletenessSum, 0, int64(*h.Completeness))
	}
	add(MRatingN, 0, int64(h.RatingN))
	add(MRatingSum, 0, int64(h.RatingSum))
	add(MRatingMissing, 0, int64(h.RatingMissing))
	add(MSurveyN, 0, int64(h.SurveyN))
	add(MSurveySum, 0, int64(h.SurveySum))
	flag(MOpen, open)
	if open && (h.Breached || !h.Accepted) {
		add(MAtRisk, 0, 1)
		add(MAtRiskValue, 0, h.Value)
	}
	add(MState, int64(stateIndex(h.State)), 1)
	add(MJoins, 0, int64(h.Joins))
	slices.SortFunc(out, compareCells)
	return out
}

func compareCells(a, b Cell) int {
	return cmp.Or(cmp.Compare(a.Metric, b.Metric), cmp.Compare(a.Bucket, b.Bucket))
}

// Levels are the block sizes, in days.
var Levels = [3]int64{1, 8, 64}

// LevelsOf is how many Levels a stored dimension keeps, from the first.
// Owners, senders (hundreds of values) and teams keep all three, so a
// long window reads a few blocks per person or team; the others (a
// handful of values) keep single days only: a two-year window reads a few
// thousand blocks, and each event rewrites no large block of many days.
func LevelsOf(dim string) int {
	if dim == DimOwner || dim == DimSender || dim == DimTeam || dim == DimSLAOwner {
		return len(Levels)
	}
	return 1
}

// Block names one block: a dimension, a level (index into Levels), the
// block's number at that level (its first day divided by the level's size)
// and the dimension's value.
type Block struct {
	Dim    string
	Level  int
	Period int64
	Key    string
}

// BlockDelta is a change to one block's cells.
type BlockDelta struct {
	Block
	Cells []Cell
}

// CellsOf returns the cells h adds to the blocks of a stored dimension:
// SLACells for the SLA review's (SLADims), Cells for the others.
func (h *RollupHandoff) CellsOf(dim string) []Cell {
	if isSLA(dim) {
		return h.SLACells()
	}
	return h.Cells()
}

// BlockCells returns the blocks h's cells are summed into, one per stored
// dimension and level, each with the cells h adds to it.
func (h *RollupHandoff) BlockCells() []BlockDelta {
	cells, sla := h.Cells(), h.SLACells()
	out := make([]BlockDelta, 0, len(StoredDims)*len(Levels))
	for _, dim := range StoredDims {
		cs := cells
		if isSLA(dim) {
			cs = sla
		}
		for lvl, size := range Levels[:LevelsOf(dim)] {
			out = append(out, BlockDelta{Block{dim, lvl, floorDiv(h.Day, size), h.Key(dim)}, cs})
		}
	}
	return out
}

// PeriodOf is the number of the block of size days that holds day.
func PeriodOf(day, size int64) int64 { return floorDiv(day, size) }

// floorDiv divides rounding towards minus infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// Changes returns what moving a handoff from before to after changes in
// the blocks: for each stored dimension and level, the difference of their
// cells in the block of its day, or, when the dimension's value changed (a
// reassignment moves the owner), before's cells taken from the old key and
// after's added to the new one. Empty deltas are left out.
func Changes(before, after *RollupHandoff) []BlockDelta {
	all := [2]struct{ cb, ca, diff []Cell }{}
	all[0].cb, all[0].ca = before.Cells(), after.Cells()
	all[1].cb, all[1].ca = before.SLACells(), after.SLACells()
	for i := range all {
		all[i].diff = diffCells(all[i].cb, all[i].ca)
	}
	var out []BlockDelta
	for _, dim := range StoredDims {
		c := all[0]
		if isSLA(dim) {
			c = all[1]
		}
		cb, ca, diff := c.cb, c.ca, c.diff
		kb, ka := before.Key(dim), after.Key(dim)
		same := before.Created && before.Day == after.Day && kb == ka
		for lvl, size := range Levels[:LevelsOf(dim)] {
			switch {
			case same:
				if len(diff) > 0 {
					out = append(out, BlockDelta{Block{dim, lvl, floorDiv(after.Day, size), ka}, diff})
				}
			default:
				if len(cb) > 0 {
					out = append(out, BlockDelta{Block{dim, lvl, floorDiv(before.Day, size), kb}, negate(cb)})
				}
				if len(ca) > 0 {
					out = append(out, BlockDelta{Block{dim, lvl, floorDiv(after.Day, size), ka}, ca})
				}
			}
		}
	}
	return out
}

// TeamKey is the key of a team's blocks: the team's name, NoneKey for
// owners without one (and for handoffs without an owner).
func TeamKey(team string) string { return cmp.Or(team, NoneKey) }

// TeamBlocks returns the team blocks that deltas to owner blocks make:
// each owner block's cells again, in the block of the same level and
// period keyed by the owner's team (team(owner), a TeamKey). Other
// dimensions' blocks add nothing. A store that adds these to every change
// of the owner blocks, and moves a person's owner blocks from the old
// team's to the new one's when the roster changes their team
// (MovedBlocks), keeps each team block equal to its members' owner blocks
// summed.
func TeamBlocks(deltas map[Block][]Cell, team func(owner string) string) map[Block][]Cell {
	out := map[Block][]Cell{}
	for b, cs := range deltas {
		if b.Dim != DimOwner || len(cs) == 0 {
			continue
		}
		t := Block{DimTeam, b.Level, b.Period, TeamKey(team(b.Key))}
		out[t] = AddCells(out[t], cs)
	}
	return out
}

// MovedBlocks returns the deltas that move a person's owner blocks (their
// cells by block) from team from's blocks to team to's: taken from one,
// added to the other. It returns nothing when the TeamKeys are the same.
func MovedBlocks(owned map[Block][]Cell, from, to string) map[Block][]Cell {
	from, to = TeamKey(from), TeamKey(to)
	out := map[Block][]Cell{}
	if from == to {
		return out
	}
	for b, cs := range owned {
		if b.Dim != DimOwner || len(cs) == 0 {
			continue
		}
		out[Block{DimTeam, b.Level, b.Period, from}] = AddCells(out[Block{DimTeam, b.Level, b.Period, from}], negate(cs))
		out[Block{DimTeam, b.Level, b.Period, to}] = AddCells(out[Block{DimTeam, b.Level, b.Period, to}], cs)
	}
	return out
}

// diffCells returns b - a, both sorted, without zero cells.
func diffCells(a, b []Cell) []Cell {
	var out []Cell
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && compareCells(a[i], b[j]) < 0):
			out = append(out, Cell{a[i].Metric, a[i].Bucket, -a[i].N})
			i++
		case i == len(a) || compareCells(a[i], b[j]) > 0:
			out = append(out, b[j])
			j++
		default:
			if n := b[j].N - a[i].N; n != 0 {
				out = append(out, Cell{b[j].Metric, b[j].Bucket, n})
			}
			i, j = i+1, j+1
		}
	}
	return out
}

func negate(cs []Cell) []Cell {
	out := make([]Cell, len(cs))
	for i, c := range cs {
		out[i] = Cell{c.Metric, c.Bucket, -c.N}
	}
	return out
}

// AddCells returns a + b, both sorted, without zero cells.
func AddCells(a, b []Cell) []Cell {
	out := make([]Cell, 0, max(len(a), len(b)))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && compareCells(a[i], b[j]) < 0):
			out = append(out, a[i])
			i++
		case i == len(a) || compareCells(a[i], b[j]) > 0:
			out = append(out, b[j])
			j++
		default:
			if n := a[i].N + b[j].N; n != 0 {
				out = append(out, Cell{a[i].Metric, a[i].Bucket, n})
			}
			i, j = i+1, j+1
		}
	}
	return out
}

// SumCells sorts cells in place and sums those of one metric and bucket,
// leaving out zeros.
func SumCells(cs []Cell) []Cell {
	slices.SortFunc(cs, compareCells)
	out := cs[:0]
	for _, c := range cs {
		if n := len(out); n > 0 && out[n-1].Metric == c.Metric && out[n-1].Bucket == c.Bucket {
			out[n-1].N += c.N
			continue
		}
		out = append(out, c)
	}
	return slices.DeleteFunc(out, func(c Cell) bool { return c.N == 0 })
}

// Spans splits the days [fromDay, toDay) into blocks of the first levels
// Levels: for each level, the runs of block numbers [From, To) to read, at
// most two per level.
func Spans(fromDay, toDay int64, levels int) []Span {
	var out []Span
	add := func(lvl int, p int64) {
		if n := len(out); n > 0 && out[n-1].Level == lvl && out[n-1].To == p {
			out[n-1].To++
			return
		}
		out = append(out, Span{Level: lvl, From: p, To: p + 1})
	}
	for d := fromDay; d < toDay; {
		lvl := 0
		for l := levels - 1; l > 0; l-- {
			if size := Levels[l]; floorDiv(d, size)*size == d && d+size <= toDay {
				lvl = l
				break
			}
		}
		add(lvl, floorDiv(d, Levels[lvl]))
		d += Levels[lvl]
	}
	return out
}

// Span is a run of blocks [From, To) of one level.
type Span struct {
	Level    int
	From, To int64
}

// EncodeCells writes sorted cells compactly: per cell the metric, the
// bucket (zig-zag) and the count (zig-zag) as varints.
func EncodeCells(cs []Cell) []byte {
	b := make([]byte, 0, len(cs)*6)
	for _, c := range cs {
		b = binary.AppendUvarint(b, uint64(c.Metric))
		b = binary.AppendVarint(b, c.Bucket)
		b = binary.AppendVarint(b, c.N)
	}
	return b
}

// DecodeCells reads what EncodeCells wrote, appending to dst. A block may
// hold several encodings one after the other (deltas appended to it): a
// cell can then repeat, and its counts add up.
func DecodeCells(dst []Cell, b []byte) ([]Cell, error) {
	for len(b) > 0 {
		m, n := binary.Uvarint(b)
		if n <= 0 || m == 0 || m >= uint64(maxMetric) {
			return dst, errCells
		}
		b = b[n:]
		bucket, n := binary.Varint(b)
		if n <= 0 {
			return dst, errCells
		}
		b = b[n:]
		count, n := binary.Varint(b)
		if n <= 0 {
			return dst, errCells
		}
		b = b[n:]
		dst = append(dst, Cell{Metric(m), bucket, count})
	}
	return dst, nil
}

var errCells = errors.New("metrics: malformed cells")

// Acc sums cells: counts and sums by metric, the duration histograms
// (dense, by DurationBucket) and the states. The zero value is empty and
// ready.
type Acc struct {
	counts [maxMetric]int64
	durs   [MTClose - MTAssign + 1]*hist
	states [8]int64
	// other holds any cell outside those shapes (none that Cells makes).
	other map[cellKey]int64
}

type cellKey struct {
	m Metric
	b int64
}

// hist is a histogram of DurationBucket values, dense: exact milliseconds
// under 100, then 90 buckets a decade (10..99 times a power of ten).
// Values outside that shape go to other.
type hist struct {
	low   *[100]int64
	dec   [18]*[90]int64 // dec[e]: buckets (10..99) * 10^(e+1)
	other map[int64]int64
	// n is the sum of the counts; top is one past the highest decade
	// allocated.
	n   int64
	top int
}

// pow10 are the powers of ten hist's decades are multiples of.
var pow10 = func() (p [19]int64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// decadeOf is, by bit length, the decade (of hist.dec) of the smallest
// value of that length from 100 on; a value may be one decade higher.
var decadeOf = func() (d [65]int) {
	for l := 7; l < 64; l++ { // 2^6 = 64 < 100 <= 127
		lo := max(int64(1)<<(l-1), 100)
		e := 0
		for e+3 < len(pow10) && lo >= pow10[e+3] {
			e++
		}
		d[l] = e
	}
	return d
}()

func (h *hist) add(b, n int64) {
	h.n += n
	if b >= 0 && b < 100 {
		if h.low == nil {
			h.low = new([100]int64)
		}
		h.low[b] += n
		return
	}
	if b >= 100 {
		e := decadeOf[bits.Len64(uint64(b))]
		if e+3 < len(pow10) && b >= pow10[e+3] {
			e++
		}
		p := pow10[e+1]
		if m := divPow10(b, e+1); m*p == b && m >= 10 && m < 100 {
			if h.dec[e] == nil {
				h.dec[e] = new([90]int64)
				h.top = max(h.top, e+1)
			}
			h.dec[e][m-10] += n
			return
		}
	}
	if h.other == nil {
		h.other = map[int64]int64{}
	}
	h.other[b] += n
}

// divPow10 is b / 10^k for k in [1, 18]: by constants, which the compiler
// turns into multiplications (a division is most of the cost of adding a
// block's duration cells, millions of them for a year split by owner).
func divPow10(b int64, k int) int64 {
	switch k {
	case 1:
		return b / 1e1
	case 2:
		return b / 1e2
	case 3:
		return b / 1e3
	case 4:
		return b / 1e4
	case 5:
		return b / 1e5
	case 6:
		return b / 1e6
	case 7:
		return b / 1e7
	case 8:
		return b / 1e8
	case 9:
		return b / 1e9
	case 10:
		return b / 1e10
	case 11:
		return b / 1e11
	case 12:
		return b / 1e12
	case 13:
		return b / 1e13
	case 14:
		return b / 1e14
	case 15:
		return b / 1e15
	case 16:
		return b / 1e16
	case 17:
		return b / 1e17
	}
	return b / pow10[k]
}

func (h *hist) addHist(o *hist) {
	h.n += o.n
	if o.low != nil {
		if h.low == nil {
			h.low = new([100]int64)
		}
		for i, n := range o.low {
			h.low[i] += n
		}
	}
	for e, d := range o.dec[:o.top] {
		if d == nil {
			continue
		}
		if h.dec[e] == nil {
			h.dec[e] = new([90]int64)
			h.top = max(h.top, e+1)
		}
		for i, n := range d {
			h.dec[e][i] += n
		}
	}
	for b, n := range o.other {
		h.add(b, n)
		h.n -= n // counted above
	}
}

// each calls fn for each non-zero bucket, in order.
func (h *hist) each(fn func(b, n int64)) {
	var other []int64
	for b, n := range h.other {
		if n != 0 {
			other = append(other, b)
		}
	}
	slices.Sort(other)
	emit := func(b, n int64) {
		for len(other) > 0 && other[0] < b {
			fn(other[0], h.other[other[0]])
			other = other[1:]
		}
		if n != 0 {
			fn(b, n)
		}
	}
	if h.low != nil {
		for i, n := range h.low {
			emit(int64(i), n)
		}
	}
	for e, d := range h.dec[:h.top] {
		if d != nil {
			p := pow10[e+1]
			for i, n := range d {
				emit(int64(i+10)*p, n)
			}
		}
	}
	for _, b := range other {
		fn(b, h.other[b])
	}
}

func (a *Acc) add(m Metric, b, n int64) {
	switch {
	case m >= MTAssign && m <= MTClose:
		h := a.durs[m-MTAssign]
		if h == nil {
			h = &hist{}
			a.durs[m-MTAssign] = h
		}
		h.add(b, n)
	case m == MState && b >= 0 && b < int64(len(a.states)):
		a.states[b] += n
	case b == 0:
		a.counts[m] += n
	default:
		if a.other == nil {
			a.other = map[cellKey]int64{}
		}
		a.other[cellKey{m, b}] += n
	}
}

// Add adds cs.
func (a *Acc) Add(cs []Cell) {
	for _, c := range cs {
		a.add(c.Metric, c.Bucket, c.N)
	}
}

// AddAcc adds another accumulator.
func (a *Acc) AddAcc(b *Acc) {
	for i, n := range b.counts {
		a.counts[i] += n
	}
	for i, h := range b.durs {
		if h == nil {
			continue
		}
		if a.durs[i] == nil {
			a.durs[i] = &hist{}
		}
		a.durs[i].addHist(h)
	}
	for i, n := range b.states {
		a.states[i] += n
	}
	for k, n := range b.other {
		a.add(k.m, k.b, n)
	}
}

// AddEncoded adds cells written by EncodeCells. Most varints of a block
// are one byte (the metric, a count, a small bucket): those are read
// inline, the longer ones by encoding/binary.
func (a *Acc) AddEncoded(b []byte) error {
	for len(b) > 0 {
		var m uint64
		if b[0] < 0x80 {
			m, b = uint64(b[0]), b[1:]
		} else {
			v, n := binary.Uvarint(b)
			if n <= 0 {
				return errCells
			}
			m, b = v, b[n:]
		}
		if m == 0 || m >= uint64(maxMetric) {
			return errCells
		}
		bucket, rest, ok := varint(b)
		if !ok {
			return errCells
		}
		count, rest, ok := varint(rest)
		if !ok {
			return errCells
		}
		b = rest
		a.add(Metric(m), bucket, count)
	}
	return nil
}

// varint reads a zig-zag varint from the start of b, the one-byte case
// inline.
func varint(b []byte) (v int64, rest []byte, ok bool) {
	if len(b) > 0 && b[0] < 0x80 {
		u := int64(b[0])
		return (u >> 1) ^ -(u & 1), b[1:], true
	}
	v, n := binary.Varint(b)
	if n <= 0 {
		return 0, b, false
	}
	return v, b[n:], true
}

// Cells returns the non-zero sums, sorted.
func (a *Acc) Cells() []Cell {
	out := make([]Cell, 0, 32)
	for m, n := range a.counts {
		if n != 0 {
			out = append(out, Cell{Metric(m), 0, n})
		}
	}
	for i, h := range a.durs {
		if h != nil {
			h.each(func(b, n int64) { out = append(out, Cell{MTAssign + Metric(i), b, n}) })
		}
	}
	for b, n := range a.states {
		if n != 0 {
			out = append(out, Cell{MState, int64(b), n})
		}
	}
	for k, n := range a.other {
		if n != 0 {
			out = append(out, Cell{k.m, k.b, n})
		}
	}
	slices.SortFunc(out, compareCells)
	return out
}

// count returns a count or sum metric.
func (a *Acc) count(m Metric) int64 { return a.counts[m] }

// times summarises a duration metric.
func (a *Acc) times(m Metric) Times {
	h := a.durs[m-MTAssign]
	if h == nil {
		return Times{}
	}
	n := h.n
	if n <= 0 {
		return Times{}
	}
	ranks := [3]int64{}
	for i, q := range []float64{0.5, 0.9, 0.95} {
		ranks[i] = max(int64(math.Ceil(q*float64(n))), 1)
	}
	var vals [3]float64
	var seen int64
	next := 0
	h.each(func(b, c int64) {
		seen += c
		for next < 3 && seen >= ranks[next] {
			vals[next] = (time.Duration(b) * time.Millisecond).Seconds()
			next++
		}
	})
	return Times{Count: n, P50Seconds: vals[0], P90Seconds: vals[1], P95Seconds: vals[2]}
}

// String names a metric (for errors and tests).
func (m Metric) String() string {
	if m > 0 && m < maxMetric {
		return metricNames[m]
	}
	return fmt.Sprintf("metric(%d)", uint8(m))
}

var metricNames = [maxMetric]string{
	MHandoffs: "handoffs", MTAssign: "t_assign", MTAccept: "t_accept", MTTouch: "t_touch", MTClose: "t_close",
	MAccepted: "accepted", MTouched: "touched", MTouch5m: "touch_5m", MBreached: "breached", MReassigned: "reassigned",
	MRejected: "rejected", MRecycled: "recycled", MBooked: "booked", MHeld: "held", MNoShows: "no_shows",
	MRescheduled: "rescheduled", MReschedules: "reschedules", MDecided: "decided", MOpportunity: "opportunity",
	MWon: "won", MLost: "lost", MClosed: "closed", MCancelled: "cancelled", MCompletenessN: "completeness_n",
	MCompletenessSum: "completeness_sum", MRatingN: "rating_n", MRatingSum: "rating_sum", MRatingMissing: "rating_missing",
	MSurveyN: "survey_n", MSurveySum: "survey_sum", MOpen: "open", MAtRisk: "at_risk", MAtRiskValue: "at_risk_value",
	MState: "state", MJoins: "joins", MRetained: "retained", MBreachMargin: "breach_margin", MBreachOpen: "breach_open",
}
