package service

import (
	"context"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
)

// MaxMetricsWindow bounds a summary's window.
const MaxMetricsWindow = 366 * 24 * time.Hour

// Summary computes the metrics of handoffs created in [from, to) from the
// event log, counting those whose events name an owner p sees.
//
// For everyone's handoffs it reads the rollups when they give the fold's
// answer (from at a UTC midnight and no event dated at or after to; the
// percentiles are then within 5 %, see metrics.DurationBucket); otherwise
// it folds the window's events: for a person, only those of the handoffs
// whose events name an owner they see (eventsSeen).
func (s *Service) Summary(ctx context.Context, p baton.Principal, from, to time.Time) (metrics.Summary, error) {
	if err := checkWindow(from, to); err != nil {
		return metrics.Summary{}, err
	}
	var sum metrics.Summary
	err := s.store.View(ctx, func(tx baton.Tx) error {
		sc, err := s.visible(ctx, tx, p)
		if err != nil {
			return err
		}
		var ok bool
		if sum, ok, err = s.summaryFromRollups(ctx, tx, sc, from, to); err != nil || ok {
			return err
		}
		agg := metrics.NewAggregator(from, to)
		if sc != nil {
			agg.Visible = sc.has
		}
		if err := eventsSeen(ctx, tx, sc, from, to, agg.Add); err != nil {
			return err
		}
		sum = agg.Summary()
		return nil
	})
	return sum, err
}

// eventsSeen streams, in log order, the events of [from, to) a fold for sc
// needs: every event for everyone (sc nil); for a person's scope, when the
// store can find them by owner, only the events of the handoffs one of
// whose events in the window names an owner in it (the fold's Visible
// filter keeps the same handoffs either way).
func eventsSeen(ctx context.Context, tx baton.Tx, sc scope, from, to time.Time, fn func(*baton.Event) error) error {
	if oe, ok := tx.(ownedEventsReader); ok && sc != nil {
		return oe.OwnedEventsBetween(ctx, from, to, sc.list(), fn)
	}
	return tx.EventsBetween(ctx, from, to, fn)
}
