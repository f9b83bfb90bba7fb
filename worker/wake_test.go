package worker_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/batontest"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/webhook"
	"github.com/batonhq/baton/worker"
)

// TestOutboxWakesOnCommit runs an outbox whose poll is an hour away: the
// notification of each ingested signal must still reach the receiver,
// because the store wakes the outbox when the transaction that queued it
// commits. Without the wake the test blocks until the test binary's
// timeout.
func TestOutboxWakesOnCommit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := batontest.Store(t)
	svc := service.New(db, baton.SystemClock{}, playbook.Default(), nil)
	if _, err := svc.PutUser(ctx, &baton.User{Email: "sdr@t.example", Name: "Sdr", Role: baton.RoleSDR, Team: "sdr", TimeZone: "UTC", Active: true}); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("webhook-id")
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	ob := &worker.Outbox{Service: svc, Poll: time.Hour,
		Channels: map[string]worker.Deliverer{baton.ChannelWebhook: &worker.Webhook{URL: srv.URL, Sender: &webhook.Sender{Client: srv.Client(), Secret: []byte("s3cret")}}}}
	db.OnMessagesCommitted(ob.Wake)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); ob.Run(runCtx) }()
	t.Cleanup(func() { stop(); <-done })

	// The first signal may be claimed by the pass Run makes as it starts;
	// once it is delivered the outbox waits for its poll or a wake, so the
	// second can only be delivered by the wake.
	for i, email := range []string{"a@acme.com", "b@globex.com"} {
		if _, err := svc.Ingest(ctx, &baton.Signal{ExternalID: email, Type: baton.SignalDemoRequest, Contact: baton.SignalContact{Email: email}}); err != nil {
			t.Fatal(err)
		}
		id := <-got
		var m *baton.Message
		err := db.View(ctx, func(tx baton.Tx) (err error) { m, err = tx.Message(ctx, id); return err })
		if err != nil {
			t.Fatalf("signal %d: delivered message %q: %v", i, id, err)
		}
		if m.Kind != baton.MsgAssigned {
			t.Errorf("signal %d: got a %s message, want %s", i, m.Kind, baton.MsgAssigned)
		}
	}
}

// TestOutboxDeliversHandedMessages runs an outbox whose poll is an hour
// away and which is never woken: the notification of each ingested signal
// is queued leased to it (Service.SetHandLease) and handed over by the
// store on commit (OnMessagesLeased), so it must still reach the receiver,
// with no claim, and its attempt be recorded. Without the hand-over the
// test blocks until the test binary's timeout.
func TestOutboxDeliversHandedMessages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := batontest.Store(t)
	svc := service.New(db, baton.SystemClock{}, playbook.Default(), nil)
	if _, err := svc.PutUser(ctx, &baton.User{Email: "sdr@t.example", Name: "Sdr", Role: baton.RoleSDR, Team: "sdr", TimeZone: "UTC", Active: true}); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("webhook-id")
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	ob := &worker.Outbox{Service: svc, Poll: time.Hour,
		Channels: map[string]worker.Deliverer{baton.ChannelWebhook: &worker.Webhook{URL: srv.URL, Sender: &webhook.Sender{Client: srv.Client(), Secret: []byte("s3cret")}}}}
	db.OnMessagesLeased(ob.Hand)
	svc.SetHandLease(time.Hour)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); ob.Run(runCtx) }()
	t.Cleanup(func() { stop(); <-done })

	for i, email := range []string{"a@acme.com", "b@globex.com", "c@initech.com"} {
		if _, err := svc.Ingest(ctx, &baton.Signal{ExternalID: email, Type: baton.SignalDemoRequest, Contact: baton.SignalContact{Email: email}}); err != nil {
			t.Fatal(err)
		}
		id := <-got
		// The attempt is recorded a moment after the delivery.
		for {
			var m *baton.Message
			if err := db.View(ctx, func(tx baton.Tx) (err error) { m, err = tx.Message(ctx, id); return err }); err != nil {
				t.Fatalf("signal %d: delivered message %q: %v", i, id, err)
			}
			if m.Kind != baton.MsgAssigned {
				t.Fatalf("signal %d: got a %s message, want %s", i, m.Kind, baton.MsgAssigned)
			}
			if m.Status == baton.MessageSent {
				if m.Attempts != 1 {
					t.Errorf("signal %d: message sent after %d attempts, want 1", i, m.Attempts)
				}
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	select {
	case id := <-got:
		t.Errorf("message %s delivered twice or unexpectedly", id)
	default:
	}
}
