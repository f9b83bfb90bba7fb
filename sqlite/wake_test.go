package sqlite_test

import (
	"context"
	"errors"
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
