package objection

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// stateVersion is the version of the persisted counts. Bump it, and accept
// the old version in UnmarshalJSON, if the shape of the state changes.
const stateVersion = 1

// maxCount bounds every stored count. It is far above any team's call
// volume and keeps counts exact as float64.
const maxCount = 1 << 40

// state is the persisted form of a model's learned counts. Map keys are
// sorted by encoding/json, so equal models marshal to equal bytes.
type state struct {
	Version  int                     `json:"version"`
	Calls    int64                   `json:"calls"`
	Raised   map[Category]int64      `json:"raised,omitempty"`
	Features map[string]featureState `json:"features,omitempty"`
}

// featureState is the persisted form of one feature's counts.
type featureState struct {
	Seen   int64              `json:"seen"`
	Raised map[Category]int64 `json:"raised,omitempty"`
}

// MarshalJSON encodes the counts learned through Observe, and nothing of the
// prior, which is code: a stored state picks up prior improvements in new
// releases. The output is deterministic and small (bounded by the feature
// vocabulary, not by the number of observations), so it fits in one
// database row.
func (m *Model) MarshalJSON() ([]byte, error) {
	s := state{Version: stateVersion, Calls: int64(m.learned.calls)}
	s.Raised = counts(m.learned.raised)
	if len(m.learned.features) > 0 {
		s.Features = make(map[string]featureState, len(m.learned.features))
		for f, ft := range m.learned.features {
			s.Features[f] = featureState{Seen: int64(ft.seen), Raised: counts(ft.raised)}
		}
	}
	return json.Marshal(s)
}

// counts converts per-category counts to a map, leaving out zeros.
func counts(a [numCategories]float64) map[Category]int64 {
	var out map[Category]int64
	for i, c := range Categories() {
		if a[i] == 0 {
			continue
		}
		if out == nil {
			out = make(map[Category]int64)
		}
		out[c] = int64(a[i])
	}
	return out
}

// UnmarshalJSON replaces the model's learned counts with stored ones and
// gives it the built-in prior, so unmarshalling into a zero Model yields a
// ready model. It returns an error, and leaves the model unchanged, if the
// data is not a state written by MarshalJSON: unknown fields, another
// version, unknown categories, negative counts, or counts that contradict
// each other (a feature seen more often than there were calls, a category
// raised more often than its feature was seen).
func (m *Model) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s state
	if err := dec.Decode(&s); err != nil {
		return fmt.Errorf("objection: decode state: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("objection: decode state: data after the state object")
	}
	if s.Version != stateVersion {
		return fmt.Errorf("objection: state version %d, want %d", s.Version, stateVersion)
	}
	if err := checkCount("calls", s.Calls, maxCount); err != nil {
		return err
	}
	learned := newTally()
	learned.calls = float64(s.Calls)
	raised, err := fromCounts("raised", s.Raised, s.Calls)
	if err != nil {
		return err
	}
	learned.raised = raised
	for f, fs := range s.Features {
		if err := checkCount("features["+f+"].seen", fs.Seen, s.Calls); err != nil {
			return err
		}
		r, err := fromCounts("features["+f+"].raised", fs.Raised, fs.Seen)
		if err != nil {
			return err
		}
		for i := range r {
			if r[i] > learned.raised[i] {
				return fmt.Errorf("objection: state: features[%s].raised[%s] = %d exceeds raised[%s] = %d",
					f, Categories()[i], int64(r[i]), Categories()[i], int64(learned.raised[i]))
			}
		}
		learned.features[f] = &featureTally{seen: float64(fs.Seen), raised: r}
	}
	m.prior = buildPrior()
	m.learned = learned
	return nil
}

// fromCounts validates per-category counts against their upper bound.
func fromCounts(field string, in map[Category]int64, limit int64) ([numCategories]float64, error) {
	var out [numCategories]float64
	for c, v := range in {
		i := c.index()
		if i < 0 {
			return out, fmt.Errorf("objection: state: %s: unknown category %q", field, c)
		}
		if err := checkCount(field+"["+string(c)+"]", v, limit); err != nil {
			return out, err
		}
		out[i] = float64(v)
	}
	return out, nil
}

// checkCount reports a count outside 0..limit.
func checkCount(field string, v, limit int64) error {
	if v < 0 || v > limit {
		return fmt.Errorf("objection: state: %s = %d, want 0..%d", field, v, limit)
	}
	return nil
}
