package main

import (
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/prom"
	"github.com/batonhq/baton/worker"
)

// RetentionConfig is serve's retention policy (worker.Retention): how long
// finished timers, settled messages and raw signal bodies are kept. Zero
// keeps them forever; events are always kept.
type RetentionConfig struct {
	// Timers keeps fired and cancelled timers this long after they fell
	// due (--retain-timers, BATON_RETAIN_TIMERS, default 30d).
	Timers time.Duration
	// Messages keeps sent and failed messages this long
	// (--retain-messages, BATON_RETAIN_MESSAGES, default 30d).
	Messages time.Duration
	// SignalBodies keeps each signal's raw body this long after it
	// arrived; then only what baton.Signal.WithoutBody keeps stays
	// (--retain-signal-bodies, BATON_RETAIN_SIGNAL_BODIES, default 90d).
	SignalBodies time.Duration
}

// Retention defaults: long enough for the outbox page and a month's
// support questions, and for a quarter's playbook simulations to replay
// signals in full.
const (
	defaultRetainTimers       = 30 * 24 * time.Hour
	defaultRetainMessages     = 30 * 24 * time.Hour
	defaultRetainSignalBodies = 90 * 24 * time.Hour
)

// retentionFlags adds the retention flags to fs, their defaults from the
// environment. The function it returns reports an environment value that
// does not parse, once the flags are parsed.
func retentionFlags(fs *flag.FlagSet, c *RetentionConfig, getenv func(string) string) func() error {
	var errs []error
	add := func(d *time.Duration, name, envName string, def time.Duration, what string) {
		*d = def
		if v := getenv(envName); v != "" {
			p, err := parseRetention(v)
			if err != nil {
				errs = append(errs, usageError{fmt.Sprintf("%s: %v", envName, err)})
			}
			*d = p
		}
		fs.Func(name, fmt.Sprintf("keep %s this long, e.g. 30d or 12w; 0 keeps them forever (default %s; env %s)", what, baton.Duration(def), envName), func(s string) error {
			p, err := parseRetention(s)
			*d = p
			return err
		})
	}
	add(&c.Timers, "retain-timers", "BATON_RETAIN_TIMERS", defaultRetainTimers, "fired and cancelled timers")
	add(&c.Messages, "retain-messages", "BATON_RETAIN_MESSAGES", defaultRetainMessages, "sent and failed outbound messages")
	add(&c.SignalBodies, "retain-signal-bodies", "BATON_RETAIN_SIGNAL_BODIES", defaultRetainSignalBodies, "each signal's raw body (the signal row, its external id and every event stay)")
	return func() error {
		if len(errs) > 0 {
			return errs[0]
		}
		return nil
	}
}

// parseRetention reads a retention window: a duration with d and w units,
// at least an hour, or 0.
func parseRetention(s string) (time.Duration, error) {
	d, err := baton.ParseDuration(s)
	switch {
	case err != nil:
		return 0, err
	case d < 0 || d > 0 && d < time.Hour:
		return 0, fmt.Errorf("%q: must be 0 (keep forever) or at least 1h", s)
	}
	return d, nil
}

// worker is the retention worker of the policy, reporting to metrics.
func (c RetentionConfig) worker(store baton.Store, clock baton.Clock, log *slog.Logger, metrics *prom.Metrics) *worker.Retention {
	return &worker.Retention{Store: store, Clock: clock, Log: log, Timers: c.Timers, Messages: c.Messages, SignalBodies: c.SignalBodies,
		Observe: func(r worker.RetentionRound) { metrics.RetentionRound(r.Timers, r.Messages, r.SignalBodies, r.Took) }}
}
