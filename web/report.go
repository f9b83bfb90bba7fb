package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
)

// slaReportWindow is the default window of the SLA report: the weekly
// review of missed handoffs.
const slaReportWindow = 7 * 24 * time.Hour

// slaCSVHeader is the first row of the SLA report's CSV export.
var slaCSVHeader = []string{"dimension", "key", "handoffs", "breached", "breach_rate", "median_margin_seconds", "p90_margin_seconds"}

// slaReport serves GET /api/v1/reports/sla?from=&to=&format=json|csv. The
// window defaults to the seven days ending at to, and to to now. It counts
// the handoffs the principal sees.
func (s *Server) slaReport(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	from, to, format, err := s.reportQuery(r, slaReportWindow)
	if err != nil {
		return err
	}
	report, err := s.svc.SLAReport(r.Context(), p, from, to)
	if err != nil {
		return err
	}
	if format == "json" {
		writeJSON(w, http.StatusOK, report)
		return nil
	}
	return writeSLACSV(w, &report)
}

// writeSLACSV writes one row per group of every dimension, then the total,
// as an attachment named for the window's end date (UTC).
func writeSLACSV(w http.ResponseWriter, report *metrics.SLAReport) error {
	var buf bytes.Buffer
	cw := newCSVWriter(&buf)
	row := func(dimension string, g metrics.Group) []string {
		return []string{dimension, g.Key, strconv.Itoa(g.Handoffs), strconv.Itoa(g.Breached), formatFloat(g.BreachRate),
			formatFloat(g.MedianMarginSeconds), formatFloat(g.P90MarginSeconds)}
	}
	cw.Write(slaCSVHeader)
	for _, d := range report.Dimensions() {
		for _, g := range d.Groups {
			cw.Write(row(d.Name, g))
		}
	}
	cw.Write(row("total", report.Total))
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("web: sla report csv: %w", err)
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="sla-%s.csv"`, report.To.UTC().Format(time.DateOnly)))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// reportQuery reads a report's window (from, to; def long, ending now by
// default) and format (json, the default, or csv) from the query string,
// every bad parameter named in one EINVALID error.
func (s *Server) reportQuery(r *http.Request, def time.Duration) (from, to time.Time, format string, err error) {
	q := r.URL.Query()
	var v baton.Validation
	from, to = s.window(q, &v, def)
	switch format = q.Get("format"); format {
	case "":
		format = "json"
	case "json", "csv":
	default:
		v.Add("format", "must be json or csv")
	}
	return from, to, format, v.Err()
}
