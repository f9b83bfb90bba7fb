package playbook

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"regexp"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/batonhq/baton"
)

// Prospect is the playbook's prospect: key, how Baton writes to the people
// who book meetings: the confirmation with its invite, the reminders, the
// follow-up of a missed meeting. Every field has a default.
//
//	prospect:
//	  reminders: [24h, 1h]
//	  window: "08:00-20:00"
//	  from: "Acme <meetings@acme.example>"
//	  daily_cap: 100
//	  booking_url: https://acme.example/book
//	  unsubscribe: {url: https://acme.example/unsubscribe, mailto: unsubscribe@acme.example}
//	  templates:
//	    reminder: {subject: "...", text: "...", html: "..."}
type Prospect struct {
	// Reminders are the lead times of the reminders before a meeting
	// (default 24h and 1h; at most 5, each between 10m and 7d). A meeting
	// booked nearer than a lead time gets no reminder for it.
	Reminders []baton.Duration `yaml:"reminders"`
	// Window is the part of the prospect's local day, "HH:MM-HH:MM", in
	// which reminders are sent (default 08:00-20:00); see ReminderAt in
	// package prospect for how a reminder outside it moves.
	Window string `yaml:"window"`
	// From is the sending mailbox of prospect email, an address with an
	// optional name; empty uses the email channel's sender. The daily cap
	// counts per mailbox.
	From string `yaml:"from"`
	// DailyCap is how many prospect emails one mailbox hands to the relay
	// per UTC day (default 100); beyond it, messages wait for the next day.
	DailyCap int `yaml:"daily_cap"`
	// BookingURL is where a prospect who missed a meeting can book again;
	// empty asks them to reply instead.
	BookingURL string `yaml:"booking_url"`
	// Unsubscribe, when URL is set, adds List-Unsubscribe headers to
	// reminders and follow-ups (never to a confirmation or cancellation).
	// The contact's id is appended to URL as ?contact=ID.
	Unsubscribe ProspectUnsubscribe `yaml:"unsubscribe"`
	// Purposes say in one line what a meeting is for, keyed by meeting
	// type ("discovery", "demo", "technical_review"), then by handoff type
	// name, then "default"; the playbook's entries are added to the
	// defaults (DefaultPurposes).
	Purposes map[string]string `yaml:"purposes"`
	// Templates replace the default message templates by name
	// (ProspectTemplateNames); a template's fields left empty keep their
	// default.
	Templates map[string]ProspectTemplate `yaml:"templates"`

	windowFrom, windowTo time.Duration
	parsed               map[string]*ProspectMessageTemplate
}

// ProspectUnsubscribe is where prospects unsubscribe from reminders and
// follow-ups.
type ProspectUnsubscribe struct {
	// URL is an https link taking a one-click POST (RFC 8058).
	URL string `yaml:"url"`
	// Mailto is an optional address that unsubscribes by mail.
	Mailto string `yaml:"mailto"`
}

// ProspectTemplate is the source of one message: the subject and the text
// are text/template, the HTML is html/template, all executed with a
// ProspectData.
type ProspectTemplate struct {
	Subject string `yaml:"subject"`
	Text    string `yaml:"text"`
	HTML    string `yaml:"html"`
}

// ProspectMessageTemplate is a parsed ProspectTemplate.
type ProspectMessageTemplate struct {
	Subject *texttemplate.Template
	Text    *texttemplate.Template
	HTML    *htmltemplate.Template
}

// ProspectTemplateNames are the messages a playbook may change.
var ProspectTemplateNames = []string{"confirmation", "update", "cancellation", "reminder", "no_show"}

// ProspectData is what a prospect template sees. It holds nothing internal
// (no budget, competitors, scores, notes or brief): templates cannot leak
// what they are not given.
type ProspectData struct {
	// Name is the prospect's name, FirstName its first word ("there" when
	// unknown).
	Name, FirstName string
	// Company is the prospect's own company, as they gave it.
	Company string
	// When is the meeting's start in the prospect's zone
	// ("Tuesday 3 March 2026, 09:00"), Zone that zone named
	// ("Asia/Tokyo, JST"), Duration its length ("30 minutes").
	When, Zone, Duration string
	// Start is the meeting's start in the prospect's zone.
	Start time.Time
	// Agenda is the meeting's agenda; Purpose says in one line what the
	// meeting is for.
	Agenda, Purpose string
	// Owner is who the prospect meets; Attendees everyone on the team's
	// side, with titles.
	Owner     Person
	Attendees []Person
	// IntakeURL is the preparation form's link, when there is one.
	IntakeURL string
	// Lead says how long before the meeting a reminder goes ("in 24
	// hours"); empty in other messages.
	Lead string
	// BookingURL is where to book again (no-show), empty when not set.
	BookingURL string
	// Sequence is the invite's revision: 0 when first booked.
	Sequence int
}

// Person is a name with a title, for templates.
type Person struct {
	Name, Title, Email string
}

//go:embed prospect/*.tmpl
var prospectDefaults embed.FS

// DefaultPurposes are the purposes a playbook starts from.
var DefaultPurposes = map[string]string{
	"discovery":        "a first conversation to understand what you need and whether we can help",
	"demo":             "a demo shaped around what you told us you need",
	"technical_review": "a technical review of how it would fit with what you run today",
	"default":          "a conversation about what you are looking for and how we can help",
}

// ProspectPurpose says what a meeting of meetingType (free text, such as
// "Technical review") in a handoff of handoffType is for.
func (pb *Playbook) ProspectPurpose(meetingType, handoffType string) string {
	key := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(meetingType)), " ", "_")
	for _, k := range []string{key, handoffType, "default"} {
		if s, ok := pb.Prospect.Purposes[k]; ok && k != "" {
			return s
		}
		if s, ok := DefaultPurposes[k]; ok && k != "" {
			return s
		}
	}
	return DefaultPurposes["default"]
}

// ProspectTemplate returns the parsed template of a message name.
func (pb *Playbook) ProspectTemplate(name string) *ProspectMessageTemplate {
	if pb.Prospect.parsed == nil {
		pb.validateProspect(&validator{pos: map[string][2]int{}})
	}
	return pb.Prospect.parsed[name]
}

// ProspectWindow returns the sending window of the prospect's local day as
// offsets from midnight.
func (pb *Playbook) ProspectWindow() (from, to time.Duration) {
	return pb.Prospect.windowFrom, pb.Prospect.windowTo
}

var windowRE = regexp.MustCompile(`^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$`)

// sampleProspect is what templates are executed with at load, so a field
// that does not exist is reported then, not when a prospect books.
var sampleProspect = ProspectData{Name: "Ana Ruiz", FirstName: "Ana", Company: "Acme", When: "Tuesday 3 March 2026, 09:00",
	Zone: "Europe/Madrid, CET", Duration: "30 minutes", Start: time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), Agenda: "Discovery",
	Purpose: "a first conversation", Owner: Person{Name: "Ben", Title: "AE", Email: "ben@example.com"},
	Attendees: []Person{{Name: "Ben", Title: "AE"}}, IntakeURL: "https://example.com/intake/x", Lead: "in 24 hours",
	BookingURL: "https://example.com/book"}

// validateProspect fills the prospect key's defaults, checks it and parses
// its templates.
func (pb *Playbook) validateProspect(v *validator) {
	p := &pb.Prospect
	if p.Reminders == nil {
		p.Reminders = []baton.Duration{baton.Duration(24 * time.Hour), baton.Duration(time.Hour)}
	}
	if len(p.Reminders) > 5 {
		v.add("prospect.reminders", "at most 5 reminders")
	}
	for i, d := range p.Reminders {
		if d < baton.Duration(10*time.Minute) || d > baton.Duration(7*24*time.Hour) {
			v.add(fmt.Sprintf("prospect.reminders[%d]", i), "reminder lead time must be between 10m and 7d, got %s", d)
		}
	}
	if p.Window == "" {
		p.Window = "08:00-20:00"
	}
	if m := windowRE.FindStringSubmatch(p.Window); m == nil {
		v.add("prospect.window", `window must be "HH:MM-HH:MM", e.g. "08:00-20:00", got %q`, p.Window)
	} else {
		at := func(h, min string) time.Duration {
			hh, _ := strconv.Atoi(h)
			mm, _ := strconv.Atoi(min)
			return time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute
		}
		p.windowFrom, p.windowTo = at(m[1], m[2]), at(m[3], m[4])
		if p.windowTo > 24*time.Hour || p.windowTo-p.windowFrom < time.Hour {
			v.add("prospect.window", "window must span at least one hour within one day, got %q", p.Window)
		}
	}
	if p.From != "" && !validAddress(p.From) {
		v.add("prospect.from", "from must be an email address, optionally with a name: %q", p.From)
	}
	if p.DailyCap == 0 {
		p.DailyCap = 100
	} else if p.DailyCap < 0 || p.DailyCap > 1000000 {
		v.add("prospect.daily_cap", "daily_cap must be between 1 and 1000000")
	}
	if p.BookingURL != "" && !strings.HasPrefix(p.BookingURL, "https://") && !strings.HasPrefix(p.BookingURL, "http://") {
		v.add("prospect.booking_url", "booking_url must be an http(s) URL")
	}
	if u := p.Unsubscribe.URL; u != "" && (!strings.HasPrefix(u, "https://") || strings.ContainsAny(u, "<>, ?#")) {
		v.add("prospect.unsubscribe.url", "unsubscribe url must be an https URL without a query (RFC 8058)")
	}
	if p.Unsubscribe.Mailto != "" && !baton.ValidEmail(p.Unsubscribe.Mailto) {
		v.add("prospect.unsubscribe.mailto", "unsubscribe mailto must be a bare email address")
	}
	known := map[string]bool{}
	for _, n := range ProspectTemplateNames {
		known[n] = true
	}
	for name := range p.Templates {
		if !known[name] {
			v.add("prospect.templates."+name, "unknown prospect template %q (want one of %s)", name, strings.Join(ProspectTemplateNames, ", "))
		}
	}
	p.parsed = map[string]*ProspectMessageTemplate{}
	for _, name := range ProspectTemplateNames {
		src := p.Templates[name]
		def := defaultProspectTemplate(name)
		t := &ProspectMessageTemplate{}
		part := func(field, custom, fallback string) (string, string) {
			if custom != "" {
				return custom, "prospect.templates." + name + "." + field
			}
			return fallback, ""
		}
		body, path := part("subject", src.Subject, def.Subject)
		t.Subject = pb.parseText(v, name+".subject", body, path)
		body, path = part("text", src.Text, def.Text)
		t.Text = pb.parseText(v, name+".txt", body, path)
		body, path = part("html", src.HTML, def.HTML)
		t.HTML = pb.parseHTML(v, name+".html", body, path)
		p.parsed[name] = t
	}
}

// validAddress reports whether s is "addr" or "Name <addr>".
func validAddress(s string) bool {
	if i := strings.LastIndex(s, "<"); i >= 0 && strings.HasSuffix(s, ">") {
		s = s[i+1 : len(s)-1]
	}
	return baton.ValidEmail(strings.ToLower(strings.TrimSpace(s)))
}

// parseText parses and trial-runs a text template; path is where its
// source is in the playbook ("" for an embedded default).
func (pb *Playbook) parseText(v *validator, name, src, path string) *texttemplate.Template {
	t, err := texttemplate.New(name).Option("missingkey=error").Parse(src)
	if err == nil {
		err = t.Execute(&bytes.Buffer{}, sampleProspect)
	}
	if err != nil {
		pb.templateProblem(v, path, err)
		return texttemplate.Must(texttemplate.New(name).Parse(""))
	}
	return t
}

// parseHTML is parseText for html/template, which escapes every value.
func (pb *Playbook) parseHTML(v *validator, name, src, path string) *htmltemplate.Template {
	t, err := htmltemplate.New(name).Option("missingkey=error").Parse(src)
	if err == nil {
		err = t.Execute(&bytes.Buffer{}, sampleProspect)
	}
	if err != nil {
		pb.templateProblem(v, path, err)
		return htmltemplate.Must(htmltemplate.New(name).Parse(""))
	}
	return t
}

// templateLine finds the template's own line in its error message
// ("template: reminder.txt:3:5: ...").
var templateLine = regexp.MustCompile(`^(?:html/)?template: [^:]+:(\d+)`)

// templateProblem reports a template error at its line in the playbook
// file: the line of the value, plus the line within the template (a block
// scalar, "|", starts on the next line).
func (pb *Playbook) templateProblem(v *validator, path string, err error) {
	msg := strings.TrimPrefix(strings.TrimPrefix(err.Error(), "html/"), "template: ")
	if path == "" {
		v.add("prospect", "default template %s", msg)
		return
	}
	lc, ok := v.pos[path]
	if !ok {
		v.add(path, "template %s", msg)
		return
	}
	line, col := lc[0], lc[1]
	if m := templateLine.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		if isBlockScalar(pb.Source, line, col) {
			line, col = line+n, 1
		} else {
			line += n - 1
		}
	}
	v.problems = append(v.problems, Problem{File: v.file, Line: line, Column: col, Message: "template " + msg})
}

// isBlockScalar reports whether the value at line:col of src starts with a
// block indicator (| or >).
func isBlockScalar(src []byte, line, col int) bool {
	lines := bytes.Split(src, []byte("\n"))
	if line < 1 || line > len(lines) || col < 1 || col > len(lines[line-1]) {
		return false
	}
	c := lines[line-1][col-1]
	return c == '|' || c == '>'
}

// defaultProspectTemplate returns the embedded default of a message.
func defaultProspectTemplate(name string) ProspectTemplate {
	read := func(ext string) string {
		b, err := prospectDefaults.ReadFile("prospect/" + name + "." + ext)
		if err != nil {
			panic("playbook: missing default prospect template " + name + "." + ext) // caught by tests
		}
		return string(b)
	}
	return ProspectTemplate{Subject: strings.TrimSpace(read("subject.tmpl")), Text: read("txt.tmpl"), HTML: read("html.tmpl")}
}
