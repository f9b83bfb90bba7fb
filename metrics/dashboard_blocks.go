package metrics

import (
	"context"
	"strconv"
	"time"
)

// DashboardBlocksReader is what ReadDashboard reads from a store
// transaction: the figure blocks of a dimension summed by key over UTC
// days [fromDay, toDay), and the rollup rows of one metric.
type DashboardBlocksReader interface {
	RollupGroups(ctx context.Context, dim string, fromDay, toDay int64, group func(key string) string) (map[string]*Acc, error)
	RollupMetric(ctx context.Context, metric string, fromDay, toDay int64) ([]RollupRow, error)
}

// ReadDashboard reads everyone's dashboard of [from, to) from the figure
// blocks of the days [UTCDay(from), toDay) (DashboardFromBlocks): the type
// blocks week by week, the tier and owner blocks of the window and its
// completeness rows.
func ReadDashboard(ctx context.Context, r DashboardBlocksReader, from, to time.Time, toDay int64) (Dashboard, error) {
	fromDay := UTCDay(from)
	var b DashboardBlocks
	for _, w := range DashboardWeekDays(from, to, toDay) {
		week, err := r.RollupGroups(ctx, DimType, w.From, w.To, nil)
		if err != nil {
			return Dashboard{}, err
		}
		b.Weeks = append(b.Weeks, week)
	}
	var err error
	if b.Tiers, err = r.RollupGroups(ctx, DimTier, fromDay, toDay, nil); err != nil {
		return Dashboard{}, err
	}
	if b.Owners, err = r.RollupGroups(ctx, DimOwner, fromDay, toDay, nil); err != nil {
		return Dashboard{}, err
	}
	if b.Completeness, err = r.RollupMetric(ctx, RollupComplete, fromDay, toDay); err != nil {
		return Dashboard{}, err
	}
	return DashboardFromBlocks(from, to, b), nil
}

// DashboardBlocks are the figure blocks a dashboard reads instead of the
// rollup rows of its days (DashboardFromBlocks): the type blocks of each
// week's days, by type; the tier and owner blocks of the window, by tier
// and owner; and the window's RollupComplete rows (blocks keep the
// completeness scores' sum, not their distribution).
type DashboardBlocks struct {
	Weeks        []map[string]*Acc
	Tiers        map[string]*Acc
	Owners       map[string]*Acc
	Completeness []RollupRow
}

// DashboardWeekDays returns, for each week of the dashboard of [from, to)
// (as Dashboard.Weeks), the UTC days [From, To) of the window in it, for
// a store to read the week's blocks; toDay is the window's end day (as for
// the rollup rows).
func DashboardWeekDays(from, to time.Time, toDay int64) []Span {
	var out []Span
	fromDay := UTCDay(from)
	for w := WeekStart(from); w.Before(to); w = w.AddDate(0, 0, 7) {
		d := UTCDay(w)
		out = append(out, Span{From: max(d, fromDay), To: min(d+7, toDay)})
	}
	return out
}

// DashboardFromBlocks builds the same dashboard as DashboardFromRollups
// over the rollup rows of the days [UTCDay(from), toDay), from the figure
// blocks of those days: the handoffs, breaches, rejections and the times
// to accept and to first touch of the rollup rows are the MHandoffs,
// MBreached, MRejected, MTAccept and MTTouch cells of the blocks, keyed by
// the same day of creation, type, tier and current owner. A 90-day
// dashboard at a million handoffs reads about 126,000 day rows, or a few
// thousand blocks.
func DashboardFromBlocks(from, to time.Time, b DashboardBlocks) Dashboard {
	d := Dashboard{From: from, To: to}
	byType, byTier := map[string]*Rate{}, map[string]*Rate{}
	rate := func(m map[string]*Rate, key string, a *Acc) {
		if key == "" {
			key = NoneKey
		}
		r := m[key]
		if r == nil {
			r = &Rate{Key: key}
			m[key] = r
		}
		r.Handoffs += int(a.count(MHandoffs))
		r.Breached += int(a.count(MBreached))
	}
	i := 0
	for w := WeekStart(from); w.Before(to); w = w.AddDate(0, 0, 7) {
		wk := Week{Start: w}
		var accept, touch Acc
		if i < len(b.Weeks) {
			for key, a := range b.Weeks[i] {
				wk.Handoffs += int(a.count(MHandoffs))
				wk.Rejected += int(a.count(MRejected))
				rate(byType, key, a)
				accept.addDurs(a, MTAccept)
				touch.addDurs(a, MTTouch)
			}
		}
		wk.Accept, wk.FirstTouch = accept.durations(MTAccept), touch.durations(MTTouch)
		if wk.Handoffs > 0 {
			wk.RejectionRate = round(float64(wk.Rejected) / float64(wk.Handoffs))
		}
		d.Weeks = append(d.Weeks, wk)
		i++
	}
	for key, a := range b.Tiers {
		rate(byTier, key, a)
	}
	byOwner := map[string]int{}
	for key, a := range b.Owners {
		if key == "" {
			key = NoneKey
		}
		byOwner[key] += int(a.count(MHandoffs))
	}
	buckets := make([]int, len(CompletenessBuckets))
	for _, r := range b.Completeness {
		if r.Metric != RollupComplete {
			continue
		}
		if r.Key == unscoredKey {
			d.Unscored += int(r.N)
		} else if k, err := strconv.Atoi(r.Key); err == nil && k >= 0 && k < len(buckets) {
			buckets[k] += int(r.N)
		}
	}
	finishTotals(&d, byType, byTier, byOwner, buckets)
	return d
}

// addDurs adds b's histogram of the duration metric m.
func (a *Acc) addDurs(b *Acc, m Metric) {
	h := b.durs[m-MTAssign]
	if h == nil {
		return
	}
	if a.durs[m-MTAssign] == nil {
		a.durs[m-MTAssign] = &hist{}
	}
	a.durs[m-MTAssign].addHist(h)
}

// durations summarises a duration metric as summariseBuckets does.
func (a *Acc) durations(m Metric) Durations {
	t := a.times(m)
	if t.Count == 0 {
		return Durations{}
	}
	return Durations{Count: int(t.Count), MedianSeconds: t.P50Seconds, P90Seconds: t.P90Seconds}
}
