package service

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/ics"
	"github.com/batonhq/baton/playbook"
)

// ICSDomain is the right-hand side of meeting UIDs ("meeting-ID@baton").
const ICSDomain = "baton"

// MeetingInput is a reschedule: the new start and, optionally, zone and
// duration.
type MeetingInput struct {
	StartsAt time.Time      `json:"starts_at"`
	TimeZone string         `json:"timezone,omitempty"`
	Duration baton.Duration `json:"duration,omitempty"`
	Reason   string         `json:"reason,omitempty"`
}

// RescheduleMeeting moves a booked meeting: its invite's SEQUENCE grows so
// calendars update rather than duplicate, its reschedule count grows (the
// brief flags a meeting moved twice), and its pre-call brief and outcome
// clock move with it. The playbook's meetings.reschedule says whether the
// handoff keeps its owner (keep_owner) or is routed afresh (reroute). A
// missed meeting (no-show) of an open handoff is booked again instead: not
// a reschedule, and the no-show's rebooking tasks are done.
func (s *Service) RescheduleMeeting(ctx context.Context, p baton.Principal, id string, in MeetingInput) (*baton.Meeting, error) {
	var v baton.Validation
	if in.StartsAt.IsZero() || in.StartsAt.Year() < 2000 || in.StartsAt.Year() > 2200 {
		v.Add("starts_at", "is required (RFC 3339)")
	}
	if in.TimeZone != "" && !baton.ValidTimeZone(in.TimeZone) {
		v.Add("timezone", "is not an IANA time zone")
	}
	if in.Duration != 0 && (in.Duration < baton.Duration(5*time.Minute) || in.Duration > baton.Duration(8*time.Hour)) {
		v.Add("duration", "must be between 5m and 8h")
	}
	if len(in.Reason) > baton.MaxMessageLen {
		v.Add("reason", "is too long")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.changeMeeting(ctx, p, id, func(m *baton.Meeting, h *baton.Handoff) (string, error) {
		verb := "moved"
		switch {
		case m.Status == baton.MeetingBooked:
			m.Reschedules++
		case m.Status == baton.MeetingNoShow && h.State.Open():
			m.Status, verb = baton.MeetingBooked, "booked again after a no-show"
		default:
			return "", baton.Errorf(baton.ECONFLICT, "cannot reschedule: meeting is %s", m.Status)
		}
		from := m.StartsAt
		m.StartsAt = in.StartsAt.UTC()
		if in.TimeZone != "" {
			m.TimeZone = in.TimeZone
		}
		if in.Duration != 0 {
			m.Duration = in.Duration
		}
		return strings.TrimSpace(fmt.Sprintf("meeting %s from %s to %s %s", verb, from.Format(time.RFC3339), m.StartsAt.Format(time.RFC3339), in.Reason)), nil
	})
}

// CancelMeeting cancels a booked meeting and its pre-call brief and
// outcome clock; its invite becomes a CANCEL with a higher SEQUENCE.
func (s *Service) CancelMeeting(ctx context.Context, p baton.Principal, id, reason string) (*baton.Meeting, error) {
	if len(reason) > baton.MaxMessageLen {
		return nil, &baton.Error{Code: baton.EINVALID, Message: "reason too long", Fields: []baton.FieldError{{Field: "reason", Message: "is too long"}}}
	}
	return s.changeMeeting(ctx, p, id, func(m *baton.Meeting, _ *baton.Handoff) (string, error) {
		if m.Status != baton.MeetingBooked {
			return "", baton.Errorf(baton.ECONFLICT, "cannot cancel: meeting is %s", m.Status)
		}
		m.Status = baton.MeetingCancelled
		return strings.TrimSpace("meeting cancelled " + reason), nil
	})
}

func (s *Service) changeMeeting(ctx context.Context, p baton.Principal, id string, change func(*baton.Meeting, *baton.Handoff) (string, error)) (*baton.Meeting, error) {
	pb := s.Playbook()
	var out *baton.Meeting
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		m, err := tx.Meeting(ctx, id)
		if err != nil {
			return err
		}
		h, err := tx.Handoff(ctx, m.HandoffID)
		if err == nil {
			err = s.mayAct(ctx, tx, p, h, actEdit)
		}
		if err != nil {
			return err
		}
		was := m.Status
		reason, err := change(m, h)
		if err != nil {
			return err
		}
		if err := s.meetingChanged(ctx, tx, pb, h, m, was, p.Actor(), reason, s.clock.Now()); err != nil {
			return err
		}
		out = m
		return nil
	})
	return out, err
}

// meetingChanged records a change made to m (was is its status before):
// its SEQUENCE grows, the log says what changed, a missed meeting booked
// again ends the no-show's rebooking tasks, and the pre-call brief, the
// outcome clock and the prospect's reminders follow the meeting.
func (s *Service) meetingChanged(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, m *baton.Meeting, was, actor, reason string, now time.Time) error {
	m.Sequence++
	m.UpdatedAt = now
	if err := tx.UpdateMeeting(ctx, m); err != nil {
		return err
	}
	rebooked := was == baton.MeetingNoShow && m.Status == baton.MeetingBooked
	data := baton.MeetingChangedData{MeetingID: m.ID, StartsAt: m.StartsAt, Status: m.Status, Sequence: m.Sequence, Reschedules: m.Reschedules, Rebooked: rebooked}
	if err := appendEvent(ctx, tx, &baton.Event{HandoffID: h.ID, Kind: baton.EventMeetingChanged, At: now, Actor: actor,
		OwnerID: h.OwnerID, Reason: reason}, data); err != nil {
		return err
	}
	if rebooked {
		if err := s.rebooked(ctx, tx, h, actor, m, now); err != nil {
			return err
		}
	} else if was == baton.MeetingBooked && m.Status == baton.MeetingBooked && pb.Meetings.Reschedule == playbook.RescheduleReroute {
		if err := s.rerouteForMeeting(ctx, tx, pb, h, actor, now); err != nil {
			return err
		}
	}
	if err := tx.CancelTimers(ctx, h.ID, baton.TimerPreCall, baton.TimerOutcomeDue); err != nil {
		return err
	}
	if m.Status == baton.MeetingBooked {
		if err := s.schedulePreCall(ctx, tx, pb, h, m, now); err != nil {
			return err
		}
		if h.State.Open() {
			if err := tx.InsertTimers(ctx, outcomeClock(pb, h, m)...); err != nil {
				return err
			}
		}
	}
	return s.prospectMeetingChanged(ctx, tx, pb, h, m, now)
}

// rebookFromSignal books a handoff's missed meeting (a no-show) again at
// the time a joining meeting_booked signal gives, as RescheduleMeeting does
// for a person: the buyer booked again through the scheduler. It reports
// whether it did; a handoff whose meeting is not a no-show is left as it
// is (the signal only joins).
func (s *Service) rebookFromSignal(ctx context.Context, tx baton.Tx, h *baton.Handoff, sig *baton.Signal, now time.Time) (bool, error) {
	if sig.Meeting == nil || h.MeetingID == "" || !h.State.Open() {
		return false, nil
	}
	m, err := tx.Meeting(ctx, h.MeetingID)
	if err != nil {
		return false, err
	}
	if m.Status != baton.MeetingNoShow {
		return false, nil
	}
	from := m.StartsAt
	m.Status, m.StartsAt = baton.MeetingBooked, sig.Meeting.StartsAt.UTC()
	if sig.Meeting.TimeZone != "" {
		m.TimeZone = sig.Meeting.TimeZone
	}
	if sig.Meeting.Duration != 0 {
		m.Duration = sig.Meeting.Duration
	}
	if sig.Meeting.Agenda != "" {
		m.Agenda = sig.Meeting.Agenda
	}
	reason := fmt.Sprintf("meeting booked again after a no-show from %s to %s (the buyer booked through %s)",
		from.Format(time.RFC3339), m.StartsAt.Format(time.RFC3339), cmp.Or(sig.Source, "a scheduler"))
	return true, s.meetingChanged(ctx, tx, s.Playbook(), h, m, baton.MeetingNoShow, actorForSignal(sig), reason, now)
}

// rerouteForMeeting routes a handoff afresh after its meeting moved (the
// playbook's meetings.reschedule: reroute), like a reassignment without a
// target: the current owner is not picked, and the new owner's clocks
// start. A handoff that cannot be reassigned now (returned, paused) keeps
// its owner.
func (s *Service) rerouteForMeeting(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, actor string, now time.Time) error {
	if _, err := baton.Transition(h.State, baton.CmdReassign); err != nil || !h.PausedAt.IsZero() {
		return nil
	}
	ev := &baton.Event{HandoffID: h.ID, Kind: baton.EventReassigned, At: now, Actor: actor, FromState: h.State, ToState: baton.StateAssigned,
		Reason: "the meeting was rescheduled and the playbook routes it afresh (meetings.reschedule: reroute)"}
	if err := tx.CancelTimers(ctx, h.ID, clockKinds...); err != nil {
		return err
	}
	h.UpdatedAt = now
	return s.reassign(ctx, tx, pb, h, ev, "", now)
}

// MeetingICS returns a meeting's RFC 5545 invite for the owner's calendar:
// the agenda, the attendees with titles, the handoff's key fields in the
// description, the prospect's time zone, a stable UID and the SEQUENCE of
// its last change (a cancelled meeting is a CANCEL).
func (s *Service) MeetingICS(ctx context.Context, p baton.Principal, id string) ([]byte, error) {
	var out []byte
	err := s.store.View(ctx, func(tx baton.Tx) error {
		m, err := tx.Meeting(ctx, id)
		if err != nil {
			return err
		}
		h, err := tx.Handoff(ctx, m.HandoffID)
		if err == nil {
			err = s.mayAct(ctx, tx, p, h, actSee)
		}
		if err != nil {
			return err
		}
		v, err := s.view(ctx, tx, h, false)
		if err != nil {
			return err
		}
		inv := ics.Invite{
			UID: ics.UID(m.ID, ICSDomain), Sequence: m.Sequence, Method: ics.MethodRequest,
			Summary: meetingSummary(v), Description: meetingDescription(v, m), Start: m.StartsAt, Duration: time.Duration(m.Duration),
			TimeZone: m.TimeZone, Created: m.CreatedAt, Stamp: s.clock.Now(),
			Organizer: ics.Person{Name: "Baton", Email: "baton@" + ICSDomain + ".invalid"},
		}
		if v.Owner != nil {
			inv.Organizer = ics.Person{Name: v.Owner.Name, Email: v.Owner.Email}
		}
		if m.Status == baton.MeetingCancelled {
			inv.Method = ics.MethodCancel
		}
		seen := map[string]bool{inv.Organizer.Email: true}
		for _, a := range m.Attendees {
			if !seen[a.Email] {
				seen[a.Email] = true
				inv.Attendees = append(inv.Attendees, ics.Person{Name: a.Name, Email: a.Email, Title: a.Title})
			}
		}
		if c := v.Contact; c != nil && !seen[c.Email] {
			inv.Attendees = append(inv.Attendees, ics.Person{Name: c.Name, Email: c.Email, Title: c.Title})
		}
		if len(inv.Attendees) == 0 {
			inv.Attendees = []ics.Person{inv.Organizer}
		}
		out, err = ics.Encode(inv)
		if err != nil {
			return fmt.Errorf("service: meeting %s invite: %w", m.ID, err)
		}
		return nil
	})
	return out, err
}

func meetingSummary(v *HandoffView) string {
	parts := []string{}
	if v.Meeting != nil && v.Meeting.Agenda != "" {
		parts = append(parts, v.Meeting.Agenda)
	}
	if v.Account != nil {
		parts = append(parts, v.Account.Name)
	}
	if len(parts) == 0 {
		return "Meeting"
	}
	return strings.Join(parts, " — ")
}

// meetingDescription puts the handoff's key fields in the invite, so the
// owner's calendar carries the context.
func meetingDescription(v *HandoffView, m *baton.Meeting) string {
	var b strings.Builder
	if m.Agenda != "" {
		fmt.Fprintf(&b, "Agenda: %s\n", m.Agenda)
	}
	if c := v.Contact; c != nil {
		fmt.Fprintf(&b, "Prospect: %s", strings.TrimSpace(c.Name+", "+c.Title))
		if v.Account != nil {
			fmt.Fprintf(&b, " at %s", v.Account.Name)
		}
		b.WriteString("\n")
	}
	for _, k := range []string{"problem", "budget_range", "target_decision_date", "pain_points", "competitors", "stakeholders"} {
		if val, ok := v.Context[k]; ok && val != nil {
			fmt.Fprintf(&b, "%s: %s\n", strings.ReplaceAll(k, "_", " "), plain(val))
		}
	}
	fmt.Fprintf(&b, "Handoff: %s (%s), %d%% complete\n", v.Type, v.ID, v.Completeness)
	return strings.TrimSpace(b.String())
}

// rowText renders a table field's row (a stakeholder, a commitment, a
// risk) as text: its leading cell (name, what or risk), then the other
// filled cells as "column: value", by column name.
func rowText(row map[string]any) string {
	var lead string
	for _, k := range []string{"name", "what", "risk"} {
		if v, ok := row[k]; ok && fmt.Sprint(v) != "" {
			lead = k
			break
		}
	}
	keys := make([]string, 0, len(row))
	for k, v := range row {
		if k != lead && v != nil && fmt.Sprint(v) != "" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	rest := make([]string, 0, len(keys))
	for _, k := range keys {
		rest = append(rest, strings.ReplaceAll(k, "_", " ")+": "+fmt.Sprint(row[k]))
	}
	switch {
	case lead == "":
		return strings.Join(rest, ", ")
	case len(rest) == 0:
		return fmt.Sprint(row[lead])
	}
	return fmt.Sprintf("%v (%s)", row[lead], strings.Join(rest, ", "))
}

// plain renders a stored context value as text.
func plain(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []string:
		return strings.Join(x, "; ")
	case []any:
		parts := make([]string, 0, len(x))
		for _, it := range x {
			if row, ok := it.(map[string]any); ok {
				parts = append(parts, rowText(row))
				continue
			}
			parts = append(parts, fmt.Sprint(it))
		}
		return strings.Join(parts, "; ")
	case map[string]any:
		if name, ok := x["name"].(string); ok {
			if title, _ := x["title"].(string); title != "" {
				return name + ", " + title
			}
			return name
		}
		if lo, ok := x["min"].(float64); ok {
			hi, _ := x["max"].(float64)
			cur, _ := x["currency"].(string)
			return fmt.Sprintf("%s %.0f–%.0f", cur, lo, hi)
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		// A value decoded from stored JSON always encodes; should one not,
		// the invite still shows it, in Go's own notation.
		return fmt.Sprint(v)
	}
	return string(b)
}
