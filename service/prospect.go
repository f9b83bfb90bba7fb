package service

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/brief"
	mailer "github.com/batonhq/baton/email"
	"github.com/batonhq/baton/ics"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/prospect"
)

// Messages to prospects.
//
// When a meeting is booked with a contact, the contact gets a confirmation
// by email (the meeting in their own zone, the agenda, who attends with
// titles, what the meeting is for, the intake link) with an invitation built
// by ics.ProspectInvite, which carries nothing internal; the owner gets
// their own copy of the invitation with the brief in its description. Both
// share the meeting's UID. A reschedule sends an update with a higher
// SEQUENCE, a cancellation a METHOD:CANCEL. Reminders (the playbook's
// prospect.reminders, 24 h and 1 h by default) are timer rows placed in the
// prospect's waking window by prospect.ReminderAt, moved on reschedule and
// dropped on cancel. A no-show outcome sends an offer to rebook. Nothing is
// queued for a contact whose address bounced; deliverability (the daily
// cap, bounces) is in prospect_deliver.go.

// prospectBooked writes what a meeting booked with contact c sends: the
// confirmation, the owner's invite and the reminders. intakeURL is the
// intake form's link, "" when there is none.
func (s *Service) prospectBooked(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, m *baton.Meeting, c *baton.Contact, intakeURL string, now time.Time) error {
	if m == nil || c == nil || m.Status != baton.MeetingBooked || !m.StartsAt.After(now) {
		return nil
	}
	if err := s.sendInvites(ctx, tx, pb, h, m, c, "confirmation", intakeURL, now); err != nil {
		return err
	}
	return s.scheduleReminders(ctx, tx, pb, h, m, now)
}

// prospectMeetingChanged follows a reschedule or a cancellation: the
// prospect and the owner get the updated invite (or the CANCEL), and the
// reminders move or stop.
func (s *Service) prospectMeetingChanged(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, m *baton.Meeting, now time.Time) error {
	if err := tx.CancelTimers(ctx, h.ID, baton.TimerProspectRemind); err != nil {
		return err
	}
	c, err := s.prospectContact(ctx, tx, h)
	if err != nil || c == nil {
		return err
	}
	switch m.Status {
	case baton.MeetingBooked:
		if !m.StartsAt.After(now) {
			return nil
		}
		if err := s.sendInvites(ctx, tx, pb, h, m, c, "update", "", now); err != nil {
			return err
		}
		return s.scheduleReminders(ctx, tx, pb, h, m, now)
	case baton.MeetingCancelled:
		return s.sendInvites(ctx, tx, pb, h, m, c, "cancellation", "", now)
	}
	return nil
}

// prospectOutcome follows an outcome: the reminders stop, and when rebook
// is set (the outcome's message: rebook, a no-show's by default) the
// prospect gets an offer to rebook.
func (s *Service) prospectOutcome(ctx context.Context, tx baton.Tx, h *baton.Handoff, rebook bool, now time.Time) error {
	if err := tx.CancelTimers(ctx, h.ID, baton.TimerProspectRemind); err != nil {
		return err
	}
	if !rebook || h.MeetingID == "" {
		return nil
	}
	c, err := s.prospectContact(ctx, tx, h)
	if err != nil || c == nil {
		return err
	}
	m, err := tx.Meeting(ctx, h.MeetingID)
	if err != nil {
		return err
	}
	pb := s.Playbook()
	data, err := s.prospectData(ctx, tx, pb, h, m, c, "")
	if err != nil {
		return err
	}
	return s.enqueueProspect(ctx, tx, pb, h, m, c, baton.MsgProspectNoShow, "no_show", data, nil, now)
}

// fireProspectReminder sends one reminder, unless the meeting is no longer
// booked and ahead, the handoff closed or the contact's address bounced.
func (s *Service) fireProspectReminder(ctx context.Context, tx baton.Tx, t *baton.Timer, h *baton.Handoff, now time.Time) (bool, error) {
	m, err := tx.Meeting(ctx, t.Ref)
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if m.Status != baton.MeetingBooked || !m.StartsAt.After(now) || !h.State.Open() {
		return false, nil
	}
	c, err := s.prospectContact(ctx, tx, h)
	if err != nil || c == nil || !c.BouncedAt.IsZero() {
		return false, err
	}
	pb := s.Playbook()
	data, err := s.prospectData(ctx, tx, pb, h, m, c, "")
	if err != nil {
		return false, err
	}
	data.Lead = leadText(m.StartsAt.Sub(now))
	return true, s.enqueueProspect(ctx, tx, pb, h, m, c, baton.MsgProspectReminder, "reminder", data, nil, now)
}

// scheduleReminders writes the meeting's reminder timers, each at
// prospect.ReminderAt (Step holds its lead in minutes).
func (s *Service) scheduleReminders(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, m *baton.Meeting, now time.Time) error {
	loc := zoneOf(m.TimeZone)
	from, to := pb.ProspectWindow()
	var ts []*baton.Timer
	for _, lead := range pb.Prospect.Reminders {
		due, ok := prospect.ReminderAt(m.StartsAt, time.Duration(lead), loc, prospect.Window{From: from, To: to}, now)
		if !ok {
			continue
		}
		ts = append(ts, &baton.Timer{ID: newID(), HandoffID: h.ID, Kind: baton.TimerProspectRemind, Ref: m.ID, Generation: h.Generation,
			Step: int(time.Duration(lead) / time.Minute), DueAt: due})
	}
	if len(ts) == 0 {
		return nil
	}
	return tx.InsertTimers(ctx, ts...)
}

// sendInvites queues the prospect's message of template name with its
// invitation, and the owner's copy of the invitation.
func (s *Service) sendInvites(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, m *baton.Meeting, c *baton.Contact, name, intakeURL string, now time.Time) error {
	data, err := s.prospectData(ctx, tx, pb, h, m, c, intakeURL)
	if err != nil {
		return err
	}
	cancel := m.Status == baton.MeetingCancelled
	organizer := ics.Person{Name: "Baton", Email: "baton@" + ICSDomain + ".invalid"}
	if data.Owner.Email != "" {
		organizer = ics.Person{Name: data.Owner.Name, Email: data.Owner.Email}
	}
	team := make([]ics.Person, len(data.Attendees))
	for i, a := range data.Attendees {
		team[i] = ics.Person{Name: a.Name, Title: a.Title}
	}
	summary := m.Agenda
	if summary == "" {
		summary = "Meeting"
	}
	if data.Owner.Name != "" {
		summary += " with " + data.Owner.Name
	}
	inv := ics.ProspectInvite(ics.ProspectMeeting{
		UID: ics.UID(m.ID, ICSDomain), Sequence: m.Sequence, Cancel: cancel, Summary: summary, Agenda: m.Agenda, Purpose: data.Purpose,
		Team: team, IntakeURL: intakeURL, Start: m.StartsAt, Duration: time.Duration(m.Duration), TimeZone: m.TimeZone,
		Created: m.CreatedAt, Stamp: now, Organizer: organizer, Prospect: ics.Person{Name: c.Name, Email: c.Email},
	})
	b, err := ics.Encode(inv)
	if err != nil {
		return fmt.Errorf("service: prospect invite for meeting %s: %w", m.ID, err)
	}
	method := mailer.MethodRequest
	kind := baton.MsgProspectConfirmation
	if cancel {
		method, kind = mailer.MethodCancel, baton.MsgProspectCancellation
	}
	if err := s.enqueueProspect(ctx, tx, pb, h, m, c, kind, name, data, &prospect.Invite{Method: method, ICS: string(b)}, now); err != nil {
		return err
	}
	return s.sendOwnerInvite(ctx, tx, pb, h, m, c, data, now)
}

// sendOwnerInvite queues the owner's calendar copy: the same UID and
// SEQUENCE as the prospect's, with the handoff's context and the brief in
// its description. It is for the owner only.
func (s *Service) sendOwnerInvite(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, m *baton.Meeting, c *baton.Contact, data playbook.ProspectData, now time.Time) error {
	if h.OwnerID == "" || data.Owner.Email == "" {
		return nil
	}
	v, err := s.view(ctx, tx, h, false)
	if err != nil {
		return err
	}
	desc := meetingDescription(v, m)
	if in, err := s.briefInput(ctx, tx, h); err == nil {
		n := brief.PreCall(in, brief.Build(in), nil)
		desc += "\n\nBrief:\n" + n.Text
	} else {
		return err
	}
	inv := ics.Invite{
		UID: ics.UID(m.ID, ICSDomain), Sequence: m.Sequence, Method: ics.MethodRequest, Summary: meetingSummary(v), Description: desc,
		Start: m.StartsAt, Duration: time.Duration(m.Duration), TimeZone: m.TimeZone, Created: m.CreatedAt, Stamp: now,
		Organizer: ics.Person{Name: data.Owner.Name, Email: data.Owner.Email},
		Attendees: []ics.Person{{Name: c.Name, Email: c.Email, Title: c.Title}},
	}
	method := mailer.MethodRequest
	verb := "Booked"
	switch {
	case m.Status == baton.MeetingCancelled:
		inv.Method, method, verb = ics.MethodCancel, mailer.MethodCancel, "Cancelled"
	case m.Sequence > 0:
		verb = "Moved"
	}
	b, err := ics.Encode(inv)
	if err != nil {
		return fmt.Errorf("service: owner invite for meeting %s: %w", m.ID, err)
	}
	who := strings.TrimSpace(c.Name)
	if who == "" {
		who = c.Email
	}
	if data.Company != "" {
		who += " (" + data.Company + ")"
	}
	p := prospect.Payload{Kind: baton.MsgProspectOwnerInvite, Audience: prospect.AudienceTeam, HandoffID: h.ID, MeetingID: m.ID,
		To:      prospect.Recipient{UserID: h.OwnerID, Email: data.Owner.Email, Name: data.Owner.Name},
		Subject: fmt.Sprintf("%s: %s with %s, %s UTC", verb, meetingSummary(v), who, m.StartsAt.UTC().Format("Mon 2 Jan 15:04")),
		Text:    desc + "\n\nThe invitation sent to the prospect carries only the agenda, the purpose, the attendees and the intake link.",
		Invite:  &prospect.Invite{Method: method, ICS: string(b)}}
	return s.enqueueProspectPayload(ctx, tx, h, &p, h.OwnerID, now)
}

// enqueueProspect renders template name with data and queues it to the
// contact, unless the contact's address bounced.
func (s *Service) enqueueProspect(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, m *baton.Meeting, c *baton.Contact, kind, name string, data playbook.ProspectData, inv *prospect.Invite, now time.Time) error {
	if !c.BouncedAt.IsZero() || c.Email == "" {
		return nil
	}
	t := pb.ProspectTemplate(name)
	if t == nil {
		return fmt.Errorf("service: no prospect template %q", name)
	}
	var subject, text, html bytes.Buffer
	if err := t.Subject.Execute(&subject, data); err != nil {
		return fmt.Errorf("service: prospect %s subject: %w", name, err)
	}
	if err := t.Text.Execute(&text, data); err != nil {
		return fmt.Errorf("service: prospect %s text: %w", name, err)
	}
	if err := t.HTML.Execute(&html, data); err != nil {
		return fmt.Errorf("service: prospect %s html: %w", name, err)
	}
	p := prospect.Payload{Kind: kind, Audience: prospect.AudienceProspect, From: pb.Prospect.From, HandoffID: h.ID, MeetingID: m.ID,
		To:      prospect.Recipient{ContactID: c.ID, Email: c.Email, Name: c.Name},
		Subject: strings.Join(strings.Fields(subject.String()), " "), Text: text.String(), HTML: strings.TrimSpace(html.String()), Invite: inv}
	if u := pb.Prospect.Unsubscribe; u.URL != "" && (kind == baton.MsgProspectReminder || kind == baton.MsgProspectNoShow) {
		p.Unsubscribe = &mailer.Unsubscribe{URL: u.URL + "?contact=" + c.ID, Mailto: u.Mailto}
	}
	return s.enqueueProspectPayload(ctx, tx, h, &p, c.ID, now)
}

func (s *Service) enqueueProspectPayload(ctx context.Context, tx baton.Tx, h *baton.Handoff, p *prospect.Payload, recipient string, now time.Time) error {
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("service: encode %s: %w", p.Kind, err)
	}
	return tx.EnqueueMessage(ctx, &baton.Message{ID: newID(), HandoffID: h.ID, Kind: p.Kind, Channel: baton.ChannelEmail,
		RecipientID: recipient, Payload: b, CreatedAt: now})
}

// prospectContact returns h's contact, nil when it has none.
func (s *Service) prospectContact(ctx context.Context, tx baton.Tx, h *baton.Handoff) (*baton.Contact, error) {
	if h.ContactID == "" {
		return nil, nil
	}
	c, err := tx.Contact(ctx, h.ContactID)
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return nil, nil
	}
	return c, err
}

// prospectData gathers what a prospect template may show, and nothing
// internal.
func (s *Service) prospectData(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, m *baton.Meeting, c *baton.Contact, intakeURL string) (playbook.ProspectData, error) {
	loc := zoneOf(m.TimeZone)
	if m.TimeZone == "" && c.TimeZone != "" {
		loc = zoneOf(c.TimeZone)
	}
	start := m.StartsAt.In(loc)
	d := playbook.ProspectData{
		Name: c.Name, FirstName: "there", Start: start, When: start.Format("Monday 2 January 2006, 15:04"),
		Zone: loc.String() + ", " + start.Format("MST"), Duration: durationText(time.Duration(m.Duration)), Agenda: m.Agenda,
		Purpose: pb.ProspectPurpose(m.Type, h.Type), IntakeURL: intakeURL, BookingURL: pb.Prospect.BookingURL, Sequence: m.Sequence,
	}
	if f := strings.Fields(c.Name); len(f) > 0 {
		d.FirstName = f[0]
	}
	if h.AccountID != "" {
		if a, err := tx.Account(ctx, h.AccountID); err == nil {
			d.Company = a.Name
		} else if baton.ErrorCode(err) != baton.ENOTFOUND {
			return d, err
		}
	}
	seen := map[string]bool{strings.ToLower(c.Email): true}
	if h.OwnerID != "" {
		if u, err := tx.User(ctx, h.OwnerID); err == nil {
			d.Owner = playbook.Person{Name: u.Name, Title: roleTitle(u.Role), Email: u.Email}
			title := d.Owner.Title
			for _, a := range m.Attendees {
				if strings.EqualFold(a.Email, u.Email) && a.Title != "" {
					title = a.Title
				}
			}
			d.Owner.Title = title
			d.Attendees = append(d.Attendees, playbook.Person{Name: u.Name, Title: title})
			seen[strings.ToLower(u.Email)] = true
		} else if baton.ErrorCode(err) != baton.ENOTFOUND {
			return d, err
		}
	}
	for _, a := range m.Attendees {
		if seen[strings.ToLower(a.Email)] {
			continue
		}
		seen[strings.ToLower(a.Email)] = true
		name := a.Name
		if name == "" {
			name = a.Email
		}
		d.Attendees = append(d.Attendees, playbook.Person{Name: name, Title: a.Title})
	}
	return d, nil
}

// zoneOf loads an IANA zone, UTC when it is empty or unknown.
func zoneOf(name string) *time.Location {
	if name == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// roleTitle names a team role for a prospect.
func roleTitle(role string) string {
	switch role {
	case "ae":
		return "Account Executive"
	case "se":
		return "Solutions Engineer"
	case "sdr", "setter":
		return "Sales Development Representative"
	case "csm":
		return "Customer Success Manager"
	case "am":
		return "Account Manager"
	case "manager":
		return "Sales Manager"
	}
	return ""
}

// durationText says a meeting's length: "30 minutes", "1 hour", "1 hour
// 30 minutes".
func durationText(d time.Duration) string {
	if d <= 0 {
		d = 30 * time.Minute
	}
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	var parts []string
	if h > 0 {
		parts = append(parts, plural(h, "hour"))
	}
	if m > 0 || h == 0 {
		parts = append(parts, plural(m, "minute"))
	}
	return strings.Join(parts, " ")
}

// leadText says how far ahead a meeting is: "in 24 hours", "in 1 hour",
// "in 45 minutes", "in 2 days".
func leadText(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return "in " + plural(int((d+12*time.Hour)/(24*time.Hour)), "day")
	case d >= 90*time.Minute:
		return "in " + plural(int((d+30*time.Minute)/time.Hour), "hour")
	case d >= 55*time.Minute:
		return "in 1 hour"
	}
	return "in " + plural(int((d+30*time.Second)/time.Minute), "minute")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
