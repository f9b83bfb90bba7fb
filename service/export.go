package service

import (
	"context"
	"fmt"
	"time"

	"github.com/batonhq/baton"
)

// MaxExportWindow is the longest window an events export covers.
const MaxExportWindow = 366 * 24 * time.Hour

// EventsFor streams to fn, in order, the events at or after from and
// before to of the handoffs p sees (every handoff for an admin). It is the
// events export: one read transaction, so the rows are a consistent view.
func (s *Service) EventsFor(ctx context.Context, p baton.Principal, from, to time.Time, fn func(*baton.Event) error) error {
	if err := CheckExportWindow(from, to); err != nil {
		return err
	}
	return s.store.View(ctx, func(tx baton.Tx) error {
		sc, err := s.visible(ctx, tx, p)
		if err != nil {
			return err
		}
		seen := map[string]bool{} // handoff id → in scope
		err = tx.EventsBetween(ctx, from, to, func(e *baton.Event) error {
			if sc != nil {
				in, ok := seen[e.HandoffID]
				if !ok {
					h, err := tx.Handoff(ctx, e.HandoffID)
					if err != nil && baton.ErrorCode(err) != baton.ENOTFOUND {
						return err
					}
					in = err == nil && sc.sees(h)
					seen[e.HandoffID] = in
				}
				if !in {
					return nil
				}
			}
			return fn(e)
		})
		if err != nil {
			return fmt.Errorf("service: events export: %w", err)
		}
		return nil
	})
}

// CheckExportWindow returns an EINVALID error naming the field when
// [from, to) is empty or longer than MaxExportWindow.
func CheckExportWindow(from, to time.Time) error {
	if !to.After(from) {
		return &baton.Error{Code: baton.EINVALID, Message: "invalid window", Fields: []baton.FieldError{{Field: "to", Message: "must be after from"}}}
	}
	if to.Sub(from) > MaxExportWindow {
		return &baton.Error{Code: baton.EINVALID, Message: "invalid window", Fields: []baton.FieldError{{Field: "from", Message: "the window must be at most 366 days"}}}
	}
	return nil
}
