package web

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/quality"
	"github.com/batonhq/baton/service"
)

// Handoff quality scores: the handoff page's section (how the score was
// reached, item by item), GET /api/v1/handoffs/{id}/quality, GET
// /api/v1/quality (scores by owner, sender, team or type with their trend
// per month, JSON or CSV) and the monthly quality review page (/quality,
// for managers and admins).

// handoffQuality returns the score the handoff page shows; nil when the
// handoff's type is no longer in the playbook.
func (s *Server) handoffQuality(r *http.Request, p baton.Principal, id string) (*quality.Score, error) {
	sc, err := s.svc.QualityOf(r.Context(), p, id)
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return nil, nil
	}
	return sc, err
}

// getQuality serves GET /api/v1/handoffs/{id}/quality: the handoff's
// score as of now, item by item with the reason for each, and its band.
func (s *Server) getQuality(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	sc, err := s.svc.QualityOf(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sc)
	return nil
}

// qualityCSVHeader is the first row of the quality report's CSV; the
// band labels follow it.
var qualityCSVHeader = []string{"dimension", "key", "month", "handoffs", "mean", "change", "remediation", "provisional"}

// qualityReport serves GET /api/v1/quality?by=owner|sender|team|type&
// from=&to=&format=json|csv: the quality scores of the handoffs created
// in the window (default the last 30 days) that the principal sees, by one
// dimension (default type), each group with its trend per month. The CSV
// has, per group, a row for the whole window (month "all", with the
// counts by band) and one per month (its change from the month before, the
// counts left blank), then the total's.
func (s *Server) qualityReport(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	q := r.URL.Query()
	var v baton.Validation
	known := []string{"by", "from", "to", "format"}
	checkParams(q, known, &v)
	from, to := s.window(q, &v, metricsWindow)
	format := cmpOr(q.Get("format"), "json")
	if format != "json" && format != "csv" {
		v.Add("format", "must be json or csv")
	}
	by := cmpOr(q.Get("by"), service.QualityByType)
	if !slices.Contains(service.QualityDims, by) {
		v.Add("by", "must be one of %s", strings.Join(service.QualityDims, ", "))
	}
	if err := v.Err(); err != nil {
		return badQuery(err)
	}
	rep, err := s.svc.QualityReport(r.Context(), p, from, to, by)
	if err != nil {
		return badQuery(err)
	}
	if format == "json" {
		writeJSON(w, http.StatusOK, rep)
		return nil
	}
	var buf bytes.Buffer
	cw := newCSVWriter(&buf)
	cw.Write(append(slices.Clone(qualityCSVHeader), rep.Bands...))
	write := func(dim string, g service.QualityGroup) {
		row := []string{dim, g.Key, "all", strconv.Itoa(g.Handoffs), num1(g.Mean), "", strconv.Itoa(g.Remediation), strconv.Itoa(g.Provisional)}
		for _, b := range rep.Bands {
			row = append(row, strconv.Itoa(g.Bands[b]))
		}
		cw.Write(row)
		for _, m := range g.Months {
			row := []string{dim, g.Key, m.Month, strconv.Itoa(m.Handoffs), num1(m.Mean), num1(m.Change)}
			cw.Write(append(row, make([]string, len(qualityCSVHeader)-len(row)+len(rep.Bands))...))
		}
	}
	for _, g := range rep.Groups {
		write(rep.By, g)
	}
	write("total", rep.Total)
	return writeCSV(w, &buf, cw, fmt.Sprintf("quality-%s-%s-%s.csv", rep.By, rep.From.Format(time.DateOnly), rep.To.Format(time.DateOnly)))
}

// num1 writes a number with one decimal at most: 87.5, 90, -2.3.
func num1(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// qualityPage is the monthly quality review as its page shows it.
type qualityPage struct {
	page
	R *service.QualityReview
	// Prev and Next are the months either side (Next empty for the
	// current month).
	Prev, Next string
	// Label is the month in words ("November 2026").
	Label   string
	Problem string
}

// Pct writes n of total as a whole percentage, rounded to the nearest.
func (qualityPage) Pct(n, total int) int { return quality.Percent(n, total) }

// Signed writes a change with its sign: +2.5, -1, 0.
func (qualityPage) Signed(f float64) string {
	if f > 0 {
		return "+" + num1(f)
	}
	return num1(f)
}

// Num writes a mean with one decimal at most.
func (qualityPage) Num(f float64) string { return num1(f) }

// reviewPage serves GET /quality?month=2006-01: the monthly handoff
// quality review of the handoffs the viewer sees (managers and admins).
func (s *Server) reviewPage(w http.ResponseWriter, r *http.Request, p baton.Principal) {
	if !p.Can(baton.AccessManager) {
		s.forbidden(w, r, p, "The quality review")
		return
	}
	now := s.svc.Clock().Now().UTC()
	d := &qualityPage{page: newPage(p, now, "Quality review", "quality")}
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	status := http.StatusOK
	if raw := r.URL.Query().Get("month"); raw != "" {
		m, err := time.Parse("2006-01", raw)
		switch {
		case err != nil:
			d.Problem, status = "The month must be written as YYYY-MM, such as "+month.Format("2006-01")+".", http.StatusBadRequest
		case m.After(month) || m.Year() < 2000:
			d.Problem, status = "Pick a month from 2000 up to this one.", http.StatusBadRequest
		default:
			month = m
		}
	}
	rv, err := s.svc.QualityReview(r.Context(), p, month)
	if err != nil {
		s.pageError(w, r, p, err)
		return
	}
	d.R, d.Label = rv, month.Format("January 2006")
	d.Prev = month.AddDate(0, -1, 0).Format("2006-01")
	if next := month.AddDate(0, 1, 0); !next.After(time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)) {
		d.Next = next.Format("2006-01")
	}
	s.render(w, r, status, "quality_review.html", d)
}

// postRevisions serves POST /api/v1/handoffs/{id}/revisions
// {"revisions": ["name the economic buyer", …], "note"}: the receiver asks
// the sender for revisions without rejecting the handoff. It answers 201
// with the sender's new activity.
func (s *Server) postRevisions(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	var in service.RevisionsInput
	if err := decode(w, r, s.MaxBody, &in); err != nil {
		return err
	}
	a, err := s.svc.RequestRevisions(r.Context(), p, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"activity": a})
	return nil
}

// postRevisionsForm requests revisions from the handoff page: POST
// /handoffs/{id}/revisions with revisions (one a line) and note.
func (s *Server) postRevisionsForm(w http.ResponseWriter, r *http.Request, p baton.Principal) {
	id := r.PathValue("id")
	if err := s.readForm(w, r); err != nil {
		s.actionFailed(w, r, p, id, "revisions", err)
		return
	}
	var in service.RevisionsInput
	for _, line := range strings.Split(r.PostForm.Get("revisions"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			in.Revisions = append(in.Revisions, line)
		}
	}
	in.Note = r.PostForm.Get("note")
	if _, err := s.svc.RequestRevisions(r.Context(), p, id, in); err != nil {
		s.actionFailed(w, r, p, id, "revisions", err)
		return
	}
	s.redirectWithFlash(w, r, "/handoffs/"+id+"#activities", "revise")
}
