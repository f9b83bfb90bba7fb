package service

import (
	"context"
	"fmt"

	"github.com/batonhq/baton"
)

// MaxOutboxPage bounds one page of the outbox.
const MaxOutboxPage = 200

// OutboxPage is one page of outbound messages of one status.
type OutboxPage struct {
	Messages []*baton.Message
	// Counts are the messages of each status (pending, sent, failed).
	Counts map[string]int
	// More says there are older messages beyond this page.
	More bool
}

// Outbox lists messages of a status (pending, sent or failed; all when
// empty), newest first, skipping offset, at most limit (1 to
// MaxOutboxPage), with the counts per status.
func (s *Service) Outbox(ctx context.Context, status string, offset, limit int) (*OutboxPage, error) {
	var v baton.Validation
	switch status {
	case "", baton.MessagePending, baton.MessageSent, baton.MessageFailed:
	default:
		v.Add("status", "must be pending, sent or failed")
	}
	if offset < 0 {
		v.Add("offset", "must not be negative")
	}
	if limit < 1 || limit > MaxOutboxPage {
		v.Add("limit", "must be 1 to %d", MaxOutboxPage)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	out := &OutboxPage{}
	err := s.store.View(ctx, func(tx baton.Tx) error {
		list, err := tx.MessagesPage(ctx, status, offset, limit+1)
		if err != nil {
			return err
		}
		if len(list) > limit {
			list, out.More = list[:limit], true
		}
		out.Messages = list
		out.Counts, err = tx.MessageCounts(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RetryMessage makes a failed message pending again with its next attempt
// now and its attempts reset, so the outbox worker delivers it on its next
// pass with a full set of retries. Only an admin may (EFORBIDDEN); the
// message must exist (ENOTFOUND) and be failed (ECONFLICT).
func (s *Service) RetryMessage(ctx context.Context, p baton.Principal, id string) error {
	if !p.Can(baton.AccessAdmin) {
		return baton.Errorf(baton.EFORBIDDEN, "only an admin may retry a message")
	}
	now := s.clock.Now()
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		return tx.RetryMessage(ctx, id, now)
	})
	if err != nil {
		return fmt.Errorf("retry message: %w", err)
	}
	s.log.Info("message retried", "message", id, "by", p.UserID)
	return nil
}
