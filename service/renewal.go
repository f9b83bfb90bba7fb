package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
)

// The renewal trigger: an account's renewal date arms a durable timer that
// fires the playbook's renewal.notice (default 120 days) before it and
// raises a renewal_due signal for the account, which the playbook turns
// into a handoff (customer success → account management by default). The
// signal's external id is RenewalSignalID, so one renewal date raises it
// once however often the timer is armed; a date that moves moves the timer.

// MaxRenewals bounds how many accounts ScheduleRenewals arms at once.
const MaxRenewals = 1_000_000

// RenewalTimerID is the id of an account's renewal timer for one renewal
// date (YYYY-MM-DD).
func RenewalTimerID(accountID, date string) string { return "renewal:" + accountID + ":" + date }

// RenewalSignalID is the external id of the renewal_due signal an
// account's renewal date raises: one per account and date.
func RenewalSignalID(accountID, date string) string { return "renewal:" + accountID + ":" + date }

// RenewalDue returns when the renewal_due signal of a renewal date is
// raised: notice before the date begins (00:00 UTC).
func RenewalDue(date string, notice time.Duration) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return time.Time{}, baton.Errorf(baton.EINVALID, "renewal date %q: expected YYYY-MM-DD", date)
	}
	return d.Add(-notice), nil
}

// checkRenewalDate validates an account's renewal date.
func checkRenewalDate(a *baton.Account) error {
	a.RenewalDate = strings.TrimSpace(a.RenewalDate)
	if a.RenewalDate != "" && !baton.ValidDate(a.RenewalDate) {
		return &baton.Error{Code: baton.EINVALID, Message: "invalid renewal date",
			Fields: []baton.FieldError{{Field: "renewal_date", Message: "must be a date like 2027-03-31"}}}
	}
	return nil
}

// armRenewal arms a's renewal timer in the transaction that writes a: at
// the notice before its renewal date, at once when that has passed, not at
// all when the date itself has passed, has no date, or its signal was
// already raised. Timers armed for another date are cancelled.
func (s *Service) armRenewal(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, a *baton.Account, now time.Time) error {
	if err := tx.CancelTimersRef(ctx, a.ID); err != nil {
		return err
	}
	if a.RenewalDate == "" {
		return nil
	}
	date, err := time.Parse(time.DateOnly, a.RenewalDate)
	if err != nil || !date.After(now.AddDate(0, 0, -1)) {
		return nil // unreadable, or renewed already
	}
	if _, err := tx.SignalByExternalID(ctx, RenewalSignalID(a.ID, a.RenewalDate)); err == nil {
		return nil // raised once for this date
	} else if baton.ErrorCode(err) != baton.ENOTFOUND {
		return err
	}
	due, _ := RenewalDue(a.RenewalDate, time.Duration(pb.Renewal.Notice))
	if due.Before(now) {
		due = now
	}
	return tx.ArmTimer(ctx, &baton.Timer{ID: RenewalTimerID(a.ID, a.RenewalDate), Kind: baton.TimerRenewal, Ref: a.ID, DueAt: due})
}

// ScheduleRenewals arms the renewal timer of every account renewing today
// or later, at the current playbook's notice. It is idempotent: serve
// calls it at start, so a changed notice applies to every account.
func (s *Service) ScheduleRenewals(ctx context.Context) error {
	pb := s.Playbook()
	return s.store.Update(ctx, func(tx baton.Tx) error {
		now := s.clock.Now()
		accounts, err := tx.RenewingAccounts(ctx, now.UTC().Format(time.DateOnly), MaxRenewals)
		if err != nil {
			return err
		}
		for _, a := range accounts {
			if err := s.armRenewal(ctx, tx, pb, a, now); err != nil {
				return fmt.Errorf("service: renewal of account %s: %w", a.ID, err)
			}
		}
		return nil
	})
}

// renewalCarried are the renewal context fields Baton copies from the
// account's latest handoffs that have them (a closed-won deal's contract
// value is the ARR).
var renewalCarried = []struct{ to, from string }{
	{"arr", "arr"}, {"arr", "contract_value"}, {"health_score", "health_score"},
	{"product_usage", "product_usage"}, {"stakeholders", "stakeholders"},
}

// fireRenewal raises an account's renewal_due signal and finishes its
// timer, in the timer's transaction. The timer is cancelled, raising
// nothing, when it is moot (the account is gone, its renewal date moved,
// the signal was raised already), and re-armed when a shorter notice
// since it was armed makes it early.
func (s *Service) fireRenewal(ctx context.Context, tx baton.Tx, t *baton.Timer, now time.Time) (bool, error) {
	fired, early, err := s.raiseRenewal(ctx, tx, t, now)
	switch {
	case err != nil:
		return false, err
	case !early.IsZero():
		return false, tx.RearmTimer(ctx, t.ID, early)
	case fired:
		return true, tx.FinishTimer(ctx, t.ID, baton.TimerFired, now)
	}
	return false, tx.FinishTimer(ctx, t.ID, baton.TimerCancelled, now)
}

// raiseRenewal ingests the renewal_due signal of t's account: false when
// t is moot, or early with when it is due under the current notice.
func (s *Service) raiseRenewal(ctx context.Context, tx baton.Tx, t *baton.Timer, now time.Time) (fired bool, early time.Time, err error) {
	pb := s.Playbook()
	a, err := tx.Account(ctx, t.Ref)
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return false, time.Time{}, nil
	} else if err != nil {
		return false, time.Time{}, err
	}
	if a.RenewalDate == "" || t.ID != RenewalTimerID(a.ID, a.RenewalDate) {
		return false, time.Time{}, nil
	}
	extID := RenewalSignalID(a.ID, a.RenewalDate)
	if _, err := tx.SignalByExternalID(ctx, extID); err == nil {
		return false, time.Time{}, nil
	} else if baton.ErrorCode(err) != baton.ENOTFOUND {
		return false, time.Time{}, err
	}
	if due, _ := RenewalDue(a.RenewalDate, time.Duration(pb.Renewal.Notice)); due.After(now) {
		return false, due, nil // the notice was shortened since
	}
	sig := &baton.Signal{
		ID: newID(), ExternalID: extID, Type: baton.SignalRenewalDue, OccurredAt: now, ReceivedAt: now, Source: "baton",
		Account: baton.SignalAccount{Name: a.Name, Domain: a.Domain, Employees: a.Employees, Industry: a.Industry, Country: a.Country, Region: a.Region},
		Message: fmt.Sprintf("%s renews on %s.", a.Name, a.RenewalDate),
		Fields:  map[string]any{"renewal_date": a.RenewalDate},
	}
	if a.CSMID != "" {
		if u, err := tx.User(ctx, a.CSMID); err == nil {
			sig.Sender = u.Email
		} else if baton.ErrorCode(err) != baton.ENOTFOUND {
			return false, time.Time{}, err
		}
	}
	prev, _, err := tx.Handoffs(ctx, baton.HandoffFilter{AccountID: a.ID, Limit: 50})
	if err != nil {
		return false, time.Time{}, err
	}
	for _, c := range renewalCarried {
		if _, ok := sig.Fields[c.to]; ok {
			continue
		}
		for _, h := range prev { // newest first
			if v := signalValue(h.Context[c.from]); v != nil {
				sig.Fields[c.to] = v
				break
			}
		}
	}
	if _, err := s.ingest(ctx, tx, pb, sig, now); err != nil {
		return false, time.Time{}, fmt.Errorf("service: renewal of account %s: %w", a.ID, err)
	}
	return true, time.Time{}, nil
}

// signalValue is a context value as a signal field carries it: scalars as
// they are, a list as its lines; nil for nothing worth carrying.
func signalValue(v any) any {
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		if strings.TrimSpace(v) == "" {
			return nil
		}
		return v
	case float64, bool:
		return v
	case int:
		return float64(v)
	case []string:
		return signalValue(strings.Join(v, "\n"))
	case []any:
		lines := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				lines = append(lines, s)
			}
		}
		return signalValue(strings.Join(lines, "\n"))
	}
	return nil
}
