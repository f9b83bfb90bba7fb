package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
)

// MaxSimulateBody caps a simulation request (a playbook and signals).
const MaxSimulateBody = 8 << 20

type simulateRequest struct {
	// Playbook is the candidate playbook's YAML; empty simulates the one in
	// force (useful to see fairness alone).
	Playbook string `json:"playbook"`
	// Signals to route; when empty, the last Days days of stored signals.
	Signals []*baton.Signal `json:"signals"`
	Days    int             `json:"days"`
	Limit   int             `json:"limit"`
}

// simulate runs a candidate playbook over signals without writing anything,
// within service.SimulateTimeout and the other simulation limits; a client
// that leaves stops it.
func (s *Server) simulate(w http.ResponseWriter, r *http.Request, _ baton.Principal) error {
	var in simulateRequest
	if err := decode(w, r, MaxSimulateBody, &in); err != nil {
		return err
	}
	var v baton.Validation
	if len(in.Playbook) > service.MaxSimulatedPlaybook {
		v.Add("playbook", "must be at most %d bytes", service.MaxSimulatedPlaybook)
	}
	if len(in.Signals) > service.MaxSimulatedSignals {
		v.Add("signals", "at most %d", service.MaxSimulatedSignals)
	}
	if in.Days < 0 || in.Days > service.MaxSimulatedDays {
		v.Add("days", "must be 1 to %d", service.MaxSimulatedDays)
	}
	if err := v.Err(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), service.SimulateTimeout)
	defer cancel()
	pb := s.svc.Playbook()
	if in.Playbook != "" {
		var err error
		if pb, err = playbook.Parse("playbook", []byte(in.Playbook)); err != nil {
			return playbookError(err)
		}
	}
	signals := in.Signals
	if len(signals) == 0 {
		if in.Days == 0 {
			in.Days = 7
		}
		if in.Limit <= 0 || in.Limit > service.MaxSimulatedSignals {
			in.Limit = service.MaxSimulatedSignals
		}
		var err error
		if signals, err = s.svc.RecentSignals(ctx, in.Days, in.Limit); err != nil {
			return err
		}
	}
	res, err := s.svc.Simulate(ctx, pb, signals)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// playbookError turns playbook problems into a 422 naming each position.
func playbookError(err error) error {
	var pe *playbook.Error
	if !errors.As(err, &pe) {
		return err
	}
	e := &baton.Error{Code: baton.EINVALID, Message: "the playbook has problems"}
	for _, p := range pe.Problems {
		e.Fields = append(e.Fields, baton.FieldError{Field: "playbook", Message: p.String()})
	}
	return e
}
