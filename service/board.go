package service

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
)

// Board views: the stalled views of StalledUnaccepted, StalledUntouched and
// StalledBreached, as filters over the paged list.
var BoardViews = []string{StalledUnaccepted, StalledUntouched, StalledBreached}

// BoardQuery selects a page of the manager board.
type BoardQuery struct {
	// Filter narrows the open handoffs; Open is always set.
	Filter baton.HandoffFilter
	// View is "" (all open handoffs) or one of BoardViews.
	View string
}

// Board is one page of a manager's board: who is on the team with their
// load against their caps, and the open handoffs the query selects.
type Board struct {
	Members  []BoardMember
	Handoffs []*HandoffView
	// Next continues the list (a cursor); empty on the last page.
	Next string
}

// BoardMember is a person on the board with their load now.
type BoardMember struct {
	*baton.User
	// Open is the person's open handoffs, against Capacity (0: no cap);
	// Today is their assignments today (UTC), against DailyCap.
	Open, Today int
}

// OverCapacity reports whether the person holds at least their cap.
func (m BoardMember) OverCapacity() bool { return m.Capacity > 0 && m.Open >= m.Capacity }

// OverDaily reports whether the person has had their daily cap today.
func (m BoardMember) OverDaily() bool { return m.DailyCap > 0 && m.Today >= m.DailyCap }

// Board returns one page of p's board. The team is, for an admin, every
// active person; for a manager, the active people who report to them or
// share their team. It returns EFORBIDDEN for a rep and EINVALID for an
// unknown view or bad filter.
func (s *Service) Board(ctx context.Context, p baton.Principal, q BoardQuery) (*Board, error) {
	if !p.Can(baton.AccessManager) {
		return nil, baton.Errorf(baton.EFORBIDDEN, "the board is for managers")
	}
	f := q.Filter
	f.Open = true
	switch q.View {
	case "":
	case StalledUnaccepted:
		f.State = baton.StateAssigned
	case StalledUntouched:
		f.State = baton.StateAccepted
	case StalledBreached:
		yes := true
		f.Breached = &yes
	default:
		return nil, &baton.Error{Code: baton.EINVALID, Message: "invalid view", Fields: []baton.FieldError{{Field: "view", Message: "must be unaccepted, untouched or breached"}}}
	}
	members, err := s.Team(ctx, p)
	if err != nil {
		return nil, err
	}
	list, next, err := s.HandoffsFor(ctx, p, f)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	for _, v := range list {
		v.StalledFor = baton.Duration(now.Sub(waitingSince(v.Handoff)).Round(time.Second))
	}
	return &Board{Members: members, Handoffs: list, Next: next}, nil
}

// waitingSince is when a handoff's current wait began: its assignment
// while unaccepted, its acceptance while untouched, else its last change.
func waitingSince(h *baton.Handoff) time.Time {
	switch {
	case h.State == baton.StateAssigned && !h.AssignedAt.IsZero():
		return h.AssignedAt
	case h.State == baton.StateAccepted && !h.AcceptedAt.IsZero():
		return h.AcceptedAt
	}
	return h.UpdatedAt
}

// Team returns the people p manages with their loads, by name: the active
// people whose handoffs p sees (see access.go: for an admin everyone, for a
// manager their reporting chain and their team, themselves included). It returns EFORBIDDEN
// for a rep.
func (s *Service) Team(ctx context.Context, p baton.Principal) ([]BoardMember, error) {
	if !p.Can(baton.AccessManager) {
		return nil, baton.Errorf(baton.EFORBIDDEN, "the team view is for managers")
	}
	var out []BoardMember
	err := s.store.View(ctx, func(tx baton.Tx) error {
		r, err := s.users(ctx, tx)
		if err != nil {
			return err
		}
		sc, err := s.visible(ctx, tx, p)
		if err != nil {
			return err
		}
		var ids []string
		for _, u := range r.Users() {
			if !u.Active {
				continue
			}
			if sc.has(u.ID) {
				out = append(out, BoardMember{User: u})
				ids = append(ids, u.ID)
			}
		}
		loads, err := tx.Loads(ctx, ids, s.clock.Now())
		if err != nil {
			return err
		}
		for i := range out {
			l := loads[out[i].ID]
			out[i].Open, out[i].Today = l.Open, l.Today
		}
		return nil
	})
	slices.SortFunc(out, func(a, b BoardMember) int { return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return out, err
}

// Reassign moves a handoff to another owner (a user id or email) for a
// manager, with the reason the log records. It returns EINVALID naming
// "to" or "reason" when either is blank, and Act's errors otherwise.
func (s *Service) Reassign(ctx context.Context, p baton.Principal, id, to, reason string) (*baton.Handoff, error) {
	var v baton.Validation
	if strings.TrimSpace(to) == "" {
		v.Add("to", "is required: pick who takes it over")
	}
	if strings.TrimSpace(reason) == "" {
		v.Add("reason", "is required: say why ownership moves")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.Act(ctx, p, id, baton.CmdReassign, CommandInput{To: to, Reason: reason})
}

// Cancel closes a handoff as void for a manager, with the reason the log
// records. It returns EINVALID naming "reason" when it is blank, and Act's
// errors otherwise.
func (s *Service) Cancel(ctx context.Context, p baton.Principal, id, reason string) (*baton.Handoff, error) {
	if strings.TrimSpace(reason) == "" {
		var v baton.Validation
		v.Add("reason", "is required: say why the handoff is void")
		return nil, v.Err()
	}
	return s.Act(ctx, p, id, baton.CmdCancel, CommandInput{Reason: reason})
}

// rollupReader is a store transaction that keeps dashboard rollups
// (package sqlite does).
type rollupReader interface {
	Rollups(ctx context.Context, fromDay, toDay int64) ([]metrics.RollupRow, error)
	LastEventAt(ctx context.Context) (time.Time, error)
}

// dashboardBlocksReader is a store transaction that keeps the figure
// blocks and reads the rollup rows of one metric (both stores do).
type dashboardBlocksReader interface {
	figuresReader
	metrics.DashboardBlocksReader
}

// ownedEventsReader is a store transaction that finds a scope's events by
// owner (package sqlite does).
type ownedEventsReader interface {
	OwnedEventsBetween(ctx context.Context, from, to time.Time, owners []string, fn func(*baton.Event) error) error
}

// Dashboard computes the dashboard of handoffs created in [from, to) from
// the event log, owners named as on the roster. It returns EFORBIDDEN for a
// rep and EINVALID for a bad window (as Summary).
//
// It reads the fastest source that gives the fold's answer: for everyone's
// handoffs, the store's daily rollups when from is a UTC midnight and no
// event is dated at or after to (percentiles then come from the rollups'
// buckets, within 5%); for a person's scope, only the events of the
// handoffs that passed through it, found by owner; else every event of the
// window.
func (s *Service) Dashboard(ctx context.Context, p baton.Principal, from, to time.Time) (metrics.Dashboard, error) {
	if !p.Can(baton.AccessManager) {
		return metrics.Dashboard{}, baton.Errorf(baton.EFORBIDDEN, "the dashboard is for managers")
	}
	if err := checkWindow(from, to); err != nil {
		return metrics.Dashboard{}, err
	}
	var d metrics.Dashboard
	err := s.store.View(ctx, func(tx baton.Tx) error {
		sc, err := s.visible(ctx, tx, p)
		if err != nil {
			return err
		}
		r, err := s.users(ctx, tx)
		if err != nil {
			return err
		}
		if d, err = s.dashboard(ctx, tx, sc, from, to); err != nil {
			return err
		}
		for i, c := range d.ByOwner {
			if u := r.User(c.Key); u != nil {
				d.ByOwner[i].Key = u.Name
			}
		}
		metrics.SortCounts(d.ByOwner)
		return nil
	})
	return d, err
}

// dashboard computes the dashboard of sc's handoffs from the fastest
// source (see Dashboard).
func (s *Service) dashboard(ctx context.Context, tx baton.Tx, sc scope, from, to time.Time) (metrics.Dashboard, error) {
	if rr, ok := tx.(rollupReader); ok && sc == nil && from.Equal(metrics.DayStart(metrics.UTCDay(from))) {
		last, err := rr.LastEventAt(ctx)
		if err != nil {
			return metrics.Dashboard{}, err
		}
		if last.Before(to) {
			toDay := metrics.UTCDay(to)
			if !to.Equal(metrics.DayStart(toDay)) {
				toDay++
			}
			if br, ok := tx.(dashboardBlocksReader); ok {
				return metrics.ReadDashboard(ctx, br, from, to, toDay)
			}
			rows, err := rr.Rollups(ctx, metrics.UTCDay(from), toDay)
			if err != nil {
				return metrics.Dashboard{}, err
			}
			return metrics.DashboardFromRollups(from, to, rows), nil
		}
	}
	agg := metrics.NewDashboardAggregator(from, to)
	if oe, ok := tx.(ownedEventsReader); ok && sc != nil {
		if err := oe.OwnedEventsBetween(ctx, from, to, sc.list(), func(e *baton.Event) error { return agg.Add(e) }); err != nil {
			return metrics.Dashboard{}, err
		}
		return agg.Dashboard(), nil
	}
	add := agg.Add
	if sc != nil {
		// A handoff counts, whole, when any of its events in the window
		// names an owner p sees (as for Summary): one pass finds them,
		// the second folds only their events.
		seen := map[string]bool{}
		if err := tx.EventsBetween(ctx, from, to, func(e *baton.Event) error {
			if e.OwnerID != "" && sc.has(e.OwnerID) {
				seen[e.HandoffID] = true
			}
			return nil
		}); err != nil {
			return metrics.Dashboard{}, err
		}
		add = func(e *baton.Event) error {
			if !seen[e.HandoffID] {
				return nil
			}
			return agg.Add(e)
		}
	}
	if err := tx.EventsBetween(ctx, from, to, add); err != nil {
		return metrics.Dashboard{}, err
	}
	return agg.Dashboard(), nil
}
