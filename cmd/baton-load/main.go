// Command baton-load drives a running Baton server's ingest API
// (POST /api/v1/signals) and prints the figures kept in docs/benchmarks.md.
//
//	baton-load --token $BATON_TOKEN --mode rate --rate 1000 --duration 30s
//	baton-load --token $BATON_TOKEN --mode max --concurrency 64
//
// Rate mode is open-loop: signal i is due at start + i/rate whatever happened
// to earlier ones, and its latency is measured from that due time, not from
// when it was sent, so a stalled server shows up as latency instead of as a
// politely slower generator (coordinated omission). A signal sent more than
// 10ms after its due time is late, and any late signal means the generator
// fell behind: the server then saw less load than the target. Max mode is
// closed-loop: each worker sends the next signal when the previous answer
// arrives, and the figure is the sustained signals/s.
//
// Latencies go into a log-bucketed histogram (histogram.go): percentiles are
// within 0.4% of the exact nearest-rank value, max is exact, memory is fixed.
// Only requests that got an HTTP response have a latency; transport errors
// and timeouts are counted under err. Signals due (rate) or sent (max) during
// --warmup are left out of the figures, but a failed one still fails the run.
// On SIGINT or SIGTERM, requests in flight are abandoned and left out, and
// what was measured so far is printed.
//
// Limits: it only talks to loopback (the --url host and every address it
// dials are checked), so on a small machine it competes with the server for
// CPU; say so next to the figures. In rate mode at most --concurrency
// requests are in flight (by default rate × timeout, between 64 and 10,000);
// past that the schedule slips and the report says behind=yes.
//
// Exit status: 0 when every request got a non-5xx answer; 1 when any request
// errored or got a 5xx (after printing); 2 for bad flags.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// maxRatePool caps the in-flight requests of rate mode when --concurrency is
// not given.
const maxRatePool = 10_000

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run parses args, drives the load until the duration is over or ctx is
// done, prints the report to stdout and returns the exit status.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "baton-load: %v\n", err)
		return 2
	}
	fmt.Fprintf(stderr, "baton-load: %s mode against %s for %s after %s warm-up, run %s\n",
		cfg.Mode, cfg.URL, cfg.Duration, cfg.Warmup, cfg.Run)

	g := newGenerator(cfg)
	if cfg.WebhookAddr != "" {
		t, err := startLeadTracker(cfg.WebhookAddr, g.start, cfg.Warmup)
		if err != nil {
			fmt.Fprintf(stderr, "baton-load: %v\n", err)
			return 2
		}
		g.lead = t
	}
	rep := g.Run(ctx)
	if g.lead != nil {
		rep.Lead = g.lead.finish(ctx, cfg.LeadGrace)
	}

	if cfg.JSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "baton-load: write report: %v\n", err)
			return 1
		}
	} else {
		rep.WriteText(stdout)
	}
	if rep.FirstProblem != "" {
		fmt.Fprintf(stderr, "baton-load: first problem: %s\n", rep.FirstProblem)
	}
	if rep.Failed() {
		return 1
	}
	return 0
}

// config is what the flags say.
type config struct {
	URL         string        // base URL of the Baton server, loopback only; default http://127.0.0.1:8080
	Token       string        // API token; --token or $BATON_TOKEN
	Mode        string        // "rate" (open loop) or "max" (closed loop)
	Rate        float64       // rate mode: signals per second; default 1000
	Duration    time.Duration // measured window after warm-up; default 30s
	Warmup      time.Duration // excluded from the figures; default 3s
	Concurrency int           // max mode: workers (default 64); rate mode: cap on in-flight requests (default rate × timeout, 64 to 10,000)
	Timeout     time.Duration // per request, including reading the answer; default 5s
	JSON        bool          // print the report as JSON
	DupEvery    int           // every Nth signal resends an earlier one; 0 (default) never
	Run         string        // external id prefix; default 8 random hex digits
	WebhookAddr string        // loopback address to receive Baton's webhooks on, for speed to lead; "" for none
	LeadGrace   time.Duration // how long after the load to wait for notifications still on their way
}

func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("baton-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080", "base `URL` of the Baton server (loopback only)")
	fs.StringVar(&cfg.Token, "token", "", "API token (default $BATON_TOKEN)")
	fs.StringVar(&cfg.Mode, "mode", "rate", "rate: open loop at --rate; max: closed loop with --concurrency workers")
	fs.Float64Var(&cfg.Rate, "rate", 1000, "signals per second in rate mode")
	fs.DurationVar(&cfg.Duration, "duration", 30*time.Second, "measured window, after warm-up")
	fs.DurationVar(&cfg.Warmup, "warmup", 3*time.Second, "warm-up before the measured window, excluded from the figures")
	fs.IntVar(&cfg.Concurrency, "concurrency", 0, "workers in max mode (default 64); cap on in-flight requests in rate mode (default rate × timeout, 64 to 10000)")
	fs.DurationVar(&cfg.Timeout, "timeout", 5*time.Second, "per-request timeout, including reading the answer")
	fs.BoolVar(&cfg.JSON, "json", false, "print the report as JSON")
	fs.IntVar(&cfg.DupEvery, "dup-every", 0, "every `N`th signal resends an earlier one, same external id (0: never)")
	fs.StringVar(&cfg.Run, "run", "", "external id prefix: signals are load-<run>-<n> (default random hex)")
	fs.StringVar(&cfg.WebhookAddr, "webhook-listen", "", "loopback `addr`ess (127.0.0.1:18282) to receive Baton's webhooks on and report speed to lead: each 201 to its handoff.assigned notification")
	fs.DurationVar(&cfg.LeadGrace, "lead-grace", 10*time.Second, "with --webhook-listen, how long to wait after the load for notifications still on their way")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if cfg.Token == "" {
		cfg.Token = getenv("BATON_TOKEN")
	}
	if cfg.Run == "" {
		cfg.Run = randomHex(4)
	}

	switch {
	case fs.NArg() > 0:
		return config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case cfg.Token == "":
		return config{}, errors.New("no API token: pass --token or set BATON_TOKEN")
	case cfg.Mode != "rate" && cfg.Mode != "max":
		return config{}, fmt.Errorf("--mode %q: want rate or max", cfg.Mode)
	case !(cfg.Rate > 0 && cfg.Rate <= 1e6):
		return config{}, fmt.Errorf("--rate %v: want between 0 and 1000000 signals/s", cfg.Rate)
	case cfg.Duration <= 0:
		return config{}, fmt.Errorf("--duration %s: must be positive", cfg.Duration)
	case cfg.Warmup < 0:
		return config{}, fmt.Errorf("--warmup %s: must not be negative", cfg.Warmup)
	case cfg.Concurrency < 0:
		return config{}, fmt.Errorf("--concurrency %d: must not be negative (0 picks the default)", cfg.Concurrency)
	case cfg.Timeout <= 0:
		return config{}, fmt.Errorf("--timeout %s: must be positive", cfg.Timeout)
	case cfg.DupEvery < 0 || cfg.DupEvery == 1:
		return config{}, fmt.Errorf("--dup-every %d: want 0 (never) or at least 2", cfg.DupEvery)
	case strings.ContainsFunc(cfg.Run, func(r rune) bool { return r <= ' ' || r == 0x7f }):
		return config{}, fmt.Errorf("--run %q: want a prefix without spaces", cfg.Run)
	}
	if err := checkURL(cfg.URL); err != nil {
		return config{}, err
	}
	switch {
	case cfg.Concurrency > 0:
	case cfg.Mode == "max":
		cfg.Concurrency = 64
	default:
		// Enough slots for every request due within one timeout, so a slow
		// server is measured as slow rather than throttling the schedule.
		need := math.Ceil(cfg.Rate * cfg.Timeout.Seconds())
		cfg.Concurrency = int(min(max(need, 64), maxRatePool))
	}
	return cfg, nil
}

// checkURL refuses anything but an http(s) URL to a loopback host: the
// generator exists to measure a local server, never to load someone else's.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("--url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("--url %q: scheme must be http or https", raw)
	}
	if !isLoopbackHost(u.Hostname()) {
		return fmt.Errorf("--url %q: host %q is not loopback (127.0.0.0/8, ::1 or localhost); baton-load only drives a local server", raw, u.Hostname())
	}
	return nil
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	addr, err := netip.ParseAddr(host)
	return err == nil && addr.Unmap().IsLoopback()
}

// loopbackOnly is a net.Dialer Control function: it refuses to connect to a
// resolved address outside loopback, in case "localhost" resolves elsewhere.
func loopbackOnly(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("dial %s: %w", address, err)
	}
	if !ap.Addr().Unmap().IsLoopback() {
		return fmt.Errorf("dial %s: refusing a non-loopback address", address)
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never returns an error (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b)
}

// report is what a run measured, over the window after warm-up.
type report struct {
	Mode         string           `json:"mode"`
	Run          string           `json:"run"`
	Concurrency  int              `json:"concurrency"`           // workers (max) or cap on in-flight requests (rate)
	TargetRate   float64          `json:"target_rate,omitempty"` // signals/s, rate mode
	Rate         float64          `json:"rate"`                  // achieved (rate) or sustained (max) signals/s
	Seconds      float64          `json:"duration_s"`            // measured window
	Sent         int64            `json:"sent"`                  // requests with an outcome: sum of the next five
	OK           int64            `json:"ok"`                    // 2xx
	Status4xx    int64            `json:"status_4xx"`
	Status5xx    int64            `json:"status_5xx"`
	Other        int64            `json:"other"`  // 1xx and 3xx (redirects are not followed)
	Errors       int64            `json:"errors"` // no HTTP answer: refused, reset, timed out
	Codes        map[string]int64 `json:"codes"`  // by HTTP status
	Latency      latencies        `json:"latency_ms"`
	Behind       bool             `json:"behind"`     // rate mode: some signal was sent late
	Late         int64            `json:"late"`       // rate mode: signals sent more than 10ms after due
	MaxLagMS     float64          `json:"max_lag_ms"` // rate mode: worst send time minus due time
	WarmupFailed int64            `json:"warmup_failed"`
	Interrupted  bool             `json:"interrupted"`
	FirstProblem string           `json:"first_problem,omitempty"`
	// Lead is speed to lead (--webhook-listen): from each 201 to its
	// owner's webhook.
	Lead *leadReport `json:"speed_to_lead_ms,omitempty"`
}

// latencies are in milliseconds.
type latencies struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p99.9"`
	Max  float64 `json:"max"`
}

// Failed reports whether any request, warm-up included, errored or got a 5xx.
func (r *report) Failed() bool { return r.Errors > 0 || r.Status5xx > 0 || r.WarmupFailed > 0 }

// WriteText prints the report as three lines of key=value pairs.
func (r *report) WriteText(w io.Writer) {
	if r.Mode == "rate" {
		fmt.Fprintf(w, "mode=rate target=%g/s achieved=%.1f/s", r.TargetRate, r.Rate)
	} else {
		fmt.Fprintf(w, "mode=max workers=%d sustained=%.1f/s", r.Concurrency, r.Rate)
	}
	fmt.Fprintf(w, " sent=%d ok=%d 4xx=%d 5xx=%d err=%d", r.Sent, r.OK, r.Status4xx, r.Status5xx, r.Errors)
	if r.Other > 0 {
		fmt.Fprintf(w, " other=%d", r.Other)
	}
	fmt.Fprintf(w, " duration=%s\n", formatDuration(time.Duration(r.Seconds*float64(time.Second))))

	if l := r.Latency; r.Sent > r.Errors {
		fmt.Fprintf(w, "latency p50=%s p90=%s p99=%s p99.9=%s max=%s\n",
			formatMS(l.P50), formatMS(l.P90), formatMS(l.P99), formatMS(l.P999), formatMS(l.Max))
	} else {
		fmt.Fprintln(w, "latency none (no answers)")
	}

	fmt.Fprintf(w, "run=%s", r.Run)
	if r.Mode == "rate" {
		behind := "no"
		if r.Behind {
			behind = "yes"
		}
		fmt.Fprintf(w, " pool=%d behind=%s late=%d max_lag=%s", r.Concurrency, behind, r.Late, formatMS(r.MaxLagMS))
	}
	codes := make([]string, 0, len(r.Codes))
	for code, n := range r.Codes {
		codes = append(codes, code+":"+strconv.FormatInt(n, 10))
	}
	slices.Sort(codes)
	if len(codes) == 0 {
		codes = append(codes, "none")
	}
	fmt.Fprintf(w, " codes=%s", strings.Join(codes, ","))
	if r.WarmupFailed > 0 {
		fmt.Fprintf(w, " warmup_failed=%d", r.WarmupFailed)
	}
	if r.Interrupted {
		fmt.Fprint(w, " interrupted=yes")
	}
	fmt.Fprintln(w)
	if l := r.Lead; l != nil {
		fmt.Fprintf(w, "speed_to_lead p50=%s p90=%s p99=%s max=%s delivered=%d missing=%d\n",
			formatMS(l.P50), formatMS(l.P90), formatMS(l.P99), formatMS(l.Max), l.Delivered, l.Missing)
	}
}

func formatMS(ms float64) string {
	return formatDuration(time.Duration(ms * float64(time.Millisecond)))
}

// formatDuration prints two significant digits below 10 of a unit and whole
// units above: 850ns, 412µs, 1.9ms, 15ms, 30s.
func formatDuration(d time.Duration) string {
	unit, name := time.Nanosecond, "ns"
	switch {
	case d >= time.Second:
		unit, name = time.Second, "s"
	case d >= time.Millisecond:
		unit, name = time.Millisecond, "ms"
	case d >= time.Microsecond:
		unit, name = time.Microsecond, "µs"
	}
	v := float64(d) / float64(unit)
	if v < 10 && unit != time.Nanosecond {
		return strconv.FormatFloat(v, 'f', 1, 64) + name
	}
	return strconv.FormatFloat(v, 'f', 0, 64) + name
}
