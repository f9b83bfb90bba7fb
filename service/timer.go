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
	var f firing
	err = s.store.Update(ctx, func(tx baton.Tx) error {
		f = firing{}
		return s.fireIn(ctx, tx, id, &f)
	})
	if err != nil {
		return false, err
	}
	return s.afterFire(ctx, &f)
}

// TimerResult is what FireTimers did with one timer: FireTimer's results.
type TimerResult struct {
	Fired bool
	Err   error
}

// FireTimers fires several due timers, in the order given, in one
// transaction: each step sees the ones before it, as in separate
// transactions, but a handoff whose steps fell due together (a node
// catching up after downtime, a burst of reminders) commits once. When the
// shared transaction fails, each timer is fired on its own with FireTimer,
// so one failing step holds back none of the others. The results are in
// the order of ids.
func (s *Service) FireTimers(ctx context.Context, ids []string) []TimerResult {
	out := make([]TimerResult, len(ids))
	if len(ids) == 1 {
		out[0].Fired, out[0].Err = s.FireTimer(ctx, ids[0])
		return out
	}
	fs := make([]firing, len(ids))
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		for i, id := range ids {
			fs[i] = firing{}
			if err := s.fireIn(ctx, tx, id, &fs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		// One by one: each commits or fails alone.
		for i, id := range ids {
			out[i].Fired, out[i].Err = s.FireTimer(ctx, id)
		}
		return out
	}
	for i := range fs {
		out[i].Fired, out[i].Err = s.afterFire(ctx, &fs[i])
	}
	return out
}

// firing is what firing one timer did, for after its transaction commits.
type firing struct {
	fired bool
	// weekly is a manager's weekly-review timer, fired after the commit
	// (see weekly.go).
	weekly *baton.Timer
	// ran is the timer, when it was pending: the observer is told.
	ran          *baton.Timer
	late         time.Duration
	breachedType string
}

// fireIn runs timer id's step in tx, recording what happened in f.
func (s *Service) fireIn(ctx context.Context, tx baton.Tx, id string, f *firing) error {
	t, err := tx.Timer(ctx, id)
	if err != nil {
		return err
	}
	if t.Status != baton.TimerPending {
		return nil
	}
	f.ran, f.late = t, s.clock.Now().Sub(t.DueAt)
	if t.Kind == baton.TimerWeekly {
		f.weekly = t // a manager's, not a handoff's: see weekly.go
		return nil
	}
	now := s.clock.Now()
	if t.Kind == baton.TimerRenewal { // an account's, not a handoff's: see renewal.go
		f.fired, err = s.fireRenewal(ctx, tx, t, now)
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
			status, f.fired = baton.TimerFired, true
		}
		if h.Breached && !wasBreached {
			f.breachedType = h.Type
		}
	}
	return tx.FinishTimer(ctx, t.ID, status, now)
}

// afterFire does what follows a committed firing: the weekly review (its
// own transaction) and the observer.
func (s *Service) afterFire(ctx context.Context, f *firing) (fired bool, err error) {
	fired = f.fired
	if f.weekly != nil {
		fired, err = s.fireWeekly(ctx, f.weekly)
	}
	if o := s.observer(); o != nil && err == nil && f.ran != nil {
		o.TimerFired(f.ran.Kind, fired, f.late)
		if f.breachedType != "" {
			o.Breached(f.breachedType, breachStep(f.ran.Kind))
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
