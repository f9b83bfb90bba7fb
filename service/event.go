package service

import (
	"context"
	"fmt"

	"github.com/batonhq/baton"
)

// appendEvent sets data as ev's payload (nil for kinds without one) and
// appends ev to its handoff's log.
func appendEvent(ctx context.Context, tx baton.Tx, ev *baton.Event, data baton.EventData) error {
	if data != nil {
		if err := ev.SetData(data); err != nil {
			return fmt.Errorf("service: %s: %w", ev.HandoffID, err)
		}
	}
	return tx.AppendEvent(ctx, ev)
}

// reassignStep names what moves a handoff to a named owner: the escalation
// ladder step its caller set on the reassigned event, else "manual" (a
// person's reassignment, or a resubmission back to the owner).
func reassignStep(ev *baton.Event) string {
	if d, err := baton.DecodeEventData[baton.ReassignedData](ev); err == nil && d.Step != "" {
		return d.Step
	}
	return "manual"
}

// setOwnerChange sets the payload of a reassigned or resubmitted event: the
// move from one owner to another, by id and by name. A reassigned event
// keeps the ladder step its caller set.
func (s *Service) setOwnerChange(ctx context.Context, tx baton.Tx, ev *baton.Event, from, to string) error {
	c := baton.OwnerChange{From: from, To: to}
	var err error
	if c.FromName, err = s.userName(ctx, tx, from); err != nil {
		return err
	}
	if c.ToName, err = s.userName(ctx, tx, to); err != nil {
		return err
	}
	var data baton.EventData = baton.ResubmittedData{OwnerChange: c}
	if ev.Kind == baton.EventReassigned {
		d, err := baton.DecodeEventData[baton.ReassignedData](ev)
		if err != nil {
			return err
		}
		d.OwnerChange = c
		data = d
	}
	if err := ev.SetData(data); err != nil {
		return fmt.Errorf("service: %s: %w", ev.HandoffID, err)
	}
	return nil
}

// userName is the display name of a user id, empty when unknown.
func (s *Service) userName(ctx context.Context, tx baton.Tx, id string) (string, error) {
	if id == "" {
		return "", nil
	}
	r, err := s.users(ctx, tx)
	if err != nil {
		return "", err
	}
	if u := r.User(id); u != nil {
		return u.Name, nil
	}
	return "", nil
}
