package service

import (
	"context"
	"time"

	"github.com/batonhq/baton"
)

// ClaimMessages leases up to limit due outbound messages for a sender.
func (s *Service) ClaimMessages(ctx context.Context, lease time.Duration, limit int) ([]*baton.Message, error) {
	var out []*baton.Message
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		now := s.clock.Now()
		claimed, err := tx.ClaimMessages(ctx, now, lease, limit)
		if err != nil {
			return err
		}
		if out, err = s.holdProspect(ctx, tx, claimed, now); err != nil {
			return err
		}
		out, err = s.holdCRM(ctx, tx, out, now)
		return err
	})
	return out, err
}

// SettleMessage records the outcome of a delivery attempt, and tells the
// observer, if any.
func (s *Service) SettleMessage(ctx context.Context, m *baton.Message) error {
	return s.SettleMessages(ctx, []*baton.Message{m})
}

// SettleMessages records the outcomes of delivery attempts in one write
// transaction (the outbox settles a round's at once: under load a write
// per message would queue behind the signals), and tells the observer,
// if any.
func (s *Service) SettleMessages(ctx context.Context, ms []*baton.Message) error {
	if len(ms) == 0 {
		return nil
	}
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		for _, m := range ms {
			if err := tx.SettleMessage(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if o := s.observer(); o != nil && err == nil {
		for _, m := range ms {
			result := m.Status
			if result == baton.MessagePending {
				result = "retry"
			}
			o.MessageSettled(m.Channel, result)
		}
	}
	return err
}
