package main

import (
	"context"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/email"
	"github.com/batonhq/baton/prospect"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/worker"
)

// prospectEmail is the email channel's deliverer for prospect.* messages:
// the service renders them (prospect.Render), applies the bounce rules and
// sends them through sender, from the playbook's prospect.from when it is
// set. Every other kind goes to next (nil fails it as retryable).
type prospectEmail struct {
	svc    *service.Service
	sender *email.Sender
	next   worker.Deliverer
}

// withProspectEmail wraps the email channel's deliverer so prospect
// messages are rendered by package prospect: register
// withProspectEmail(svc, sender, next) as Outbox.Channels[baton.ChannelEmail].
func withProspectEmail(svc *service.Service, sender *email.Sender, next worker.Deliverer) worker.Deliverer {
	return &prospectEmail{svc: svc, sender: sender, next: next}
}

// Deliver attempts m: prospect kinds here, the rest through next.
func (d *prospectEmail) Deliver(ctx context.Context, m *baton.Message, now time.Time) baton.DeliveryResult {
	if !prospect.IsProspect(m.Kind) {
		if d.next == nil {
			return baton.DeliveryResult{Err: errNoRenderer(m.Kind), Retryable: true}
		}
		return d.next.Deliver(ctx, m, now)
	}
	return d.svc.DeliverProspect(ctx, m, now, func(ctx context.Context, from string, msg email.Message, now time.Time) baton.DeliveryResult {
		s := d.sender
		if from != "" {
			c := *s
			c.Config.From = from
			s = &c
		}
		return s.Send(ctx, msg, now)
	})
}

type errNoRenderer string

func (e errNoRenderer) Error() string { return "email: no renderer for message kind " + string(e) }
