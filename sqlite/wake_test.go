package sqlite_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/sqlite"
)

// TestOnMessagesCommitted checks the outbox's wake: the hook runs once a
// transaction that queued a message has committed, and not for one that
// queued none or whose command failed (its message rolled back).
func TestOnMessagesCommitted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t, sqlite.Options{Synchronous: "NORMAL"})
	calls := 0
	db.OnMessagesCommitted(func() { calls++ }) // runs on the writer, before Update returns
	now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	enqueue := func(id string) func(baton.Tx) error {
		return func(tx baton.Tx) error {
			return tx.EnqueueMessage(ctx, &baton.Message{ID: id, Kind: baton.MsgAssigned, Channel: baton.ChannelWebhook, Payload: []byte(`{}`), CreatedAt: now})
		}
	}
	tests := []struct {
		name string
		fn   func(baton.Tx) error
		want int
	}{
		{"NoMessage", func(tx baton.Tx) error { return tx.PutSetting(ctx, "k", []byte("v")) }, 0},
		{"MessageQueued", enqueue("m1"), 1},
		{"CommandFailed", func(tx baton.Tx) error {
			if err := enqueue("m2")(tx); err != nil {
				return err
			}
			return errors.New("refused")
		}, 0},
	}
	for _, tt := range tests {
		calls = 0
		_ = db.Update(ctx, tt.fn)
		if calls != tt.want {
			t.Errorf("%s: got %d wakes, want %d", tt.name, calls, tt.want)
		}
	}
}

// TestOnMessagesLeased checks the outbox's hand-over: a message queued
// leased (Message.LeaseUntil) is handed to the hook once its transaction
// commits, in a batch only if its own command succeeded, without waking
// the claiming outbox; it is stored leased, so no claim takes it before
// the lease ends, and any claim takes it after (the node that queued it
// stopped before delivering it).
func TestOnMessagesLeased(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := newDB(t, sqlite.Options{Synchronous: "NORMAL"})
	var mu sync.Mutex
	var handed []string
	wakes := 0
	db.OnMessagesLeased(func(ms []*baton.Message) {
		mu.Lock()
		defer mu.Unlock()
		for _, m := range ms {
			handed = append(handed, m.ID)
		}
	})
	db.OnMessagesCommitted(func() { mu.Lock(); wakes++; mu.Unlock() })
	now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	lease := now.Add(2 * time.Minute)
	enqueue := func(id string, leased bool, fail bool) func(baton.Tx) error {
		return func(tx baton.Tx) error {
			m := &baton.Message{ID: id, Kind: baton.MsgAssigned, Channel: baton.ChannelWebhook, Payload: []byte(`{}`), CreatedAt: now}
			if leased {
				m.LeaseUntil = lease
			}
			if err := tx.EnqueueMessage(ctx, m); err != nil {
				return err
			}
			if fail {
				return errors.New("refused")
			}
			return nil
		}
	}
	take := func() (ids []string, w int) {
		mu.Lock()
		defer mu.Unlock()
		ids, w, handed, wakes = handed, wakes, nil, 0
		return ids, w
	}

	// Alone: the whole transaction is the command.
	_ = db.Update(ctx, enqueue("alone", true, false))
	if ids, w := take(); !slices.Equal(ids, []string{"alone"}) || w != 0 {
		t.Errorf("one leased message: handed %v and woke %d times, want [alone] and 0", ids, w)
	}
	_ = db.Update(ctx, enqueue("refused", true, true))
	if ids, _ := take(); len(ids) != 0 {
		t.Errorf("failed command: handed %v, want none", ids)
	}

	// In a batch: each command under its savepoint.
	release := blockWriter(t, db, nil)
	var wg sync.WaitGroup
	for _, c := range []struct {
		id             string
		leased, refuse bool
	}{{"b1", true, false}, {"b2", true, true}, {"b3", false, false}, {"b4", true, false}} {
		wg.Go(func() { _ = db.Update(ctx, enqueue(c.id, c.leased, c.refuse)) })
	}
	waitQueued(t, db, 4)
	if err := release(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	ids, w := take()
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"b1", "b4"}) || w != 1 {
		t.Errorf("batch: handed %v and woke %d times, want [b1 b4] and 1 (for b3)", ids, w)
	}

	claim := func(at time.Time) []string {
		var got []*baton.Message
		if err := db.Update(ctx, func(tx baton.Tx) (err error) {
			got, err = tx.ClaimMessages(ctx, at, time.Minute, 10)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, m := range got {
			ids = append(ids, m.ID)
		}
		slices.Sort(ids)
		return ids
	}
	if got := claim(now); !slices.Equal(got, []string{"b3"}) {
		t.Errorf("claim within the lease: got %v, want [b3] (the leased ones are the outbox's)", got)
	}
	// b3's claim above leased it for a minute, ended by then too.
	if got := claim(lease); !slices.Equal(got, []string{"alone", "b1", "b3", "b4"}) {
		t.Errorf("claim at the lease's end: got %v, want [alone b1 b3 b4]", got)
	}
}
