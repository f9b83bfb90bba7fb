package worker_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/batontest"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/webhook"
	"github.com/batonhq/baton/worker"
)

// writeCounter is a store that counts its write transactions.
type writeCounter struct {
	baton.Store
	writes atomic.Int64
}

func (s *writeCounter) Update(ctx context.Context, fn func(baton.Tx) error) error {
	s.writes.Add(1)
	return s.Store.Update(ctx, fn)
}

// TestOutboxSettlesARoundInOneWrite: a round claims its messages in one
// write and records every attempt in one more, not a write per message,
// which under load would queue behind the signals and hold the next round.
func TestOutboxSettlesARoundInOneWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := &writeCounter{Store: batontest.Store(t)}
	c := &clock{now: time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)}
	svc := service.New(store, c, playbook.Default(), nil)
	if _, err := svc.PutUser(ctx, &baton.User{Email: "sdr@t.example", Name: "Sdr", Role: baton.RoleSDR, Team: "sdr", TimeZone: "UTC", Active: true}); err != nil {
		t.Fatal(err)
	}
	rc := &receiver{secret: []byte("s3cret"), now: c.Now}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	const n = 12
	for i := range n {
		sig := &baton.Signal{ExternalID: fmt.Sprintf("w%d", i), Type: baton.SignalDemoRequest, Contact: baton.SignalContact{Email: fmt.Sprintf("a%d@acme%d.com", i, i)}}
		if _, err := svc.Ingest(ctx, sig); err != nil {
			t.Fatal(err)
		}
	}
	ob := &worker.Outbox{Service: svc, Rand: func() float64 { return 1 }, Parallel: 4,
		Channels: map[string]worker.Deliverer{baton.ChannelWebhook: &worker.Webhook{URL: srv.URL, Sender: &webhook.Sender{Client: srv.Client(), Secret: rc.secret}}}}
	before := store.writes.Load()
	if got, err := ob.RunOnce(ctx); got != n || err != nil {
		t.Fatalf("got %d claimed (%v), want %d", got, err, n)
	}
	if got := store.writes.Load() - before; got != 2 {
		t.Errorf("got %d writes for a round of %d messages, want 2 (the claim and the settling)", got, n)
	}
	sent, err := svc.Messages(ctx, baton.MessageSent, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != n || len(rc.got) != n {
		t.Errorf("got %d sent and %d received, want %d of each", len(sent), len(rc.got), n)
	}
	for _, m := range sent {
		if m.Attempts != 1 || !m.SentAt.Equal(c.Now()) {
			t.Errorf("message %s: got %d attempts, sent at %s, want 1 at %s", m.ID, m.Attempts, m.SentAt, c.Now())
		}
	}
}
