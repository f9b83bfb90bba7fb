package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/batontest"
	"github.com/batonhq/baton/sqlite"
)

// TestMain lets the test binary act as the baton binary: the end-to-end
// tests re-execute it with BATON_E2E_MAIN=1, so they need no separate build.
func TestMain(m *testing.M) {
	if os.Getenv("BATON_E2E_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	code := m.Run()
	if servedDemo.ready != nil {
		<-servedDemo.ready
	}
	if servedDemo.dir != "" {
		os.RemoveAll(servedDemo.dir)
	}
	os.Exit(code)
}

// server is a baton process started by a test.
type server struct {
	cmd  *exec.Cmd
	url  string
	done chan struct{}
}

func batonCmd(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "BATON_E2E_MAIN=1"), env...)
	return cmd
}

// start runs `baton serve` and waits for its listening line.
func start(t *testing.T, db string, env ...string) *server {
	t.Helper()
	cmd := batonCmd(t, env, "serve", "--db", db, "--addr", "127.0.0.1:0", "--playbook", "testdata/fast.yaml")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, done: make(chan struct{})}
	go func() { cmd.Wait(); close(s.done) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-s.done })
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if addr, ok := strings.CutPrefix(lines.Text(), "baton: listening on "); ok {
			s.url = addr
			go io.Copy(io.Discard, out)
			return s
		}
	}
	t.Fatalf("server did not start: %s", stderr.String())
	return nil
}

// createToken creates the database at db (as serve would) and an admin
// token in it, and returns the token's secret. A SQLite file starts as a
// copy of a migrated one (batontest.FreshFile), so `baton migrate` finds
// nothing to do: migrating a new file has tests of its own (TestCLI), and
// under the race detector it cost each process test seconds.
func createToken(t *testing.T, db string) string {
	t.Helper()
	if !strings.HasPrefix(db, "postgres") {
		batontest.FreshFile(t, db)
	}
	if out, err := batonCmd(t, nil, "migrate", "--db", db).CombinedOutput(); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	if out, err := batonCmd(t, nil, "user", "add", "--db", db, "--email", "revops@t.example", "--name", "Rev Ops", "--role", "admin").CombinedOutput(); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	out, err := batonCmd(t, nil, "token", "create", "--db", db, "--user", "revops@t.example", "--name", "e2e").Output()
	if err != nil {
		t.Fatalf("token create: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func post(url, token string, body any) (int, error) {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// TestCrashLosesNothingAcknowledged kills the server with SIGKILL while
// signals are being posted, two clients racing to post each external id,
// restarts it an hour "later" (a clock offset), and checks that every
// acknowledged external id has exactly one handoff and that every timer
// that fell due while it was down fired exactly once.
func TestCrashLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "baton.db")
	token := createToken(t, db)
	s := start(t, db)
	for i := range 3 {
		code, err := post(s.url+"/api/v1/users", token, map[string]any{"email": fmt.Sprintf("sdr%d@t.example", i), "name": fmt.Sprintf("Sdr %d", i),
			"role": "sdr", "team": "sdr", "timezone": "UTC", "active": true})
		if err != nil || code != 200 {
			t.Fatalf("put user: %d %v", code, err)
		}
	}

	var (
		mu    sync.Mutex
		acked []string
		n     atomic.Int64
		wg    sync.WaitGroup
	)
	// A hundred acknowledgements before the kill (of about fifty ids, each
	// posted by two clients): enough that sixteen clients have requests in
	// flight when it lands (the loss being checked) and fifty
	// first-generation ladders fall due together at the restart; more only
	// made the race-instrumented server work longer.
	killAt := int64(100)
	killed := make(chan struct{})
	var once sync.Once
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-killed:
					return
				default:
				}
				// Clients 2k and 2k+1 post the same ids at the same time.
				id := fmt.Sprintf("crash-%d-%d", w/2, i)
				code, err := post(s.url+"/api/v1/signals", token, map[string]any{"external_id": id, "type": "demo_request",
					"contact": map[string]string{"email": fmt.Sprintf("b%d.%d@buyer%d.com", w/2, i, i%50)}})
				if err == nil && code/100 == 2 {
					mu.Lock()
					acked = append(acked, id)
					mu.Unlock()
					if n.Add(1) == killAt {
						once.Do(func() {
							s.cmd.Process.Signal(syscall.SIGKILL)
							close(killed)
						})
					}
				}
			}
		}()
	}
	wg.Wait()
	<-s.done
	if len(acked) < int(killAt) {
		t.Fatalf("only %d signals acknowledged", len(acked))
	}
	posts := len(acked)
	slices.Sort(acked)
	acked = slices.Compact(acked) // an id both clients had acknowledged

	// Restart an hour later: every first-generation timer is overdue.
	s2 := start(t, db, "BATON_CLOCK_OFFSET=1h")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// The running server owns the file: read it read-only beside it.
	store, err := sqlite.Open(ctx, db, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	// Wait (bounded) until the restarted worker has caught up: no timer of
	// the first generation is still pending.
	for {
		var pending int
		store.View(ctx, func(tx baton.Tx) error {
			list, _, err := tx.Handoffs(ctx, baton.HandoffFilter{Limit: 500})
			for _, h := range list {
				ts, _ := tx.PendingTimers(ctx, h.ID)
				for _, tm := range ts {
					if tm.Generation == 1 {
						pending++
					}
				}
			}
			return err
		})
		if pending == 0 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%d first-generation timers still pending after restart", pending)
		case <-time.After(100 * time.Millisecond):
		}
	}
	s2.cmd.Process.Signal(syscall.SIGTERM)
	<-s2.done

	err = store.View(ctx, func(tx baton.Tx) error {
		seen := map[string]bool{}
		for _, id := range acked {
			sig, err := tx.SignalByExternalID(ctx, id)
			if err != nil {
				t.Errorf("acknowledged signal %s lost: %v", id, err)
				continue
			}
			if sig.HandoffID == "" || seen[sig.HandoffID] {
				t.Errorf("signal %s: handoff %q missing or shared", id, sig.HandoffID)
			}
			seen[sig.HandoffID] = true
		}
		var all []*baton.Handoff
		cursor := ""
		for {
			list, next, err := tx.Handoffs(ctx, baton.HandoffFilter{Limit: 500, Cursor: cursor})
			if err != nil {
				return err
			}
			all = append(all, list...)
			if cursor = next; cursor == "" {
				break
			}
		}
		for _, h := range all {
			evs, err := tx.Events(ctx, h.ID)
			if err != nil {
				return err
			}
			counts := map[string]int{}
			var order []string
			for _, e := range evs {
				counts[e.Kind]++
				switch e.Kind {
				case baton.EventReminded, baton.EventBreached, baton.EventReassigned:
					if len(order) == 0 || order[len(order)-1] != e.Kind {
						order = append(order, e.Kind)
					}
				}
			}
			// Overdue steps fire in due order: breach, backup move. The
			// reminder lost its moment in the downtime (the breach was due
			// too), so it is skipped, never sent after the breach.
			if got := strings.Join(order, ","); !strings.HasPrefix(got, "sla_breached,reassigned") && !strings.HasPrefix(got, "reminded,sla_breached,reassigned") {
				t.Errorf("handoff %s: steps fired in order %s, want sla_breached,reassigned (after a reminder only if it was due before the crash)", h.ID, got)
			}
			// The ladder of generation 1: at most one reminder, one backup move.
			if counts[baton.EventReminded] > 1 || counts[baton.EventReassigned] != 1 || counts[baton.EventCreated] != 1 {
				t.Errorf("handoff %s: got events %v, want exactly one created and reassigned, at most one reminded", h.ID, counts)
			}
		}
		if len(all) < len(acked) {
			t.Errorf("got %d handoffs, want at least the %d acknowledged", len(all), len(acked))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d posts of %d external ids acknowledged before SIGKILL; each id present with one handoff", posts, len(acked))
}
