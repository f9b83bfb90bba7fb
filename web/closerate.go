package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
	"github.com/batonhq/baton/service"
)

// closeRateCSVHeader is the first row of the close-rate CSV export: one row
// per owner, then per team, then the total (scope owner, team, total).
var closeRateCSVHeader = []string{"scope", "owner", "name", "team",
	"before_held", "before_won", "before_no_show", "before_close_rate",
	"after_held", "after_won", "after_no_show", "after_close_rate", "difference"}

// closeRate serves GET /api/v1/reports/close-rate?days=&adopted_at=&format=:
// each owner's close rate (won ÷ held) in the days before Baton was adopted
// versus the days after, with teams and a total, narrowed to what the
// reader sees. days defaults to 60; adopted_at (a date or RFC 3339 time)
// replaces the adoption date for this report. A bad parameter is a 400
// naming it.
func (s *Server) closeRate(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	q, format, err := s.closeRateQuery(r)
	if err != nil {
		return err
	}
	rep, err := s.svc.CloseRate(r.Context(), p, q)
	if err != nil {
		return err
	}
	if format == "json" {
		writeJSON(w, http.StatusOK, rep)
		return nil
	}
	return writeCloseRateCSV(w, &rep)
}

// closeRateQuery reads the report's query string, every bad parameter
// named in one 400.
func (s *Server) closeRateQuery(r *http.Request) (service.CloseRateQuery, string, error) {
	qs := r.URL.Query()
	var v baton.Validation
	var q service.CloseRateQuery
	if raw := qs.Get("days"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > service.MaxCloseRateDays {
			v.Add("days", "must be a whole number of days from 1 to %d", service.MaxCloseRateDays)
		}
		q.Days = n
	}
	if raw := qs.Get("adopted_at"); raw != "" {
		t, err := parseTimeParam(raw)
		switch {
		case err != nil:
			v.Add("adopted_at", "must be an RFC 3339 time or a date (2026-09-01)")
		case t.Before(earliestTime) || t.After(s.svc.Clock().Now()):
			v.Add("adopted_at", "must be between 2000-01-01 and now")
		}
		q.AdoptedAt = t
	}
	format := qs.Get("format")
	switch format {
	case "":
		format = "json"
	case "json", "csv":
	default:
		v.Add("format", "must be json or csv")
	}
	if err := v.Err(); err != nil {
		var e *baton.Error
		errors.As(err, &e)
		return q, "", errBadRequest{e}
	}
	return q, format, nil
}

// writeCloseRateCSV writes the owners, the teams and the total, as an
// attachment named for the adoption date (UTC). A rate that does not exist
// (nothing held) is an empty cell.
func writeCloseRateCSV(w http.ResponseWriter, rep *metrics.CloseRateReport) error {
	var buf bytes.Buffer
	cw := newCSVWriter(&buf)
	rate := func(f *float64) string {
		if f == nil {
			return ""
		}
		return formatFloat(*f)
	}
	row := func(scope string, g metrics.CloseRateRow) {
		cw.Write([]string{scope, g.Owner, g.Name, g.Team,
			strconv.Itoa(g.Before.Held), strconv.Itoa(g.Before.Won), strconv.Itoa(g.Before.NoShow), rate(g.Before.Rate),
			strconv.Itoa(g.After.Held), strconv.Itoa(g.After.Won), strconv.Itoa(g.After.NoShow), rate(g.After.Rate),
			rate(g.Difference)})
	}
	cw.Write(closeRateCSVHeader)
	for _, g := range rep.Owners {
		row("owner", g)
	}
	for _, g := range rep.Teams {
		row("team", g)
	}
	row("total", rep.Total)
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("web: close-rate csv: %w", err)
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="close-rate-%s.csv"`, rep.AdoptedAt.UTC().Format(time.DateOnly)))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
}

// importOutcomes serves POST /api/v1/outcomes/import[?dry_run=true]: a CSV
// file of meetings from before Baton, imported whole (or only checked),
// answering as importUsers.
func (s *Server) importOutcomes(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	run := s.svc.ImportPastMeetings
	switch strings.ToLower(r.URL.Query().Get("dry_run")) {
	case "", "false", "0", "no":
	case "true", "1", "yes":
		run = s.svc.ImportPastMeetingsDryRun
	default:
		return errBadRequest{&baton.Error{Code: baton.EINVALID, Message: "invalid dry_run",
			Fields: []baton.FieldError{{Field: "dry_run", Message: "must be true or false"}}}}
	}
	return s.importCSV(w, r, run)
}

// adoptionReply is the adoption date as the API answers it.
type adoptionReply struct {
	// AdoptedAt is when Baton was adopted; null when there is no date yet.
	AdoptedAt *time.Time `json:"adopted_at"`
	// AdoptedFrom is "setting" or "first_handoff"; empty without a date.
	AdoptedFrom string `json:"adopted_from,omitempty"`
}

// adoptionInput is the body of PUT /api/v1/adoption.
type adoptionInput struct {
	// AdoptedAt is a date (2026-09-01, midnight UTC) or an RFC 3339 time;
	// null, "" or omitted clears the setting, so that the first handoff's
	// creation counts.
	AdoptedAt *string `json:"adopted_at"`
}

// getAdoption serves GET /api/v1/adoption: when Baton was adopted and where
// that comes from; adopted_at is null when there is no date yet.
func (s *Server) getAdoption(w http.ResponseWriter, r *http.Request, _ baton.Principal) error {
	at, from, err := s.svc.Adoption(r.Context())
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		writeJSON(w, http.StatusOK, adoptionReply{})
		return nil
	} else if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, adoptionReply{AdoptedAt: &at, AdoptedFrom: from})
	return nil
}

// putAdoption serves PUT /api/v1/adoption {"adopted_at": "2026-09-01"}
// (admin): it sets the adoption date, or clears it, and answers as
// getAdoption.
func (s *Server) putAdoption(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	var in adoptionInput
	if err := decode(w, r, 4<<10, &in); err != nil {
		return err
	}
	var at time.Time
	if in.AdoptedAt != nil && *in.AdoptedAt != "" {
		t, err := parseTimeParam(*in.AdoptedAt)
		if err != nil {
			return &baton.Error{Code: baton.EINVALID, Message: "invalid adopted_at",
				Fields: []baton.FieldError{{Field: "adopted_at", Message: "must be an RFC 3339 time or a date (2026-09-01)"}}}
		}
		at = t
	}
	if err := s.svc.SetAdoption(r.Context(), p, at); err != nil {
		return err
	}
	return s.getAdoption(w, r, p)
}
