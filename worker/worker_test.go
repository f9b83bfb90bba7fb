package worker_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/batontest"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/sqlite"
	"github.com/batonhq/baton/webhook"
	"github.com/batonhq/baton/worker"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type delivery struct {
	key, event string
	data       string
	verifyErr  error
}

// receiver is a local webhook endpoint that fails the first failures
// requests with status, then accepts.
type receiver struct {
	mu       sync.Mutex
	secret   []byte
	now      func() time.Time
	failures int
	status   int
	got      []delivery
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var env struct {
		Type string          `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	_ = json.Unmarshal(body, &env)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.got = append(rc.got, delivery{
		key: r.Header.Get("webhook-id"), event: env.Type, data: string(env.Data),
		verifyErr: webhook.Verify(rc.secret, r.Header, body, rc.now(), 5*time.Minute),
	})
	if len(rc.got) <= rc.failures {
		w.WriteHeader(rc.status)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func setup(t *testing.T, rc *receiver) (*service.Service, *clock, *worker.Outbox) {
	t.Helper()
	svc, c, ob, _ := setupDB(t, rc)
	return svc, c, ob
}

// setupDB is setup that also returns the database, to queue messages on
// other channels.
func setupDB(t *testing.T, rc *receiver) (*service.Service, *clock, *worker.Outbox, *sqlite.DB) {
	t.Helper()
	ctx := context.Background()
	db := batontest.Store(t)
	c := &clock{now: time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)}
	svc := service.New(db, c, playbook.Default(), nil)
	if _, err := svc.PutUser(ctx, &baton.User{Email: "sdr@t.example", Name: "Sdr", Role: baton.RoleSDR, Team: "sdr", TimeZone: "UTC", Active: true}); err != nil {
		t.Fatal(err)
	}
	rc.secret, rc.now = []byte("s3cret"), c.Now
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	ob := &worker.Outbox{Service: svc, Rand: func() float64 { return 1 }, MaxAttempts: 5,
		Channels: map[string]worker.Deliverer{baton.ChannelWebhook: &worker.Webhook{URL: srv.URL, Sender: &webhook.Sender{Client: srv.Client(), Secret: rc.secret}}}}
	_, err := svc.Ingest(ctx, &baton.Signal{ExternalID: "w1", Type: baton.SignalDemoRequest, Contact: baton.SignalContact{Email: "a@acme.com"}})
	if err != nil {
		t.Fatal(err)
	}
	return svc, c, ob, db
}

func TestOutboxDeliversSignedWithRetries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rc := &receiver{failures: 2, status: http.StatusInternalServerError}
	svc, c, ob := setup(t, rc)

	// First attempt fails; the message waits for its backoff.
	if n, err := ob.RunOnce(ctx); n != 1 || err != nil {
		t.Fatalf("got %d claimed (%v), want 1", n, err)
	}
	pending, _ := svc.Messages(ctx, baton.MessagePending, 10)
	if len(pending) != 1 || pending[0].Attempts != 1 || pending[0].LastError == "" {
		t.Fatalf("got %+v, want one pending message with 1 attempt and an error", pending)
	}
	if n, _ := ob.RunOnce(ctx); n != 0 {
		t.Fatalf("retried before the backoff: claimed %d", n)
	}
	for range 2 {
		c.Add(webhook.BackoffCap)
		if n, err := ob.RunOnce(ctx); n != 1 || err != nil {
			t.Fatalf("got %d claimed (%v), want 1", n, err)
		}
	}
	sent, _ := svc.Messages(ctx, baton.MessageSent, 10)
	if len(sent) != 1 || sent[0].Attempts != 3 {
		t.Fatalf("got sent %+v, want one message sent on the 3rd attempt", sent)
	}
	if len(rc.got) != 3 {
		t.Fatalf("receiver got %d requests, want 3", len(rc.got))
	}
	for i, d := range rc.got {
		if d.verifyErr != nil {
			t.Errorf("attempt %d: signature does not verify: %v", i, d.verifyErr)
		}
		if d.key != sent[0].ID || d.event != baton.MsgAssigned || d.data != string(sent[0].Payload) {
			t.Errorf("attempt %d: got id %q type %q data %s, want %q %q %s", i, d.key, d.event, d.data, sent[0].ID, baton.MsgAssigned, sent[0].Payload)
		}
	}
}

func TestOutboxGivesUpOnPermanentError(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rc := &receiver{failures: 100, status: http.StatusBadRequest}
	svc, _, ob := setup(t, rc)
	ob.RunOnce(ctx)
	failed, _ := svc.Messages(ctx, baton.MessageFailed, 10)
	if len(failed) != 1 || failed[0].Attempts != 1 {
		t.Errorf("got failed %+v, want one message failed after 1 attempt", failed)
	}
}

func TestOutboxGivesUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rc := &receiver{failures: 100, status: http.StatusServiceUnavailable}
	svc, c, ob := setup(t, rc)
	for range 5 {
		ob.RunOnce(ctx)
		c.Add(webhook.BackoffCap + time.Hour)
	}
	failed, _ := svc.Messages(ctx, baton.MessageFailed, 10)
	if len(failed) != 1 || failed[0].Attempts != 5 {
		t.Errorf("got failed %+v, want one message failed after 5 attempts", failed)
	}
}

// fakeChannel is a Deliverer that records the messages it is given and
// answers with res.
type fakeChannel struct {
	mu  sync.Mutex
	got []string
	res baton.DeliveryResult
}

func (f *fakeChannel) Deliver(_ context.Context, m *baton.Message, _ time.Time) baton.DeliveryResult {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, m.ID)
	return f.res
}

// enqueue queues a message on channel, due now.
func enqueue(t *testing.T, db *sqlite.DB, now time.Time, id, channel string) {
	t.Helper()
	err := db.Update(context.Background(), func(tx baton.Tx) error {
		return tx.EnqueueMessage(context.Background(), &baton.Message{ID: id, Kind: baton.MsgAssigned, Channel: channel, Payload: json.RawMessage(`{}`), CreatedAt: now})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOutboxDispatchesByChannel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rc := &receiver{}
	svc, c, ob, db := setupDB(t, rc)
	email, slack := &fakeChannel{}, &fakeChannel{}
	ob.Channels[baton.ChannelEmail], ob.Channels[baton.ChannelSlack] = email, slack
	enqueue(t, db, c.Now(), "m_email", baton.ChannelEmail)
	enqueue(t, db, c.Now(), "m_slack", baton.ChannelSlack)

	if n, err := ob.RunOnce(ctx); n != 3 || err != nil {
		t.Fatalf("got %d claimed (%v), want 3", n, err)
	}
	if len(rc.got) != 1 || len(email.got) != 1 || email.got[0] != "m_email" || len(slack.got) != 1 || slack.got[0] != "m_slack" {
		t.Errorf("got webhook %d, email %v, slack %v; want one message each", len(rc.got), email.got, slack.got)
	}
	if sent, _ := svc.Messages(ctx, baton.MessageSent, 10); len(sent) != 3 {
		t.Errorf("got %d sent, want 3", len(sent))
	}
}

func TestOutboxRetriesUnconfiguredChannel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, c, ob, db := setupDB(t, &receiver{})
	enqueue(t, db, c.Now(), "m_slack", baton.ChannelSlack)
	ob.RunOnce(ctx)
	pending, _ := svc.Messages(ctx, baton.MessagePending, 10)
	if len(pending) != 1 || pending[0].ID != "m_slack" || !strings.Contains(pending[0].LastError, `channel "slack" is not configured`) {
		t.Fatalf("got pending %+v, want m_slack waiting with an error naming the channel", pending)
	}
	// Configured later, it goes out on its next attempt.
	slack := &fakeChannel{}
	ob.Channels[baton.ChannelSlack] = slack
	c.Add(webhook.BackoffCap)
	ob.RunOnce(ctx)
	if sent, _ := svc.Messages(ctx, baton.MessageSent, 10); len(sent) != 2 || len(slack.got) != 1 {
		t.Errorf("got %d sent, slack %v; want both sent", len(sent), slack.got)
	}
}

func TestOutboxHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		retryAfter time.Duration
		wantWait   time.Duration
	}{
		// Rand is 1, so the first backoff is its full ceiling, 10s.
		{"LongerThanBackoff", 3 * time.Minute, 3 * time.Minute},
		{"ShorterThanBackoff", 2 * time.Second, webhook.BackoffBase},
		{"CappedAtBackoffCap", 100 * time.Hour, webhook.BackoffCap},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			svc, c, ob := setup(t, &receiver{})
			ob.Channels[baton.ChannelWebhook] = &fakeChannel{res: baton.DeliveryResult{Err: errors.New("rate limited"), Retryable: true, RetryAfter: tt.retryAfter}}
			start := c.Now()
			ob.RunOnce(ctx)
			pending, _ := svc.Messages(ctx, baton.MessagePending, 10)
			if len(pending) != 1 || !pending[0].NextAt.Equal(start.Add(tt.wantWait)) {
				t.Fatalf("got %+v, want one message due at %s", pending, start.Add(tt.wantWait))
			}
		})
	}
}

func TestOutboxFailsBouncedAndBrokenAtOnce(t *testing.T) {
	t.Parallel()
	for name, res := range map[string]baton.DeliveryResult{
		"Bounced": {Err: errors.New("550 no such user"), Bounced: true},
		"Broken":  {Err: errors.New("invalid_auth"), Broken: true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			svc, _, ob := setup(t, &receiver{})
			ob.Channels[baton.ChannelWebhook] = &fakeChannel{res: res}
			ob.RunOnce(ctx)
			failed, _ := svc.Messages(ctx, baton.MessageFailed, 10)
			if len(failed) != 1 || failed[0].Attempts != 1 || failed[0].LastError != res.Err.Error() {
				t.Errorf("got failed %+v, want one message failed after 1 attempt with %q", failed, res.Err)
			}
		})
	}
}
