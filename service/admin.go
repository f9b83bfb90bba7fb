package service

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/bizhours"
)

// PutUser creates or updates a user, keyed by email. Manager and backup may
// be given as ids or emails and must name existing users.
func (s *Service) PutUser(ctx context.Context, u *baton.User) (*baton.User, error) {
	if err := u.Validate(); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		return s.putUser(ctx, tx, u, now)
	})
	return u, err
}

func (s *Service) putUser(ctx context.Context, tx baton.Tx, u *baton.User, now time.Time) error {
	prev, err := tx.UserByEmail(ctx, u.Email)
	switch {
	case err == nil:
		u.ID, u.CreatedAt = prev.ID, prev.CreatedAt
		u.Access = cmp.Or(u.Access, prev.Access)
	case baton.ErrorCode(err) == baton.ENOTFOUND:
		u.ID, u.CreatedAt = newID(), now
	default:
		return err
	}
	var v baton.Validation
	for _, f := range []struct {
		name string
		ref  *string
	}{{"manager_id", &u.ManagerID}, {"backup_id", &u.BackupID}} {
		if *f.ref == "" {
			continue
		}
		ref, err := tx.User(ctx, *f.ref)
		if baton.ErrorCode(err) == baton.ENOTFOUND {
			ref, err = tx.UserByEmail(ctx, strings.ToLower(*f.ref))
		}
		if baton.ErrorCode(err) == baton.ENOTFOUND {
			v.Add(f.name, "%q is not a known user", *f.ref)
			continue
		} else if err != nil {
			return err
		}
		*f.ref = ref.ID
	}
	if u.WorkingHours != "" {
		if _, err := bizhours.ParseCalendar(u.WorkingHours, u.TimeZone, nil); err != nil {
			v.Add("working_hours", "%v", err)
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	if u.Weight == 0 {
		u.Weight = 1
	}
	u.Access = cmp.Or(u.Access, baton.AccessFor(u.Role))
	u.UpdatedAt = now
	if err := tx.PutUser(ctx, u); err != nil {
		return err
	}
	return s.bumpRoster(ctx, tx)
}

// PutAccount creates or updates an account keyed by domain (or id).
func (s *Service) PutAccount(ctx context.Context, a *baton.Account) (*baton.Account, error) {
	if err := checkRenewalDate(a); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	pb := s.Playbook()
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		if a.Domain != "" {
			if prev, err := tx.AccountByDomain(ctx, a.Domain); err == nil {
				a.ID, a.CreatedAt = prev.ID, prev.CreatedAt
			} else if baton.ErrorCode(err) != baton.ENOTFOUND {
				return fmt.Errorf("service: put account: domain %s: %w", a.Domain, err)
			}
		}
		if a.ID == "" {
			a.ID, a.CreatedAt = newID(), now
		}
		if a.Status == "" {
			a.Status = baton.AccountProspect
		}
		if a.Segment == "" {
			a.Segment = baton.SegmentFor(a.Employees)
		}
		a.UpdatedAt = now
		if err := tx.PutAccount(ctx, a); err != nil {
			return err
		}
		return s.armRenewal(ctx, tx, pb, a, now)
	})
	if err == nil {
		s.accountAdded(a) // the company-name step sees it at once
	}
	return a, err
}
