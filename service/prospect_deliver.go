package service

import (
	"context"
	"fmt"
	"time"

	"github.com/batonhq/baton"
	mailer "github.com/batonhq/baton/email"
	"github.com/batonhq/baton/prospect"
)

// Deliverability of prospect email.
//
// Each sending mailbox (the playbook's prospect.from, or "default" for the
// email channel's own sender) hands at most prospect.daily_cap prospect
// emails to the relay per UTC day; a message claimed beyond it is not
// attempted: it waits, pending and without spending an attempt, until
// the next UTC midnight. A permanent refusal of the recipient (SMTP 5xx to
// RCPT TO: DeliveryResult.Bounced) marks the contact bounced; from then on
// nothing is queued for it, and what was queued before fails at delivery
// without being sent. The owner's copies of invitations count towards
// neither.

// SendFunc sends one rendered email from the mailbox ("" for the channel's
// own sender) and classifies the outcome, as email.Sender.Send does.
type SendFunc func(ctx context.Context, from string, m mailer.Message, now time.Time) baton.DeliveryResult

// mailboxOf names the sending mailbox of a payload for the daily cap.
func mailboxOf(p *prospect.Payload) string {
	if p.From != "" {
		return p.From
	}
	return "default"
}

// nextUTCDay returns the next UTC midnight after now.
func nextUTCDay(now time.Time) time.Time {
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
}

// holdProspect runs in the claim's transaction: it removes from a claimed
// batch the prospect messages that must not be attempted now. A message to
// a bounced contact fails; one beyond its mailbox's daily cap waits for the
// next UTC day.
func (s *Service) holdProspect(ctx context.Context, tx baton.Tx, msgs []*baton.Message, now time.Time) ([]*baton.Message, error) {
	capacity := s.Playbook().Prospect.DailyCap
	out := msgs[:0]
	for _, m := range msgs {
		if !prospect.IsProspect(m.Kind) {
			out = append(out, m)
			continue
		}
		p, err := prospect.Decode(m.Payload)
		if err != nil || p.Audience != prospect.AudienceProspect {
			out = append(out, m) // an undecodable payload fails in DeliverProspect
			continue
		}
		bounced, err := s.contactBounced(ctx, tx, p.To.ContactID)
		if err != nil {
			return nil, err
		}
		if bounced {
			m.Status, m.LastError = baton.MessageFailed, "not sent: the contact's address bounced"
			if err := tx.SettleMessage(ctx, m); err != nil {
				return nil, err
			}
			continue
		}
		ok, err := tx.ReserveProspectSend(ctx, mailboxOf(p), now, capacity)
		if err != nil {
			return nil, err
		}
		if !ok {
			m.NextAt = nextUTCDay(now)
			m.LastError = fmt.Sprintf("waiting: %s sent its daily cap of %d prospect emails (UTC day)", mailboxOf(p), capacity)
			if err := tx.SettleMessage(ctx, m); err != nil {
				return nil, err
			}
			continue
		}
		out = append(out, m)
	}
	return out, nil
}

func (s *Service) contactBounced(ctx context.Context, tx baton.Tx, contactID string) (bool, error) {
	if contactID == "" {
		return false, nil
	}
	c, err := tx.Contact(ctx, contactID)
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return !c.BouncedAt.IsZero(), nil
}

// DeliverProspect makes one attempt at a prospect.* message on the email
// channel: it checks again that the contact has not bounced, renders the
// payload (prospect.Render), sends it with send, and marks the contact
// bounced when the relay refuses the recipient permanently. An
// unrenderable payload or a bounced contact is a permanent failure.
func (s *Service) DeliverProspect(ctx context.Context, m *baton.Message, now time.Time, send SendFunc) baton.DeliveryResult {
	p, err := prospect.Decode(m.Payload)
	if err != nil {
		return baton.DeliveryResult{Err: fmt.Errorf("deliver %s: %w", m.ID, err)}
	}
	if p.Audience == prospect.AudienceProspect {
		var bounced bool
		err := s.store.View(ctx, func(tx baton.Tx) error {
			var err error
			bounced, err = s.contactBounced(ctx, tx, p.To.ContactID)
			return err
		})
		if err != nil {
			return baton.DeliveryResult{Err: err, Retryable: true}
		}
		if bounced {
			return baton.DeliveryResult{Err: fmt.Errorf("deliver %s: not sent: the contact's address bounced", m.ID)}
		}
	}
	msg, err := prospect.Render(m.Payload)
	if err != nil {
		return baton.DeliveryResult{Err: fmt.Errorf("deliver %s: %w", m.ID, err)}
	}
	msg.ID = m.ID
	res := send(ctx, p.From, msg, now)
	if res.Bounced && p.Audience == prospect.AudienceProspect && p.To.ContactID != "" {
		err := s.store.Update(ctx, func(tx baton.Tx) error {
			if err := tx.MarkContactBounced(ctx, p.To.ContactID, now); err != nil {
				return err
			}
			return tx.RecordProspectBounce(ctx, mailboxOf(p), now)
		})
		if err != nil {
			s.log.Error("mark contact bounced", "contact", p.To.ContactID, "message", m.ID, "err", err)
		}
	}
	return res
}

// ProspectBounceDay is one UTC day of prospect email, all mailboxes
// together.
type ProspectBounceDay struct {
	Day     string `json:"day"`
	Sent    int    `json:"sent"`
	Bounced int    `json:"bounced"`
	// Rate is Bounced/Sent, 0 when nothing was sent.
	Rate float64 `json:"bounce_rate"`
}

// ProspectBounceRates returns the prospect email handed to the relay and
// the bounces, per UTC day in [from, to), oldest first (days without mail
// are left out). Sent counts attempts: a retried message counts again.
func (s *Service) ProspectBounceRates(ctx context.Context, from, to time.Time) ([]ProspectBounceDay, error) {
	var rows []baton.ProspectSendDay
	err := s.store.View(ctx, func(tx baton.Tx) error {
		var err error
		rows, err = tx.ProspectSendDays(ctx, from, to)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := []ProspectBounceDay{}
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].Day != r.Day {
			out = append(out, ProspectBounceDay{Day: r.Day})
		}
		d := &out[len(out)-1]
		d.Sent += r.Sent
		d.Bounced += r.Bounced
	}
	for i := range out {
		if out[i].Sent > 0 {
			out[i].Rate = float64(out[i].Bounced) / float64(out[i].Sent)
		}
	}
	return out, nil
}
