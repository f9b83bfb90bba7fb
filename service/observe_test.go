package service_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
)

// observed records what an Observer is told.
type observed struct {
	mu       sync.Mutex
	ingested []string // type/result
	timers   []string // kind/fired
	late     []time.Duration
	breaches []string // type/step
	settled  []string // channel/result
}

func (o *observed) Ingested(typ, result string, took time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ingested = append(o.ingested, typ+"/"+result)
}

func (o *observed) TimerFired(kind string, fired bool, late time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	r := "moot"
	if fired {
		r = "fired"
	}
	o.timers = append(o.timers, kind+"/"+r)
	o.late = append(o.late, late)
}

func (o *observed) Breached(typ, step string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.breaches = append(o.breaches, typ+"/"+step)
}

func (o *observed) MessageSettled(channel, result string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.settled = append(o.settled, channel+"/"+result)
}

func TestObserver(t *testing.T) {
	t.Parallel()

	t.Run("IngestResultsByType", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		o := &observed{}
		e.svc.SetObserver(o)
		e.ingest(t, demoRequest("a"))
		e.svc.Ingest(e.ctx, demoRequest("a"))
		e.svc.Ingest(e.ctx, &baton.Signal{ExternalID: "b", Type: "no_such_type", Contact: baton.SignalContact{Email: "b@b.example"}})
		e.svc.Ingest(e.ctx, &baton.Signal{ExternalID: "", Type: baton.SignalDemoRequest})
		want := []string{"demo_request/routed", "demo_request/duplicate", "unknown/invalid", "demo_request/invalid"}
		if diff := cmp.Diff(want, o.ingested); diff != "" {
			t.Errorf("ingested (-want +got):\n%s", diff)
		}
	})

	t.Run("TimersLatenessAndBreach", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		o := &observed{}
		e.svc.SetObserver(o)
		h := e.ingest(t, demoRequest("x"))
		// Well past the 5-minute accept deadline: every rung fires late.
		e.advance(t, 10*time.Minute)
		if !slices.Contains(o.breaches, h.Type+"/accept") {
			t.Errorf("got breaches %v, want %s/accept", o.breaches, h.Type)
		}
		if len(o.timers) == 0 {
			t.Fatal("got no timers observed, want the ladder's")
		}
		for i, late := range o.late {
			if late < 0 || late > 10*time.Minute {
				t.Errorf("timer %s: got lateness %v, want in [0, 10m]", o.timers[i], late)
			}
		}
		if slices.Max(o.late) == 0 {
			t.Errorf("got lateness %v, want the rungs due before now late", o.late)
		}
		// A second run of the clock breaches nothing new.
		n := len(o.breaches)
		e.advance(t, time.Minute)
		if len(o.breaches) != n {
			t.Errorf("got breaches %v after the first, want no more", o.breaches[n:])
		}
	})

	t.Run("SettledMessages", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		o := &observed{}
		e.svc.SetObserver(o)
		e.ingest(t, demoRequest("m"))
		e.ingest(t, demoRequest("n"))
		claimed, err := e.svc.ClaimMessages(e.ctx, time.Minute, 2)
		if err != nil || len(claimed) < 2 {
			t.Fatalf("claim: got %d messages, %v; want 2", len(claimed), err)
		}
		claimed[0].Status, claimed[0].Attempts = baton.MessageSent, 1
		claimed[1].Attempts, claimed[1].NextAt, claimed[1].LastError = 1, e.clock.Now().Add(time.Minute), "busy"
		for _, m := range claimed {
			if err := e.svc.SettleMessage(e.ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		want := []string{claimed[0].Channel + "/sent", claimed[1].Channel + "/retry"}
		if diff := cmp.Diff(want, o.settled); diff != "" {
			t.Errorf("settled (-want +got):\n%s", diff)
		}
	})
}
