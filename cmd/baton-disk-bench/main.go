// Command baton-disk-bench measures the database's size per handoff, for
// docs/benchmarks.md ("Disk per handoff"):
//
//	go run ./cmd/baton-disk-bench --handoffs 1000000
//
// It ingests signals through the real service (service.Ingest: matching,
// routing, the default playbook's handoff, context, ladder timers and
// notification, in group-committed transactions on a SQLite file), the mix
// of baton-load (seven signal types over 1,000 company domains, a new
// contact each, lead scores, sources and campaigns; about one signal in
// five starts no handoff), --per-day signals per simulated day on a fake
// clock. Of the new handoffs, --act percent are accepted and touched
// through the service (their ladder timers cancelled, their events
// logged). At the end of each simulated day it stands in for the workers:
// every queued message is marked sent a second after it was queued and
// every timer due by then fired, by SQL on the file, so the rows are what
// the outbox and the timer worker leave (a fired ladder step's own events
// and messages are not written). Then, unless --retention=false, it runs
// one round of the retention worker (worker.Retention, the store's own
// methods) with the given windows, as baton serve does every hour.
//
// Every --report-every handoffs it checkpoints the WAL and prints the
// file's size (file + WAL), the bytes in use (without free pages, which
// SQLite reuses before it grows the file), both per handoff, and the bytes
// per handoff added since the last report: at steady state, with
// retention, that marginal figure is what each new handoff costs. At the
// end it prints each table's and index's bytes (SQLite's dbstat) per
// handoff.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/sqlite"
	"github.com/batonhq/baton/worker"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "baton-disk-bench:", err)
		os.Exit(1)
	}
}

type config struct {
	handoffs, perDay, act, concurrency, reportEvery int
	db                                              string
	keep, retention                                 bool
	retainTimers, retainMessages, retainBodies      time.Duration
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c config
	fs := flag.NewFlagSet("baton-disk-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&c.handoffs, "handoffs", 1_000_000, "stop after this many new handoffs")
	fs.IntVar(&c.perDay, "per-day", 1000, "signals per simulated day")
	fs.IntVar(&c.act, "act", 50, "percent of new handoffs accepted and touched through the service")
	fs.IntVar(&c.concurrency, "concurrency", 16, "concurrent ingest callers (they share group commits)")
	fs.IntVar(&c.reportEvery, "report-every", 100_000, "print the size every this many handoffs")
	fs.StringVar(&c.db, "db", "", "SQLite file to create (default: in a temporary directory, removed at the end)")
	fs.BoolVar(&c.keep, "keep", false, "keep the database file at the end")
	fs.BoolVar(&c.retention, "retention", true, "run the retention worker at the end of each simulated day")
	retain := func(d *time.Duration, name string, def time.Duration) {
		*d = def
		fs.Func(name, "retention window (default "+baton.Duration(def).String()+")", func(s string) (err error) {
			*d, err = baton.ParseDuration(s)
			return err
		})
	}
	retain(&c.retainTimers, "retain-timers", 30*24*time.Hour)
	retain(&c.retainMessages, "retain-messages", 30*24*time.Hour)
	retain(&c.retainBodies, "retain-signal-bodies", 90*24*time.Hour)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.handoffs <= 0 || c.perDay <= 0 || c.concurrency <= 0 || c.act < 0 || c.act > 100 {
		return errors.New("--handoffs, --per-day and --concurrency must be positive, --act 0 to 100")
	}
	if c.db == "" {
		dir, err := os.MkdirTemp("", "baton-disk-bench")
		if err != nil {
			return err
		}
		if !c.keep {
			defer os.RemoveAll(dir)
		}
		c.db = filepath.Join(dir, "disk.db")
	} else if _, err := os.Stat(c.db); err == nil {
		return fmt.Errorf("%s exists: the benchmark starts from an empty file", c.db)
	}
	b, err := newBench(ctx, c, stdout)
	if err != nil {
		return err
	}
	defer b.close()
	return b.run(ctx)
}

// bench is one run.
type bench struct {
	cfg   config
	out   io.Writer
	db    *sqlite.DB
	raw   *sql.DB // the same file, for the workers' stand-in and the sizes
	clock *clock
	svc   *service.Service
	ret   *worker.Retention

	handoffs, signals, acted atomic.Int64
	lastSize, lastHandoffs   int64
	started                  time.Time
}

func newBench(ctx context.Context, c config, out io.Writer) (*bench, error) {
	// NORMAL: the bytes on disk are the same as with FULL, the run faster.
	db, err := sqlite.Open(ctx, c.db, sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		return nil, err
	}
	raw, err := sql.Open("sqlite", "file:"+c.db+"?_pragma=busy_timeout(30000)")
	if err != nil {
		db.Close()
		return nil, err
	}
	raw.SetMaxOpenConns(1)
	clk := &clock{}
	clk.set(time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC))
	svc := service.New(db, clk, playbook.Default(), slog.New(slog.DiscardHandler))
	for i := 1; i <= 6; i++ {
		u := &baton.User{Email: fmt.Sprintf("sdr%d@bench.example", i), Name: fmt.Sprintf("SDR %d", i), Role: baton.RoleSDR, Team: "sdr",
			TimeZone: "UTC", Active: true}
		if _, err := svc.PutUser(ctx, u); err != nil {
			db.Close()
			raw.Close()
			return nil, err
		}
	}
	b := &bench{cfg: c, out: out, db: db, raw: raw, clock: clk, svc: svc, started: time.Now()}
	if c.retention {
		b.ret = &worker.Retention{Store: db, Clock: clk, Timers: c.retainTimers, Messages: c.retainMessages, SignalBodies: c.retainBodies}
	}
	return b, nil
}

func (b *bench) close() {
	b.raw.Close()
	b.db.Close()
}

func (b *bench) run(ctx context.Context) error {
	c := b.cfg
	fmt.Fprintf(b.out, "baton-disk-bench: %d handoffs, %d signals per day, %d%% accepted and touched, retention %s\n",
		c.handoffs, c.perDay, c.act, b.retentionText())
	fmt.Fprintf(b.out, "%10s %6s %10s %10s %10s %12s %12s %10s\n", "handoffs", "day", "signals", "file MB", "used MB", "file B/h", "used B/h", "Δused B/h")
	next := int64(c.reportEvery)
	var n int64 // signals sent
	for day := 0; b.handoffs.Load() < int64(c.handoffs); day++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		start := b.clock.now().Truncate(24 * time.Hour)
		if err := b.ingestDay(ctx, start, n); err != nil {
			return err
		}
		n += int64(c.perDay)
		end := start.Add(24 * time.Hour)
		b.clock.set(end)
		if err := b.finishWork(ctx, end); err != nil {
			return err
		}
		if b.ret != nil {
			if _, err := b.ret.RunOnce(ctx); err != nil {
				return fmt.Errorf("retention: %w", err)
			}
		}
		if h := b.handoffs.Load(); h >= next || h >= int64(c.handoffs) {
			if err := b.report(ctx, day+1); err != nil {
				return err
			}
			for next <= h {
				next += int64(c.reportEvery)
			}
		}
	}
	return b.tables(ctx)
}

func (b *bench) retentionText() string {
	if b.ret == nil {
		return "off"
	}
	return fmt.Sprintf("timers %s, messages %s, signal bodies %s", baton.Duration(b.cfg.retainTimers), baton.Duration(b.cfg.retainMessages), baton.Duration(b.cfg.retainBodies))
}

// ingestDay sends one day's signals, n0 onwards, spread over the day.
func (b *bench) ingestDay(ctx context.Context, start time.Time, n0 int64) error {
	c := b.cfg
	step := 24 * time.Hour / time.Duration(c.perDay)
	jobs := make(chan int64)
	var wg sync.WaitGroup
	var firstErr atomic.Pointer[error]
	admin := baton.Principal{Name: "bench", Access: baton.AccessAdmin}
	for range c.concurrency {
		wg.Go(func() {
			for n := range jobs {
				res, err := b.svc.Ingest(ctx, signalN(n))
				if err != nil {
					firstErr.CompareAndSwap(nil, &err)
					continue
				}
				b.signals.Add(1)
				if res.Handoff == nil || res.Duplicate {
					continue
				}
				h := b.handoffs.Add(1)
				if h%100 >= int64(c.act) {
					continue
				}
				for _, cmd := range []baton.Command{baton.CmdAccept, baton.CmdTouch} {
					if _, err := b.svc.Act(ctx, admin, res.Handoff.ID, cmd, service.CommandInput{}); err != nil {
						err = fmt.Errorf("%s %s: %w", cmd, res.Handoff.ID, err)
						firstErr.CompareAndSwap(nil, &err)
						break
					}
				}
				b.acted.Add(1)
			}
		})
	}
	for i := range int64(c.perDay) {
		if ctx.Err() != nil || firstErr.Load() != nil {
			break
		}
		b.clock.set(start.Add(time.Duration(i) * step))
		jobs <- n0 + i
	}
	close(jobs)
	wg.Wait()
	if p := firstErr.Load(); p != nil {
		return *p
	}
	return ctx.Err()
}

// finishWork stands in for the outbox and the timer worker at now: every
// queued message is sent a second after it was queued, every timer due by
// now fired.
func (b *bench) finishWork(ctx context.Context, now time.Time) error {
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`UPDATE messages SET status = 'sent', attempts = 1, sent_at = created_at + 1000 WHERE status = 'pending'`, nil},
		{`UPDATE timers SET status = 'fired', fired_at = due_at WHERE status = 'pending' AND due_at <= ?`, []any{now.UnixMilli()}},
	} {
		if _, err := b.raw.ExecContext(ctx, q.sql, q.args...); err != nil {
			return fmt.Errorf("finish work: %w", err)
		}
	}
	return nil
}

// size checkpoints the WAL and returns the file's size (file + WAL) and the
// bytes in use (pages not on the free list).
func (b *bench) size(ctx context.Context) (file, used int64, err error) {
	if _, err := b.raw.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return 0, 0, fmt.Errorf("checkpoint: %w", err)
	}
	for _, p := range []string{b.cfg.db, b.cfg.db + "-wal"} {
		if st, err := os.Stat(p); err == nil {
			file += st.Size()
		}
	}
	var pages, free, pageSize int64
	for _, q := range []struct {
		sql string
		v   *int64
	}{{`PRAGMA page_count`, &pages}, {`PRAGMA freelist_count`, &free}, {`PRAGMA page_size`, &pageSize}} {
		if err := b.raw.QueryRowContext(ctx, q.sql).Scan(q.v); err != nil {
			return 0, 0, err
		}
	}
	return file, (pages - free) * pageSize, nil
}

func (b *bench) report(ctx context.Context, day int) error {
	file, used, err := b.size(ctx)
	if err != nil {
		return err
	}
	h := b.handoffs.Load()
	marginal := "—"
	if b.lastHandoffs > 0 && h > b.lastHandoffs {
		marginal = strconv.FormatInt((used-b.lastSize)/(h-b.lastHandoffs), 10)
	}
	fmt.Fprintf(b.out, "%10d %6d %10d %10.1f %10.1f %12d %12d %10s   (%s)\n", h, day, b.signals.Load(), float64(file)/1e6, float64(used)/1e6,
		file/max(h, 1), used/max(h, 1), marginal, time.Since(b.started).Round(time.Second))
	b.lastSize, b.lastHandoffs = used, h
	return nil
}

// tables prints each table's and index's bytes per handoff (dbstat), and
// the rows of the main tables.
func (b *bench) tables(ctx context.Context) error {
	h := max(b.handoffs.Load(), 1)
	rows, err := b.raw.QueryContext(ctx, `SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC`)
	if err != nil {
		return fmt.Errorf("dbstat (is the dbstat table compiled in?): %w", err)
	}
	type obj struct {
		name  string
		bytes int64
	}
	var objs []obj
	for rows.Next() {
		var o obj
		if err := rows.Scan(&o.name, &o.bytes); err != nil {
			rows.Close()
			return err
		}
		objs = append(objs, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	counts := map[string]int64{}
	for _, t := range []string{"handoffs", "handoff_events", "signals", "contacts", "timers", "messages"} {
		var n int64
		if err := b.raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t).Scan(&n); err != nil {
			return err
		}
		counts[t] = n
	}
	fmt.Fprintf(b.out, "\n%d handoffs (%d accepted and touched) from %d signals; rows: %s\n", h, b.acted.Load(), b.signals.Load(), rowText(counts))
	tw := tabwriter.NewWriter(b.out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "table or index\tMB\tbytes/handoff\t")
	var total int64
	for _, o := range objs {
		total += o.bytes
		if o.bytes < h { // under a byte per handoff
			continue
		}
		fmt.Fprintf(tw, "%s\t%.1f\t%d\t\n", o.name, float64(o.bytes)/1e6, o.bytes/h)
	}
	fmt.Fprintf(tw, "all pages\t%.1f\t%d\t\n", float64(total)/1e6, total/h)
	return tw.Flush()
}

func rowText(counts map[string]int64) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, k+" "+strconv.FormatInt(counts[k], 10))
	}
	return strings.Join(parts, ", ")
}

// clock is the fake clock the run moves.
type clock struct{ ns atomic.Int64 }

func (c *clock) now() time.Time  { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) set(t time.Time) { c.ns.Store(t.UnixNano()) }

// Now returns the clock's time (baton.Clock).
func (c *clock) Now() time.Time { return c.now() }
