package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof" // served only on BATON_DEBUG_ADDR
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/demo"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/prom"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/web"
	"github.com/batonhq/baton/webhook"
	"github.com/batonhq/baton/worker"
)

// Config is everything serve needs; flags and BATON_* environment variables
// fill it.
type Config struct {
	Addr          string // listen address (BATON_ADDR, default 127.0.0.1:8080)
	DB            string // SQLite file or postgres:// URL (BATON_DB, default ./baton.db)
	Playbook      string // playbook YAML, recorded as a version; empty uses the newest published version, else the embedded default (BATON_PLAYBOOK)
	Demo          bool   // load the demo team and a week of signals into an empty database
	WebhookURL    string // where outbound messages are POSTed; empty keeps them queued (BATON_WEBHOOK_URL)
	WebhookSecret string // signing secret, whsec_<base64> or raw: BATON_WEBHOOK_SECRET or --webhook-secret-file, never argv
	Synchronous   string // SQLite synchronous: FULL (default) or NORMAL (BATON_SYNCHRONOUS)
	PublicURL     string // base of links sent to prospects (BATON_PUBLIC_URL, default http://Addr)
	MetricsToken  string // bearer token GET /metrics requires: BATON_METRICS_TOKEN or --metrics-token-file, never argv; empty leaves /metrics open
	Auth          AuthConfig
	// Retention is how long finished work is kept (retention.go); the
	// zero value keeps everything.
	Retention RetentionConfig

	// Channels are the email and Slack senders (channels.go).
	Channels Channels
	// Connectors are the CRM and scheduler connectors' secrets: from the
	// environment only (BATON_HUBSPOT_CLIENT_SECRET,
	// BATON_CALCOM_WEBHOOK_SECRET, BATON_CALENDLY_SIGNING_KEY), and the
	// Salesforce org id (BATON_SALESFORCE_ORG_ID or --salesforce-org-id).
	Connectors web.Connectors
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", env("BATON_ADDR", "127.0.0.1:8080"), "listen address (env BATON_ADDR)")
	fs.StringVar(&cfg.DB, "db", env("BATON_DB", "./baton.db"), dbHelp)
	fs.StringVar(&cfg.Playbook, "playbook", env("BATON_PLAYBOOK", ""), "playbook YAML file, recorded as a new published version; default: the newest version published from /admin/playbook, else the embedded playbook (env BATON_PLAYBOOK)")
	fs.BoolVar(&cfg.Demo, "demo", false, "load a demo team and a week of signals into an empty database")
	fs.StringVar(&cfg.WebhookURL, "webhook-url", env("BATON_WEBHOOK_URL", ""), "deliver outbound messages to this URL (env BATON_WEBHOOK_URL)")
	secretFile := fs.String("webhook-secret-file", env("BATON_WEBHOOK_SECRET_FILE", ""), "file holding the HMAC-SHA256 key for webhook signatures; or set BATON_WEBHOOK_SECRET (never on the command line)")
	fs.StringVar(&cfg.PublicURL, "public-url", env("BATON_PUBLIC_URL", ""), "base URL of links sent to prospects, e.g. the intake form; default http:// + addr (env BATON_PUBLIC_URL)")
	authFlags(fs, &cfg.Auth)
	fs.StringVar(&cfg.Connectors.SalesforceOrgID, "salesforce-org-id", env("BATON_SALESFORCE_ORG_ID", ""), "accept Salesforce Outbound Messages from this organization id (env BATON_SALESFORCE_ORG_ID)")
	cfg.Connectors.HubSpotSecret, cfg.Connectors.CalcomSecret = os.Getenv("BATON_HUBSPOT_CLIENT_SECRET"), os.Getenv("BATON_CALCOM_WEBHOOK_SECRET")
	cfg.Connectors.CalendlyKey = os.Getenv("BATON_CALENDLY_SIGNING_KEY")
	metricsTokenFile := fs.String("metrics-token-file", env("BATON_METRICS_TOKEN_FILE", ""), "file holding the bearer token GET /metrics requires; or set BATON_METRICS_TOKEN; without either /metrics is open to anyone who reaches the listener")
	fs.StringVar(&cfg.Synchronous, "synchronous", env("BATON_SYNCHRONOUS", "FULL"), "SQLite synchronous mode: FULL or NORMAL (env BATON_SYNCHRONOUS)")
	chf := addChannelFlags(fs, os.Getenv)
	crmf := addCRMFlags(fs, os.Getenv)
	retentionErr := retentionFlags(fs, &cfg.Retention, os.Getenv)
	if err := refuseSecretFlags(args); err != nil {
		return err
	}
	if err := refuseChannelSecretFlags(args); err != nil {
		return err
	}
	if err := refuseCRMSecretFlags(args); err != nil {
		return err
	}
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if err := retentionErr(); err != nil {
		return err
	}
	channels, err := chf.load(os.Getenv)
	if err != nil {
		return err
	}
	if channels.CRM, err = crmf.load(os.Getenv); err != nil {
		return err
	}
	cfg.Channels = channels
	secret, err := webhookSecret(os.Getenv("BATON_WEBHOOK_SECRET"), *secretFile)
	if err != nil {
		return err
	}
	cfg.WebhookSecret = secret
	if cfg.MetricsToken, err = secretFrom("metrics token", "BATON_METRICS_TOKEN", os.Getenv("BATON_METRICS_TOKEN"), "--metrics-token-file", *metricsTokenFile); err != nil {
		return err
	}
	if err := cfg.Auth.load(); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	return Serve(ctx, cfg, stdout, log)
}

// secretFlags are flags that would carry a secret on the command line,
// where ps, /proc/PID/cmdline and /debug/pprof/cmdline show it.
var secretFlags = []string{"webhook-secret", "metrics-token"}

// refuseSecretFlags fails, saying how to pass the secret instead, when args
// hold a secret flag.
func refuseSecretFlags(args []string) error {
	for _, a := range args {
		if a == "--" {
			break
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || !slices.Contains(secretFlags, name) {
			continue
		}
		envName := "BATON_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
		return usageError{fmt.Sprintf("--%s is not accepted: a secret on the command line is visible to every user of the machine (ps) and in /debug/pprof/cmdline; "+
			"set %s in the environment or put it in a file and pass --%s-file FILE", name, envName, name)}
	}
	return nil
}

// webhookSecret returns the webhook key from the environment's value or
// from file (its trailing newline dropped); giving both is an error.
func webhookSecret(fromEnv, file string) (string, error) {
	return secretFrom("webhook secret", "BATON_WEBHOOK_SECRET", fromEnv, "--webhook-secret-file", file)
}

// secretFrom returns a secret (what) from the environment variable
// envName's value fromEnv or from file, given by flag (its trailing newline
// dropped); giving both is an error.
func secretFrom(what, envName, fromEnv, flag, file string) (string, error) {
	if file == "" {
		return fromEnv, nil
	}
	if fromEnv != "" {
		return "", usageError{fmt.Sprintf("both %s and %s are set: use one", envName, flag)}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	secret := strings.TrimRight(string(b), "\r\n")
	if strings.TrimSpace(secret) == "" {
		return "", fmt.Errorf("%s: %s is empty", what, file)
	}
	return secret, nil
}

// Serve runs Baton until ctx is done.
func Serve(ctx context.Context, cfg Config, stdout io.Writer, log *slog.Logger) error {
	start := time.Now()
	// Baton's live heap is small (tens of MB) and ingest allocates briskly:
	// collecting at 5× the live heap instead of 2× buys ~13% ingest
	// throughput for a few MB of RSS. GOGC in the environment overrides it.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	pb := playbook.Default()
	if cfg.Playbook != "" {
		var err error
		if pb, err = playbook.Load(cfg.Playbook); err != nil {
			return err
		}
	}
	if cfg.WebhookURL != "" && cfg.WebhookSecret == "" {
		return usageError{"--webhook-url needs a key to sign deliveries: set BATON_WEBHOOK_SECRET or pass --webhook-secret-file FILE"}
	}
	if _, err := webhook.ParseSecret(cfg.WebhookSecret); cfg.WebhookURL != "" && err != nil {
		return usageError{fmt.Sprintf("webhook secret: %v", err)}
	}
	db, err := openStore(ctx, cfg.DB, cfg.Synchronous, false)
	if err != nil {
		return err
	}
	defer db.Close()

	var clock baton.Clock = baton.SystemClock{}
	if off := os.Getenv("BATON_CLOCK_OFFSET"); off != "" {
		d, err := time.ParseDuration(off)
		if err != nil {
			return usageError{fmt.Sprintf("BATON_CLOCK_OFFSET: %v", err)}
		}
		clock = baton.OffsetClock{Offset: d}
		log.Warn("clock shifted", "offset", d)
	}
	var sim *demo.Clock
	if cfg.Demo {
		sim = demo.NewClock()
		clock = sim
	}
	// Prometheus metrics: transactions timed, the service observed, and the
	// open handoffs and backlogs read at scrape time.
	metrics := prom.New()
	svc := service.New(metrics.Store(db), clock, pb, log)
	svc.SetObserver(metrics)
	metrics.SetGauges(gauges(db), clock.Now)
	svc.SetPublicURL(cmp.Or(cfg.PublicURL, "http://"+cfg.Addr))
	if err := startupPlaybook(ctx, svc, cfg.Playbook, log); err != nil {
		return err
	}
	if cfg.Demo {
		res, err := demo.Load(ctx, svc, sim)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if res.Loaded {
			fmt.Fprintf(stdout, "demo: loaded %d users, %d accounts and %d signals (%d handoffs) over the past week\n", res.Users, res.Accounts, res.Signals, res.Handoffs)
		} else {
			fmt.Fprintln(stdout, "demo: the database already has a team; nothing loaded")
		}
	}
	svc.SetSessionLimits(service.SessionLimits{Idle: cfg.Auth.SessionIdle, Max: cfg.Auth.SessionMax})
	if chs := names(cfg.Channels.deliverers(svc, webhookIf(cfg.WebhookURL))); len(chs) > 0 {
		svc.SetChannels(chs...)
	}
	svc.SetCRM(cfg.Channels.CRM.config())
	cfg.Channels.CRM.Log = log
	if err := svc.ScheduleWeeklyReviews(ctx); err != nil {
		return fmt.Errorf("weekly reviews: %w", err)
	}
	if err := svc.ScheduleRenewals(ctx); err != nil {
		return fmt.Errorf("renewals: %w", err)
	}

	srv, err := web.New(svc, log)
	if err != nil {
		return err
	}
	srv.Ready = db.Ready
	srv.Connectors = cfg.Connectors
	srv.Connectors.Metrics = metrics
	srv.Metrics = metrics.Handler(cfg.MetricsToken)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	hs := srv.HTTPServer(cfg.Addr)
	if cfg.PublicURL == "" {
		svc.SetPublicURL("http://" + ln.Addr().String())
	}
	if err := startAuth(ctx, cfg, svc, srv, stdout); err != nil {
		ln.Close()
		return err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		(&worker.Timers{Service: svc, Log: log, Release: releaseTimers(db)}).Run(ctx)
	}()
	var hook worker.Deliverer
	if cfg.WebhookURL != "" {
		key, _ := webhook.ParseSecret(cfg.WebhookSecret) // checked above
		hook = &worker.Webhook{Sender: &webhook.Sender{Client: &http.Client{}, Secret: key}, URL: cfg.WebhookURL}
	}
	if channels := cfg.Channels.deliverers(svc, hook); len(channels) > 0 {
		ob := &worker.Outbox{Service: svc, Channels: channels, Log: log, Release: releaseMessages(db)}
		// A queued notification goes out when its transaction commits, not
		// at the next poll.
		if n, ok := db.(interface{ OnMessagesCommitted(func()) }); ok {
			n.OnMessagesCommitted(ob.Wake)
		}
		// A notification to a person is queued leased to this node's
		// outbox, which the store hands it to on commit: no claim (a
		// write behind the signals) between the commit and the delivery.
		if n, ok := db.(interface {
			OnMessagesLeased(func([]*baton.Message))
		}); ok {
			n.OnMessagesLeased(ob.Hand)
			svc.SetHandLease(handLease)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			ob.Run(ctx)
		}()
	}
	if ret := cfg.Retention.worker(db, clock, log, metrics); !ret.Off() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ret.Run(ctx)
		}()
	}
	if addr := os.Getenv("BATON_DEBUG_ADDR"); addr != "" {
		// Profiling endpoints on a separate, private listener.
		dbg := &http.Server{Addr: addr, Handler: http.DefaultServeMux, ReadHeaderTimeout: 10 * time.Second}
		go dbg.ListenAndServe()
		defer dbg.Close()
		log.Info("debug listener", "addr", addr)
	}
	cfg.Channels.logConfigured(log)
	if cfg.MetricsToken == "" && !loopback(ln.Addr()) {
		log.Warn("GET /metrics is open to anyone who reaches the listener: set BATON_METRICS_TOKEN or --metrics-token-file", "addr", ln.Addr().String())
	}
	log.Info("baton listening", "addr", ln.Addr().String(), "db", dbName(cfg.DB), "playbook", pb.Name, "startup", time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(stdout, "baton: listening on http://%s\n", ln.Addr())

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err = <-errc:
	case <-ctx.Done():
		shutdown, c := context.WithTimeout(context.Background(), 10*time.Second)
		defer c()
		err = hs.Shutdown(shutdown)
	}
	cancel()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// startupPlaybook settles the playbook in force at start-up: a --playbook
// file wins and is recorded as a new published version (unless the newest
// already has the same YAML); without one, the newest version published
// from the admin pages is put in force, and with none the embedded default
// stays.
func startupPlaybook(ctx context.Context, svc *service.Service, file string, log *slog.Logger) error {
	if file != "" {
		v, err := svc.RecordStartupPlaybook(ctx, "--playbook "+file)
		if err != nil {
			return err
		}
		log.Info("playbook", "file", file, "version", v.Version)
		return nil
	}
	pb, v, err := svc.PublishedPlaybook(ctx)
	switch {
	case baton.ErrorCode(err) == baton.ENOTFOUND:
		return nil
	case err != nil:
		return err
	}
	svc.SetPlaybook(pb)
	log.Info("playbook", "version", v.Version, "published_at", v.CreatedAt)
	return nil
}

// webhookIf stands for the webhook channel when its URL is set, for
// naming the configured channels.
func webhookIf(url string) worker.Deliverer {
	if url == "" {
		return nil
	}
	return &worker.Webhook{URL: url}
}

// loopback reports whether addr listens on a loopback address only.
func loopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// handLease is how long a notification queued by this node is leased to
// its own outbox (service.Service.SetHandLease): should the node stop
// before delivering it, another node's outbox, or this one's after a
// restart, claims it once the lease ends. It matches the outbox's lease
// for a claimed attempt (worker.Outbox.Lease's default).
const handLease = 2 * time.Minute
