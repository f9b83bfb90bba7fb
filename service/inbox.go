package service

import (
	"context"

	"github.com/batonhq/baton"
)

// Inbox is one person's open work, in three parts: the handoffs they own,
// the ones they back up, and the ones they sent that came back to them
// with gaps to fix.
type Inbox struct {
	Owned    []*HandoffView
	Backup   []*HandoffView
	Returned []*HandoffView
}

// Inbox returns every open handoff userID owns, backs up, or sent and had
// returned, each list in the store's order (newest first); the caller orders
// them by urgency. Nothing is capped: a page shows what it holds and says
// how many more there are.
func (s *Service) Inbox(ctx context.Context, userID string) (*Inbox, error) {
	out := &Inbox{}
	if userID == "" {
		return out, nil
	}
	err := s.store.View(ctx, func(tx baton.Tx) error {
		*out = Inbox{}
		// The store narrows to the handoffs userID owns, backs up or sent
		// (by the owner, backup and sender indexes); the loop sorts them.
		f := baton.HandoffFilter{Open: true, VisibleTo: []string{userID}, Limit: 500}
		for {
			list, next, err := tx.Handoffs(ctx, f)
			if err != nil {
				return err
			}
			for _, h := range list {
				var dst *[]*HandoffView
				switch {
				case h.OwnerID == userID:
					dst = &out.Owned
				case h.BackupID == userID:
					dst = &out.Backup
				case h.SenderID == userID && h.State == baton.StateReturned:
					dst = &out.Returned
				default:
					continue
				}
				v, err := s.view(ctx, tx, h, false)
				if err != nil {
					return err
				}
				*dst = append(*dst, v)
			}
			if next == "" {
				return nil
			}
			f.Cursor = next
		}
	})
	return out, err
}
