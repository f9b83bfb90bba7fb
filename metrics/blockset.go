package metrics

import (
	"cmp"
	"slices"

	"github.com/batonhq/baton"
)

// BlockSet gathers encoded blocks (EncodeCells) read from a store and sums
// them by group. A store reads an admin's year split by owner period by
// period, each period holding a block of every owner: summing each block
// as it comes would touch a thousand owners' histograms in turn, far more
// than a processor's cache holds, and most of the time went to cache
// misses. A BlockSet copies the blocks (a few megabytes) and sums them one
// group at a time.
type BlockSet struct {
	group  func(key string) string
	keys   map[string]int32 // key → group index
	index  map[string]int32 // group → index
	names  []string
	chunks [][]byte
	refs   []blockRef
}

type blockRef struct {
	group, chunk int32
	off, n       int32
}

// blockChunk is the size of the chunks a BlockSet copies blocks into.
const blockChunk = 1 << 20

// NewBlockSet returns an empty set summing by group(key); a nil group
// keeps the keys.
func NewBlockSet(group func(key string) string) *BlockSet {
	return &BlockSet{group: group, keys: map[string]int32{}, index: map[string]int32{}}
}

// Add adds a block of key, copying key and cells.
func (s *BlockSet) Add(key, cells []byte) {
	g, ok := s.keys[string(key)]
	if !ok {
		k := string(key)
		name := k
		if s.group != nil {
			name = s.group(k)
		}
		if g, ok = s.index[name]; !ok {
			g = int32(len(s.names))
			s.index[name] = g
			s.names = append(s.names, name)
		}
		s.keys[k] = g
	}
	last := len(s.chunks) - 1
	if last < 0 || cap(s.chunks[last])-len(s.chunks[last]) < len(cells) {
		s.chunks = append(s.chunks, make([]byte, 0, max(blockChunk, len(cells))))
		last++
	}
	c := s.chunks[last]
	s.refs = append(s.refs, blockRef{group: g, chunk: int32(last), off: int32(len(c)), n: int32(len(cells))})
	s.chunks[last] = append(c, cells...)
}

// Sum returns the sums by group (a group whose blocks are all empty has an
// empty sum). It returns an error when a block does not decode.
func (s *BlockSet) Sum() (map[string]*Acc, error) {
	slices.SortStableFunc(s.refs, func(a, b blockRef) int { return cmp.Compare(a.group, b.group) })
	out := make(map[string]*Acc, len(s.names))
	for _, name := range s.names {
		out[name] = &Acc{}
	}
	for _, r := range s.refs {
		if err := out[s.names[r.group]].AddEncoded(s.chunks[r.chunk][r.off : r.off+r.n]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SLAKinds are the kinds of events SLAAggregator folds; it reads the
// payloads of SLAPayloadKinds only. A store may leave out the others.
var (
	SLAKinds = []string{baton.EventCreated, baton.EventAssigned, baton.EventReassigned, baton.EventResubmitted, baton.EventBreached,
		baton.EventAccepted, baton.EventTouched, baton.EventCancelled, baton.EventCompleted}
	SLAPayloadKinds = []string{baton.EventCreated, baton.EventBreached}
)
