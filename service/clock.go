package service

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/sla"
)

// clockKinds are the timers of a handoff's own clocks (not its activities').
var clockKinds = []string{baton.TimerLadder, baton.TimerTouchBreach, baton.TimerOutcomeDue, baton.TimerFixBreach}

// tierOf returns a handoff's tier, falling back to its type's.
func tierOf(pb *playbook.Playbook, h *baton.Handoff) *playbook.Tier {
	if t := pb.Tier(h.Tier); t != nil {
		return t
	}
	if ht := pb.HandoffType(h.Type); ht != nil {
		return ht.TierOf()
	}
	return nil
}

// slaClock returns the clock of a handoff: its tier's, on the receiving
// team's calendar.
func slaClock(pb *playbook.Playbook, h *baton.Handoff) sla.Clock {
	return sla.ClockFor(tierOf(pb, h), pb.CalendarFor(h.ToTeam))
}

// plan computes the clocks of a new assignment of h at now.
func (s *Service) plan(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, now time.Time) (sla.Plan, error) {
	ht, tier := pb.HandoffType(h.Type), tierOf(pb, h)
	if ht == nil || tier == nil {
		return sla.Plan{}, baton.Errorf(baton.ECONFLICT, "handoff type %s is no longer in the playbook", h.Type)
	}
	var meetingStart time.Time
	if h.MeetingID != "" {
		m, err := tx.Meeting(ctx, h.MeetingID)
		if err != nil {
			return sla.Plan{}, err
		}
		meetingStart = m.StartsAt
	}
	return sla.Assignment(ht, tier, slaClock(pb, h), now, meetingStart), nil
}

// schedule writes the timers of an assignment's plan. On a business clock a
// step that alerts someone waits for their next working minute; a step so
// deferred past a later step has lost its moment and is merged into the
// later one (sla.InOrder), so no rung is ever sent after a later rung. A
// handoff the clock already moved to its backup is not moved again.
func (s *Service) schedule(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, plan sla.Plan, now time.Time, backedUp bool) error {
	r, err := s.users(ctx, tx)
	if err != nil {
		return err
	}
	clock := slaClock(pb, h)
	wait := func(userID string, t time.Time) time.Time {
		if u := r.User(userID); u != nil && !clock.AroundTheClock {
			return r.NextWorking(u, t)
		}
		return t
	}
	owner := r.User(h.OwnerID)
	manager := ""
	if owner != nil {
		manager = owner.ManagerID
	}
	var steps []sla.Step
	for _, st := range plan.Ladder {
		if st.Action == playbook.ActionReassignBackup && backedUp {
			continue
		}
		st.Due = wait(ladderRecipient(pb, r, h, st.Action), st.Due)
		steps = append(steps, st)
	}
	var timers []*baton.Timer
	for _, st := range sla.InOrder(steps) {
		timers = append(timers, &baton.Timer{Kind: baton.TimerLadder, Step: st.Index, DueAt: st.Due, Ref: ladderRef{merged: st.Merged}.String()})
	}
	timers = append(timers, &baton.Timer{Kind: baton.TimerTouchBreach, DueAt: wait(manager, plan.FirstTouchBy)})
	if h.MeetingID != "" {
		m, err := tx.Meeting(ctx, h.MeetingID)
		if err != nil {
			return err
		}
		if tier := tierOf(pb, h); tier != nil && m.Status == baton.MeetingBooked {
			end := m.StartsAt.Add(time.Duration(m.Duration))
			timers = append(timers, &baton.Timer{Kind: baton.TimerOutcomeDue, DueAt: clock.Add(end, clock.Span(time.Duration(tier.OutcomeBy)))})
		}
	}
	for _, t := range timers {
		t.ID, t.HandoffID, t.Generation = newID(), h.ID, h.Generation
	}
	return tx.InsertTimers(ctx, timers...)
}

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
			return true, s.notify(ctx, tx, h, baton.MsgReminder, h.OwnerID, now,
				fmt.Sprintf("Reminder%s: this %s handoff is still not accepted; its deadline was %s.", again, h.Type, h.AcceptBy.Format(time.RFC3339)))
		}
		if err := s.event(ctx, tx, h, baton.EventReminded, now, fmt.Sprintf("%s of the accept SLA has passed; accept by %s", step.At, h.AcceptBy.Format(time.RFC3339))); err != nil {
			return false, err
		}
		return true, s.notify(ctx, tx, h, baton.MsgReminder, h.OwnerID, now,
			fmt.Sprintf("Reminder: %s of your time to accept this %s handoff has passed (accept by %s).", step.At, h.Type, h.AcceptBy.Format(time.RFC3339)))

	case playbook.ActionAlertManager:
		if !now.Before(h.AcceptBy) && repeat == 0 {
			return true, s.breach(ctx, tx, h, now, "accept", h.AcceptBy)
		}
		manager, err := s.managerOf(ctx, tx, h.OwnerID)
		if err != nil {
			return false, err
		}
		if repeat > 0 {
			if err := s.event(ctx, tx, h, baton.EventEscalated, now, "still not accepted: the owner's manager was alerted again"+again); err != nil {
				return false, err
			}
			return true, s.notify(ctx, tx, h, baton.MsgEscalated, manager, now,
				fmt.Sprintf("Escalation%s: a %s handoff is still not accepted, %s past its deadline.", again, h.Type, now.Sub(h.AcceptBy).Round(time.Minute)))
		}
		if err := s.event(ctx, tx, h, baton.EventEscalated, now, "not yet accepted: the owner's manager was alerted"); err != nil {
			return false, err
		}
		return true, s.notify(ctx, tx, h, baton.MsgEscalated, manager, now, fmt.Sprintf("A %s handoff is not yet accepted; its deadline is %s.", h.Type, h.AcceptBy.Format(time.RFC3339)))

	case playbook.ActionReassignBackup:
		ev := &baton.Event{HandoffID: h.ID, Kind: baton.EventReassigned, At: now, Actor: baton.ActorClock, FromState: h.State,
			ToState: baton.StateAssigned, Reason: "ladder step " + step.Action + ": not accepted within the SLA and its grace period; moved to the backup owner"}
		if err := ev.SetData(baton.ReassignedData{Step: step.Action}); err != nil {
			return false, err
		}
		target := h.BackupID
		if target != "" {
			if u, err := tx.User(ctx, target); err != nil || !u.Active || u.Paused || u.Away(now) {
				target = "" // backup unavailable: re-route without the owner
			}
		}
		if target == "" {
			ev.Reason = "ladder step " + step.Action + ": not accepted within the SLA and its grace period; no backup available, re-routed"
		}
		h.UpdatedAt = now
		return true, s.reassign(ctx, tx, pb, h, ev, target, now)

	case playbook.ActionAlertOps:
		recipient := ""
		if r, err := s.users(ctx, tx); err == nil {
			recipient = ladderRecipient(pb, r, h, playbook.ActionAlertOps)
		}
		if err := s.event(ctx, tx, h, baton.EventEscalated, now, "still not accepted: the ops lead was alerted"+again); err != nil {
			return false, err
		}
		return true, s.notify(ctx, tx, h, baton.MsgEscalated, recipient, now,
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

func (s *Service) managerOf(ctx context.Context, tx baton.Tx, userID string) (string, error) {
	if userID == "" {
		return "", nil
	}
	r, err := s.users(ctx, tx)
	if err != nil {
		return "", err
	}
	if u := r.User(userID); u != nil {
		return u.ManagerID, nil
	}
	return "", nil
}

// pause stops a handoff's clocks while it waits on the customer.
func (s *Service) pause(ctx context.Context, tx baton.Tx, h *baton.Handoff, actor, reason string, now time.Time) error {
	if !h.PausedAt.IsZero() {
		return baton.Errorf(baton.ECONFLICT, "cannot pause: handoff is already paused since %s", h.PausedAt.Format(time.RFC3339))
	}
	h.PausedAt, h.UpdatedAt = now, now
	// SLA clocks stop; a meeting's pre-call brief and outcome clock keep
	// the meeting's time.
	if err := tx.PauseTimers(ctx, h.ID, baton.TimerLadder, baton.TimerTouchBreach, baton.TimerFixBreach,
		baton.TimerActivityRemind, baton.TimerActivityDue); err != nil {
		return err
	}
	if err := tx.AppendEvent(ctx, &baton.Event{HandoffID: h.ID, Kind: baton.EventPaused, At: now, Actor: actor, OwnerID: h.OwnerID, Reason: reason}); err != nil {
		return err
	}
	return tx.UpdateHandoff(ctx, h)
}

// resume restarts a paused handoff's clocks: every deadline and timer gets
// back the SLA time it had left when the pause began, read from the log.
func (s *Service) resume(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, actor, note string, now time.Time) error {
	if h.PausedAt.IsZero() {
		return baton.Errorf(baton.ECONFLICT, "cannot resume: handoff is not paused")
	}
	pausedAt, err := lastPause(ctx, tx, h.ID)
	if err != nil {
		return err
	}
	clock := slaClock(pb, h)
	for _, d := range []*time.Time{&h.AcceptBy, &h.FirstTouchBy, &h.FixBy} {
		if !d.IsZero() {
			*d = clock.Resume(*d, pausedAt, now)
		}
	}
	timers, err := tx.PausedTimers(ctx, h.ID)
	if err != nil {
		return err
	}
	for _, t := range timers {
		if err := tx.RearmTimer(ctx, t.ID, clock.Resume(t.DueAt, pausedAt, now)); err != nil {
			return err
		}
	}
	acts, err := tx.Activities(ctx, h.ID)
	if err != nil {
		return err
	}
	for _, a := range acts {
		if a.Status == baton.ActivityOpen {
			a.DueAt = clock.Resume(a.DueAt, pausedAt, now)
			if err := tx.UpdateActivity(ctx, a); err != nil {
				return err
			}
		}
	}
	h.PausedAt, h.UpdatedAt = time.Time{}, now
	if err := appendEvent(ctx, tx, &baton.Event{HandoffID: h.ID, Kind: baton.EventResumed, At: now, Actor: actor, OwnerID: h.OwnerID, Reason: note},
		baton.ResumedData{PausedAt: pausedAt, PausedSeconds: now.Sub(pausedAt).Seconds()}); err != nil {
		return err
	}
	return tx.UpdateHandoff(ctx, h)
}

// lastPause reads when the current pause began from the event log.
func lastPause(ctx context.Context, tx baton.Tx, id string) (time.Time, error) {
	evs, err := tx.Events(ctx, id)
	if err != nil {
		return time.Time{}, err
	}
	for i := len(evs) - 1; i >= 0; i-- {
		switch evs[i].Kind {
		case baton.EventPaused:
			return evs[i].At, nil
		case baton.EventResumed:
			return time.Time{}, baton.Errorf(baton.ECONFLICT, "handoff %s is not paused", id)
		}
	}
	return time.Time{}, baton.Errorf(baton.ECONFLICT, "handoff %s has no pause in its log", id)
}

// startActivities creates a handoff type's activities anchored on an
// event ("created" or "accepted"), each with its reminder and deadline. An
// activity already created (an earlier acceptance) is left alone.
func (s *Service) startActivities(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, anchor string, now time.Time) error {
	ht := pb.HandoffType(h.Type)
	if ht == nil || len(ht.Activities) == 0 {
		return nil
	}
	existing, err := tx.Activities(ctx, h.ID)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, a := range existing {
		have[a.Name] = true
	}
	clock := slaClock(pb, h)
	for _, spec := range ht.Activities {
		if spec.From != anchor || have[spec.Name] {
			continue
		}
		owner := h.OwnerID
		switch spec.Owner {
		case "sender":
			if h.SenderID != "" {
				owner = h.SenderID
			}
		case "backup":
			if h.BackupID != "" {
				owner = h.BackupID
			}
		case "manager":
			if m, err := s.managerOf(ctx, tx, h.OwnerID); err == nil && m != "" {
				owner = m
			}
		}
		within := clock.Span(time.Duration(spec.Within))
		a := &baton.Activity{ID: newID(), HandoffID: h.ID, Name: spec.Name, Label: spec.Label, OwnerID: owner,
			DueAt: clock.Add(now, within), Status: baton.ActivityOpen, CreatedAt: now}
		if err := tx.InsertActivities(ctx, a); err != nil {
			return err
		}
		if err := tx.InsertTimers(ctx,
			&baton.Timer{ID: newID(), HandoffID: h.ID, Kind: baton.TimerActivityRemind, Ref: a.ID, DueAt: clock.Add(now, within/2)},
			&baton.Timer{ID: newID(), HandoffID: h.ID, Kind: baton.TimerActivityDue, Ref: a.ID, DueAt: a.DueAt},
		); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) cancelActivities(ctx context.Context, tx baton.Tx, h *baton.Handoff) error {
	acts, err := tx.Activities(ctx, h.ID)
	if err != nil {
		return err
	}
	for _, a := range acts {
		if a.Status == baton.ActivityOpen {
			a.Status = baton.ActivityCancelled
			if err := tx.UpdateActivity(ctx, a); err != nil {
				return err
			}
		}
	}
	return nil
}

// CompleteActivity marks a handoff's activity done and stops its clock.
func (s *Service) CompleteActivity(ctx context.Context, p baton.Principal, handoffID, name, note string) (*baton.Activity, error) {
	if len(note) > baton.MaxMessageLen {
		return nil, &baton.Error{Code: baton.EINVALID, Message: "note too long", Fields: []baton.FieldError{{Field: "note", Message: "too long"}}}
	}
	var out *baton.Activity
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		h, err := tx.Handoff(ctx, handoffID)
		if err == nil {
			err = s.mayAct(ctx, tx, p, h, actEdit)
		}
		if err != nil {
			return err
		}
		acts, err := tx.Activities(ctx, h.ID)
		if err != nil {
			return err
		}
		for _, a := range acts {
			if a.Name != name {
				continue
			}
			if a.Status != baton.ActivityOpen {
				return baton.Errorf(baton.ECONFLICT, "activity %s is %s", name, a.Status)
			}
			now := s.clock.Now()
			a.Status, a.DoneAt = baton.ActivityDone, now
			if err := tx.UpdateActivity(ctx, a); err != nil {
				return err
			}
			if err := tx.CancelTimersRef(ctx, a.ID); err != nil {
				return err
			}
			reason := a.Label
			if now.After(a.DueAt) {
				reason += fmt.Sprintf(" (late by %s)", now.Sub(a.DueAt).Round(time.Minute))
			}
			if note != "" {
				reason += ": " + note
			}
			out = a
			return tx.AppendEvent(ctx, &baton.Event{HandoffID: h.ID, Kind: baton.EventActivityDone, At: now, Actor: p.Actor(), OwnerID: a.OwnerID, Reason: reason})
		}
		return baton.Errorf(baton.ENOTFOUND, "handoff %s has no activity %s", handoffID, name)
	})
	return out, err
}

// fireActivity runs an activity's reminder or deadline.
func (s *Service) fireActivity(ctx context.Context, tx baton.Tx, t *baton.Timer, h *baton.Handoff, now time.Time) (bool, error) {
	a, err := tx.Activity(ctx, t.Ref)
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if a.Status != baton.ActivityOpen || h.State == baton.StateCancelled {
		return false, nil
	}
	if t.Kind == baton.TimerActivityRemind {
		return true, s.notify(ctx, tx, h, baton.MsgActivity, a.OwnerID, now,
			fmt.Sprintf("Reminder: %q is due by %s.", a.Label, a.DueAt.Format(time.RFC3339)))
	}
	if err := s.event(ctx, tx, h, baton.EventActivityLate, now, fmt.Sprintf("%q was not done by %s", a.Label, a.DueAt.Format(time.RFC3339))); err != nil {
		return false, err
	}
	manager, err := s.managerOf(ctx, tx, a.OwnerID)
	if err != nil {
		return false, err
	}
	return true, s.notify(ctx, tx, h, baton.MsgActLate, manager, now, fmt.Sprintf("Overdue: %q on a %s handoff was due %s.", a.Label, h.Type, a.DueAt.Format(time.RFC3339)))
}

// fireOutcomeDue alerts the owner and their manager when a meeting ended
// without an outcome recorded in time.
func (s *Service) fireOutcomeDue(ctx context.Context, tx baton.Tx, h *baton.Handoff, now time.Time) (bool, error) {
	if !h.State.Open() {
		return false, nil
	}
	if err := s.event(ctx, tx, h, baton.EventOutcomeLate, now, "the meeting ended and no outcome is recorded"); err != nil {
		return false, err
	}
	if err := s.notify(ctx, tx, h, baton.MsgOutcome, h.OwnerID, now, "Record the outcome of your meeting: it is overdue."); err != nil {
		return false, err
	}
	manager, err := s.managerOf(ctx, tx, h.OwnerID)
	if err != nil || manager == "" {
		return true, err
	}
	return true, s.notify(ctx, tx, h, baton.MsgOutcome, manager, now, "A meeting's outcome is overdue on a handoff your report owns.")
}

// SLALeft returns the SLA time from t to deadline on h's clock (its tier's,
// on the receiving team's calendar): what a paused clock has left. It is
// negative when the deadline had already passed at t.
func (s *Service) SLALeft(h *baton.Handoff, t, deadline time.Time) time.Duration {
	if deadline.Before(t) {
		return deadline.Sub(t)
	}
	return slaClock(s.Playbook(), h).Between(t, deadline)
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
