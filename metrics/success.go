package metrics

import (
	"strings"
	"time"
)

// SuccessReport is each handoff type's success metric computed over the
// handoffs of that type created in [From, To).
type SuccessReport struct {
	From  time.Time     `json:"from"`
	To    time.Time     `json:"to"`
	Types []TypeSuccess `json:"types"`
}

// TypeSuccess is one handoff type's success metric: the playbook's label
// and each of its parts computed.
type TypeSuccess struct {
	Type string `json:"type"`
	// Label is the type's label; SuccessMetric the playbook's
	// success_metric text.
	Label         string          `json:"label"`
	SuccessMetric string          `json:"success_metric"`
	Handoffs      int64           `json:"handoffs"`
	Figures       []SuccessFigure `json:"figures"`
}

// SuccessFigure is one part of a success_metric (the text between commas)
// and the figure that measures it.
type SuccessFigure struct {
	// Label is the part as the playbook wrote it.
	Label string `json:"label"`
	// Metric names the figure of Figures computed for it (such as
	// show_rate); empty when Baton knows no figure for the label.
	Metric string `json:"metric,omitempty"`
	// Value is the figure: a rate (0-1), seconds (the median) or a 1-5
	// score, as Unit says; nil when nothing was measured yet or the label
	// is unknown.
	Value *float64 `json:"value"`
	Unit  string   `json:"unit,omitempty"`
	// Base is how many handoffs, meetings or answers the value is
	// computed from.
	Base int64  `json:"base"`
	Note string `json:"note,omitempty"`
}

// successFigures maps a success_metric part, normalised (lower case, "→"
// and "->" as "to", single spaces), to what computes it.
var successFigures = map[string]func(f *Figures) SuccessFigure{}

func init() {
	r := func(metric string, v func(*Figures) (float64, int64), labels ...string) {
		for _, l := range labels {
			successFigures[l] = func(f *Figures) SuccessFigure {
				x, base := v(f)
				return SuccessFigure{Metric: metric, Unit: "rate", Value: &x, Base: base}
			}
		}
	}
	r("five_minute_response_rate", func(f *Figures) (float64, int64) { return f.FiveMinuteResponseRate, f.Handoffs },
		"5-minute response rate", "5-min response rate", "5-min response %", "5-minute response %", "speed to lead")
	r("response_rate", func(f *Figures) (float64, int64) { return f.ResponseRate, f.Handoffs }, "response rate")
	r("opportunity_rate", func(f *Figures) (float64, int64) { return f.OpportunityRate, f.Handoffs },
		"conversion", "conversion rate", "opportunity rate", "product-qualified to opportunity", "pql to opportunity",
		"handoff to opportunity")
	r("meeting_rate", func(f *Figures) (float64, int64) { return f.MeetingRate, f.Handoffs },
		"mql to meeting", "meeting rate", "lead to meeting", "meetings booked")
	r("show_rate", func(f *Figures) (float64, int64) { return f.ShowRate, f.Funnel.Held + f.Funnel.NoShows },
		"meeting show rate", "show rate", "show-up rate")
	r("held_to_opportunity_rate", func(f *Figures) (float64, int64) { return f.HeldToOpportunityRate, f.Funnel.Held },
		"meeting to opportunity", "held to opportunity", "first meeting to opportunity")
	r("win_rate", func(f *Figures) (float64, int64) { return f.WinRate, f.Decided }, "win rate", "close rate")
	r("won_rate", func(f *Figures) (float64, int64) { return rate(f.Funnel.Won, f.Handoffs), f.Handoffs },
		"expansion booking rate", "booking rate", "booked rate")
	r("retention_rate", func(f *Figures) (float64, int64) { return f.RetentionRate, f.Closed },
		"deal retention rate", "retention rate", "save rate")
	r("sla_compliance", func(f *Figures) (float64, int64) { return round(1 - f.BreachRate), f.Handoffs },
		"sla compliance", "sla met")
	for _, l := range []string{"time to technical validation", "time to value", "time to close", "time to outcome"} {
		successFigures[l] = func(f *Figures) SuccessFigure {
			x := f.TimeToClose.P50Seconds
			return SuccessFigure{Metric: "time_to_close_p50_seconds", Unit: "seconds", Value: &x, Base: f.TimeToClose.Count}
		}
	}
	for _, l := range []string{"time to first touch", "response time"} {
		successFigures[l] = func(f *Figures) SuccessFigure {
			x := f.TimeToFirstTouch.P50Seconds
			return SuccessFigure{Metric: "time_to_first_touch_p50_seconds", Unit: "seconds", Value: &x, Base: f.TimeToFirstTouch.Count}
		}
	}
	for _, l := range []string{"csat", "customer satisfaction", "survey score", "prospect survey"} {
		successFigures[l] = func(f *Figures) SuccessFigure {
			x := f.Survey.Average
			return SuccessFigure{Metric: "survey_average", Unit: "score", Value: &x, Base: f.Survey.Count}
		}
	}
}

// normaliseLabel puts a success_metric part in successFigures' form.
func normaliseLabel(s string) string {
	s = strings.ToLower(s)
	s = strings.NewReplacer("→", " to ", "->", " to ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// SuccessFigures computes each comma-separated part of a success_metric
// label from a type's figures. A part Baton has no figure for is listed
// with a note; a figure with no base (nothing measured yet) has a nil
// value.
func SuccessFigures(label string, f Figures) []SuccessFigure {
	out := []SuccessFigure{}
	for _, part := range strings.Split(label, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		compute := successFigures[normaliseLabel(part)]
		if compute == nil {
			out = append(out, SuccessFigure{Label: part, Note: "Baton has no figure for this label; name one of the known success metrics (see the README)"})
			continue
		}
		sf := compute(&f)
		sf.Label = part
		if sf.Base == 0 {
			sf.Value, sf.Note = nil, "nothing measured yet"
		}
		out = append(out, sf)
	}
	return out
}
