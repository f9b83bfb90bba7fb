package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/completeness"
	"github.com/batonhq/baton/objection"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/quality"
	"github.com/batonhq/baton/service"
)

// option is one choice of a select or a group of checkboxes.
type option struct {
	Value, Label string
}

// outcomeLabels name the outcomes for people.
var outcomeLabels = map[string]string{
	baton.OutcomeNoShow:        "No-show",
	baton.OutcomeInterested:    "Interested, not closed",
	baton.OutcomeNotInterested: "Not interested",
	baton.OutcomeProposal:      "Proposal requested",
	baton.OutcomeWon:           "Booked / won",
	baton.OutcomeDisqualified:  "Disqualified",
}

// ctxField is one context field of the handoff as its form shows it.
type ctxField struct {
	Name, Label string
	// Input is the control: text, textarea, date, url, number or select.
	Input   string
	Options []string
	Value   string
	Help    string
	Missing bool
	Error   string
	// Table is set for a table field, shown with its rows and their own
	// forms beside the context form (handoff_table.go).
	Table *tableView
}

// handoffData is what the handoff page shows. Form names the form whose
// post failed; Errs and Posted are that form's field errors and values.
type handoffData struct {
	page
	H        *service.HandoffView
	Brief    *service.BriefView
	Timeline []timelineRow
	Clocks   []pageClock
	// Can lists the actions shown: the commands the state allows, less the
	// ones that are not the viewer's.
	Can        map[string]bool
	Fields     []ctxField
	Missing    int
	Gaps       []option // the missing fields, for a rejection
	Outcomes   []option
	Objections []option
	People     []option // active users, for a reassignment
	ICS        string   // the meeting's calendar file
	// Sequence is what the outcome protocol will do next, soonest first.
	Sequence []seqStep
	Form     string
	Alert    string
	Errs     map[string]string
	Posted   map[string][]string

	// Quality is the handoff's quality score (quality.go); nil without a
	// rubric.
	Quality *quality.Score
	// KT is the sales → customer success protocol (ktmeeting.go); nil
	// for handoffs it does not govern.
	KT *ktSection
}

// Err returns the error of field in form, if that form's post failed.
func (d *handoffData) Err(form, field string) string {
	if d.Form != form {
		return ""
	}
	return d.Errs[field]
}

// Val returns what was posted for field in form, if that form's post failed.
func (d *handoffData) Val(form, field string) string {
	if d.Form != form || len(d.Posted[field]) == 0 {
		return ""
	}
	return d.Posted[field][0]
}

// Checked reports whether value was posted for field in form.
func (d *handoffData) Checked(form, field, value string) bool {
	return d.Form == form && slices.Contains(d.Posted[field], value)
}

// AlertFor returns the failed post's message when it belongs to form.
func (d *handoffData) AlertFor(form string) string {
	if d.Form != form {
		return ""
	}
	return d.Alert
}

func (s *Server) handoffPage(w http.ResponseWriter, r *http.Request, p baton.Principal) {
	d, err := s.handoffData(r, p, r.PathValue("id"))
	if err != nil {
		s.pageError(w, r, p, err)
		return
	}
	d.Flash = s.flash(w, r)
	s.render(w, r, http.StatusOK, "handoff.html", d)
}

// handoffData gathers the handoff page for p.
func (s *Server) handoffData(r *http.Request, p baton.Principal, id string) (*handoffData, error) {
	return s.handoffDataWith(r, p, id, nil)
}

// handoffDataWith gathers the handoff page for p, with a refused row form
// of a table field put back (nil for none).
func (s *Server) handoffDataWith(r *http.Request, p baton.Principal, id string, failed *rowFailure) (*handoffData, error) {
	ctx := r.Context()
	v, err := s.svc.HandoffFor(ctx, p, id)
	if err != nil {
		return nil, err
	}
	b, err := s.svc.BriefFor(ctx, p, v.ID)
	if err != nil {
		return nil, err
	}
	tl, err := timeline(ctx, v.Events, s.svc.Users)
	if err != nil {
		return nil, err
	}
	now := s.svc.Clock().Now()
	title := humanize(v.Type)
	if v.Account != nil {
		title = v.Account.Name + " · " + title
	}
	d := &handoffData{page: newPage(p, now, title, "inbox"), H: v, Brief: b, Timeline: tl, Clocks: s.pageClocks(v, now),
		Can: s.actionsFor(p, v)}
	d.Fields, d.Missing = s.contextFields(v, failed)
	for _, f := range d.Fields {
		if f.Missing {
			d.Gaps = append(d.Gaps, option{Value: f.Label, Label: f.Label})
		}
	}
	for _, o := range baton.Outcomes {
		d.Outcomes = append(d.Outcomes, option{Value: o, Label: outcomeLabels[o]})
	}
	for _, c := range objection.Categories() {
		d.Objections = append(d.Objections, option{Value: string(c), Label: c.Label()})
	}
	if d.Can["reassign"] {
		users, err := s.svc.Users(ctx)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if u.Active && u.ID != v.OwnerID {
				d.People = append(d.People, option{Value: u.ID, Label: u.Name + " (" + u.Team + ")"})
			}
		}
	}
	if v.Meeting != nil {
		d.ICS = "/meetings/" + v.Meeting.ID + ".ics"
	}
	d.Sequence = sequence(v, s.svc.Playbook())
	if d.Quality, err = s.handoffQuality(r, p, v.ID); err != nil {
		return nil, err
	}
	if d.KT, err = s.ktSectionFor(ctx, p, v, d.Loc); err != nil {
		return nil, err
	}
	return d, nil
}

// seqStep is one pending step of a handoff's follow-up sequence.
type seqStep struct {
	At   time.Time
	What string
}

// sequence lists the pending steps of v's outcome sequence: each open
// outcome task's reminder and deadline, and the rungs of the meeting's
// outcome clock, soonest first.
func sequence(v *service.HandoffView, pb *playbook.Playbook) []seqStep {
	tasks := map[string]*baton.Activity{}
	for _, a := range v.Activities {
		if a.Outcome != "" && a.Status == baton.ActivityOpen {
			tasks[a.ID] = a
		}
	}
	var ladder []playbook.LadderStep
	if t := pb.Tier(v.Tier); t != nil {
		ladder = t.OutcomeLadder
	}
	var out []seqStep
	for _, t := range v.Timers {
		switch a := tasks[t.Ref]; {
		case t.Kind == baton.TimerActivityRemind && a != nil:
			out = append(out, seqStep{t.DueAt, fmt.Sprintf("Reminder to %s: %s", who(v, a.OwnerID), a.Label)})
		case t.Kind == baton.TimerActivityDue && a != nil:
			out = append(out, seqStep{t.DueAt, fmt.Sprintf("%s due; if not done, the manager is alerted", a.Label)})
		case t.Kind == baton.TimerOutcomeDue:
			what := "Outcome overdue: the manager is alerted"
			if t.Step < len(ladder) {
				switch ladder[t.Step].Action {
				case playbook.ActionRemindOwner:
					what = "Reminder to " + who(v, v.OwnerID) + ": record the meeting's outcome"
				case playbook.ActionAlertOps:
					what = "Outcome overdue: the ops lead is alerted"
				}
			}
			out = append(out, seqStep{t.DueAt, what})
		}
	}
	slices.SortStableFunc(out, func(a, b seqStep) int { return a.At.Compare(b.At) })
	return out
}

// who names a user of the handoff for the sequence: the owner, else
// whoever else it is by name.
func who(v *service.HandoffView, id string) string {
	switch {
	case v.Owner != nil && v.Owner.ID == id:
		return "the owner (" + v.Owner.Name + ")"
	case v.Sender != nil && v.Sender.ID == id:
		return "the sender (" + v.Sender.Name + ")"
	case v.Backup != nil && v.Backup.ID == id:
		return "the backup (" + v.Backup.Name + ")"
	}
	return "the task's owner"
}

// actionsFor returns the actions the page offers p on v: what the state
// allows, for the people it concerns (owner and backup act on it, the
// sender resubmits it, managers do all). The service has the last word.
func (s *Server) actionsFor(p baton.Principal, v *service.HandoffView) map[string]bool {
	can := map[string]bool{}
	if !v.State.Open() {
		return can
	}
	manager := p.Can(baton.AccessManager)
	worker := manager || (p.UserID != "" && (p.UserID == v.OwnerID || p.UserID == v.BackupID))
	sender := manager || (p.UserID != "" && p.UserID == v.SenderID)
	paused := !v.PausedAt.IsZero()
	for _, c := range v.Allowed {
		switch c {
		case baton.CmdResubmit:
			can[string(c)] = sender && !paused
		case baton.CmdReassign, baton.CmdCancel:
			can[string(c)] = manager && (!paused || c == baton.CmdCancel)
		default:
			can[string(c)] = worker && !paused
		}
	}
	if ht := s.svc.Playbook().HandoffType(v.Type); ht != nil && ht.Approval {
		// An approval is decided, not accepted and completed by hand.
		can["decision"] = worker && !paused && v.State != baton.StateReturned
		delete(can, string(baton.CmdAccept))
		delete(can, string(baton.CmdTouch))
		delete(can, string(baton.CmdComplete))
		delete(can, string(baton.CmdReject))
	}
	can["pause"] = (worker || sender) && !paused
	can["resume"] = (worker || sender) && paused
	can["context"] = worker || sender
	can["activity"] = worker
	return can
}

// contextFields returns the handoff's template fields with their current
// values as a form shows them, and how many are missing.
func (s *Server) contextFields(v *service.HandoffView, failed *rowFailure) ([]ctxField, int) {
	pb := s.svc.Playbook()
	ht := pb.HandoffType(v.Type)
	if ht == nil {
		return nil, 0
	}
	auto, _ := v.Context["_auto"].(map[string]any)
	var out []ctxField
	missing := 0
	for _, f := range pb.Fields(ht) {
		c := ctxField{Name: f.Name, Label: f.Label, Value: formValue(v.Context[f.Name]), Missing: slices.Contains(v.Missing, f.Name)}
		if c.Label == "" {
			c.Label = humanize(f.Name)
		}
		if c.Missing {
			missing++
		}
		switch f.Type {
		case playbook.FieldTable:
			c.Input, c.Value, c.Table = "table", "", tableOf(v.ID, f, completeness.Value(f, v.Context), failed)
			c.Help = "Add a row for each; the table counts as filled in once a row has every column marked * set."
		case playbook.FieldMoneyRange:
			c.Input, c.Help = "text", "A range, like $50k-$100k."
		case playbook.FieldDate:
			c.Input = "date"
		case playbook.FieldChoice:
			c.Input, c.Options = "select", f.Options
		case playbook.FieldPerson:
			c.Input, c.Help = "text", "Name, title — like Ana Ruiz, VP Operations."
		case playbook.FieldList:
			c.Input, c.Help = "textarea", "One item a line."
		case playbook.FieldLink:
			c.Input, c.Help = "url", "An http or https link."
		case playbook.FieldNumber:
			c.Input = "number"
		default:
			c.Input = "textarea"
		}
		if f.Auto != "" {
			if a := formValue(auto[f.Auto]); a != "" && c.Value == "" {
				c.Help = strings.TrimSpace(c.Help + " Baton knows: " + a + " (fill in to override).")
			}
		}
		if c.Help == "" {
			c.Help = "“N/A” answers it when it does not apply."
		}
		out = append(out, c)
	}
	return out, missing
}

// formValue writes a stored context value as its field's form would take
// it back: a money range "$50k-$100k", a person "Name, Title", a list one
// item a line.
func formValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []string:
		return strings.Join(x, "\n")
	case []any:
		items := make([]string, 0, len(x))
		for _, it := range x {
			items = append(items, fmt.Sprint(it))
		}
		return strings.Join(items, "\n")
	}
	var m map[string]any
	if b, err := json.Marshal(v); err != nil || json.Unmarshal(b, &m) != nil {
		return fmt.Sprint(v)
	}
	if lo, ok := m["min"].(float64); ok {
		hi, _ := m["max"].(float64)
		cur, _ := m["currency"].(string)
		sym := map[string]string{"USD": "$", "EUR": "€", "GBP": "£"}[cur]
		if sym == "" {
			return cur + " " + amountText(lo) + "-" + amountText(hi)
		}
		return sym + amountText(lo) + "-" + sym + amountText(hi)
	}
	if name, ok := m["name"].(string); ok {
		if t, _ := m["title"].(string); t != "" {
			return name + ", " + t
		}
		return name
	}
	return fmt.Sprint(v)
}

// amountText writes 50000 as "50k" and 2000000 as "2m".
func amountText(n float64) string {
	switch {
	case n >= 1e6 && n == float64(int64(n/1e6))*1e6:
		return strconv.FormatFloat(n/1e6, 'f', -1, 64) + "m"
	case n >= 1e3 && n == float64(int64(n/1e3))*1e3:
		return strconv.FormatFloat(n/1e3, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(n, 'f', -1, 64)
}

// readForm parses a page's form post, bounded by MaxBody.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, s.MaxBody)
	if err := r.ParseForm(); err != nil {
		return baton.Errorf(baton.EINVALID, "could not read the form")
	}
	return nil
}

// pageCommands are the commands a page form may post.
var pageCommands = []baton.Command{baton.CmdAccept, baton.CmdTouch, baton.CmdReject, baton.CmdResubmit, baton.CmdReassign,
	baton.CmdOutcome, baton.CmdComplete, baton.CmdCancel, baton.CmdPause, baton.CmdResume}

// postCommandForm runs one command from a form: POST /handoffs/{id}/{command}.
func (s *Server) postCommandForm(w http.ResponseWriter, r *http.Request, p baton.Principal) {
	id, cmd := r.PathValue("id"), baton.Command(r.PathValue("command"))
	if !slices.Contains(pageCommands, cmd) {
		s.pageError(w, r, p, baton.Errorf(baton.ENOTFOUND, "no such action"))
		return
	}
	if err := s.readForm(w, r); err != nil {
		s.actionFailed(w, r, p, id, string(cmd), err)
		return
	}
	f := r.PostForm
	in := service.CommandInput{Note: strings.TrimSpace(f.Get("note")), Reason: strings.TrimSpace(f.Get("reason")),
		To: f.Get("to"), Outcome: f.Get("outcome"), Objections: f["objections"]}
	if cmd == baton.CmdReject {
		for _, g := range f["gaps"] {
			if g = strings.TrimSpace(g); g != "" {
				in.Gaps = append(in.Gaps, g)
			}
		}
		for _, g := range strings.FieldsFunc(f.Get("gaps_other"), func(r rune) bool { return r == '\n' || r == ';' }) {
			if g = strings.TrimSpace(g); g != "" {
				in.Gaps = append(in.Gaps, g)
			}
		}
	}
	rating, err := ratingFromForm(f)
	if err == nil {
		in.Rating, in.Missing, in.Comment = rating.Rating, rating.Missing, rating.Comment
		_, err = s.svc.Act(r.Context(), p, id, cmd, in)
	}
	if err != nil {
		s.actionFailed(w, r, p, id, string(cmd), err)
		return
	}
	s.redirectWithFlash(w, r, backTo(f.Get("back"), id), string(cmd))
}

// backTo is where a form returns after it worked: the local path it names,
// else the handoff's page.
func backTo(back, id string) string {
	if back == "" {
		return "/handoffs/" + id
	}
	return localPath(back)
}

// postContextForm saves the context fields a person changed:
// POST /handoffs/{id}/context. Only fields whose text differs from what
// the form showed are sent, so a value the form cannot show in full (a
// person's email) is not lost by saving another field.
func (s *Server) postContextForm(w http.ResponseWriter, r *http.Request, p baton.Principal) {
	id := r.PathValue("id")
	if err := s.readForm(w, r); err != nil {
		s.actionFailed(w, r, p, id, "context", err)
		return
	}
	v, err := s.svc.HandoffFor(r.Context(), p, id)
	if err != nil {
		s.pageError(w, r, p, err)
		return
	}
	fields, _ := s.contextFields(v, nil)
	changed := map[string]any{}
	for _, f := range fields {
		got, ok := r.PostForm["ctx."+f.Name]
		if !ok || f.Table != nil { // a table's rows have their own forms
			continue
		}
		if nl(strings.TrimSpace(got[0])) != nl(strings.TrimSpace(f.Value)) {
			changed[f.Name] = got[0]
		}
	}
	if len(changed) == 0 {
		s.redirectWithFlash(w, r, "/handoffs/"+id+"#context", "same")
		return
	}
	if _, err := s.svc.UpdateContext(r.Context(), p, id, changed); err != nil {
		s.actionFailed(w, r, p, id, "context", err)
		return
	}
	s.redirectWithFlash(w, r, "/handoffs/"+id+"#context", "context")
}

// nl makes line ends one kind, as browsers send \r\n from a textarea.
func nl(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

// postActivityForm marks an activity done:
// POST /handoffs/{id}/activities/{name}/complete.
func (s *Server) postActivityForm(w http.ResponseWriter, r *http.Request, p baton.Principal) {
	id := r.PathValue("id")
	if err := s.readForm(w, r); err != nil {
		s.actionFailed(w, r, p, id, "activity", err)
		return
	}
	if _, err := s.svc.CompleteActivity(r.Context(), p, id, r.PathValue("name"), strings.TrimSpace(r.PostForm.Get("note"))); err != nil {
		s.actionFailed(w, r, p, id, "activity", err)
		return
	}
	s.redirectWithFlash(w, r, "/handoffs/"+id+"#activities", "activity")
}

// actionFailed answers a form post the service refused. A missing handoff
// or a refusal shows the error page; bad input (422) or a state that does
// not allow it (409) shows the handoff page again with the message at the
// form and each field's error at the field.
func (s *Server) actionFailed(w http.ResponseWriter, r *http.Request, p baton.Principal, id, form string, err error) {
	code := baton.ErrorCode(err)
	if code != baton.EINVALID && code != baton.ECONFLICT {
		s.pageError(w, r, p, err)
		return
	}
	d, derr := s.handoffData(r, p, id)
	if derr != nil {
		s.pageError(w, r, p, derr)
		return
	}
	d.Form, d.Alert, d.Errs, d.Posted = form, baton.ErrorMessage(err), map[string]string{}, r.PostForm
	var e *baton.Error
	if errors.As(err, &e) {
		for _, fe := range e.Fields {
			name := fe.Field
			if i := strings.IndexByte(name, '['); i > 0 {
				name = name[:i] // gaps[2] → gaps
			}
			if strings.HasPrefix(name, "context.") { // a gate names missing context
				name = "fields." + strings.TrimPrefix(name, "context.")
			}
			if d.Errs[name] == "" {
				d.Errs[name] = fe.Message
			}
		}
	}
	if form == "context" {
		for i := range d.Fields {
			f := &d.Fields[i]
			f.Error = d.Errs["fields."+f.Name]
			if got, ok := r.PostForm["ctx."+f.Name]; ok {
				f.Value = got[0]
			}
		}
	}
	status := statuses[code]
	s.render(w, r, status, "handoff.html", d)
}

// meetingFile serves a meeting's calendar file to a signed-in person:
// GET /meetings/{id}.ics.
func (s *Server) meetingFile(w http.ResponseWriter, r *http.Request, p baton.Principal) {
	id, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok {
		s.pageError(w, r, p, baton.Errorf(baton.ENOTFOUND, "no such file"))
		return
	}
	b, err := s.svc.MeetingICS(r.Context(), p, id)
	if err != nil {
		s.pageError(w, r, p, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8; method=REQUEST")
	w.Header().Set("Content-Disposition", `attachment; filename="meeting-`+id+`.ics"`)
	w.Write(b)
}
