package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/brief"
	"github.com/batonhq/baton/objection"
	"github.com/batonhq/baton/playbook"
)

// BriefView is a handoff's CRM brief, kept current: it is built from the
// handoff's context, signal, account, contact and meeting on every read.
type BriefView struct {
	Brief      brief.Brief            `json:"brief"`
	Text       string                 `json:"text"`
	Objections []objection.Prediction `json:"objections"`
	// PreCall is the notification the owner gets before the meeting (or
	// would get now, when there is no meeting).
	PreCall brief.Notification `json:"pre_call"`
}

// Brief returns a handoff's CRM brief, its three likeliest objections and
// its pre-call notification.
func (s *Service) Brief(ctx context.Context, id string) (*BriefView, error) {
	var out *BriefView
	err := s.store.View(ctx, func(tx baton.Tx) error {
		h, err := tx.Handoff(ctx, id)
		if err != nil {
			return err
		}
		in, err := s.briefInput(ctx, tx, h)
		if err != nil {
			return err
		}
		preds := []objection.Prediction{} // a customer-side brief predicts no objections
		if !in.CustomerSide {
			if preds, err = s.predictObjections(ctx, tx, brief.ProfileOf(in), 3); err != nil {
				return err
			}
		}
		b := brief.Build(in)
		out = &BriefView{Brief: b, Text: b.Text(), Objections: preds, PreCall: brief.PreCall(in, b, preds)}
		return nil
	})
	return out, err
}

// customerTypes are the handoff types that hand over a customer rather
// than a prospect.
var customerTypes = []string{"closed_won", "expansion", "churn_risk"}

// customerSide reports whether a handoff type hands over a customer, so its
// brief is written for the receiving team (what was sold, who is who, what
// was promised, risks, what success means) rather than for selling:
// closed-won, expansion and churn-risk handoffs, and any type customer
// success receives.
func customerSide(ht *playbook.HandoffType) bool {
	to := strings.ToLower(ht.To)
	return slices.Contains(customerTypes, ht.Name) || to == "cs" || to == "customer_success"
}

// briefInput gathers what the brief engine needs about a handoff.
func (s *Service) briefInput(ctx context.Context, tx baton.Tx, h *baton.Handoff) (brief.Input, error) {
	pb := s.Playbook()
	in := brief.Input{Now: s.clock.Now(), HandoffType: h.Type, Signals: h.Signals, Context: h.Context,
		Labels: map[string]string{}, TypicalDeal: pb.Briefs.TypicalDeal}
	if ht := pb.HandoffType(h.Type); ht != nil {
		for _, f := range pb.Fields(ht) {
			in.Labels[f.Name] = f.Label
		}
		in.CustomerSide = customerSide(ht)
	}
	r, err := s.users(ctx, tx)
	if err != nil {
		return in, err
	}
	if u := r.User(h.OwnerID); u != nil {
		in.Owner, _, _ = strings.Cut(u.Name, " ")
	}
	if h.AccountID != "" {
		a, err := tx.Account(ctx, h.AccountID)
		if err != nil {
			return in, err
		}
		in.Account = brief.Account{Name: a.Name, Domain: a.Domain, Industry: a.Industry, Country: a.Country, Employees: a.Employees,
			Segment: a.Segment, Customer: a.Status == baton.AccountCustomer}
		if in.PriorObjections, err = priorObjections(ctx, tx, h); err != nil {
			return in, err
		}
	}
	if h.ContactID != "" {
		c, err := tx.Contact(ctx, h.ContactID)
		if err != nil {
			return in, err
		}
		in.Contact = brief.Contact{Name: c.Name, Title: c.Title, Email: c.Email, Phone: c.Phone, TimeZone: c.TimeZone}
		n, err := tx.NoShows(ctx, c.ID, h.ID)
		if err != nil {
			return in, err
		}
		// A meeting booked again after a no-show on this handoff counts too.
		in.PreviousNoShow = n > 0 || h.Outcome == baton.OutcomeNoShow
	}
	if sig, err := tx.Signal(ctx, h.SignalID); err == nil {
		in.Signal = brief.Signal{Type: sig.Type, Source: sig.Source, Campaign: sig.Campaign, Message: sig.Message}
	} else if baton.ErrorCode(err) != baton.ENOTFOUND {
		return in, fmt.Errorf("service: brief: signal %s: %w", h.SignalID, err)
	}
	if h.MeetingID != "" {
		m, err := tx.Meeting(ctx, h.MeetingID)
		if err != nil {
			return in, err
		}
		bm := &brief.Meeting{StartsAt: m.StartsAt, TimeZone: m.TimeZone, Agenda: m.Agenda, Reschedules: m.Reschedules}
		for _, a := range m.Attendees {
			bm.Attendees = append(bm.Attendees, brief.Attendee{Name: a.Name, Title: a.Title, Email: a.Email})
		}
		in.Meeting = bm
		if it, err := tx.IntakeForHandoff(ctx, h.ID); err == nil {
			in.IntakeSent, in.IntakeAnswered = true, !it.AnsweredAt.IsZero()
		} else if baton.ErrorCode(err) != baton.ENOTFOUND {
			return in, fmt.Errorf("service: brief: intake of %s: %w", h.ID, err)
		}
	}
	return in, nil
}

// outcomeProfile is the enquiry profile an outcome's objections teach the
// model about.
func (s *Service) outcomeProfile(ctx context.Context, tx baton.Tx, h *baton.Handoff) (objection.Profile, error) {
	in, err := s.briefInput(ctx, tx, h)
	if err != nil {
		return objection.Profile{}, err
	}
	return brief.ProfileOf(in), nil
}
