package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// showRateWindow is the default window of the show-rate report.
const showRateWindow = 30 * 24 * time.Hour

// showRateCSVHeader is the first row of the show-rate CSV export.
var showRateCSVHeader = []string{"source", "reminded", "held", "no_show", "show_rate"}

// showRate serves GET /api/v1/reports/show-rate?from=&to=&format=json|csv:
// meetings held versus no-show, with and without reminders delivered, by
// source. The window defaults to the 30 days ending at to, and to to now.
func (s *Server) showRate(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	from, to, format, err := s.reportQuery(r, showRateWindow)
	if err != nil {
		return err
	}
	rep, err := s.svc.ShowRate(r.Context(), p, from, to)
	if err != nil {
		return err
	}
	if format == "json" {
		writeJSON(w, http.StatusOK, rep)
		return nil
	}
	var buf bytes.Buffer
	cw := newCSVWriter(&buf)
	cw.Write(showRateCSVHeader)
	row := func(g service.ShowRateGroup) {
		cw.Write([]string{g.Source, g.Reminded, strconv.Itoa(g.Held), strconv.Itoa(g.NoShow), formatFloat(g.ShowRate)})
	}
	for _, g := range rep.Groups {
		row(g)
	}
	row(rep.Reminded)
	row(rep.NotReminded)
	row(rep.Total)
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("web: show-rate csv: %w", err)
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="show-rate-%s.csv"`, rep.To.Format(time.DateOnly)))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
}
