package metrics

import (
	"encoding/binary"
	"slices"
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

// ReachRow encodes what a person's figures and SLA review need of h: its
// type, tier, source, segment, owner, sender, receiving team and SLA
// owner (SLACells' owner: the one its first breach was on), then its Cells
// (EncodeCells, after their length) and its SLACells; nil before its
// created event.
func (h *RollupHandoff) ReachRow() []byte {
	if !h.Created {
		return nil
	}
	b := make([]byte, 0, 80+len(h.Type)+len(h.Source)+len(h.Owner)+len(h.Sender)+len(h.Team))
	for _, s := range [...]string{h.Type, h.Tier, h.Source, h.Segment, h.Owner, h.Sender, h.Team, h.slaOwner()} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	cells := EncodeCells(h.Cells())
	b = binary.AppendUvarint(b, uint64(len(cells)))
	b = append(b, cells...)
	return append(b, EncodeCells(h.SLACells())...)
}

// slaOwner is the owner the SLA review counts h for: the one its first
// breach was on, else its owner.
func (h *RollupHandoff) slaOwner() string {
	if h.Breached {
		return h.BreachOwner
	}
	return h.Owner
}

// People returns whose rows h has: its owner, its sender and its SLA
// owner, each once, leaving out an empty one.
func (h *RollupHandoff) People() []string {
	var out []string
	if !h.Created {
		return nil
	}
	for _, p := range [...]string{h.Owner, h.Sender, h.slaOwner()} {
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
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
	rowTeam
	rowSLAOwner
	rowFields
)

// decodeReachRow splits a ReachRow into its fields, its encoded Cells and
// its encoded SLACells.
func decodeReachRow(row []byte) (fields [rowFields][]byte, cells, sla []byte, err error) {
	b := row
	for i := range fields {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			return fields, nil, nil, errCells
		}
		fields[i], b = b[k:k+int(n)], b[k+int(n):]
	}
	n, k := binary.Uvarint(b)
	if k <= 0 || uint64(len(b)-k) < n {
		return fields, nil, nil, errCells
	}
	return fields, b[k : k+int(n)], b[k+int(n):], nil
}

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
	fields, b, _, err := decodeReachRow(row)
	if err != nil {
		return err
	}
	owner := fields[rowOwner]
	if string(owner) != person && (r.in[string(owner)] || string(fields[rowSender]) != person) {
		return nil // the owner's row counts it, or person is only its SLA owner
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

// SLAReachReport sums the SLA review of the handoffs in a reach from the
// rows of its people: those owned by someone in it, or whose first breach
// was on someone in it, each counted once (as SLAAggregator.Visible
// keeps them). A sender's row counts nothing here. The zero value is not
// usable: see NewSLAReachReport.
type SLAReachReport struct {
	in     map[string]bool
	groups [6]map[string]*Acc
}

// NewSLAReachReport starts an SLA review of the handoffs of the people of
// in (see SLAReachReport).
func NewSLAReachReport(in map[string]bool) *SLAReachReport {
	r := &SLAReachReport{in: in}
	for i := range r.groups {
		r.groups[i] = map[string]*Acc{}
	}
	return r
}

// Add folds one stored row of person: it counts when person is the first
// of the handoff's owner and SLA owner in reach. It returns an error when
// the row does not decode.
func (r *SLAReachReport) Add(person string, row []byte) error {
	fields, _, sla, err := decodeReachRow(row)
	if err != nil {
		return err
	}
	counts := false
	for _, f := range [...]int{rowOwner, rowSLAOwner} {
		if p := string(fields[f]); p != "" && r.in[p] {
			counts = p == person // else that one's row counts it
			break
		}
	}
	if !counts {
		return nil
	}
	for i, f := range [...]int{rowType, rowTier, rowSource, rowSLAOwner, rowTeam, rowSegment} {
		key := string(fields[f])
		if key == "" {
			key = NoneKey
		}
		a := r.groups[i][key]
		if a == nil {
			a = &Acc{}
			r.groups[i][key] = a
		}
		if err := a.AddEncoded(sla); err != nil {
			return err
		}
	}
	return nil
}

// Groups returns the summed SLA cells by key, one map per SLADims in
// order (SLAFromGroups).
func (r *SLAReachReport) Groups() [6]map[string]*Acc { return r.groups }
