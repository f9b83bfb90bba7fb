package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton"
)

var errBoom = errors.New("boom")

func put(key, value string) func(baton.Tx) error {
	return func(tx baton.Tx) error { return tx.PutSetting(context.Background(), key, []byte(value)) }
}

// setting reads key: its value, or "" and the error.
func setting(db baton.Store, key string) (string, error) {
	var v []byte
	err := db.View(context.Background(), func(tx baton.Tx) (err error) {
		v, err = tx.Setting(context.Background(), key)
		return err
	})
	return string(v), err
}

// concurrently runs fn(i) for i in [0, n) at once and returns their errors.
func concurrently(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// testUpdate checks what Update promises every caller, alone or among
// many: its function's writes commit together or not at all, its error
// (or panic) is its own, and writes that race on one row (a signal's
// external id, a pool's fairness state, a due timer) are decided once.
func testUpdate(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("FunctionErrorWritesNothing", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		err := db.Update(ctx, func(tx baton.Tx) error {
			if err := tx.PutSetting(ctx, "k", []byte("v")); err != nil {
				return err
			}
			return errBoom
		})
		if !errors.Is(err, errBoom) {
			t.Errorf("update: got error %v, want %v", err, errBoom)
		}
		got, err := setting(db, "k")
		wantCode(t, "setting written by a failed update", err, baton.ENOTFOUND)
		if got != "" {
			t.Errorf("setting: got %q, want none", got)
		}
	})

	t.Run("PanicIsTheCallersErrorOnly", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		errs := concurrently(8, func(i int) error {
			return db.Update(ctx, func(tx baton.Tx) error {
				if err := tx.PutSetting(ctx, fmt.Sprintf("k%d", i), []byte("v")); err != nil {
					return err
				}
				if i%2 == 1 {
					panic("bad request")
				}
				return nil
			})
		})
		for i, err := range errs {
			_, serr := setting(db, fmt.Sprintf("k%d", i))
			if i%2 == 1 {
				if err == nil {
					t.Errorf("update %d that panicked: got nil error, want one", i)
				}
				wantCode(t, fmt.Sprintf("setting of update %d that panicked", i), serr, baton.ENOTFOUND)
			} else {
				if err != nil {
					t.Errorf("update %d: got error %v, want nil", i, err)
				}
				if serr != nil {
					t.Errorf("setting of update %d: got error %v, want it written", i, serr)
				}
			}
		}
	})

	t.Run("FailuresAmongConcurrentUpdatesAreIsolated", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		const n = 32
		errs := concurrently(n, func(i int) error {
			return db.Update(ctx, func(tx baton.Tx) error {
				if err := tx.PutSetting(ctx, fmt.Sprintf("k%d", i), []byte("v")); err != nil {
					return err
				}
				if i%3 == 0 {
					return errBoom
				}
				return nil
			})
		})
		for i, err := range errs {
			_, serr := setting(db, fmt.Sprintf("k%d", i))
			if i%3 == 0 {
				if !errors.Is(err, errBoom) {
					t.Errorf("update %d: got error %v, want %v", i, err, errBoom)
				}
				wantCode(t, fmt.Sprintf("setting of failed update %d", i), serr, baton.ENOTFOUND)
			} else if err != nil || serr != nil {
				t.Errorf("update %d: got errors %v and %v, want it committed", i, err, serr)
			}
		}
	})

	t.Run("ConflictLeavesTheTransactionUsable", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		sig := func(id string) *baton.Signal {
			return &baton.Signal{ID: id, ExternalID: "ext-1", Type: baton.SignalDemoRequest, OccurredAt: t0, ReceivedAt: t0}
		}
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.InsertSignal(ctx, sig("s1")) })
		mustUpdate(t, db, func(tx baton.Tx) error {
			wantCode(t, "repeated external id", tx.InsertSignal(ctx, sig("s2")), baton.ECONFLICT)
			return tx.PutSetting(ctx, "after", []byte("conflict"))
		})
		if got, err := setting(db, "after"); err != nil || got != "conflict" {
			t.Errorf("setting written after a conflict: got %q, %v, want %q", got, err, "conflict")
		}
	})

	t.Run("ConcurrentSignalsWithOneExternalIDStoreOne", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		const n = 8
		errs := concurrently(n, func(i int) error {
			return db.Update(ctx, func(tx baton.Tx) error {
				return tx.InsertSignal(ctx, &baton.Signal{ID: fmt.Sprintf("s%d", i), ExternalID: "same", Type: baton.SignalDemoRequest, OccurredAt: t0, ReceivedAt: t0})
			})
		})
		stored := 0
		for i, err := range errs {
			switch baton.ErrorCode(err) {
			case "":
				stored++
			case baton.ECONFLICT:
			default:
				t.Errorf("insert %d: got error %v, want nil or ECONFLICT", i, err)
			}
		}
		if stored != 1 {
			t.Errorf("got %d inserts of one external id stored, want 1", stored)
		}
	})

	t.Run("ConcurrentFindOrCreateMakesOneAccount", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		const n = 8
		errs := concurrently(n, func(i int) error {
			return db.Update(ctx, func(tx baton.Tx) error {
				_, err := tx.AccountByDomain(ctx, "acme.example")
				if baton.ErrorCode(err) != baton.ENOTFOUND {
					return err
				}
				return tx.PutAccount(ctx, &baton.Account{ID: fmt.Sprintf("a%d", i), Name: "Acme", Domain: "acme.example", Status: "prospect", CreatedAt: t0, UpdatedAt: t0})
			})
		})
		for i, err := range errs {
			if err != nil {
				t.Errorf("find or create %d: got error %v, want nil (the account another made)", i, err)
			}
		}
		var list []*baton.Account
		mustView(t, db, func(tx baton.Tx) (err error) {
			list, err = tx.Accounts(ctx, 100)
			return err
		})
		if len(list) != 1 {
			t.Errorf("got %d accounts, want 1", len(list))
		}
	})

	t.Run("ConcurrentPicksSeeEachOther", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		const n = 24
		now := msec(t0)
		errs := concurrently(n, func(i int) error {
			return db.Update(ctx, func(tx baton.Tx) error {
				st, err := tx.PoolState(ctx, "team:ae")
				if err != nil {
					return err
				}
				u := fmt.Sprintf("u%d", i%3)
				return tx.RecordPick(ctx, "team:ae", u, st.VTime+1, st.Members[u].Pass+1, now)
			})
		})
		for i, err := range errs {
			if err != nil {
				t.Fatalf("pick %d: got error %v, want nil", i, err)
			}
		}
		var st baton.PoolState
		mustView(t, db, func(tx baton.Tx) (err error) {
			st, err = tx.PoolState(ctx, "team:ae")
			return err
		})
		if st.VTime != n {
			t.Errorf("virtual time after %d picks: got %d, want %d (a pick was lost)", n, st.VTime, n)
		}
		for u, m := range st.Members {
			if m.Pass != n/3 || m.Assigned != n/3 {
				t.Errorf("%s: got pass %d and %d assigned, want %d and %d", u, m.Pass, m.Assigned, n/3, n/3)
			}
		}
	})

	t.Run("ConcurrentClaimsTakeEachTimerOnce", func(t *testing.T) {
		t.Parallel()
		db := open(t)
		const n = 60
		now := msec(t0)
		var ts []*baton.Timer
		for i := range n {
			ts = append(ts, &baton.Timer{ID: fmt.Sprintf("t%03d", i), HandoffID: fmt.Sprintf("h%d", i), Kind: baton.TimerLadder, Generation: 1, DueAt: now.Add(-time.Duration(i) * time.Second)})
		}
		mustUpdate(t, db, func(tx baton.Tx) error { return tx.InsertTimers(ctx, ts...) })
		var mu sync.Mutex
		claimed := map[string]int{}
		errs := concurrently(6, func(int) error {
			for {
				var got []*baton.Timer
				err := db.Update(ctx, func(tx baton.Tx) (err error) {
					got, err = tx.ClaimTimers(ctx, now, time.Minute, 7)
					return err
				})
				if err != nil || len(got) == 0 {
					return err
				}
				mu.Lock()
				for _, tm := range got {
					claimed[tm.ID]++
				}
				mu.Unlock()
			}
		})
		for i, err := range errs {
			if err != nil {
				t.Errorf("claimer %d: got error %v, want nil", i, err)
			}
		}
		if len(claimed) != n {
			t.Errorf("got %d timers claimed, want %d", len(claimed), n)
		}
		for id, c := range claimed {
			if c != 1 {
				t.Errorf("timer %s: claimed %d times within its lease, want once", id, c)
			}
		}
	})
}

func wantSetting(t *testing.T, db baton.Store, key, want string) {
	t.Helper()
	got, err := setting(db, key)
	if err != nil {
		t.Errorf("setting %s: got error %v, want %q", key, err, want)
	} else if got != want {
		t.Errorf("setting %s: got %q, want %q", key, got, want)
	}
}

func wantNoSetting(t *testing.T, db baton.Store, key string) {
	t.Helper()
	got, err := setting(db, key)
	if err == nil {
		t.Errorf("setting %s: got %q, want ENOTFOUND", key, got)
		return
	}
	wantCode(t, "setting "+key, err, baton.ENOTFOUND)
}
