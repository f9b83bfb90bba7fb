package service

import (
	"context"
	"encoding/json"
	"fmt"
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
