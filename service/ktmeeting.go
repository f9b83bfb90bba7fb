package service

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/notify"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/routing"
)

// ktHold places the knowledge-transfer meeting's calendar hold: at the
// latest slot that still ends within held_within of the close (or of now,
// before the close), on the hour, never in the past; it invites every
// participant and arms the agenda and acceptance clocks.
func (s *Service) ktHold(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, c *baton.CSHandoff, now time.Time) error {
	kt := &pb.CSProtocol.KT
	c.KT.ID, c.KT.Status, c.KT.HoldAt = newID(), baton.KTHold, now
	c.KT.Duration = kt.DurationFor(c.Strategic)
	c.KT.Agenda = slices.Clone(kt.Agenda)
	anchor := now
	if !c.ClosedAt.IsZero() {
		anchor = c.ClosedAt
	}
	start := anchor.Add(time.Duration(kt.HeldWithin) - c.KT.Duration).Truncate(time.Hour)
	if earliest := now.Add(time.Hour).Truncate(time.Hour); start.Before(earliest) {
		start = earliest
	}
	c.KT.StartsAt = start
	if err := s.ktInvite(ctx, tx, h, c, now, "hold"); err != nil {
		return err
	}
	return s.ktArm(ctx, tx, pb, h, c, now)
}

// ktInvite sends each participant the meeting's invitation.
func (s *Service) ktInvite(ctx context.Context, tx baton.Tx, h *baton.Handoff, c *baton.CSHandoff, now time.Time, what string) error {
	for _, p := range c.KT.Participants {
		need := "recommended"
		if p.Required {
			need = "required"
		}
		text := fmt.Sprintf("Knowledge-transfer meeting (%s): %s UTC, %d minutes. Your attendance as %s is %s: please accept.",
			what, c.KT.StartsAt.UTC().Format("Mon 2 Jan 15:04"), int(c.KT.Duration.Minutes()), roleLabel(p.Role), need)
		kt := ktNotice(c)
		kt.Change, kt.Role, kt.Required = what, roleLabel(p.Role), p.Required
		if err := s.raise(ctx, tx, h, note{kind: baton.MsgKTInvite, recipient: p.UserID, text: text, kt: kt}, now); err != nil {
			return err
		}
	}
	return nil
}

// ktArm (re)arms the agenda clock (agenda_before the meeting) and the
// acceptance clock (accept_by before it; halfway there when that has
// passed already).
func (s *Service) ktArm(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, c *baton.CSHandoff, now time.Time) error {
	kt := &pb.CSProtocol.KT
	if err := tx.CancelTimers(ctx, h.ID, baton.TimerKTAgenda, baton.TimerKTInvites); err != nil {
		return err
	}
	start := c.KT.StartsAt
	agendaAt := start.Add(-time.Duration(kt.AgendaBefore))
	if agendaAt.Before(now) {
		agendaAt = now
	}
	acceptAt := start.Add(-time.Duration(kt.AcceptBy))
	if acceptAt.Before(now) {
		acceptAt = now.Add(start.Sub(now) / 2)
	}
	return tx.InsertTimers(ctx,
		&baton.Timer{ID: newID(), HandoffID: h.ID, Kind: baton.TimerKTAgenda, Generation: h.Generation, DueAt: agendaAt},
		&baton.Timer{ID: newID(), HandoffID: h.ID, Kind: baton.TimerKTInvites, Generation: h.Generation, DueAt: acceptAt})
}

func roleLabel(role string) string {
	switch role {
	case baton.KTRoleAE:
		return "account executive"
	case baton.KTRoleCSM:
		return "customer success manager"
	case baton.KTRoleCSManager:
		return "CS manager"
	case baton.KTRoleSE:
		return "sales engineer"
	case baton.KTRoleImplementation:
		return "implementation specialist"
	case baton.KTRolePOC:
		return "POC team"
	}
	return role
}

// fireKT runs one of the protocol's clocks; false means it is moot.
func (s *Service) fireKT(ctx context.Context, tx baton.Tx, t *baton.Timer, h *baton.Handoff, now time.Time) (bool, error) {
	c, err := tx.CSHandoff(ctx, h.ID)
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	var fired bool
	switch t.Kind {
	case baton.TimerCSNotify:
		fired, err = s.fireCSNotify(ctx, tx, h, c, now)
	case baton.TimerKTConfirm:
		fired, err = s.fireKTConfirm(ctx, tx, h, c, now)
	case baton.TimerKTAgenda:
		fired, err = s.fireKTAgenda(ctx, tx, h, c, now)
	case baton.TimerKTInvites:
		fired, err = s.fireKTInvites(ctx, tx, h, c, now)
	}
	if err != nil || !fired {
		return false, err
	}
	c.UpdatedAt = now
	return true, tx.PutCSHandoff(ctx, c)
}

func ktPending(c *baton.CSHandoff) bool {
	return c.KT.Status == baton.KTHold || c.KT.Status == baton.KTConfirmed
}

// fireKTAgenda emails every participant the agenda.
func (s *Service) fireKTAgenda(ctx context.Context, tx baton.Tx, h *baton.Handoff, c *baton.CSHandoff, now time.Time) (bool, error) {
	if !ktPending(c) || !h.State.Open() {
		return false, nil
	}
	r, err := s.users(ctx, tx)
	if err != nil {
		return false, err
	}
	text := ktAgendaText(r.Roster, h, c)
	kt := ktNotice(c)
	kt.Agenda = c.KT.Agenda
	kt.RequiredPeople, kt.Recommended = ktPeople(r.Roster, c)
	// The agenda goes by email unless the playbook's notifications route
	// it elsewhere.
	var channels []string
	if len(s.Playbook().Notifications[baton.MsgKTAgenda]) == 0 {
		channels = []string{baton.ChannelEmail}
	}
	for _, p := range c.KT.Participants {
		if err := s.raise(ctx, tx, h, note{kind: baton.MsgKTAgenda, recipient: p.UserID, text: text, channels: channels, kt: kt}, now); err != nil {
			return false, err
		}
	}
	c.KT.AgendaSentAt = now
	return true, nil
}

// ktAgendaText is the agenda as sent: the time, each part with its minutes
// and points, who is required and who recommended.
func ktAgendaText(r *routing.Roster, h *baton.Handoff, c *baton.CSHandoff) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Knowledge-transfer meeting agenda: %s UTC, %d minutes\n", c.KT.StartsAt.UTC().Format("Mon 2 Jan 2006 15:04"), int(c.KT.Duration.Minutes()))
	for i, a := range c.KT.Agenda {
		fmt.Fprintf(&b, "%d. %s (%d min)", i+1, a.Label, a.Minutes)
		if len(a.Points) > 0 {
			fmt.Fprintf(&b, ": %s", strings.Join(a.Points, "; "))
		}
		b.WriteString("\n")
	}
	required, recommended := ktPeople(r, c)
	fmt.Fprintf(&b, "Required: %s\n", orNone(required))
	if len(recommended) > 0 {
		fmt.Fprintf(&b, "Recommended: %s\n", strings.Join(recommended, ", "))
	}
	b.WriteString("Read the deal summary before the meeting; the checklist is completed during it.")
	return b.String()
}

// ktPeople names the meeting's required and recommended participants,
// "Ana Ruiz (account executive)".
func ktPeople(r *routing.Roster, c *baton.CSHandoff) (required, recommended []string) {
	for _, p := range c.KT.Participants {
		name := p.UserID
		if u := r.User(p.UserID); u != nil {
			name = u.Name
		}
		name += " (" + roleLabel(p.Role) + ")"
		if p.Required {
			required = append(required, name)
		} else {
			recommended = append(recommended, name)
		}
	}
	return required, recommended
}

// ktNotice is the meeting as its notices carry it: its time and length.
func ktNotice(c *baton.CSHandoff) *baton.NoticeKT {
	return &baton.NoticeKT{StartsAt: c.KT.StartsAt, DurationMinutes: int(c.KT.Duration.Minutes())}
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "nobody named yet"
	}
	return strings.Join(list, ", ")
}

// fireKTInvites escalates each required participant who has not accepted
// to their manager (customer success leadership when they have none).
func (s *Service) fireKTInvites(ctx context.Context, tx baton.Tx, h *baton.Handoff, c *baton.CSHandoff, now time.Time) (bool, error) {
	if !ktPending(c) || !h.State.Open() {
		return false, nil
	}
	r, err := s.users(ctx, tx)
	if err != nil {
		return false, err
	}
	escalated := false
	for i := range c.KT.Participants {
		p := &c.KT.Participants[i]
		if !p.Required || p.Response == baton.KTAccepted || !p.EscalatedAt.IsZero() {
			continue
		}
		name, to := p.UserID, ""
		if u := r.User(p.UserID); u != nil {
			name, to = u.Name, u.ManagerID
		}
		if to == "" || to == p.UserID {
			if l := csLeader(s.Playbook(), r.Roster, h.ToTeam); l != nil && l.ID != p.UserID {
				to = l.ID
			}
		}
		state := "has not accepted"
		if p.Response == baton.KTDeclined {
			state = "declined"
		}
		reason := fmt.Sprintf("%s (%s, required) %s the knowledge-transfer meeting of %s UTC", name, roleLabel(p.Role), state, c.KT.StartsAt.UTC().Format("Mon 2 Jan 15:04"))
		if err := appendEvent(ctx, tx, &baton.Event{HandoffID: h.ID, Kind: baton.EventEscalated, At: now, Actor: baton.ActorClock, OwnerID: h.OwnerID, Reason: reason}, nil); err != nil {
			return false, err
		}
		kt := ktNotice(c)
		kt.Participant, kt.Declined = name+" ("+roleLabel(p.Role)+")", p.Response == baton.KTDeclined
		if err := s.raise(ctx, tx, h, note{kind: baton.MsgKTUnaccepted, recipient: to, text: "Escalation: " + reason + ".", reason: reason, kt: kt}, now); err != nil {
			return false, err
		}
		p.EscalatedAt, escalated = now, true
	}
	return escalated, nil
}

// fireKTConfirm escalates a meeting whose time is still not confirmed
// confirm_within after the close: to the AE and their manager.
func (s *Service) fireKTConfirm(ctx context.Context, tx baton.Tx, h *baton.Handoff, c *baton.CSHandoff, now time.Time) (bool, error) {
	if !c.KT.ConfirmedAt.IsZero() || c.KT.Status == baton.KTHeld || !h.State.Open() {
		return false, nil
	}
	reason := fmt.Sprintf("the knowledge-transfer meeting's time was not confirmed within %s of the close", notify.Span(time.Duration(s.Playbook().CSProtocol.KT.ConfirmWithin)))
	if err := appendEvent(ctx, tx, &baton.Event{HandoffID: h.ID, Kind: baton.EventEscalated, At: now, Actor: baton.ActorClock, OwnerID: h.OwnerID, Reason: reason}, nil); err != nil {
		return false, err
	}
	manager, err := s.managerOf(ctx, tx, h.SenderID)
	if err != nil {
		return false, err
	}
	for _, to := range []string{h.SenderID, manager} {
		if to == "" {
			continue
		}
		if err := s.raise(ctx, tx, h, note{kind: baton.MsgKTUnconfirmed, recipient: to, text: "Confirm the meeting: " + reason + ".", reason: reason, kt: ktNotice(c)}, now); err != nil {
			return false, err
		}
	}
	return true, nil
}

// KTScheduleInput confirms (or moves) the knowledge-transfer meeting.
type KTScheduleInput struct {
	StartsAt time.Time `json:"starts_at"`
	// Minutes is the meeting's length in minutes, duration_minutes; 0
	// keeps the playbook's (45, or 60 for a strategic account). At least
	// the playbook's min_duration.
	Minutes int `json:"duration_minutes,omitempty"`
	// OldMinutes is Minutes under its former name, minutes, still read;
	// duration_minutes wins when both are given.
	OldMinutes int `json:"minutes,omitempty"`
}

// ScheduleKT confirms the knowledge-transfer meeting at a time (placing the
// hold first if there was none). The meeting must start in the future, last
// at least the playbook's minimum, and end within held_within of the close.
// A new time re-invites everyone and re-arms the agenda and acceptance
// clocks. EINVALID names the bad field; ECONFLICT once it was held.
func (s *Service) ScheduleKT(ctx context.Context, p baton.Principal, id string, in KTScheduleInput) (*CSView, error) {
	return s.csCommand(ctx, p, id, func(tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, c *baton.CSHandoff, now time.Time) error {
		kt := &pb.CSProtocol.KT
		if c.KT.Status == baton.KTHeld {
			return baton.Errorf(baton.ECONFLICT, "the knowledge-transfer meeting was held at %s", c.KT.HeldAt.Format(time.RFC3339))
		}
		dur := kt.DurationFor(c.Strategic)
		if m := cmp.Or(in.Minutes, in.OldMinutes); m != 0 {
			dur = time.Duration(m) * time.Minute
		}
		var v baton.Validation
		switch {
		case in.StartsAt.IsZero():
			v.Add("starts_at", "is required (RFC 3339)")
		case !in.StartsAt.After(now):
			v.Add("starts_at", "must be in the future")
		case !c.ClosedAt.IsZero() && in.StartsAt.Add(dur).After(c.KTBy):
			v.Add("starts_at", "the meeting must be held within %s of the close: end by %s", kt.HeldWithin, c.KTBy.UTC().Format(time.RFC3339))
		}
		switch {
		case dur < time.Duration(kt.MinDuration):
			v.Add("duration_minutes", "must be at least %d (the playbook's min_duration)", int(time.Duration(kt.MinDuration).Minutes()))
		case dur > time.Duration(playbook.MaxKTDuration):
			v.Add("duration_minutes", "must be at most %d", int(time.Duration(playbook.MaxKTDuration).Minutes()))
		}
		if err := v.Err(); err != nil {
			return err
		}
		if c.KT.Status == baton.KTNone {
			if err := s.ktHold(ctx, tx, pb, h, c, now); err != nil {
				return err
			}
		}
		moved := !in.StartsAt.Equal(c.KT.StartsAt) || dur != c.KT.Duration
		c.KT.Status, c.KT.ConfirmedAt, c.KT.ConfirmedBy = baton.KTConfirmed, now, p.UserID
		if err := tx.CancelTimers(ctx, h.ID, baton.TimerKTConfirm); err != nil {
			return err
		}
		if !moved {
			return nil
		}
		c.KT.StartsAt, c.KT.Duration, c.KT.AgendaSentAt = in.StartsAt.UTC(), dur, time.Time{}
		for i := range c.KT.Participants {
			pp := &c.KT.Participants[i]
			pp.Response, pp.RespondedAt, pp.EscalatedAt = baton.KTInvited, time.Time{}, time.Time{}
			if pp.UserID == p.UserID {
				pp.Response, pp.RespondedAt = baton.KTAccepted, now
			}
		}
		if err := s.ktInvite(ctx, tx, h, c, now, "confirmed"); err != nil {
			return err
		}
		return s.ktArm(ctx, tx, pb, h, c, now)
	})
}

// RespondKT records p's answer to the meeting's invitation. Only an invited
// participant may answer (EFORBIDDEN); ECONFLICT when there is no meeting
// pending.
func (s *Service) RespondKT(ctx context.Context, p baton.Principal, id string, accept bool) (*CSView, error) {
	var out *CSView
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		h, err := tx.Handoff(ctx, id)
		if err != nil {
			return err
		}
		c, err := tx.CSHandoff(ctx, id)
		if baton.ErrorCode(err) == baton.ENOTFOUND {
			return baton.Errorf(baton.ENOTFOUND, "handoff %s does not follow the sales → customer success protocol", id)
		} else if err != nil {
			return err
		}
		pp, ok := c.KT.Participant(p.UserID)
		if !ok || p.UserID == "" {
			if err := s.mayAct(ctx, tx, p, h, actSee); err != nil {
				return err
			}
			return baton.Errorf(baton.EFORBIDDEN, "you are not invited to this knowledge-transfer meeting")
		}
		if !ktPending(c) {
			return baton.Errorf(baton.ECONFLICT, "there is no knowledge-transfer meeting pending (it is %s)", orText(c.KT.Status, "not scheduled"))
		}
		now := s.clock.Now()
		pp.Response, pp.RespondedAt = baton.KTDeclined, now
		if accept {
			pp.Response = baton.KTAccepted
		}
		c.UpdatedAt = now
		if err := tx.PutCSHandoff(ctx, c); err != nil {
			return err
		}
		out, err = s.csView(ctx, tx, s.Playbook(), h, c, now)
		return err
	})
	return out, err
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// KTRecordInput is the record of a held knowledge-transfer meeting.
type KTRecordInput struct {
	// HeldAt is when it was held; zero means now.
	HeldAt time.Time `json:"held_at,omitzero"`
	// Attended lists who attended (user ids or emails).
	Attended []string `json:"attended"`
	// Covered lists the agenda items covered, by name.
	Covered             []string `json:"covered"`
	CSQuestionsAnswered bool     `json:"cs_questions_answered"`
	// IntroductionAgreed says the customer introduction approach was
	// agreed.
	IntroductionAgreed bool `json:"introduction_agreed"`
	// NotesURL links the recording or the notes (required).
	NotesURL    string          `json:"notes_url"`
	ActionItems []KTActionInput `json:"action_items"`
}

// KTActionInput is one action item: what, its owner (user id or email) and
// its due date (RFC 3339 or YYYY-MM-DD).
type KTActionInput struct {
	What  string `json:"what"`
	Owner string `json:"owner"`
	Due   string `json:"due"`
}

// Checklist items of the meeting besides its agenda items.
const (
	ChecklistAllAttended = "all_required_attended"
	ChecklistQuestions   = "cs_questions_answered"
	ChecklistIntro       = "introduction_agreed"
	ChecklistActions     = "action_items_assigned"
)

// MaxActionItems bounds a meeting's action items.
const MaxActionItems = 30

// RecordKT records the held knowledge-transfer meeting: who attended, the
// agenda covered, the checklist, the notes or recording link and the
// action items with owners and due dates; it appends the kt_meeting_held
// event the quality score reads. EINVALID names each bad field; ECONFLICT
// when no meeting was scheduled or it was recorded already.
func (s *Service) RecordKT(ctx context.Context, p baton.Principal, id string, in KTRecordInput) (*CSView, error) {
	return s.csCommand(ctx, p, id, func(tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, c *baton.CSHandoff, now time.Time) error {
		switch c.KT.Status {
		case baton.KTNone:
			return baton.Errorf(baton.ECONFLICT, "no knowledge-transfer meeting is scheduled: schedule it first")
		case baton.KTHeld:
			return baton.Errorf(baton.ECONFLICT, "the knowledge-transfer meeting was recorded already (held %s)", c.KT.HeldAt.Format(time.RFC3339))
		}
		r, err := s.users(ctx, tx)
		if err != nil {
			return err
		}
		var v baton.Validation
		held := in.HeldAt
		if held.IsZero() {
			held = now
		} else if held.After(now) {
			v.Add("held_at", "must not be in the future")
		}
		if u, err := url.Parse(in.NotesURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(in.NotesURL) > 2000 {
			v.Add("notes_url", "must be the http(s) link of the recording or the notes")
		}
		var attended []string
		if len(in.Attended) == 0 {
			v.Add("attended", "name at least one attendee")
		}
		for i, a := range in.Attended {
			if u := userByRef(r.Roster, a); u == nil {
				v.Add(fmt.Sprintf("attended[%d]", i), "%q is not a known user", a)
			} else if !slices.Contains(attended, u.ID) {
				attended = append(attended, u.ID)
			}
		}
		var covered []string
		for i, name := range in.Covered {
			if !slices.ContainsFunc(c.KT.Agenda, func(a baton.KTAgendaItem) bool { return a.Name == name }) {
				v.Add(fmt.Sprintf("covered[%d]", i), "%q is not an agenda item", name)
			} else if !slices.Contains(covered, name) {
				covered = append(covered, name)
			}
		}
		if len(in.ActionItems) > MaxActionItems {
			v.Add("action_items", "at most %d", MaxActionItems)
		}
		var actions []baton.KTActionItem
		for i, a := range in.ActionItems {
			p := fmt.Sprintf("action_items[%d]", i)
			what := strings.TrimSpace(a.What)
			if what == "" || len(what) > baton.MaxShortText {
				v.Add(p+".what", "is required, at most %d characters", baton.MaxShortText)
			}
			owner := userByRef(r.Roster, a.Owner)
			if owner == nil {
				v.Add(p+".owner", "%q is not a known user", a.Owner)
			}
			due, err := parseDue(a.Due)
			if err != nil {
				v.Add(p+".due", "must be a date (YYYY-MM-DD) or RFC 3339 time")
			}
			if owner != nil && err == nil && what != "" {
				actions = append(actions, baton.KTActionItem{What: what, Owner: owner.ID, Due: due})
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		kt := &c.KT
		kt.Status, kt.HeldAt, kt.NotesURL = baton.KTHeld, held.UTC(), in.NotesURL
		kt.Attended, kt.Covered, kt.CSQuestionsAnswered, kt.ActionItems = attended, covered, in.CSQuestionsAnswered, actions
		kt.Checklist = slices.Clone(covered)
		all := true
		for _, id := range kt.Required() {
			all = all && slices.Contains(attended, id)
		}
		for _, item := range []struct {
			name string
			done bool
		}{{ChecklistAllAttended, all}, {ChecklistQuestions, in.CSQuestionsAnswered}, {ChecklistIntro, in.IntroductionAgreed}, {ChecklistActions, len(actions) > 0}} {
			if item.done {
				kt.Checklist = append(kt.Checklist, item.name)
			}
		}
		if err := tx.CancelTimers(ctx, h.ID, baton.TimerKTAgenda, baton.TimerKTInvites, baton.TimerKTConfirm); err != nil {
			return err
		}
		required := kt.Required()
		if required == nil {
			required = []string{}
		}
		data := baton.KTHeldData{MeetingID: kt.ID, HeldAt: kt.HeldAt, Required: required, Attended: attended,
			AgendaItems: len(kt.Agenda), AgendaCovered: len(covered), CSQuestionsAnswered: in.CSQuestionsAnswered,
			NotesURL: in.NotesURL, ActionItems: actions}
		reason := fmt.Sprintf("knowledge-transfer meeting held: %d of %d required attended, %d of %d agenda items covered",
			countIn(required, attended), len(required), len(covered), len(kt.Agenda))
		return appendEvent(ctx, tx, &baton.Event{HandoffID: h.ID, Kind: baton.EventKTHeld, At: now, Actor: p.Actor(), OwnerID: h.OwnerID, Reason: reason}, data)
	})
}

func countIn(list, in []string) int {
	n := 0
	for _, x := range list {
		if slices.Contains(in, x) {
			n++
		}
	}
	return n
}

// userByRef finds a user by id or email.
func userByRef(r *routing.Roster, ref string) *baton.User {
	ref = strings.TrimSpace(ref)
	if u := r.User(ref); u != nil {
		return u
	}
	return r.ByEmail(strings.ToLower(ref))
}

func parseDue(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Parse(time.DateOnly, s)
}
