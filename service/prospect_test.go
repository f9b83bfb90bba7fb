package service_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	golangical "github.com/arran4/golang-ical"
	"github.com/emersion/go-smtp"
	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/email"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/worker"
)

// mailbox is a real SMTP server on 127.0.0.1 (go-smtp) that keeps what it
// receives; rcpt answers RCPT TO per address (nil accepts).
type mailbox struct {
	addr string
	rcpt map[string]*smtp.SMTPError
	mu   sync.Mutex
	got  []mailed
}

// mailed is one message as a mail client reads it.
type mailed struct {
	to     string
	header mail.Header
	text   string
	html   string
	ics    string
	method string // the text/calendar part's method parameter
}

func startMailbox(t *testing.T, rcpt map[string]*smtp.SMTPError) *mailbox {
	t.Helper()
	mb := &mailbox{rcpt: rcpt}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mbSession{mb: mb}, nil }))
	srv.Domain = "relay.test"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mb.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return mb
}

type mbSession struct {
	mb *mailbox
	to string
}

func (s *mbSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mbSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := s.mb.rcpt[to]; err != nil {
		return err
	}
	s.to = to
	return nil
}
func (s *mbSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.mb.mu.Lock()
	s.mb.got = append(s.mb.got, mailed{to: s.to, text: string(b)})
	s.mb.mu.Unlock()
	return nil
}
func (s *mbSession) Reset()        { s.to = "" }
func (s *mbSession) Logout() error { return nil }

// take returns and forgets what arrived for to, parsed.
func (mb *mailbox) take(t *testing.T, to string) []mailed {
	t.Helper()
	mb.mu.Lock()
	defer mb.mu.Unlock()
	var out, keep []mailed
	for _, m := range mb.got {
		if m.to == to {
			out = append(out, parseMail(t, m.to, []byte(m.text)))
		} else {
			keep = append(keep, m)
		}
	}
	mb.got = keep
	return out
}

func parseMail(t *testing.T, to string, data []byte) mailed {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("net/mail: %v", err)
	}
	out := mailed{to: to, header: msg.Header}
	var walk func(h map[string][]string, body io.Reader)
	walk = func(h map[string][]string, body io.Reader) {
		get := func(k string) string {
			if v := h[k]; len(v) > 0 {
				return v[0]
			}
			return ""
		}
		mt, params, err := mime.ParseMediaType(get("Content-Type"))
		if err != nil {
			t.Fatalf("Content-Type %q: %v", get("Content-Type"), err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				walk(p.Header, p)
			}
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		if strings.EqualFold(get("Content-Transfer-Encoding"), "base64") {
			if b, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(b)), "")); err != nil {
				t.Fatalf("base64 part: %v", err)
			}
		}
		switch mt {
		case "text/plain":
			out.text = string(b)
		case "text/html":
			out.html = string(b)
		case "text/calendar":
			out.ics, out.method = string(b), params["method"]
		}
	}
	walk(msg.Header, msg.Body)
	return out
}

// event parses an invitation with an independent parser.
func event(t *testing.T, ics string) (*golangical.Calendar, *golangical.VEvent) {
	t.Helper()
	cal, err := golangical.ParseCalendar(strings.NewReader(ics))
	if err != nil {
		t.Fatalf("golang-ical: %v\n%s", err, ics)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("got %d events, want 1", len(evs))
	}
	return cal, evs[0]
}

func prop(ev *golangical.VEvent, p golangical.ComponentProperty) string {
	if v := ev.GetProperty(p); v != nil {
		return v.Value
	}
	return ""
}

func calMethod(cal *golangical.Calendar) string {
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == "METHOD" {
			return p.Value
		}
	}
	return ""
}

// emailDeliverer is the email channel as serve wires it: prospect messages
// through the service.
type emailDeliverer struct {
	svc    *service.Service
	sender *email.Sender
}

func (d *emailDeliverer) Deliver(ctx context.Context, m *baton.Message, now time.Time) baton.DeliveryResult {
	return d.svc.DeliverProspect(ctx, m, now, func(ctx context.Context, _ string, msg email.Message, now time.Time) baton.DeliveryResult {
		return d.sender.Send(ctx, msg, now)
	})
}

// prospectEnv is a service whose email channel goes to a real SMTP server.
type prospectEnv struct {
	*env
	mb     *mailbox
	outbox *worker.Outbox
}

func setupProspect(t *testing.T, rcpt map[string]*smtp.SMTPError) *prospectEnv {
	t.Helper()
	e := setup(t)
	mb := startMailbox(t, rcpt)
	host, port, _ := net.SplitHostPort(mb.addr)
	p, _ := strconv.Atoi(port)
	sender := &email.Sender{Config: email.Config{Host: host, Port: p, TLS: email.TLSNone, From: "Acme <meetings@acme.test>", Timeout: 10 * time.Second}}
	return &prospectEnv{env: e, mb: mb, outbox: &worker.Outbox{Service: e.svc, Channels: map[string]worker.Deliverer{baton.ChannelEmail: &emailDeliverer{svc: e.svc, sender: sender}}}}
}

// deliver runs the outbox once at the clock's now.
func (e *prospectEnv) deliver(t *testing.T) {
	t.Helper()
	if _, err := e.outbox.RunOnce(e.ctx); err != nil {
		t.Fatal(err)
	}
}

// at sets the clock, fires due timers and delivers due mail.
func (e *prospectEnv) at(t *testing.T, now time.Time) {
	t.Helper()
	e.clock.Set(now)
	if _, err := e.timers.RunOnce(e.ctx); err != nil {
		t.Fatal(err)
	}
	e.deliver(t)
}

// book ingests a meeting booked with a prospect whose handoff context holds
// a budget and a competitor.
func (e *prospectEnv) book(t *testing.T, id, zone string, start time.Time) (*baton.Handoff, string) {
	t.Helper()
	sig := demoRequest(id)
	sig.Type, sig.Sender = baton.SignalMeetingBooked, e.users["sdr1"].Email
	sig.Contact.TimeZone = zone
	sig.Fields = meetingContext()
	sig.Fields["budget_range"], sig.Fields["competitors"] = "$40k-$60k", "Globex"
	sig.Meeting = &baton.SignalMeeting{StartsAt: start, TimeZone: zone, Agenda: "Discovery: warehouse robotics", Type: "Discovery",
		Attendees: []baton.Attendee{{Name: "Lena Park", Email: "lena@baton-team.test", Title: "Solutions Engineer"}}}
	return e.ingest(t, sig), sig.Contact.Email
}

func (e *prospectEnv) owner(t *testing.T, h *baton.Handoff) *baton.User {
	t.Helper()
	for _, u := range e.users {
		if u.ID == h.OwnerID {
			return u
		}
	}
	t.Fatalf("owner %s not in the team", h.OwnerID)
	return nil
}

func TestProspectConfirmation(t *testing.T) {
	t.Parallel()
	e := setupProspect(t, nil)
	start := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC) // Thursday 10:00 in Los Angeles
	h, to := e.book(t, "confirm", "America/Los_Angeles", start)
	e.deliver(t)
	got := e.mb.take(t, to)
	if len(got) != 1 {
		t.Fatalf("got %d messages to the prospect, want the confirmation", len(got))
	}
	c := got[0]
	var uid string
	t.Run("SaysWhenInTheProspectsZoneWhatWhoAndWhy", func(t *testing.T) {
		for _, want := range []string{"Thursday 26 November 2026, 10:00 (America/Los_Angeles, PST)", "Discovery: warehouse robotics",
			"Lena Park, Solutions Engineer", "What it is for: a first conversation", e.svc.PublicURL() + "/intake/"} {
			if !strings.Contains(c.text, want) {
				t.Errorf("text lacks %q:\n%s", want, c.text)
			}
		}
		if !strings.Contains(c.html, "Lena Park, Solutions Engineer") || !strings.Contains(c.html, "/intake/") {
			t.Errorf("html lacks the attendee or the intake link:\n%s", c.html)
		}
		if c.header.Get("List-Unsubscribe") != "" {
			t.Errorf("got List-Unsubscribe %q on a confirmation, want none", c.header.Get("List-Unsubscribe"))
		}
	})
	t.Run("InviteCarriesNothingInternal", func(t *testing.T) {
		if c.method != "REQUEST" {
			t.Errorf("got calendar part method %q, want REQUEST", c.method)
		}
		cal, ev := event(t, c.ics)
		desc := prop(ev, golangical.ComponentPropertyDescription)
		// The intake link's random token may hold any letters and digits:
		// look for secrets in the rest.
		bare := regexp.MustCompile(`/intake/[A-Za-z0-9_-]+`).ReplaceAllString(desc, "/intake/TOKEN")
		for _, secret := range []string{"40", "Globex", "budget", "competitor", "complete", "Brief"} {
			if strings.Contains(strings.ToLower(bare), strings.ToLower(secret)) {
				t.Errorf("prospect's DESCRIPTION holds %q:\n%s", secret, desc)
			}
		}
		if !strings.Contains(desc, "Discovery: warehouse robotics") || !strings.Contains(desc, "/intake/") {
			t.Errorf("got DESCRIPTION %q, want the agenda and the intake link", desc)
		}
		if calMethod(cal) != "REQUEST" || prop(ev, golangical.ComponentPropertySequence) != "0" {
			t.Errorf("got METHOD %s SEQUENCE %s, want REQUEST 0", calMethod(cal), prop(ev, golangical.ComponentPropertySequence))
		}
		atts := ev.Attendees()
		if len(atts) != 1 || !strings.EqualFold(atts[0].Email(), to) {
			t.Errorf("got attendees %v, want only the prospect %s", atts, to)
		}
		if org := prop(ev, golangical.ComponentPropertyOrganizer); !strings.Contains(org, e.owner(t, h).Email) {
			t.Errorf("got ORGANIZER %q, want the owner", org)
		}
		uid = prop(ev, golangical.ComponentPropertyUniqueId)
	})
	t.Run("OwnersCopyCarriesTheBrief", func(t *testing.T) {
		own := e.mb.take(t, e.owner(t, h).Email)
		if len(own) != 1 {
			t.Fatalf("got %d messages to the owner, want the invite copy", len(own))
		}
		_, ev := event(t, own[0].ics)
		if desc := prop(ev, golangical.ComponentPropertyDescription); !strings.Contains(desc, "Globex") || !strings.Contains(desc, "Brief") {
			t.Errorf("owner's DESCRIPTION lacks the competitor or the brief:\n%s", desc)
		}
		if got := prop(ev, golangical.ComponentPropertyUniqueId); got != uid {
			t.Errorf("got owner's UID %s, want the prospect's %s", got, uid)
		}
	})
	t.Run("RescheduleSendsAnUpdateWithAHigherSequence", func(t *testing.T) {
		if _, err := e.svc.RescheduleMeeting(e.ctx, e.admin, h.MeetingID, service.MeetingInput{StartsAt: start.Add(24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		e.deliver(t)
		got := e.mb.take(t, to)
		if len(got) != 1 {
			t.Fatalf("got %d messages, want the update", len(got))
		}
		cal, ev := event(t, got[0].ics)
		if prop(ev, golangical.ComponentPropertyUniqueId) != uid || prop(ev, golangical.ComponentPropertySequence) != "1" || calMethod(cal) != "REQUEST" {
			t.Errorf("got UID %s SEQUENCE %s METHOD %s, want %s 1 REQUEST", prop(ev, golangical.ComponentPropertyUniqueId),
				prop(ev, golangical.ComponentPropertySequence), calMethod(cal), uid)
		}
		if subj := got[0].header.Get("Subject"); !strings.Contains(subj, "Friday 27 November 2026, 10:00") {
			t.Errorf("got subject %q, want the new time", subj)
		}
	})
	t.Run("CancelSendsACancel", func(t *testing.T) {
		if _, err := e.svc.CancelMeeting(e.ctx, e.admin, h.MeetingID, "prospect asked"); err != nil {
			t.Fatal(err)
		}
		e.deliver(t)
		got := e.mb.take(t, to)
		if len(got) != 1 {
			t.Fatalf("got %d messages, want the cancellation", len(got))
		}
		cal, ev := event(t, got[0].ics)
		if got[0].method != "CANCEL" || calMethod(cal) != "CANCEL" || prop(ev, golangical.ComponentPropertyUniqueId) != uid ||
			prop(ev, golangical.ComponentPropertySequence) != "2" {
			t.Errorf("got part method %s METHOD %s UID %s SEQUENCE %s, want CANCEL CANCEL %s 2", got[0].method, calMethod(cal),
				prop(ev, golangical.ComponentPropertyUniqueId), prop(ev, golangical.ComponentPropertySequence), uid)
		}
	})
}

// pendingReminders returns when a handoff's pending reminders are due.
func (e *prospectEnv) pendingReminders(t *testing.T, handoffID string) []time.Time {
	t.Helper()
	var out []time.Time
	err := e.db.View(e.ctx, func(tx baton.Tx) error {
		ts, err := tx.PendingTimers(e.ctx, handoffID)
		for _, tm := range ts {
			if tm.Kind == baton.TimerProspectRemind {
				out = append(out, tm.DueAt)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// expectReminderAt checks that nothing reaches to a minute before at, and
// one reminder does at at.
func (e *prospectEnv) expectReminderAt(t *testing.T, to string, at time.Time) mailed {
	t.Helper()
	e.at(t, at.Add(-time.Minute))
	if got := e.mb.take(t, to); len(got) != 0 {
		t.Fatalf("got %d messages a minute before %s, want none (first: %s)", len(got), at, got[0].header.Get("Subject"))
	}
	e.at(t, at)
	got := e.mb.take(t, to)
	if len(got) != 1 || !strings.HasPrefix(got[0].header.Get("Subject"), "Reminder:") {
		t.Fatalf("got %d messages at %s, want one reminder", len(got), at)
	}
	return got[0]
}

func TestProspectReminders(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC) // Thursday 10:00 in Los Angeles
	t.Run("ArriveADayAndAnHourBefore", func(t *testing.T) {
		t.Parallel()
		e := setupProspect(t, nil)
		_, to := e.book(t, "remind", "America/Los_Angeles", start)
		e.deliver(t)
		e.mb.take(t, to)
		r := e.expectReminderAt(t, to, start.Add(-24*time.Hour))
		if !strings.Contains(r.header.Get("Subject"), "in 24 hours") || !strings.Contains(r.text, "Lena Park, Solutions Engineer") {
			t.Errorf("got subject %q text %q, want the lead and the attendees", r.header.Get("Subject"), r.text)
		}
		r = e.expectReminderAt(t, to, start.Add(-time.Hour))
		if !strings.Contains(r.header.Get("Subject"), "in 1 hour") {
			t.Errorf("got subject %q, want in 1 hour", r.header.Get("Subject"))
		}
		e.at(t, start.Add(time.Minute))
		if got := e.mb.take(t, to); len(got) != 0 {
			t.Errorf("got %d more messages, want none", len(got))
		}
	})
	t.Run("MoveOnReschedule", func(t *testing.T) {
		t.Parallel()
		e := setupProspect(t, nil)
		h, to := e.book(t, "move", "America/Los_Angeles", start)
		moved := start.Add(48 * time.Hour)
		if _, err := e.svc.RescheduleMeeting(e.ctx, e.admin, h.MeetingID, service.MeetingInput{StartsAt: moved}); err != nil {
			t.Fatal(err)
		}
		e.deliver(t)
		e.mb.take(t, to)
		want := []time.Time{moved.Add(-24 * time.Hour), moved.Add(-time.Hour)}
		if diff := cmp.Diff(want, e.pendingReminders(t, h.ID)); diff != "" {
			t.Errorf("pending reminders (-want +got):\n%s", diff)
		}
		e.at(t, start.Add(-24*time.Hour))
		if got := e.mb.take(t, to); len(got) != 0 {
			t.Errorf("got %d messages at the old reminder time, want none", len(got))
		}
		e.expectReminderAt(t, to, moved.Add(-24*time.Hour))
	})
	t.Run("StopOnCancel", func(t *testing.T) {
		t.Parallel()
		e := setupProspect(t, nil)
		h, to := e.book(t, "stop", "America/Los_Angeles", start)
		if _, err := e.svc.CancelMeeting(e.ctx, e.admin, h.MeetingID, ""); err != nil {
			t.Fatal(err)
		}
		e.deliver(t)
		e.mb.take(t, to)
		e.at(t, start.Add(-24*time.Hour))
		e.at(t, start.Add(-time.Hour))
		if got := e.mb.take(t, to); len(got) != 0 {
			t.Errorf("got %d messages after the cancellation, want none", len(got))
		}
	})
	t.Run("NoneWhenTheMeetingIsNearerThanTheLead", func(t *testing.T) {
		t.Parallel()
		e := setupProspect(t, nil)
		soon := t0.Add(5 * time.Hour) // 11:00 in Los Angeles, 5 h away: only the 1 h reminder
		h, _ := e.book(t, "soon", "America/Los_Angeles", soon)
		if diff := cmp.Diff([]time.Time{soon.Add(-time.Hour)}, e.pendingReminders(t, h.ID)); diff != "" {
			t.Errorf("pending reminders (-want +got):\n%s", diff)
		}
	})
}

// TestProspectReminderInTokyo: a prospect in Asia/Tokyo is reminded during
// their day, never at night.
func TestProspectReminderInTokyo(t *testing.T) {
	t.Parallel()
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		start    time.Time
		want     []time.Time // when each reminder arrives, Tokyo time
		wantLast string
	}{
		{
			// 24 h before 09:00 is 09:00 the day before, inside 08:00-20:00:
			// sent then (00:00 UTC), not at the server's 09:00.
			name:  "NineOClockMeetingRemindedAtNineTheDayBefore",
			start: time.Date(2026, 11, 27, 9, 0, 0, 0, tokyo),
			want:  []time.Time{time.Date(2026, 11, 26, 9, 0, 0, 0, tokyo), time.Date(2026, 11, 27, 8, 0, 0, 0, tokyo)},
		},
		{
			// 24 h before 07:00 is 07:00, before the window opens: it moves
			// back to 20:00 two evenings before; 1 h before (06:00) nothing
			// fits, so there is no second reminder.
			name:  "SevenOClockMeetingRemindedTheEveningBefore",
			start: time.Date(2026, 11, 27, 7, 0, 0, 0, tokyo),
			want:  []time.Time{time.Date(2026, 11, 25, 20, 0, 0, 0, tokyo)},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := setupProspect(t, nil)
			h, to := e.book(t, strings.ToLower(tc.name[:5]), "Asia/Tokyo", tc.start)
			e.deliver(t)
			e.mb.take(t, to)
			got := e.pendingReminders(t, h.ID)
			want := make([]time.Time, len(tc.want))
			for i, w := range tc.want {
				want[i] = w.UTC()
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("reminders due (-want +got):\n%s", diff)
			}
			for _, w := range tc.want {
				r := e.expectReminderAt(t, to, w)
				if hour := w.In(tokyo).Hour(); hour < 8 || hour > 20 {
					t.Errorf("reminder at %02d:00 Tokyo time, want within 08:00-20:00", hour)
				}
				if !strings.Contains(r.text, "(Asia/Tokyo, JST)") {
					t.Errorf("reminder does not name the zone:\n%s", r.text)
				}
			}
		})
	}
}

func TestProspectBounce(t *testing.T) {
	t.Parallel()
	to := "ana.bounce@acme-robotics.com"
	e := setupProspect(t, map[string]*smtp.SMTPError{to: {Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}})
	start := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)
	h, _ := e.book(t, "bounce", "America/Los_Angeles", start)
	e.deliver(t)
	t.Run("MarksTheContact", func(t *testing.T) {
		var c *baton.Contact
		err := e.db.View(e.ctx, func(tx baton.Tx) error {
			var err error
			c, err = tx.Contact(e.ctx, h.ContactID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if !c.BouncedAt.Equal(t0) {
			t.Errorf("got bounced_at %v, want %v", c.BouncedAt, t0)
		}
		days, err := e.svc.ProspectBounceRates(e.ctx, t0, t0.Add(24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		want := []service.ProspectBounceDay{{Day: "2026-11-23", Sent: 1, Bounced: 1, Rate: 1}}
		if diff := cmp.Diff(want, days); diff != "" {
			t.Errorf("bounce rates (-want +got):\n%s", diff)
		}
	})
	t.Run("NothingMoreIsSent", func(t *testing.T) {
		// A message queued before the bounce was known fails at delivery.
		if _, err := e.svc.RescheduleMeeting(e.ctx, e.admin, h.MeetingID, service.MeetingInput{StartsAt: start.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		e.at(t, start.Add(-23*time.Hour))
		e.at(t, start)
		e.mb.mu.Lock()
		n := 0
		for _, m := range e.mb.got {
			if m.to == to {
				n++
			}
		}
		e.mb.mu.Unlock()
		if n != 0 {
			t.Errorf("got %d messages to the bounced address, want none", n)
		}
		msgs, err := e.svc.Messages(e.ctx, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if m.RecipientID == h.ContactID && strings.HasPrefix(m.Kind, "prospect.") && m.Kind != baton.MsgProspectConfirmation {
				t.Errorf("got %s queued to the bounced contact, want nothing after the bounce", m.Kind)
			}
		}
	})
}

func TestProspectDailyCapDefers(t *testing.T) {
	t.Parallel()
	e := setupProspect(t, nil)
	pb := playbook.Default()
	pb.Prospect.DailyCap = 2
	e.svc.SetPlaybook(pb)
	start := time.Date(2026, 11, 30, 18, 0, 0, 0, time.UTC)
	var tos []string
	for _, id := range []string{"cap1", "cap2", "cap3"} {
		_, to := e.book(t, id, "America/Los_Angeles", start)
		tos = append(tos, to)
	}
	e.deliver(t)
	sent := 0
	for _, to := range tos {
		sent += len(e.mb.take(t, to))
	}
	if sent != 2 {
		t.Fatalf("got %d confirmations on the first day, want the cap of 2", sent)
	}
	msgs, err := e.svc.Messages(e.ctx, baton.MessagePending, 100)
	if err != nil {
		t.Fatal(err)
	}
	midnight := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	waiting := 0
	for _, m := range msgs {
		if m.Kind == baton.MsgProspectConfirmation {
			waiting++
			if !m.NextAt.Equal(midnight) || m.Attempts != 0 || !strings.Contains(m.LastError, "daily cap") {
				t.Errorf("got waiting message next %v attempts %d error %q, want next UTC midnight %v, no attempt spent", m.NextAt, m.Attempts, m.LastError, midnight)
			}
		}
	}
	if waiting != 1 {
		t.Errorf("got %d confirmations waiting, want 1", waiting)
	}
	e.at(t, midnight.Add(-time.Minute))
	e.at(t, midnight)
	sent = 0
	for _, to := range tos {
		sent += len(e.mb.take(t, to))
	}
	if sent != 1 {
		t.Errorf("got %d confirmations at midnight, want the one that waited", sent)
	}
}

func TestProspectNoShowFollowUp(t *testing.T) {
	t.Parallel()
	e := setupProspect(t, nil)
	start := t0.Add(30 * time.Minute)
	h, to := e.book(t, "noshow", "America/Los_Angeles", start)
	e.act(t, h.ID, baton.CmdAccept, service.CommandInput{})
	e.act(t, h.ID, baton.CmdTouch, service.CommandInput{})
	e.at(t, start.Add(10*time.Minute))
	e.mb.take(t, to)
	e.act(t, h.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeNoShow})
	e.deliver(t)
	got := e.mb.take(t, to)
	if len(got) != 1 || !strings.HasPrefix(got[0].header.Get("Subject"), "Sorry we missed you") {
		t.Fatalf("got %d messages, want the rebooking follow-up", len(got))
	}
	if got[0].ics != "" || !strings.Contains(got[0].text, "reply to this email") {
		t.Errorf("got follow-up with invite %t and text:\n%s\nwant no invite and a way to rebook", got[0].ics != "", got[0].text)
	}
}

// TestShowRate is a hand-computed fixture: website meetings A (reminded,
// held), B (reminded, no-show), C (not reminded, no-show); partner meeting
// D (not reminded, held).
func TestShowRate(t *testing.T) {
	t.Parallel()
	e := setupProspect(t, nil)
	later, soon := t0.Add(48*time.Hour), t0.Add(30*time.Minute)
	book := func(id, source string, start time.Time) *baton.Handoff {
		sig := demoRequest(id)
		sig.Type, sig.Sender, sig.Source, sig.Fields = baton.SignalMeetingBooked, e.users["sdr1"].Email, source, meetingContext()
		sig.Meeting = &baton.SignalMeeting{StartsAt: start, TimeZone: "UTC", Agenda: "Discovery"}
		h := e.ingest(t, sig)
		e.act(t, h.ID, baton.CmdAccept, service.CommandInput{})
		e.act(t, h.ID, baton.CmdTouch, service.CommandInput{})
		return h
	}
	a, b := book("a", "website", later), book("b", "website", later)
	c, d := book("c", "website", soon), book("d", "partner", soon)
	e.at(t, soon.Add(time.Minute))
	e.act(t, c.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeNoShow})
	e.act(t, d.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeProposal})
	e.at(t, later.Add(-24*time.Hour)) // A and B's reminders go out
	e.at(t, later.Add(time.Minute))
	e.act(t, a.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeInterested})
	e.act(t, b.ID, baton.CmdOutcome, service.CommandInput{Outcome: baton.OutcomeNoShow})

	rep, err := e.svc.ShowRate(e.ctx, e.admin, t0, t0.Add(7*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := []service.ShowRateGroup{
		{Source: "partner", Reminded: "no", Held: 1, ShowRate: 1},
		{Source: "partner", Reminded: "all", Held: 1, ShowRate: 1},
		{Source: "website", Reminded: "yes", Held: 1, NoShow: 1, ShowRate: 0.5},
		{Source: "website", Reminded: "no", NoShow: 1, ShowRate: 0},
		{Source: "website", Reminded: "all", Held: 1, NoShow: 2, ShowRate: 1.0 / 3},
	}
	if diff := cmp.Diff(want, rep.Groups); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
	totals := []service.ShowRateGroup{rep.Reminded, rep.NotReminded, rep.Total}
	wantTotals := []service.ShowRateGroup{
		{Source: "all", Reminded: "yes", Held: 1, NoShow: 1, ShowRate: 0.5},
		{Source: "all", Reminded: "no", Held: 1, NoShow: 1, ShowRate: 0.5},
		{Source: "all", Reminded: "all", Held: 2, NoShow: 2, ShowRate: 0.5},
	}
	if diff := cmp.Diff(wantTotals, totals); diff != "" {
		t.Errorf("totals (-want +got):\n%s", diff)
	}
}
