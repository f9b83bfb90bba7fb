package worker_test

import (
	"context"
	"database/sql"
	"net/http/httptest"
	"path/filepath"
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
	"github.com/google/go-cmp/cmp"
)

const day = 24 * time.Hour

// agedHandoff is a handoff whose clocks have all run and whose messages
// have all gone out, 131 days ago by the clock.
type agedHandoff struct {
	svc     *service.Service
	db      *sqlite.DB
	path    string
	clock   *clock
	handoff string
	events  []*baton.Event
}

func setupAged(t *testing.T) *agedHandoff {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "r.db")
	db := batontest.OpenStore(t, path, sqlite.Options{Synchronous: "NORMAL"})
	c := &clock{now: time.Date(2026, 6, 1, 14, 0, 0, 0, time.UTC)}
	svc := service.New(db, c, playbook.Default(), nil)
	if _, err := svc.PutUser(ctx, &baton.User{Email: "sdr@t.example", Name: "Sdr", Role: baton.RoleSDR, Team: "sdr", TimeZone: "UTC", Active: true, WorkingHours: "24x7"}); err != nil {
		t.Fatal(err)
	}
	res, err := svc.Ingest(ctx, &baton.Signal{ExternalID: "r1", Type: baton.SignalDemoRequest, Source: "website",
		Contact: baton.SignalContact{Email: "ana@acme.com", Name: "Ana Ruiz", Phone: "+1 415 555 0100", TimeZone: "America/Los_Angeles"},
		Account: baton.SignalAccount{Name: "Acme", Domain: "acme.com", Employees: 450}})
	if err != nil || res.Handoff == nil {
		t.Fatalf("ingest: got %v (%+v), want a handoff", err, res)
	}
	rc := &receiver{secret: []byte("s3cret"), now: c.Now}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	ob := &worker.Outbox{Service: svc, Rand: func() float64 { return 1 },
		Channels: map[string]worker.Deliverer{baton.ChannelWebhook: &worker.Webhook{URL: srv.URL, Sender: &webhook.Sender{Client: srv.Client(), Secret: rc.secret}}}}
	timers := &worker.Timers{Service: svc}
	// Run every clock to its end, delivering what it sends.
	for range 20 {
		c.Add(7 * day)
		for {
			n, err := timers.RunOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
		}
		if _, err := ob.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	a := &agedHandoff{svc: svc, db: db, path: path, clock: c, handoff: res.Handoff.ID}
	a.events = a.log(t)
	return a
}

func (a *agedHandoff) log(t *testing.T) []*baton.Event {
	t.Helper()
	var evs []*baton.Event
	if err := a.db.View(context.Background(), func(tx baton.Tx) (err error) {
		evs, err = tx.Events(context.Background(), a.handoff)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return evs
}

// rows counts a table's rows by status, read beside the store.
func (a *agedHandoff) rows(t *testing.T, table string) map[string]int {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+a.path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT status, COUNT(*) FROM ` + table + ` GROUP BY status`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		out[s] = n
	}
	return out
}

func TestRetentionRemovesFinishedWorkAndKeepsTheLog(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := setupAged(t)
	timersBefore, msgsBefore := a.rows(t, "timers"), a.rows(t, "messages")
	if timersBefore[baton.TimerFired] == 0 || msgsBefore[baton.MessageSent] == 0 {
		t.Fatalf("setup: got timers %v and messages %v, want fired timers and sent messages", timersBefore, msgsBefore)
	}
	var observed []worker.RetentionRound
	w := &worker.Retention{Store: a.db, Clock: a.clock, Timers: 30 * day, Messages: 30 * day, SignalBodies: 90 * day, Batch: 2,
		Observe: func(r worker.RetentionRound) { observed = append(observed, r) }}
	r, err := w.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantTimers := timersBefore[baton.TimerFired] + timersBefore[baton.TimerCancelled]
	if r.Timers != wantTimers || r.Messages != msgsBefore[baton.MessageSent] || r.SignalBodies != 1 {
		t.Errorf("round: got %d timers, %d messages, %d signal bodies; want %d, %d, 1", r.Timers, r.Messages, r.SignalBodies, wantTimers, msgsBefore[baton.MessageSent])
	}
	if len(observed) != 1 || observed[0] != r {
		t.Errorf("observed: got %+v, want the round %+v", observed, r)
	}
	if got := a.rows(t, "timers"); got[baton.TimerFired]+got[baton.TimerCancelled] != 0 {
		t.Errorf("timers left: got %v, want no finished ones", got)
	}
	if got := a.rows(t, "messages"); got[baton.MessageSent] != 0 {
		t.Errorf("messages left: got %v, want no sent ones", got)
	}
	if diff := cmp.Diff(a.events, a.log(t)); diff != "" {
		t.Errorf("event log changed (-before +after):\n%s", diff)
	}
	// The handoff and its page still read.
	if _, err := a.svc.Handoff(ctx, a.handoff); err != nil {
		t.Errorf("handoff after retention: %v", err)
	}
	// A second round, or another node's, finds nothing left.
	if r, err := w.RunOnce(ctx); err != nil || r.Timers+r.Messages+r.SignalBodies != 0 {
		t.Errorf("second round: got %+v (%v), want nothing removed", r, err)
	}
}

func TestRetentionKeepsDedupeAfterClearingTheBody(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := setupAged(t)
	w := &worker.Retention{Store: a.db, Clock: a.clock, SignalBodies: 90 * day}
	if r, err := w.RunOnce(ctx); err != nil || r.SignalBodies != 1 {
		t.Fatalf("round: got %+v (%v), want one signal body cleared", r, err)
	}
	var sig *baton.Signal
	if err := a.db.View(ctx, func(tx baton.Tx) (err error) {
		sig, err = tx.SignalByExternalID(ctx, "r1")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if sig.Contact.Phone != "" || sig.Contact.Name != "" || sig.Contact.Email != "ana@acme.com" || sig.HandoffID != a.handoff {
		t.Errorf("cleared signal: got contact %+v, handoff %s; want only the email, and handoff %s", sig.Contact, sig.HandoffID, a.handoff)
	}
	// The sender retries the signal: it is the same signal, still.
	res, err := a.svc.Ingest(ctx, &baton.Signal{ExternalID: "r1", Type: baton.SignalDemoRequest, Contact: baton.SignalContact{Email: "ana@acme.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Duplicate || res.Handoff == nil || res.Handoff.ID != a.handoff {
		t.Errorf("replay of r1: got duplicate %v, handoff %v; want a duplicate of handoff %s", res.Duplicate, res.Handoff, a.handoff)
	}
}

func TestRetentionRoundsOnTwoWorkersRemoveEachRowOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := setupAged(t)
	timersBefore, msgsBefore := a.rows(t, "timers"), a.rows(t, "messages")
	want := worker.RetentionRound{Timers: timersBefore[baton.TimerFired] + timersBefore[baton.TimerCancelled], Messages: msgsBefore[baton.MessageSent], SignalBodies: 1}
	var wg sync.WaitGroup
	rounds := make([]worker.RetentionRound, 2)
	for i := range rounds {
		wg.Go(func() {
			w := &worker.Retention{Store: a.db, Clock: a.clock, Timers: 30 * day, Messages: 30 * day, SignalBodies: 90 * day, Batch: 1}
			r, err := w.RunOnce(ctx)
			if err != nil {
				t.Error(err)
			}
			rounds[i] = r
		})
	}
	wg.Wait()
	got := worker.RetentionRound{Timers: rounds[0].Timers + rounds[1].Timers, Messages: rounds[0].Messages + rounds[1].Messages,
		SignalBodies: rounds[0].SignalBodies + rounds[1].SignalBodies}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("removed by both (-want +got):\n%s", diff)
	}
}

func TestRetentionOffRemovesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := setupAged(t)
	timersBefore, msgsBefore := a.rows(t, "timers"), a.rows(t, "messages")
	w := &worker.Retention{Store: a.db, Clock: a.clock}
	if !w.Off() {
		t.Fatal("Off: got false, want true with every window zero")
	}
	if err := w.Run(ctx); err != nil { // returns at once
		t.Fatal(err)
	}
	if r, err := w.RunOnce(ctx); err != nil || r.Timers+r.Messages+r.SignalBodies != 0 {
		t.Errorf("round: got %+v (%v), want nothing removed", r, err)
	}
	if diff := cmp.Diff(timersBefore, a.rows(t, "timers")); diff != "" {
		t.Errorf("timers (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(msgsBefore, a.rows(t, "messages")); diff != "" {
		t.Errorf("messages (-before +after):\n%s", diff)
	}
}
