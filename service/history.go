package service

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/csvin"
	"github.com/batonhq/baton/metrics"
)

// Close-rate report bounds.
const (
	// DefaultCloseRateDays is the length of each period of the close-rate
	// report: 60 days before adoption and 60 after.
	DefaultCloseRateDays = 60
	// MaxCloseRateDays caps a period's length.
	MaxCloseRateDays = 366
)

// Where the adoption date comes from (metrics.CloseRateReport.AdoptedFrom).
const (
	AdoptedFromSetting      = "setting"
	AdoptedFromFirstHandoff = "first_handoff"
	AdoptedFromQuery        = "query"
)

// earliestAdoption bounds an adoption date, as the report windows are.
var earliestAdoption = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// ImportPastMeetings imports meetings from before Baton (see
// baton.PastMeeting and csvin.ReadPastMeetings for the file), all in one
// transaction: either every row is written or none is. A row whose key (its
// external_id, or without one its owner, held time and account) was
// imported before updates that meeting; the others are created. Owners
// must be users in Baton (import users first; a former rep can be imported
// with active=false).
//
// Every row is checked before anything is written. Errors are returned as
// one EINVALID *baton.Error whose Fields name "row N: column" (the header is
// row 1), at most MaxImportErrors of them; a file that cannot be read as a
// table at all is also EINVALID, joined with ErrUnreadableFile.
func (s *Service) ImportPastMeetings(ctx context.Context, r io.Reader) (ImportResult, error) {
	rows, now, err := s.readPastMeetings(ctx, r)
	if err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	err = s.store.Update(ctx, func(tx baton.Tx) error {
		res = ImportResult{}
		for _, row := range rows {
			m := row.Meeting
			prev, err := tx.PastMeetingByKey(ctx, m.Key)
			switch {
			case err == nil:
				m.ID, m.ImportedAt = prev.ID, prev.ImportedAt
				res.Updated++
			case baton.ErrorCode(err) == baton.ENOTFOUND:
				m.ID, m.ImportedAt = newID(), now
				res.Created++
			default:
				return fmt.Errorf("service: import past meetings: row %d: %w", row.Row, err)
			}
			m.UpdatedAt = now
			if err := tx.PutPastMeeting(ctx, &m); err != nil {
				return rowFailed(row.Row, err)
			}
		}
		return nil
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// ImportPastMeetingsDryRun checks a file as ImportPastMeetings does and
// reports what it would create and update, writing nothing. Errors are
// those of ImportPastMeetings.
func (s *Service) ImportPastMeetingsDryRun(ctx context.Context, r io.Reader) (ImportResult, error) {
	rows, _, err := s.readPastMeetings(ctx, r)
	if err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	err = s.store.View(ctx, func(tx baton.Tx) error {
		for _, row := range rows {
			switch _, err := tx.PastMeetingByKey(ctx, row.Meeting.Key); {
			case err == nil:
				res.Updated++
			case baton.ErrorCode(err) == baton.ENOTFOUND:
				res.Created++
			default:
				return fmt.Errorf("service: import past meetings: row %d: %w", row.Row, err)
			}
		}
		return nil
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// readPastMeetings reads and checks a past-meetings file against the
// roster, outside any write transaction: parsing a large file must not hold
// up the writer.
func (s *Service) readPastMeetings(ctx context.Context, r io.Reader) ([]csvin.PastMeetingRow, time.Time, error) {
	var owners map[string]csvin.Owner
	err := s.store.View(ctx, func(tx baton.Tx) error {
		ro, err := s.users(ctx, tx)
		if err != nil {
			return err
		}
		owners = make(map[string]csvin.Owner, len(ro.Users()))
		for _, u := range ro.Users() {
			o := csvin.Owner{ID: u.ID}
			if loc, err := time.LoadLocation(u.TimeZone); err == nil {
				o.Location = loc
			}
			owners[u.Email] = o
		}
		return nil
	})
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("service: import past meetings: %w", err)
	}
	now := s.clock.Now()
	rows, err := csvin.ReadPastMeetings(r, importLimits, now, func(email string) (csvin.Owner, bool) {
		o, ok := owners[email]
		return o, ok
	})
	return rows, now, err
}

// Adoption returns when Baton was adopted and where that comes from: the
// date an admin set (AdoptedFromSetting), else when the first handoff was
// created (AdoptedFromFirstHandoff). It returns ENOTFOUND when there is
// neither.
func (s *Service) Adoption(ctx context.Context) (at time.Time, from string, err error) {
	err = s.store.View(ctx, func(tx baton.Tx) error {
		at, from, err = s.adoption(ctx, tx)
		return err
	})
	return at, from, err
}

func (s *Service) adoption(ctx context.Context, tx baton.Tx) (time.Time, string, error) {
	b, err := tx.Setting(ctx, baton.SettingAdoptedAt)
	switch {
	case err == nil && len(b) > 0:
		at, err := time.Parse(time.RFC3339, string(b))
		if err != nil {
			return time.Time{}, "", fmt.Errorf("service: adoption setting %q: %w", b, err)
		}
		return at.UTC(), AdoptedFromSetting, nil
	case err != nil && baton.ErrorCode(err) != baton.ENOTFOUND:
		return time.Time{}, "", fmt.Errorf("service: adoption setting: %w", err)
	}
	first, err := tx.FirstHandoffAt(ctx)
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return time.Time{}, "", baton.Errorf(baton.ENOTFOUND, "Baton has no adoption date yet: an admin can set one, or it is the first handoff's")
	} else if err != nil {
		return time.Time{}, "", fmt.Errorf("service: adoption: %w", err)
	}
	return first.UTC(), AdoptedFromFirstHandoff, nil
}

// SetAdoption records when Baton was adopted, for the close-rate report;
// a zero at clears it, so that the first handoff's creation counts again.
// Only an admin may: EFORBIDDEN otherwise. at may not be after now nor
// before 2000 (EINVALID naming "adopted_at").
func (s *Service) SetAdoption(ctx context.Context, p baton.Principal, at time.Time) error {
	if !p.Can(baton.AccessAdmin) {
		return baton.Errorf(baton.EFORBIDDEN, "setting the adoption date needs admin access")
	}
	value := []byte{}
	if !at.IsZero() {
		if err := checkAdoption(at, s.clock.Now()); err != nil {
			return err
		}
		value = []byte(at.UTC().Format(time.RFC3339))
	}
	return s.store.Update(ctx, func(tx baton.Tx) error {
		return tx.PutSetting(ctx, baton.SettingAdoptedAt, value)
	})
}

// checkAdoption validates an adoption date.
func checkAdoption(at, now time.Time) error {
	if at.Before(earliestAdoption) || at.After(now) {
		return &baton.Error{Code: baton.EINVALID, Message: "invalid adoption date",
			Fields: []baton.FieldError{{Field: "adopted_at", Message: "must be between 2000-01-01 and now"}}}
	}
	return nil
}

// CloseRateQuery selects a close-rate report.
type CloseRateQuery struct {
	// Days is each period's length in days: 1 to MaxCloseRateDays; 0 is
	// DefaultCloseRateDays.
	Days int
	// AdoptedAt, when set, replaces the adoption date (see Adoption) for
	// this report.
	AdoptedAt time.Time
}

// CloseRate compares each owner's close rate (won ÷ held, see package
// metrics) in the Days before Baton was adopted, from the imported history,
// with the Days after, from Baton's outcome events, with teams and a total.
// It counts the owners p sees: a rep their own row, a manager their
// reports' and team's, an admin everyone's (access.go).
//
// It returns EINVALID naming "days" or "adopted_at" for a bad query, and
// EINVALID naming "adopted_at" when Baton has no adoption date yet.
func (s *Service) CloseRate(ctx context.Context, p baton.Principal, q CloseRateQuery) (metrics.CloseRateReport, error) {
	days := q.Days
	if days == 0 {
		days = DefaultCloseRateDays
	}
	if days < 1 || days > MaxCloseRateDays {
		return metrics.CloseRateReport{}, &baton.Error{Code: baton.EINVALID, Message: "invalid period",
			Fields: []baton.FieldError{{Field: "days", Message: fmt.Sprintf("must be a whole number of days from 1 to %d", MaxCloseRateDays)}}}
	}
	now := s.clock.Now()
	if !q.AdoptedAt.IsZero() {
		if err := checkAdoption(q.AdoptedAt, now); err != nil {
			return metrics.CloseRateReport{}, err
		}
	}
	var rep metrics.CloseRateReport
	err := s.store.View(ctx, func(tx baton.Tx) error {
		adopted, from := q.AdoptedAt.UTC(), AdoptedFromQuery
		if q.AdoptedAt.IsZero() {
			var err error
			adopted, from, err = s.adoption(ctx, tx)
			if baton.ErrorCode(err) == baton.ENOTFOUND {
				return &baton.Error{Code: baton.EINVALID, Message: "Baton has no adoption date yet",
					Fields: []baton.FieldError{{Field: "adopted_at", Message: "is required until there is a handoff or an admin sets the adoption date"}}}
			} else if err != nil {
				return err
			}
		}
		r, err := s.users(ctx, tx)
		if err != nil {
			return err
		}
		before, after := metrics.CloseRateWindows(adopted, days, now)
		agg := metrics.NewCloseRates(before, after, func(id string) metrics.Person {
			if u := r.User(id); u != nil {
				return metrics.Person{Email: u.Email, Name: u.Name, Team: u.Team}
			}
			return metrics.Person{}
		})
		if agg.Visible, err = s.ownerFilter(ctx, tx, p); err != nil {
			return err
		}
		if err := tx.PastMeetings(ctx, before.From, before.To, func(m *baton.PastMeeting) error {
			agg.AddPast(m)
			return nil
		}); err != nil {
			return err
		}
		if err := tx.OutcomeEvents(ctx, after.From, after.To, agg.Add); err != nil {
			return err
		}
		rep = agg.Report()
		rep.AdoptedAt, rep.AdoptedFrom, rep.Days = adopted, from, days
		return nil
	})
	if err != nil {
		return metrics.CloseRateReport{}, fmt.Errorf("service: close rate: %w", err)
	}
	return rep, nil
}
