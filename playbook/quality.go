package playbook

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/batonhq/baton"
)

// Quality is the playbook's quality: key, the handoff quality score: a
// rubric per handoff type (categories of items, each worth points, 100 in
// all) and the bands a score falls in. Every field has a default; the key
// may be left out.
//
//	quality:
//	  bands:                  # highest first; the last starts at 0
//	    - {min: 90, label: Excellent}
//	    - {min: 80, label: Good}
//	    - {min: 70, label: Acceptable}
//	    - {min: 0, label: Substandard, remediation: true}
//	  rubrics:
//	    closed_won:
//	      - category: documentation
//	        points: 50        # optional: must equal its items' sum
//	        items:
//	          - {name: stakeholder_map, points: 10, measure: table, field: stakeholders, rows: 3}
//	          …
//
// A handoff type without a rubric gets DefaultRubric.
type Quality struct {
	Bands   []QualityBand         `yaml:"bands"`
	Rubrics map[string][]Category `yaml:"rubrics"`

	rubrics map[string][]Category // every type's, defaults included
}

// QualityBand is a range of scores: from Min (inclusive) up to the next
// band's Min.
type QualityBand struct {
	Min   int    `yaml:"min"`
	Label string `yaml:"label"`
	// Remediation marks the band whose handoffs need remediation (the
	// seed's "substandard"); reviews list them for the managers.
	Remediation bool `yaml:"remediation"`
}

// Category groups a rubric's items (documentation, meeting execution,
// timeliness).
type Category struct {
	Category string `yaml:"category"`
	Label    string `yaml:"label"`
	// Points is the category's worth; optional, and when given it must be
	// the sum of its items' points.
	Points int           `yaml:"points"`
	Items  []QualityItem `yaml:"items"`
}

// QualityItem is one line of a rubric: what it measures and its worth.
type QualityItem struct {
	Name   string `yaml:"name"`
	Label  string `yaml:"label"`
	Points int    `yaml:"points"`
	// Measure is what earns the points, one of Measures.
	Measure string `yaml:"measure"`
	// Fields are the context fields a "context" item reads; empty reads
	// every field of the type's context.
	Fields []string `yaml:"fields"`
	// Field is the table field a "table" item reads.
	Field string `yaml:"field"`
	// Rows is how many complete rows a "table" item wants for its full
	// points (default 1, at most 50): each complete row earns a share, a
	// row lacking required columns half a share.
	Rows int `yaml:"rows"`
	// Activity names the handoff type's activity an "activity" item reads.
	Activity string `yaml:"activity"`
	// Within is how long after the handoff was created the activity must
	// be done (default: the activity's own clock).
	Within baton.Duration `yaml:"within"`
}

// Quality measures: what an item reads.
const (
	// MeasureContext: the share of the item's context fields answered.
	MeasureContext = "context"
	// MeasureTable: complete rows of a table field, up to Rows.
	MeasureTable = "table"
	// MeasureKTAttendance: the share of the knowledge-transfer meeting's
	// required participants who attended.
	MeasureKTAttendance = "kt_attendance"
	// MeasureKTAgenda: the share of its agenda items covered.
	MeasureKTAgenda = "kt_agenda"
	// MeasureKTQuestions: customer success's questions answered.
	MeasureKTQuestions = "kt_questions"
	// MeasureMeetingHeld: the handoff's meeting held (with its agenda for
	// the full points; without one, half).
	MeasureMeetingHeld = "meeting_held"
	// MeasureAccepted: accepted within the accept clock.
	MeasureAccepted = "accepted_in_time"
	// MeasureTouched: the buyer touched within the first-touch clock.
	MeasureTouched = "touched_in_time"
	// MeasureWithinSLA: accepted and touched within their clocks and, if
	// returned or sent revisions, fixed by the fix-by deadline.
	MeasureWithinSLA = "within_sla"
	// MeasureActivity: the named activity done in time.
	MeasureActivity = "activity"
)

// Measures lists the valid measures.
var Measures = []string{MeasureContext, MeasureTable, MeasureKTAttendance, MeasureKTAgenda, MeasureKTQuestions,
	MeasureMeetingHeld, MeasureAccepted, MeasureTouched, MeasureWithinSLA, MeasureActivity}

// MaxQualityItems bounds a rubric's items.
const MaxQualityItems = 30

// DefaultBands are the seed's bands.
func DefaultBands() []QualityBand {
	return []QualityBand{
		{Min: 90, Label: "Excellent"},
		{Min: 80, Label: "Good"},
		{Min: 70, Label: "Acceptable"},
		{Min: 0, Label: "Substandard", Remediation: true},
	}
}

// Rubric returns the rubric of handoff type name: the playbook's, else
// DefaultRubric's; nil for an unknown type.
func (pb *Playbook) Rubric(name string) []Category {
	return pb.Quality.rubrics[name]
}

// Band returns the band score falls in.
func (pb *Playbook) Band(score int) QualityBand {
	for _, b := range pb.Quality.Bands {
		if score >= b.Min {
			return b
		}
	}
	return QualityBand{Label: "Unscored"}
}

// MeetingApplies reports whether a meeting is part of handoff type h: it
// is due before one (before_meeting) or triggered by a booking.
func MeetingApplies(h *HandoffType) bool {
	return h.BeforeMeeting > 0 || slices.Contains(h.Triggers, baton.SignalMeetingBooked)
}

// DefaultRubric is the rubric of a type the playbook gives none:
// documentation is its context complete; where a meeting applies, the
// meeting held with its agenda; timeliness is accepted and touched within
// their clocks.
//
//	with a meeting:    documentation 40, meeting 30, timeliness 30 (15 + 15)
//	without a meeting: documentation 50, timeliness 50 (25 + 25)
func DefaultRubric(h *HandoffType) []Category {
	doc, accept, touch := 50, 25, 25
	var meeting []Category
	if MeetingApplies(h) {
		doc, accept, touch = 40, 15, 15
		meeting = []Category{{Category: "meeting", Label: "Meeting execution", Points: 30, Items: []QualityItem{
			{Name: "meeting_held", Label: "Meeting held with its agenda", Points: 30, Measure: MeasureMeetingHeld},
		}}}
	}
	out := []Category{{Category: "documentation", Label: "Documentation", Points: doc, Items: []QualityItem{
		{Name: "context_complete", Label: "Required context complete", Points: doc, Measure: MeasureContext},
	}}}
	out = append(out, meeting...)
	return append(out, Category{Category: "timeliness", Label: "Timeliness", Points: accept + touch, Items: []QualityItem{
		{Name: "accepted_in_time", Label: "Accepted within its clock", Points: accept, Measure: MeasureAccepted},
		{Name: "touched_in_time", Label: "Touched within its clock", Points: touch, Measure: MeasureTouched},
	}})
}

// validateQuality fills the quality key's defaults and checks it: bands
// highest first ending at 0, every rubric about a known handoff type, its
// items named once, valid for the type and worth 100 points in all.
func (pb *Playbook) validateQuality(v *validator) {
	q := &pb.Quality
	if len(q.Bands) == 0 {
		q.Bands = DefaultBands()
	}
	for i, b := range q.Bands {
		p := fmt.Sprintf("quality.bands[%d]", i)
		switch {
		case b.Min < 0 || b.Min > 100:
			v.add(p+".min", "quality band %q: min must be between 0 and 100, got %d", b.Label, b.Min)
		case i > 0 && b.Min >= q.Bands[i-1].Min:
			v.add(p+".min", "quality band %q: bands go highest first: min %d is not below %d", b.Label, b.Min, q.Bands[i-1].Min)
		}
		if strings.TrimSpace(b.Label) == "" || len(b.Label) > baton.MaxShortText {
			v.add(p+".label", "quality band %d: label must be 1 to %d bytes", i+1, baton.MaxShortText)
		}
	}
	if last := q.Bands[len(q.Bands)-1]; last.Min != 0 {
		v.add(fmt.Sprintf("quality.bands[%d].min", len(q.Bands)-1), "the last quality band must start at 0 so every score has a band, got %d", last.Min)
	}
	q.rubrics = map[string][]Category{}
	names := make([]string, 0, len(q.Rubrics))
	for name := range q.Rubrics {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := "quality.rubrics." + name
		h := pb.HandoffType(name)
		if h == nil {
			v.add(p, "quality rubric for %q: no such handoff type (defined: %s)", name, strings.Join(pb.typeNames(), ", "))
			continue
		}
		pb.validateRubric(v, p, h, q.Rubrics[name])
		q.rubrics[name] = q.Rubrics[name]
	}
	for i := range pb.HandoffTypes {
		h := &pb.HandoffTypes[i]
		if _, ok := q.rubrics[h.Name]; !ok {
			q.rubrics[h.Name] = DefaultRubric(h)
		}
	}
}

func (pb *Playbook) typeNames() []string {
	out := make([]string, 0, len(pb.HandoffTypes))
	for _, h := range pb.HandoffTypes {
		out = append(out, h.Name)
	}
	return out
}

// validateRubric checks handoff type h's rubric at path p.
func (pb *Playbook) validateRubric(v *validator, p string, h *HandoffType, cats []Category) {
	if len(cats) == 0 {
		v.add(p, "quality rubric for %q: at least one category with items is required", h.Name)
		return
	}
	total, count := 0, 0
	seen, seenCat := map[string]bool{}, map[string]bool{}
	for i := range cats {
		c := &cats[i]
		cp := fmt.Sprintf("%s[%d]", p, i)
		if !baton.ValidName(c.Category) || seenCat[c.Category] {
			v.add(cp+".category", "quality rubric for %q: category name %q must be unique lowercase letters, digits and underscores", h.Name, c.Category)
		}
		seenCat[c.Category] = true
		if c.Label == "" {
			c.Label = humanName(c.Category)
		}
		if len(c.Items) == 0 {
			v.add(cp+".items", "quality rubric for %q: category %q has no items", h.Name, c.Category)
		}
		sum := 0
		for j := range c.Items {
			it := &c.Items[j]
			ip := fmt.Sprintf("%s.items[%d]", cp, j)
			if !baton.ValidName(it.Name) || seen[it.Name] {
				v.add(ip+".name", "quality rubric for %q: item name %q must be unique lowercase letters, digits and underscores", h.Name, it.Name)
			}
			seen[it.Name] = true
			if it.Label == "" {
				it.Label = humanName(it.Name)
			}
			if it.Points <= 0 || it.Points > 100 {
				v.add(ip+".points", "quality item %q: points must be between 1 and 100, got %d", it.Name, it.Points)
			}
			sum += it.Points
			count++
			pb.validateMeasure(v, ip, h, it)
		}
		if c.Points == 0 {
			c.Points = sum
		} else if c.Points != sum {
			v.add(cp+".points", "quality rubric for %q: category %q is worth %d points but its items add up to %d", h.Name, c.Category, c.Points, sum)
		}
		total += sum
	}
	if count > MaxQualityItems {
		v.add(p, "quality rubric for %q: at most %d items, got %d", h.Name, MaxQualityItems, count)
	}
	if total != 100 {
		v.add(p, "quality rubric for %q: items must add up to 100 points, got %d", h.Name, total)
	}
}

// validateMeasure checks what item it reads against handoff type h.
func (pb *Playbook) validateMeasure(v *validator, ip string, h *HandoffType, it *QualityItem) {
	fields := pb.fields[h.Name]
	field := func(name string) *Field {
		for i := range fields {
			if fields[i].Name == name {
				return &fields[i]
			}
		}
		return nil
	}
	switch it.Measure {
	case MeasureContext:
		for k, name := range it.Fields {
			if field(name) == nil {
				v.add(fmt.Sprintf("%s.fields[%d]", ip, k), "quality item %q: %q is not a context field of %s", it.Name, name, h.Name)
			}
		}
	case MeasureTable:
		if f := field(it.Field); f == nil || f.Type != FieldTable {
			v.add(ip+".field", "quality item %q: field must name a table field of %s's context, got %q", it.Name, h.Name, it.Field)
		}
		switch {
		case it.Rows == 0:
			it.Rows = 1
		case it.Rows < 0 || it.Rows > 50:
			v.add(ip+".rows", "quality item %q: rows must be between 1 and 50, got %d", it.Name, it.Rows)
		}
	case MeasureActivity:
		if !slices.ContainsFunc(h.Activities, func(a Activity) bool { return a.Name == it.Activity }) {
			v.add(ip+".activity", "quality item %q: activity must name one of %s's activities, got %q", it.Name, h.Name, it.Activity)
		}
		if it.Within < 0 || it.Within > baton.Duration(365*24*time.Hour) {
			v.add(ip+".within", "quality item %q: within must be between 0 and 365d", it.Name)
		}
	case MeasureKTAttendance, MeasureKTAgenda, MeasureKTQuestions, MeasureMeetingHeld, MeasureAccepted, MeasureTouched, MeasureWithinSLA:
	default:
		v.add(ip+".measure", "quality item %q: unknown measure %q (expected one of %s)", it.Name, it.Measure, strings.Join(Measures, ", "))
	}
	if it.Measure != MeasureContext && len(it.Fields) > 0 {
		v.add(ip+".fields", "quality item %q: only a context item takes fields", it.Name)
	}
	if it.Measure != MeasureTable && (it.Field != "" || it.Rows != 0) {
		v.add(ip+".field", "quality item %q: only a table item takes field and rows", it.Name)
	}
	if it.Measure != MeasureActivity && (it.Activity != "" || it.Within != 0) {
		v.add(ip+".activity", "quality item %q: only an activity item takes activity and within", it.Name)
	}
}

// humanName turns a name into a label: customer_introduction → Customer
// introduction.
func humanName(name string) string {
	s := strings.ReplaceAll(name, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
