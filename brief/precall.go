package brief

import (
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton/objection"
)

// MaxWords is the hard limit on a pre-call notification, counted as
// strings.Fields counts words over the whole text: about 90 seconds of
// reading.
const MaxWords = 250

// maxObjections is how many objection categories a notification names.
const maxObjections = 3

// Bounds on the pieces of a notification that come from a Brief or a
// Prediction, which PreCall does not trust to have been built by Build.
const (
	maxLineWords, maxLineRunes     = 40, 320
	maxReasonWords, maxReasonRunes = 20, 160
	maxLabelWords, maxLabelRunes   = 5, 40
)

// Notification is the pre-call message: what the owner reads 30 minutes
// before the meeting.
type Notification struct {
	// Subject is one line naming the prospect, the company and the time.
	Subject string `json:"subject"`
	// Text is the plain-text message, at most MaxWords words.
	Text string `json:"text"`
	// Words is the number of words in Text, as strings.Fields counts them.
	Words int `json:"words"`
}

// PreCall writes the pre-call notification for the meeting in in, from its
// brief b and the objection model's predictions, most likely first (only
// the first three are named). The message has the prospect's name, title
// and business; the meeting time in the prospect's zone and how far away it
// is; a one-paragraph situation summary; budget and timeline; the key
// qualifiers; the flags; and the likeliest objection categories, each with
// its one-line reason.
//
// It never exceeds MaxWords. To fit, it drops whole sentences from the end
// of the summary (never the first, which names the prospect and the
// business), then qualifiers from the end, then flags from the end, and
// then says the full brief is on the handoff page. The greeting, the budget
// and timeline line and the objections are never dropped.
func PreCall(in Input, b Brief, objections []objection.Prediction) Notification {
	p := precallParts(in, b, objections)
	if b.Kind == KindCustomer {
		p = customerParts(in, b)
	}
	var c cuts
	text := p.render(c)
	for len(strings.Fields(text)) > MaxWords {
		switch {
		case c.sentences < len(p.summary)-1:
			c.sentences++
		case c.qualifiers < len(p.qualifiers):
			c.qualifiers++
		case c.flags < len(p.flags):
			c.flags++
		default:
			// Unreachable with the bounds above; a last resort so that
			// the limit is a guarantee, not a hope.
			return Notification{Subject: subject(in), Text: truncateWords(text, MaxWords), Words: MaxWords}
		}
		text = p.render(c)
	}
	return Notification{Subject: subject(in), Text: text, Words: len(strings.Fields(text))}
}

// parts is a notification before trimming.
type parts struct {
	greeting   string
	summary    []piece // the first sentence is never dropped
	budget     string
	qualifiers []piece
	flags      []string
	objections []string
	// customer is a customer-side notification: no budget line and no
	// objections, the sections as key points and the risks to watch.
	customer bool
}

// piece is a line of the notification and the input fields it came from.
type piece struct {
	text string
	from []string
}

// cuts counts what was dropped from the end of each trimmable part.
type cuts struct{ sentences, qualifiers, flags int }

func precallParts(in Input, b Brief, preds []objection.Prediction) parts {
	var p parts
	p.greeting = greeting(in)

	first := who(in)
	if len(b.Situation) > 0 && line(b.Situation[0].Text) != "" {
		first = Sentence{Text: line(b.Situation[0].Text), From: b.Situation[0].From}
	}
	p.summary = append(p.summary, piece{first.Text, first.From})
	if len(b.Situation) > 1 {
		p.summary = append(p.summary, piece{line(b.Situation[1].Text), b.Situation[1].From})
	}
	switch obj := line(b.Objective.Text); obj {
	case "", NotGiven, "N/A":
		p.summary = append(p.summary, piece{"Objective: " + orNotGiven(obj) + ".", b.Objective.From})
	default:
		p.summary = append(p.summary, piece{endSentence(obj), b.Objective.From})
	}
	p.summary = append(p.summary, piece{painSentence(b.PainPoints), []string{"context.pain_points"}})
	for _, s := range b.Situation[min(2, len(b.Situation)):] {
		p.summary = append(p.summary, piece{line(s.Text), s.From})
	}

	p.budget = "Budget: " + endSentence(orNotGiven(line(b.Budget.Text))) +
		" Timeline: " + endSentence(orNotGiven(line(b.Timeline.Text)))
	for _, q := range b.Qualifiers {
		if t := line(q.Text); t != "" {
			p.qualifiers = append(p.qualifiers, piece{t, q.From})
		}
	}
	for _, f := range b.Flags {
		if t := line(f.Text); t != "" {
			p.flags = append(p.flags, t)
		}
	}
	for i, o := range preds[:min(maxObjections, len(preds))] {
		s := strconv.Itoa(i+1) + ". " + clean(o.Category.Label(), maxLabelWords, maxLabelRunes)
		if r := clean(o.Reason, maxReasonWords, maxReasonRunes); r != "" {
			s += ": " + r
		}
		p.objections = append(p.objections, endSentence(s))
	}
	return p
}

// render writes the notification with c's parts dropped.
func (p parts) render(c cuts) string {
	var w strings.Builder
	w.WriteString(p.greeting + "\n\n")
	summary := p.summary[:len(p.summary)-c.sentences]
	for i, s := range summary {
		if i > 0 {
			w.WriteByte(' ')
		}
		w.WriteString(s.text)
	}
	w.WriteString("\n")
	if p.budget != "" {
		w.WriteString("\n" + p.budget + "\n")
	}
	keys, watch := "Key qualifiers:", "Watch for:"
	if p.customer {
		keys, watch = "Key points:", "Risks to watch:"
	}
	if q := p.shownQualifiers(c); len(q) > 0 {
		w.WriteString("\n" + keys + "\n")
		for _, s := range q {
			w.WriteString("- " + s + "\n")
		}
	}
	if f := p.flags[:len(p.flags)-c.flags]; len(f) > 0 {
		w.WriteString("\n" + watch + "\n")
		for _, s := range f {
			w.WriteString("- " + s + "\n")
		}
	}
	if !p.customer {
		w.WriteString("\nLikely objections:")
		if len(p.objections) == 0 {
			w.WriteString(" none predicted.\n")
		} else {
			w.WriteString("\n" + strings.Join(p.objections, "\n") + "\n")
		}
	}
	if c != (cuts{}) {
		w.WriteString("\nShortened to fit; the full brief is on the handoff page.\n")
	}
	return w.String()
}

// shownQualifiers are the qualifiers c keeps, less those whose every source
// field the kept summary already covers ("today they use …" and "Current
// solution: …"), so the owner does not read the same fact twice.
func (p parts) shownQualifiers(c cuts) []string {
	covered := map[string]bool{}
	for _, s := range p.summary[:len(p.summary)-c.sentences] {
		for _, f := range s.from {
			covered[f] = true
		}
	}
	var out []string
	for _, q := range p.qualifiers[:len(p.qualifiers)-c.qualifiers] {
		dup := len(q.from) > 0
		for _, f := range q.from {
			dup = dup && covered[f]
		}
		if !dup {
			out = append(out, q.text)
		}
	}
	return out
}

// line is a brief's sentence bounded for the notification.
func line(s string) string { return clean(s, maxLineWords, maxLineRunes) }

// painSentence names up to three pain points.
func painSentence(ps []Sentence) string {
	var items []string
	for _, s := range ps {
		items = append(items, s.Text)
	}
	if len(items) == 0 {
		return "Pain points: " + NotGiven + "."
	}
	return endSentence("Pain points: " + itemList(items, 3))
}

// greeting is "Hi Sam, your call with Ana Ruiz starts in 30 minutes, at
// 10:30 PST on Tue 24 Nov (America/Los_Angeles, Ana's time)."
func greeting(in Input) string {
	hi := "Hi"
	if o := clean(in.Owner, 2, 30); o != "" {
		hi += " " + o
	}
	name := contactName(in)
	if name == "" {
		name = "your prospect"
	}
	if in.Meeting == nil || in.Meeting.StartsAt.IsZero() {
		return hi + ", here is your brief for " + name + "; no meeting time is recorded."
	}
	loc, from := zone(in)
	at := in.Meeting.StartsAt.In(loc)
	var whose string
	switch from {
	case "contact.time_zone":
		first := "their"
		if f := strings.Fields(clean(in.Contact.Name, 1, 30)); len(f) > 0 {
			first = strings.TrimSuffix(f[0], "…") + "'s"
		}
		whose = " (" + loc.String() + ", " + first + " time)"
	case "meeting.time_zone":
		whose = " (" + loc.String() + ", the meeting's zone)"
	default:
		whose = " (UTC; their zone is not recorded)"
	}
	return hi + ", your call with " + name + " " + relative(in.Meeting.StartsAt.Sub(in.Now)) +
		", at " + at.Format("15:04 MST on Mon 2 Jan") + whose + "."
}

// relative says when a call starts: "starts in 30 minutes", "starts now",
// "started 5 minutes ago".
func relative(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	switch {
	case m == 0:
		return "starts now"
	case m < 0:
		return "started " + span(-m) + " ago"
	}
	return "starts in " + span(m)
}

// span writes a number of minutes as "30 minutes", "1 hour 30 minutes" or
// "3 days".
func span(m int) string {
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return strconv.Itoa(n) + " " + unit + "s"
	}
	switch {
	case m < 60:
		return plural(m, "minute")
	case m < 48*60:
		s := plural(m/60, "hour")
		if m%60 != 0 {
			s += " " + plural(m%60, "minute")
		}
		return s
	}
	return plural(m/(24*60), "day")
}

// subject is "Pre-call brief: Ana Ruiz, Acme Robotics, 10:30 PST".
func subject(in Input) string {
	var parts []string
	for _, s := range []string{contactName(in), companyName(in)} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if in.Meeting != nil && !in.Meeting.StartsAt.IsZero() {
		loc, _ := zone(in)
		parts = append(parts, in.Meeting.StartsAt.In(loc).Format("15:04 MST"))
	}
	if len(parts) == 0 {
		return "Pre-call brief"
	}
	return "Pre-call brief: " + strings.Join(parts, ", ")
}

// truncateWords keeps the first n words of s and its line breaks.
func truncateWords(s string, n int) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		ws := strings.Fields(l)
		if len(ws) > n {
			ws = ws[:n]
		}
		n -= len(ws)
		out = append(out, strings.Join(ws, " "))
		if n == 0 {
			break
		}
	}
	return strings.Join(out, "\n")
}
