package service

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/objection"
)

// objectionKey is the setting holding the objection model's learned counts.
const objectionKey = "objection_model"

// objections guards the objection model: a prior in code plus the counts
// learned from recorded outcomes, persisted as a setting.
type objections struct {
	mu     sync.RWMutex
	model  *objection.Model
	loaded bool
}

// objectionModel returns the model, loading its learned counts on first use.
func (s *Service) objectionModel(ctx context.Context, tx baton.Tx) (*objection.Model, error) {
	o := &s.objections
	o.mu.RLock()
	if o.loaded {
		m := o.model
		o.mu.RUnlock()
		return m, nil
	}
	o.mu.RUnlock()
	m := objection.NewModel()
	b, err := tx.Setting(ctx, objectionKey)
	switch {
	case err == nil:
		if err := json.Unmarshal(b, m); err != nil {
			return nil, fmt.Errorf("service: objection model: %w", err)
		}
	case baton.ErrorCode(err) != baton.ENOTFOUND:
		return nil, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.loaded {
		o.model, o.loaded = m, true
	}
	return o.model, nil
}

// Predict returns the n likeliest objection categories for a profile.
func (s *Service) predictObjections(ctx context.Context, tx baton.Tx, p objection.Profile, n int) ([]objection.Prediction, error) {
	m, err := s.objectionModel(ctx, tx)
	if err != nil {
		return nil, err
	}
	s.objections.mu.RLock()
	defer s.objections.mu.RUnlock()
	return m.Predict(p, n), nil
}

// learnObjections folds one recorded outcome into a copy of the model and
// writes it in tx; the copy replaces the model in force once tx commits
// (commit calls the returned function).
func (s *Service) learnObjections(ctx context.Context, tx baton.Tx, p objection.Profile, raised []objection.Category) (commit func(), err error) {
	m, err := s.objectionModel(ctx, tx)
	if err != nil {
		return nil, err
	}
	s.objections.mu.RLock()
	b, err := json.Marshal(m)
	s.objections.mu.RUnlock()
	if err != nil {
		return nil, fmt.Errorf("service: objection model: %w", err)
	}
	next := objection.NewModel()
	if err := json.Unmarshal(b, next); err != nil {
		return nil, fmt.Errorf("service: objection model: %w", err)
	}
	if err := next.Observe(p, raised); err != nil {
		return nil, &baton.Error{Code: baton.EINVALID, Message: "invalid objections", Fields: []baton.FieldError{{Field: "objections", Message: err.Error()}}}
	}
	nb, err := json.Marshal(next)
	if err != nil {
		return nil, fmt.Errorf("service: objection model: %w", err)
	}
	if err := tx.PutSetting(ctx, objectionKey, nb); err != nil {
		return nil, err
	}
	return func() {
		s.objections.mu.Lock()
		s.objections.model, s.objections.loaded = next, true
		s.objections.mu.Unlock()
	}, nil
}

// maxPriorHandoffs bounds how many of an account's other handoffs are read
// for the objections raised on them, so an account with a long history
// costs a handful of queries.
const maxPriorHandoffs = 10

// priorObjections returns the objection categories recorded in the outcomes
// of the account's other handoffs, most recent handoff first, so the model
// hears what this account objected to before. A handoff without an account
// has none.
func priorObjections(ctx context.Context, tx baton.Tx, h *baton.Handoff) ([]string, error) {
	if h.AccountID == "" {
		return nil, nil
	}
	list, _, err := tx.Handoffs(ctx, baton.HandoffFilter{AccountID: h.AccountID, Limit: maxPriorHandoffs + 1})
	if err != nil {
		return nil, fmt.Errorf("service: handoffs of account %s: %w", h.AccountID, err)
	}
	var out []string
	for _, o := range list {
		if o.ID == h.ID {
			continue
		}
		evs, err := tx.Events(ctx, o.ID)
		if err != nil {
			return nil, fmt.Errorf("service: events of %s: %w", o.ID, err)
		}
		for _, ev := range slices.Backward(evs) {
			if ev.Kind != baton.EventOutcome {
				continue
			}
			d, err := baton.DecodeEventData[baton.OutcomeData](ev)
			if err != nil {
				return nil, err
			}
			for _, c := range d.Objections {
				if !slices.Contains(out, c) {
					out = append(out, c)
				}
			}
		}
	}
	return out, nil
}

// parseObjections validates category names.
func parseObjections(names []string) ([]objection.Category, error) {
	var v baton.Validation
	out := make([]objection.Category, 0, len(names))
	for i, n := range names {
		c, err := objection.ParseCategory(n)
		if err != nil {
			v.Add(fmt.Sprintf("objections[%d]", i), "%v", err)
			continue
		}
		out = append(out, c)
	}
	return out, v.Err()
}
