package service

import (
	"context"
	"fmt"
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
			continue
		}
		v, err := completeness.Normalize(f, sig.Fields[k])
		if err != nil {
			notes = append(notes, baton.Step{Step: "context", Subject: k, Result: "skipped", Reason: "signal field " + err.Error()})
			continue
		}
		if v != nil {
			h.Context[k] = v
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
// it. Unknown fields and bad values are EINVALID naming each field, and
// nothing is written.
func (s *Service) UpdateContext(ctx context.Context, p baton.Principal, id string, fields map[string]any) (*baton.Handoff, error) {
	if len(fields) == 0 {
		return nil, &baton.Error{Code: baton.EINVALID, Message: "no fields", Fields: []baton.FieldError{{Field: "fields", Message: "give at least one field"}}}
	}
	if len(fields) > 200 {
		return nil, &baton.Error{Code: baton.EINVALID, Message: "too many fields", Fields: []baton.FieldError{{Field: "fields", Message: "at most 200"}}}
	}
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
		if err := setContext(pb, ht, h, fields); err != nil {
			return err
		}
		now := s.clock.Now()
		h.UpdatedAt = now
		names := make([]string, 0, len(fields))
		for k := range fields {
			names = append(names, k)
		}
		sort.Strings(names)
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

// setContext validates and merges fields into h's context.
func setContext(pb *playbook.Playbook, ht *playbook.HandoffType, h *baton.Handoff, fields map[string]any) error {
	var v baton.Validation
	tmpl := pb.Fields(ht)
	norm := map[string]any{}
	for k, val := range fields {
		f, ok := completeness.Field(tmpl, k)
		if !ok {
			v.Add("fields."+k, "is not a field of the %s template", ht.Name)
			continue
		}
		n, err := completeness.Normalize(f, val)
		if err != nil {
			v.Add("fields."+k, "%v", err)
			continue
		}
		norm[k] = n
	}
	if err := v.Err(); err != nil {
		return err
	}
	if h.Context == nil {
		h.Context = map[string]any{}
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
