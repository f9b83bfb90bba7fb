package worker_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton"
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
	body       []byte
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
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.got = append(rc.got, delivery{
		key: r.Header.Get("Baton-Idempotency-Key"), event: r.Header.Get("Baton-Event"), body: body,
		verifyErr: webhook.Verify(rc.secret, r.Header.Get("Baton-Signature"), body, rc.now(), 5*time.Minute),
	})
	if len(rc.got) <= rc.failures {
		w.WriteHeader(rc.status)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func setup(t *testing.T, rc *receiver) (*service.Service, *clock, *worker.Outbox) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "b.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := &clock{now: time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)}
	svc := service.New(db, c, playbook.Default(), nil)
	if _, err := svc.PutUser(ctx, &baton.User{Email: "sdr@t.example", Name: "Sdr", Role: baton.RoleSDR, Team: "sdr", TimeZone: "UTC", Active: true}); err != nil {
		t.Fatal(err)
	}
	rc.secret, rc.now = []byte("s3cret"), c.Now
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	ob := &worker.Outbox{Service: svc, URL: srv.URL, Sender: &webhook.Sender{Client: srv.Client(), Secret: rc.secret},
		Rand: func() float64 { return 1 }, MaxAttempts: 5}
	_, err = svc.Ingest(ctx, &baton.Signal{ExternalID: "w1", Type: baton.SignalDemoRequest, Contact: baton.SignalContact{Email: "a@acme.com"}})
	if err != nil {
		t.Fatal(err)
	}
	return svc, c, ob
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
		if d.key != sent[0].ID || d.event != baton.MsgAssigned {
			t.Errorf("attempt %d: got key %q event %q, want %q %q", i, d.key, d.event, sent[0].ID, baton.MsgAssigned)
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
