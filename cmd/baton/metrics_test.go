package main

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestMetricsAfterTheDemo is the README's Monitoring section: `baton serve
// --demo`, then GET /metrics (with the metrics token) shows the signals,
// timers, breaches and open handoffs of the demo's week.
func TestMetricsAfterTheDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	t.Parallel()
	db := filepath.Join(t.TempDir(), "baton.db")
	cmd := batonCmd(t, []string{"BATON_METRICS_TOKEN=metrics-s3cret"}, "serve", "--demo", "--db", db, "--addr", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-done })
	url := ""
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if addr, ok := strings.CutPrefix(lines.Text(), "baton: listening on "); ok {
			url = addr
			go io.Copy(io.Discard, out)
			break
		}
	}
	if url == "" {
		t.Fatalf("server did not start: %s", stderr.String())
	}

	get := func(auth string) (int, string) {
		req, _ := http.NewRequest("GET", url+"/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get(""); code != http.StatusUnauthorized {
		t.Errorf("without the token: got %d, want 401", code)
	}
	code, body := get("Bearer metrics-s3cret")
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
	cmd.Process.Signal(syscall.SIGTERM)
	<-done
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
