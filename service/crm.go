package service

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/brief"
	"github.com/batonhq/baton/crm"
)

// CRMConfig says which CRMs Baton writes back to, and what (see package
// crm). The zero value writes nothing.
type CRMConfig struct {
	// Connectors are the configured connectors' names (crm.HubSpot,
	// crm.Salesforce).
	Connectors []string
	// Actions are what is written (crm.ActionOwner, ActionNote, ActionTask,
	// ActionLink).
	Actions []string
}

// SetCRM sets the CRM write-back, as configured at start.
func (s *Service) SetCRM(c CRMConfig) {
	c.Connectors, c.Actions = slices.Clone(c.Connectors), slices.Clone(c.Actions)
	s.crm.Store(&c)
}

// crmConfig is the write-back in force; nil when nothing is written.
func (s *Service) crmConfig() *CRMConfig {
	c := s.crm.Load()
	if c == nil || len(c.Connectors) == 0 || len(c.Actions) == 0 {
		return nil
	}
	return c
}

// crmParkFor is how long a message to a broken connector waits before it
// is looked at again; marking the connector fixed makes it due at once.
const crmParkFor = time.Hour

// crmRecord is the CRM record h's signal names, when write-back is on.
func (s *Service) crmRecord(ctx context.Context, tx baton.Tx, h *baton.Handoff) (*CRMConfig, crm.Record, bool, error) {
	cfg := s.crmConfig()
	if cfg == nil || h.SignalID == "" {
		return nil, crm.Record{}, false, nil
	}
	sig, err := tx.Signal(ctx, h.SignalID)
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return nil, crm.Record{}, false, nil
	} else if err != nil {
		return nil, crm.Record{}, false, fmt.Errorf("service: crm: signal of %s: %w", h.ID, err)
	}
	r, ok := crm.RecordOf(sig.Source, sig.Fields, cfg.Connectors)
	return cfg, r, ok, nil
}

// enqueueCRM queues one write-back message.
func (s *Service) enqueueCRM(ctx context.Context, tx baton.Tx, h *baton.Handoff, p *crm.Payload, now time.Time) error {
	p.HandoffID = h.ID
	if err := p.Validate(); err != nil {
		return fmt.Errorf("service: crm %s for %s: %w", p.Action, h.ID, err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("service: crm %s for %s: %w", p.Action, h.ID, err)
	}
	return tx.EnqueueMessage(ctx, &baton.Message{ID: newID(), HandoffID: h.ID, Kind: crm.Kind(p.Action), Channel: crm.Channel(p.Record.CRM),
		Payload: b, CreatedAt: now})
}

// crmOwner is the CRM owner of a Baton user, nil when unknown or without
// an email.
func (s *Service) crmOwner(ctx context.Context, tx baton.Tx, userID string) (*crm.Owner, error) {
	if userID == "" {
		return nil, nil
	}
	r, err := s.users(ctx, tx)
	if err != nil {
		return nil, err
	}
	u := r.User(userID)
	if u == nil || u.Email == "" {
		return nil, nil
	}
	return &crm.Owner{Email: u.Email, Name: u.Name}, nil
}

// crmAssigned queues the write-back of an assignment: the owner, and on
// the first assignment the handoff's link and its brief as a note.
func (s *Service) crmAssigned(ctx context.Context, tx baton.Tx, h *baton.Handoff, now time.Time) error {
	cfg, rec, ok, err := s.crmRecord(ctx, tx, h)
	if err != nil || !ok {
		return err
	}
	first := h.Generation <= 1
	owner, err := s.crmOwner(ctx, tx, h.OwnerID)
	if err != nil {
		return err
	}
	for _, a := range crm.Actions {
		if !slices.Contains(cfg.Actions, a) {
			continue
		}
		p := &crm.Payload{Action: a, Record: rec}
		switch {
		case a == crm.ActionOwner && owner != nil:
			p.Owner = owner
		case a == crm.ActionLink && first:
			p.Link = s.PublicURL() + "/handoffs/" + h.ID
		case a == crm.ActionNote && first:
			in, err := s.briefInput(ctx, tx, h)
			if err != nil {
				return err
			}
			p.Note = &crm.Note{Title: "Baton brief: " + h.Type + " handoff", At: now, Owner: owner,
				Body: brief.Build(in).Text() + "\nHandoff in Baton: " + s.PublicURL() + "/handoffs/" + h.ID + "\n"}
		default:
			continue
		}
		if err := s.enqueueCRM(ctx, tx, h, p, now); err != nil {
			return err
		}
	}
	return nil
}

// crmOutcome queues the write-back of an outcome: a task with the outcome
// and the next step, due when the first follow-up task is due (assigned
// to its owner), or logged as done when the outcome starts no follow-up.
func (s *Service) crmOutcome(ctx context.Context, tx baton.Tx, h *baton.Handoff, d baton.OutcomeData, now time.Time) error {
	cfg, rec, ok, err := s.crmRecord(ctx, tx, h)
	if err != nil || !ok || !slices.Contains(cfg.Actions, crm.ActionTask) {
		return err
	}
	outcome := strings.ReplaceAll(d.Outcome, "_", " ")
	var tasks []*baton.Activity
	if len(d.Tasks) > 0 {
		all, err := tx.Activities(ctx, h.ID)
		if err != nil {
			return err
		}
		for _, a := range all {
			if slices.Contains(d.Tasks, a.Name) && a.Outcome == d.Outcome && a.Status == baton.ActivityOpen {
				tasks = append(tasks, a)
			}
		}
		slices.SortStableFunc(tasks, func(a, b *baton.Activity) int { return a.DueAt.Compare(b.DueAt) })
	}
	var body strings.Builder
	fmt.Fprintf(&body, "Outcome recorded in Baton: %s.\n", outcome)
	if len(d.Objections) > 0 {
		fmt.Fprintf(&body, "Objections raised: %s.\n", strings.Join(d.Objections, ", "))
	}
	t := &crm.Task{Subject: "Outcome: " + outcome, Due: now, Done: true}
	if len(tasks) > 0 {
		first := tasks[0]
		t.Subject, t.Due, t.Done = fmt.Sprintf("Next step: %s (outcome: %s)", taskLabel(first), outcome), first.DueAt, false
		if t.Owner, err = s.crmOwner(ctx, tx, first.OwnerID); err != nil {
			return err
		}
		body.WriteString("Next steps:\n")
		for _, a := range tasks {
			fmt.Fprintf(&body, "- %s, due %s\n", taskLabel(a), a.DueAt.UTC().Format("Mon 2 Jan 2006 15:04 MST"))
		}
	} else if t.Owner, err = s.crmOwner(ctx, tx, h.OwnerID); err != nil {
		return err
	}
	if d.Next != "" {
		fmt.Fprintf(&body, "Next handoff: %s/handoffs/%s\n", s.PublicURL(), d.Next)
	}
	fmt.Fprintf(&body, "Handoff in Baton: %s/handoffs/%s\n", s.PublicURL(), h.ID)
	t.Body = body.String()
	return s.enqueueCRM(ctx, tx, h, &crm.Payload{Action: crm.ActionTask, Record: rec, Task: t}, now)
}

// taskLabel is an activity's label, else its name in words.
func taskLabel(a *baton.Activity) string {
	if a.Label != "" {
		return a.Label
	}
	return strings.ReplaceAll(a.Name, "_", " ")
}

// holdCRM runs in the claim's transaction: it removes from a claimed batch
// the messages to a broken CRM connector, which wait (no attempt counted)
// until an admin marks the connector fixed.
func (s *Service) holdCRM(ctx context.Context, tx baton.Tx, msgs []*baton.Message, now time.Time) ([]*baton.Message, error) {
	broken := map[string]*baton.CRMConnector{}
	out := msgs[:0]
	for _, m := range msgs {
		name, ok := crm.ConnectorOf(m.Channel)
		if !ok {
			out = append(out, m)
			continue
		}
		c, seen := broken[name]
		if !seen {
			got, err := tx.CRMConnector(ctx, name)
			switch {
			case baton.ErrorCode(err) == baton.ENOTFOUND:
			case err != nil:
				return nil, err
			case got.Broken:
				c = got
			}
			broken[name] = c
		}
		if c == nil {
			out = append(out, m)
			continue
		}
		m.NextAt = now.Add(crmParkFor)
		m.LastError = fmt.Sprintf("waiting: the %s connector is broken since %s (%s); fix it and mark it fixed on Admin → CRM",
			name, c.BrokenAt.UTC().Format(time.RFC3339), c.Reason)
		if err := tx.SettleMessage(ctx, m); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CRMBroken reports whether a CRM connector is marked broken (crm.Ledger).
func (s *Service) CRMBroken(ctx context.Context, name string) (bool, error) {
	var broken bool
	err := s.store.View(ctx, func(tx baton.Tx) error {
		c, err := tx.CRMConnector(ctx, name)
		if baton.ErrorCode(err) == baton.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		broken = c.Broken
		return nil
	})
	return broken, err
}

// CRMDelivered reports whether a CRM message was delivered (crm.Ledger).
func (s *Service) CRMDelivered(ctx context.Context, messageID string) (bool, error) {
	var done bool
	err := s.store.View(ctx, func(tx baton.Tx) error {
		_, err := tx.CRMDelivery(ctx, messageID)
		if baton.ErrorCode(err) == baton.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		done = true
		return nil
	})
	return done, err
}

// RecordCRMDelivery records a delivered CRM message (crm.Ledger).
func (s *Service) RecordCRMDelivery(ctx context.Context, d *baton.CRMDelivery) error {
	return s.store.Update(ctx, func(tx baton.Tx) error { return tx.InsertCRMDelivery(ctx, d) })
}

// MarkCRMBroken marks a CRM connector broken for reason (crm.Ledger): its
// messages wait until an admin marks it fixed. A connector broken already
// keeps the time it broke.
func (s *Service) MarkCRMBroken(ctx context.Context, name, reason string) error {
	now := s.clock.Now()
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		c, err := tx.CRMConnector(ctx, name)
		if baton.ErrorCode(err) == baton.ENOTFOUND {
			c = &baton.CRMConnector{Name: name}
		} else if err != nil {
			return err
		}
		if !c.Broken {
			c.Broken, c.BrokenAt = true, now
		}
		c.Reason, c.UpdatedAt = reason, now
		return tx.PutCRMConnector(ctx, c)
	})
	if err != nil {
		return fmt.Errorf("service: mark CRM connector %s broken: %w", name, err)
	}
	s.log.Error("CRM connector broken: fix its credentials, then mark it fixed on Admin → CRM", "connector", name, "reason", reason)
	return nil
}

// crmRecentDeliveries is how many deliveries the CRM page lists per
// connector.
const crmRecentDeliveries = 10

// CRMStatus is one configured connector as the workspace shows it.
type CRMStatus struct {
	baton.CRMConnector
	// Counts are its messages by status (pending, sent, failed).
	Counts map[string]int `json:"counts"`
	// Recent are its newest deliveries.
	Recent []*baton.CRMDelivery `json:"recent"`
}

// CRMStatuses returns every configured connector's state, message counts
// and newest deliveries, in configuration order. Only an admin may
// (EFORBIDDEN).
func (s *Service) CRMStatuses(ctx context.Context, p baton.Principal) ([]CRMStatus, []string, error) {
	if !p.Can(baton.AccessAdmin) {
		return nil, nil, baton.Errorf(baton.EFORBIDDEN, "only an admin may see the CRM connectors")
	}
	c := s.crm.Load()
	if c == nil {
		return []CRMStatus{}, nil, nil
	}
	out := []CRMStatus{}
	err := s.store.View(ctx, func(tx baton.Tx) error {
		for _, name := range c.Connectors {
			st := CRMStatus{CRMConnector: baton.CRMConnector{Name: name}}
			if got, err := tx.CRMConnector(ctx, name); err == nil {
				st.CRMConnector = *got
			} else if baton.ErrorCode(err) != baton.ENOTFOUND {
				return err
			}
			var err error
			if st.Counts, err = tx.CRMMessageCounts(ctx, name); err != nil {
				return err
			}
			if st.Recent, err = tx.CRMDeliveries(ctx, name, crmRecentDeliveries); err != nil {
				return err
			}
			out = append(out, st)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return out, slices.Clone(c.Actions), nil
}

// FixCRMConnector marks a connector fixed (its credentials were replaced
// or granted the missing scope) and makes its waiting messages due now,
// returning how many. Only an admin may (EFORBIDDEN); the connector must be
// configured (ENOTFOUND).
func (s *Service) FixCRMConnector(ctx context.Context, p baton.Principal, name string) (int, error) {
	if !p.Can(baton.AccessAdmin) {
		return 0, baton.Errorf(baton.EFORBIDDEN, "only an admin may mark a CRM connector fixed")
	}
	if c := s.crm.Load(); c == nil || !slices.Contains(c.Connectors, name) {
		return 0, baton.Errorf(baton.ENOTFOUND, "CRM connector %q is not configured", name)
	}
	now := s.clock.Now()
	var released int
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		c, err := tx.CRMConnector(ctx, name)
		if baton.ErrorCode(err) == baton.ENOTFOUND {
			c = &baton.CRMConnector{Name: name}
		} else if err != nil {
			return err
		}
		c.Broken, c.FixedAt, c.FixedBy, c.UpdatedAt = false, now, p.UserID, now
		if err := tx.PutCRMConnector(ctx, c); err != nil {
			return err
		}
		released, err = tx.ReleaseCRMMessages(ctx, name, now)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("fix CRM connector %s: %w", name, err)
	}
	s.log.Info("CRM connector marked fixed", "connector", name, "by", p.UserID, "released", released)
	return released, nil
}
