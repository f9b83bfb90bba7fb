package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
)

// metricsWindow is the default window of the metrics endpoints.
const metricsWindow = 30 * 24 * time.Hour

// metricsQuery reads the metrics endpoints' query string: from and to (RFC
// 3339 times or dates, to defaulting to now and from to 30 days before
// it), format (json, the default, or csv) and, when withBy, by (one of
// metrics.Dims, default all). Any other parameter, or one given twice, is
// named in the EINVALID error with every other problem, answered 400.
func (s *Server) metricsQuery(r *http.Request, withBy bool) (from, to time.Time, by, format string, err error) {
	q := r.URL.Query()
	var v baton.Validation
	known := []string{"from", "to", "format"}
	if withBy {
		known = append(known, "by")
	}
	checkParams(q, known, &v)
	from, to = s.window(q, &v, metricsWindow)
	switch format = q.Get("format"); format {
	case "":
		format = "json"
	case "json", "csv":
	default:
		v.Add("format", "must be json or csv")
	}
	by = metrics.DimAll
	if withBy && q.Get("by") != "" {
		by = q.Get("by")
		if !slices.Contains(metrics.Dims, by) {
			v.Add("by", "must be one of %s", strings.Join(metrics.Dims, ", "))
		}
	}
	return from, to, by, format, badQuery(v.Err())
}

// badQuery answers an invalid query parameter with 400 (the request names
// something that cannot be), keeping the error's fields; other errors are
// unchanged.
func badQuery(err error) error {
	var e *baton.Error
	if errors.As(err, &e) && e.Code == baton.EINVALID {
		return errBadRequest{e}
	}
	return err
}

// checkParams adds to v each parameter of q that is not in known, and each
// one given more than once.
func checkParams(q url.Values, known []string, v *baton.Validation) {
	for _, name := range sortedParams(q) {
		switch {
		case !slices.Contains(known, name):
			v.Add(name, "is not a parameter of this endpoint (use %s)", strings.Join(known, ", "))
		case len(q[name]) > 1:
			v.Add(name, "must be given once")
		}
	}
}

func sortedParams(q url.Values) []string {
	out := make([]string, 0, len(q))
	for k := range q {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// metricsReport serves GET /api/v1/metrics?from=&to=&by=&format=json|csv:
// every figure of the handoffs created in the window (widened to whole UTC
// days), in total and by one dimension, over the handoffs the principal
// sees. The CSV has one row per group, then the total.
func (s *Server) metricsReport(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	from, to, by, format, err := s.metricsQuery(r, true)
	if err != nil {
		return err
	}
	rep, err := s.svc.Metrics(r.Context(), p, from, to, by)
	if err != nil {
		return badQuery(err)
	}
	if format == "json" {
		writeJSON(w, http.StatusOK, rep)
		return nil
	}
	var buf bytes.Buffer
	cw := newCSVWriter(&buf)
	cw.Write(append([]string{"dimension", "key"}, metrics.Columns...))
	for _, g := range rep.Groups {
		cw.Write(append([]string{rep.By, g.Key}, g.Row()...))
	}
	cw.Write(append([]string{"total", rep.Total.Key}, rep.Total.Row()...))
	return writeCSV(w, &buf, cw, fmt.Sprintf("metrics-%s-%s-%s.csv", rep.By, rep.From.Format(time.DateOnly), rep.To.Format(time.DateOnly)))
}

// successCSVHeader is the first row of the success metrics' CSV.
var successCSVHeader = []string{"type", "label", "success_metric", "handoffs", "part", "metric", "value", "unit", "base", "note"}

// successMetrics serves GET /api/v1/metrics/success?from=&to=&format=:
// each playbook handoff type's success_metric computed over the window.
// The CSV has one row per part of each type's success metric.
func (s *Server) successMetrics(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	from, to, _, format, err := s.metricsQuery(r, false)
	if err != nil {
		return err
	}
	rep, err := s.svc.SuccessMetrics(r.Context(), p, from, to)
	if err != nil {
		return badQuery(err)
	}
	if format == "json" {
		writeJSON(w, http.StatusOK, rep)
		return nil
	}
	var buf bytes.Buffer
	cw := newCSVWriter(&buf)
	cw.Write(successCSVHeader)
	for _, t := range rep.Types {
		head := []string{t.Type, t.Label, t.SuccessMetric, strconv.FormatInt(t.Handoffs, 10)}
		if len(t.Figures) == 0 {
			cw.Write(append(head, "", "", "", "", "0", "no success_metric in the playbook"))
		}
		for _, f := range t.Figures {
			value := ""
			if f.Value != nil {
				value = formatFloat(*f.Value)
			}
			cw.Write(append(slices.Clone(head), f.Label, f.Metric, value, f.Unit, strconv.FormatInt(f.Base, 10), f.Note))
		}
	}
	return writeCSV(w, &buf, cw, fmt.Sprintf("success-metrics-%s-%s.csv", rep.From.Format(time.DateOnly), rep.To.Format(time.DateOnly)))
}

// writeCSV answers with buf, written by cw, as an attachment.
func writeCSV(w http.ResponseWriter, buf *bytes.Buffer, cw csvWriter, name string) error {
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("web: %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
}
