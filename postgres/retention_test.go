package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/postgres"
	"github.com/batonhq/baton/postgres/pgtest"
	"github.com/batonhq/baton/worker"
)

type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

// TestRetentionOnNodesAtOnce runs the retention worker on three nodes of
// one database at once, each with two writers, in small batches: every
// finished timer and settled message is deleted once, every signal body
// cleared once, and no round fails (no deadlock, no conflict).
func TestRetentionOnNodesAtOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.Schema(t)
	var nodes []*postgres.DB
	for range 3 {
		db, err := postgres.Open(ctx, url, postgres.Options{Writers: 2, ReadConns: 1})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		nodes = append(nodes, db)
	}
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	old := now.Add(-100 * 24 * time.Hour)
	const n = 120
	if err := nodes[0].Update(ctx, func(tx baton.Tx) error {
		for i := range n {
			id := fmt.Sprintf("%03d", i)
			if err := tx.InsertTimers(ctx, &baton.Timer{ID: "t" + id, HandoffID: "h" + id, Kind: baton.TimerLadder, Generation: 1, DueAt: old}); err != nil {
				return err
			}
			if err := tx.FinishTimer(ctx, "t"+id, baton.TimerFired, old); err != nil {
				return err
			}
			m := &baton.Message{ID: "m" + id, HandoffID: "h" + id, Kind: baton.MsgAssigned, Channel: baton.ChannelWebhook, Payload: json.RawMessage(`{}`), CreatedAt: old}
			if err := tx.EnqueueMessage(ctx, m); err != nil {
				return err
			}
			if err := tx.SettleMessage(ctx, &baton.Message{ID: m.ID, Status: baton.MessageSent, Attempts: 1, SentAt: old}); err != nil {
				return err
			}
			if err := tx.InsertSignal(ctx, &baton.Signal{ID: "s" + id, ExternalID: "e" + id, Type: baton.SignalDemoRequest, OccurredAt: old, ReceivedAt: old.Add(time.Duration(i) * time.Second),
				Contact: baton.SignalContact{Email: "a" + id + "@example.com", Name: "Ada", Phone: "+44 20 7946 0000"}, HandoffID: "h" + id}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	rounds := make([]worker.RetentionRound, 2*len(nodes))
	for i := range rounds {
		wg.Go(func() {
			w := &worker.Retention{Store: nodes[i%len(nodes)], Clock: fixedClock(now), Timers: 30 * 24 * time.Hour, Messages: 30 * 24 * time.Hour,
				SignalBodies: 90 * 24 * time.Hour, Batch: 7}
			r, err := w.RunOnce(ctx)
			if err != nil {
				t.Errorf("round %d: %v", i, err)
			}
			rounds[i] = r
		})
	}
	wg.Wait()
	var got worker.RetentionRound
	for _, r := range rounds {
		got.Timers, got.Messages = got.Timers+r.Timers, got.Messages+r.Messages
	}
	if diff := cmp.Diff(worker.RetentionRound{Timers: n, Messages: n}, got); diff != "" {
		t.Errorf("deleted by all rounds (-want +got):\n%s", diff)
	}
	// A round that found another node clearing stopped early; one more
	// finishes whatever is left, and every body is cleared.
	w := &worker.Retention{Store: nodes[0], Clock: fixedClock(now), SignalBodies: 90 * 24 * time.Hour}
	if _, err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if err := nodes[1].View(ctx, func(tx baton.Tx) error {
		for i := range n {
			s, err := tx.SignalByExternalID(ctx, fmt.Sprintf("e%03d", i))
			if err != nil {
				return err
			}
			if s.Contact.Name != "" || s.Contact.Phone != "" || s.HandoffID != fmt.Sprintf("h%03d", i) {
				t.Errorf("signal e%03d: got contact %+v, handoff %s; want a cleared body and its handoff", i, s.Contact, s.HandoffID)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
