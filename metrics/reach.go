package metrics

import (
	"encoding/binary"
)

// Reach: a person's figures (a rep's own, a manager's team's) are those of
// the handoffs owned or sent by someone in their reach. Blocks are summed
// over everyone, and a block per person and dimension value would multiply
// the blocks each event rewrites, so a store keeps instead one row per
// handoff and person involved (its owner and its sender, once when they
// are the same) holding what the figures need: the handoff's keys and its
// Cells (ReachRow). A person's report reads the rows of the people in
// reach for the window's days, by (person, day), and sums them
// (ReachReport), counting a handoff once: from its owner's row when the
// owner is in reach, else from its sender's.

// ReachRow encodes what a person's figures need of h: its type, tier,
// source, segment, owner and sender, then its Cells (EncodeCells); nil
// before its created event.
func (h *RollupHandoff) ReachRow() []byte {
	if !h.Created {
		return nil
	}
	b := make([]byte, 0, 64+len(h.Type)+len(h.Source)+len(h.Owner)+len(h.Sender))
	for _, s := range [...]string{h.Type, h.Tier, h.Source, h.Segment, h.Owner, h.Sender} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return append(b, EncodeCells(h.Cells())...)
}

// People returns whose rows h has: its owner and its sender, each once,
// leaving out an empty one.
func (h *RollupHandoff) People() []string {
	var out []string
	if !h.Created {
		return nil
	}
	if h.Owner != "" {
		out = append(out, h.Owner)
	}
	if h.Sender != "" && h.Sender != h.Owner {
		out = append(out, h.Sender)
	}
	return out
}

// reach row fields, in ReachRow order.
const (
	rowType = iota
	rowTier
	rowSource
	rowSegment
	rowOwner
	rowSender
	rowFields
)

// ReachReport sums the rows of the people in a reach into the groups of a
// report split by one of Dims. The zero value is not usable: see
// NewReachReport.
type ReachReport struct {
	field  int // the row field that keys groups; -1 for "all"
	in     map[string]bool
	team   func(owner string) string
	groups map[string]*Acc
	// byRaw caches the group of each raw field value (a team's
	// accumulator by owner, say), so a row allocates nothing.
	byRaw map[string]*Acc
}

// NewReachReport starts a report split by by (one of Dims) over the
// handoffs owned or sent by the people of in; team names an owner's team
// for DimTeam (it may be nil otherwise).
func NewReachReport(by string, in map[string]bool, team func(owner string) string) *ReachReport {
	field := -1
	switch by {
	case DimType:
		field = rowType
	case DimTier:
		field = rowTier
	case DimSource:
		field = rowSource
	case DimSegment:
		field = rowSegment
	case DimOwner, DimTeam:
		field = rowOwner
	case DimSender:
		field = rowSender
	}
	if by != DimTeam {
		team = nil
	}
	return &ReachReport{field: field, in: in, team: team, groups: map[string]*Acc{}, byRaw: map[string]*Acc{}}
}

// Add folds one stored row of person: it counts unless the handoff's
// owner is someone else in reach (whose row counts it). It returns an
// error when the row does not decode.
func (r *ReachReport) Add(person string, row []byte) error {
	var fields [rowFields][]byte
	b := row
	for i := range fields {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			return errCells
		}
		fields[i], b = b[k:k+int(n)], b[k+int(n):]
	}
	if owner := fields[rowOwner]; string(owner) != person && r.in[string(owner)] {
		return nil
	}
	var raw []byte
	if r.field >= 0 {
		raw = fields[r.field]
	}
	a := r.byRaw[string(raw)]
	if a == nil {
		key := TotalKey
		switch {
		case r.team != nil:
			key = NoneKey
			if len(raw) > 0 {
				key = r.team(string(raw))
			}
		case r.field >= 0:
			key = string(raw)
			if key == "" {
				key = NoneKey
			}
		}
		if a = r.groups[key]; a == nil {
			a = &Acc{}
			r.groups[key] = a
		}
		r.byRaw[string(raw)] = a
	}
	return a.AddEncoded(b)
}

// Groups returns the summed cells by group.
func (r *ReachReport) Groups() map[string]*Acc { return r.groups }
