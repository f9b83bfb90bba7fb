package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/quality"
)

// The receiver's review of a handoff, as the seed's CS review has it:
// accept (accept), reject naming the gaps (reject: the handoff goes back to
// the sender on the fix-by clock, and counts towards the sender's
// rejection threshold, feedback.go) or request revisions (below).
//
// A revision request keeps the handoff with its receiver: minor fixes,
// not a rejection, so it does not count towards the threshold. It gives
// the sender a follow-up activity named the revisions ("revisions", then
// "revisions_2", …) on the tier's fix-by clock (24 h by default): the
// sender is told at once, reminded at half time, and their manager is
// alerted at the deadline, as with every activity; the sender marks it
// done when the revisions are made. A revision made late, or never, costs
// the handoff its within-SLA points.

// RevisionsInput asks the sender of a handoff for revisions.
type RevisionsInput struct {
	// Revisions name what to fix (1 to 20, each at most
	// baton.MaxShortText bytes).
	Revisions []string `json:"revisions"`
	// Note is free text for the sender.
	Note string `json:"note,omitempty"`
}

func (in *RevisionsInput) validate() error {
	var v baton.Validation
	switch n := len(in.Revisions); {
	case n == 0:
		v.Add("revisions", "name at least one revision")
	case n > 20:
		v.Add("revisions", "at most 20")
	}
	for i, r := range in.Revisions {
		if strings.TrimSpace(r) == "" || len(r) > baton.MaxShortText {
			v.Add(fmt.Sprintf("revisions[%d]", i), "must be 1 to %d bytes", baton.MaxShortText)
		}
	}
	if len(in.Note) > baton.MaxMessageLen {
		v.Add("note", "must be at most %d bytes", baton.MaxMessageLen)
	}
	return v.Err()
}

// RequestRevisions has principal p, the handoff's receiver (its owner or
// backup, or a manager), ask its sender for revisions. It returns the
// sender's new activity; EINVALID for bad input, EFORBIDDEN when p is not
// a receiver, ECONFLICT when the handoff is closed, returned, has no
// sender or has revisions still open, and ENOTFOUND for an unknown id.
func (s *Service) RequestRevisions(ctx context.Context, p baton.Principal, id string, in RevisionsInput) (*baton.Activity, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	var out *baton.Activity
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		out = nil
		h, err := tx.Handoff(ctx, id)
		if err != nil {
			return err
		}
		if err := s.mayAct(ctx, tx, p, h, actEdit); err != nil {
			return err
		}
		receiver := p.UserID == "" || p.Can(baton.AccessManager) || p.UserID == h.OwnerID || p.UserID == h.BackupID
		switch {
		case !receiver:
			return baton.Errorf(baton.EFORBIDDEN, "only the receiver (the owner or backup) or a manager requests revisions")
		case !h.State.Open() || h.State == baton.StateReturned:
			return baton.Errorf(baton.ECONFLICT, "cannot request revisions: handoff is %s", h.State)
		case h.SenderID == "":
			return baton.Errorf(baton.ECONFLICT, "cannot request revisions: the handoff has no sender to make them")
		}
		acts, err := tx.Activities(ctx, h.ID)
		if err != nil {
			return err
		}
		n := 0
		for _, a := range acts {
			if !quality.IsRevisions(a.Name) {
				continue
			}
			if a.Status == baton.ActivityOpen {
				return baton.Errorf(baton.ECONFLICT, "revisions are already requested, due by %s", a.DueAt.UTC().Format(time.RFC3339))
			}
			n++
		}
		name := quality.RevisionsActivity
		if n > 0 {
			name = fmt.Sprintf("%s_%d", quality.RevisionsActivity, n+1)
		}
		pb, now := s.Playbook(), s.clock.Now()
		fix := 24 * time.Hour
		if t := pb.Tier(h.Tier); t != nil && t.FixBy > 0 {
			fix = time.Duration(t.FixBy)
		}
		revisions := make([]string, len(in.Revisions))
		for i, r := range in.Revisions {
			revisions[i] = strings.TrimSpace(r)
		}
		label := "Revisions requested: " + strings.Join(revisions, "; ")
		a := &baton.Activity{ID: newID(), HandoffID: h.ID, Name: name, Label: label, OwnerID: h.SenderID,
			DueAt: now.Add(fix), Status: baton.ActivityOpen, CreatedAt: now}
		if err := tx.InsertActivities(ctx, a); err != nil {
			return err
		}
		if err := tx.InsertTimers(ctx,
			&baton.Timer{ID: newID(), HandoffID: h.ID, Kind: baton.TimerActivityRemind, Ref: a.ID, DueAt: now.Add(fix / 2)},
			&baton.Timer{ID: newID(), HandoffID: h.ID, Kind: baton.TimerActivityDue, Ref: a.ID, DueAt: a.DueAt},
		); err != nil {
			return err
		}
		text := fmt.Sprintf("%s. Make them by %s and mark them done on the handoff.", label, a.DueAt.UTC().Format(time.RFC3339))
		if note := strings.TrimSpace(in.Note); note != "" {
			text += " " + note
		}
		if err := s.notify(ctx, tx, h, baton.MsgActivity, h.SenderID, now, text); err != nil {
			return err
		}
		// No event is logged, so mark the stored score stale here.
		if q, ok := tx.(qualityTx); ok {
			if err := q.MarkQualityStale(ctx, h.ID); err != nil {
				return err
			}
		}
		out = a
		return nil
	})
	return out, err
}
