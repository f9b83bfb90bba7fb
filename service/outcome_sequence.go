package service

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/completeness"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/routing"
)

// startTasks creates an outcome's follow-up tasks on h: activities marked
// with the outcome, each with a reminder at half its time and its deadline
// (fireActivity). A name already used on h (the rebook of a first no-show)
// gets a number ("rebook_2"). It returns the names created.
func (s *Service) startTasks(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, outcome string, specs []playbook.Activity, now time.Time) ([]string, error) {
	if len(specs) == 0 {
		return nil, nil
	}
	existing, err := tx.Activities(ctx, h.ID)
	if err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	for _, a := range existing {
		taken[a.Name] = true
	}
	clock := slaClock(pb, h)
	var names []string
	for _, spec := range specs {
		name := spec.Name
		for n := 2; taken[name]; n++ {
			name = fmt.Sprintf("%s_%d", spec.Name, n)
		}
		taken[name] = true
		owner, err := s.taskOwner(ctx, tx, h, spec.Owner)
		if err != nil {
			return nil, fmt.Errorf("service: %s task %s: %w", outcome, spec.Name, err)
		}
		within := clock.Span(time.Duration(spec.Within))
		a := &baton.Activity{ID: newID(), HandoffID: h.ID, Name: name, Label: spec.Label, OwnerID: owner, Outcome: outcome,
			DueAt: clock.Add(now, within), Status: baton.ActivityOpen, CreatedAt: now}
		if err := tx.InsertActivities(ctx, a); err != nil {
			return nil, err
		}
		if err := tx.InsertTimers(ctx,
			&baton.Timer{ID: newID(), HandoffID: h.ID, Kind: baton.TimerActivityRemind, Ref: a.ID, DueAt: clock.Add(now, within/2)},
			&baton.Timer{ID: newID(), HandoffID: h.ID, Kind: baton.TimerActivityDue, Ref: a.ID, DueAt: a.DueAt},
		); err != nil {
			return nil, err
		}
		names = append(names, name)
	}
	return names, nil
}

// taskOwner resolves who does a task: the owner, the sender, the backup or
// the owner's manager, falling back to the owner.
func (s *Service) taskOwner(ctx context.Context, tx baton.Tx, h *baton.Handoff, who string) (string, error) {
	switch who {
	case "sender":
		if h.SenderID != "" {
			return h.SenderID, nil
		}
	case "backup":
		if h.BackupID != "" {
			return h.BackupID, nil
		}
	case "manager":
		m, err := s.managerOf(ctx, tx, h.OwnerID)
		if err != nil || m != "" {
			return m, err
		}
	}
	return h.OwnerID, nil
}

// endSequence cancels h's open outcome tasks and their clocks: the handoff
// moved on (a later outcome, or completion).
func (s *Service) endSequence(ctx context.Context, tx baton.Tx, h *baton.Handoff, now time.Time) error {
	acts, err := tx.Activities(ctx, h.ID)
	if err != nil {
		return err
	}
	for _, a := range acts {
		if a.Outcome == "" || a.Status != baton.ActivityOpen {
			continue
		}
		a.Status = baton.ActivityCancelled
		if err := tx.UpdateActivity(ctx, a); err != nil {
			return err
		}
		if err := tx.CancelTimersRef(ctx, a.ID); err != nil {
			return err
		}
	}
	return nil
}

// handOverTasks gives the open outcome tasks of the previous owner prev to
// h's new owner, with their clocks: the prospect still waits for the
// follow-up, whoever does it.
func (s *Service) handOverTasks(ctx context.Context, tx baton.Tx, h *baton.Handoff, prev string) error {
	if prev == "" || h.OwnerID == "" || prev == h.OwnerID {
		return nil
	}
	acts, err := tx.Activities(ctx, h.ID)
	if err != nil {
		return err
	}
	for _, a := range acts {
		if a.Outcome != "" && a.Status == baton.ActivityOpen && a.OwnerID == prev {
			a.OwnerID = h.OwnerID
			if err := tx.UpdateActivity(ctx, a); err != nil {
				return err
			}
		}
	}
	return nil
}

// rebooked marks the open tasks of a no-show done: the missed meeting was
// booked again.
func (s *Service) rebooked(ctx context.Context, tx baton.Tx, h *baton.Handoff, actor string, m *baton.Meeting, now time.Time) error {
	acts, err := tx.Activities(ctx, h.ID)
	if err != nil {
		return err
	}
	for _, a := range acts {
		if a.Outcome != baton.OutcomeNoShow || a.Status != baton.ActivityOpen {
			continue
		}
		a.Status, a.DoneAt = baton.ActivityDone, now
		if err := tx.UpdateActivity(ctx, a); err != nil {
			return err
		}
		if err := tx.CancelTimersRef(ctx, a.ID); err != nil {
			return err
		}
		if err := tx.AppendEvent(ctx, &baton.Event{HandoffID: h.ID, Kind: baton.EventActivityDone, At: now, Actor: actor, OwnerID: a.OwnerID,
			Reason: a.Label + ": the meeting is booked again for " + m.StartsAt.Format(time.RFC3339)}); err != nil {
			return err
		}
	}
	return nil
}

// openNext raises the signal the outcome's rule names for h's type (a won
// deal's contract_signed) and ingests it in tx: the handoff it opens
// carries h's account, contact, source and context, has h's owner as its
// sender and names h in its trace. It returns that handoff's id, "" when
// the rule raises nothing or the playbook opened nothing. Recording the
// outcome again raises the same signal (its external id is h's), which
// opens nothing new.
func (s *Service) openNext(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, rule *playbook.Outcome, outcome string, now time.Time) (string, error) {
	typ := pb.NextFor(rule, h.Type)
	if typ == "" {
		return "", nil
	}
	sig := &baton.Signal{ID: newID(), ExternalID: "baton:" + h.ID + ":" + outcome, Type: typ, OccurredAt: now, ReceivedAt: now}
	if first, err := tx.Signal(ctx, h.SignalID); err == nil {
		sig.Source, sig.Campaign = first.Source, first.Campaign
	} else if baton.ErrorCode(err) != baton.ENOTFOUND {
		return "", fmt.Errorf("service: next of %s: signal %s: %w", h.ID, h.SignalID, err)
	}
	if h.OwnerID != "" {
		if u, err := tx.User(ctx, h.OwnerID); err == nil {
			sig.Sender = u.Email
		} else if baton.ErrorCode(err) != baton.ENOTFOUND {
			return "", fmt.Errorf("service: next of %s: owner %s: %w", h.ID, h.OwnerID, err)
		}
	}
	if h.AccountID != "" {
		a, err := tx.Account(ctx, h.AccountID)
		if err != nil {
			return "", err
		}
		sig.Account = baton.SignalAccount{Name: a.Name, Domain: a.Domain, Employees: a.Employees, Industry: a.Industry, Country: a.Country, Region: a.Region}
	}
	if h.ContactID != "" {
		c, err := tx.Contact(ctx, h.ContactID)
		if err != nil {
			return "", err
		}
		sig.Contact = baton.SignalContact{Email: c.Email, Name: c.Name, Title: c.Title, Phone: c.Phone, TimeZone: c.TimeZone}
	}
	// The context carries over: scalar values as the signal's fields, which
	// the next type's template keeps when it knows them (prefill); lists,
	// ranges and people, which a signal's fields cannot hold (the stored
	// signal must pass Validate when it is replayed), straight into the new
	// handoff's context below.
	sig.Fields = map[string]any{}
	structured := map[string]any{}
	for _, k := range slices.Sorted(maps.Keys(h.Context)) {
		if k == autoKey {
			continue
		}
		switch v := h.Context[k]; v.(type) {
		case nil, bool, float64, string:
			if len(sig.Fields) < baton.MaxFields {
				sig.Fields[k] = v
			}
		default:
			structured[k] = v
		}
	}
	res, err := s.ingest(ctx, tx, pb, sig, now)
	if err != nil {
		return "", fmt.Errorf("service: next of %s: %w", h.ID, err)
	}
	next := res.Handoff
	if next == nil {
		return "", nil
	}
	if !res.Duplicate {
		if ht := pb.HandoffType(next.Type); ht != nil {
			fields := pb.Fields(ht)
			for _, k := range slices.Sorted(maps.Keys(structured)) {
				f, ok := completeness.Field(fields, k)
				if _, set := next.Context[k]; !ok || set {
					continue
				}
				if v, err := completeness.Normalize(f, structured[k]); err == nil && v != nil {
					next.Context[k] = v
				}
			}
		}
		next.Trace = append(next.Trace, baton.Step{Step: "outcome", Subject: h.ID, Result: "info",
			Reason: fmt.Sprintf("opened by the %s outcome of %s handoff %s, whose context it carries", outcome, h.Type, h.ID)})
		if err := tx.UpdateHandoff(ctx, next); err != nil {
			return "", err
		}
	}
	return next.ID, nil
}

// returnTurn gives h's owner back the turn that placed them, when a pool's
// turn did and the pool's return_turn_on_no_show allows: once per
// assignment (before is h's log before this no-show). The trace says so.
func (s *Service) returnTurn(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, before []*baton.Event) error {
	if h.OwnerID == "" {
		return nil
	}
	for i := len(before) - 1; i >= 0; i-- {
		if before[i].Kind == baton.EventAssigned {
			break
		}
		if outcomeCount(before[i:i+1], baton.OutcomeNoShow) > 0 {
			return nil // this assignment's turn was given back already
		}
	}
	r, err := s.users(ctx, tx)
	if err != nil {
		return err
	}
	u := r.User(h.OwnerID)
	if u == nil {
		return nil
	}
	pick, ok := routing.PickedPool(h.Trace, u.Email, h.ToTeam, pb.Routing.FallbackTeam)
	if !ok || !pb.ReturnsTurn(pick.Rule) {
		return nil
	}
	method := pb.PoolMethod(pick.Rule)
	if pick.Rule == "" && pick.Pool != routing.PoolKey(h.ToTeam) {
		method = playbook.MethodRoundRobin // the fallback team's pool
	}
	st, err := tx.PoolState(ctx, pick.Pool)
	if err != nil {
		return err
	}
	vtime, pass, ok := routing.TurnBack(st, u.ID, routing.Turn(method, u))
	if !ok {
		return nil
	}
	if err := tx.ReturnTurn(ctx, pick.Pool, u.ID, vtime, pass); err != nil {
		return err
	}
	h.Trace = append(h.Trace, baton.Step{Step: "turn_back", Subject: u.Email, Result: "info",
		Reason: "the prospect did not show: the turn in " + pick.Pool + " was given back"})
	return nil
}
