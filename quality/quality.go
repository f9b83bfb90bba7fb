// Package quality scores a handoff against its type's rubric in the
// playbook (playbook.Quality): item by item, each with the points it earned
// and the reason, then the total and its band.
//
// Scoring is a pure function of what the handoff's log and rows say at a
// moment: its context, its events (breaches, fix_overdue, the
// knowledge-transfer meeting's kt_meeting_held checklist), its activities
// and its meeting. An item that can still be earned (a clock still
// running, a meeting not yet held on an open handoff) is pending: it earns
// nothing yet and makes the score provisional, never final.
//
// Limits: the timeliness items trust the clocks' own records (sla_breached
// and fix_overdue events) rather than recomputing business hours; a log
// written before breaches named their deadline counts an unnamed breach as
// the accept clock's.
package quality

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/completeness"
	"github.com/batonhq/baton/playbook"
)

// Item statuses.
const (
	Earned  = "earned"  // every point
	Partial = "partial" // some points
	Missed  = "missed"  // no points, and none can still come
	Pending = "pending" // nothing yet; it can still be earned
)

// RevisionsActivity names the activity a receiver's revision request gives
// the sender ("revisions", then "revisions_2", …): made late, or not at
// all, it costs the within-SLA item like a missed fix-by deadline.
const RevisionsActivity = "revisions"

// IsRevisions reports whether an activity name is a revision request's.
func IsRevisions(name string) bool {
	return name == RevisionsActivity || strings.HasPrefix(name, RevisionsActivity+"_")
}

// Input is what a score reads.
type Input struct {
	Handoff *baton.Handoff
	// Fields are the handoff type's context fields (Playbook.Fields).
	Fields []playbook.Field
	// Events is the handoff's log, in order.
	Events     []*baton.Event
	Activities []*baton.Activity
	// Meeting is the handoff's meeting; nil when it has none.
	Meeting *baton.Meeting
	// Names gives people's display names by user id for the reasons;
	// nil names nobody.
	Names func(id string) string
	// Now is when the score is taken.
	Now time.Time
}

// Item is one rubric item scored.
type Item struct {
	Name     string `json:"name"`
	Label    string `json:"label"`
	Category string `json:"category"`
	// Points is what the item is worth; Earned what it earned.
	Points int    `json:"points"`
	Earned int    `json:"earned"`
	Status string `json:"status"`
	// Reason says what earned or lost the points.
	Reason string `json:"reason"`
}

// CategoryScore is one category of the rubric scored.
type CategoryScore struct {
	Name   string `json:"name"`
	Label  string `json:"label"`
	Points int    `json:"points"`
	Earned int    `json:"earned"`
	Items  []Item `json:"items"`
}

// Score is a handoff's quality score and how it was reached.
type Score struct {
	HandoffID string `json:"handoff_id"`
	Type      string `json:"type"`
	// Score is 0-100: the sum of the items' earned points.
	Score int    `json:"score"`
	Band  string `json:"band"`
	// Remediation is true in the band that needs remediation.
	Remediation bool `json:"remediation"`
	// Final is false while an item is pending.
	Final      bool            `json:"final"`
	Categories []CategoryScore `json:"categories"`
	At         time.Time       `json:"at"`
}

// Lost returns the names of the items that lost points for good (missed
// or partial), in rubric order.
func (s *Score) Lost() []string {
	var out []string
	for _, c := range s.Categories {
		for _, it := range c.Items {
			if it.Status == Missed || it.Status == Partial {
				out = append(out, it.Name)
			}
		}
	}
	return out
}

// Pending counts the pending items.
func (s *Score) Pending() int {
	n := 0
	for _, c := range s.Categories {
		for _, it := range c.Items {
			if it.Status == Pending {
				n++
			}
		}
	}
	return n
}

// Compute scores in against rubric, and bands it with bands (highest
// first, as the playbook keeps them).
func Compute(rubric []playbook.Category, bands []playbook.QualityBand, in Input) Score {
	h := in.Handoff
	s := Score{HandoffID: h.ID, Type: h.Type, Final: true, At: in.Now}
	f := facts(in)
	for _, c := range rubric {
		cs := CategoryScore{Name: c.Category, Label: c.Label, Points: c.Points}
		for _, it := range c.Items {
			r := scoreItem(it, in, f)
			r.Name, r.Label, r.Category, r.Points = it.Name, it.Label, c.Category, it.Points
			cs.Earned += r.Earned
			cs.Items = append(cs.Items, r)
			if r.Status == Pending {
				s.Final = false
			}
		}
		s.Score += cs.Earned
		s.Categories = append(s.Categories, cs)
	}
	s.Score = min(max(s.Score, 0), 100)
	for _, b := range bands {
		if s.Score >= b.Min {
			s.Band, s.Remediation = b.Label, b.Remediation
			break
		}
	}
	return s
}

// logFacts is what the scoring reads from the log, once.
type logFacts struct {
	acceptBreach, touchBreach *time.Time
	fixOverdue                *time.Time
	kt                        *baton.KTHeldData
	rejections                int
}

func facts(in Input) logFacts {
	var f logFacts
	for _, e := range in.Events {
		at := e.At
		switch e.Kind {
		case baton.EventBreached:
			d, _ := baton.DecodeEventData[baton.BreachedData](e)
			if d.Step == "first touch" {
				if f.touchBreach == nil {
					f.touchBreach = &at
				}
			} else if f.acceptBreach == nil {
				f.acceptBreach = &at
			}
		case baton.EventFixOverdue:
			if f.fixOverdue == nil {
				f.fixOverdue = &at
			}
		case baton.EventRejected:
			f.rejections++
		case baton.EventKTHeld:
			if d, err := baton.DecodeEventData[baton.KTHeldData](e); err == nil {
				f.kt = &d // the latest counts
			}
		}
	}
	return f
}

// share turns a fraction of an item into earned points and a status.
func share(points int, frac float64) (int, string) {
	frac = min(max(frac, 0), 1)
	earned := int(math.Round(float64(points) * frac))
	switch {
	case frac >= 1:
		return points, Earned
	case earned <= 0 && frac <= 0:
		return 0, Missed
	}
	return earned, Partial
}

func scoreItem(it playbook.QualityItem, in Input, f logFacts) Item {
	switch it.Measure {
	case playbook.MeasureContext:
		return contextItem(it, in)
	case playbook.MeasureTable:
		return tableItem(it, in)
	case playbook.MeasureKTAttendance, playbook.MeasureKTAgenda, playbook.MeasureKTQuestions:
		return ktItem(it, in, f)
	case playbook.MeasureMeetingHeld:
		return meetingItem(it, in)
	case playbook.MeasureAccepted:
		return acceptedItem(it, in, f)
	case playbook.MeasureTouched:
		return touchedItem(it, in, f)
	case playbook.MeasureWithinSLA:
		return slaItem(it, in, f)
	case playbook.MeasureActivity:
		return activityItem(it, in)
	}
	return Item{Status: Missed, Reason: fmt.Sprintf("unknown measure %q", it.Measure)}
}

// open reports whether the handoff can still change: an open state.
func open(in Input) bool { return in.Handoff.State.Open() }

// missedOrPending is Missed on a closed handoff, Pending on an open one.
func missedOrPending(in Input) string {
	if open(in) {
		return Pending
	}
	return Missed
}

func contextItem(it playbook.QualityItem, in Input) Item {
	fields := in.Fields
	if len(it.Fields) > 0 {
		fields = nil
		for _, name := range it.Fields {
			if f, ok := completeness.Field(in.Fields, name); ok {
				fields = append(fields, f)
			}
		}
	}
	auto, _ := in.Handoff.Context["_auto"].(map[string]any)
	r := completeness.Score(fields, in.Handoff.Context, auto)
	if len(fields) == 0 {
		return Item{Earned: it.Points, Status: Earned, Reason: "no context is required"}
	}
	answered := len(fields) - len(r.Missing)
	var out Item
	out.Earned, out.Status = share(it.Points, float64(answered)/float64(len(fields)))
	out.Reason = fmt.Sprintf("%d of %d fields answered", answered, len(fields))
	if len(r.Missing) > 0 {
		labels := make([]string, len(r.Missing))
		for i, name := range r.Missing {
			labels[i] = name
			if f, ok := completeness.Field(fields, name); ok && f.Label != "" {
				labels[i] = f.Label
			}
		}
		out.Reason += "; missing: " + strings.Join(labels, "; ")
	}
	return out
}

func tableItem(it playbook.QualityItem, in Input) Item {
	f, ok := completeness.Field(in.Fields, it.Field)
	if !ok {
		return Item{Status: Missed, Reason: fmt.Sprintf("%s is not in this handoff's context", it.Field)}
	}
	v := completeness.Value(f, in.Handoff.Context)
	if s, ok := v.(string); ok && s == completeness.NA {
		return Item{Earned: it.Points, Status: Earned, Reason: f.Label + " marked N/A"}
	}
	rows, legacy := completeness.Rows(f, v)
	want := max(it.Rows, 1)
	complete, partial := 0, 0
	var lacking []string
	for _, r := range rows {
		if !legacy && completeness.RowComplete(f, r) {
			complete++
			continue
		}
		partial++
		for _, c := range f.Columns {
			if c.Required && !cellSet(r[c.Name]) && !slices.Contains(lacking, c.Label) {
				lacking = append(lacking, c.Label)
			}
		}
	}
	full := min(complete, want)
	half := min(partial, want-full)
	var out Item
	out.Earned, out.Status = share(it.Points, (float64(full)+0.5*float64(half))/float64(want))
	switch {
	case len(rows) == 0:
		out.Reason = fmt.Sprintf("%s is empty (%d complete %s wanted)", f.Label, want, plural(want, "row"))
	default:
		out.Reason = fmt.Sprintf("%d complete of %d %s (%d wanted)", complete, len(rows), plural(len(rows), "row"), want)
		if partial > 0 && half > 0 {
			out.Reason += fmt.Sprintf("; %d incomplete %s at half credit", half, plural(half, "row"))
		}
		if len(lacking) > 0 {
			out.Reason += "; lacking " + strings.Join(lacking, ", ")
		}
		if legacy {
			out.Reason += "; written as a list before the table"
		}
	}
	return out
}

func cellSet(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return strings.TrimSpace(x) != ""
	case map[string]any:
		n, _ := x["name"].(string)
		return strings.TrimSpace(n) != ""
	}
	return true
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func ktItem(it playbook.QualityItem, in Input, f logFacts) Item {
	kt := f.kt
	if kt == nil {
		st := missedOrPending(in)
		reason := "no knowledge-transfer meeting recorded"
		if st == Pending {
			reason += " yet"
		}
		return Item{Status: st, Reason: reason}
	}
	var out Item
	switch it.Measure {
	case playbook.MeasureKTAttendance:
		if len(kt.Required) == 0 {
			if len(kt.Attended) == 0 {
				return Item{Status: Missed, Reason: "nobody recorded as attending"}
			}
			return Item{Earned: it.Points, Status: Earned, Reason: fmt.Sprintf("%d attended; no required participants named", len(kt.Attended))}
		}
		var absent []string
		for _, id := range kt.Required {
			if !slices.Contains(kt.Attended, id) {
				absent = append(absent, name(in, id))
			}
		}
		n := len(kt.Required) - len(absent)
		out.Earned, out.Status = share(it.Points, float64(n)/float64(len(kt.Required)))
		out.Reason = fmt.Sprintf("%d of %d required participants attended", n, len(kt.Required))
		if len(absent) > 0 {
			out.Reason += "; absent: " + strings.Join(absent, ", ")
		}
	case playbook.MeasureKTAgenda:
		if kt.AgendaItems <= 0 {
			return Item{Status: Missed, Reason: "no agenda recorded"}
		}
		c := min(kt.AgendaCovered, kt.AgendaItems)
		out.Earned, out.Status = share(it.Points, float64(c)/float64(kt.AgendaItems))
		out.Reason = fmt.Sprintf("%d of %d agenda items covered", c, kt.AgendaItems)
	case playbook.MeasureKTQuestions:
		if kt.CSQuestionsAnswered {
			return Item{Earned: it.Points, Status: Earned, Reason: "customer success's questions answered"}
		}
		return Item{Status: Missed, Reason: "customer success's questions left unanswered"}
	}
	return out
}

func name(in Input, id string) string {
	if in.Names != nil {
		if n := in.Names(id); n != "" {
			return n
		}
	}
	return id
}

func meetingItem(it playbook.QualityItem, in Input) Item {
	m := in.Meeting
	if m == nil {
		st := missedOrPending(in)
		return Item{Status: st, Reason: "no meeting booked"}
	}
	switch m.Status {
	case baton.MeetingHeld:
		if strings.TrimSpace(m.Agenda) == "" {
			return Item{Earned: (it.Points + 1) / 2, Status: Partial, Reason: "held, without an agenda"}
		}
		return Item{Earned: it.Points, Status: Earned, Reason: "held, with its agenda"}
	case baton.MeetingNoShow:
		return Item{Status: missedOrPending(in), Reason: "the buyer did not show"}
	case baton.MeetingCancelled:
		return Item{Status: Missed, Reason: "the meeting was cancelled"}
	}
	if !open(in) {
		return Item{Status: Missed, Reason: "the meeting was never recorded as held"}
	}
	return Item{Status: Pending, Reason: "booked for " + m.StartsAt.UTC().Format("Mon 2 Jan 15:04 UTC")}
}

func acceptedItem(it playbook.QualityItem, in Input, f logFacts) Item {
	h := in.Handoff
	switch {
	case f.acceptBreach != nil:
		return Item{Status: Missed, Reason: "the accept deadline passed at " + stamp(*f.acceptBreach)}
	case !h.AcceptedAt.IsZero():
		return Item{Earned: it.Points, Status: Earned, Reason: "accepted " + since(h.AssignedAt, h.AcceptedAt) + "within its clock"}
	case open(in):
		return Item{Status: Pending, Reason: "waiting for acceptance" + dueBy(h.AcceptBy)}
	}
	return Item{Status: Missed, Reason: "closed without being accepted"}
}

func touchedItem(it playbook.QualityItem, in Input, f logFacts) Item {
	h := in.Handoff
	switch {
	case f.touchBreach != nil:
		return Item{Status: Missed, Reason: "the first-touch deadline passed at " + stamp(*f.touchBreach)}
	case !h.FirstTouchAt.IsZero():
		return Item{Earned: it.Points, Status: Earned, Reason: "touched " + since(h.AssignedAt, h.FirstTouchAt) + "within its clock"}
	case open(in):
		return Item{Status: Pending, Reason: "waiting for the first touch" + dueBy(h.FirstTouchBy)}
	}
	return Item{Status: Missed, Reason: "closed without a first touch"}
}

func slaItem(it playbook.QualityItem, in Input, f logFacts) Item {
	h := in.Handoff
	var missed []string
	if f.acceptBreach != nil {
		missed = append(missed, "accept deadline passed "+stamp(*f.acceptBreach))
	}
	if f.touchBreach != nil {
		missed = append(missed, "first-touch deadline passed "+stamp(*f.touchBreach))
	}
	if f.fixOverdue != nil {
		missed = append(missed, "gaps not fixed by the fix-by deadline ("+stamp(*f.fixOverdue)+")")
	}
	var revising *baton.Activity
	for _, a := range in.Activities {
		if !IsRevisions(a.Name) {
			continue
		}
		switch {
		case a.Status == baton.ActivityDone && a.DoneAt.After(a.DueAt):
			missed = append(missed, "revisions made "+span(a.DoneAt.Sub(a.DueAt))+" after their deadline")
		case a.Status == baton.ActivityOpen && !in.Now.Before(a.DueAt):
			missed = append(missed, "revisions not made by "+stamp(a.DueAt))
		case a.Status == baton.ActivityOpen:
			revising = a
		}
	}
	if len(missed) > 0 {
		return Item{Status: Missed, Reason: strings.Join(missed, "; ")}
	}
	switch {
	case revising != nil && open(in):
		return Item{Status: Pending, Reason: "revisions requested" + dueBy(revising.DueAt)}
	case !h.AcceptedAt.IsZero() && !h.FirstTouchAt.IsZero():
		r := "accepted and touched within their clocks"
		if f.rejections > 0 {
			r += fmt.Sprintf("; %d %s fixed in time", f.rejections, plural(f.rejections, "rejection"))
		}
		return Item{Earned: it.Points, Status: Earned, Reason: r}
	case !open(in):
		return Item{Status: Missed, Reason: "closed before it was accepted and touched"}
	case h.State == baton.StateReturned:
		return Item{Status: Pending, Reason: "returned to the sender" + dueBy(h.FixBy)}
	case h.AcceptedAt.IsZero():
		return Item{Status: Pending, Reason: "waiting for acceptance" + dueBy(h.AcceptBy)}
	}
	return Item{Status: Pending, Reason: "accepted; waiting for the first touch" + dueBy(h.FirstTouchBy)}
}

func activityItem(it playbook.QualityItem, in Input) Item {
	var a *baton.Activity
	for _, x := range in.Activities {
		if x.Name == it.Activity && x.Outcome == "" {
			a = x
		}
	}
	if a == nil {
		return Item{Status: missedOrPending(in), Reason: it.Activity + " not started"}
	}
	due, clock := a.DueAt, "its clock"
	if it.Within > 0 {
		due, clock = in.Handoff.CreatedAt.Add(time.Duration(it.Within)), within(time.Duration(it.Within))+" of the handoff"
	}
	switch {
	case a.Status == baton.ActivityDone && !a.DoneAt.After(due):
		return Item{Earned: it.Points, Status: Earned, Reason: fmt.Sprintf("done %s after the handoff, within %s", span(a.DoneAt.Sub(in.Handoff.CreatedAt)), clock)}
	case a.Status == baton.ActivityDone:
		return Item{Status: Missed, Reason: fmt.Sprintf("done %s after the handoff, later than %s", span(a.DoneAt.Sub(in.Handoff.CreatedAt)), clock)}
	case a.Status == baton.ActivityCancelled:
		return Item{Status: Missed, Reason: "cancelled before it was done"}
	case in.Now.Before(due) && open(in):
		return Item{Status: Pending, Reason: "not done yet" + dueBy(due)}
	}
	return Item{Status: Missed, Reason: "not done by " + stamp(due)}
}

// within writes a clock in hours under a week (48h, as the seed says it),
// else as span does.
func within(d time.Duration) string {
	if d < 7*24*time.Hour && d%time.Hour == 0 {
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return span(d)
}

func stamp(t time.Time) string { return t.UTC().Format("Mon 2 Jan 15:04 UTC") }

func dueBy(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return "; due by " + stamp(t)
}

// since says how long after from at was ("3h 10m after assignment, "),
// empty when from is unknown.
func since(from, at time.Time) string {
	if from.IsZero() || at.Before(from) {
		return ""
	}
	return span(at.Sub(from)) + " after assignment, "
}

// span writes a duration for people: 45m, 3h 10m, 2d 4h.
func span(d time.Duration) string {
	d = d.Round(time.Minute)
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 24*time.Hour:
		if m := int(d.Minutes()) % 60; m != 0 {
			return fmt.Sprintf("%dh %dm", int(d.Hours()), m)
		}
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	days, hours := int(d.Hours())/24, int(d.Hours())%24
	if hours != 0 {
		return fmt.Sprintf("%dd %dh", days, hours)
	}
	return fmt.Sprintf("%dd", days)
}
