package worker

import (
	"context"
	"log/slog"
	"time"

	"github.com/batonhq/baton"
)

// Retention keeps the database small: every round it deletes the timers
// that finished (fired or were cancelled) more than Timers ago, the
// messages sent, or failed for good, more than Messages ago (but sent
// prospect reminders, which the show-rate report reads), and clears
// the raw bodies of the signals received more than SignalBodies ago (see
// baton.Signal.WithoutBody: the signal row, its external id, which dedupe
// reads, and its handoff stay). Events are never deleted: they are the
// truth every page, export, report and rollup is built from.
//
// It works in transactions of at most Batch rows each, through the
// store's group commit, so a round never holds the writer for more than
// one batch at a time: timers and messages are walked in id order, Batch
// ids a transaction (the whole table each round, mostly rows of the
// window), signal bodies from where the last round stopped. Several nodes
// may run it at once: deleting or clearing a row twice changes nothing the
// second time, and the PostgreSQL store never waits for a row another
// transaction holds (see postgres/retention.go).
type Retention struct {
	Store baton.Store
	Clock baton.Clock
	Log   *slog.Logger
	// Timers, Messages and SignalBodies are how long each is kept; zero
	// keeps it forever.
	Timers, Messages, SignalBodies time.Duration
	// Every is how often a round runs (default 1h).
	Every time.Duration
	// Delay is how long after Run starts the first round runs (default
	// 10m): a node that starts catching up on overdue timers and messages
	// does that first, without retention's transactions beside it.
	Delay time.Duration
	// Batch caps the rows one transaction deletes or clears (default
	// 1,000).
	Batch int
	// Observe, if set, is told what each round removed (Prometheus).
	Observe func(RetentionRound)
}

// RetentionRound is what one round of Retention removed.
type RetentionRound struct {
	Timers, Messages, SignalBodies int
	Took                           time.Duration
}

func (w *Retention) defaults() {
	if w.Every <= 0 {
		w.Every = time.Hour
	}
	if w.Delay <= 0 {
		w.Delay = 10 * time.Minute
	}
	if w.Batch <= 0 {
		w.Batch = 1000
	}
	if w.Log == nil {
		w.Log = slog.New(slog.DiscardHandler)
	}
	if w.Clock == nil {
		w.Clock = baton.SystemClock{}
	}
}

// Off reports whether every window is zero: nothing is ever removed.
func (w *Retention) Off() bool { return w.Timers <= 0 && w.Messages <= 0 && w.SignalBodies <= 0 }

// Run runs a round Delay after it starts and then every Every, until ctx
// is done. With every window zero it returns at once.
func (w *Retention) Run(ctx context.Context) error {
	w.defaults()
	if w.Off() {
		return nil
	}
	select {
	case <-ctx.Done():
		return nil
	case <-time.After(w.Delay):
	}
	t := time.NewTicker(w.Every)
	defer t.Stop()
	for {
		if _, err := w.RunOnce(ctx); err != nil && ctx.Err() == nil {
			w.Log.Error("retention", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// RunOnce runs one round: batches until nothing older than a window is
// left. What it removed before an error is reported too.
func (w *Retention) RunOnce(ctx context.Context) (RetentionRound, error) {
	w.defaults()
	start := time.Now()
	now := w.Clock.Now()
	var r RetentionRound
	err := w.round(ctx, now, &r)
	r.Took = time.Since(start)
	if w.Observe != nil {
		w.Observe(r)
	}
	w.Log.Info("retention", "timers", r.Timers, "messages", r.Messages, "signal_bodies", r.SignalBodies, "took", r.Took.Round(time.Millisecond))
	return r, err
}

func (w *Retention) round(ctx context.Context, now time.Time, r *RetentionRound) error {
	if w.Timers > 0 {
		before, after := now.Add(-w.Timers), ""
		for {
			var n int
			var next string
			err := w.Store.Update(ctx, func(tx baton.Tx) (err error) {
				n, next, err = tx.PurgeTimers(ctx, before, after, w.Batch)
				return err
			})
			if err != nil {
				return err
			}
			r.Timers += n
			if next == "" || ctx.Err() != nil {
				break
			}
			after = next
		}
	}
	if w.Messages > 0 {
		before, after := now.Add(-w.Messages), ""
		for {
			var n int
			var next string
			err := w.Store.Update(ctx, func(tx baton.Tx) (err error) {
				n, next, err = tx.PurgeMessages(ctx, before, after, w.Batch)
				return err
			})
			if err != nil {
				return err
			}
			r.Messages += n
			if next == "" || ctx.Err() != nil {
				break
			}
			after = next
		}
	}
	if w.SignalBodies > 0 {
		before := now.Add(-w.SignalBodies)
		for {
			var n int
			err := w.Store.Update(ctx, func(tx baton.Tx) (err error) {
				n, err = tx.ClearSignalBodies(ctx, before, w.Batch)
				return err
			})
			if err != nil {
				return err
			}
			r.SignalBodies += n
			if n < w.Batch || ctx.Err() != nil {
				break
			}
		}
	}
	return ctx.Err()
}
