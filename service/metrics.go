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
func (s *Service) Summary(ctx context.Context, p baton.Principal, from, to time.Time) (metrics.Summary, error) {
	if err := checkWindow(from, to); err != nil {
		return metrics.Summary{}, err
	}
	agg := metrics.NewAggregator(from, to)
	err := s.store.View(ctx, func(tx baton.Tx) (err error) {
		if agg.Visible, err = s.ownerFilter(ctx, tx, p); err != nil {
			return err
		}
		return tx.EventsBetween(ctx, from, to, func(e *baton.Event) error { return agg.Add(e) })
	})
	return agg.Summary(), err
}
