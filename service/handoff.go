package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/routing"
	"github.com/batonhq/baton/sla"
)

// assigned writes what follows an assignment: the assigned event, the
// clocks of the plan (the escalation ladder, the first-touch breach, the
// outcome due after a meeting) and the owner's notification (or the ops
// alert when routing fell through).
func (s *Service) assigned(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, d routing.Decision, plan sla.Plan, now time.Time, actor string, known assignment) error {
	reason := "routed by " + d.Step
	if d.OwnerID == "" {
		reason = "nobody eligible: waiting unowned"
	}
	name, err := s.userName(ctx, tx, h.OwnerID)
	if err != nil {
		return err
	}
	ev := &baton.Event{HandoffID: h.ID, Kind: baton.EventAssigned, At: now, Actor: actor, ToState: baton.StateAssigned, OwnerID: h.OwnerID, Reason: reason}
	if err := ev.SetData(baton.AssignedData{Step: d.Step, OwnerName: name, FellBack: d.FellBack}); err != nil {
		return fmt.Errorf("service: %s: %w", h.ID, err)
	}
	if err := tx.AppendEvents(ctx, append(known.before, ev)...); err != nil {
		return err
	}
	if err := s.schedule(ctx, tx, pb, h, plan, now, actor == baton.ActorClock); err != nil {
		return err
	}
	if err := s.crmAssigned(ctx, tx, h, now); err != nil {
		return err
	}
	if d.FellBack {
		text := "No routing step placed this handoff; it went to the fallback team."
		if d.OwnerID == "" {
			text = "Nobody is eligible to own this handoff; it waits unowned."
		}
		if err := s.raise(ctx, tx, h, note{kind: baton.MsgFellBack, text: text, lead: known.lead}, now); err != nil {
			return err
		}
	}
	if h.OwnerID == "" {
		return nil
	}
	return s.raise(ctx, tx, h, note{kind: baton.MsgAssigned, recipient: h.OwnerID, lead: known.lead,
		text: fmt.Sprintf("New %s handoff for you: accept by %s.", h.Type, h.AcceptBy.Format(time.RFC3339))}, now)
}

// assignment is what a caller of assigned already holds, to spare the
// writer statements: events to append in the same statement as the
// assigned event, before it, and the buyer for the notices (nil reads the
// contact and account).
type assignment struct {
	before []*baton.Event
	lead   *baton.NoticeLead
}

// notify queues a notification about h for a recipient ("" for the
// fallback team): one outbox row per channel chosen for them, each carrying
// a baton.Notice (see raise).
func (s *Service) notify(ctx context.Context, tx baton.Tx, h *baton.Handoff, kind, recipientID string, now time.Time, text string) error {
	return s.raise(ctx, tx, h, note{kind: kind, recipient: recipientID, text: text}, now)
}

// notifyStep is notify for a ladder step, on the channels the step names.
func (s *Service) notifyStep(ctx context.Context, tx baton.Tx, h *baton.Handoff, step playbook.LadderStep, kind, recipientID string, now time.Time, text string) error {
	return s.raise(ctx, tx, h, note{kind: kind, recipient: recipientID, text: text, channels: step.Channel}, now)
}

// CommandInput carries the arguments of a handoff command; each command
// reads the fields it needs.
type CommandInput struct {
	// Rating, Missing and Comment are the receiver's optional rating with
	// accept, complete and outcome (RatingInput, feedback.go).
	Rating  *int     `json:"rating,omitempty"`
	Missing []string `json:"missing,omitempty"`
	Comment string   `json:"comment,omitempty"`
	Note    string   `json:"note,omitempty"`
	Reason  string   `json:"reason,omitempty"`
	Gaps    []string `json:"gaps,omitempty"`
	To      string   `json:"to,omitempty"` // reassign: user id or email; empty re-routes
	Outcome string   `json:"outcome,omitempty"`
	// Objections are the categories the buyer actually raised (outcome);
	// the objection model learns from them.
	Objections []string `json:"objections,omitempty"`
}

// Act runs a command on a handoff for principal p. It returns ECONFLICT
// when the handoff's state does not allow the command, EFORBIDDEN when p's
// access or relation to the handoff does not (access.go), EINVALID for bad
// input and ENOTFOUND for an unknown id.
func (s *Service) Act(ctx context.Context, p baton.Principal, id string, cmd baton.Command, in CommandInput) (*baton.Handoff, error) {
	if (cmd == baton.CmdReassign || cmd == baton.CmdCancel) && !p.Can(baton.TokenManager) {
		return nil, baton.Errorf(baton.EFORBIDDEN, "%s needs a manager or admin token", cmd)
	}
	if err := in.validate(cmd); err != nil {
		return nil, err
	}
	raised, err := parseObjections(in.Objections)
	if err != nil {
		return nil, err
	}
	var out *baton.Handoff
	var learned func()
	err = s.store.Update(ctx, func(tx baton.Tx) error {
		learned = nil
		h, err := tx.Handoff(ctx, id)
		if err != nil {
			return err
		}
		if err := s.mayAct(ctx, tx, p, h, cmd); err != nil {
			return err
		}
		if err := s.actWithFeedback(ctx, tx, p, h, cmd, in); err != nil {
			return err
		}
		if cmd == baton.CmdOutcome && len(raised) > 0 {
			profile, err := s.outcomeProfile(ctx, tx, h)
			if err != nil {
				return err
			}
			if learned, err = s.learnObjections(ctx, tx, profile, raised); err != nil {
				return err
			}
		}
		out = h
		return nil
	})
	if err == nil && learned != nil {
		learned()
	}
	return out, err
}

func (in *CommandInput) validate(cmd baton.Command) error {
	var v baton.Validation
	if len(in.Note) > baton.MaxMessageLen {
		v.Add("note", "must be at most %d bytes", baton.MaxMessageLen)
	}
	if len(in.Reason) > baton.MaxMessageLen {
		v.Add("reason", "must be at most %d bytes", baton.MaxMessageLen)
	}
	in.rating().checkRating(cmd, &v)
	switch cmd {
	case baton.CmdReject:
		if len(in.Gaps) == 0 {
			v.Add("gaps", "name at least one missing or wrong piece of context")
		}
		if len(in.Gaps) > 50 {
			v.Add("gaps", "at most 50")
		}
		for i, g := range in.Gaps {
			if strings.TrimSpace(g) == "" || len(g) > baton.MaxShortText {
				v.Add(fmt.Sprintf("gaps[%d]", i), "must be 1 to %d bytes", baton.MaxShortText)
			}
		}
	case baton.CmdReassign:
		if strings.TrimSpace(in.Reason) == "" {
			v.Add("reason", "is required: say why ownership moves")
		}
	case baton.CmdPause:
		if strings.TrimSpace(in.Reason) == "" {
			v.Add("reason", "is required: say what the handoff waits on")
		}
	case baton.CmdOutcome:
		if !slices.Contains(baton.Outcomes, in.Outcome) {
			v.Add("outcome", "must be one of %s", strings.Join(baton.Outcomes, ", "))
		}
	}
	return v.Err()
}

func (s *Service) act(ctx context.Context, tx baton.Tx, h *baton.Handoff, actor string, cmd baton.Command, in CommandInput) error {
	now := s.clock.Now()
	pb := s.Playbook()
	from := h.State
	to, err := baton.Transition(h.State, cmd)
	if err != nil {
		return err
	}
	switch {
	case cmd == baton.CmdPause:
		return s.pause(ctx, tx, h, actor, in.Reason, now)
	case cmd == baton.CmdResume:
		return s.resume(ctx, tx, pb, h, actor, in.Note, now)
	case !h.PausedAt.IsZero() && cmd != baton.CmdCancel:
		return baton.Errorf(baton.ECONFLICT, "cannot %s: handoff is paused since %s; resume it first", cmd, h.PausedAt.Format(time.RFC3339))
	}
	ev := &baton.Event{HandoffID: h.ID, At: now, Actor: actor, FromState: from, ToState: to, Reason: in.Note}
	h.State, h.UpdatedAt = to, now
	switch cmd {
	case baton.CmdAccept:
		ev.Kind, h.AcceptedAt = baton.EventAccepted, now
		if err := tx.CancelTimers(ctx, h.ID, baton.TimerLadder); err != nil {
			return err
		}
		if err := s.startActivities(ctx, tx, pb, h, "accepted", now); err != nil {
			return err
		}
	case baton.CmdTouch:
		ev.Kind, h.FirstTouchAt = baton.EventTouched, now
		if err := tx.CancelTimers(ctx, h.ID, baton.TimerLadder, baton.TimerTouchBreach); err != nil {
			return err
		}
	case baton.CmdReject:
		ev.Kind, ev.Reason = baton.EventRejected, in.Reason
		h.Gaps = in.Gaps
		fix := 24 * time.Hour
		if t := pb.Tier(h.Tier); t != nil {
			fix = time.Duration(t.FixBy)
		}
		h.FixBy = now.Add(fix)
		if err := ev.SetData(baton.RejectedData{Gaps: in.Gaps, FixBy: h.FixBy}); err != nil {
			return err
		}
		if err := tx.CancelTimers(ctx, h.ID, clockKinds...); err != nil {
			return err
		}
		if err := tx.InsertTimers(ctx, &baton.Timer{ID: newID(), HandoffID: h.ID, Kind: baton.TimerFixBreach, Generation: h.Generation, DueAt: h.FixBy}); err != nil {
			return err
		}
		if err := s.notify(ctx, tx, h, baton.MsgReturned, h.SenderID, now,
			fmt.Sprintf("Handoff returned with gaps: %s. Fix by %s.", strings.Join(in.Gaps, "; "), h.FixBy.Format(time.RFC3339))); err != nil {
			return err
		}
	case baton.CmdResubmit:
		if ht := pb.HandoffType(h.Type); ht != nil && ht.Gate > 0 {
			if sc := scoreOf(pb, h); sc.Score < ht.Gate {
				return gateError(ht.Gate, sc)
			}
		}
		ev.Kind = baton.EventResubmitted
		h.Gaps, h.FixBy = nil, time.Time{}
		if err := tx.CancelTimers(ctx, h.ID, clockKinds...); err != nil {
			return err
		}
		return s.reassign(ctx, tx, pb, h, ev, h.OwnerID, now)
	case baton.CmdReassign:
		ev.Kind, ev.Reason = baton.EventReassigned, in.Reason
		target := ""
		if in.To != "" {
			u, err := tx.User(ctx, in.To)
			if baton.ErrorCode(err) == baton.ENOTFOUND {
				u, err = tx.UserByEmail(ctx, strings.ToLower(in.To))
			}
			if baton.ErrorCode(err) == baton.ENOTFOUND {
				return &baton.Error{Code: baton.EINVALID, Message: "unknown user", Fields: []baton.FieldError{{Field: "to", Message: "is not a user id or email"}}}
			} else if err != nil {
				return err
			}
			if !u.Active {
				return &baton.Error{Code: baton.EINVALID, Message: "inactive user", Fields: []baton.FieldError{{Field: "to", Message: "is inactive"}}}
			}
			target = u.ID
		}
		if err := tx.CancelTimers(ctx, h.ID, clockKinds...); err != nil {
			return err
		}
		return s.reassign(ctx, tx, pb, h, ev, target, now)
	case baton.CmdOutcome:
		return s.recordOutcome(ctx, tx, pb, h, ev, actor, in, now)
	case baton.CmdComplete:
		ev.Kind, h.ClosedAt = baton.EventCompleted, now
		if err := tx.CancelTimers(ctx, h.ID, clockKinds...); err != nil {
			return err
		}
		if err := s.endSequence(ctx, tx, h, now); err != nil {
			return err
		}
	case baton.CmdCancel:
		ev.Kind, ev.Reason, h.ClosedAt, h.PausedAt = baton.EventCancelled, in.Reason, now, time.Time{}
		if err := s.cancelActivities(ctx, tx, h); err != nil {
			return err
		}
		if err := tx.CancelTimers(ctx, h.ID); err != nil {
			return err
		}
	}
	ev.OwnerID = h.OwnerID
	if err := tx.AppendEvent(ctx, ev); err != nil {
		return err
	}
	return tx.UpdateHandoff(ctx, h)
}

// reassign gives h a new assignment: to target when set, else re-routed
// without the current owner. It starts fresh clocks under a new generation.
func (s *Service) reassign(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, ev *baton.Event, target string, now time.Time) error {
	ht := pb.HandoffType(h.Type)
	if ht == nil {
		return baton.Errorf(baton.ECONFLICT, "handoff type %s is no longer in the playbook", h.Type)
	}
	prev := h.OwnerID
	var d routing.Decision
	if target != "" {
		step := reassignStep(ev)
		d = routing.Decision{OwnerID: target, Step: step, Trace: []baton.Step{{Step: step, Subject: target, Result: "picked", Reason: ev.Reason}}}
	} else {
		var account *baton.Account
		var contact *baton.Contact
		if h.AccountID != "" {
			a, err := tx.Account(ctx, h.AccountID)
			if err != nil {
				return err
			}
			account = a
		}
		if h.ContactID != "" {
			c, err := tx.Contact(ctx, h.ContactID)
			if err != nil {
				return err
			}
			contact = c
		}
		sig, err := tx.Signal(ctx, h.SignalID)
		if err != nil {
			return err
		}
		var exclude []string
		if ev.Kind != baton.EventResubmitted && prev != "" {
			exclude = []string{prev}
		}
		if d, err = s.route(ctx, tx, pb, ht, newEnv(sig, account, contact), account, now, exclude); err != nil {
			return err
		}
	}
	if d.BackupID == "" || d.BackupID == d.OwnerID {
		d.BackupID = h.BackupID
		if d.BackupID == d.OwnerID {
			d.BackupID = prev
		}
	}
	if d.BackupID == d.OwnerID {
		d.BackupID = ""
	}
	h.OwnerID, h.BackupID = d.OwnerID, d.BackupID
	h.Generation++
	h.State = baton.StateAssigned
	h.AcceptedAt, h.FirstTouchAt = time.Time{}, time.Time{}
	plan, err := s.plan(ctx, tx, pb, h, now)
	if err != nil {
		return err
	}
	h.AcceptBy, h.FirstTouchBy, h.AssignedAt = plan.AcceptBy, plan.FirstTouchBy, now
	h.Trace = append(h.Trace, d.Trace...)
	ev.OwnerID = h.OwnerID
	if err := s.setOwnerChange(ctx, tx, ev, prev, h.OwnerID); err != nil {
		return err
	}
	if err := tx.AppendEvent(ctx, ev); err != nil {
		return err
	}
	if err := tx.UpdateHandoff(ctx, h); err != nil {
		return err
	}
	if err := s.handOverTasks(ctx, tx, h, prev); err != nil {
		return err
	}
	return s.assigned(ctx, tx, pb, h, d, plan, now, ev.Actor, assignment{})
}
