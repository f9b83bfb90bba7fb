package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeBaton answers POST /api/v1/signals like Baton's ingest endpoint: 201 for
// a new external id, 200 for one it has seen, 400 for a body it would reject.
type fakeBaton struct {
	status int // when non-zero, every answer has this status

	mu      sync.Mutex
	ids     map[string]bool
	types   map[string]bool
	domains map[string]bool
	onCount func(n int) // called with the number of requests so far
}

func (f *fakeBaton) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/api/v1/signals" {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	if r.Header.Get("Authorization") != "Bearer test-token" {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	var s signalBody
	if err := json.NewDecoder(r.Body).Decode(&s); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	occurred, err := time.Parse(time.RFC3339, s.OccurredAt)
	switch {
	case err != nil || occurred.After(time.Now()):
		http.Error(w, "bad occurred_at", http.StatusBadRequest)
		return
	case !strings.HasPrefix(s.ExternalID, "load-"), !strings.HasSuffix(s.Contact.Email, "@"+s.Account.Domain):
		http.Error(w, "bad external_id or email", http.StatusBadRequest)
		return
	case s.Type == "lead_score_crossed" && s.Fields.LeadScore < 65:
		http.Error(w, "lead score below threshold", http.StatusBadRequest)
		return
	}

	f.mu.Lock()
	seen := f.ids[s.ExternalID]
	f.ids[s.ExternalID] = true
	f.types[s.Type] = true
	f.domains[s.Account.Domain] = true
	n, onCount := len(f.ids), f.onCount
	f.mu.Unlock()
	if onCount != nil {
		onCount(n)
	}

	switch {
	case f.status != 0:
		w.WriteHeader(f.status)
	case seen:
		w.WriteHeader(http.StatusOK)
	default:
		w.WriteHeader(http.StatusCreated)
	}
	w.Write([]byte(`{"id":"sig_1"}`))
}

type testBundle struct {
	fake *fakeBaton
	url  string
}

func setup(t *testing.T, status int) *testBundle {
	t.Helper()
	fake := &fakeBaton{status: status, ids: map[string]bool{}, types: map[string]bool{}, domains: map[string]bool{}}
	srv := httptest.NewServer(fake) // listens on 127.0.0.1
	t.Cleanup(srv.Close)
	return &testBundle{fake: fake, url: srv.URL}
}

// runJSON runs baton-load with --json and returns its exit status, its
// report and its stderr.
func runJSON(t *testing.T, ctx context.Context, args ...string) (int, report, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(key string) string {
		if key == "BATON_TOKEN" {
			return "test-token"
		}
		return ""
	}
	code := run(ctx, append(args, "--json"), getenv, &stdout, &stderr)
	var rep report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("decode report: %v\nstdout: %s\nstderr: %s", err, stdout.Bytes(), stderr.Bytes())
	}
	return code, rep, stderr.String()
}

// checkSane fails unless the report's percentiles are in order and below the
// request timeout.
func checkSane(t *testing.T, rep report) {
	t.Helper()
	l := rep.Latency
	if !(0 < l.P50 && l.P50 <= l.P90 && l.P90 <= l.P99 && l.P99 <= l.P999 && l.P999 <= l.Max) {
		t.Errorf("latency p50=%v p90=%v p99=%v p99.9=%v max=%v ms, want 0 < p50 ≤ … ≤ max", l.P50, l.P90, l.P99, l.P999, l.Max)
	}
	if l.Max >= 5000 {
		t.Errorf("latency max = %vms, want below the 5s timeout", l.Max)
	}
	if rep.OK != rep.Sent || rep.Status4xx+rep.Status5xx+rep.Errors+rep.Other != 0 {
		t.Errorf("sent=%d ok=%d 4xx=%d 5xx=%d other=%d err=%d, want every request 2xx (first problem: %q)",
			rep.Sent, rep.OK, rep.Status4xx, rep.Status5xx, rep.Other, rep.Errors, rep.FirstProblem)
	}
}

func TestRun(t *testing.T) {
	t.Parallel()

	t.Run("RateModeKeepsTheScheduleAndCountsDuplicates", func(t *testing.T) {
		t.Parallel()
		b := setup(t, 0)

		code, rep, stderr := runJSON(t, t.Context(), "--url", b.url, "--mode", "rate", "--rate", "500",
			"--duration", "1s", "--warmup", "0", "--dup-every", "10")

		if code != 0 {
			t.Errorf("exit status = %d, want 0; stderr: %s", code, stderr)
		}
		if rep.Sent != 500 {
			t.Errorf("sent = %d, want 500 (1s at 500/s)", rep.Sent)
		}
		// Every 10th signal resends an earlier one: 450 new, 50 duplicates.
		if rep.Codes["201"] != 450 || rep.Codes["200"] != 50 {
			t.Errorf("codes = %v, want 201:450 200:50", rep.Codes)
		}
		// The achieved rate depends on how busy the machine is; only the
		// schedule's ceiling is a property of the generator.
		if rep.Rate > 500.5 {
			t.Errorf("achieved rate = %.1f/s, want at most the 500/s asked for", rep.Rate)
		}
		if rep.TargetRate != 500 || rep.Concurrency < 64 {
			t.Errorf("target=%v pool=%d, want 500 and at least 64", rep.TargetRate, rep.Concurrency)
		}
		checkSane(t, rep)
		b.fake.mu.Lock()
		defer b.fake.mu.Unlock()
		if got, want := len(b.fake.types), len(signalTypes); got != want {
			t.Errorf("server saw %d signal types, want %d", got, want)
		}
		if got := len(b.fake.domains); got != 450 {
			t.Errorf("server saw %d account domains, want 450 (one per new signal below 1,000)", got)
		}
	})

	t.Run("MaxModeSustainsAndExcludesWarmup", func(t *testing.T) {
		t.Parallel()
		b := setup(t, 0)

		code, rep, stderr := runJSON(t, t.Context(), "--url", b.url, "--mode", "max", "--concurrency", "4",
			"--duration", "1s", "--warmup", "100ms")

		if code != 0 {
			t.Errorf("exit status = %d, want 0; stderr: %s", code, stderr)
		}
		if rep.Sent == 0 || rep.Concurrency != 4 {
			t.Fatalf("sent=%d workers=%d, want some signals from 4 workers", rep.Sent, rep.Concurrency)
		}
		if rep.Seconds < 1 || rep.Seconds > 6 {
			t.Errorf("duration = %vs, want between 1s and 1s + timeout", rep.Seconds)
		}
		if want := float64(rep.Sent) / rep.Seconds; rep.Rate != want {
			t.Errorf("sustained = %v/s, want sent/duration = %v/s", rep.Rate, want)
		}
		b.fake.mu.Lock()
		received := len(b.fake.ids)
		b.fake.mu.Unlock()
		if int64(received) <= rep.Sent {
			t.Errorf("server received %d, report counts %d: want warm-up requests left out of the report", received, rep.Sent)
		}
		checkSane(t, rep)
	})

	t.Run("ExitsNonZeroOn5xxAfterPrinting", func(t *testing.T) {
		t.Parallel()
		b := setup(t, http.StatusServiceUnavailable)

		code, rep, stderr := runJSON(t, t.Context(), "--url", b.url, "--rate", "100", "--duration", "200ms", "--warmup", "0")

		if code != 1 {
			t.Errorf("exit status = %d, want 1", code)
		}
		if rep.Status5xx != 20 || rep.OK != 0 {
			t.Errorf("5xx=%d ok=%d, want 20 and 0", rep.Status5xx, rep.OK)
		}
		if !strings.Contains(stderr, "HTTP 503") {
			t.Errorf("stderr = %q, want the first problem named", stderr)
		}
	})

	t.Run("PrintsWhatItHasWhenInterrupted", func(t *testing.T) {
		t.Parallel()
		b := setup(t, 0)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		b.fake.onCount = func(n int) {
			if n == 50 {
				cancel()
			}
		}

		code, rep, stderr := runJSON(t, ctx, "--url", b.url, "--rate", "1000", "--duration", "1m", "--warmup", "0")

		if code != 0 {
			t.Errorf("exit status = %d, want 0; stderr: %s", code, stderr)
		}
		if !rep.Interrupted || rep.Sent < 1 || rep.Sent > 1000 {
			t.Errorf("interrupted=%v sent=%d, want an interrupted run with about 50 signals", rep.Interrupted, rep.Sent)
		}
		if rep.Seconds <= 0 || rep.Seconds > 10 {
			t.Errorf("duration = %vs, want the time until the interrupt", rep.Seconds)
		}
	})

	t.Run("RefusesNonLoopbackURL", func(t *testing.T) {
		t.Parallel()
		var stdout, stderr bytes.Buffer

		code := run(t.Context(), []string{"--url", "http://10.1.2.3:8080", "--token", "x"}, func(string) string { return "" }, &stdout, &stderr)

		if code != 2 {
			t.Errorf("exit status = %d, want 2", code)
		}
		if !strings.Contains(stderr.String(), "not loopback") {
			t.Errorf("stderr = %q, want it to say the host is not loopback", stderr.String())
		}
		if stdout.Len() != 0 {
			t.Errorf("stdout = %q, want nothing", stdout.String())
		}
	})
}

func TestParseConfig(t *testing.T) {
	t.Parallel()

	noEnv := func(string) string { return "" }
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"RefusesPublicHost", []string{"--token", "x", "--url", "http://example.com"}, "not loopback"},
		{"RefusesPrivateAddress", []string{"--token", "x", "--url", "http://192.168.1.10:8080"}, "not loopback"},
		{"RefusesAnyAddress", []string{"--token", "x", "--url", "http://0.0.0.0:8080"}, "not loopback"},
		{"RefusesLookalikeHost", []string{"--token", "x", "--url", "http://127.0.0.1.example.com"}, "not loopback"},
		{"RefusesOtherScheme", []string{"--token", "x", "--url", "ftp://127.0.0.1"}, "scheme"},
		{"RequiresToken", nil, "BATON_TOKEN"},
		{"RefusesUnknownMode", []string{"--token", "x", "--mode", "burst"}, "--mode"},
		{"RefusesZeroRate", []string{"--token", "x", "--rate", "0"}, "--rate"},
		{"RefusesDupEveryOne", []string{"--token", "x", "--dup-every", "1"}, "--dup-every"},
		{"RefusesStrayArgument", []string{"--token", "x", "now"}, "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseConfig(tt.args, noEnv, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseConfig(%q) error = %v, want one mentioning %q", tt.args, err, tt.wantErr)
			}
		})
	}

	t.Run("AcceptsLoopbackHosts", func(t *testing.T) {
		t.Parallel()
		for _, u := range []string{"http://127.0.0.1:8080", "http://127.9.8.7", "https://localhost:8443/", "http://[::1]:8080", "http://[::ffff:127.0.0.1]:80"} {
			if _, err := parseConfig([]string{"--url", u}, func(string) string { return "x" }, &bytes.Buffer{}); err != nil {
				t.Errorf("parseConfig(--url %s) error = %v, want none", u, err)
			}
		}
	})

	t.Run("SizesTheRatePoolFromRateAndTimeout", func(t *testing.T) {
		t.Parallel()
		cfg, err := parseConfig([]string{"--token", "x", "--rate", "1000", "--timeout", "5s"}, noEnv, &bytes.Buffer{})
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Concurrency != 5000 {
			t.Errorf("rate-mode pool = %d, want 5000", cfg.Concurrency)
		}
		cfg, err = parseConfig([]string{"--token", "x", "--mode", "max"}, noEnv, &bytes.Buffer{})
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Concurrency != 64 {
			t.Errorf("max-mode workers = %d, want 64", cfg.Concurrency)
		}
	})

	t.Run("DialerRefusesNonLoopbackAddress", func(t *testing.T) {
		t.Parallel()
		if err := loopbackOnly("tcp", "93.184.216.34:80", nil); err == nil {
			t.Error("loopbackOnly(93.184.216.34:80) = nil, want an error")
		}
		if err := loopbackOnly("tcp", "[::1]:8080", nil); err != nil {
			t.Errorf("loopbackOnly([::1]:8080) = %v, want nil", err)
		}
	})
}

func TestWriteText(t *testing.T) {
	t.Parallel()

	rep := report{
		Mode: "rate", Run: "ab12", Concurrency: 5000, TargetRate: 1000, Rate: 999.8, Seconds: 30,
		Sent: 30000, OK: 30000, Codes: map[string]int64{"201": 29000, "200": 1000},
		Latency:  latencies{P50: 1.912, P90: 3.1, P99: 7.8, P999: 15.2, Max: 31},
		MaxLagMS: 0.412,
	}
	var out bytes.Buffer
	rep.WriteText(&out)

	want := "mode=rate target=1000/s achieved=999.8/s sent=30000 ok=30000 4xx=0 5xx=0 err=0 duration=30s\n" +
		"latency p50=1.9ms p90=3.1ms p99=7.8ms p99.9=15ms max=31ms\n" +
		"run=ab12 pool=5000 behind=no late=0 max_lag=412µs codes=200:1000,201:29000\n"
	if got := out.String(); got != want {
		t.Errorf("WriteText:\ngot  %q\nwant %q", got, want)
	}
}
