package service

import (
	"context"
	"fmt"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
)

// startActivities creates a handoff type's activities anchored on an
// event ("created" or "accepted"), each with its reminder and deadline. An
// activity already created (an earlier acceptance) is left alone.
func (s *Service) startActivities(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, anchor string, now time.Time) error {
	ht := pb.HandoffType(h.Type)
	if ht == nil || len(ht.Activities) == 0 {
		return nil
	}
	existing, err := tx.Activities(ctx, h.ID)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, a := range existing {
		have[a.Name] = true
	}
	clock := slaClock(pb, h)
	for _, spec := range ht.Activities {
		if spec.From != anchor || have[spec.Name] {
			continue
		}
		owner := h.OwnerID
		switch spec.Owner {
		case "sender":
			if h.SenderID != "" {
				owner = h.SenderID
			}
		case "backup":
			if h.BackupID != "" {
				owner = h.BackupID
			}
		case "manager":
			m, err := s.managerOf(ctx, tx, h.OwnerID)
			if err != nil {
				return fmt.Errorf("service: activity %s: manager of %s: %w", spec.Name, h.OwnerID, err)
			}
			if m != "" {
				owner = m
			}
		}
		within := clock.Span(time.Duration(spec.Within))
		a := &baton.Activity{ID: newID(), HandoffID: h.ID, Name: spec.Name, Label: spec.Label, OwnerID: owner,
			DueAt: clock.Add(now, within), Status: baton.ActivityOpen, CreatedAt: now}
		if err := tx.InsertActivities(ctx, a); err != nil {
			return err
		}
		if err := tx.InsertTimers(ctx,
			&baton.Timer{ID: newID(), HandoffID: h.ID, Kind: baton.TimerActivityRemind, Ref: a.ID, DueAt: clock.Add(now, within/2)},
			&baton.Timer{ID: newID(), HandoffID: h.ID, Kind: baton.TimerActivityDue, Ref: a.ID, DueAt: a.DueAt},
		); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) cancelActivities(ctx context.Context, tx baton.Tx, h *baton.Handoff) error {
	acts, err := tx.Activities(ctx, h.ID)
	if err != nil {
		return err
	}
	for _, a := range acts {
		if a.Status == baton.ActivityOpen {
			a.Status = baton.ActivityCancelled
			if err := tx.UpdateActivity(ctx, a); err != nil {
				return err
			}
		}
	}
	return nil
}

// CompleteActivity marks a handoff's activity done and stops its clock.
func (s *Service) CompleteActivity(ctx context.Context, p baton.Principal, handoffID, name, note string) (*baton.Activity, error) {
	if len(note) > baton.MaxMessageLen {
		return nil, &baton.Error{Code: baton.EINVALID, Message: "note too long", Fields: []baton.FieldError{{Field: "note", Message: "too long"}}}
	}
	var out *baton.Activity
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		h, err := tx.Handoff(ctx, handoffID)
		if err == nil {
			err = s.mayAct(ctx, tx, p, h, actEdit)
		}
		if err != nil {
			return err
		}
		acts, err := tx.Activities(ctx, h.ID)
		if err != nil {
			return err
		}
		for _, a := range acts {
			if a.Name != name {
				continue
			}
			if a.Status != baton.ActivityOpen {
				return baton.Errorf(baton.ECONFLICT, "activity %s is %s", name, a.Status)
			}
			now := s.clock.Now()
			a.Status, a.DoneAt = baton.ActivityDone, now
			if err := tx.UpdateActivity(ctx, a); err != nil {
				return err
			}
			if err := tx.CancelTimersRef(ctx, a.ID); err != nil {
				return err
			}
			reason := a.Label
			if now.After(a.DueAt) {
				reason += fmt.Sprintf(" (late by %s)", now.Sub(a.DueAt).Round(time.Minute))
			}
			if note != "" {
				reason += ": " + note
			}
			out = a
			return tx.AppendEvent(ctx, &baton.Event{HandoffID: h.ID, Kind: baton.EventActivityDone, At: now, Actor: p.Actor(), OwnerID: a.OwnerID, Reason: reason})
		}
		return baton.Errorf(baton.ENOTFOUND, "handoff %s has no activity %s", handoffID, name)
	})
	return out, err
}

// fireActivity runs an activity's reminder or deadline.
func (s *Service) fireActivity(ctx context.Context, tx baton.Tx, t *baton.Timer, h *baton.Handoff, now time.Time) (bool, error) {
	a, err := tx.Activity(ctx, t.Ref)
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if a.Status != baton.ActivityOpen || h.State == baton.StateCancelled {
		return false, nil
	}
	if t.Kind == baton.TimerActivityRemind {
		return true, s.notify(ctx, tx, h, baton.MsgActivity, a.OwnerID, now,
			fmt.Sprintf("Reminder: %q is due by %s.", a.Label, a.DueAt.Format(time.RFC3339)))
	}
	if err := s.event(ctx, tx, h, baton.EventActivityLate, now, fmt.Sprintf("%q was not done by %s", a.Label, a.DueAt.Format(time.RFC3339))); err != nil {
		return false, err
	}
	manager, err := s.managerOf(ctx, tx, a.OwnerID)
	if err != nil {
		return false, err
	}
	return true, s.notify(ctx, tx, h, baton.MsgActLate, manager, now, fmt.Sprintf("Overdue: %q on a %s handoff was due %s.", a.Label, h.Type, a.DueAt.Format(time.RFC3339)))
}
