// Package browsertest drives a real headless Chromium from Go tests, so
// Baton's server-rendered pages are checked the way people see them: laid
// out at a phone's and a desktop's width, with forms filled in and
// submitted, cookies kept, and screenshots taken.
//
// It is the only package that imports chromedp, whose API changes from
// release to release: every chromedp call lives here, behind a small API
// that fails the calling test instead of returning errors.
//
// A test starts one Browser and opens a Page (a tab in its own browser
// context, with its own cookies) for each viewport or user:
//
//	b := browsertest.New(t)
//	p := b.NewPage(t, browsertest.Phone)
//	p.Navigate(srv.URL + "/login")
//	p.NoHorizontalScroll(t)
//
// Limits: Linux only in practice (the browser is looked up at Debian's
// paths, and the check that no browser process outlives the test reads
// /proc). Without a browser, New skips the test, except when the CI
// environment variable is set, where it fails it, so CI cannot pass by
// testing nothing. Every wait has a deadline (15 s unless WithTimeout says
// otherwise); nothing sleeps.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// DefaultTimeout bounds every wait on the browser: its start, a tab's
// opening, a navigation, a query for an element.
const DefaultTimeout = 15 * time.Second

// EnvChrome names the environment variable that overrides where the browser
// is looked for: the path of a Chromium or Chrome executable.
const EnvChrome = "BATON_CHROME"

// candidates are the paths New tries, in order, after EnvChrome: Debian's
// chromium-headless-shell (small, made for this), then full Chromium.
var candidates = [...]string{
	"/usr/bin/chromium-headless-shell",
	"/usr/bin/chromium",
	"/usr/bin/chromium-browser",
}

// errNoBrowser is what locate returns when no browser is installed.
var errNoBrowser = errors.New("no Chromium found (set " + EnvChrome + " or install one: apt-get install chromium-headless-shell)")

// Option configures New.
type Option func(*config)

type config struct {
	timeout time.Duration
}

// WithTimeout sets the deadline of every wait on the browser (default
// DefaultTimeout).
func WithTimeout(d time.Duration) Option {
	return func(c *config) { c.timeout = d }
}

// Browser is one headless Chromium process, closed when its test ends.
type Browser struct {
	ctx     context.Context // the browser's own chromedp context
	cancel  context.CancelFunc
	timeout time.Duration
	dir     string // the temporary user data directory
	pid     int    // the process started, a group leader
}

// New starts a headless Chromium for t and closes it when t ends, failing
// t if a process it started outlives it. The browser is EnvChrome, else the
// first that exists of /usr/bin/chromium-headless-shell, /usr/bin/chromium
// and /usr/bin/chromium-browser. With none, New skips t, or fails it when
// the CI environment variable is set (to anything but "", "0" or "false").
func New(t testing.TB, opts ...Option) *Browser {
	t.Helper()
	return start(t, os.Getenv, executable, opts...)
}

// start is New with the environment and the file system as arguments.
func start(t testing.TB, getenv func(string) string, isExec func(string) bool, opts ...Option) *Browser {
	t.Helper()
	cfg := config{timeout: DefaultTimeout}
	for _, o := range opts {
		o(&cfg)
	}
	path, err := locate(getenv, isExec)
	if errors.Is(err, errNoBrowser) && !inCI(getenv("CI")) {
		t.Skipf("browsertest: skipped: %v", err)
	}
	if err != nil {
		t.Fatalf("browsertest: %v", err)
	}
	dir, err := os.MkdirTemp("", "baton-chromium-")
	if err != nil {
		t.Fatalf("browsertest: user data dir: %v", err)
	}
	b := &Browser{timeout: cfg.timeout, dir: dir}

	allocOpts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(dir),
		chromedp.ModifyCmdFunc(ownGroup),
	)
	actx, acancel := chromedp.NewExecAllocator(context.Background(), allocOpts...)
	ctx, cancel := chromedp.NewContext(actx)
	b.ctx = ctx
	b.cancel = func() { cancel(); acancel() }
	t.Cleanup(func() { b.close(t) })

	// The first run starts the process and binds it to the context it is
	// given, so it gets the untimed one and the deadline is kept here.
	if err := first(ctx, cancel, cfg.timeout, chromedp.Steps()); err != nil {
		t.Fatalf("browsertest: start %s: %v", path, err)
	}
	if c := chromedp.FromContext(ctx); c != nil && c.Browser != nil && c.Browser.Process() != nil {
		b.pid = c.Browser.Process().Pid
	}
	return b
}

// locate finds the browser: the EnvChrome override, which must then be
// executable, else the first executable of candidates, else errNoBrowser.
func locate(getenv func(string) string, isExec func(string) bool) (string, error) {
	if p := getenv(EnvChrome); p != "" {
		if !isExec(p) {
			return "", fmt.Errorf("%s=%s is not an executable file", EnvChrome, p)
		}
		return p, nil
	}
	for _, p := range candidates {
		if isExec(p) {
			return p, nil
		}
	}
	return "", errNoBrowser
}

// executable reports whether path is a regular file someone may execute.
func executable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// inCI reports whether the CI environment variable's value says the tests
// run in continuous integration.
func inCI(v string) bool {
	v = strings.ToLower(strings.TrimSpace(v))
	return v != "" && v != "0" && v != "false"
}

// first runs a as the first action on a chromedp context, which binds the
// browser process or the tab to ctx for life: ctx must carry no deadline, so
// the deadline d is kept by cancelling ctx when it passes.
func first(ctx context.Context, cancel context.CancelFunc, d time.Duration, a chromedp.Action[chromedp.Void]) error {
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(ctx, a) }()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
		cancel()
		<-done
		return fmt.Errorf("no answer within %s", d)
	}
}

// close shuts the browser down gracefully (killing it past the deadline),
// then fails t if any process it started is still running, and kills those.
func (b *Browser) close(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.timeout)
	err := chromedp.Cancel(ctx)
	cancel()
	b.cancel()
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, chromedp.ErrInvalidContext) {
		t.Logf("browsertest: close: %v", err)
	}
	if left := b.leftovers(b.timeout); len(left) > 0 {
		t.Errorf("browsertest: %d browser processes left running after close:\n%s", len(left), strings.Join(left, "\n"))
		killAll(left)
	}
	if err := os.RemoveAll(b.dir); err != nil {
		t.Errorf("browsertest: remove user data dir: %v", err)
	}
}
