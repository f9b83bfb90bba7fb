package web

import (
	"cmp"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/completeness"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
)

// tableView is a table field of the context as the handoff page shows it:
// its rows, each with a form to edit it and one to remove it, and a form
// to add a row. They post to POST /handoffs/{id}/context/{field}/rows.
type tableView struct {
	Name, Label string
	Rows        []rowView
	Add         rowView
	// Legacy says the value is a list from before the field was a table:
	// each item shows as a row with its first column, and the first edit
	// turns the list into rows.
	Legacy bool
}

// rowView is one row of a table, or the row being added (Index -1).
type rowView struct {
	// Action is where the row's forms post; Field and Table name its table.
	Action, Field, Table string
	Index                int
	// Key is the row's index as text, or "new" for the row being added.
	Key string
	// Rev is the row's revision (service.RowRev), so an edit of a row
	// changed since is refused rather than applied to another.
	Rev string
	// Summary is the row's cells in one line.
	Summary string
	// Incomplete names the required columns not set.
	Incomplete string
	Cells      []cellView
	// Open keeps the row's form open: its post failed.
	Open  bool
	Alert string
}

// cellView is one column's input in a row's form.
type cellView struct {
	Name, Label string
	// Input is text, date, number, select (choice) or bool (a yes/no
	// select, so "not set" stays distinct from "no").
	Input    string
	Options  []string
	Value    string
	Required bool
	Help     string
	Error    string
}

// rowFailure is a row form whose post was refused: the table and row it
// was for, what was posted, and the errors by column.
type rowFailure struct {
	Field, Key string
	Alert      string
	Errs       map[string]string
	Posted     map[string][]string
}

// tableOf builds the view of table field f from its stored value v;
// failed, when it is for this table, puts back what was posted.
func tableOf(id string, f playbook.Field, v any, failed *rowFailure) *tableView {
	t := &tableView{Name: f.Name, Label: f.Label}
	action := "/handoffs/" + id + "/context/" + f.Name + "/rows"
	rows, legacy := completeness.Rows(f, v)
	t.Legacy = legacy
	for i, r := range rows {
		rv := rowView{Action: action, Field: f.Name, Table: f.Label, Index: i, Key: strconv.Itoa(i), Rev: service.RowRev(r), Cells: cellsOf(f, r)}
		var parts, missing []string
		for _, c := range rv.Cells {
			if c.Value != "" {
				parts = append(parts, c.Value)
			}
			if c.Required && c.Value == "" {
				missing = append(missing, c.Label)
			}
		}
		rv.Summary, rv.Incomplete = strings.Join(parts, " · "), strings.Join(missing, ", ")
		t.Rows = append(t.Rows, rv)
	}
	t.Add = rowView{Action: action, Field: f.Name, Table: f.Label, Index: -1, Key: "new", Cells: cellsOf(f, nil)}
	if failed == nil || failed.Field != f.Name {
		return t
	}
	target := &t.Add
	if i, err := strconv.Atoi(failed.Key); err == nil && i >= 0 && i < len(t.Rows) {
		target = &t.Rows[i]
	}
	target.Open, target.Alert = true, failed.Alert
	for j := range target.Cells {
		c := &target.Cells[j]
		c.Error = failed.Errs[c.Name]
		if got, ok := failed.Posted["c."+c.Name]; ok {
			c.Value = got[0]
		}
	}
	return t
}

// cellsOf returns a row's cells as its form shows them.
func cellsOf(f playbook.Field, row map[string]any) []cellView {
	out := make([]cellView, 0, len(f.Columns))
	for _, col := range f.Columns {
		c := cellView{Name: col.Name, Label: col.Label, Required: col.Required, Value: formValue(row[col.Name])}
		switch col.Type {
		case playbook.FieldDate:
			c.Input = "date"
		case playbook.FieldChoice:
			c.Input, c.Options = "select", col.Options
		case playbook.ColumnBool:
			c.Input, c.Options = "select", []string{"yes", "no"}
			switch row[col.Name] {
			case true:
				c.Value = "yes"
			case false:
				c.Value = "no"
			}
		case playbook.FieldNumber:
			c.Input = "number"
		case playbook.FieldPerson:
			c.Input, c.Help = "text", "Name, title"
		default:
			c.Input = "text"
		}
		out = append(out, c)
	}
	return out
}

// postRowForm adds, saves or removes one row of a table field:
// POST /handoffs/{id}/context/{field}/rows with op (add, save or remove),
// row (its index) and rev (its revision), and c.COLUMN for each cell.
func (s *Server) postRowForm(w http.ResponseWriter, r *http.Request, p baton.Principal) {
	id, field := r.PathValue("id"), r.PathValue("field")
	if err := s.readForm(w, r); err != nil {
		s.actionFailed(w, r, p, id, "context", err)
		return
	}
	f := r.PostForm
	e := service.RowEdit{Field: field, Op: f.Get("op"), Rev: f.Get("rev"), Cells: map[string]any{}}
	key := "new"
	if e.Op != service.RowAdd {
		n, err := strconv.Atoi(f.Get("row"))
		if err != nil {
			s.rowFailed(w, r, p, id, field, key, baton.Errorf(baton.EINVALID, "no row given"))
			return
		}
		e.Row, key = n, strconv.Itoa(n)
	}
	for k, vals := range f {
		if col, ok := strings.CutPrefix(k, "c."); ok && len(vals) > 0 {
			e.Cells[col] = vals[0]
		}
	}
	if _, err := s.svc.EditRow(r.Context(), p, id, e); err != nil {
		s.rowFailed(w, r, p, id, field, key, err)
		return
	}
	flash := map[string]string{service.RowAdd: "row_add", service.RowSave: "row_save", service.RowRemove: "row_drop"}[e.Op]
	s.redirectWithFlash(w, r, "/handoffs/"+id+"#t-"+field, cmp.Or(flash, "context"))
}

// rowFailed shows the handoff page again with a refused row form open, its
// values as posted and each cell's error at the cell. A missing handoff
// or a refusal shows the error page.
func (s *Server) rowFailed(w http.ResponseWriter, r *http.Request, p baton.Principal, id, field, key string, err error) {
	code := baton.ErrorCode(err)
	if code != baton.EINVALID && code != baton.ECONFLICT && code != baton.ENOTFOUND {
		s.pageError(w, r, p, err)
		return
	}
	fail := &rowFailure{Field: field, Key: key, Alert: baton.ErrorMessage(err), Errs: map[string]string{}, Posted: r.PostForm}
	var e *baton.Error
	if errors.As(err, &e) {
		var other []string
		for _, fe := range e.Fields {
			// fields.NAME[ROW].COLUMN names the cell; anything else goes
			// in the row's alert.
			if _, col, ok := strings.Cut(fe.Field, "]."); ok && fail.Errs[col] == "" {
				fail.Errs[col] = fe.Message
				continue
			}
			other = append(other, fe.Message)
		}
		if len(other) > 0 {
			fail.Alert += ": " + strings.Join(other, "; ")
		}
	}
	d, derr := s.handoffDataWith(r, p, id, fail)
	if derr != nil {
		s.pageError(w, r, p, derr)
		return
	}
	s.render(w, r, statuses[code], "handoff.html", d)
}
