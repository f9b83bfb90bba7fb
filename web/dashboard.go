package web

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/metrics"
)

// dashChart is one chart of the dashboard: its SVG and the table that
// carries the same data (the CSV download writes the table's cells).
type dashChart struct {
	ID, Title, Note string
	SVG             template.HTML
	Head            []string
	Rows            [][]string
}

// dashRanges are the dashboard's preset windows, in days.
var dashRanges = []int{7, 30, 90}

const dateLayout = "2006-01-02"

// dashWindow reads the window from the URL: from and to as dates (to
// inclusive) in the viewer's zone, else the last range days (7, 30 or 90;
// 30 by default) up to the end of today. It returns the instants [from,
// to), the dates as shown, and a problem to show when the dates were bad.
func dashWindow(v url.Values, now time.Time, loc *time.Location) (from, to time.Time, fromDate, toDate string, days int, problem string) {
	today := time.Date(now.In(loc).Year(), now.In(loc).Month(), now.In(loc).Day(), 0, 0, 0, 0, loc)
	if f, t := v.Get("from"), v.Get("to"); f != "" || t != "" {
		fd, err1 := time.ParseInLocation(dateLayout, f, loc)
		td, err2 := time.ParseInLocation(dateLayout, t, loc)
		switch {
		case err1 != nil || err2 != nil:
			problem = "Dates must be written as YYYY-MM-DD."
		case td.Before(fd):
			problem = "The end date must not be before the start date."
		case td.Sub(fd) > 365*24*time.Hour:
			problem = "The window must be at most 366 days."
		default:
			return fd, td.AddDate(0, 0, 1), f, t, 0, ""
		}
	}
	days = 30
	if n, err := strconv.Atoi(v.Get("range")); err == nil {
		for _, r := range dashRanges {
			if n == r {
				days = n
			}
		}
	}
	from, to = today.AddDate(0, 0, 1-days), today.AddDate(0, 0, 1)
	return from, to, from.Format(dateLayout), today.Format(dateLayout), days, problem
}

// minutes writes a duration in seconds as minutes with one decimal.
func minutes(sec float64) string { return strconv.FormatFloat(math.Round(sec/6)/10, 'f', 1, 64) }

// percent writes a rate as a percentage with one decimal.
func percent(r float64) string { return strconv.FormatFloat(math.Round(r*1000)/10, 'f', 1, 64) }

// pct labels a percentage axis.
func pct(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) + "%" }

// durationTick labels a minutes axis compactly.
func durationTick(min float64) string {
	switch {
	case min == 0:
		return "0"
	case min >= 2*24*60:
		return num(min/(24*60)) + "d"
	case min >= 120:
		return num(min/60) + "h"
	}
	return num(min) + "m"
}

// dashCharts turns the dashboard's figures into its charts, in page order.
func dashCharts(d metrics.Dashboard) []dashChart {
	weekLabels := make([]string, len(d.Weeks))
	for i, w := range d.Weeks {
		weekLabels[i] = w.Start.Format("Jan 2")
	}
	timing := func(id, title string, pick func(metrics.Week) metrics.Durations) dashChart {
		p50, p90 := make([]float64, len(d.Weeks)), make([]float64, len(d.Weeks))
		c := dashChart{ID: id, Title: title, Head: []string{"Week of", "Handoffs measured", "p50 (minutes)", "p90 (minutes)"},
			Note: "Weeks start on Monday (UTC). Paused time is not counted."}
		for i, w := range d.Weeks {
			x := pick(w)
			p50[i], p90[i] = math.NaN(), math.NaN()
			row := []string{w.Start.Format(dateLayout), strconv.Itoa(x.Count), "", ""}
			if x.Count > 0 {
				p50[i], p90[i] = x.MedianSeconds/60, x.P90Seconds/60
				row[2], row[3] = minutes(x.MedianSeconds), minutes(x.P90Seconds)
			}
			c.Rows = append(c.Rows, row)
		}
		c.SVG = lines(chart{ID: id, Title: title + ", p50 and p90 by week", Labels: weekLabels,
			Series: []series{{Name: "p50", Values: p50}, {Name: "p90", Values: p90}}, Format: durationTick})
		return c
	}
	rates := func(id, title, key string, rs []metrics.Rate) dashChart {
		c := dashChart{ID: id, Title: title, Head: []string{key, "Handoffs", "Breached", "Breach rate (%)"}}
		labels, vals := make([]string, len(rs)), make([]float64, len(rs))
		for i, r := range rs {
			labels[i], vals[i] = r.Key, r.Rate*100
			c.Rows = append(c.Rows, []string{r.Key, strconv.Itoa(r.Handoffs), strconv.Itoa(r.Breached), percent(r.Rate)})
		}
		c.SVG = bars(chart{ID: id, Title: title, Labels: labels, Series: []series{{Name: "breach rate", Values: vals}},
			Format: pct})
		return c
	}
	counts := func(id, title, key string, cs []metrics.Count, note string) dashChart {
		c := dashChart{ID: id, Title: title, Head: []string{key, "Handoffs"}, Note: note}
		labels, vals := make([]string, len(cs)), make([]float64, len(cs))
		for i, x := range cs {
			labels[i], vals[i] = x.Key, float64(x.Handoffs)
			c.Rows = append(c.Rows, []string{x.Key, strconv.Itoa(x.Handoffs)})
		}
		c.SVG = bars(chart{ID: id, Title: title, Labels: labels, Series: []series{{Name: "handoffs", Values: vals}}})
		return c
	}
	out := []dashChart{
		timing("accept", "Time to accept", func(w metrics.Week) metrics.Durations { return w.Accept }),
		timing("first-touch", "Time to first touch", func(w metrics.Week) metrics.Durations { return w.FirstTouch }),
		rates("breach-type", "Breach rate by handoff type", "Type", d.ByType),
		rates("breach-tier", "Breach rate by SLA tier", "Tier", d.ByTier),
		counts("owners", "Handoffs per owner", "Owner", d.ByOwner, "Each handoff counts once, for its owner at the end of the window."),
	}
	note := ""
	if d.Unscored > 0 {
		note = fmt.Sprintf("%d handoff(s) from before Baton recorded completeness are not shown.", d.Unscored)
	}
	out = append(out, counts("completeness", "Completeness at handoff", "Context answered", d.Completeness, note))
	rej := dashChart{ID: "rejection", Title: "Rejection rate by week", Head: []string{"Week of", "Handoffs", "Rejected", "Rejection rate (%)"},
		Note: "A handoff counts as rejected when its receiver returned it at least once."}
	vals := make([]float64, len(d.Weeks))
	for i, w := range d.Weeks {
		vals[i] = w.RejectionRate * 100
		if w.Handoffs == 0 {
			vals[i] = math.NaN()
		}
		rej.Rows = append(rej.Rows, []string{w.Start.Format(dateLayout), strconv.Itoa(w.Handoffs), strconv.Itoa(w.Rejected), percent(w.RejectionRate)})
	}
	rej.SVG = bars(chart{ID: "rejection", Title: "Rejection rate by week", Labels: weekLabels, Series: []series{{Name: "rejection rate", Values: vals}},
		Format: pct})
	return append(out, rej)
}

func (s *Server) dashboardData(w http.ResponseWriter, r *http.Request, p baton.Principal) (map[string]any, []dashChart, bool) {
	if !p.Can(baton.AccessManager) {
		s.forbidden(w, r, p, "The dashboard")
		return nil, nil, false
	}
	now := s.svc.Clock().Now()
	pg := newPage(p, now, "Dashboard", "dashboard")
	from, to, fromDate, toDate, days, problem := dashWindow(r.URL.Query(), now, pg.Loc)
	d, err := s.svc.Dashboard(r.Context(), p, from, to)
	if err != nil {
		s.log.Error("dashboard", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return nil, nil, false
	}
	funnel, err := s.svc.Metrics(r.Context(), p, from, to, metrics.DimSource)
	if err != nil {
		s.log.Error("dashboard", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return nil, nil, false
	}
	charts := append(dashCharts(d), funnelCharts(funnel)...)
	q := url.Values{"from": {fromDate}, "to": {toDate}}.Encode()
	return map[string]any{"Page": pg, "Charts": charts, "From": fromDate, "To": toDate, "Days": days, "Ranges": dashRanges,
		"Query": q, "Problem": problem,
		"ExportQuery": url.Values{"from": {from.UTC().Format(time.RFC3339)}, "to": {to.UTC().Format(time.RFC3339)}}.Encode()}, charts, true
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request, p baton.Principal) {
	data, _, ok := s.dashboardData(w, r, p)
	if !ok {
		return
	}
	status := http.StatusOK
	if data["Problem"] != "" {
		status = http.StatusBadRequest
	}
	s.render(w, r, status, "dashboard.html", data)
}

// dashboardCSV downloads one chart's table as CSV, its cells made safe
// for spreadsheets (csv.go).
func (s *Server) dashboardCSV(w http.ResponseWriter, r *http.Request, p baton.Principal) {
	id, ok := strings.CutSuffix(r.PathValue("chart"), ".csv")
	if !ok {
		http.NotFound(w, r)
		return
	}
	data, charts, ok := s.dashboardData(w, r, p)
	if !ok {
		return
	}
	for _, c := range charts {
		if c.ID != id {
			continue
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="baton-%s-%s-%s.csv"`, id, data["From"], data["To"]))
		cw := newCSVWriter(w)
		cw.Write(c.Head)
		for _, row := range c.Rows {
			cw.Write(row)
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			s.log.Warn("dashboard csv", "err", err)
		}
		return
	}
	http.NotFound(w, r)
}

// funnelStages are the funnel's stages in order, with how each is read.
var funnelStages = []struct {
	label string
	n     func(metrics.Funnel) int64
}{
	{"Handoffs", func(f metrics.Funnel) int64 { return f.Handoffs }},
	{"Accepted", func(f metrics.Funnel) int64 { return f.Accepted }},
	{"Meetings booked", func(f metrics.Funnel) int64 { return f.Booked }},
	{"Meetings held", func(f metrics.Funnel) int64 { return f.Held }},
	{"Opportunities", func(f metrics.Funnel) int64 { return f.Opportunities }},
	{"Won", func(f metrics.Funnel) int64 { return f.Won }},
}

// funnelCharts draws the funnel from handoff to won, the funnel by source
// and the show rate by source, from a report split by source.
func funnelCharts(r metrics.Report) []dashChart {
	days := fmt.Sprintf("Handoffs created on the UTC days %s to %s.", r.From.Format(dateLayout), r.To.AddDate(0, 0, -1).Format(dateLayout))
	tot := r.Total.Funnel
	funnel := dashChart{ID: "funnel", Title: "Funnel from handoff to won", Head: []string{"Stage", "Handoffs", "Share of handoffs (%)"},
		Note: days + " Opportunities are outcomes proposal requested or booked/won; a stage counts the handoffs that reached it."}
	labels, vals := make([]string, len(funnelStages)), make([]float64, len(funnelStages))
	for i, st := range funnelStages {
		n := st.n(tot)
		labels[i], vals[i] = st.label, float64(n)
		share := 0.0
		if tot.Handoffs > 0 {
			share = float64(n) / float64(tot.Handoffs)
		}
		funnel.Rows = append(funnel.Rows, []string{st.label, strconv.FormatInt(n, 10), percent(share)})
	}
	funnel.SVG = bars(chart{ID: "funnel", Title: "Funnel from handoff to won", Labels: labels, Series: []series{{Name: "handoffs", Values: vals}}})

	bySource := dashChart{ID: "funnel-source", Title: "Funnel by source",
		Head: []string{"Source", "Handoffs", "Accepted", "Meetings booked", "Meetings held", "No-shows", "Opportunities", "Won"}, Note: days}
	show := dashChart{ID: "show-rate", Title: "Show rate by source",
		Head: []string{"Source", "Meetings held", "No-shows", "Show rate (%)", "Rescheduled", "Reschedule rate (%)"},
		Note: days + " Show rate is meetings held over held and no-shows; a meeting moved with its status still booked is rescheduled."}
	groups := append(slices.Clone(r.Groups), r.Total)
	held, opps := make([]float64, len(r.Groups)), make([]float64, len(r.Groups))
	srcLabels, rates := make([]string, len(r.Groups)), make([]float64, len(r.Groups))
	for i, g := range groups {
		f := g.Funnel
		key := g.Key
		if i == len(r.Groups) {
			key = "All sources"
		} else {
			srcLabels[i], held[i], opps[i] = key, float64(f.Held), float64(f.Opportunities)
			rates[i] = math.NaN()
			if f.Held+f.NoShows > 0 {
				rates[i] = g.ShowRate * 100
			}
		}
		bySource.Rows = append(bySource.Rows, []string{key, strconv.FormatInt(f.Handoffs, 10), strconv.FormatInt(f.Accepted, 10),
			strconv.FormatInt(f.Booked, 10), strconv.FormatInt(f.Held, 10), strconv.FormatInt(f.NoShows, 10),
			strconv.FormatInt(f.Opportunities, 10), strconv.FormatInt(f.Won, 10)})
		show.Rows = append(show.Rows, []string{key, strconv.FormatInt(f.Held, 10), strconv.FormatInt(f.NoShows, 10), percent(g.ShowRate),
			strconv.FormatInt(g.Rescheduled, 10), percent(g.RescheduleRate)})
	}
	if len(r.Groups) == 0 {
		bySource.Rows, show.Rows = nil, nil
	}
	bySource.SVG = bars(chart{ID: "funnel-source", Title: "Meetings held and opportunities by source", Labels: srcLabels,
		Series: []series{{Name: "meetings held", Values: held}, {Name: "opportunities", Values: opps}}})
	show.SVG = bars(chart{ID: "show-rate", Title: "Show rate by source", Labels: srcLabels,
		Series: []series{{Name: "show rate", Values: rates}}, Format: pct})
	return []dashChart{funnel, bySource, show}
}
