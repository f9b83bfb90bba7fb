package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// servedDemo is one run of `baton serve --demo` (the real binary: this test
// binary re-executed, see TestMain) for the whole package: it starts the
// server on an empty file, records GET /metrics without and with the
// metrics token, and stops it with SIGTERM. TestMetricsAfterTheDemo checks
// the responses; TestCopyDemoToPostgres copies the demo database the
// server left behind. Loading the demo's week is most of either test's
// time under the race detector, so it is loaded once, not once per test;
// both tests start it before they pause for t.Parallel, so it loads while
// the package's other tests run rather than taking a parallel slot.
var servedDemo struct {
	once         sync.Once
	ready        chan struct{} // closed when the run below is over
	dir          string        // removed by TestMain
	db           string        // the demo database, after the server stopped
	unauthorized int           // status of GET /metrics without the token
	code         int           // status of GET /metrics with the token
	body         string        // its body
	handoffs     int           // handoffs the demo created, as serve reported them
	err          error
}

// startServedDemo starts the run of `baton serve --demo` (see servedDemo)
// unless it has started already, and returns at once.
func startServedDemo() {
	servedDemo.once.Do(func() {
		servedDemo.ready = make(chan struct{})
		go func() {
			defer close(servedDemo.ready)
			servedDemo.err = runServedDemo()
		}()
	})
}

// serveDemo waits for the run of `baton serve --demo` (starting it if need
// be) and fails t if that went wrong.
func serveDemo(t *testing.T) {
	t.Helper()
	startServedDemo()
	<-servedDemo.ready
	if servedDemo.err != nil {
		t.Fatalf("baton serve --demo: %v", servedDemo.err)
	}
}

func runServedDemo() (err error) {
	dir, err := os.MkdirTemp("", "baton-served-demo-")
	if err != nil {
		return err
	}
	servedDemo.dir = dir
	db := filepath.Join(dir, "baton.db")
	cmd := exec.Command(os.Args[0], "serve", "--demo", "--db", db, "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "BATON_E2E_MAIN=1", "BATON_METRICS_TOKEN=metrics-s3cret")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		if err != nil {
			cmd.Process.Kill()
			<-done
			err = fmt.Errorf("%w\n%s", err, stderr.String())
		}
	}()
	url := ""
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if _, loaded, ok := strings.Cut(lines.Text(), "demo: loaded "); ok {
			// "demo: loaded U users, A accounts and S signals (H handoffs) ..."
			_, h, _ := strings.Cut(loaded, "(")
			fmt.Sscanf(h, "%d handoffs", &servedDemo.handoffs)
		}
		if addr, ok := strings.CutPrefix(lines.Text(), "baton: listening on "); ok {
			url = addr
			go io.Copy(io.Discard, out)
			break
		}
	}
	if url == "" {
		return errors.New("server did not start")
	}
	if servedDemo.handoffs == 0 {
		return errors.New("no \"demo: loaded ... (N handoffs)\" line with handoffs before the listening line")
	}
	get := func(auth string) (int, string, error) {
		req, _ := http.NewRequest("GET", url+"/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), err
	}
	if servedDemo.unauthorized, _, err = get(""); err != nil {
		return err
	}
	if servedDemo.code, servedDemo.body, err = get("Bearer metrics-s3cret"); err != nil {
		return err
	}
	cmd.Process.Signal(syscall.SIGTERM)
	exit := <-done
	done <- exit // for the deferred cleanup
	if exit != nil {
		return fmt.Errorf("after SIGTERM: %w", exit)
	}
	servedDemo.db = db
	return nil
}

// TestMetricsAfterTheDemo is the README's Monitoring section: `baton serve
// --demo`, then GET /metrics (with the metrics token) shows the signals,
// timers, breaches and open handoffs of the demo's week.
func TestMetricsAfterTheDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	startServedDemo()
	t.Parallel()
	serveDemo(t)
	if code := servedDemo.unauthorized; code != http.StatusUnauthorized {
		t.Errorf("without the token: got %d, want 401", code)
	}
	code, body := servedDemo.code, servedDemo.body
	if code != http.StatusOK {
		t.Fatalf("with the token: got %d, want 200", code)
	}
	for _, name := range []string{
		`baton_signals_total{result="routed",type="demo_request"}`,
		`baton_ingest_duration_seconds_count`,
		`baton_timers_total{kind="ladder",result="fired"}`,
		`baton_timer_lateness_seconds_count`,
		`baton_sla_breaches_total{`,
		`baton_handoffs_open{state="assigned"}`,
		`baton_db_transaction_duration_seconds_count{op="update"}`,
		`go_goroutines`,
	} {
		if v := total(body, name); v <= 0 {
			t.Errorf("%s: got %v, want it moved by the demo", name, v)
		}
	}
}

// total sums the values of the exposition lines of body starting with
// prefix; -1 when there is none.
func total(body, prefix string) float64 {
	sum, found := 0.0, false
	for line := range strings.Lines(body) {
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		fields := strings.Fields(line)
		v, err := strconv.ParseFloat(fields[len(fields)-1], 64)
		if err == nil {
			sum, found = sum+v, true
		}
	}
	if !found {
		return -1
	}
	return sum
}
