package service

import (
	"context"
	"fmt"
	"time"

	"github.com/batonhq/baton"
)

// ClaimTimers leases up to limit due timers for a worker.
func (s *Service) ClaimTimers(ctx context.Context, lease time.Duration, limit int) ([]*baton.Timer, error) {
	var out []*baton.Timer
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		var err error
		out, err = tx.ClaimTimers(ctx, s.clock.Now(), lease, limit)
		return err
	})
	return out, err
}

// FireTimer runs a due timer's step exactly once: in one transaction it
// checks the timer is still pending, checks the handoff's state and
// generation (a moot step is finished as cancelled and does nothing), and
// writes the step's events, state and messages with the timer's completion.
// Firing a timer that already fired is a no-op, so a worker may retry it.
func (s *Service) FireTimer(ctx context.Context, id string) (fired bool, err error) {
	var weekly *baton.Timer
	// What the observer is told once the transaction commits.
	var ran *baton.Timer
	var late time.Duration
	var breachedType string
	err = s.store.Update(ctx, func(tx baton.Tx) error {
		fired, weekly, ran, breachedType = false, nil, nil, ""
		t, err := tx.Timer(ctx, id)
		if err != nil {
			return err
		}
		if t.Status != baton.TimerPending {
			return nil
		}
		ran, late = t, s.clock.Now().Sub(t.DueAt)
		if t.Kind == baton.TimerWeekly {
			weekly = t // a manager's, not a handoff's: see weekly.go
			return nil
		}
		now := s.clock.Now()
		if t.Kind == baton.TimerRenewal { // an account's, not a handoff's: see renewal.go
			fired, err = s.fireRenewal(ctx, tx, t, now)
			return err
		}
		h, err := tx.Handoff(ctx, t.HandoffID)
		if err != nil {
			return err
		}
		status := baton.TimerCancelled
		// Activities and meetings keep their clocks across reassignments.
		activity := t.Kind == baton.TimerActivityRemind || t.Kind == baton.TimerActivityDue || t.Kind == baton.TimerPreCall || t.Kind == baton.TimerProspectRemind || baton.KTTimer(t.Kind)
		if t.Generation == h.Generation || activity {
			wasBreached := h.Breached
			ok, err := s.fire(ctx, tx, t, h, now)
			if err != nil {
				return err
			}
			if ok {
				status, fired = baton.TimerFired, true
			}
			if h.Breached && !wasBreached {
				breachedType = h.Type
			}
		}
		return tx.FinishTimer(ctx, t.ID, status, now)
	})
	if err == nil && weekly != nil {
		fired, err = s.fireWeekly(ctx, weekly)
	}
	if o := s.observer(); o != nil && err == nil && ran != nil {
		o.TimerFired(ran.Kind, fired, late)
		if breachedType != "" {
			o.Breached(breachedType, breachStep(ran.Kind))
		}
	}
	return fired, err
}

// fire applies one timer's step; false means the step is moot.
func (s *Service) fire(ctx context.Context, tx baton.Tx, t *baton.Timer, h *baton.Handoff, now time.Time) (bool, error) {
	pb := s.Playbook()
	switch t.Kind {
	case baton.TimerLadder:
		return s.fireLadder(ctx, tx, pb, t, h, now)
	case baton.TimerActivityRemind, baton.TimerActivityDue:
		return s.fireActivity(ctx, tx, t, h, now)
	case baton.TimerOutcomeDue:
		return s.fireOutcomeDue(ctx, tx, t, h, now)
	case baton.TimerPreCall:
		return s.firePreCall(ctx, tx, t, h, now)
	case baton.TimerProspectRemind:
		return s.fireProspectReminder(ctx, tx, t, h, now)
	case baton.TimerCSNotify, baton.TimerKTConfirm, baton.TimerKTAgenda, baton.TimerKTInvites:
		return s.fireKT(ctx, tx, t, h, now)

	case baton.TimerTouchBreach:
		switch h.State {
		case baton.StateAccepted:
			return true, s.breach(ctx, tx, h, now, "first touch", h.FirstTouchBy)
		case baton.StateAssigned:
			// The accept breach already alerted; record the missed touch too.
			return true, appendEvent(ctx, tx, &baton.Event{HandoffID: h.ID, Kind: baton.EventBreached, At: now, Actor: baton.ActorClock, OwnerID: h.OwnerID,
				Reason: "first-touch deadline passed while still unaccepted"}, baton.BreachedData{Step: "first touch", Deadline: h.FirstTouchBy})
		}
		return false, nil

	case baton.TimerFixBreach:
		if h.State != baton.StateReturned {
			return false, nil
		}
		if err := s.event(ctx, tx, h, baton.EventFixOverdue, now, "the sender did not fix the named gaps by the fix-by deadline"); err != nil {
			return false, err
		}
		recipient := ""
		if h.SenderID != "" {
			if u, err := tx.User(ctx, h.SenderID); err == nil {
				recipient = u.ManagerID
			} else if baton.ErrorCode(err) != baton.ENOTFOUND {
				return false, fmt.Errorf("service: fix overdue: sender %s: %w", h.SenderID, err)
			}
		}
		return true, s.notify(ctx, tx, h, baton.MsgFixOver, recipient, now, "A returned handoff was not fixed by its fix-by deadline.")
	}
	return false, nil
}

// breach flags h, logs the breach and alerts the owner's manager (ops when
// the owner has none).
// channels are the ladder step's, if it named any.
func (s *Service) breach(ctx context.Context, tx baton.Tx, h *baton.Handoff, now time.Time, step string, deadline time.Time, channels ...string) error {
	h.Breached, h.UpdatedAt = true, now
	if err := tx.UpdateHandoff(ctx, h); err != nil {
		return err
	}
	if err := appendEvent(ctx, tx, &baton.Event{HandoffID: h.ID, Kind: baton.EventBreached, At: now, Actor: baton.ActorClock, OwnerID: h.OwnerID,
		Reason: fmt.Sprintf("%s deadline %s passed", step, deadline.Format(time.RFC3339))}, baton.BreachedData{Step: step, Deadline: deadline}); err != nil {
		return err
	}
	manager := ""
	if h.OwnerID != "" {
		if u, err := tx.User(ctx, h.OwnerID); err == nil {
			manager = u.ManagerID
		} else if baton.ErrorCode(err) != baton.ENOTFOUND {
			return fmt.Errorf("service: breach: owner %s: %w", h.OwnerID, err)
		}
	}
	return s.raise(ctx, tx, h, note{kind: baton.MsgBreach, recipient: manager, channels: channels, deadline: deadline, step: step,
		text: fmt.Sprintf("SLA breached: the %s deadline of a %s handoff passed at %s.", step, h.Type, deadline.Format(time.RFC3339))}, now)
}

func (s *Service) event(ctx context.Context, tx baton.Tx, h *baton.Handoff, kind string, now time.Time, reason string) error {
	return tx.AppendEvent(ctx, &baton.Event{HandoffID: h.ID, Kind: kind, At: now, Actor: baton.ActorClock, OwnerID: h.OwnerID, Reason: reason})
}

// managerOf returns the manager of userID, "" when there is none.
func (s *Service) managerOf(ctx context.Context, tx baton.Tx, userID string) (string, error) {
	if userID == "" {
		return "", nil
	}
	r, err := s.users(ctx, tx)
	if err != nil {
		return "", err
	}
	if u := r.User(userID); u != nil {
		return u.ManagerID, nil
	}
	return "", nil
}
