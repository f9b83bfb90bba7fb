package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/completeness"
	"github.com/batonhq/baton/playbook"
)

// autoKey is where a handoff's context keeps the facts Baton fills in.
const autoKey = "_auto"

// autoFacts returns what Baton itself knows of a handoff, for the template
// fields marked auto.
func autoFacts(h *baton.Handoff, sig *baton.Signal, a *baton.Account, c *baton.Contact, m *baton.Meeting) map[string]any {
	f := map[string]any{"stage": h.Type}
	if c != nil {
		buyer := strings.TrimSpace(c.Name + ", " + c.Title)
		buyer = strings.Trim(buyer, ", ")
		if buyer == "" {
			buyer = c.Email
		}
		if a != nil {
			buyer += " at " + a.Name
		}
		f["buyer"] = buyer
		info := c.Email
		if c.Phone != "" {
			info += ", " + c.Phone
		}
		f["contact_info"] = info
	}
	if a != nil {
		f["account_status"] = a.Status
	}
	if sig != nil {
		if src := strings.Trim(sig.Source+" / "+sig.Campaign, " /"); src != "" {
			f["source"] = src
		}
		f["intent_signal"] = sig.Type
		if sig.Message != "" {
			f["problem"] = sig.Message
		}
	}
	if h.OwnerID != "" {
		f["owner_backup"] = h.OwnerID + " / " + h.BackupID
	}
	if !h.AcceptBy.IsZero() {
		f["sla_deadline"] = h.AcceptBy.Format(time.RFC3339)
	}
	if m != nil {
		f["meeting"] = m.StartsAt.Format(time.RFC3339) + " " + m.TimeZone
	}
	return f
}

// prefill fills a new handoff's context: the auto facts, and any signal
// field named like a template field (invalid values are left out and said
// in the trace).
func prefill(pb *playbook.Playbook, ht *playbook.HandoffType, h *baton.Handoff, sig *baton.Signal, facts map[string]any) []baton.Step {
	h.Context = map[string]any{autoKey: facts}
	var notes []baton.Step
	fields := pb.Fields(ht)
	names := make([]string, 0, len(sig.Fields))
	for k := range sig.Fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		f, ok := completeness.Field(fields, k)
		if !ok {
			// A field's former name feeds it, unless the signal has both.
			i := slices.IndexFunc(fields, func(f playbook.Field) bool { return f.Formerly == k })
			if i < 0 || sig.Fields[fields[i].Name] != nil {
				continue
			}
			f = fields[i]
		}
		v, err := completeness.Normalize(f, sig.Fields[k])
		if err != nil && f.Type == playbook.FieldTable {
			// A list carried from a handoff whose field of that name is a
			// list (the SDR's stakeholders) is kept as it was: it shows as
			// rows with the first column set until someone edits the table.
			if l, lerr := completeness.Normalize(playbook.Field{Type: playbook.FieldList}, sig.Fields[k]); lerr == nil {
				v, err = l, nil
			}
		}
		if err != nil {
			notes = append(notes, baton.Step{Step: "context", Subject: k, Result: "skipped", Reason: "signal field " + err.Error()})
			continue
		}
		if v != nil {
			h.Context[f.Name] = v
		}
	}
	return notes
}

// scoreOf returns a handoff's completeness against its type's template.
func scoreOf(pb *playbook.Playbook, h *baton.Handoff) completeness.Result {
	ht := pb.HandoffType(h.Type)
	if ht == nil {
		return completeness.Result{Score: 100, Missing: []string{}}
	}
	auto, _ := h.Context[autoKey].(map[string]any)
	return completeness.Score(pb.Fields(ht), h.Context, auto)
}

// UpdateContext sets context fields of a handoff, each validated by its
// type in the template; a null or blank value clears a field, "N/A" answers
// it. Unknown fields and bad values are EINVALID naming each field (a
// table's bad cells as fields.NAME[ROW].COLUMN, rows from 0), and nothing
// is written. A table is set whole: the list of its rows.
func (s *Service) UpdateContext(ctx context.Context, p baton.Principal, id string, fields map[string]any) (*baton.Handoff, error) {
	if len(fields) == 0 {
		return nil, &baton.Error{Code: baton.EINVALID, Message: "no fields", Fields: []baton.FieldError{{Field: "fields", Message: "give at least one field"}}}
	}
	if len(fields) > 200 {
		return nil, &baton.Error{Code: baton.EINVALID, Message: "too many fields", Fields: []baton.FieldError{{Field: "fields", Message: "at most 200"}}}
	}
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	return s.changeContext(ctx, p, id, names, func(pb *playbook.Playbook, ht *playbook.HandoffType, h *baton.Handoff) error {
		return setContext(pb, ht, h, fields)
	})
}

// changeContext runs change on handoff id's context in one transaction,
// once p may edit it and it is open, and records a context event naming
// the fields changed with the new completeness.
func (s *Service) changeContext(ctx context.Context, p baton.Principal, id string, names []string, change func(*playbook.Playbook, *playbook.HandoffType, *baton.Handoff) error) (*baton.Handoff, error) {
	pb := s.Playbook()
	var out *baton.Handoff
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		h, err := tx.Handoff(ctx, id)
		if err == nil {
			err = s.mayAct(ctx, tx, p, h, actEdit)
		}
		if err != nil {
			return err
		}
		if !h.State.Open() {
			return baton.Errorf(baton.ECONFLICT, "cannot change the context: handoff is %s", h.State)
		}
		ht := pb.HandoffType(h.Type)
		if ht == nil {
			return baton.Errorf(baton.ECONFLICT, "handoff type %s is no longer in the playbook", h.Type)
		}
		if err := change(pb, ht, h); err != nil {
			return err
		}
		now := s.clock.Now()
		h.UpdatedAt = now
		sc := scoreOf(pb, h)
		if err := appendEvent(ctx, tx, &baton.Event{HandoffID: h.ID, Kind: baton.EventContext, At: now, Actor: p.Actor(),
			OwnerID: h.OwnerID, Reason: fmt.Sprintf("updated %s (now %d%% complete)", strings.Join(names, ", "), sc.Score)},
			baton.ContextData{Fields: names, Completeness: sc.Score}); err != nil {
			return err
		}
		out = h
		return tx.UpdateHandoff(ctx, h)
	})
	return out, err
}

// Row edits of a table field (RowEdit.Op).
const (
	RowAdd    = "add"
	RowSave   = "save"
	RowRemove = "remove"
)

// RowEdit is one change to the rows of a table field of a handoff's
// context.
type RowEdit struct {
	Field string
	// Op is RowAdd (append Cells as a row), RowSave (replace row Row with
	// Cells) or RowRemove (drop row Row).
	Op string
	// Row is the row's index, from 0 (save and remove).
	Row int
	// Rev is the row's revision (RowRev) as the editor saw it; when the row
	// has changed since, the edit is refused (ECONFLICT) rather than
	// applied to another row. Empty skips the check.
	Rev string
	// Cells are the row's values by column name (add and save).
	Cells map[string]any
}

// RowRev is a short fingerprint of a stored table row, so an edit names
// the row its editor saw.
func RowRev(row map[string]any) string {
	b, _ := json.Marshal(row)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:6])
}

// EditRow adds, replaces or removes one row of a table field of handoff
// id's context, validated as UpdateContext validates the whole table
// (EINVALID naming fields.NAME[ROW].COLUMN), in one transaction. A list
// stored before the field was a table becomes rows first. ENOTFOUND for a
// row that does not exist, ECONFLICT for one changed since Rev.
func (s *Service) EditRow(ctx context.Context, p baton.Principal, id string, e RowEdit) (*baton.Handoff, error) {
	return s.changeContext(ctx, p, id, []string{e.Field}, func(pb *playbook.Playbook, ht *playbook.HandoffType, h *baton.Handoff) error {
		f, ok := completeness.Field(pb.Fields(ht), e.Field)
		if !ok || f.Type != playbook.FieldTable {
			return &baton.Error{Code: baton.EINVALID, Message: "no such table", Fields: []baton.FieldError{{Field: "fields." + e.Field, Message: fmt.Sprintf("is not a table field of the %s template", ht.Name)}}}
		}
		old, _ := completeness.Rows(f, completeness.Value(f, h.Context))
		rows := make([]any, 0, len(old)+1)
		for _, r := range old {
			rows = append(rows, r)
		}
		cells := make(map[string]any, len(e.Cells))
		for k, v := range e.Cells {
			cells[k] = v
		}
		switch e.Op {
		case RowAdd:
			if len(rows) >= completeness.MaxRows {
				return &baton.Error{Code: baton.EINVALID, Message: "table is full", Fields: []baton.FieldError{{Field: fmt.Sprintf("fields.%s[%d]", e.Field, len(rows)),
					Message: fmt.Sprintf("%s has %d rows, the most a table holds", e.Field, completeness.MaxRows)}}}
			}
			rows = append(rows, cells)
		case RowSave, RowRemove:
			if e.Row < 0 || e.Row >= len(old) {
				return baton.Errorf(baton.ENOTFOUND, "%s has no row %d", e.Field, e.Row+1)
			}
			if e.Rev != "" && RowRev(old[e.Row]) != e.Rev {
				return baton.Errorf(baton.ECONFLICT, "row %d of %s changed since you opened it; reload and try again", e.Row+1, e.Field)
			}
			if e.Op == RowSave {
				rows[e.Row] = cells
			} else {
				rows = slices.Delete(rows, e.Row, e.Row+1)
			}
		default:
			return baton.Errorf(baton.EINVALID, "unknown row edit %q (add, save or remove)", e.Op)
		}
		if e.Op != RowRemove && len(rowCells(cells)) == 0 {
			at := e.Row
			if e.Op == RowAdd {
				at = len(rows) - 1
			}
			return &baton.Error{Code: baton.EINVALID, Message: "the row is empty", Fields: []baton.FieldError{{Field: fmt.Sprintf("fields.%s[%d]", e.Field, at), Message: "fill in at least one column"}}}
		}
		return setContext(pb, ht, h, map[string]any{e.Field: rows})
	})
}

// rowCells returns the cells of a row that are not blank.
func rowCells(cells map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range cells {
		if s, ok := v.(string); ok && strings.TrimSpace(s) == "" {
			continue
		}
		if v != nil {
			out[k] = v
		}
	}
	return out
}

// setContext validates and merges fields into h's context.
func setContext(pb *playbook.Playbook, ht *playbook.HandoffType, h *baton.Handoff, fields map[string]any) error {
	var v baton.Validation
	tmpl := pb.Fields(ht)
	norm := map[string]any{}
	former := map[string]bool{} // old names of fields being set
	for k, val := range fields {
		f, ok := completeness.Field(tmpl, k)
		if !ok {
			v.Add("fields."+k, "is not a field of the %s template", ht.Name)
			continue
		}
		n, err := completeness.Normalize(f, val)
		var te completeness.TableError
		switch {
		case errors.As(err, &te):
			for _, c := range te {
				path := fmt.Sprintf("fields.%s[%d]", k, c.Row)
				if c.Column != "" {
					path += "." + c.Column
				}
				v.Add(path, "%s %s", k, c.Error())
			}
			continue
		case err != nil:
			v.Add("fields."+k, "%v", err)
			continue
		}
		norm[k] = n
		if f.Formerly != "" {
			former[f.Formerly] = true
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	if h.Context == nil {
		h.Context = map[string]any{}
	}
	for k := range former {
		if _, ok := completeness.Field(tmpl, k); !ok {
			delete(h.Context, k) // the field's value now lives under its new name
		}
	}
	for k, n := range norm {
		if n == nil {
			delete(h.Context, k)
		} else {
			h.Context[k] = n
		}
	}
	return nil
}

// gateError says what a gated handoff is missing.
func gateError(gate int, sc completeness.Result) error {
	e := &baton.Error{Code: baton.EINVALID, Message: fmt.Sprintf("context is %d%% complete; this handoff type needs %d%% to be submitted", sc.Score, gate)}
	for _, m := range sc.Missing {
		e.Fields = append(e.Fields, baton.FieldError{Field: "context." + m, Message: "is missing"})
	}
	return e
}

// returnForContext sends a new handoff whose context is below its type's
// gate back to the sender, as a rejection naming the missing fields: the
// receiver sees what is missing, and the accept clock starts only when the
// sender resubmits it complete enough.
func (s *Service) returnForContext(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, gate int, missing []string, score int, now time.Time) error {
	if err := tx.CancelTimers(ctx, h.ID, clockKinds...); err != nil {
		return err
	}
	fix := 24 * time.Hour
	if t := tierOf(pb, h); t != nil {
		fix = time.Duration(t.FixBy)
	}
	h.State, h.Gaps, h.FixBy, h.UpdatedAt = baton.StateReturned, missing, now.Add(fix), now
	reason := fmt.Sprintf("context is %d%% complete; %s needs %d%% before the receiver takes it", score, h.Type, gate)
	if err := appendEvent(ctx, tx, &baton.Event{HandoffID: h.ID, Kind: baton.EventRejected, At: now, Actor: baton.ActorSystem,
		FromState: baton.StateAssigned, ToState: baton.StateReturned, OwnerID: h.OwnerID, Reason: reason},
		baton.RejectedData{Gaps: missing, FixBy: h.FixBy, Completeness: &score}); err != nil {
		return err
	}
	if err := tx.InsertTimers(ctx, &baton.Timer{ID: newID(), HandoffID: h.ID, Kind: baton.TimerFixBreach, Generation: h.Generation, DueAt: h.FixBy}); err != nil {
		return err
	}
	if err := tx.UpdateHandoff(ctx, h); err != nil {
		return err
	}
	return s.notify(ctx, tx, h, baton.MsgReturned, h.SenderID, now,
		fmt.Sprintf("Complete the handoff before it goes to the receiver (%d%% of %d%%): missing %s.", score, gate, strings.Join(missing, ", ")))
}
