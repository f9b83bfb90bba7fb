package service

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
)

// The weekly missed-handoff review goes to each manager at WeeklyDay
// WeeklyHour:00 in the manager's own time zone, covering the seven days
// before.
const (
	WeeklyDay  = time.Monday
	WeeklyHour = 8
)

// WeeklyTimerID is the id of a manager's review timer for the week whose
// review is due at due: one per (manager, ISO week), so arming it twice
// is a no-op.
func WeeklyTimerID(managerID string, due time.Time) string {
	y, w := due.ISOWeek()
	return fmt.Sprintf("weekly:%s:%04d-W%02d", managerID, y, w)
}

// NextWeekly returns the first WeeklyDay WeeklyHour:00 in loc after now.
func NextWeekly(now time.Time, loc *time.Location) time.Time {
	l := now.In(loc)
	days := (int(WeeklyDay) - int(l.Weekday()) + 7) % 7
	due := time.Date(l.Year(), l.Month(), l.Day()+days, WeeklyHour, 0, 0, 0, loc)
	if !due.After(now) {
		due = time.Date(l.Year(), l.Month(), l.Day()+days+7, WeeklyHour, 0, 0, 0, loc)
	}
	return due
}

// isManager reports whether u gets the weekly review.
func isManager(u *baton.User) bool {
	return u.Active && (u.Role == baton.RoleManager || u.Access == baton.AccessManager)
}

// ScheduleWeeklyReviews arms the next weekly review of every active
// manager that has none armed. It is idempotent: serve calls it at start,
// and each review arms the next one.
func (s *Service) ScheduleWeeklyReviews(ctx context.Context) error {
	return s.store.Update(ctx, func(tx baton.Tx) error {
		users, err := tx.Users(ctx)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		for _, u := range users {
			if !isManager(u) {
				continue
			}
			if err := s.armWeekly(ctx, tx, u, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// armWeekly writes u's next review timer unless it exists.
func (s *Service) armWeekly(ctx context.Context, tx baton.Tx, u *baton.User, now time.Time) error {
	loc, err := time.LoadLocation(u.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	due := NextWeekly(now, loc)
	id := WeeklyTimerID(u.ID, due)
	if _, err := tx.Timer(ctx, id); err == nil {
		return nil
	} else if baton.ErrorCode(err) != baton.ENOTFOUND {
		return err
	}
	return tx.InsertTimers(ctx, &baton.Timer{ID: id, Kind: baton.TimerWeekly, Ref: u.ID, DueAt: due})
}

// fireWeekly sends a manager's review: the SLA report of the seven days
// before the timer was due, its top lines and a link to the dashboard, on
// the manager's channels (email and Slack unless the playbook or the
// manager says otherwise). Then it arms the next week's.
func (s *Service) fireWeekly(ctx context.Context, t *baton.Timer) (bool, error) {
	from, to := t.DueAt.Add(-7*24*time.Hour), t.DueAt
	// The review covers what the manager may see (their reports and team).
	var mgr *baton.User
	err := s.store.View(ctx, func(tx baton.Tx) error {
		var err error
		mgr, err = tx.User(ctx, t.Ref)
		return err
	})
	if err != nil && baton.ErrorCode(err) != baton.ENOTFOUND {
		return false, err
	}
	var report metrics.SLAReport
	var funnel weeklyFunnel
	if mgr != nil { // a manager who is gone gets nothing: the timer is cancelled below
		p := baton.Principal{UserID: mgr.ID, Email: mgr.Email, Name: mgr.Name, Access: mgr.Access, Team: mgr.Team, TimeZone: mgr.TimeZone}
		if report, err = s.SLAReport(ctx, p, from, to); err != nil {
			return false, err
		}
		if funnel, err = s.weeklyFunnel(ctx, p, from, to); err != nil {
			return false, err
		}
	}
	fired := false
	err = s.store.Update(ctx, func(tx baton.Tx) error {
		fired = false
		cur, err := tx.Timer(ctx, t.ID)
		if err != nil || cur.Status != baton.TimerPending {
			return err
		}
		now := s.clock.Now()
		status := baton.TimerCancelled
		u, err := tx.User(ctx, t.Ref)
		switch {
		case baton.ErrorCode(err) == baton.ENOTFOUND:
		case err != nil:
			return err
		case isManager(u):
			if err := s.sendReview(ctx, tx, u, report, funnel, now); err != nil {
				return err
			}
			status, fired = baton.TimerFired, true
			if err := s.armWeekly(ctx, tx, u, now); err != nil {
				return err
			}
		}
		return tx.FinishTimer(ctx, t.ID, status, now)
	})
	return fired, err
}

// sendReview queues a manager's review: the SLA report's top lines, then
// the funnel and the show rate (funnelLines).
func (s *Service) sendReview(ctx context.Context, tx baton.Tx, u *baton.User, report metrics.SLAReport, funnel weeklyFunnel, now time.Time) error {
	rv := &baton.NoticeReview{From: report.From, To: report.To, Handoffs: report.Total.Handoffs, Breached: report.Total.Breached}
	for _, g := range report.ByTeam {
		if g.Key == u.Team {
			rv.Lines = append(rv.Lines, "Your team ("+u.Team+"): "+groupLine(g))
		}
	}
	for _, dim := range []struct {
		name   string
		groups []metrics.Group
	}{{"type", report.ByType}, {"owner", report.ByOwner}} {
		worst := slices.Clone(dim.groups)
		slices.SortStableFunc(worst, func(a, b metrics.Group) int {
			return cmp.Or(cmp.Compare(b.Breached, a.Breached), cmp.Compare(a.Key, b.Key))
		})
		for i, g := range worst {
			if i == 3 || g.Breached == 0 {
				break
			}
			rv.Lines = append(rv.Lines, dim.name+" "+g.Key+": "+groupLine(g))
		}
	}
	rv.Lines = append(rv.Lines, funnel.lines()...)
	n := baton.Notice{Kind: baton.MsgWeeklyReview, At: now, Review: rv, URL: s.PublicURL() + "/dashboard",
		Text:      fmt.Sprintf("Weekly missed-handoff review: %d of %d handoffs breached their SLA.", rv.Breached, rv.Handoffs),
		Recipient: baton.NoticeRecipient{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, TimeZone: u.TimeZone}}
	b, err := jsonMarshal(n)
	if err != nil {
		return err
	}
	return s.enqueue(ctx, tx, s.Playbook(), "", baton.MsgWeeklyReview, nil, false, u, b, now)
}

func groupLine(g metrics.Group) string {
	return fmt.Sprintf("%d of %d breached (%.0f%%)", g.Breached, g.Handoffs, g.BreachRate*100)
}

// weeklyFunnel is what the weekly review says of the funnel: the figures
// of the whole UTC days of its week, by source and by sender.
type weeklyFunnel struct {
	bySource, bySender metrics.Report
}

// weeklyFunnel computes the review's funnel over what p sees, on the
// seven whole UTC days before the one to falls in (the figures are kept
// per UTC day): for a review on Monday morning, Monday to Sunday (UTC).
func (s *Service) weeklyFunnel(ctx context.Context, p baton.Principal, from, to time.Time) (weeklyFunnel, error) {
	fromDay, toDay := metrics.UTCDay(from), metrics.UTCDay(to)
	if toDay <= fromDay {
		return weeklyFunnel{}, nil
	}
	var w weeklyFunnel
	var err error
	if w.bySource, err = s.Metrics(ctx, p, metrics.DayStart(fromDay), metrics.DayStart(toDay), metrics.DimSource); err != nil {
		return w, err
	}
	w.bySender, err = s.Metrics(ctx, p, metrics.DayStart(fromDay), metrics.DayStart(toDay), metrics.DimSender)
	return w, err
}

// lines are the review's funnel lines: the funnel from handoff to won, the
// show rate, the three sources with most handoffs, and the senders whose
// handoffs were rejected more than 5 % of the time.
func (w weeklyFunnel) lines() []string {
	r := w.bySource
	if r.From.IsZero() {
		return nil
	}
	f := r.Total.Funnel
	out := []string{
		fmt.Sprintf("Funnel, %s to %s (UTC): %d handoffs → %d accepted → %d meetings booked → %d held → %d opportunities → %d won",
			r.From.Format(time.DateOnly), r.To.AddDate(0, 0, -1).Format(time.DateOnly), f.Handoffs, f.Accepted, f.Booked, f.Held, f.Opportunities, f.Won),
		fmt.Sprintf("Show rate: %d of %d meetings held (%.0f%%), %d rescheduled", f.Held, f.Held+f.NoShows, r.Total.ShowRate*100, r.Total.Rescheduled),
	}
	for i, g := range r.Groups {
		if i == 3 {
			break
		}
		line := fmt.Sprintf("Source %s: %d handoffs, %d meetings held, %d opportunities, %d won", g.Key, g.Handoffs, g.Funnel.Held, g.Funnel.Opportunities, g.Funnel.Won)
		if g.Funnel.Held+g.Funnel.NoShows > 0 {
			line += fmt.Sprintf(", show rate %.0f%%", g.ShowRate*100)
		}
		out = append(out, line)
	}
	var flagged []string
	for _, g := range w.bySender.Groups {
		if g.RejectionFlagged && g.Key != metrics.NoneKey {
			flagged = append(flagged, fmt.Sprintf("%s (%d of %d, %.0f%%)", g.Key, g.Rejected, g.Handoffs, g.RejectionRate*100))
		}
	}
	if len(flagged) > 0 {
		if len(flagged) > 5 {
			flagged = append(flagged[:5], fmt.Sprintf("and %d more", len(flagged)-5))
		}
		out = append(out, "Senders with over 5% of handoffs rejected: "+strings.Join(flagged, ", "))
	}
	return out
}
