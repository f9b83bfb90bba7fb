package service

import (
	"context"
	"maps"
	"sort"
	"time"

	"github.com/batonhq/baton"
)

// HandoffView is a handoff with what a reader needs beside it: the people,
// the account, the contact, the meeting, the log and what can be done next.
type HandoffView struct {
	*baton.Handoff
	Owner   *UserRef        `json:"owner"`
	Backup  *UserRef        `json:"backup"`
	Sender  *UserRef        `json:"sender,omitempty"`
	Account *baton.Account  `json:"account,omitempty"`
	Contact *baton.Contact  `json:"contact,omitempty"`
	Meeting *baton.Meeting  `json:"meeting,omitempty"`
	Events  []*baton.Event  `json:"events,omitempty"`
	Timers  []*baton.Timer  `json:"timers,omitempty"`
	Allowed []baton.Command `json:"allowed"`
	// Activities are the handoff's follow-up tasks and their clocks.
	Activities []*baton.Activity `json:"activities,omitempty"`
	// StalledFor is how long the handoff has waited, in stalled views.
	StalledFor baton.Duration `json:"stalled_for,omitempty"`
	// Completeness is the share of the template answered (0-100); Missing
	// names the unanswered fields.
	Completeness int      `json:"completeness"`
	Missing      []string `json:"missing"`
}

// UserRef is the short form of a user in views.
type UserRef struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
	Team  string `json:"team"`
}

func ref(u *baton.User) *UserRef {
	if u == nil {
		return nil
	}
	return &UserRef{ID: u.ID, Email: u.Email, Name: u.Name, Team: u.Team}
}

// View builds the view of h within tx; full adds the event log and timers.
func (s *Service) view(ctx context.Context, tx baton.Tx, h *baton.Handoff, full bool) (*HandoffView, error) {
	r, err := s.users(ctx, tx)
	if err != nil {
		return nil, err
	}
	v := &HandoffView{Handoff: withPeopleNamed(h, r), Owner: ref(r.User(h.OwnerID)), Backup: ref(r.User(h.BackupID)), Sender: ref(r.User(h.SenderID)),
		Allowed: baton.AllowedCommands(h.State)}
	sc := scoreOf(s.Playbook(), h)
	v.Completeness, v.Missing = sc.Score, sc.Missing
	if v.Allowed == nil {
		v.Allowed = []baton.Command{}
	}
	if h.AccountID != "" {
		if v.Account, err = tx.Account(ctx, h.AccountID); err != nil {
			return nil, err
		}
	}
	if h.ContactID != "" {
		if v.Contact, err = tx.Contact(ctx, h.ContactID); err != nil {
			return nil, err
		}
	}
	if h.MeetingID != "" {
		if v.Meeting, err = tx.Meeting(ctx, h.MeetingID); err != nil {
			return nil, err
		}
	}
	if full {
		if v.Events, err = tx.Events(ctx, h.ID); err != nil {
			return nil, err
		}
		if v.Timers, err = tx.PendingTimers(ctx, h.ID); err != nil {
			return nil, err
		}
		if v.Activities, err = tx.Activities(ctx, h.ID); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// withPeopleNamed returns h, or a copy of it whose "owner and backup" fact
// (stored as user ids when the handoff was routed) names the current
// owner and backup, as the people reading the context know them.
func withPeopleNamed(h *baton.Handoff, r *roster) *baton.Handoff {
	auto, ok := h.Context[autoKey].(map[string]any)
	if !ok || auto["owner_backup"] == nil || h.OwnerID == "" {
		return h
	}
	name := func(id string) string {
		if u := r.User(id); u != nil {
			return u.Name
		}
		return id
	}
	people := name(h.OwnerID) + " (no backup)"
	if h.BackupID != "" {
		people = name(h.OwnerID) + " / " + name(h.BackupID)
	}
	c := *h
	c.Context = maps.Clone(h.Context)
	named := maps.Clone(auto)
	named["owner_backup"] = people
	c.Context[autoKey] = named
	return &c
}

// Handoff returns one handoff with its timeline and pending clocks.
func (s *Service) Handoff(ctx context.Context, id string) (*HandoffView, error) {
	var v *HandoffView
	err := s.store.View(ctx, func(tx baton.Tx) error {
		h, err := tx.Handoff(ctx, id)
		if err != nil {
			return err
		}
		v, err = s.view(ctx, tx, h, true)
		return err
	})
	return v, err
}

// ViewOf returns the short view of a handoff already loaded (as returned by a
// command), without its log.
func (s *Service) ViewOf(ctx context.Context, h *baton.Handoff) (*HandoffView, error) {
	var v *HandoffView
	err := s.store.View(ctx, func(tx baton.Tx) error {
		var err error
		v, err = s.view(ctx, tx, h, false)
		return err
	})
	return v, err
}

// Handoffs lists handoffs, newest first, with a cursor for the next page.
func (s *Service) Handoffs(ctx context.Context, f baton.HandoffFilter) ([]*HandoffView, string, error) {
	var out []*HandoffView
	var next string
	err := s.store.View(ctx, func(tx baton.Tx) error {
		list, n, err := tx.Handoffs(ctx, f)
		if err != nil {
			return err
		}
		next = n
		out = make([]*HandoffView, 0, len(list))
		for _, h := range list {
			v, err := s.view(ctx, tx, h, false)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	return out, next, err
}

// Messages lists outbound messages with a status ("" for all), newest first.
func (s *Service) Messages(ctx context.Context, status string, limit int) ([]*baton.Message, error) {
	var out []*baton.Message
	err := s.store.View(ctx, func(tx baton.Tx) error {
		var err error
		out, err = tx.Messages(ctx, status, limit)
		return err
	})
	return out, err
}

// Users lists the team.
func (s *Service) Users(ctx context.Context) ([]*baton.User, error) {
	var out []*baton.User
	err := s.store.View(ctx, func(tx baton.Tx) error {
		r, err := s.users(ctx, tx)
		if err == nil {
			out = r.Users()
		}
		return err
	})
	return out, err
}

// Stalled views.
const (
	StalledUnaccepted = "unaccepted" // routed but not accepted
	StalledUntouched  = "untouched"  // accepted but the buyer not touched
	StalledBreached   = "breached"   // open with a breached clock
)

// Stalled lists open handoffs p sees stalled in one way, longest waiting
// first, each with how long it has waited (paused handoffs are not stalled).
func (s *Service) Stalled(ctx context.Context, p baton.Principal, kind string, limit int) ([]*HandoffView, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	f := baton.HandoffFilter{Limit: 500}
	switch kind {
	case StalledUnaccepted:
		f.State = baton.StateAssigned
	case StalledUntouched:
		f.State = baton.StateAccepted
	case StalledBreached:
		yes := true
		f.Open, f.Breached = true, &yes
	default:
		return nil, &baton.Error{Code: baton.EINVALID, Message: "invalid stalled view", Fields: []baton.FieldError{{Field: "stalled", Message: "must be unaccepted, untouched or breached"}}}
	}
	now := s.clock.Now()
	var out []*HandoffView
	for {
		page, next, err := s.HandoffsFor(ctx, p, f)
		if err != nil {
			return nil, err
		}
		for _, v := range page {
			if !v.PausedAt.IsZero() {
				continue
			}
			since := v.AssignedAt
			switch kind {
			case StalledUntouched:
				since = v.AcceptedAt
			case StalledBreached:
				since = v.AcceptBy
				if v.State != baton.StateAssigned {
					since = v.FirstTouchBy
				}
			}
			if since.IsZero() {
				since = v.CreatedAt
			}
			v.StalledFor = baton.Duration(now.Sub(since).Round(time.Second))
			out = append(out, v)
		}
		if f.Cursor = next; next == "" || len(out) >= 5000 {
			break
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].StalledFor > out[j].StalledFor })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
