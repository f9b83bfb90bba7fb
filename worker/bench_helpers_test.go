package worker_test

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/batontest"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/sqlite"
	"github.com/google/uuid"
)

// This file holds what the timer benchmark and its small correctness test
// share: a store wrapper that reports what each committed transaction did to
// timers, a rig with a real SQLite file and real handoffs, a batched timer
// loader, and readers for lateness and memory figures.

// benchKind is a timer kind the service does not know: FireTimer finishes
// such a timer as cancelled, in one transaction, which exercises the whole
// claim → check → finish path without writing events or messages.
const benchKind = "bench"

// timerCommit is what one Update did to timers, reported after it returned.
type timerCommit struct {
	// Err is what Update returned; Claimed and Finished count only when it
	// is nil (otherwise the transaction, or its savepoint, rolled back).
	Err      error
	Claimed  []*baton.Timer
	Finished []string // timer ids, in the order FinishTimer was called
	// Conflicts counts FinishTimer calls refused because the timer was no
	// longer pending: a second finish of one timer.
	Conflicts int
	// At is when Update returned: the finish is durable from then on.
	At time.Time
}

// observedStore is a baton.Store that reports each Update that claimed or
// finished a timer. Callbacks are serialised, so onCommit needs no lock of
// its own.
type observedStore struct {
	baton.Store
	mu       sync.Mutex
	onCommit func(timerCommit)
}

func (s *observedStore) Update(ctx context.Context, fn func(baton.Tx) error) error {
	var otx *observedTx
	err := s.Store.Update(ctx, func(tx baton.Tx) error {
		otx = &observedTx{Tx: tx}
		return fn(otx)
	})
	if otx == nil || (len(otx.claimed) == 0 && len(otx.finished) == 0 && otx.conflicts == 0) {
		return err
	}
	c := timerCommit{Err: err, Conflicts: otx.conflicts, At: time.Now()}
	if err == nil {
		c.Claimed, c.Finished = otx.claimed, otx.finished
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.onCommit != nil {
		s.onCommit(c)
	}
	return err
}

// observedTx records the timers a transaction claims and finishes.
type observedTx struct {
	baton.Tx
	claimed   []*baton.Timer
	finished  []string
	conflicts int
}

func (tx *observedTx) ClaimTimers(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*baton.Timer, error) {
	ts, err := tx.Tx.ClaimTimers(ctx, now, lease, limit)
	if err == nil {
		tx.claimed = append(tx.claimed, ts...)
	}
	return ts, err
}

func (tx *observedTx) FinishTimer(ctx context.Context, id, status string, now time.Time) error {
	err := tx.Tx.FinishTimer(ctx, id, status, now)
	switch {
	case err == nil:
		tx.finished = append(tx.finished, id)
	case baton.ErrorCode(err) == baton.ECONFLICT:
		tx.conflicts++
	}
	return err
}

// timerRig is a service on a real store (a SQLite file, or a PostgreSQL
// schema) with real handoffs to hang timers on.
type timerRig struct {
	ctx      context.Context
	path     string // the SQLite file; empty on PostgreSQL
	db       baton.Store
	store    *observedStore
	svc      *service.Service
	handoffs []string // ids of handoffs at generation 1
}

// newTimerRig opens a fresh SQLite store in tb's temp dir (newTimerRigOn).
func newTimerRig(tb testing.TB, clock baton.Clock, opts sqlite.Options, handoffs int) *timerRig {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "timers.db")
	db := batontest.OpenStore(tb, path, opts) // a copy of a migrated store
	r := newTimerRigOn(tb, clock, db, handoffs)
	r.path = path
	return r
}

// newTimerRigOn puts a service on db and ingests one demo request per
// handoff wanted, each from a different company so none coalesce.
func newTimerRigOn(tb testing.TB, clock baton.Clock, db baton.Store, handoffs int) *timerRig {
	tb.Helper()
	ctx := context.Background()
	r := &timerRig{ctx: ctx, db: db, store: &observedStore{Store: db}}
	r.svc = service.New(r.store, clock, playbook.Default(), nil)
	if _, err := r.svc.PutUser(ctx, &baton.User{Email: "sdr@t.example", Name: "Sdr", Role: baton.RoleSDR, Team: "sdr",
		TimeZone: "UTC", WorkingHours: "24x7", Active: true}); err != nil {
		tb.Fatal(err)
	}
	for i := range handoffs {
		res, err := r.svc.Ingest(ctx, &baton.Signal{ExternalID: fmt.Sprint("bench-", i), Type: baton.SignalDemoRequest,
			Contact: baton.SignalContact{Email: fmt.Sprintf("buyer%d@company%d.example", i, i)},
			Account: baton.SignalAccount{Name: fmt.Sprint("Company ", i), Domain: fmt.Sprintf("company%d.example", i)}})
		if err != nil {
			tb.Fatalf("ingest %d: %v", i, err)
		}
		if res.Handoff == nil || res.Handoff.Generation != 1 {
			tb.Fatalf("ingest %d: got handoff %+v (%s), want a new handoff at generation 1", i, res.Handoff, res.Reason)
		}
		r.handoffs = append(r.handoffs, res.Handoff.ID)
	}
	return r
}

// insertTimers writes n timers built by gen, perStmt to an InsertTimers
// statement and perTx to an Update, one Update at a time. gen fills in a
// timer's ID, HandoffID, DueAt and whatever else it sets; Kind defaults to
// benchKind and Generation to 1. The timer structs are reused between
// transactions, so gen must not keep them.
func insertTimers(ctx context.Context, st baton.Store, n, perStmt, perTx int, gen func(i int, t *baton.Timer)) error {
	buf := make([]baton.Timer, perTx)
	ptrs := make([]*baton.Timer, perTx)
	for i := 0; i < n; i += perTx {
		m := min(perTx, n-i)
		for j := range m {
			buf[j] = baton.Timer{Kind: benchKind, Generation: 1}
			gen(i+j, &buf[j])
			ptrs[j] = &buf[j]
		}
		batch := ptrs[:m]
		err := st.Update(ctx, func(tx baton.Tx) error {
			for k := 0; k < len(batch); k += perStmt {
				if err := tx.InsertTimers(ctx, batch[k:min(k+perStmt, len(batch))]...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("insert timers %d..%d: %w", i, i+m, err)
		}
	}
	return nil
}

// newTimerID is how the service names rows: a UUIDv7, so ids grow with
// creation time, as in production.
func newTimerID() string { return uuid.Must(uuid.NewV7()).String() }

// percentile returns the nearest-rank p-quantile (0 < p ≤ 1) of sorted.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// latencies sorts ds and returns its p50, p99 and max.
func latencies(ds []time.Duration) (p50, p99, maxd time.Duration) {
	slices.Sort(ds)
	return percentile(ds, 0.50), percentile(ds, 0.99), percentile(ds, 1)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// memStatus is the process's resident memory from /proc/self/status.
type memStatus struct {
	RSS, HWM int64 // bytes; HWM is the peak RSS since the process started
	// Anon and File split RSS: anonymous memory (Go heap, SQLite's page
	// caches) and mapped files (the test binary, the WAL index).
	Anon, File int64
}

func readMemStatus() (memStatus, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return memStatus{}, err
	}
	defer f.Close()
	var m memStatus
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		var dst *int64
		switch name {
		case "VmRSS":
			dst = &m.RSS
		case "VmHWM":
			dst = &m.HWM
		case "RssAnon":
			dst = &m.Anon
		case "RssFile":
			dst = &m.File
		}
		if !ok || dst == nil {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return memStatus{}, fmt.Errorf("parse %s: %w", name, err)
		}
		*dst = kb << 10
	}
	return m, sc.Err()
}

func mb(n uint64) float64 { return float64(n) / (1 << 20) }

// fileMB is the size of the SQLite file and its WAL, in MiB.
func fileMB(path string) (db, wal float64) {
	if fi, err := os.Stat(path); err == nil {
		db = mb(uint64(fi.Size()))
	}
	if fi, err := os.Stat(path + "-wal"); err == nil {
		wal = mb(uint64(fi.Size()))
	}
	return db, wal
}

// errorCounter is a slog.Handler that counts error records (the worker logs
// each failed claim or fire once) and keeps the first.
type errorCounter struct {
	n     atomic.Int64
	mu    sync.Mutex
	first string
}

func (h *errorCounter) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelError }

func (h *errorCounter) Handle(_ context.Context, r slog.Record) error {
	if h.n.Add(1) == 1 {
		var b strings.Builder
		b.WriteString(r.Message)
		r.Attrs(func(a slog.Attr) bool {
			fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
			return true
		})
		h.mu.Lock()
		h.first = b.String()
		h.mu.Unlock()
	}
	return nil
}

func (h *errorCounter) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *errorCounter) WithGroup(string) slog.Handler      { return h }

func (h *errorCounter) String() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return fmt.Sprintf("%d errors logged (first: %s)", h.n.Load(), h.first)
}
