package service

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
)

// ladderRecipient returns the id of who a ladder action alerts: the owner,
// their manager or the team's ops lead ("" for an action that alerts
// nobody, or nobody known).
func ladderRecipient(pb *playbook.Playbook, r *roster, h *baton.Handoff, action string) string {
	switch action {
	case playbook.ActionRemindOwner:
		return h.OwnerID
	case playbook.ActionAlertManager:
		if u := r.User(h.OwnerID); u != nil {
			return u.ManagerID
		}
	case playbook.ActionAlertOps:
		if u := r.ByEmail(pb.OpsLead(h.ToTeam)); u != nil {
			return u.ID
		}
	}
	return ""
}

// ladderRef is what a ladder timer's Ref carries: the earlier rungs merged
// into it ("merged:0,1"), or which repeat of the last rung it is
// ("repeat:2").
type ladderRef struct {
	merged []int
	repeat int
}

func (l ladderRef) String() string {
	if l.repeat > 0 {
		return "repeat:" + strconv.Itoa(l.repeat)
	}
	if len(l.merged) == 0 {
		return ""
	}
	parts := make([]string, len(l.merged))
	for i, m := range l.merged {
		parts[i] = strconv.Itoa(m)
	}
	return "merged:" + strings.Join(parts, ",")
}

func parseLadderRef(s string) ladderRef {
	var l ladderRef
	if rest, ok := strings.CutPrefix(s, "repeat:"); ok {
		l.repeat, _ = strconv.Atoi(rest)
	} else if rest, ok := strings.CutPrefix(s, "merged:"); ok {
		for _, f := range strings.Split(rest, ",") {
			if n, err := strconv.Atoi(f); err == nil {
				l.merged = append(l.merged, n)
			}
		}
	}
	return l
}

// fireLadder runs one rung of the accept clock's escalation ladder: first
// the alerts of the earlier rungs merged into it (a reminder that lost its
// moment is dropped), then its own step. A reminder is moot when a later
// rung is already due. The last rung, once fired, repeats (its step's
// Every, up to Repeats times) until the handoff is accepted or moves on.
func (s *Service) fireLadder(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, t *baton.Timer, h *baton.Handoff, now time.Time) (bool, error) {
	tier := tierOf(pb, h)
	if h.State != baton.StateAssigned || tier == nil || t.Step >= len(tier.Ladder) {
		return false, nil
	}
	ref := parseLadderRef(t.Ref)
	step := tier.Ladder[t.Step]
	if step.Action == playbook.ActionRemindOwner && ref.repeat == 0 {
		pending, err := tx.PendingTimers(ctx, h.ID)
		if err != nil {
			return false, err
		}
		for _, p := range pending {
			if p.Kind == baton.TimerLadder && p.Generation == h.Generation && p.Step > t.Step && !p.DueAt.After(now) {
				return false, nil // a later rung is due: the reminder's moment has passed
			}
		}
	}
	fired := false
	gen := h.Generation
	for _, m := range ref.merged {
		if m >= t.Step || m >= len(tier.Ladder) {
			continue
		}
		if a := tier.Ladder[m].Action; a != playbook.ActionAlertManager && a != playbook.ActionAlertOps {
			continue // a reminder or priority bump after a later rung says nothing
		}
		ok, err := s.ladderStep(ctx, tx, pb, tier.Ladder[m], h, now, 0)
		if err != nil {
			return false, err
		}
		fired = fired || ok
	}
	ok, err := s.ladderStep(ctx, tx, pb, step, h, now, ref.repeat)
	if err != nil {
		return false, err
	}
	fired = fired || ok
	last := t.Step == len(tier.Ladder)-1
	if ok && last && step.Every > 0 && ref.repeat < step.Repeats && h.State == baton.StateAssigned && h.Generation == gen {
		r, err := s.users(ctx, tx)
		if err != nil {
			return false, err
		}
		// On the rung's own rhythm; after downtime, from now rather than in a burst.
		clock := slaClock(pb, h)
		due := clock.Repeat(t.DueAt, time.Duration(step.Every))
		if !due.After(now) {
			due = clock.Repeat(now, time.Duration(step.Every))
		}
		if u := r.User(ladderRecipient(pb, r, h, step.Action)); u != nil {
			due = r.NextWorking(u, due) // a repeat is a nudge: it waits for working hours on any clock
		}
		next := &baton.Timer{ID: newID(), HandoffID: h.ID, Kind: baton.TimerLadder, Generation: h.Generation, Step: t.Step,
			Ref: ladderRef{repeat: ref.repeat + 1}.String(), DueAt: due}
		if err := tx.InsertTimers(ctx, next); err != nil {
			return false, err
		}
	}
	return fired, nil
}

// ladderStep runs one ladder action; repeat counts the repeats of the last
// rung (0 the first time).
func (s *Service) ladderStep(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, step playbook.LadderStep, h *baton.Handoff, now time.Time, repeat int) (bool, error) {
	again := ""
	if repeat > 0 {
		again = fmt.Sprintf(" (repeat %d of %d)", repeat, step.Repeats)
	}
	switch step.Action {
	case playbook.ActionRemindOwner:
		if h.OwnerID == "" {
			return false, nil
		}
		if repeat > 0 {
			if err := s.event(ctx, tx, h, baton.EventReminded, now, "still not accepted"+again); err != nil {
				return false, err
			}
			return true, s.notifyStep(ctx, tx, h, step, baton.MsgReminder, h.OwnerID, now,
				fmt.Sprintf("Reminder%s: this %s handoff is still not accepted; its deadline was %s.", again, h.Type, h.AcceptBy.Format(time.RFC3339)))
		}
		if err := s.event(ctx, tx, h, baton.EventReminded, now, fmt.Sprintf("%s of the accept SLA has passed; accept by %s", step.At, h.AcceptBy.Format(time.RFC3339))); err != nil {
			return false, err
		}
		return true, s.notifyStep(ctx, tx, h, step, baton.MsgReminder, h.OwnerID, now,
			fmt.Sprintf("Reminder: %s of your time to accept this %s handoff has passed (accept by %s).", step.At, h.Type, h.AcceptBy.Format(time.RFC3339)))

	case playbook.ActionAlertManager:
		if !now.Before(h.AcceptBy) && repeat == 0 {
			return true, s.breach(ctx, tx, h, now, "accept", h.AcceptBy, step.Channel...)
		}
		manager, err := s.managerOf(ctx, tx, h.OwnerID)
		if err != nil {
			return false, err
		}
		if repeat > 0 {
			if err := s.event(ctx, tx, h, baton.EventEscalated, now, "still not accepted: the owner's manager was alerted again"+again); err != nil {
				return false, err
			}
			return true, s.notifyStep(ctx, tx, h, step, baton.MsgEscalated, manager, now,
				fmt.Sprintf("Escalation%s: a %s handoff is still not accepted, %s past its deadline.", again, h.Type, now.Sub(h.AcceptBy).Round(time.Minute)))
		}
		if err := s.event(ctx, tx, h, baton.EventEscalated, now, "not yet accepted: the owner's manager was alerted"); err != nil {
			return false, err
		}
		return true, s.notifyStep(ctx, tx, h, step, baton.MsgEscalated, manager, now, fmt.Sprintf("A %s handoff is not yet accepted; its deadline is %s.", h.Type, h.AcceptBy.Format(time.RFC3339)))

	case playbook.ActionReassignBackup:
		ev := &baton.Event{HandoffID: h.ID, Kind: baton.EventReassigned, At: now, Actor: baton.ActorClock, FromState: h.State,
			ToState: baton.StateAssigned, Reason: "ladder step " + step.Action + ": not accepted within the SLA and its grace period; moved to the backup owner"}
		if err := ev.SetData(baton.ReassignedData{Step: step.Action}); err != nil {
			return false, err
		}
		target := h.BackupID
		if target != "" {
			u, err := tx.User(ctx, target)
			if err != nil && baton.ErrorCode(err) != baton.ENOTFOUND {
				return false, fmt.Errorf("service: ladder: backup %s: %w", target, err)
			}
			if err != nil || !u.Active || u.Paused || u.Away(now) {
				target = "" // backup unavailable: re-route without the owner
			}
		}
		if target == "" {
			ev.Reason = "ladder step " + step.Action + ": not accepted within the SLA and its grace period; no backup available, re-routed"
		}
		h.UpdatedAt = now
		return true, s.reassign(ctx, tx, pb, h, ev, target, now)

	case playbook.ActionAlertOps:
		r, err := s.users(ctx, tx)
		if err != nil {
			return false, fmt.Errorf("service: ladder: alert ops: %w", err)
		}
		recipient := ladderRecipient(pb, r, h, playbook.ActionAlertOps)
		if err := s.event(ctx, tx, h, baton.EventEscalated, now, "still not accepted: the ops lead was alerted"+again); err != nil {
			return false, err
		}
		return true, s.notifyStep(ctx, tx, h, step, baton.MsgEscalated, recipient, now,
			fmt.Sprintf("Escalation%s: a %s handoff is still not accepted, %s past its deadline.", again, h.Type, now.Sub(h.AcceptBy).Round(time.Minute)))

	case playbook.ActionRaisePriority:
		h.Priority++
		h.UpdatedAt = now
		if err := tx.UpdateHandoff(ctx, h); err != nil {
			return false, err
		}
		return true, s.event(ctx, tx, h, baton.EventPriority, now, fmt.Sprintf("priority raised to %d", h.Priority))
	}
	return false, nil
}
