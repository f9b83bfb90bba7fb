package service_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/batontest"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
)

// countingStore counts write transactions.
type countingStore struct {
	baton.Store
	updates atomic.Int64
}

func (s *countingStore) Update(ctx context.Context, fn func(baton.Tx) error) error {
	s.updates.Add(1)
	return s.Store.Update(ctx, fn)
}

// overdueHandoff is a service on a counting store with one handoff whose
// ladder fell due long ago, and the ids of its claimed due timers, in due
// order.
func overdueHandoff(t *testing.T) (*service.Service, *countingStore, string, []string) {
	t.Helper()
	ctx := context.Background()
	st := &countingStore{Store: batontest.Store(t)}
	clock := batontest.NewClock(t0)
	svc := service.New(st, clock, playbook.Default(), nil)
	users := batontest.TeamUsers()
	for i := range users {
		users[i].WorkingHours = "24x7"
	}
	batontest.Team(t, svc.PutUser, users...)
	res, err := svc.Ingest(ctx, demoRequest("overdue-1"))
	if err != nil || res.Handoff == nil {
		t.Fatalf("ingest: got %+v, %v; want a handoff", res, err)
	}
	clock.Add(30 * 24 * time.Hour)
	timers, err := svc.ClaimTimers(ctx, time.Minute, 500)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, tm := range timers {
		if tm.HandoffID == res.Handoff.ID {
			ids = append(ids, tm.ID)
		}
	}
	if len(ids) < 3 {
		t.Fatalf("got %d due timers on the handoff, want at least 3", len(ids))
	}
	return svc, st, res.Handoff.ID, ids
}

func eventKinds(t *testing.T, svc *service.Service, id string) []string {
	t.Helper()
	v, err := svc.Handoff(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return kinds(v.Events)
}

// TestFireTimersCommitsAHandoffsStepsOnce checks that a handoff's steps
// that fell due together fire in one transaction, with the same events as
// firing them one at a time.
func TestFireTimersCommitsAHandoffsStepsOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	one, _, oneID, oneIDs := overdueHandoff(t)
	for _, id := range oneIDs {
		if _, err := one.FireTimer(ctx, id); err != nil {
			t.Fatalf("fire %s: %v", id, err)
		}
	}

	svc, st, hID, ids := overdueHandoff(t)
	before := st.updates.Load()
	res := svc.FireTimers(ctx, ids)
	if got := st.updates.Load() - before; got != 1 {
		t.Errorf("got %d write transactions for %d due steps, want 1", got, len(ids))
	}
	fired := 0
	for i, r := range res {
		if r.Err != nil {
			t.Errorf("timer %s: got error %v, want nil", ids[i], r.Err)
		}
		if r.Fired {
			fired++
		}
	}
	if fired == 0 {
		t.Errorf("got no step fired, want the ladder's")
	}
	if diff := cmp.Diff(eventKinds(t, one, oneID), eventKinds(t, svc, hID)); diff != "" {
		t.Errorf("events differ from firing one at a time (-one at a time +together):\n%s", diff)
	}
	// Fired once: again, nothing happens.
	again := svc.FireTimers(ctx, ids)
	for i, r := range again {
		if r.Fired || r.Err != nil {
			t.Errorf("timer %s fired again: got %+v, want not fired and no error", ids[i], r)
		}
	}
}

// TestFireTimersFailingStepHoldsBackNoOther checks that when one timer of
// the list fails, the others still fire (each on its own) and only the
// failing one reports an error.
func TestFireTimersFailingStepHoldsBackNoOther(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _, hID, ids := overdueHandoff(t)
	list := append([]string{ids[0], "no-such-timer"}, ids[1:]...)
	res := svc.FireTimers(ctx, list)
	for i, r := range res {
		switch {
		case list[i] == "no-such-timer":
			if baton.ErrorCode(r.Err) != baton.ENOTFOUND {
				t.Errorf("missing timer: got error %v, want ENOTFOUND", r.Err)
			}
		case r.Err != nil:
			t.Errorf("timer %s: got error %v, want nil", list[i], r.Err)
		}
	}
	var pending int
	v, err := svc.Handoff(ctx, hID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tm := range v.Timers {
		for _, id := range ids {
			if tm.ID == id {
				pending++
			}
		}
	}
	if pending != 0 {
		t.Errorf("got %d of the due timers still pending, want 0", pending)
	}
}
