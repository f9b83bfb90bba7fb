package service

import (
	"context"
	"fmt"
	"time"

	"github.com/batonhq/baton"
)

// Booking changes a scheduler sends (BookingChange.Kind).
const (
	BookingReschedule = "reschedule"
	BookingCancel     = "cancel"
	BookingNoShow     = "no_show"
)

// BookingChange is a scheduler's change to a meeting it booked: the
// meeting of the handoff the signal Booking (an external id) created or
// joined.
type BookingChange struct {
	Kind    string
	Booking string
	// Alias is a reschedule's new booking id, when the scheduler gives a
	// moved meeting a new one; later changes may name either.
	Alias string
	// StartsAt, TimeZone and Duration are a reschedule's new time (zone and
	// duration optional).
	StartsAt time.Time
	TimeZone string
	Duration baton.Duration
	Reason   string
}

// BookingResult is what a booking change did.
type BookingResult struct {
	Meeting *baton.Meeting
	// Changed is false when the meeting already was as the change asks (a
	// replayed delivery) or the change no longer applies; Note says why.
	Changed bool
	Note    string
}

// ChangeBooking applies a scheduler's change to the meeting its booking
// signal created, acting as p (a connector's system principal). Each
// change is idempotent: a reschedule to the meeting's current start, a
// cancel of a cancelled meeting or a no-show of a handoff that already has
// an outcome changes nothing. It returns ENOTFOUND when no signal has the
// booking's id or its handoff has no meeting.
func (s *Service) ChangeBooking(ctx context.Context, p baton.Principal, c BookingChange) (*BookingResult, error) {
	m, err := s.bookedMeeting(ctx, c.Booking, c.Alias)
	if err != nil {
		return nil, err
	}
	res := &BookingResult{Meeting: m}
	switch c.Kind {
	case BookingReschedule:
		if m.Status == baton.MeetingBooked && m.StartsAt.Equal(c.StartsAt) {
			res.Note = "the meeting already starts then"
		} else {
			in := MeetingInput{StartsAt: c.StartsAt, TimeZone: c.TimeZone, Duration: c.Duration, Reason: c.Reason}
			if res.Meeting, err = s.RescheduleMeeting(ctx, p, m.ID, in); err != nil {
				return conflictNote(res, err)
			}
			res.Changed = true
		}
		if c.Alias != "" && c.Alias != c.Booking {
			if err := s.aliasBooking(ctx, c.Booking, c.Alias); err != nil {
				return nil, err
			}
		}
	case BookingCancel:
		if m.Status == baton.MeetingCancelled {
			res.Note = "the meeting is already cancelled"
			return res, nil
		}
		if res.Meeting, err = s.CancelMeeting(ctx, p, m.ID, c.Reason); err != nil {
			return conflictNote(res, err)
		}
		res.Changed = true
	case BookingNoShow:
		if m.Status == baton.MeetingNoShow {
			res.Note = "the no-show is already recorded"
			return res, nil
		}
		if _, err := s.Act(ctx, p, m.HandoffID, baton.CmdOutcome, CommandInput{Outcome: baton.OutcomeNoShow, Note: c.Reason}); err != nil {
			return conflictNote(res, err)
		}
		res.Changed = true
		err = s.store.View(ctx, func(tx baton.Tx) error {
			res.Meeting, err = tx.Meeting(ctx, m.ID)
			return err
		})
		if err != nil {
			return nil, err
		}
	default:
		return nil, baton.Errorf(baton.EINVALID, "unknown booking change %q", c.Kind)
	}
	return res, nil
}

// conflictNote turns a change the meeting's state no longer allows (a
// meeting held, a handoff closed) into an unchanged result: the scheduler
// would only send it again.
func conflictNote(res *BookingResult, err error) (*BookingResult, error) {
	if baton.ErrorCode(err) != baton.ECONFLICT {
		return nil, err
	}
	res.Note = baton.ErrorMessage(err)
	return res, nil
}

// bookedMeeting finds the meeting of the handoff the signal with external
// id booking (or, failing that, alias) created or joined.
func (s *Service) bookedMeeting(ctx context.Context, booking, alias string) (*baton.Meeting, error) {
	var m *baton.Meeting
	err := s.store.View(ctx, func(tx baton.Tx) error {
		sig, err := tx.SignalByExternalID(ctx, booking)
		if baton.ErrorCode(err) == baton.ENOTFOUND && alias != "" {
			sig, err = tx.SignalByExternalID(ctx, alias)
		}
		if err != nil {
			if baton.ErrorCode(err) == baton.ENOTFOUND {
				return baton.Errorf(baton.ENOTFOUND, "no meeting was booked by %s", booking)
			}
			return err
		}
		if sig.HandoffID == "" {
			return baton.Errorf(baton.ENOTFOUND, "the signal %s started no handoff", booking)
		}
		h, err := tx.Handoff(ctx, sig.HandoffID)
		if err != nil {
			return err
		}
		if h.MeetingID == "" {
			return baton.Errorf(baton.ENOTFOUND, "the handoff of %s has no meeting", booking)
		}
		m, err = tx.Meeting(ctx, h.MeetingID)
		return err
	})
	return m, err
}

// aliasBooking records that the booking alias is the meeting booking
// made: a copy of booking's signal under alias's external id, joined to
// the same handoff (no new handoff, clock or message).
func (s *Service) aliasBooking(ctx context.Context, booking, alias string) error {
	return s.store.Update(ctx, func(tx baton.Tx) error {
		if _, err := tx.SignalByExternalID(ctx, alias); err == nil {
			return nil
		} else if baton.ErrorCode(err) != baton.ENOTFOUND {
			return err
		}
		sig, err := tx.SignalByExternalID(ctx, booking)
		if err != nil {
			return fmt.Errorf("service: alias booking %s: %w", booking, err)
		}
		cp := *sig
		cp.ID, cp.ExternalID, cp.ReceivedAt = newID(), alias, s.clock.Now()
		return tx.InsertSignal(ctx, &cp)
	})
}
