package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
)

// The outcome protocol.
//
// Recording an outcome settles the meeting (held, or a no-show) and starts
// what the playbook's outcomes section says (playbook.Outcome): the
// prospect's rebooking offer, follow-up tasks (activities with their own
// reminder and deadline, named on the outcome event), the manager alerted
// at the Nth time the outcome is recorded on one handoff, the next handoff
// opened from a raised signal (a won deal's closed-won handoff to customer
// success, with the context carried over and its id on the outcome
// event), the lead recycled to nurture (a recycled event crediting its
// source), and, for a no-show, the owner's round-robin turn given back.
//
// An outcome that closes (booked_won, not_interested and disqualified by
// default) completes the handoff; the others keep it actioned with the
// same owner, and a later outcome may be recorded. Each outcome ends the
// previous outcome's open tasks (cancelled); completing or cancelling the
// handoff ends them too, and a reassignment hands them to the new owner.

// recordOutcome runs the outcome command on h (from actioned): ev is its
// event, FromState set. It writes the outcome event, the sequence and the
// handoff.
func (s *Service) recordOutcome(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, ev *baton.Event, actor string, in CommandInput, now time.Time) error {
	rule := pb.OutcomeRule(in.Outcome)
	if rule == nil {
		d := playbook.DefaultOutcome(in.Outcome)
		rule = &d
	}
	target := baton.StateActioned
	if rule.Closing() {
		target = baton.StateCompleted
	}
	to, err := baton.TransitionTo(ev.FromState, baton.CmdOutcome, target)
	if err != nil {
		return err
	}
	h.State, ev.ToState, ev.Kind, h.Outcome = to, to, baton.EventOutcome, in.Outcome
	if rule.Closing() {
		h.ClosedAt = now
	}
	// The outcome settles a booked meeting: held, or a no-show.
	if h.MeetingID != "" {
		m, err := tx.Meeting(ctx, h.MeetingID)
		if err != nil {
			return err
		}
		if m.Status == baton.MeetingBooked && now.Before(m.StartsAt) {
			return baton.Errorf(baton.ECONFLICT, "cannot record an outcome before the meeting: it starts at %s (in %s)",
				m.StartsAt.Format(time.RFC3339), m.StartsAt.Sub(now).Round(time.Minute))
		}
		if m.Status == baton.MeetingBooked {
			m.Status, m.UpdatedAt = baton.MeetingHeld, now
			if in.Outcome == baton.OutcomeNoShow {
				m.Status = baton.MeetingNoShow
			}
			if err := tx.UpdateMeeting(ctx, m); err != nil {
				return err
			}
		}
	}
	if err := s.prospectOutcome(ctx, tx, h, rule.Message == playbook.OutcomeMessageRebook, now); err != nil {
		return err
	}
	if err := tx.CancelTimers(ctx, h.ID, clockKinds...); err != nil {
		return err
	}
	before, err := tx.Events(ctx, h.ID)
	if err != nil {
		return err
	}
	// A later outcome ends the sequence of the one before.
	if err := s.endSequence(ctx, tx, h, now); err != nil {
		return err
	}
	tasks, err := s.startTasks(ctx, tx, pb, h, in.Outcome, rule.Tasks, now)
	if err != nil {
		return err
	}
	next, err := s.openNext(ctx, tx, pb, h, rule, in.Outcome, now)
	if err != nil {
		return err
	}
	ev.OwnerID = h.OwnerID
	data := baton.OutcomeData{Outcome: in.Outcome, Objections: in.Objections, Tasks: tasks, Next: next}
	if err := appendEvent(ctx, tx, ev, data); err != nil {
		return err
	}
	if err := s.crmOutcome(ctx, tx, h, data, now); err != nil {
		return err
	}
	if err := s.escalateRepeat(ctx, tx, h, rule, in.Outcome, before, now); err != nil {
		return err
	}
	if rule.Recycling() {
		if err := s.recycle(ctx, tx, h, rule, actor, in, now); err != nil {
			return err
		}
	}
	if in.Outcome == baton.OutcomeNoShow {
		if err := s.returnTurn(ctx, tx, pb, h, before); err != nil {
			return err
		}
	}
	return tx.UpdateHandoff(ctx, h)
}

// outcomeCount counts the outcome events of kind outcome in evs.
func outcomeCount(evs []*baton.Event, outcome string) int {
	n := 0
	for _, e := range evs {
		if e.Kind != baton.EventOutcome {
			continue
		}
		if d, err := baton.DecodeEventData[baton.OutcomeData](e); err == nil && d.Outcome == outcome {
			n++
		}
	}
	return n
}

// escalateRepeat alerts the owner's manager when this is the Nth time (or
// more) the outcome is recorded on h, N the rule's escalate_after; before
// is h's log before this outcome.
func (s *Service) escalateRepeat(ctx context.Context, tx baton.Tx, h *baton.Handoff, rule *playbook.Outcome, outcome string, before []*baton.Event, now time.Time) error {
	n := outcomeCount(before, outcome) + 1
	if e := rule.Escalation(); e == 0 || n < e {
		return nil
	}
	words := strings.ReplaceAll(outcome, "_", " ")
	if err := tx.AppendEvent(ctx, &baton.Event{HandoffID: h.ID, Kind: baton.EventEscalated, At: now, Actor: baton.ActorSystem, OwnerID: h.OwnerID,
		Reason: fmt.Sprintf("%s recorded %d times on this handoff: the owner's manager was alerted", words, n)}); err != nil {
		return err
	}
	manager, err := s.managerOf(ctx, tx, h.OwnerID)
	if err != nil {
		return err
	}
	return s.notify(ctx, tx, h, baton.MsgEscalated, manager, now,
		fmt.Sprintf("Outcome %q was recorded %d times on a %s handoff your report owns: it needs a hand.", words, n, h.Type))
}

// recycle sends the lead back to nurture: a recycled event with the
// reason (the owner's, else the rule's), crediting the lead's source.
func (s *Service) recycle(ctx context.Context, tx baton.Tx, h *baton.Handoff, rule *playbook.Outcome, actor string, in CommandInput, now time.Time) error {
	reason := strings.TrimSpace(in.Reason)
	if reason == "" {
		reason = strings.TrimSpace(in.Note)
	}
	if reason == "" {
		reason = rule.Reason
	}
	source := ""
	if sig, err := tx.Signal(ctx, h.SignalID); err == nil {
		source = sig.Source
	} else if baton.ErrorCode(err) != baton.ENOTFOUND {
		return fmt.Errorf("service: recycle %s: signal %s: %w", h.ID, h.SignalID, err)
	}
	return appendEvent(ctx, tx, &baton.Event{HandoffID: h.ID, Kind: baton.EventRecycled, At: now, Actor: actor, OwnerID: h.OwnerID,
		Reason: "back to nurture: " + reason}, baton.RecycledData{Outcome: h.Outcome, Reason: reason, Source: source})
}

// fireOutcomeDue runs one rung of a meeting's outcome clock (the tier's
// outcome ladder): a reminder to the owner, or an alert to the manager or
// the ops lead; the first rung at or past the deadline records the outcome
// overdue and tells the owner. It is moot once the meeting is no longer
// waiting for its outcome. A timer written before the ladder (no Ref)
// alerts the owner and the manager at once, as it always did.
func (s *Service) fireOutcomeDue(ctx context.Context, tx baton.Tx, t *baton.Timer, h *baton.Handoff, now time.Time) (bool, error) {
	if !h.State.Open() || h.MeetingID == "" {
		return false, nil
	}
	m, err := tx.Meeting(ctx, h.MeetingID)
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if m.Status != baton.MeetingBooked {
		return false, nil // the outcome was recorded, or the meeting cancelled
	}
	pb := s.Playbook()
	tier := tierOf(pb, h)
	due := s.OutcomeDue(h, m)
	if t.Ref != outcomeRung || tier == nil || t.Step >= len(tier.OutcomeLadder) {
		return s.outcomeLate(ctx, tx, h, due, now, playbook.LadderStep{Action: playbook.ActionAlertManager})
	}
	step := tier.OutcomeLadder[t.Step]
	if t.Step == tier.OutcomeDueStep() {
		return s.outcomeLate(ctx, tx, h, due, now, step)
	}
	switch step.Action {
	case playbook.ActionRemindOwner:
		if h.OwnerID == "" {
			return false, nil
		}
		what := "Reminder: record the outcome of your meeting by " + due.Format(time.RFC3339) + "."
		if !now.Before(due) {
			what = fmt.Sprintf("Reminder: the outcome of your meeting is overdue by %s.", now.Sub(due).Round(time.Minute))
		}
		if err := s.event(ctx, tx, h, baton.EventReminded, now, "the meeting's outcome is due by "+due.Format(time.RFC3339)); err != nil {
			return false, err
		}
		return true, s.notifyStep(ctx, tx, h, step, baton.MsgOutcome, h.OwnerID, now, what)
	default:
		return true, s.outcomeEscalate(ctx, tx, pb, h, step, due, now)
	}
}

// outcomeRung is the Ref of the outcome clock's timers, one per rung of
// the tier's outcome ladder (Step).
const outcomeRung = "rung"

// outcomeLate records the outcome overdue, tells the owner and runs the
// rung's alert.
func (s *Service) outcomeLate(ctx context.Context, tx baton.Tx, h *baton.Handoff, due, now time.Time, step playbook.LadderStep) (bool, error) {
	if err := s.event(ctx, tx, h, baton.EventOutcomeLate, now, "the meeting ended and no outcome is recorded"); err != nil {
		return false, err
	}
	if err := s.notifyStep(ctx, tx, h, step, baton.MsgOutcome, h.OwnerID, now, "Record the outcome of your meeting: it is overdue."); err != nil {
		return false, err
	}
	if step.Action == playbook.ActionRemindOwner {
		return true, nil
	}
	return true, s.outcomeEscalate(ctx, tx, s.Playbook(), h, step, due, now)
}

// outcomeEscalate alerts the owner's manager (alert_manager) or the ops
// lead (alert_ops) that a meeting's outcome is missing.
func (s *Service) outcomeEscalate(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, step playbook.LadderStep, due, now time.Time) error {
	r, err := s.users(ctx, tx)
	if err != nil {
		return err
	}
	recipient, who := ladderRecipient(pb, r, h, step.Action), "the owner's manager"
	if step.Action == playbook.ActionAlertOps {
		who = "the ops lead"
	}
	if recipient == "" && step.Action == playbook.ActionAlertManager {
		return nil // nobody to alert: the owner has no manager
	}
	if err := s.event(ctx, tx, h, baton.EventEscalated, now, "no outcome recorded after the meeting: "+who+" was alerted"); err != nil {
		return err
	}
	text := "A meeting's outcome is overdue on a handoff your report owns."
	if step.Action == playbook.ActionAlertOps {
		text = fmt.Sprintf("A meeting's outcome on a %s handoff is overdue since %s.", h.Type, due.Format(time.RFC3339))
	}
	return s.notifyStep(ctx, tx, h, step, baton.MsgOutcome, recipient, now, text)
}

// outcomeClock returns the timers of a booked meeting's outcome clock: one
// per rung of the tier's outcome ladder, at a share of outcome_by after the
// meeting ends or past the deadline, on h's SLA clock. None for a meeting
// not booked or a handoff without a tier.
func outcomeClock(pb *playbook.Playbook, h *baton.Handoff, m *baton.Meeting) []*baton.Timer {
	tier := tierOf(pb, h)
	if tier == nil || m == nil || m.Status != baton.MeetingBooked {
		return nil
	}
	clock := slaClock(pb, h)
	end := m.StartsAt.Add(time.Duration(m.Duration))
	span := clock.Span(time.Duration(tier.OutcomeBy))
	due := clock.Add(end, span)
	ladder := tier.OutcomeLadder
	if len(ladder) == 0 {
		ladder = []playbook.LadderStep{{Fraction: 1, Action: playbook.ActionAlertManager}}
	}
	out := make([]*baton.Timer, 0, len(ladder))
	for i, st := range ladder {
		at := clock.Add(due, clock.Span(time.Duration(st.After)))
		if st.Fraction > 0 {
			at = clock.Add(end, time.Duration(st.Fraction*float64(span)))
		}
		out = append(out, &baton.Timer{ID: newID(), HandoffID: h.ID, Kind: baton.TimerOutcomeDue, Generation: h.Generation, Step: i, Ref: outcomeRung, DueAt: at})
	}
	return out
}

// OutcomeDue returns when the outcome of h's meeting m is due: the tier's
// outcome_by after the meeting ends, on h's clock.
func (s *Service) OutcomeDue(h *baton.Handoff, m *baton.Meeting) time.Time {
	pb := s.Playbook()
	clock, outcomeBy := slaClock(pb, h), 24*time.Hour
	if tier := tierOf(pb, h); tier != nil {
		outcomeBy = time.Duration(tier.OutcomeBy)
	}
	return clock.Add(m.StartsAt.Add(time.Duration(m.Duration)), clock.Span(outcomeBy))
}
