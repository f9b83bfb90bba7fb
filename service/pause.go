package service

import (
	"context"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
)

// pause stops a handoff's clocks while it waits on the customer.
func (s *Service) pause(ctx context.Context, tx baton.Tx, h *baton.Handoff, actor, reason string, now time.Time) error {
	if !h.PausedAt.IsZero() {
		return baton.Errorf(baton.ECONFLICT, "cannot pause: handoff is already paused since %s", h.PausedAt.Format(time.RFC3339))
	}
	h.PausedAt, h.UpdatedAt = now, now
	// SLA clocks stop; a meeting's pre-call brief and outcome clock keep
	// the meeting's time.
	if err := tx.PauseTimers(ctx, h.ID, baton.TimerLadder, baton.TimerTouchBreach, baton.TimerFixBreach,
		baton.TimerActivityRemind, baton.TimerActivityDue); err != nil {
		return err
	}
	if err := tx.AppendEvent(ctx, &baton.Event{HandoffID: h.ID, Kind: baton.EventPaused, At: now, Actor: actor, OwnerID: h.OwnerID, Reason: reason}); err != nil {
		return err
	}
	return tx.UpdateHandoff(ctx, h)
}

// resume restarts a paused handoff's clocks: every deadline and timer gets
// back the SLA time it had left when the pause began, read from the log.
func (s *Service) resume(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, actor, note string, now time.Time) error {
	if h.PausedAt.IsZero() {
		return baton.Errorf(baton.ECONFLICT, "cannot resume: handoff is not paused")
	}
	pausedAt, err := lastPause(ctx, tx, h.ID)
	if err != nil {
		return err
	}
	clock := slaClock(pb, h)
	for _, d := range []*time.Time{&h.AcceptBy, &h.FirstTouchBy, &h.FixBy} {
		if !d.IsZero() {
			*d = clock.Resume(*d, pausedAt, now)
		}
	}
	timers, err := tx.PausedTimers(ctx, h.ID)
	if err != nil {
		return err
	}
	for _, t := range timers {
		if err := tx.RearmTimer(ctx, t.ID, clock.Resume(t.DueAt, pausedAt, now)); err != nil {
			return err
		}
	}
	acts, err := tx.Activities(ctx, h.ID)
	if err != nil {
		return err
	}
	for _, a := range acts {
		if a.Status == baton.ActivityOpen {
			a.DueAt = clock.Resume(a.DueAt, pausedAt, now)
			if err := tx.UpdateActivity(ctx, a); err != nil {
				return err
			}
		}
	}
	h.PausedAt, h.UpdatedAt = time.Time{}, now
	if err := appendEvent(ctx, tx, &baton.Event{HandoffID: h.ID, Kind: baton.EventResumed, At: now, Actor: actor, OwnerID: h.OwnerID, Reason: note},
		baton.ResumedData{PausedAt: pausedAt, PausedSeconds: now.Sub(pausedAt).Seconds()}); err != nil {
		return err
	}
	return tx.UpdateHandoff(ctx, h)
}

// lastPause reads when the current pause began from the event log.
func lastPause(ctx context.Context, tx baton.Tx, id string) (time.Time, error) {
	evs, err := tx.Events(ctx, id)
	if err != nil {
		return time.Time{}, err
	}
	for i := len(evs) - 1; i >= 0; i-- {
		switch evs[i].Kind {
		case baton.EventPaused:
			return evs[i].At, nil
		case baton.EventResumed:
			return time.Time{}, baton.Errorf(baton.ECONFLICT, "handoff %s is not paused", id)
		}
	}
	return time.Time{}, baton.Errorf(baton.ECONFLICT, "handoff %s has no pause in its log", id)
}
