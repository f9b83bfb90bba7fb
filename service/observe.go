package service

import (
	"time"

	"github.com/batonhq/baton"
)

// Observer is told what the service did, once it is committed, for
// operators' metrics (package prom implements it). Its methods run on the
// caller's goroutine, on hot paths: they must be cheap and never block.
type Observer interface {
	// Ingested reports one call of Ingest: the signal's type ("unknown"
	// for a type the playbook does not know), its result (routed, joined,
	// duplicate, unrouted, invalid, unavailable or error) and how long the
	// call took.
	Ingested(signalType, result string, took time.Duration)
	// TimerFired reports a pending timer run: fired is false when its step
	// was moot (the handoff moved on); late is how long after its due time
	// it ran, by the service's clock.
	TimerFired(kind string, fired bool, late time.Duration)
	// Breached reports a handoff of handoffType flagged breached at step
	// (accept or first_touch).
	Breached(handoffType, step string)
	// MessageSettled reports one delivery attempt of a message on channel:
	// sent, retry (it will be attempted again) or failed (for good).
	MessageSettled(channel, result string)
}

// SetObserver makes o the service's observer (nil for none).
func (s *Service) SetObserver(o Observer) {
	if o == nil {
		s.obs.Store(nil)
		return
	}
	s.obs.Store(&o)
}

func (s *Service) observer() Observer {
	if o := s.obs.Load(); o != nil {
		return *o
	}
	return nil
}

// Ingest results as an Observer sees them.
const (
	IngestRouted      = "routed"
	IngestJoined      = "joined"
	IngestDuplicate   = "duplicate"
	IngestUnrouted    = "unrouted"
	IngestInvalid     = "invalid"
	IngestUnavailable = "unavailable"
	IngestError       = "error"
)

// observeIngest tells the observer, if any, about one Ingest call.
func (s *Service) observeIngest(signalType string, res *IngestResult, err error, start time.Time) {
	o := s.observer()
	if o == nil {
		return
	}
	if !s.Playbook().KnownSignalType(signalType) {
		signalType = "unknown" // bounded labels: only the playbook's types
	}
	result := IngestRouted
	switch {
	case err != nil && baton.ErrorCode(err) == baton.EINVALID:
		result = IngestInvalid
	case err != nil && baton.ErrorCode(err) == baton.EUNAVAILABLE:
		result = IngestUnavailable
	case err != nil:
		result = IngestError
	case res.Duplicate:
		result = IngestDuplicate
	case res.Joined:
		result = IngestJoined
	case res.Handoff == nil:
		result = IngestUnrouted
	}
	o.Ingested(signalType, result, time.Since(start))
}

// breachStep names the step a timer of kind breaches for Observer.Breached.
func breachStep(kind string) string {
	if kind == baton.TimerTouchBreach {
		return "first_touch"
	}
	return "accept"
}
