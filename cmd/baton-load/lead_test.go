package main

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestLeadTracker pairs 201s with handoff.assigned webhooks in either order,
// leaves out warm-up, other events and redeliveries, and counts a handoff
// whose notification never came as missing.
func TestLeadTracker(t *testing.T) {
	t.Parallel()
	lt, err := startLeadTracker("127.0.0.1:0", time.Now(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	hook := func(typ, id string) {
		body := `{"type":"` + typ + `","data":{"handoff":{"id":"` + id + `"}}}`
		lt.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/", strings.NewReader(body)))
	}
	lt.answered("warm", 500*time.Millisecond) // warm-up: left out
	hook(assignedEvent, "warm")
	lt.answered("h1", 2*time.Second) // 201 first, then the webhook
	hook("handoff.breach", "h1")     // another event: ignored
	hook(assignedEvent, "h1")
	hook(assignedEvent, "h1")        // redelivery: counted once
	hook(assignedEvent, "h2")        // webhook before its 201: zero
	lt.answered("h2", 3*time.Second) //
	lt.answered("h2", 4*time.Second) // a signal joining h2: not a new handoff
	lt.answered("h3", 5*time.Second) // never notified
	rep := lt.finish(context.Background(), 0)
	if rep.Delivered != 2 || rep.Missing != 1 {
		t.Errorf("got delivered=%d missing=%d, want 2 and 1", rep.Delivered, rep.Missing)
	}
	if rep.P50 != 0 {
		t.Errorf("got p50 %vms, want 0 (a webhook before its 201)", rep.P50)
	}
}
