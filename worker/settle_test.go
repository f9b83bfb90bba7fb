package worker_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/batontest"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/worker"
)

// settleObserver reports each settled attempt's channel and result.
type settleObserver struct{ settled chan string }

func (settleObserver) Ingested(string, string, time.Duration) {}
func (settleObserver) TimerFired(string, bool, time.Duration) {}
func (settleObserver) Breached(string, string)                {}
func (o settleObserver) MessageSettled(channel, result string) {
	o.settled <- channel + " " + result
}

// deliverFunc is a Deliverer.
type deliverFunc func(ctx context.Context, m *baton.Message, now time.Time) baton.DeliveryResult

func (f deliverFunc) Deliver(ctx context.Context, m *baton.Message, now time.Time) baton.DeliveryResult {
	return f(ctx, m, now)
}

// TestOutboxRecordsEachDeliveryWithoutWaitingForTheRound: in a round whose
// email attempt hangs, the webhooks delivered meanwhile are recorded as
// sent at once, not when the email attempt ends: their leases do not have
// to cover the slowest attempt of the round (or another node would send
// them again), and a node killed while the email hangs has recorded them.
func TestOutboxRecordsEachDeliveryWithoutWaitingForTheRound(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := batontest.Store(t)
	c := &clock{now: time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)}
	svc := service.New(db, c, playbook.Default(), nil)
	obs := settleObserver{settled: make(chan string, 16)}
	svc.SetObserver(obs)
	if _, err := svc.PutUser(ctx, &baton.User{Email: "sdr@t.example", Name: "Sdr", Role: baton.RoleSDR, Team: "sdr", TimeZone: "UTC", Active: true}); err != nil {
		t.Fatal(err)
	}
	const webhooks = 5
	for i := range webhooks {
		sig := &baton.Signal{ExternalID: fmt.Sprintf("w%d", i), Type: baton.SignalDemoRequest, Contact: baton.SignalContact{Email: fmt.Sprintf("a%d@acme%d.com", i, i)}}
		if _, err := svc.Ingest(ctx, sig); err != nil {
			t.Fatal(err)
		}
	}
	err := db.Update(ctx, func(tx baton.Tx) error {
		return tx.EnqueueMessages(ctx, &baton.Message{ID: "m-email", Kind: baton.MsgAssigned, Channel: baton.ChannelEmail,
			RecipientID: "sdr", Payload: []byte(`{}`), CreatedAt: c.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	ob := &worker.Outbox{Service: svc, Parallel: 8, Channels: map[string]worker.Deliverer{
		baton.ChannelWebhook: deliverFunc(func(context.Context, *baton.Message, time.Time) baton.DeliveryResult { return baton.DeliveryResult{} }),
		baton.ChannelEmail: deliverFunc(func(context.Context, *baton.Message, time.Time) baton.DeliveryResult {
			// The relay hangs until the test has seen the webhooks
			// recorded; an outbox that waits for the round would never
			// record them, so the attempt gives up after a while and the
			// test fails on what was recorded first.
			select {
			case <-release:
			case <-time.After(10 * time.Second):
			}
			return baton.DeliveryResult{}
		}),
	}}
	round := make(chan error, 1)
	go func() {
		_, err := ob.RunOnce(ctx)
		round <- err
	}()
	for range webhooks {
		if got := <-obs.settled; got != baton.ChannelWebhook+" "+baton.MessageSent {
			t.Fatalf("got %q settled while the email hangs, want the webhooks sent", got)
		}
	}
	sent, err := svc.Messages(ctx, baton.MessageSent, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != webhooks {
		t.Errorf("while the email attempt hangs: got %d messages recorded as sent, want the %d webhooks", len(sent), webhooks)
	}
	close(release)
	if err := <-round; err != nil {
		t.Fatal(err)
	}
	if got := <-obs.settled; got != baton.ChannelEmail+" "+baton.MessageSent {
		t.Errorf("got %q, want the email sent once its attempt ends", got)
	}
}
