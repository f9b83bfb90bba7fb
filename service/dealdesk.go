package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/batonhq/baton"
)

// The approval flow of the deal desk (and of any handoff type with
// approval: true): the receiving team approves the request, rejects it
// with a reason, or returns it to the sender with the changes it needs.
// Each is made of the handoff commands: approving or rejecting accepts
// the handoff (when not yet accepted), logs the decision as its first
// touch, and completes it with the decision as its outcome; requesting
// changes rejects it with the changes as its gaps, so it goes back to the
// sender on the tier's fix-by clock and comes back by resubmission.

// Decisions on an approval handoff.
const (
	DecisionApprove        = "approve"
	DecisionReject         = "reject"
	DecisionRequestChanges = "request_changes"
)

// Outcomes of a decided approval handoff (Handoff.Outcome).
const (
	OutcomeApproved = "approved"
	OutcomeRejected = "rejected"
)

// DecisionInput is a decision on an approval handoff.
type DecisionInput struct {
	// Decision is approve, reject or request_changes.
	Decision string `json:"decision"`
	// Reason says why; required to reject.
	Reason string `json:"reason,omitempty"`
	// Changes name what the sender must change; required to request
	// changes (at most 50, each at most baton.MaxShortText bytes).
	Changes []string `json:"changes,omitempty"`
	Note    string   `json:"note,omitempty"`
}

func (in *DecisionInput) validate() error {
	var v baton.Validation
	switch in.Decision {
	case DecisionApprove:
	case DecisionReject:
		if strings.TrimSpace(in.Reason) == "" {
			v.Add("reason", "is required: say why the request is rejected")
		}
	case DecisionRequestChanges:
		if len(in.Changes) == 0 {
			v.Add("changes", "name at least one change the sender must make")
		}
	default:
		v.Add("decision", "must be approve, reject or request_changes")
	}
	if len(in.Reason) > baton.MaxMessageLen {
		v.Add("reason", "must be at most %d bytes", baton.MaxMessageLen)
	}
	if len(in.Note) > baton.MaxMessageLen {
		v.Add("note", "must be at most %d bytes", baton.MaxMessageLen)
	}
	return v.Err()
}

// Decide records p's decision on an approval handoff. It returns EINVALID
// for a bad decision or a handoff type that takes no decisions, EFORBIDDEN
// when p may not act on the handoff, ECONFLICT when its state allows no
// decision (returned to the sender, paused, closed; changes cannot be
// requested once the handoff is actioned) and ENOTFOUND for an unknown id.
func (s *Service) Decide(ctx context.Context, p baton.Principal, id string, in DecisionInput) (*baton.Handoff, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	var out *baton.Handoff
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		h, err := tx.Handoff(ctx, id)
		if err != nil {
			return err
		}
		if err := s.mayAct(ctx, tx, p, h, baton.CmdComplete); err != nil {
			return err
		}
		if ht := s.Playbook().HandoffType(h.Type); ht == nil || !ht.Approval {
			return baton.Errorf(baton.EINVALID, "a %s handoff takes no approval decision: accept, reject or complete it instead", h.Type)
		}
		if err := s.decide(ctx, tx, h, p.Actor(), in); err != nil {
			return err
		}
		out = h
		return nil
	})
	return out, err
}

// decide runs a valid decision on h.
func (s *Service) decide(ctx context.Context, tx baton.Tx, h *baton.Handoff, actor string, in DecisionInput) error {
	if in.Decision == DecisionRequestChanges {
		return s.act(ctx, tx, h, actor, baton.CmdReject, CommandInput{Note: in.Note, Reason: in.Reason, Gaps: in.Changes})
	}
	if !h.State.Open() || h.State == baton.StateReturned {
		return baton.Errorf(baton.ECONFLICT, "cannot %s: handoff is %s", in.Decision, h.State)
	}
	outcome, text := OutcomeApproved, "Approved"
	if in.Decision == DecisionReject {
		outcome, text = OutcomeRejected, "Rejected: "+in.Reason
	}
	if in.Note != "" {
		text += " (" + in.Note + ")"
	}
	for _, cmd := range []baton.Command{baton.CmdAccept, baton.CmdTouch} {
		if _, err := baton.Transition(h.State, cmd); err == nil {
			if err := s.act(ctx, tx, h, actor, cmd, CommandInput{}); err != nil {
				return err
			}
		}
	}
	if err := s.act(ctx, tx, h, actor, baton.CmdComplete, CommandInput{Note: text}); err != nil {
		return err
	}
	h.Outcome = outcome
	if err := tx.UpdateHandoff(ctx, h); err != nil {
		return err
	}
	if h.SenderID == "" {
		return nil
	}
	return s.notify(ctx, tx, h, baton.MsgDecided, h.SenderID, h.UpdatedAt,
		fmt.Sprintf("Your %s request was decided. %s.", strings.ReplaceAll(h.Type, "_", " "), strings.TrimSuffix(text, ".")))
}
