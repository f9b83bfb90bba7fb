package worker_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/google/go-cmp/cmp"
)

// stopper is a channel whose delivery is cut short by the node stopping:
// it cancels the round's context and fails with its error.
type stopper struct {
	cancel context.CancelFunc
	mu     sync.Mutex
	calls  int
}

func (s *stopper) Deliver(ctx context.Context, _ *baton.Message, _ time.Time) baton.DeliveryResult {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
	s.cancel()
	return baton.DeliveryResult{Err: context.Cause(ctx), Retryable: true}
}

// TestOutboxReleasesWhatAStopCutShort: a round that the node's stop
// interrupts settles nothing (no attempt counted) and releases every
// message it claimed, the one cut short and the one not tried, on a
// context that is not cancelled.
func TestOutboxReleasesWhatAStopCutShort(t *testing.T) {
	t.Parallel()
	svc, c, ob, db := setupDB(t, &receiver{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := &stopper{cancel: cancel}
	ob.Parallel = 1
	ob.Channels[baton.ChannelWebhook], ob.Channels[baton.ChannelEmail] = st, st
	enqueue(t, db, c.Now(), "m_email", baton.ChannelEmail)
	var released []string
	var releaseErr error
	ob.Release = func(ctx context.Context, ids []string) error {
		released, releaseErr = ids, ctx.Err()
		return nil
	}

	n, err := ob.RunOnce(ctx)
	if n != 2 || err != nil {
		t.Fatalf("got %d claimed (%v), want 2", n, err)
	}
	if st.calls != 1 {
		t.Errorf("got %d attempts, want 1 (none after the stop)", st.calls)
	}
	pending, err := svc.Messages(context.Background(), baton.MessagePending, 10)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range pending {
		ids = append(ids, m.ID)
		if m.Attempts != 0 || m.LastError != "" {
			t.Errorf("message %s: got %d attempts, error %q; want none recorded", m.ID, m.Attempts, m.LastError)
		}
	}
	if diff := cmp.Diff(ids, released, cmp.Transformer("sort", sorted)); diff != "" || len(ids) != 2 {
		t.Errorf("released (-pending +released):\n%s", diff)
	}
	if releaseErr != nil {
		t.Errorf("release context: got %v, want not cancelled", releaseErr)
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// TestOutboxReleasesHandedMessagesAtStop: messages handed to the outbox
// (Hand) that a stop keeps it from attempting, or cuts short, record no
// attempt and have their leases ended, so that another node sends them
// now rather than when the lease would have run out.
func TestOutboxReleasesHandedMessagesAtStop(t *testing.T) {
	t.Parallel()
	svc, c, ob, db := setupDB(t, &receiver{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := &stopper{cancel: cancel}
	ob.Parallel = 1
	ob.Poll = time.Hour
	ob.Channels[baton.ChannelWebhook], ob.Channels[baton.ChannelEmail] = st, st
	var mu sync.Mutex
	var released []string
	ob.Release = func(ctx context.Context, ids []string) error {
		mu.Lock()
		defer mu.Unlock()
		if ctx.Err() != nil {
			t.Errorf("release context: got %v, want not cancelled", ctx.Err())
		}
		released = append(released, ids...)
		return nil
	}
	// Handed before Run starts: they wait for it.
	var handed []string
	db.OnMessagesLeased(func(ms []*baton.Message) {
		for _, m := range ms {
			handed = append(handed, m.ID)
		}
		ob.Hand(ms)
	})
	svc.SetHandLease(time.Hour)
	for _, email := range []string{"b@globex.com", "c@initech.com"} {
		if _, err := svc.Ingest(context.Background(), &baton.Signal{ExternalID: email, Type: baton.SignalDemoRequest, Contact: baton.SignalContact{Email: email}}); err != nil {
			t.Fatal(err)
		}
	}
	_ = c
	ob.Run(ctx) // the first attempt, handed or claimed, stops the node
	if len(handed) != 2 {
		t.Fatalf("handed %d messages, want 2", len(handed))
	}

	pending, err := svc.Messages(context.Background(), baton.MessagePending, 10)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range pending {
		ids = append(ids, m.ID)
		if m.Attempts != 0 || m.LastError != "" {
			t.Errorf("message %s: got %d attempts, error %q; want none recorded", m.ID, m.Attempts, m.LastError)
		}
	}
	if len(ids) != 3 {
		t.Errorf("got %d pending messages, want 3", len(ids))
	}
	// The handed ones are released; the first signal's, queued unleased,
	// too if the round claimed it before the stop.
	for _, id := range released {
		if !slices.Contains(ids, id) {
			t.Errorf("released %s, which is not pending", id)
		}
	}
	for _, id := range handed {
		if !slices.Contains(released, id) {
			t.Errorf("handed %s was not released", id)
		}
	}
	// One attempt stops the node; the round's and the handed ones' run
	// side by side, so a second may have begun at the same moment.
	if st.calls < 1 || st.calls > 2 {
		t.Errorf("got %d attempts, want 1 or 2 (none after the stop)", st.calls)
	}
}
