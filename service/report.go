package service

import (
	"context"
	"fmt"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
)

// SLAReport computes the missed-handoff review of handoffs created in
// [from, to): breaches, breach rate and breach margins by handoff type,
// tier, source, owner, team and segment, counting the handoffs whose
// events name an owner p sees. Owners are keyed by email and grouped into
// their team on the current roster.
//
// A window ending in the future ends now: nothing later has happened, and a
// breach nobody has acted on yet is late by the time until now, not until
// to. The report's To says which end was used.
//
// It returns EINVALID naming "to" when to is not after from and "from" when
// the window is longer than MaxMetricsWindow.
func (s *Service) SLAReport(ctx context.Context, p baton.Principal, from, to time.Time) (metrics.SLAReport, error) {
	if err := checkWindow(from, to); err != nil {
		return metrics.SLAReport{}, err
	}
	if now := s.clock.Now(); now.Before(to) && now.After(from) {
		to = now
	}
	var report metrics.SLAReport
	err := s.store.View(ctx, func(tx baton.Tx) error {
		r, err := s.users(ctx, tx)
		if err != nil {
			return err
		}
		agg := metrics.NewSLAAggregator(from, to, func(id string) string {
			if u := r.User(id); u != nil {
				return u.Team
			}
			return ""
		})
		if agg.Visible, err = s.ownerFilter(ctx, tx, p); err != nil {
			return err
		}
		sc, err := s.visible(ctx, tx, p)
		if err != nil {
			return err
		}
		events := eventsSeen
		if se, ok := tx.(slaEventsReader); ok && sc == nil {
			events = func(ctx context.Context, _ baton.Tx, _ scope, from, to time.Time, fn func(*baton.Event) error) error {
				return se.SLAEventsBetween(ctx, from, to, fn)
			}
		}
		if err := events(ctx, tx, sc, from, to, agg.Add); err != nil {
			return err
		}
		report = agg.Report()
		report.RenameOwners(func(id string) string {
			if u := r.User(id); u != nil {
				return u.Email
			}
			return ""
		})
		return nil
	})
	if err != nil {
		return metrics.SLAReport{}, fmt.Errorf("service: sla report: %w", err)
	}
	return report, nil
}

// slaEventsReader is a store transaction that streams only the events an
// SLA report folds (metrics.SLAKinds), in log order (both stores do).
type slaEventsReader interface {
	SLAEventsBetween(ctx context.Context, from, to time.Time, fn func(*baton.Event) error) error
}

// checkWindow validates a metrics window as Summary does.
func checkWindow(from, to time.Time) error {
	if !to.After(from) {
		return &baton.Error{Code: baton.EINVALID, Message: "invalid window", Fields: []baton.FieldError{{Field: "to", Message: "must be after from"}}}
	}
	if to.Sub(from) > MaxMetricsWindow {
		return &baton.Error{Code: baton.EINVALID, Message: "window too long", Fields: []baton.FieldError{{Field: "from", Message: "window must be at most 366 days"}}}
	}
	return nil
}
