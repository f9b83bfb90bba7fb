package service

import (
	"context"
	"fmt"
	"slices"

	"github.com/batonhq/baton"
)

// Who may do what with a handoff. This file is the one place the rule
// lives; every command and read that takes a handoff asks mayAct, and every
// list, export and metric is narrowed by visible.
//
//   - A rep sees and acts on the handoffs they own, back up or sent (the
//     sender fixes the gaps of a returned handoff and resubmits it).
//   - A manager sees and acts on those of their reports (the manager chain,
//     followed down), of the people on their team (users whose Team equals
//     theirs) and their own.
//   - A member of a shared-queue team (the playbook's teams.NAME.
//     shared_queue: the deal desk) also sees and acts on those of the
//     team's other members: the whole approval queue.
//   - An admin sees and acts on all.
//   - Reassign and cancel also need manager access or higher.
//
// A handoff outside a person's reach answers EFORBIDDEN, naming its owner
// and the rule, rather than ENOTFOUND: ids are random, the team list is
// open to everyone signed in, and a clear "not yours" is worth more than
// hiding that the handoff exists. An unknown id is ENOTFOUND.
//
// A principal with no user is one of Baton's own processes (the demo, the
// command line), never someone signed in: it sees every handoff and acts
// within its access.

// scope is the set of user ids whose handoffs a principal sees; nil is
// everyone's.
type scope map[string]bool

// has reports whether the handoffs of user id are in scope.
func (sc scope) has(id string) bool { return sc == nil || (id != "" && sc[id]) }

// sees reports whether h is in scope: owned, backed up or sent by someone
// in it.
func (sc scope) sees(h *baton.Handoff) bool {
	return sc.has(h.OwnerID) || sc.has(h.BackupID) || sc.has(h.SenderID)
}

// list returns the scope's user ids, sorted: nil for everyone, never nil
// otherwise (an empty scope filters everything out).
func (sc scope) list() []string {
	if sc == nil {
		return nil
	}
	out := make([]string, 0, len(sc))
	for id := range sc {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// visible returns whose handoffs p sees: nil for an admin (everyone).
func (s *Service) visible(ctx context.Context, tx baton.Tx, p baton.Principal) (scope, error) {
	switch {
	case p.UserID == "" && p.Can(baton.AccessRep):
		return nil, nil
	case p.UserID == "":
		return scope{}, nil
	case p.Can(baton.AccessAdmin):
		return nil, nil
	}
	sc := scope{p.UserID: true}
	pb := s.Playbook()
	if !p.Can(baton.AccessManager) && !pb.SharedQueue(p.Team) {
		return sc, nil
	}
	r, err := s.users(ctx, tx)
	if err != nil {
		return nil, err
	}
	team := p.Team
	if me := r.User(p.UserID); me != nil {
		team = me.Team
	}
	if !p.Can(baton.AccessManager) {
		if pb.SharedQueue(team) {
			for _, u := range r.Users() {
				if u.Team == team {
					sc[u.ID] = true
				}
			}
		}
		return sc, nil
	}
	reports := map[string][]string{}
	for _, u := range r.Users() {
		if u.ManagerID != "" && u.ManagerID != u.ID {
			reports[u.ManagerID] = append(reports[u.ManagerID], u.ID)
		}
		if team != "" && u.Team == team {
			sc[u.ID] = true
		}
	}
	// Follow the manager chain down; seen stops a cycle (a manages b
	// manages a) from looping.
	seen := map[string]bool{p.UserID: true}
	for queue := []string{p.UserID}; len(queue) > 0; queue = queue[1:] {
		for _, id := range reports[queue[0]] {
			if !seen[id] {
				seen[id], sc[id] = true, true
				queue = append(queue, id)
			}
		}
	}
	return sc, nil
}

// Pseudo-commands for mayAct: reading a handoff, and changing it other
// than by a state command (its context, an activity, its meeting).
const (
	actSee  baton.Command = "see"
	actEdit baton.Command = "edit"
)

// managerCommands need manager access or higher besides the relation.
var managerCommands = []baton.Command{baton.CmdReassign, baton.CmdCancel}

// mayAct returns nil when p may run cmd on h (actSee to read it, actEdit
// to change it otherwise) and EFORBIDDEN saying why not.
func (s *Service) mayAct(ctx context.Context, tx baton.Tx, p baton.Principal, h *baton.Handoff, cmd baton.Command) error {
	if !p.Can(baton.AccessRep) {
		return baton.Errorf(baton.EFORBIDDEN, "you have no access to handoffs")
	}
	if slices.Contains(managerCommands, cmd) && !p.Can(baton.AccessManager) {
		return baton.Errorf(baton.EFORBIDDEN, "%s needs manager or admin access", cmd)
	}
	sc, err := s.visible(ctx, tx, p)
	if err != nil {
		return err
	}
	if sc.sees(h) {
		return nil
	}
	verb := "act on"
	if cmd == actSee {
		verb = "see"
	}
	rule := "handoffs you own, back up or sent"
	if s.Playbook().SharedQueue(p.Team) {
		rule = "handoffs you own, back up or sent, and your team's queue"
	}
	if p.Can(baton.AccessManager) {
		rule = "your own handoffs and those of your reports and your team"
	}
	whose := "has no owner"
	if name, err := s.userName(ctx, tx, h.OwnerID); err != nil {
		return err
	} else if name != "" {
		whose = "belongs to " + name
	}
	return baton.Errorf(baton.EFORBIDDEN, "you can %s %s; this one %s", verb, rule, whose)
}

// ownerFilter is the metrics filter hook for p: nil for everyone, else
// whether an event's owner is in p's scope.
func (s *Service) ownerFilter(ctx context.Context, tx baton.Tx, p baton.Principal) (func(ownerID string) bool, error) {
	sc, err := s.visible(ctx, tx, p)
	if err != nil || sc == nil {
		return nil, err
	}
	return sc.has, nil
}

// HandoffFor returns one handoff with its timeline and pending clocks, as
// Handoff does, when p may see it. It returns ENOTFOUND for an unknown id
// and EFORBIDDEN for a handoff outside p's reach.
func (s *Service) HandoffFor(ctx context.Context, p baton.Principal, id string) (*HandoffView, error) {
	var v *HandoffView
	err := s.store.View(ctx, func(tx baton.Tx) error {
		h, err := tx.Handoff(ctx, id)
		if err != nil {
			return err
		}
		if err := s.mayAct(ctx, tx, p, h, actSee); err != nil {
			return err
		}
		v, err = s.view(ctx, tx, h, true)
		return err
	})
	return v, err
}

// BriefFor returns a handoff's brief, as Brief does, when p may see the
// handoff; errors as HandoffFor.
func (s *Service) BriefFor(ctx context.Context, p baton.Principal, id string) (*BriefView, error) {
	if err := s.store.View(ctx, func(tx baton.Tx) error {
		h, err := tx.Handoff(ctx, id)
		if err != nil {
			return err
		}
		return s.mayAct(ctx, tx, p, h, actSee)
	}); err != nil {
		return nil, err
	}
	return s.Brief(ctx, id)
}

// HandoffsFor lists, as Handoffs does, the handoffs p sees: f.VisibleTo is
// replaced by p's scope.
func (s *Service) HandoffsFor(ctx context.Context, p baton.Principal, f baton.HandoffFilter) ([]*HandoffView, string, error) {
	err := s.store.View(ctx, func(tx baton.Tx) error {
		sc, err := s.visible(ctx, tx, p)
		f.VisibleTo = sc.list()
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return s.Handoffs(ctx, f)
}

// MessagesFor lists outbound messages as Messages does, narrowed to what p
// sees: messages about a handoff in p's scope or addressed to someone in
// it. An admin sees them all, alerts to ops included.
func (s *Service) MessagesFor(ctx context.Context, p baton.Principal, status string, limit int) ([]*baton.Message, error) {
	var out []*baton.Message
	err := s.store.View(ctx, func(tx baton.Tx) error {
		sc, err := s.visible(ctx, tx, p)
		if err != nil {
			return err
		}
		if sc == nil {
			out, err = tx.Messages(ctx, status, limit)
		} else {
			out, err = tx.MessagesAbout(ctx, status, sc.list(), limit)
		}
		if err != nil {
			return fmt.Errorf("service: messages: %w", err)
		}
		return nil
	})
	return out, err
}
