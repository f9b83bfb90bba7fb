package notify

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/slack"
)

//go:embed templates/*
var templateFS embed.FS

// The templates, parsed once when the package loads; a broken template
// fails every test of the package.
var (
	htmlTmpl = htmltemplate.Must(htmltemplate.New("email.html").ParseFS(templateFS, "templates/email.html"))
	textTmpl = texttemplate.Must(texttemplate.New("email.txt").Funcs(texttemplate.FuncMap{"inc": func(i int) int { return i + 1 }}).
			ParseFS(templateFS, "templates/email.txt"))
)

// Recipient is who a notice is rendered for and when.
type Recipient struct {
	Name  string
	Email string
	// SlackID is the Slack member id a Slack message goes to.
	SlackID string
	// TimeZone is the IANA zone times are shown in; empty or unknown
	// shows UTC.
	TimeZone string
	// Now is when the message is rendered: relative times ("in 5 min")
	// count from it. Zero uses the notice's At.
	Now time.Time
	// AcceptURL is the recipient's one-click Accept link (signed for them
	// and the handoff); empty leaves the Accept button out.
	AcceptURL string
}

// Rendered is a notice as one channel sends it.
type Rendered struct {
	Channel string
	// Subject is an email's subject.
	Subject string
	// Text is an email's plain-text body, or a Slack message's text
	// fallback (shown in notifications), as plain text: slack.Client.Post
	// escapes it for mrkdwn. Blocks are escaped here.
	Text string
	// HTML is an email's HTML body.
	HTML string
	// Blocks are a Slack message's Block Kit blocks.
	Blocks []slack.Block
	// Data is a webhook's JSON data: the notice as queued.
	Data json.RawMessage
}

// Render renders n for r on channel (baton.ChannelEmail, ChannelSlack or
// ChannelWebhook). An unknown channel is an EINVALID error.
func Render(n baton.Notice, r Recipient, channel string) (Rendered, error) {
	out := Rendered{Channel: channel}
	switch channel {
	case baton.ChannelWebhook:
		b, err := json.Marshal(n)
		if err != nil {
			return out, fmt.Errorf("notify: encode notice: %w", err)
		}
		out.Data = b
		return out, nil
	case baton.ChannelEmail, baton.ChannelSlack:
	default:
		return out, baton.Errorf(baton.EINVALID, "notify: unknown channel %q", channel)
	}
	v := newView(n, r)
	if channel == baton.ChannelSlack {
		out.Text, out.Blocks = v.slack()
		return out, nil
	}
	out.Subject = v.Subject
	var buf bytes.Buffer
	if err := textTmpl.Execute(&buf, v); err != nil {
		return out, fmt.Errorf("notify: render text: %w", err)
	}
	out.Text = buf.String()
	buf.Reset()
	if err := htmlTmpl.Execute(&buf, v); err != nil {
		return out, fmt.Errorf("notify: render html: %w", err)
	}
	out.HTML = buf.String()
	return out, nil
}

// view is a notice worked out for one reader: every line in their words
// and their time zone. The email templates and the Slack blocks read it.
type view struct {
	Greeting string
	Subject  string
	// Headline is the first sentence: what happened.
	Headline string
	// Lead is "Leo Silva, CEO at Sunrise Hospitality".
	Lead     string
	Why      string
	Type     string
	Tier     string
	Deadline string
	// DeadlineLine is Deadline starting with a capital, for a line of its
	// own.
	DeadlineLine string
	// Facts are the kind's own lines (how late, time left, the gaps, the
	// meeting).
	Facts   []string
	Missing string
	// Body is free text (a pre-call brief, an activity's note).
	Body   string
	Review []string
	// Agenda is a knowledge-transfer meeting's agenda (kt.agenda), its
	// parts in order.
	Agenda    []agendaPart
	AcceptURL string
	OpenURL   string
	OpenLabel string
}

func newView(n baton.Notice, r Recipient) *view {
	loc := location(r.TimeZone)
	if n.Deadline != nil && n.Deadline.TimeZone != "" && r.TimeZone == "" {
		loc = location(n.Deadline.TimeZone)
	}
	now := r.Now
	if now.IsZero() {
		now = n.At
	}
	v := &view{OpenURL: n.URL, OpenLabel: "Open the handoff", AcceptURL: r.AcceptURL}
	if r.Name != "" {
		v.Greeting = "Hi " + firstName(r.Name) + ","
	}
	v.Lead = leadLine(n.Lead)
	who := n.Lead.Name
	if who == "" {
		who = n.Lead.Company
	}
	if who == "" {
		who = "a lead"
	}
	if n.Lead.Company != "" && n.Lead.Name != "" {
		who += " (" + n.Lead.Company + ")"
	}
	v.Type = orText(n.Handoff.TypeLabel, n.Handoff.Type)
	v.Tier = orText(n.Handoff.TierLabel, n.Handoff.Tier)
	v.Why = n.Why
	if len(n.Missing) > 0 {
		v.Missing = strings.Join(n.Missing, ", ")
	}
	if n.Deadline != nil && !n.Deadline.At.IsZero() {
		v.Deadline = n.Deadline.Label + " " + When(n.Deadline.At, now, loc)
	}
	if v.Deadline != "" {
		v.DeadlineLine = strings.ToUpper(v.Deadline[:1]) + v.Deadline[1:]
	}
	typ := strings.ToLower(v.Type)
	switch n.Kind {
	case baton.MsgAssigned:
		v.Headline = fmt.Sprintf("New %s handoff for you: %s.", typ, orText(v.Lead, who))
		v.Subject = "New " + typ + ": " + who
	case baton.MsgReminder:
		v.Headline = fmt.Sprintf("Reminder: the %s handoff of %s is not accepted yet.", typ, who)
		v.Subject = "Reminder: accept " + who
		if n.TimeLeft > 0 {
			v.Facts = append(v.Facts, Span(time.Duration(n.TimeLeft))+" left to accept.")
			v.Subject += " (" + Span(time.Duration(n.TimeLeft)) + " left)"
		}
	case baton.MsgBreach:
		v.Headline = fmt.Sprintf("SLA breached: the %s handoff of %s missed its deadline.", typ, who)
		v.Subject = "SLA breached: " + who
		if n.LateBy > 0 {
			v.Facts = append(v.Facts, Span(time.Duration(n.LateBy))+" late.")
			v.Subject += ", " + Span(time.Duration(n.LateBy)) + " late"
		}
	case baton.MsgEscalated:
		v.Headline = fmt.Sprintf("Escalation: the %s handoff of %s is still not accepted.", typ, who)
		v.Subject = "Escalation: " + who + " not accepted"
		if n.LateBy > 0 {
			v.Facts = append(v.Facts, Span(time.Duration(n.LateBy))+" past its deadline.")
			v.Subject += ", " + Span(time.Duration(n.LateBy)) + " late"
		}
	case baton.MsgReturned:
		v.Headline = fmt.Sprintf("Returned to you: the %s handoff of %s needs more before it can be taken.", typ, who)
		v.Subject = "Returned: " + who
		if len(n.Gaps) > 0 {
			v.Facts = append(v.Facts, "Gaps named: "+strings.Join(n.Gaps, "; ")+".")
		}
	case baton.MsgFixOver:
		v.Headline = fmt.Sprintf("Fix overdue: the returned %s handoff of %s was not fixed in time.", typ, who)
		v.Subject = "Fix overdue: " + who
		if len(n.Gaps) > 0 {
			v.Facts = append(v.Facts, "Gaps named: "+strings.Join(n.Gaps, "; ")+".")
		}
	case baton.MsgOutcome:
		v.Headline = fmt.Sprintf("Outcome overdue: record how the meeting with %s went.", who)
		v.Subject = "Outcome overdue: " + who
		if m := n.Meeting; m != nil && !m.StartsAt.IsZero() {
			v.Facts = append(v.Facts, "The meeting was "+When(m.StartsAt, now, loc)+".")
		}
	case baton.MsgPreCall:
		subject, body, _ := strings.Cut(n.Text, "\n")
		v.Subject, v.Headline, v.Body = subject, subject+".", strings.TrimSpace(body)
	case baton.MsgWeeklyReview:
		v.OpenLabel = "Open the dashboard"
		if rv := n.Review; rv != nil {
			v.Subject = fmt.Sprintf("Weekly missed-handoff review: %d of %d breached", rv.Breached, rv.Handoffs)
			v.Headline = fmt.Sprintf("Your missed-handoff review for %s to %s: %d of %d handoffs breached their SLA.",
				rv.From.In(loc).Format("Mon 2 Jan"), rv.To.In(loc).Add(-time.Second).Format("Mon 2 Jan"), rv.Breached, rv.Handoffs)
			v.Review = rv.Lines
		} else {
			v.Subject, v.Headline = "Weekly missed-handoff review", n.Text
		}
	case baton.MsgKTInvite, baton.MsgKTAgenda, baton.MsgKTUnaccepted, baton.MsgKTUnconfirmed,
		baton.MsgCSSent, baton.MsgCSCapacity, baton.MsgCSApproval, baton.MsgCSLate:
		v.csProtocol(n, orText(n.Lead.Company, who), now, loc)
	default:
		v.Subject, v.Headline = firstLine(n.Text), n.Text
		if who != "a lead" {
			v.Subject += " (" + who + ")"
		}
	}
	if v.Subject == "" {
		v.Subject = firstLine(n.Text)
	}
	return v
}

// agendaPart is one part of a knowledge-transfer meeting's agenda as an
// email lists it.
type agendaPart struct {
	Label   string
	Minutes int
	Points  []string
}

// csProtocol words the sales → customer success protocol's notices about
// the handoff of account: the knowledge-transfer meeting's invitation,
// agenda and escalations, and the handoff sent, escalated for capacity,
// awaiting approval or not sent in time. The routing's "why you" is left
// out: these go to people other than the owner; so is the Accept button,
// but on the handoff sent to its owner.
func (v *view) csProtocol(n baton.Notice, account string, now time.Time, loc *time.Location) {
	v.Why = ""
	if n.Kind != baton.MsgCSSent {
		// Its Accept would take the handoff, not what the message asks
		// (accept a meeting, reassign, approve).
		v.AcceptURL = ""
	}
	meeting := "the knowledge-transfer meeting for " + account
	var when string
	if kt := n.KT; kt != nil && !kt.StartsAt.IsZero() {
		when = When(kt.StartsAt, now, loc)
		if kt.DurationMinutes > 0 {
			when += fmt.Sprintf(", %d minutes", kt.DurationMinutes)
		}
	}
	short := func() string {
		if n.KT == nil || n.KT.StartsAt.IsZero() {
			return ""
		}
		return ", " + n.KT.StartsAt.In(loc).Format("Mon 2 Jan 15:04 MST")
	}
	reason := sentence(n.Reason)
	switch n.Kind {
	case baton.MsgKTInvite:
		v.Subject = "Invitation: knowledge-transfer meeting for " + account + short()
		v.Headline = "You are invited to " + meeting + "."
		if n.KT != nil && n.KT.Change == "confirmed" {
			v.Subject = "Confirmed: knowledge-transfer meeting for " + account + short()
			v.Headline = "The time of " + meeting + " is confirmed: please accept it."
		}
		if when != "" {
			v.Facts = append(v.Facts, "When: "+when+".")
		}
		if n.KT != nil && n.KT.Change == "hold" {
			v.Facts = append(v.Facts, "This is a calendar hold at the proposed time; it is confirmed after the close.")
		}
		if kt := n.KT; kt != nil && kt.Role != "" {
			need := "recommended"
			if kt.Required {
				need = "required"
			}
			v.Facts = append(v.Facts, fmt.Sprintf("You attend as the %s; your attendance is %s. Accept or decline the invitation on the handoff page.", kt.Role, need))
		}
	case baton.MsgKTAgenda:
		v.Subject = "Agenda: knowledge-transfer meeting for " + account + short()
		v.Headline = "The agenda of " + meeting + "."
		if when != "" {
			v.Facts = append(v.Facts, "When: "+when+".")
		}
		if kt := n.KT; kt != nil {
			if len(kt.RequiredPeople) > 0 {
				v.Facts = append(v.Facts, "Required: "+strings.Join(kt.RequiredPeople, ", ")+".")
			}
			if len(kt.Recommended) > 0 {
				v.Facts = append(v.Facts, "Recommended: "+strings.Join(kt.Recommended, ", ")+".")
			}
			for _, a := range kt.Agenda {
				v.Agenda = append(v.Agenda, agendaPart{Label: a.Label, Minutes: a.Minutes, Points: a.Points})
			}
		}
		v.Body = "Read the deal summary before the meeting; the checklist is completed during it."
		if len(v.Agenda) == 0 {
			v.Body = n.Text
		}
	case baton.MsgKTUnaccepted:
		who, state := "A required participant", "has not accepted"
		if kt := n.KT; kt != nil {
			if kt.Participant != "" {
				who = kt.Participant
			}
			if kt.Declined {
				state = "declined"
			}
		}
		v.Subject = "Escalation: " + firstWords(who) + " " + state + " the knowledge-transfer meeting for " + account
		v.Headline = "Escalation: " + who + ", whose attendance is required, " + state + " " + meeting + "."
		if when != "" {
			v.Facts = append(v.Facts, "When: "+when+".")
		}
		v.Facts = append(v.Facts, "Make sure they attend, or send someone in their place.")
	case baton.MsgKTUnconfirmed:
		v.Subject = "Confirm the knowledge-transfer meeting for " + account
		v.Headline = "Confirm " + meeting + "."
		if reason != "" {
			v.Facts = append(v.Facts, reason)
		}
		if when != "" {
			v.Facts = append(v.Facts, "Proposed: "+when+".")
		}
	case baton.MsgCSCapacity:
		v.Subject = "Capacity escalation: " + account
		v.Headline = "Capacity escalation: the customer success handoff of " + account + " has no CSM with room, so it came to you."
		if reason != "" {
			v.Facts = append(v.Facts, "Reason: "+reason)
		}
		v.Facts = append(v.Facts, "Decide whether the timeline can shift or resources can be added, then reassign the handoff to a CSM.")
	case baton.MsgCSApproval:
		v.Subject = "Approval needed: pre-close handoff of " + account
		v.Headline = "The pre-close handoff of " + account + ", a strategic account, waits for your approval before sales can send it to customer success."
	case baton.MsgCSSent:
		v.Subject = "Handed to customer success: " + account
		v.Headline = account + " is handed to customer success: its gates passed (contract, payment, deal summary)."
		if len(n.Risks) > 0 {
			v.Facts = append(v.Facts, "Risks flagged: "+strings.Join(n.Risks, "; ")+".")
		}
	case baton.MsgCSLate:
		v.Subject = "Not sent to customer success: " + account
		v.Headline = "The closed-won handoff of " + account + " was not sent to customer success in time."
		if reason != "" {
			v.Facts = append(v.Facts, "Reason: "+reason)
		}
	}
}

// sentence capitalises s and ends it with a full stop; "" stays "".
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// firstWords is a participant's name without their role: "Ana Ruiz
// (account executive)" is "Ana Ruiz".
func firstWords(s string) string {
	name, _, _ := strings.Cut(s, " (")
	return name
}

// slack builds the Slack message: the text fallback and the blocks.
func (v *view) slack() (string, []slack.Block) {
	esc := slack.Escape
	text := v.Subject
	if v.Deadline != "" {
		text += " — " + v.Deadline
	}
	var lines []string
	lines = append(lines, "*"+esc(v.Headline)+"*")
	if v.Lead != "" && !strings.Contains(v.Headline, v.Lead) {
		lines = append(lines, esc(v.Lead))
	}
	if v.Why != "" {
		lines = append(lines, "Why you: "+esc(v.Why))
	}
	for _, f := range v.Facts {
		lines = append(lines, esc(f))
	}
	if v.Body != "" {
		lines = append(lines, esc(v.Body))
	}
	for _, l := range v.Review {
		lines = append(lines, "• "+esc(l))
	}
	for i, a := range v.Agenda {
		line := fmt.Sprintf("%d. *%s* (%d min)", i+1, esc(a.Label), a.Minutes)
		if len(a.Points) > 0 {
			line += ": " + esc(strings.Join(a.Points, "; "))
		}
		lines = append(lines, line)
	}
	var fields []string
	if v.Type != "" {
		fields = append(fields, "*Type*\n"+esc(v.Type))
	}
	if v.Tier != "" {
		fields = append(fields, "*Tier*\n"+esc(v.Tier))
	}
	if v.Deadline != "" {
		fields = append(fields, "*Deadline*\n"+esc(v.DeadlineLine))
	}
	blocks := []slack.Block{slack.Section(strings.Join(lines, "\n"), fields...)}
	ctx := "Context complete"
	if v.Missing != "" {
		ctx = "Missing: " + esc(v.Missing)
	}
	if v.Review != nil || v.Type == "" {
		ctx = "Baton"
	}
	blocks = append(blocks, slack.Context(ctx))
	var buttons []slack.Button
	if v.AcceptURL != "" {
		buttons = append(buttons, slack.Button{Text: "Accept", URL: v.AcceptURL, ActionID: "accept", Primary: true})
	}
	if v.OpenURL != "" {
		buttons = append(buttons, slack.Button{Text: "Open", URL: v.OpenURL, ActionID: "open"})
	}
	if len(buttons) > 0 {
		blocks = append(blocks, slack.Actions(buttons...))
	}
	return text, blocks
}

// When shows t in loc for a reader at now: "14:05 CET (in 5 min)" today,
// "Thu 26 Nov 09:00 EST (in 4 days)" on another day.
func When(t, now time.Time, loc *time.Location) string {
	lt, ln := t.In(loc), now.In(loc)
	layout := "15:04 MST"
	if lt.Year() != ln.Year() || lt.YearDay() != ln.YearDay() {
		layout = "Mon 2 Jan 15:04 MST"
	}
	d := t.Sub(now)
	switch {
	case d >= time.Minute:
		return lt.Format(layout) + " (in " + Span(d) + ")"
	case d <= -time.Minute:
		return lt.Format(layout) + " (" + Span(-d) + " ago)"
	}
	return lt.Format(layout) + " (now)"
}

// Span says a duration the way a person would: "5 min", "3 h 20 min",
// "2 days".
func Span(d time.Duration) string {
	d = d.Round(time.Minute)
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < 90*time.Minute:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		h, m := int(d.Hours()), int(d.Minutes())%60
		if m == 0 {
			return fmt.Sprintf("%d h", h)
		}
		return fmt.Sprintf("%d h %d min", h, m)
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}

func location(zone string) *time.Location {
	if zone != "" {
		if l, err := time.LoadLocation(zone); err == nil {
			return l
		}
	}
	return time.UTC
}

func leadLine(l baton.NoticeLead) string {
	s := l.Name
	switch {
	case l.Title != "" && l.Company != "":
		s += ", " + l.Title + " at " + l.Company
	case l.Company != "":
		s += ", " + l.Company
	case l.Title != "":
		s += ", " + l.Title
	}
	return strings.TrimPrefix(s, ", ")
}

func firstName(name string) string {
	if f, _, ok := strings.Cut(strings.TrimSpace(name), " "); ok {
		return f
	}
	return strings.TrimSpace(name)
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

func orText(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
