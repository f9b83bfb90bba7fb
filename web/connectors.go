package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/connector"
	"github.com/batonhq/baton/connector/calcom"
	"github.com/batonhq/baton/connector/calendly"
	"github.com/batonhq/baton/connector/hubspot"
	"github.com/batonhq/baton/connector/salesforce"
	"github.com/batonhq/baton/service"
)

// Body caps of connector deliveries, in bytes: a HubSpot batch or a
// scheduler's booking is small; an Outbound Message holds up to 100
// records.
const (
	MaxConnectorBody  = 256 << 10
	MaxSalesforceBody = 1 << 20
)

// Connectors holds the connectors' secrets, from Baton's configuration
// (never the playbook). A connector without its secret is off: its
// endpoint answers 404.
type Connectors struct {
	// HubSpotSecret is the HubSpot app's client secret, the key of its
	// signature v3.
	HubSpotSecret string
	// PublicURL is the base URL HubSpot calls Baton at (e.g.
	// https://baton.example.com), which its signature covers; empty takes
	// the service's public URL (BATON_PUBLIC_URL).
	PublicURL string
	// SalesforceOrgID is the Salesforce organization whose Outbound
	// Messages are accepted (15 or 18 characters).
	SalesforceOrgID string
	// CalcomSecret is the Cal.com webhook's secret.
	CalcomSecret string
	// CalendlyKey is the Calendly webhook subscription's signing key.
	CalendlyKey string
	// Metrics counts every delivery by its result and every refused
	// signature (package prom's Metrics); nil counts nothing.
	Metrics ConnectorMetrics
}

// ConnectorMetrics counts the connectors' deliveries. Package prom's
// Metrics implements it; web declares it so as not to import prom.
type ConnectorMetrics interface {
	// ConnectorDelivery counts one delivery of connector in direction
	// ("in": a vendor's webhook) with its result (see deliveryResult).
	ConnectorDelivery(connector, direction, result string)
	// ConnectorSignatureFailure counts a delivery of connector refused
	// for its signature (missing, wrong or stale; for Salesforce, another
	// organization).
	ConnectorSignatureFailure(connector string)
}

// Results of an inbound delivery, as counted.
const (
	// deliveryAccepted: Baton took the delivery and did something new
	// with it (or acknowledged events it skips).
	deliveryAccepted = "accepted"
	// deliveryDuplicate: Baton took the delivery and every event was one
	// it already had (a duplicate signal, an unchanged meeting): a replay.
	deliveryDuplicate = "duplicate"
	// deliveryRefused: a 4xx; the vendor must not send it again as is
	// (a bad signature, a malformed or invalid delivery, the connector
	// off).
	deliveryRefused = "refused"
	// deliveryError: a 5xx, or the client went away; the vendor retries.
	deliveryError = "error"
)

// directionIn is the direction of a vendor's webhook into Baton.
const directionIn = "in"

// countDelivery counts one inbound delivery of connector name, which
// ended in err or in res.
func (s *Server) countDelivery(name string, err error, res []connectorResult) {
	if m := s.Connectors.Metrics; m != nil {
		m.ConnectorDelivery(name, directionIn, deliveryResult(err, res))
	}
}

// deliveryResult is the result of a delivery that ended in err or in res.
func deliveryResult(err error, res []connectorResult) string {
	if err != nil {
		var bad errBadRequest
		if errors.As(err, &bad) {
			return deliveryRefused
		}
		if status := statuses[baton.ErrorCode(err)]; status >= 400 && status < 500 {
			return deliveryRefused
		}
		return deliveryError
	}
	seen := false
	for _, r := range res {
		switch r.Result {
		case "duplicate", "unchanged":
			seen = true
		case "skipped":
		default:
			return deliveryAccepted
		}
	}
	if seen {
		return deliveryDuplicate
	}
	return deliveryAccepted
}

// connectorRoutes adds the connectors' endpoints: each authenticates its
// vendor's delivery by the vendor's own scheme, never a Baton token.
func (s *Server) connectorRoutes() {
	s.mux.HandleFunc("POST /api/v1/connectors/hubspot", s.postHubSpot)
	s.mux.HandleFunc("POST /api/v1/connectors/salesforce", s.postSalesforce)
	s.mux.HandleFunc("POST /api/v1/connectors/calcom", s.postCalcom)
	s.mux.HandleFunc("POST /api/v1/connectors/calendly", s.postCalendly)
}

// connectorResult is what Baton did with one event of a delivery.
type connectorResult struct {
	Path      string `json:"path"`
	Event     string `json:"event"`
	Result    string `json:"result"` // created, joined, duplicate, no_handoff, rescheduled, cancelled, no_show, unchanged, skipped
	SignalID  string `json:"signal_id,omitempty"`
	HandoffID string `json:"handoff_id,omitempty"`
	MeetingID string `json:"meeting_id,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

func (s *Server) postHubSpot(w http.ResponseWriter, r *http.Request) {
	const name = hubspot.Source
	body, err := s.connectorBody(w, r, name, s.Connectors.HubSpotSecret, MaxConnectorBody)
	if err == nil {
		err = hubspot.Verify(s.Connectors.HubSpotSecret, r.Method, s.publicURI(r), body,
			r.Header.Get(hubspot.SignatureHeader), r.Header.Get(hubspot.TimestampHeader), s.svc.Clock().Now())
		s.signatureFailed(r, name, err)
	}
	var events []hubspot.Event
	if err == nil {
		events, err = hubspot.Parse(body)
		err = badRequest(err)
	}
	var res []connectorResult
	if err == nil {
		pb := s.svc.Playbook()
		res, err = s.runActions(r.Context(), name, hubspot.Map(events, pb.Connectors.HubSpot, pb.Connectors.ScoreField))
	}
	s.countDelivery(name, err, res)
	if err != nil {
		s.respondError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": res})
}

func (s *Server) postSalesforce(w http.ResponseWriter, r *http.Request) {
	const name = salesforce.Source
	body, err := s.connectorBody(w, r, name, s.Connectors.SalesforceOrgID, MaxSalesforceBody)
	var msg *salesforce.Message
	if err == nil {
		msg, err = salesforce.Parse(body)
		err = badRequest(err)
	}
	if err == nil {
		err = salesforce.Verify(s.Connectors.SalesforceOrgID, msg)
		s.signatureFailed(r, name, err)
	}
	var res []connectorResult
	if err == nil {
		pb := s.svc.Playbook()
		res, err = s.runActions(r.Context(), name, salesforce.Map(msg, pb.Connectors.Salesforce, pb.Connectors.ScoreField))
	}
	s.countDelivery(name, err, res)
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	if err != nil {
		status := s.connectorStatus(r, err)
		if s.clientGone(w, r, err) {
			return
		}
		if status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.WriteHeader(status)
		w.Write(salesforce.Fault(status < 500, faultText(err)))
		return
	}
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, salesforce.Ack)
}

func (s *Server) postCalcom(w http.ResponseWriter, r *http.Request) {
	const name = calcom.Source
	body, err := s.connectorBody(w, r, name, s.Connectors.CalcomSecret, MaxConnectorBody)
	if err == nil {
		err = calcom.Verify(s.Connectors.CalcomSecret, body, r.Header.Get(calcom.SignatureHeader))
		s.signatureFailed(r, name, err)
	}
	var d *calcom.Delivery
	if err == nil {
		d, err = calcom.Parse(body)
		err = badRequest(err)
	}
	var res []connectorResult
	if err == nil {
		res, err = s.runActions(r.Context(), name, []connector.Action{calcom.Map(d, s.svc.Playbook().Connectors.CalCom)})
	}
	s.countDelivery(name, err, res)
	if err != nil {
		s.respondError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": res})
}

func (s *Server) postCalendly(w http.ResponseWriter, r *http.Request) {
	const name = calendly.Source
	body, err := s.connectorBody(w, r, name, s.Connectors.CalendlyKey, MaxConnectorBody)
	if err == nil {
		err = calendly.Verify(s.Connectors.CalendlyKey, body, r.Header.Get(calendly.SignatureHeader), s.svc.Clock().Now())
		s.signatureFailed(r, name, err)
	}
	var d *calendly.Delivery
	if err == nil {
		d, err = calendly.Parse(body)
		err = badRequest(err)
	}
	var res []connectorResult
	if err == nil {
		res, err = s.runActions(r.Context(), name, []connector.Action{calendly.Map(d, s.svc.Playbook().Connectors.Calendly)})
	}
	s.countDelivery(name, err, res)
	if err != nil {
		s.respondError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": res})
}

// connectorBody reads a delivery's raw body (the signature covers its
// bytes), refusing one larger than max, or any when the connector has no
// secret.
func (s *Server) connectorBody(w http.ResponseWriter, r *http.Request, name, secret string, max int64) ([]byte, error) {
	if secret == "" {
		return nil, baton.Errorf(baton.ENOTFOUND, "the %s connector is not configured (see Connectors in the README)", name)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errBadRequest{&baton.Error{Code: baton.EINVALID, Message: fmt.Sprintf("body is larger than %d bytes", max)}}
		}
		return nil, errBadRequest{&baton.Error{Code: baton.EINVALID, Message: "could not read body"}}
	}
	return body, nil
}

// publicURI is the URL HubSpot called, as it signs it.
func (s *Server) publicURI(r *http.Request) string {
	base := s.Connectors.PublicURL
	if base == "" {
		base = s.svc.PublicURL()
	}
	return strings.TrimRight(base, "/") + r.URL.RequestURI()
}

// signatureFailed logs a refused signature, once, at warn, and counts it.
func (s *Server) signatureFailed(r *http.Request, name string, err error) {
	if baton.ErrorCode(err) == baton.EUNAUTHORIZED {
		s.log.Warn("connector delivery refused", "connector", name, "request_id", requestIDOf(r), "err", baton.ErrorMessage(err))
		if m := s.Connectors.Metrics; m != nil {
			m.ConnectorSignatureFailure(name)
		}
	}
}

// badRequest marks a delivery that could not be parsed: 400, naming the
// field.
func badRequest(err error) error {
	var e *baton.Error
	if errors.As(err, &e) && e.Code == baton.EINVALID {
		return errBadRequest{e}
	}
	return err
}

// runActions checks every signal of a delivery, then runs its actions in
// order. A delivery with an invalid signal writes nothing: the error names
// the event and field. Each action is idempotent, so a delivery sent again
// after a failure part-way does each thing once.
func (s *Server) runActions(ctx context.Context, name string, actions []connector.Action) ([]connectorResult, error) {
	now := s.svc.Clock().Now()
	pb := s.svc.Playbook()
	var v baton.Validation
	for _, a := range actions {
		if a.Kind != connector.Ingest || a.Signal == nil {
			continue
		}
		cp := *a.Signal
		if m := cp.Meeting; m != nil {
			mc := *m
			cp.Meeting = &mc
		}
		var e *baton.Error
		if err := cp.Validate(now); errors.As(err, &e) {
			for _, f := range e.Fields {
				v.Add(a.Path+"."+f.Field, "%s", f.Message)
			}
		} else if !pb.KnownSignalType(cp.Type) {
			v.Add(a.Path+".type", "%q is not a signal type of the playbook", cp.Type)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	p := baton.Principal{Name: name, Access: baton.AccessAdmin}
	out := make([]connectorResult, 0, len(actions))
	for _, a := range actions {
		res := connectorResult{Path: a.Path, Event: a.Event}
		var err error
		switch a.Kind {
		case connector.Ingest:
			err = s.ingestAction(ctx, a.Signal, &res)
		case connector.Reschedule, connector.Cancel, connector.NoShow:
			var br *service.BookingResult
			br, err = s.svc.ChangeBooking(ctx, p, service.BookingChange{Kind: a.Kind, Booking: a.Booking, Alias: a.Alias,
				StartsAt: a.StartsAt, TimeZone: a.TimeZone, Duration: a.Duration, Reason: a.Reason})
			switch {
			case err == nil:
				res.MeetingID, res.HandoffID, res.Reason = br.Meeting.ID, br.Meeting.HandoffID, br.Note
				res.Result = map[string]string{connector.Reschedule: "rescheduled", connector.Cancel: "cancelled", connector.NoShow: "no_show"}[a.Kind]
				if !br.Changed {
					res.Result = "unchanged"
				}
			case baton.ErrorCode(err) == baton.ENOTFOUND && a.Signal != nil:
				// A reschedule of a booking Baton never saw books it now.
				err = s.ingestAction(ctx, a.Signal, &res)
			case baton.ErrorCode(err) == baton.ENOTFOUND:
				res.Result, res.Reason, err = "skipped", baton.ErrorMessage(err), nil
			}
		default:
			res.Result, res.Reason = "skipped", a.Reason
		}
		if err != nil {
			return nil, err
		}
		out = append(out, res)
	}
	return out, nil
}

func (s *Server) ingestAction(ctx context.Context, sig *baton.Signal, res *connectorResult) error {
	r, err := s.svc.Ingest(ctx, sig)
	if err != nil {
		return err
	}
	res.SignalID, res.Result = r.Signal.ID, "created"
	switch {
	case r.Duplicate:
		res.Result = "duplicate"
	case r.Joined:
		res.Result = "joined"
	case r.Handoff == nil:
		res.Result, res.Reason = "no_handoff", r.Reason
	}
	if r.Handoff != nil {
		res.HandoffID = r.Handoff.ID
	} else if r.Signal.HandoffID != "" {
		res.HandoffID = r.Signal.HandoffID
	}
	return nil
}

// connectorStatus is the HTTP status of err, as respondError would answer;
// an internal error is logged.
func (s *Server) connectorStatus(r *http.Request, err error) int {
	code := baton.ErrorCode(err)
	status := statuses[code]
	var bad errBadRequest
	if errors.As(err, &bad) {
		status = http.StatusBadRequest
	}
	switch code {
	case baton.EINTERNAL:
		s.log.Error("request failed", "request_id", requestIDOf(r), "method", r.Method, "route", r.Pattern, "err", err)
	case baton.EUNAVAILABLE:
		s.log.Warn("request unavailable", "request_id", requestIDOf(r), "method", r.Method, "route", r.Pattern, "err", err)
	}
	return status
}

// faultText is the message of a SOAP fault: the error and its fields.
func faultText(err error) string {
	msg := baton.ErrorMessage(err)
	var e *baton.Error
	if errors.As(err, &e) {
		for _, f := range e.Fields {
			if !strings.Contains(msg, f.Field) {
				msg += "; " + f.Field + ": " + f.Message
			}
		}
	}
	return msg
}
