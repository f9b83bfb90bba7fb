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
// tier, source, owner, team and segment. Owners are keyed by email; a breached
// handoff counts for the owner its first breach was on, and for the team it
// was created for (metrics.SLAReport).
//
// A window ending in the future ends now: nothing later has happened, and a
// breach nobody has acted on yet is late by the time until now, not until
// to. The report's To says which end was used.
//
// Anyone but an admin sees the handoffs whose current owner, or the owner
// their first breach was on, is someone in their reach (themselves, or a
// manager's reports and team).
//
// A review of whole UTC days (from at midnight, to at midnight or now: the
// API's dates) comes from the rollups, with the handoffs' figures as they
// stand now and a breach still open measured to now: an admin's from the
// SLA blocks (metrics.SLADims), a few blocks per key whatever the window's
// length; anyone else's from the reach rows (metrics.SLAReachReport). Any
// other window folds its events, as of to.
//
// It returns EINVALID naming "to" when to is not after from and "from" when
// the window is longer than MaxMetricsWindow.
func (s *Service) SLAReport(ctx context.Context, p baton.Principal, from, to time.Time) (metrics.SLAReport, error) {
	if err := checkWindow(from, to); err != nil {
		return metrics.SLAReport{}, err
	}
	now := s.clock.Now()
	if now.Before(to) && now.After(from) {
		to = now
	}
	var report metrics.SLAReport
	err := s.store.View(ctx, func(tx baton.Tx) error {
		r, err := s.users(ctx, tx)
		if err != nil {
			return err
		}
		email := func(id string) string {
			if u := r.User(id); u != nil {
				return u.Email
			}
			return ""
		}
		sc, err := s.visible(ctx, tx, p)
		if err != nil {
			return err
		}
		if fr, ok := tx.(figuresReader); ok && onUTCDays(from, to, now) {
			if report, err = slaFromRollups(ctx, fr, sc, from, to, now); err != nil {
				return err
			}
			report.RenameOwners(email)
			return nil
		}
		agg := metrics.NewSLAAggregator(from, to)
		if sc != nil {
			agg.Visible = sc.has
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
		report.RenameOwners(email)
		return nil
	})
	if err != nil {
		return metrics.SLAReport{}, fmt.Errorf("service: sla report: %w", err)
	}
	return report, nil
}

// onUTCDays reports whether the window [from, to) holds the handoffs
// created on whole UTC days: from is a midnight, and to is one or is now
// (nothing was created after now). A caller's now may be a moment behind
// the service's: an end within nowSkew of now ends now.
func onUTCDays(from, to, now time.Time) bool {
	midnight := func(t time.Time) bool { return metrics.DayStart(metrics.UTCDay(t)).Equal(t) }
	return midnight(from) && (midnight(to) || !to.Before(now.Add(-nowSkew)))
}

// nowSkew is how far before now a window's end still means "now".
const nowSkew = time.Second

// slaFromRollups is the SLA review of the handoffs created on the UTC days
// the window [from, to) touches, from the SLA blocks, as they stand now: a
// breach still open is measured to now (for a past window, to would count
// a breach that came after it as early).
func slaFromRollups(ctx context.Context, fr figuresReader, sc scope, from, to, now time.Time) (metrics.SLAReport, error) {
	fromDay, toDay := metrics.UTCDay(from), metrics.UTCDay(to.Add(-time.Millisecond))+1
	end := now
	if sc != nil {
		agg := metrics.NewSLAReachReport(sc)
		if err := fr.RollupReach(ctx, sc.list(), fromDay, toDay, agg.Add); err != nil {
			return metrics.SLAReport{}, err
		}
		return metrics.SLAFromGroups(from, to, end, agg.Groups()), nil
	}
	var groups [6]map[string]*metrics.Acc
	for i, dim := range metrics.SLADims {
		g, err := fr.RollupGroups(ctx, dim, fromDay, toDay, nil)
		if err != nil {
			return metrics.SLAReport{}, err
		}
		groups[i] = g
	}
	return metrics.SLAFromGroups(from, to, end, groups), nil
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
