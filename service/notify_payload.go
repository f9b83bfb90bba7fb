package service

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/completeness"
	"github.com/batonhq/baton/notify"
	"github.com/batonhq/baton/playbook"
)

// note is one notification about a handoff, as its cause raises it.
type note struct {
	kind      string
	recipient string // user id; "" for the fallback team
	text      string // the one-line summary (UTC)
	// channels are the ladder step's channels, if it named any.
	channels []string
	// deadline is the deadline that passed (breach); zero picks the one
	// the handoff's state is up against.
	deadline time.Time
	// step names the deadline (breach): "accept", "first touch".
	step string
	// reason, risks and kt are the customer success protocol's facts
	// (baton.Notice's Reason, Risks and KT).
	reason string
	risks  []string
	kt     *baton.NoticeKT
	// lead, when set, is the buyer as the caller already holds them (the
	// contact and account it wrote in this transaction); nil reads them.
	lead *baton.NoticeLead
}

// SetChannels sets the channels Baton can deliver on (baton.ChannelEmail,
// ChannelSlack, ChannelWebhook), as configured at start; notifications are
// queued only on these, falling back to the webhook. The default is the
// webhook alone.
func (s *Service) SetChannels(channels ...string) {
	c := slices.Clone(channels)
	s.channels.Store(&c)
}

func (s *Service) availableChannels() []string {
	if c := s.channels.Load(); c != nil {
		return *c
	}
	return nil
}

// raise queues a note about h: one outbox row per channel the recipient is
// reached on, each with its own id (the receiver's idempotency key) and the
// same payload, a baton.Notice.
func (s *Service) raise(ctx context.Context, tx baton.Tx, h *baton.Handoff, n note, now time.Time) error {
	pb := s.Playbook()
	r, err := s.users(ctx, tx)
	if err != nil {
		return err
	}
	var u *baton.User
	if n.recipient != "" {
		u = r.User(n.recipient)
	}
	notice, err := s.notice(ctx, tx, pb, h, n, u, now)
	if err != nil {
		return err
	}
	b, err := jsonMarshal(notice)
	if err != nil {
		return err
	}
	return s.enqueue(ctx, tx, pb, h.ID, n.kind, n.channels, notice.Urgent, u, b, now)
}

// enqueue writes one message per channel chosen for u.
func (s *Service) enqueue(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, handoffID, kind string, step []string, urgent bool, u *baton.User, payload []byte, now time.Time) error {
	c := notify.Choice{Step: step, ByKind: pb.Notifications[kind], Urgent: urgent, Available: s.availableChannels()}
	recipient := ""
	if u != nil {
		recipient = u.ID
		c.Prefs, c.HasEmail, c.HasSlack = u.Channels, u.Email != "", u.SlackID != ""
	}
	if kind == baton.MsgWeeklyReview && len(c.ByKind) == 0 {
		c.ByKind = []string{baton.ChannelEmail, baton.ChannelSlack}
	}
	chans := notify.Choose(c)
	var lease time.Time
	if d := s.handLease.Load(); d > 0 {
		lease = now.Add(time.Duration(d))
	}
	msgs := make([]*baton.Message, len(chans))
	for i, ch := range chans {
		msgs[i] = &baton.Message{ID: newID(), HandoffID: handoffID, Kind: kind, Channel: ch, RecipientID: recipient, Payload: payload, CreatedAt: now,
			LeaseUntil: lease}
	}
	return tx.EnqueueMessages(ctx, msgs...)
}

// notice builds the payload of n: who the lead is, why the handoff went
// where it did, what is missing, the deadline in the recipient's zone, the
// link, and the facts of the kind.
func (s *Service) notice(ctx context.Context, tx baton.Tx, pb *playbook.Playbook, h *baton.Handoff, n note, u *baton.User, now time.Time) (baton.Notice, error) {
	out := baton.Notice{Kind: n.kind, At: now, Text: n.text, Urgent: notify.Urgent(n.kind, h.Tier),
		URL: s.PublicURL() + "/handoffs/" + h.ID, Reason: n.reason, Risks: n.risks, KT: n.kt}
	out.Handoff = baton.NoticeHandoff{ID: h.ID, Type: h.Type, State: h.State, Tier: h.Tier, OwnerID: h.OwnerID, BackupID: h.BackupID,
		AccountID: h.AccountID, ContactID: h.ContactID, AcceptBy: h.AcceptBy, FirstTouch: h.FirstTouchBy, FixBy: h.FixBy,
		Breached: h.Breached, Generation: h.Generation}
	ht := pb.HandoffType(h.Type)
	if ht != nil {
		out.Handoff.TypeLabel = ht.Label
	}
	if t := tierOf(pb, h); t != nil {
		out.Handoff.TierLabel = t.Label
	}
	if r, err := s.users(ctx, tx); err == nil {
		if o := r.User(h.OwnerID); o != nil {
			out.Handoff.OwnerName = o.Name
		}
	}
	if u != nil {
		out.Recipient = baton.NoticeRecipient{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, TimeZone: u.TimeZone}
	} else {
		out.Recipient = baton.NoticeRecipient{Team: pb.Routing.FallbackTeam}
	}
	if n.lead != nil {
		out.Lead = *n.lead
	} else if err := s.noticeLead(ctx, tx, h, &out.Lead); err != nil {
		return out, err
	}
	out.Why = decidingStep(h.Trace)
	if ht != nil {
		sc := completeness.Score(pb.Fields(ht), h.Context, autoOf(h))
		out.Completeness = sc.Score
		for _, name := range sc.Missing {
			label := name
			if f, ok := completeness.Field(pb.Fields(ht), name); ok && f.Label != "" {
				label = f.Label
			}
			out.Missing = append(out.Missing, label)
		}
	}
	zone := out.Recipient.TimeZone
	deadline := func(label string, at time.Time) {
		if !at.IsZero() {
			out.Deadline = &baton.NoticeDeadline{Label: label, At: at, TimeZone: zone}
		}
	}
	switch {
	case !n.deadline.IsZero():
		deadline(n.step+" by", n.deadline)
	case h.State == baton.StateAssigned:
		deadline("accept by", h.AcceptBy)
	case h.State == baton.StateAccepted:
		deadline("first touch by", h.FirstTouchBy)
	case h.State == baton.StateReturned:
		deadline("fix by", h.FixBy)
	}
	switch n.kind {
	case baton.MsgBreach:
		if out.Deadline != nil && now.After(out.Deadline.At) {
			out.LateBy = baton.Duration(now.Sub(out.Deadline.At))
		}
	case baton.MsgEscalated:
		if !h.AcceptBy.IsZero() && now.After(h.AcceptBy) {
			out.LateBy = baton.Duration(now.Sub(h.AcceptBy))
		}
	case baton.MsgReminder:
		if h.AcceptBy.After(now) {
			out.TimeLeft = baton.Duration(h.AcceptBy.Sub(now))
		} else if !h.AcceptBy.IsZero() {
			out.LateBy = baton.Duration(now.Sub(h.AcceptBy))
		}
	case baton.MsgReturned, baton.MsgFixOver:
		out.Gaps = h.Gaps
	}
	if h.MeetingID != "" && (n.kind == baton.MsgOutcome || n.kind == baton.MsgPreCall) {
		m, err := tx.Meeting(ctx, h.MeetingID)
		switch {
		case err == nil:
			out.Meeting = &baton.NoticeMeeting{ID: m.ID, StartsAt: m.StartsAt, TimeZone: m.TimeZone, Type: m.Type}
		case baton.ErrorCode(err) != baton.ENOTFOUND:
			return out, err
		}
	}
	return out, nil
}

// noticeLead fills in the buyer: the contact's name, title and email and
// the account's name. A contact or account that is gone leaves them blank.
func (s *Service) noticeLead(ctx context.Context, tx baton.Tx, h *baton.Handoff, l *baton.NoticeLead) error {
	if h.ContactID != "" {
		c, err := tx.Contact(ctx, h.ContactID)
		switch {
		case err == nil:
			l.Name, l.Title, l.Email = c.Name, c.Title, c.Email
		case baton.ErrorCode(err) != baton.ENOTFOUND:
			return err
		}
	}
	if h.AccountID != "" {
		a, err := tx.Account(ctx, h.AccountID)
		switch {
		case err == nil:
			l.Company = a.Name
		case baton.ErrorCode(err) != baton.ENOTFOUND:
			return err
		}
	}
	return nil
}

func autoOf(h *baton.Handoff) map[string]any {
	auto, _ := h.Context[autoKey].(map[string]any)
	return auto
}

// decidingStep says in one line why a handoff went to its owner: the trace
// step that picked them (the last, after a reassignment), else the
// fallback step.
func decidingStep(trace []baton.Step) string {
	for _, want := range []string{"picked", "fallback"} {
		for i := len(trace) - 1; i >= 0; i-- {
			st := trace[i]
			if st.Result != want {
				continue
			}
			line := strings.ReplaceAll(st.Step, "_", " ")
			if st.Reason != "" {
				line += ": " + st.Reason
			}
			return line
		}
	}
	return ""
}

// RenderMessage renders a queued message for its channel and recipient at
// now, with the recipient's one-click Accept link when the handoff waits on
// them. It returns EINVALID for a message that is not a notice to a user
// (a payload of another shape, or no recipient) on email or Slack, and
// ENOTFOUND when the recipient is gone: neither will ever deliver.
func (s *Service) RenderMessage(ctx context.Context, m *baton.Message, now time.Time) (notify.Rendered, notify.Recipient, error) {
	var n baton.Notice
	if err := json.Unmarshal(m.Payload, &n); err != nil || n.Kind == "" {
		return notify.Rendered{}, notify.Recipient{}, baton.Errorf(baton.EINVALID, "message %s: payload is not a notice", m.ID)
	}
	if m.RecipientID == "" {
		return notify.Rendered{}, notify.Recipient{}, baton.Errorf(baton.EINVALID, "message %s has no recipient", m.ID)
	}
	var u *baton.User
	err := s.store.View(ctx, func(tx baton.Tx) error {
		var err error
		u, err = tx.User(ctx, m.RecipientID)
		return err
	})
	if err != nil {
		return notify.Rendered{}, notify.Recipient{}, fmt.Errorf("service: render message %s: %w", m.ID, err)
	}
	to := notify.Recipient{Name: u.Name, Email: u.Email, SlackID: u.SlackID, TimeZone: u.TimeZone, Now: now}
	h := n.Handoff
	if h.ID != "" && h.State == baton.StateAssigned && h.OwnerID == u.ID {
		if to.AcceptURL, err = s.ActionURL(ctx, u.ID, h.ID, h.Generation, now); err != nil {
			return notify.Rendered{}, to, err
		}
	}
	out, err := notify.Render(n, to, m.Channel)
	return out, to, err
}

func jsonMarshal(n baton.Notice) ([]byte, error) {
	b, err := json.Marshal(n)
	if err != nil {
		return nil, fmt.Errorf("service: encode message: %w", err)
	}
	return b, nil
}
