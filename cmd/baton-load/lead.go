package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// assignedEvent is the webhook event type of a new owner's notification.
const assignedEvent = "handoff.assigned"

// leadTracker measures speed to lead: from a signal's 201 (a new handoff)
// to the owner's handoff.assigned notification reaching a local webhook
// receiver, which Baton must be configured to post to (BATON_WEBHOOK_URL).
// Either may come first: the outbox can deliver before the generator has
// read the 201, which counts as zero.
type leadTracker struct {
	start  time.Time     // the generator's start; offsets are from here
	warmup time.Duration // handoffs answered before this are left out
	srv    *http.Server

	mu      sync.Mutex
	created map[string]time.Duration // handoff id → when its 201 was read
	arrived map[string]time.Duration // handoff id → when its notification arrived, before the 201
	waiting int                      // measured 201s whose notification has not arrived
	done    chan struct{}            // closed when waiting drops to zero after finish
	closing bool

	latency   histogram
	delivered int64
}

// startLeadTracker listens on addr (loopback only) for Baton's webhooks.
func startLeadTracker(addr string, start time.Time, warmup time.Duration) (*leadTracker, error) {
	if err := checkURL("http://" + addr); err != nil {
		return nil, fmt.Errorf("--webhook-listen: %w", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--webhook-listen: %w", err)
	}
	t := &leadTracker{start: start, warmup: warmup, created: map[string]time.Duration{},
		arrived: map[string]time.Duration{}, done: make(chan struct{})}
	t.srv = &http.Server{Handler: t, ReadHeaderTimeout: 5 * time.Second}
	go t.srv.Serve(ln)
	return t, nil
}

// ServeHTTP receives one webhook event and answers 204.
func (t *leadTracker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	at := time.Since(t.start)
	var ev struct {
		Type string `json:"type"`
		Data struct {
			Handoff struct {
				ID string `json:"id"`
			} `json:"handoff"`
		} `json:"data"`
	}
	err := json.NewDecoder(io.LimitReader(r.Body, maxAnswer)).Decode(&ev)
	w.WriteHeader(http.StatusNoContent)
	if err != nil || ev.Type != assignedEvent || ev.Data.Handoff.ID == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	id := ev.Data.Handoff.ID
	created, ok := t.created[id]
	switch {
	case !ok:
		if _, seen := t.arrived[id]; !seen {
			t.arrived[id] = at
		}
	case created >= 0:
		t.created[id] = -1 // a redelivery is not counted again
		t.record(at - created)
	}
}

// answered notes the 201 of a new handoff, read at offset at.
func (t *leadTracker) answered(id string, at time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.created[id]; ok || id == "" {
		return // a signal that joined a handoff already counted
	}
	arrived, early := t.arrived[id]
	if at < t.warmup {
		t.created[id] = -1 // answered in warm-up: not measured
		return
	}
	if early {
		delete(t.arrived, id)
		t.created[id] = -1
		t.waiting++ // record takes it off again
		t.record(max(arrived-at, 0))
		return
	}
	t.created[id] = at
	t.waiting++
}

// record adds one measured handoff; t.mu is held.
func (t *leadTracker) record(d time.Duration) {
	t.latency.Record(d)
	t.delivered++
	t.waiting--
	if t.closing && t.waiting == 0 {
		close(t.done)
	}
}

// finish waits until every measured handoff's notification has arrived or
// grace has passed, stops the receiver and reports.
func (t *leadTracker) finish(ctx context.Context, grace time.Duration) *leadReport {
	t.mu.Lock()
	t.closing = true
	if t.waiting == 0 {
		close(t.done)
	}
	t.mu.Unlock()
	timer := time.NewTimer(grace)
	select {
	case <-t.done:
	case <-timer.C:
	case <-ctx.Done():
	}
	timer.Stop()
	shut, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := t.srv.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		t.srv.Close()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return &leadReport{
		Delivered: t.delivered,
		Missing:   int64(t.waiting),
		P50:       ms(t.latency.Quantile(0.50)),
		P90:       ms(t.latency.Quantile(0.90)),
		P99:       ms(t.latency.Quantile(0.99)),
		Max:       ms(t.latency.Max()),
	}
}

// leadReport is speed to lead over the measured window, in milliseconds.
type leadReport struct {
	Delivered int64   `json:"delivered"` // new handoffs whose notification arrived
	Missing   int64   `json:"missing"`   // new handoffs whose notification had not arrived at the end
	P50       float64 `json:"p50"`
	P90       float64 `json:"p90"`
	P99       float64 `json:"p99"`
	Max       float64 `json:"max"`
}
