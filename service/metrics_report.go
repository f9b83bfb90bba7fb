package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
)

// MaxReportWindow bounds the window of Metrics and SuccessMetrics: ten
// years of days (they read rollups, so the length costs little).
const MaxReportWindow = 3660 * 24 * time.Hour

// figuresReader is a store transaction that keeps the figure rollups
// (package sqlite does).
type figuresReader interface {
	// RollupGroups sums the blocks of a stored dimension by group (group
	// names a key's; nil keeps keys) over the handoffs created on the UTC
	// days [fromDay, toDay).
	RollupGroups(ctx context.Context, dim string, fromDay, toDay int64, group func(key string) string) (map[string]*metrics.Acc, error)
	// RollupReach streams the reach rows (metrics.ReachRow) of people
	// for the handoffs created on those days: a row per handoff and
	// person who owns or sent it.
	RollupReach(ctx context.Context, people []string, fromDay, toDay int64, fn func(person string, row []byte) error) error
}

// reportDays turns a window into whole UTC days: the day from falls in,
// through the day before to ends (a to at midnight ends the day before).
// It returns EINVALID naming "to" when to is not after from, and "from"
// when the window is longer than max.
func reportDays(from, to time.Time, max time.Duration) (fromDay, toDay int64, err error) {
	if !to.After(from) {
		return 0, 0, &baton.Error{Code: baton.EINVALID, Message: "invalid window", Fields: []baton.FieldError{{Field: "to", Message: "must be after from"}}}
	}
	if to.Sub(from) > max {
		return 0, 0, &baton.Error{Code: baton.EINVALID, Message: "window too long",
			Fields: []baton.FieldError{{Field: "from", Message: fmt.Sprintf("window must be at most %d days", int(max.Hours()/24))}}}
	}
	return metrics.UTCDay(from), metrics.UTCDay(to.Add(-time.Millisecond)) + 1, nil
}

// Metrics computes every figure of the handoffs created in the window,
// widened to whole UTC days (the report's From and To say which), in total
// and split by one of metrics.Dims: time to assign, accept, first touch
// and close (p50, p90, p95), breach, reassignment, rejection (flagged over
// 5 %) and recycle rates, the funnel from handoff to won with the show
// and reschedule rates, completeness, ratings and survey scores, and the
// deal value at risk. Owners and senders are keyed by email, teams by the
// owner's team on the roster.
//
// An admin's figures come from the rollups: a few blocks per key whatever
// the window. Anyone else sees the handoffs they (or, for a manager, their
// reports and team) own or sent, summed from one stored row per handoff
// and person in reach, each handoff counted once (metrics.ReachReport).
//
// It returns EINVALID naming "by" for an unknown dimension and the window
// errors of reportDays.
func (s *Service) Metrics(ctx context.Context, p baton.Principal, from, to time.Time, by string) (metrics.Report, error) {
	if !slices.Contains(metrics.Dims, by) {
		return metrics.Report{}, &baton.Error{Code: baton.EINVALID, Message: "invalid dimension",
			Fields: []baton.FieldError{{Field: "by", Message: "must be one of " + strings.Join(metrics.Dims, ", ")}}}
	}
	fromDay, toDay, err := reportDays(from, to, MaxReportWindow)
	if err != nil {
		return metrics.Report{}, err
	}
	var report metrics.Report
	err = s.store.View(ctx, func(tx baton.Tx) error {
		fr, ok := tx.(figuresReader)
		if !ok {
			return baton.Errorf(baton.EINTERNAL, "the store keeps no metric rollups")
		}
		sc, err := s.visible(ctx, tx, p)
		if err != nil {
			return err
		}
		r, err := s.users(ctx, tx)
		if err != nil {
			return err
		}
		team := func(owner string) string {
			if u := r.User(owner); u != nil && u.Team != "" {
				return u.Team
			}
			return metrics.NoneKey
		}
		email := func(id string) string {
			if u := r.User(id); u != nil {
				return u.Email
			}
			return id
		}
		var groups map[string]*metrics.Acc
		if sc == nil {
			dim, group := by, (func(string) string)(nil)
			switch by {
			case metrics.DimAll:
				dim, group = metrics.DimType, func(string) string { return metrics.TotalKey }
			case metrics.DimOwner, metrics.DimSender:
				group = email
			}
			if groups, err = fr.RollupGroups(ctx, dim, fromDay, toDay, group); err != nil {
				return err
			}
		} else {
			agg := metrics.NewReachReport(by, sc, team)
			if err := fr.RollupReach(ctx, sc.list(), fromDay, toDay, agg.Add); err != nil {
				return err
			}
			groups = agg.Groups()
			if by == metrics.DimOwner || by == metrics.DimSender {
				groups = metrics.Regroup(groups, email)
			}
		}
		report = metrics.NewReport(metrics.DayStart(fromDay), metrics.DayStart(toDay), by, groups)
		return nil
	})
	if err != nil {
		return metrics.Report{}, fmt.Errorf("service: metrics: %w", err)
	}
	return report, nil
}

// SuccessMetrics computes each handoff type's playbook success_metric over
// the handoffs of that type created in the window (as Metrics, by type):
// the playbook's types in order, then any other type that has handoffs in
// the window. Errors as Metrics.
func (s *Service) SuccessMetrics(ctx context.Context, p baton.Principal, from, to time.Time) (metrics.SuccessReport, error) {
	rep, err := s.Metrics(ctx, p, from, to, metrics.DimType)
	if err != nil {
		return metrics.SuccessReport{}, err
	}
	byType := map[string]metrics.Figures{}
	for _, f := range rep.Groups {
		byType[f.Key] = f
	}
	out := metrics.SuccessReport{From: rep.From, To: rep.To, Types: []metrics.TypeSuccess{}}
	seen := map[string]bool{}
	for _, ht := range s.Playbook().HandoffTypes {
		seen[ht.Name] = true
		f := byType[ht.Name]
		f.Key = ht.Name
		out.Types = append(out.Types, metrics.TypeSuccess{Type: ht.Name, Label: ht.Label, SuccessMetric: ht.SuccessMetric,
			Handoffs: f.Handoffs, Figures: metrics.SuccessFigures(ht.SuccessMetric, f)})
	}
	var rest []string
	for k := range byType {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		out.Types = append(out.Types, metrics.TypeSuccess{Type: k, Handoffs: byType[k].Handoffs, Figures: []metrics.SuccessFigure{}})
	}
	return out, nil
}

// summaryFromRollups answers Summary from the rollups when they give the
// fold's answer: for everyone's handoffs (sc nil), from at a UTC midnight,
// and no event at or after to (so no later event is counted). ok is false
// when the fold must answer.
func (s *Service) summaryFromRollups(ctx context.Context, tx baton.Tx, sc scope, from, to time.Time) (sum metrics.Summary, ok bool, err error) {
	fr, isFR := tx.(figuresReader)
	rr, isRR := tx.(rollupReader)
	if !isFR || !isRR || sc != nil || !from.Equal(metrics.DayStart(metrics.UTCDay(from))) {
		return sum, false, nil
	}
	last, err := rr.LastEventAt(ctx)
	if err != nil || !last.Before(to) {
		return sum, false, err
	}
	fromDay, toDay := metrics.UTCDay(from), metrics.UTCDay(to.Add(-time.Millisecond))+1
	groups, err := fr.RollupGroups(ctx, metrics.DimType, fromDay, toDay, nil)
	if err != nil {
		return sum, false, err
	}
	return metrics.SummaryFromGroups(from, to, groups), true, nil
}
