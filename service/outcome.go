package service

import (
	"context"
	"time"

	"github.com/batonhq/baton"
)

// fireOutcomeDue alerts the owner and their manager when a meeting ended
// without an outcome recorded in time.
func (s *Service) fireOutcomeDue(ctx context.Context, tx baton.Tx, h *baton.Handoff, now time.Time) (bool, error) {
	if !h.State.Open() {
		return false, nil
	}
	if err := s.event(ctx, tx, h, baton.EventOutcomeLate, now, "the meeting ended and no outcome is recorded"); err != nil {
		return false, err
	}
	if err := s.notify(ctx, tx, h, baton.MsgOutcome, h.OwnerID, now, "Record the outcome of your meeting: it is overdue."); err != nil {
		return false, err
	}
	manager, err := s.managerOf(ctx, tx, h.OwnerID)
	if err != nil || manager == "" {
		return true, err
	}
	return true, s.notify(ctx, tx, h, baton.MsgOutcome, manager, now, "A meeting's outcome is overdue on a handoff your report owns.")
}

// OutcomeDue returns when the outcome of h's meeting m is due: the tier's
// outcome_by after the meeting ends, on h's clock.
func (s *Service) OutcomeDue(h *baton.Handoff, m *baton.Meeting) time.Time {
	pb := s.Playbook()
	clock, outcomeBy := slaClock(pb, h), 24*time.Hour
	if tier := tierOf(pb, h); tier != nil {
		outcomeBy = time.Duration(tier.OutcomeBy)
	}
	return clock.Add(m.StartsAt.Add(time.Duration(m.Duration)), clock.Span(outcomeBy))
}
