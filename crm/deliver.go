package crm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/batonhq/baton"
)

// Ledger is what a Deliverer keeps in Baton's store (the service
// implements it): whether a connector is broken, and which messages were
// delivered.
type Ledger interface {
	// CRMBroken reports whether the connector is marked broken.
	CRMBroken(ctx context.Context, name string) (bool, error)
	// CRMDelivered reports whether the message was delivered already.
	CRMDelivered(ctx context.Context, messageID string) (bool, error)
	// RecordCRMDelivery records a delivered message.
	RecordCRMDelivery(ctx context.Context, d *baton.CRMDelivery) error
	// MarkCRMBroken marks the connector broken for reason.
	MarkCRMBroken(ctx context.Context, name, reason string) error
}

// Deliverer is the outbox's deliverer of one connector's channel
// (Channel(CRM.Name())): one message, one write.
type Deliverer struct {
	CRM    CRM
	Ledger Ledger
	// Log receives what cannot be reported as the attempt's result (a
	// delivery that could not be recorded); nil discards it.
	Log *slog.Logger
}

// ErrBroken is the error of a message held back because its connector is
// broken.
var ErrBroken = errors.New("the connector is broken: an admin must fix its credentials and mark it fixed")

// Deliver makes one attempt at m. A message delivered before succeeds
// without writing; a 401 or 403 marks the connector broken and leaves the
// message to wait for the fix; other failures are classified by Result.
func (d *Deliverer) Deliver(ctx context.Context, m *baton.Message, now time.Time) baton.DeliveryResult {
	name := d.CRM.Name()
	p, err := Decode(m.Payload)
	if err != nil {
		return baton.DeliveryResult{Err: fmt.Errorf("crm: deliver %s: %w", m.ID, err)}
	}
	if p.Record.CRM != name {
		return baton.DeliveryResult{Err: fmt.Errorf("crm: deliver %s: the record is in %q, not %q", m.ID, p.Record.CRM, name)}
	}
	done, err := d.Ledger.CRMDelivered(ctx, m.ID)
	if err != nil {
		return baton.DeliveryResult{Err: fmt.Errorf("crm: deliver %s: %w", m.ID, err), Retryable: true}
	}
	if done {
		return baton.DeliveryResult{}
	}
	if broken, err := d.Ledger.CRMBroken(ctx, name); err != nil {
		return baton.DeliveryResult{Err: fmt.Errorf("crm: deliver %s: %w", m.ID, err), Retryable: true}
	} else if broken {
		return baton.DeliveryResult{Err: fmt.Errorf("crm: %s: %w", name, ErrBroken), Retryable: true}
	}
	remote, err := d.apply(ctx, p)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Unauthorized {
			if merr := d.Ledger.MarkCRMBroken(ctx, name, e.Error()); merr != nil {
				err = errors.Join(err, merr)
			}
		}
		return Result(fmt.Errorf("crm: deliver %s: %w", m.ID, err), now)
	}
	// The write is done: a failure to record it is not a failure to
	// deliver (a retry would write twice), only a smaller guarantee.
	if err := d.Ledger.RecordCRMDelivery(ctx, &baton.CRMDelivery{MessageID: m.ID, Connector: name, Action: p.Action, RecordID: p.Record.ID,
		RemoteID: remote, HandoffID: p.HandoffID, DeliveredAt: now}); err != nil && d.Log != nil {
		d.Log.Error("crm: record delivery", "message", m.ID, "connector", name, "err", err)
	}
	return baton.DeliveryResult{}
}

// apply performs p's action, returning the id of what it created.
func (d *Deliverer) apply(ctx context.Context, p *Payload) (string, error) {
	switch p.Action {
	case ActionOwner:
		return "", d.CRM.SetOwner(ctx, p.Record, *p.Owner)
	case ActionLink:
		return "", d.CRM.SetLink(ctx, p.Record, p.Link)
	case ActionNote:
		return d.CRM.AddNote(ctx, p.Record, *p.Note)
	case ActionTask:
		return d.CRM.AddTask(ctx, p.Record, *p.Task)
	}
	return "", baton.Errorf(baton.EINVALID, "unknown action %q", p.Action)
}
