package web

import (
	"encoding/xml"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// svgElement is an SVG element as the tests read it back.
type svgElement struct {
	XMLName xml.Name
	Attrs   []xml.Attr   `xml:",any,attr"`
	Text    string       `xml:",chardata"`
	Kids    []svgElement `xml:",any"`
}

func (e svgElement) attr(name string) string {
	for _, a := range e.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// parseSVG parses out and returns every element, depth first.
func parseSVG(t *testing.T, out string) (svgElement, []svgElement) {
	t.Helper()
	var root svgElement
	if err := xml.Unmarshal([]byte(out), &root); err != nil {
		t.Fatalf("chart is not well-formed XML: %v\n%s", err, out)
	}
	var all []svgElement
	var walk func(e svgElement)
	walk = func(e svgElement) {
		all = append(all, e)
		for _, k := range e.Kids {
			walk(k)
		}
	}
	walk(root)
	return root, all
}

func count(all []svgElement, name, class string) int {
	n := 0
	for _, e := range all {
		if e.XMLName.Local == name && (class == "" || strings.Contains(" "+e.attr("class")+" ", " "+class+" ")) {
			n++
		}
	}
	return n
}

func TestNiceMax(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want float64 }{
		{0, 1}, {-3, 1}, {math.NaN(), 1}, {1, 1}, {0.33, 0.5}, {3, 5}, {7, 10}, {12, 20}, {20, 20}, {24, 25}, {2600, 5000},
	} {
		if got := niceMax(tc.in); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("niceMax(%v): got %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestBars(t *testing.T) {
	t.Parallel()
	c := chart{ID: "b", Title: "Breach rate <by type>", Labels: []string{"hot", "warm"},
		Series: []series{{Name: "rate", Values: []float64{0.5, 0.25}}}}
	out := string(bars(c))
	root, all := parseSVG(t, out)
	if root.XMLName.Local != "svg" || root.attr("role") != "img" || root.attr("aria-labelledby") != "b-title" {
		t.Errorf("got root %s role=%q aria-labelledby=%q, want svg role=img aria-labelledby=b-title", root.XMLName.Local, root.attr("role"), root.attr("aria-labelledby"))
	}
	if got := root.Kids[0]; got.XMLName.Local != "title" || got.attr("id") != "b-title" || got.Text != "Breach rate <by type>" {
		t.Errorf("got first child %s id=%q %q, want the title", got.XMLName.Local, got.attr("id"), got.Text)
	}
	if got := count(all, "rect", "bar"); got != 2 {
		t.Errorf("got %d bars, want 2", got)
	}
	if got := count(all, "text", "tick"); got != chartTicks+1 {
		t.Errorf("got %d ticks, want %d", got, chartTicks+1)
	}
	if got := count(all, "text", "label"); got != 2 {
		t.Errorf("got %d labels, want 2", got)
	}
	if got := count(all, "g", "legend"); got != 0 {
		t.Errorf("got %d legends for one series, want none", got)
	}
	// The axis runs to 0.5; the plot is 572×194 from (56,14). Each band is
	// 286 wide, the bar 70% of it (200.2), centred: x = 56 + 42.9.
	var got [][4]string
	var tips []string
	for _, e := range all {
		if e.XMLName.Local == "rect" && e.attr("class") == "bar s0" {
			got = append(got, [4]string{e.attr("x"), e.attr("y"), e.attr("width"), e.attr("height")})
			tips = append(tips, e.Kids[0].Text)
		}
	}
	want := [][4]string{{"98.9", "14", "200.2", "194"}, {"384.9", "111", "200.2", "97"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("bars x, y, width, height (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"rate, hot: 0.5", "rate, warm: 0.25"}, tips); diff != "" {
		t.Errorf("tooltips (-want +got):\n%s", diff)
	}
}

func TestBarsGroupSeriesAndSkipGaps(t *testing.T) {
	t.Parallel()
	c := chart{ID: "g", Title: "t", Labels: []string{"a", "b", "c"},
		Series: []series{{Name: "p50", Values: []float64{1, math.NaN(), 3}}, {Name: "p90", Values: []float64{2, 4, 6}}}}
	_, all := parseSVG(t, string(bars(c)))
	if got, want := count(all, "rect", "s0")-1, 2; got != want { // less the legend's swatch
		t.Errorf("got %d p50 bars, want %d (the gap draws nothing)", got, want)
	}
	if got, want := count(all, "rect", "s1")-1, 3; got != want {
		t.Errorf("got %d p90 bars, want %d", got, want)
	}
	if got := count(all, "g", "legend"); got != 1 {
		t.Errorf("got %d legends, want 1", got)
	}
}

func TestLines(t *testing.T) {
	t.Parallel()
	c := chart{ID: "l", Title: "Time to accept", Labels: []string{"w1", "w2", "w3", "w4"},
		Series: []series{{Name: "p50", Values: []float64{10, 20, math.NaN(), 40}}, {Name: "p90", Values: []float64{20, 40, 60, 80}}},
		Format: func(v float64) string { return num(v) + "m" }}
	_, all := parseSVG(t, string(lines(c)))
	// p50 breaks at the gap: one polyline of two points, and a lone dot.
	var polylines []string
	for _, e := range all {
		if e.XMLName.Local == "polyline" {
			polylines = append(polylines, e.attr("class")+" "+e.attr("points"))
		}
	}
	// Axis to 100; band 143; x = 56 + 143*(i+0.5); y = 14 + 194 - v*1.94.
	want := []string{
		"line s0 127.5,188.6 270.5,169.2",
		"line s1 127.5,169.2 270.5,130.4 413.5,91.6 556.5,52.8",
	}
	if diff := cmp.Diff(want, polylines); diff != "" {
		t.Errorf("polylines (-want +got):\n%s", diff)
	}
	if got := count(all, "circle", "dot"); got != 7 {
		t.Errorf("got %d dots, want 7", got)
	}
	var ticks []string
	for _, e := range all {
		if e.attr("class") == "tick" {
			ticks = append(ticks, e.Text)
		}
	}
	if diff := cmp.Diff([]string{"0m", "25m", "50m", "75m", "100m"}, ticks); diff != "" {
		t.Errorf("ticks (-want +got):\n%s", diff)
	}
}

func TestChartEscapesText(t *testing.T) {
	t.Parallel()
	c := chart{ID: `x"y`, Title: `<script>`, Labels: []string{`<b>&`}, Series: []series{{Values: []float64{1}}}}
	out := string(bars(c))
	if strings.Contains(out, "<script>") || strings.Contains(out, "<b>") {
		t.Errorf("chart does not escape text:\n%s", out)
	}
	parseSVG(t, out)
}
