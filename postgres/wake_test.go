package postgres_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/postgres"
)

// TestOnMessagesLeased checks the outbox's hand-over on PostgreSQL: a
// message queued leased (Message.LeaseUntil) is handed to the hook once
// its transaction commits, only if its command succeeded, without waking
// the claiming outbox; no claim takes it before its lease ends, any claim
// after.
func TestOnMessagesLeased(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := open(t, postgres.Options{Writers: 2, ReadConns: 1})
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
	enqueue := func(id string, leased, fail bool) func(baton.Tx) error {
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
	for _, c := range []struct {
		id             string
		leased, refuse bool
		handed         []string
		wakes          int
	}{
		{"m1", true, false, []string{"m1"}, 0},
		{"m2", true, true, nil, 0},
		{"m3", false, false, nil, 1},
	} {
		_ = db.Update(ctx, enqueue(c.id, c.leased, c.refuse))
		if ids, w := take(); !slices.Equal(ids, c.handed) || w != c.wakes {
			t.Errorf("%s: handed %v and woke %d times, want %v and %d", c.id, ids, w, c.handed, c.wakes)
		}
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
	if got := claim(now); !slices.Equal(got, []string{"m3"}) {
		t.Errorf("claim within the lease: got %v, want [m3]", got)
	}
	if got := claim(lease); !slices.Equal(got, []string{"m1", "m3"}) {
		t.Errorf("claim at the lease's end: got %v, want [m1 m3]", got)
	}
}
