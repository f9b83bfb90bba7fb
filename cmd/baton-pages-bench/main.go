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
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
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

// page is one page request of the benchmark: a page signed in with a
// session, or (api) an API endpoint called with a token. When paths is
// set, request i asks for paths(i) instead of path.
type page struct {
	who, name, path string
	api             bool
	paths           func(i int) string
}

// result is one page's latencies, and the process's CPU time (server and
// client, user and system) per timed request: on a shared machine the
// latencies include waiting for a core, the CPU time does not.
type result struct {
	page
	lat []time.Duration
	cpu time.Duration
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("baton-pages-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("handoffs", 1_000_000, "handoffs in the seeded database")
	users := fs.Int("users", 1000, "people in the seeded database (teams of 16)")
	path := fs.String("db", "/tmp/baton-pages.db", "SQLite file; reused when it holds --handoffs handoffs")
	requests := fs.Int("requests", 200, "requests per page and person")
	only := fs.String("only", "", "time only the pages whose \"name as\" matches this regular expression")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the requests (not the seeding) to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var match *regexp.Regexp
	if *only != "" {
		var err error
		if match, err = regexp.Compile(*only); err != nil {
			return fmt.Errorf("--only: %w", err)
		}
	}
	if *n < 1 || *users < teamSize+2 || *requests < 1 {
		return errors.New("--handoffs and --requests must be positive, --users at least 18")
	}
	opts := benchOptions{Requests: *requests, Only: match, CPUProfile: *cpuprofile}
	results, err := bench(ctx, *path, seedConfig{Handoffs: *n, Users: *users, Span: 730 * 24 * time.Hour, Seed: 1}, opts, stdout)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "page\tas\tn\tp50 ms\tp95 ms\tp99 ms\tmax ms\tcpu ms/req\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t\n", r.name, r.who, len(r.lat), msf(q(r.lat, 0.5)), msf(q(r.lat, 0.95)), msf(q(r.lat, 0.99)), msf(q(r.lat, 1)),
			msf(r.cpu/time.Duration(max(len(r.lat), 1))))
	}
	return tw.Flush()
}

// benchOptions are what to time: Requests per page and person, only the
// pages whose "name who" Only matches (all when nil), with a CPU profile of
// the requests written to CPUProfile when set.
type benchOptions struct {
	Requests   int
	Only       *regexp.Regexp
	CPUProfile string
}

// bench seeds path when needed, serves it and times every page.
func bench(ctx context.Context, path string, cfg seedConfig, opts benchOptions, log io.Writer) ([]result, error) {
	requests := opts.Requests
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
	cookies, tokens := map[string]string{}, map[string]string{}
	for role, email := range map[string]string{"rep": people.Rep, "manager": people.Manager, "admin": people.Admin} {
		secret, _, err := svc.SignIn(ctx, email, password, "127.0.0.1")
		if err != nil {
			return nil, fmt.Errorf("sign in as %s: %w", role, err)
		}
		cookies[role] = secret
		if _, tokens[role], err = svc.CreateToken(ctx, email, "bench", time.Hour); err != nil {
			return nil, fmt.Errorf("token for %s: %w", role, err)
		}
	}
	pages := []page{{who: "rep", name: "inbox", path: "/"}}
	for _, who := range []string{"manager", "admin"} {
		pages = append(pages,
			page{who: who, name: "inbox", path: "/"},
			page{who: who, name: "board", path: "/board"},
			page{who: who, name: "board unaccepted", path: "/board?view=unaccepted"},
			page{who: who, name: "board breached", path: "/board?view=breached"},
			page{who: who, name: "dashboard 30d", path: "/dashboard"},
			page{who: who, name: "dashboard 90d", path: "/dashboard?range=90"},
		)
	}
	pages = append(pages, apiPages(cfg)...)
	if opts.Only != nil {
		pages = slices.DeleteFunc(pages, func(p page) bool { return !opts.Only.MatchString(p.name + " " + p.who) })
	}
	if opts.CPUProfile != "" {
		f, err := os.Create(opts.CPUProfile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	client := &http.Client{Timeout: time.Minute}
	fmt.Fprintf(log, "before the requests: %s\n", memory())
	defer func() { fmt.Fprintf(log, "after the requests: %s\n", memory()) }()
	var out []result
	for _, p := range pages {
		r := result{page: p}
		for i := range requests {
			if err := ctx.Err(); err != nil {
				return out, err
			}
			path := p.path
			if p.paths != nil {
				path = p.paths(i)
			}
			req, err := http.NewRequestWithContext(ctx, "GET", base+path, nil)
			if err != nil {
				return nil, err
			}
			if p.api {
				req.Header.Set("Authorization", "Bearer "+tokens[p.who])
			} else {
				req.AddCookie(&http.Cookie{Name: "baton_session", Value: cookies[p.who]})
			}
			t, c := time.Now(), cpuTime()
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
				r.cpu += cpuTime() - c
			}
		}
		slices.Sort(r.lat)
		out = append(out, r)
	}
	return out, nil
}

// apiPages are the metrics endpoints, for each person: windows of whole
// UTC days ending tomorrow (after every seeded event), split several ways,
// and windows of random days and lengths within the seeded span.
func apiPages(cfg seedConfig) []page {
	now := cfg.Now
	if now.IsZero() {
		now = time.Now().UTC()
	}
	tomorrow := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, 1)
	days := int(cfg.Span.Hours() / 24)
	window := func(n int) string {
		return "from=" + tomorrow.AddDate(0, 0, -n).Format(time.DateOnly) + "&to=" + tomorrow.Format(time.DateOnly)
	}
	var out []page
	for _, who := range []string{"rep", "manager", "admin"} {
		out = append(out,
			page{who: who, name: "api metrics 30d", path: "/api/v1/metrics?" + window(30), api: true},
			page{who: who, name: "api metrics 365d by source", path: "/api/v1/metrics?by=source&" + window(365), api: true},
			page{who: who, name: "api metrics 365d by owner", path: "/api/v1/metrics?by=owner&" + window(365), api: true},
			page{who: who, name: "api metrics 365d by sender csv", path: "/api/v1/metrics?by=sender&format=csv&" + window(365), api: true},
			page{who: who, name: "api metrics 730d by team", path: "/api/v1/metrics?by=team&" + window(730), api: true},
			page{who: who, name: "api metrics random range by type", api: true, paths: func(i int) string {
				r := rand.New(rand.NewPCG(uint64(i), 11))
				n := 1 + r.IntN(days)
				end := tomorrow.AddDate(0, 0, -r.IntN(days-n+1))
				return "/api/v1/metrics?by=type&from=" + end.AddDate(0, 0, -n).Format(time.DateOnly) + "&to=" + end.Format(time.DateOnly)
			}},
			page{who: who, name: "api success metrics 90d", path: "/api/v1/metrics/success?" + window(90), api: true},
			page{who: who, name: "api summary 30d", path: "/api/v1/metrics/summary?" + window(30), api: true},
			page{who: who, name: "api sla report 7d", path: "/api/v1/reports/sla?" + window(7), api: true},
			page{who: who, name: "api sla report 90d", path: "/api/v1/reports/sla?" + window(90), api: true},
			page{who: who, name: "api sla report 365d", path: "/api/v1/reports/sla?" + window(365), api: true},
		)
	}
	return out
}

// memory describes the process's memory: Go's heap in use and the
// resident set now and at its peak (Linux only).
func memory() string {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	out := fmt.Sprintf("heap in use %.1f MB", float64(m.HeapInuse)/1e6)
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "VmRSS:") || strings.HasPrefix(line, "VmHWM:") {
				out += ", " + strings.Join(strings.Fields(line), " ")
			}
		}
	}
	return out
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
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
