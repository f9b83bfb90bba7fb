package service

import (
	"context"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/brief"
	"github.com/batonhq/baton/objection"
	"github.com/batonhq/baton/playbook"
)

// firePreCall sends the owner the 90-second brief before a meeting.
func (s *Service) firePreCall(ctx context.Context, tx baton.Tx, t *baton.Timer, h *baton.Handoff, now time.Time) (bool, error) {
	m, err := tx.Meeting(ctx, t.Ref)
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if m.Status != baton.MeetingBooked || !h.State.Open() || !m.StartsAt.After(now) {
		return false, nil
	}
	in, err := s.briefInput(ctx, tx, h)
	if err != nil {
		return false, err
	}
	var preds []objection.Prediction
	if !in.CustomerSide {
		if preds, err = s.predictObjections(ctx, tx, brief.ProfileOf(in), 3); err != nil {
			return false, err
		}
	}
	n := brief.PreCall(in, brief.Build(in), preds)
	cats := make([]string, len(preds))
	for i, p := range preds {
		cats[i] = string(p.Category)
	}
	if err := appendEvent(ctx, tx, &baton.Event{HandoffID: h.ID, Kind: baton.EventPreCallSent, At: now, Actor: baton.ActorClock,
		OwnerID: h.OwnerID, Reason: n.Subject}, baton.PreCallData{MeetingID: m.ID, Words: n.Words, Objections: cats}); err != nil {
		return false, err
	}
	return true, s.notify(ctx, tx, h, baton.MsgPreCall, h.OwnerID, now, n.Subject+"\n\n"+n.Text)
}

// schedulePreCall sets the meeting's pre-call brief timer: the playbook's
// lead time before it starts, or at once when the meeting is nearer than
// that. A meeting already started gets none.
func (s *Service) schedulePreCall(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, m *baton.Meeting, now time.Time) error {
	if m.Status != baton.MeetingBooked || !m.StartsAt.After(now) {
		return nil
	}
	due := m.StartsAt.Add(-time.Duration(pb.Briefs.PreCall))
	if due.Before(now) {
		due = now
	}
	return tx.InsertTimers(ctx, &baton.Timer{ID: newID(), HandoffID: h.ID, Kind: baton.TimerPreCall, Ref: m.ID, Generation: h.Generation, DueAt: due})
}
