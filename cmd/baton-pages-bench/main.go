// Command baton-pages-bench measures the workspace pages (the rep inbox, the
// manager board and the dashboard) over a large SQLite database and prints
// their latency percentiles, for docs/benchmarks.md:
//
//	go run ./cmd/baton-pages-bench --handoffs 1000000 --db /tmp/baton-pages.db
//
// It seeds the database once (about five events per handoff over two
// years, 1,000 people in teams of 16 with a manager each, breaches, closed
// and open handoffs, meetings for booked ones) by writing rows directly,
// then rebuilds the rollups from the event log as `baton rollup rebuild`
// does. A file that already holds --handoffs handoffs is reused. It then
// starts the real web server on 127.0.0.1:0, signs in as a rep, a manager
// and an admin, and requests each page --requests times in turn, one at a
// time, printing p50, p95 and p99 per page and person.
//
// Limits: the client runs in the same process as the server and competes
// with it for CPU; the figures are the server's answer time as seen over
// loopback, with an otherwise idle database.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/sqlite"
	"github.com/batonhq/baton/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "baton-pages-bench:", err)
		os.Exit(1)
	}
}

// page is one page request of the benchmark.
type page struct {
	who, name, path string
}

// result is one page's latencies.
type result struct {
	page
	lat []time.Duration
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("baton-pages-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("handoffs", 1_000_000, "handoffs in the seeded database")
	users := fs.Int("users", 1000, "people in the seeded database (teams of 16)")
	path := fs.String("db", "/tmp/baton-pages.db", "SQLite file; reused when it holds --handoffs handoffs")
	requests := fs.Int("requests", 200, "requests per page and person")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 || *users < teamSize+2 || *requests < 1 {
		return errors.New("--handoffs and --requests must be positive, --users at least 18")
	}
	results, err := bench(ctx, *path, seedConfig{Handoffs: *n, Users: *users, Span: 730 * 24 * time.Hour, Seed: 1}, *requests, stdout)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "page\tas\tn\tp50 ms\tp95 ms\tp99 ms\tmax ms\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t\n", r.name, r.who, len(r.lat), msf(q(r.lat, 0.5)), msf(q(r.lat, 0.95)), msf(q(r.lat, 0.99)), msf(q(r.lat, 1)))
	}
	return tw.Flush()
}

// bench seeds path when needed, serves it and times every page.
func bench(ctx context.Context, path string, cfg seedConfig, requests int, log io.Writer) ([]result, error) {
	have, err := countHandoffs(ctx, path)
	if err != nil {
		return nil, err
	}
	if have != cfg.Handoffs {
		if cfg.Now.IsZero() {
			cfg.Now = time.Now().UTC()
		}
		t0 := time.Now()
		fmt.Fprintf(log, "seeding %d handoffs into %s\n", cfg.Handoffs, path)
		if err := seed(ctx, path, cfg); err != nil {
			return nil, fmt.Errorf("seed: %w", err)
		}
		fmt.Fprintf(log, "seeded in %s\n", time.Since(t0).Round(time.Second))
	} else {
		fmt.Fprintf(log, "reusing %s (%d handoffs)\n", path, have)
	}
	if fi, err := os.Stat(path); err == nil {
		fmt.Fprintf(log, "database: %.1f MB\n", float64(fi.Size())/1e6)
	}
	store, err := sqlite.Open(ctx, path, sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		return nil, err
	}
	defer store.Close()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(store, baton.SystemClock{}, playbook.Default(), logger)
	srv, err := web.New(svc, logger)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	defer hs.Close()
	base := "http://" + ln.Addr().String()

	people := who(cfg)
	cookies := map[string]string{}
	for role, email := range map[string]string{"rep": people.Rep, "manager": people.Manager, "admin": people.Admin} {
		secret, _, err := svc.SignIn(ctx, email, password, "127.0.0.1")
		if err != nil {
			return nil, fmt.Errorf("sign in as %s: %w", role, err)
		}
		cookies[role] = secret
	}
	pages := []page{{"rep", "inbox", "/"}}
	for _, who := range []string{"manager", "admin"} {
		pages = append(pages,
			page{who, "inbox", "/"},
			page{who, "board", "/board"},
			page{who, "board unaccepted", "/board?view=unaccepted"},
			page{who, "board breached", "/board?view=breached"},
			page{who, "dashboard 30d", "/dashboard"},
			page{who, "dashboard 90d", "/dashboard?range=90"},
		)
	}
	client := &http.Client{Timeout: time.Minute}
	var out []result
	for _, p := range pages {
		r := result{page: p}
		for i := range requests {
			if err := ctx.Err(); err != nil {
				return out, err
			}
			req, err := http.NewRequestWithContext(ctx, "GET", base+p.path, nil)
			if err != nil {
				return nil, err
			}
			req.AddCookie(&http.Cookie{Name: "baton_session", Value: cookies[p.who]})
			t := time.Now()
			res, err := client.Do(req)
			if err != nil {
				return nil, fmt.Errorf("%s as %s: %w", p.path, p.who, err)
			}
			body, err := io.ReadAll(res.Body)
			res.Body.Close()
			d := time.Since(t)
			if err != nil {
				return nil, err
			}
			if res.StatusCode != http.StatusOK {
				return nil, fmt.Errorf("%s as %s: status %d: %.200s", p.path, p.who, res.StatusCode, body)
			}
			if i > 0 || requests == 1 { // the first request warms caches
				r.lat = append(r.lat, d)
			}
		}
		slices.Sort(r.lat)
		out = append(out, r)
	}
	return out, nil
}

// q is the nearest-rank q-quantile of sorted latencies.
func q(sorted []time.Duration, f float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(f*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func msf(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/1e6) }
