package service

import (
	"context"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/sla"
)

// clockKinds are the timers of a handoff's own clocks (not its activities').
var clockKinds = []string{baton.TimerLadder, baton.TimerTouchBreach, baton.TimerOutcomeDue, baton.TimerFixBreach}

// tierOf returns a handoff's tier, falling back to its type's.
func tierOf(pb *playbook.Playbook, h *baton.Handoff) *playbook.Tier {
	if t := pb.Tier(h.Tier); t != nil {
		return t
	}
	if ht := pb.HandoffType(h.Type); ht != nil {
		return ht.TierOf()
	}
	return nil
}

// slaClock returns the clock of a handoff: its tier's, on the receiving
// team's calendar.
func slaClock(pb *playbook.Playbook, h *baton.Handoff) sla.Clock {
	return sla.ClockFor(tierOf(pb, h), pb.CalendarFor(h.ToTeam))
}

// plan computes the clocks of a new assignment of h at now.
func (s *Service) plan(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, now time.Time) (sla.Plan, error) {
	ht, tier := pb.HandoffType(h.Type), tierOf(pb, h)
	if ht == nil || tier == nil {
		return sla.Plan{}, baton.Errorf(baton.ECONFLICT, "handoff type %s is no longer in the playbook", h.Type)
	}
	var meetingStart time.Time
	if h.MeetingID != "" {
		m, err := tx.Meeting(ctx, h.MeetingID)
		if err != nil {
			return sla.Plan{}, err
		}
		meetingStart = m.StartsAt
	}
	return sla.Assignment(ht, tier, slaClock(pb, h), now, meetingStart), nil
}

// schedule writes the timers of an assignment's plan. On a business clock a
// step that alerts someone waits for their next working minute; a step so
// deferred past a later step has lost its moment and is merged into the
// later one (sla.InOrder), so no rung is ever sent after a later rung. A
// handoff the clock already moved to its backup is not moved again.
func (s *Service) schedule(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, plan sla.Plan, now time.Time, backedUp bool) error {
	r, err := s.users(ctx, tx)
	if err != nil {
		return err
	}
	clock := slaClock(pb, h)
	wait := func(userID string, t time.Time) time.Time {
		if u := r.User(userID); u != nil && !clock.AroundTheClock {
			return r.NextWorking(u, t)
		}
		return t
	}
	owner := r.User(h.OwnerID)
	manager := ""
	if owner != nil {
		manager = owner.ManagerID
	}
	var steps []sla.Step
	for _, st := range plan.Ladder {
		if st.Action == playbook.ActionReassignBackup && backedUp {
			continue
		}
		st.Due = wait(ladderRecipient(pb, r, h, st.Action), st.Due)
		steps = append(steps, st)
	}
	var timers []*baton.Timer
	for _, st := range sla.InOrder(steps) {
		timers = append(timers, &baton.Timer{Kind: baton.TimerLadder, Step: st.Index, DueAt: st.Due, Ref: ladderRef{merged: st.Merged}.String()})
	}
	timers = append(timers, &baton.Timer{Kind: baton.TimerTouchBreach, DueAt: wait(manager, plan.FirstTouchBy)})
	if h.MeetingID != "" {
		m, err := tx.Meeting(ctx, h.MeetingID)
		if err != nil {
			return err
		}
		timers = append(timers, outcomeClock(pb, h, m)...)
	}
	for _, t := range timers {
		t.ID, t.HandoffID, t.Generation = newID(), h.ID, h.Generation
	}
	return tx.InsertTimers(ctx, timers...)
}

// SLALeft returns the SLA time from t to deadline on h's clock (its tier's,
// on the receiving team's calendar): what a paused clock has left. It is
// negative when the deadline had already passed at t.
func (s *Service) SLALeft(h *baton.Handoff, t, deadline time.Time) time.Duration {
	if deadline.Before(t) {
		return deadline.Sub(t)
	}
	return slaClock(s.Playbook(), h).Between(t, deadline)
}
