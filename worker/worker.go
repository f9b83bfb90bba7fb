// Package worker runs Baton's background loops: firing due timers and
// delivering queued outbound messages. Both are driven by rows in the
// store, claimed with a lease, so a crash at any instant loses nothing and a
// restarted worker catches up on what fell due while it was down, in due
// order. Each timer fires exactly once (the service checks and finishes it
// in one transaction); each message is delivered at least once, with an
// idempotency key for the receiver.
package worker

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/email"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/slack"
	"github.com/batonhq/baton/webhook"
)

// Timers fires due timers.
type Timers struct {
	Service *service.Service
	Log     *slog.Logger
	// Poll is how often to look for due timers (default 200ms).
	Poll time.Duration
	// Batch caps timers claimed per round (default 500).
	Batch int
	// Lease is how long a claim holds before another worker may retry it
	// (default 1m).
	Lease time.Duration
	// Parallel is how many timers fire at once (default 32); their
	// transactions share group commits.
	Parallel int
	// Release, if set, ends the leases of the timers a round claimed but
	// did not fire because ctx ended (the node is stopping), so that other
	// nodes fire them now rather than when the leases end. It is called
	// with a context that is not cancelled.
	Release func(ctx context.Context, ids []string) error
}

func (w *Timers) defaults() {
	if w.Poll <= 0 {
		w.Poll = 200 * time.Millisecond
	}
	if w.Batch <= 0 {
		w.Batch = 500
	}
	if w.Lease <= 0 {
		w.Lease = time.Minute
	}
	if w.Parallel <= 0 {
		w.Parallel = 32
	}
	if w.Log == nil {
		w.Log = slog.New(slog.DiscardHandler)
	}
}

// Run fires due timers until ctx is done.
func (w *Timers) Run(ctx context.Context) error {
	w.defaults()
	loop(ctx, w.Poll, nil, w.Batch, w.Log, "timers", w.RunOnce)
	return nil
}

// loop calls runOnce every poll and whenever wake (which may be nil)
// delivers, and again at once while it keeps finding full batches, until
// ctx is done.
func loop(ctx context.Context, poll time.Duration, wake <-chan struct{}, batch int, log *slog.Logger, what string, runOnce func(context.Context) (int, error)) {
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		for {
			n, err := runOnce(ctx)
			if err != nil && ctx.Err() == nil {
				log.Error(what, "err", err)
			}
			if n < batch || ctx.Err() != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-wake:
			// Let the commits of the next few milliseconds join this
			// claim: under load one claim (a write) serves a burst of
			// commits instead of competing with each of them for the
			// writer.
			select {
			case <-ctx.Done():
				return
			case <-time.After(wakeGather):
			}
		}
	}
}

// wakeGather is how long a woken loop waits before it claims.
const wakeGather = 5 * time.Millisecond

// RunOnce claims one batch of due timers and fires them, returning how many
// were claimed. Tests drive it with a fake clock instead of Run.
func (w *Timers) RunOnce(ctx context.Context) (int, error) {
	w.defaults()
	timers, err := w.Service.ClaimTimers(ctx, w.Lease, w.Batch)
	if err != nil || len(timers) == 0 {
		return 0, err
	}
	// Fire in due order per handoff (a handoff's later step must see its
	// earlier one), in parallel across handoffs.
	byHandoff := map[string][]*baton.Timer{}
	var order []string
	for _, t := range timers {
		if _, ok := byHandoff[t.HandoffID]; !ok {
			order = append(order, t.HandoffID)
		}
		byHandoff[t.HandoffID] = append(byHandoff[t.HandoffID], t)
	}
	sem := make(chan struct{}, w.Parallel)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	var unfired []string
	for _, id := range order {
		sem <- struct{}{}
		wg.Add(1)
		go func(list []*baton.Timer) {
			defer func() { <-sem; wg.Done() }()
			if ctx.Err() != nil {
				mu.Lock()
				for _, t := range list {
					unfired = append(unfired, t.ID)
				}
				mu.Unlock()
				return
			}
			ids := make([]string, len(list))
			for i, t := range list {
				ids[i] = t.ID
			}
			// A handoff's due steps commit together (FireTimers).
			for i, res := range w.Service.FireTimers(ctx, ids) {
				if res.Err == nil {
					continue
				}
				t := list[i]
				w.Log.Error("fire timer", "timer", t.ID, "kind", t.Kind, "handoff", t.HandoffID, "err", res.Err)
				mu.Lock()
				if firstErr == nil {
					firstErr = res.Err
				}
				if ctx.Err() != nil {
					unfired = append(unfired, t.ID) // released only if still pending
				}
				mu.Unlock()
			}
		}(byHandoff[id])
	}
	wg.Wait()
	release(ctx, w.Release, unfired, w.Log, "timers")
	return len(timers), firstErr
}

// release hands back the claims a stopping node did not finish, on a
// context that outlives ctx.
func release(ctx context.Context, fn func(context.Context, []string) error, ids []string, log *slog.Logger, what string) {
	if fn == nil || len(ids) == 0 {
		return
	}
	slices.Sort(ids)
	if err := fn(context.WithoutCancel(ctx), ids); err != nil {
		log.Error("release "+what, "count", len(ids), "err", err)
		return
	}
	log.Info("released "+what, "count", len(ids))
}

// Deliverer makes one attempt to deliver a message on one channel. The
// outbox calls it once per attempt, with the same message (apart from its
// attempt count) every time, and never concurrently for one message; it
// must not retry by itself.
type Deliverer interface {
	// Deliver attempts m at now and classifies the outcome: nil Err means
	// delivered; otherwise Retryable, RetryAfter, Bounced and Broken say
	// what to do next.
	Deliver(ctx context.Context, m *baton.Message, now time.Time) baton.DeliveryResult
}

// Webhook is the Deliverer of the webhook channel: every message goes to
// one URL as a Standard Webhooks event whose type is the message kind, whose
// timestamp is when the message was queued and whose data is its payload.
type Webhook struct {
	Sender *webhook.Sender
	URL    string
}

// Deliver posts m to w.URL.
func (w *Webhook) Deliver(ctx context.Context, m *baton.Message, now time.Time) baton.DeliveryResult {
	msg := webhook.Message{ID: m.ID, Type: m.Kind, Time: m.CreatedAt, Data: m.Payload}
	return w.Sender.Deliver(ctx, w.URL, msg, now).DeliveryResult
}

// Email is the Deliverer of the email channel: it renders the message's
// notice for its recipient (package notify, in their time zone, with
// their one-click Accept link) and sends it to their address.
type Email struct {
	Service *service.Service
	Sender  *email.Sender
}

// Deliver renders and sends m.
func (d *Email) Deliver(ctx context.Context, m *baton.Message, now time.Time) baton.DeliveryResult {
	r, to, err := d.Service.RenderMessage(ctx, m, now)
	if err != nil {
		return renderFailed(err)
	}
	addr := to.Email
	if to.Name != "" {
		addr = fmt.Sprintf("%q <%s>", to.Name, to.Email)
	}
	return d.Sender.Send(ctx, email.Message{ID: m.ID, To: addr, Subject: r.Subject, Text: r.Text, HTML: r.HTML}, now)
}

// Slack is the Deliverer of the Slack channel: it renders the message's
// notice as Block Kit and posts it to the recipient as a direct message
// (to their Slack member id; an incoming webhook posts to its channel).
type Slack struct {
	Service *service.Service
	Client  *slack.Client
}

// Deliver renders and posts m.
func (d *Slack) Deliver(ctx context.Context, m *baton.Message, now time.Time) baton.DeliveryResult {
	r, to, err := d.Service.RenderMessage(ctx, m, now)
	if err != nil {
		return renderFailed(err)
	}
	if to.SlackID == "" && d.Client.WebhookURL == "" {
		return baton.DeliveryResult{Err: fmt.Errorf("outbox: deliver %s: the recipient has no Slack member id", m.ID)}
	}
	return d.Client.Post(ctx, slack.Message{ID: m.ID, Channel: to.SlackID, Text: r.Text, Blocks: r.Blocks})
}

// renderFailed classifies a failure to render: a message that is not a
// notice to a known person never will be (permanent); anything else, such
// as a busy database, may pass on a later attempt.
func renderFailed(err error) baton.DeliveryResult {
	switch baton.ErrorCode(err) {
	case baton.EINVALID, baton.ENOTFOUND:
		return baton.DeliveryResult{Err: err}
	}
	return baton.DeliveryResult{Err: err, Retryable: true}
}

// Outbox delivers queued messages, each on its channel.
type Outbox struct {
	Service *service.Service
	// Channels maps a message's Channel (baton.ChannelWebhook,
	// ChannelEmail, ChannelSlack) to what delivers it. A message whose
	// channel has no entry fails its attempt as retryable, so it goes out
	// if the channel is configured before its attempts run out.
	Channels map[string]Deliverer
	Log      *slog.Logger
	// Poll is how often to look for due messages (default 250ms).
	Poll time.Duration
	// Batch caps messages claimed per round (default 100).
	Batch int
	// Lease bounds one delivery attempt before another may retry (default 2m).
	Lease time.Duration
	// MaxAttempts before a message is marked failed (default
	// webhook.SuggestedMaxAttempts).
	MaxAttempts int
	// Parallel deliveries (default 32: a remote endpoint's round trip,
	// not the CPU, bounds a delivery).
	Parallel int
	// Rand supplies jitter in [0,1) for backoff; nil uses math/rand.
	Rand func() float64
	// Release, if set, ends the leases of the messages a round claimed but
	// did not attempt, or whose attempt ctx's end cut short (the node is
	// stopping): other nodes send them now, the attempt uncounted. It is
	// called with a context that is not cancelled.
	Release func(ctx context.Context, ids []string) error

	wakeOnce sync.Once
	wake     chan struct{} // size 1: one pending wake stands for any number

	handMu   sync.Mutex
	handed   []*baton.Message // Hand's, not yet taken by runHanded
	handOnce sync.Once
	handSig  chan struct{} // size 1, like wake
}

// Wake tells a running Outbox that messages were queued, so it claims them
// now instead of at its next poll. It never blocks: wakes that arrive while
// one is pending merge into it. Stores call it after a transaction that
// queued a message commits (sqlite.DB.OnMessagesCommitted,
// postgres.DB.OnMessagesCommitted); the poll stays as the safety net for
// messages queued elsewhere (another node, a retry falling due).
func (w *Outbox) Wake() {
	select {
	case w.wakeCh() <- struct{}{}:
	default:
	}
}

func (w *Outbox) wakeCh() chan struct{} {
	w.wakeOnce.Do(func() { w.wake = make(chan struct{}, 1) })
	return w.wake
}

func (w *Outbox) defaults() {
	if w.Poll <= 0 {
		w.Poll = 250 * time.Millisecond
	}
	if w.Batch <= 0 {
		w.Batch = 100
	}
	if w.Lease <= 0 {
		w.Lease = 2 * time.Minute
	}
	if w.MaxAttempts <= 0 {
		w.MaxAttempts = webhook.SuggestedMaxAttempts
	}
	if w.Parallel <= 0 {
		w.Parallel = 32
	}
	if w.Log == nil {
		w.Log = slog.New(slog.DiscardHandler)
	}
}

// Run delivers due messages until ctx is done.
func (w *Outbox) Run(ctx context.Context) error {
	w.defaults()
	handed := make(chan struct{})
	go func() {
		defer close(handed)
		w.runHanded(ctx)
	}()
	loop(ctx, w.Poll, w.wakeCh(), w.Batch, w.Log, "outbox", w.RunOnce)
	<-handed
	return nil
}

// RunOnce claims one batch of due messages and attempts each once.
func (w *Outbox) RunOnce(ctx context.Context) (int, error) {
	w.defaults()
	msgs, err := w.Service.ClaimMessages(ctx, w.Lease, w.Batch)
	if err != nil || len(msgs) == 0 {
		return 0, err
	}
	// Attempts are recorded as they finish, by one goroutine that settles
	// in one transaction what finishes within settleWait of the first of a
	// batch: under load a write serves a round's messages instead of
	// queueing one each behind the signals, and a quick delivery is
	// recorded without waiting for a slow one of the same round (whose
	// lease it would otherwise have to share). A recorded attempt is kept
	// even when the node is stopping; if a write fails, its messages'
	// leases expire and they are sent again: at-least-once.
	a := w.attempts(ctx, len(msgs))
	for i, m := range msgs {
		if !a.start(ctx, m) {
			a.skip(msgs[i:])
			break
		}
	}
	a.finish(ctx)
	return len(msgs), nil
}

// attemptSet delivers messages, at most Outbox.Parallel at once, hands
// each attempt to the settling goroutine (Outbox.settle), and remembers
// the messages a stop kept from being attempted, or cut short, so that
// finish can end their leases.
type attemptSet struct {
	w       *Outbox
	sem     chan struct{}
	wg      sync.WaitGroup
	done    chan *baton.Message
	settled <-chan struct{}
	mu      sync.Mutex
	unsent  []string
}

// attempts starts an attemptSet whose settling queue holds buf attempts.
func (w *Outbox) attempts(ctx context.Context, buf int) *attemptSet {
	a := &attemptSet{w: w, sem: make(chan struct{}, w.Parallel), done: make(chan *baton.Message, buf)}
	a.settled = w.settle(ctx, a.done)
	return a
}

// start delivers m in a goroutine once a slot is free; it reports false,
// starting nothing, when ctx ends first.
func (a *attemptSet) start(ctx context.Context, m *baton.Message) bool {
	select {
	case a.sem <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	a.wg.Add(1)
	go func() {
		defer func() { <-a.sem; a.wg.Done() }()
		if a.w.deliver(ctx, m) {
			a.done <- m
			return
		}
		a.skip([]*baton.Message{m})
	}()
	return true
}

// skip remembers messages that were not attempted.
func (a *attemptSet) skip(ms []*baton.Message) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, m := range ms {
		a.unsent = append(a.unsent, m.ID)
	}
}

// finish waits for the attempts, records them, and ends the leases of the
// messages skipped.
func (a *attemptSet) finish(ctx context.Context) {
	a.wg.Wait()
	close(a.done)
	<-a.settled
	release(ctx, a.w.Release, a.unsent, a.w.Log, "messages")
}

// settle records the attempts sent on done, in batches (see RunOnce),
// until done is closed; the channel it returns is closed once all are
// recorded.
func (w *Outbox) settle(ctx context.Context, done <-chan *baton.Message) <-chan struct{} {
	settled := make(chan struct{})
	go func() {
		defer close(settled)
		for m := range done {
			batch := []*baton.Message{m}
			wait := time.NewTimer(settleWait)
		more:
			for len(batch) < settleBatch {
				select {
				case m, ok := <-done:
					if !ok {
						break more
					}
					batch = append(batch, m)
				case <-wait.C:
					break more
				}
			}
			wait.Stop()
			if err := w.Service.SettleMessages(context.WithoutCancel(ctx), batch); err != nil {
				w.Log.Error("settle messages", "messages", len(batch), "err", err)
			}
		}
	}()
	return settled
}

// Hand gives the outbox messages its store queued leased to it
// (baton.Message.LeaseUntil) in a transaction that has just committed
// (sqlite.DB.OnMessagesLeased, postgres.DB.OnMessagesLeased): Run
// delivers them at once, without claiming them first, up to Parallel at
// a time beside its rounds. Hand never blocks; beyond handCap messages
// waiting, it ends the newcomers' leases (Release) so that a round claims
// them instead. Messages handed to an outbox that is not running wait
// for it to start, or for their lease to end, when any outbox claims them.
func (w *Outbox) Hand(msgs []*baton.Message) {
	w.handMu.Lock()
	room := max(handCap-len(w.handed), 0)
	over := msgs[min(room, len(msgs)):]
	w.handed = append(w.handed, msgs[:min(room, len(msgs))]...)
	w.handMu.Unlock()
	select {
	case w.handCh() <- struct{}{}:
	default:
	}
	if len(over) > 0 && w.Release != nil {
		ids := make([]string, len(over))
		for i, m := range over {
			ids[i] = m.ID
		}
		go release(context.Background(), w.Release, ids, w.logger(), "messages")
	}
}

// handCap bounds the messages handed to the outbox and not yet attempted.
const handCap = 10000

func (w *Outbox) handCh() chan struct{} {
	w.handOnce.Do(func() { w.handSig = make(chan struct{}, 1) })
	return w.handSig
}

func (w *Outbox) logger() *slog.Logger {
	if w.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return w.Log
}

// runHanded delivers handed messages until ctx is done, then ends the
// leases of those it did not attempt.
func (w *Outbox) runHanded(ctx context.Context) {
	a := w.attempts(ctx, settleBatch)
	defer a.finish(ctx)
	for {
		select {
		case <-ctx.Done():
			w.handMu.Lock()
			a.skip(w.handed)
			w.handed = nil
			w.handMu.Unlock()
			return
		case <-w.handCh():
		}
		w.handMu.Lock()
		msgs := w.handed
		w.handed = nil
		w.handMu.Unlock()
		for i, m := range msgs {
			if !a.start(ctx, m) {
				a.skip(msgs[i:])
				break
			}
		}
	}
}

// settleBatch caps the attempts one settling write records; settleWait is
// how long after the first attempt of a batch finishes the batch is
// written, the later ones that finished by then with it.
const (
	settleBatch = 100
	settleWait  = 250 * time.Millisecond
)

// deliver attempts m and records the result on m, for RunOnce to settle;
// it reports false, changing nothing, when ctx ended before the attempt or
// cut it short.
func (w *Outbox) deliver(ctx context.Context, m *baton.Message) bool {
	if ctx.Err() != nil {
		return false
	}
	clock := w.Service.Clock()
	var res baton.DeliveryResult
	if d, ok := w.Channels[m.Channel]; ok {
		res = d.Deliver(ctx, m, clock.Now())
	} else {
		res = baton.DeliveryResult{Err: fmt.Errorf("outbox: deliver %s: channel %q is not configured", m.ID, m.Channel), Retryable: true}
	}
	if res.Err != nil && ctx.Err() != nil {
		return false
	}
	now := clock.Now()
	m.Attempts++
	switch {
	case res.Err == nil:
		m.Status, m.SentAt, m.LastError = baton.MessageSent, now, ""
	case !res.Retryable || m.Attempts >= w.MaxAttempts:
		m.Status, m.LastError = baton.MessageFailed, res.Err.Error()
	default:
		// The peer's Retry-After, when longer than the backoff, is honoured
		// up to the backoff's cap: a peer cannot park a message for days.
		wait := max(webhook.Backoff(m.Attempts, w.Rand), min(res.RetryAfter, webhook.BackoffCap))
		m.NextAt, m.LastError = now.Add(wait), res.Err.Error()
	}
	switch {
	case res.Broken:
		w.Log.Error("channel broken: fix its configuration", "channel", m.Channel, "message", m.ID, "err", res.Err)
	case res.Bounced:
		w.Log.Warn("recipient bounced", "channel", m.Channel, "message", m.ID, "recipient", m.RecipientID, "err", res.Err)
	}
	if m.Status == baton.MessageFailed {
		w.Log.Warn("message failed", "message", m.ID, "kind", m.Kind, "channel", m.Channel, "attempts", m.Attempts, "err", m.LastError)
	}
	return true
}
