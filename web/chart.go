package web

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// chart is what the SVG helpers draw: categories along the x axis and one
// or more series of values over them. It is pure data; bars and lines
// render it as an SVG string with no script, sized by its viewBox so it
// scales to the width it is given.
type chart struct {
	// ID makes the SVG's element ids unique on a page.
	ID string
	// Title names the chart for people who cannot see it: the SVG's
	// <title>, which its aria-labelledby points at.
	Title  string
	Labels []string
	Series []series
	// Format writes a value for the y axis and bar tooltips (default: the
	// number with up to two decimals).
	Format func(float64) string
}

// series is one named row of values, one per label; NaN is a gap (no
// data), drawn as nothing.
type series struct {
	Name   string
	Values []float64
}

// Chart geometry, in viewBox units.
const (
	chartW, chartH = 640, 260
	chartLeft      = 56
	chartRight     = 12
	chartTop       = 14
	chartBottom    = 52
	chartTicks     = 4
	plotW          = chartW - chartLeft - chartRight
	plotH          = chartH - chartTop - chartBottom
)

// niceMax rounds max up to 1, 2, 2.5 or 5 times a power of ten, so the
// axis ticks (max/chartTicks apart) are round numbers; 1 when max ≤ 0.
func niceMax(max float64) float64 {
	if !(max > 0) || math.IsInf(max, 0) {
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(max)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= max*(1-1e-9) {
			return m * mag
		}
	}
	return 10 * mag
}

func (c chart) format(v float64) string {
	if c.Format != nil {
		return c.Format(v)
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

func (c chart) max() float64 {
	m := 0.0
	for _, s := range c.Series {
		for _, v := range s.Values {
			if !math.IsNaN(v) && v > m {
				m = v
			}
		}
	}
	return niceMax(m)
}

// y returns the vertical coordinate of v on an axis up to max.
func y(v, max float64) float64 { return chartTop + plotH - v/max*plotH }

func num(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }

// open writes the SVG's start, its title, the y axis with its ticks and
// grid lines, and the category labels under the x axis.
func (c chart) open(b *strings.Builder, max float64) {
	esc := template.HTMLEscapeString
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-title">`, chartW, chartH, esc(c.ID))
	fmt.Fprintf(b, `<title id="%s-title">%s</title>`, esc(c.ID), esc(c.Title))
	b.WriteString(`<g class="axis">`)
	for i := 0; i <= chartTicks; i++ {
		v := max * float64(i) / chartTicks
		yy := num(y(v, max))
		fmt.Fprintf(b, `<line class="grid" x1="%d" y1="%s" x2="%d" y2="%s"/>`, chartLeft, yy, chartW-chartRight, yy)
		fmt.Fprintf(b, `<text class="tick" x="%d" y="%s" text-anchor="end" dominant-baseline="middle">%s</text>`, chartLeft-6, yy, esc(c.format(v)))
	}
	fmt.Fprintf(b, `<line class="base" x1="%d" y1="%d" x2="%d" y2="%d"/>`, chartLeft, chartTop+plotH, chartW-chartRight, chartTop+plotH)
	band := c.band()
	rotate := len(c.Labels) > 6
	for i, l := range c.Labels {
		x := num(chartLeft + band*(float64(i)+0.5))
		if len([]rune(l)) > 16 {
			l = string([]rune(l)[:15]) + "…"
		}
		if rotate {
			fmt.Fprintf(b, `<text class="label" x="%s" y="%d" text-anchor="end" transform="rotate(-35 %s %d)">%s</text>`, x, chartTop+plotH+14, x, chartTop+plotH+14, esc(l))
		} else {
			fmt.Fprintf(b, `<text class="label" x="%s" y="%d" text-anchor="middle">%s</text>`, x, chartTop+plotH+18, esc(l))
		}
	}
	b.WriteString(`</g>`)
}

func (c chart) band() float64 {
	if len(c.Labels) == 0 {
		return plotW
	}
	return float64(plotW) / float64(len(c.Labels))
}

// legend names the series when there is more than one.
func (c chart) legend(b *strings.Builder) {
	if len(c.Series) < 2 {
		return
	}
	b.WriteString(`<g class="legend">`)
	x := chartLeft
	for j, s := range c.Series {
		fmt.Fprintf(b, `<rect class="s%d" x="%d" y="%d" width="10" height="10"/><text x="%d" y="%d">%s</text>`,
			j, x, chartH-12, x+14, chartH-3, template.HTMLEscapeString(s.Name))
		x += 24 + 8*len(s.Name)
	}
	b.WriteString(`</g>`)
}

// bars draws c as grouped vertical bars: one group per label, one bar per
// series, each with a tooltip of its value.
func bars(c chart) template.HTML {
	var b strings.Builder
	max := c.max()
	c.open(&b, max)
	band := c.band()
	group := band * 0.7
	w := group / float64(max1(len(c.Series)))
	for j, s := range c.Series {
		for i, v := range s.Values {
			if i >= len(c.Labels) || math.IsNaN(v) {
				continue
			}
			x := chartLeft + band*float64(i) + (band-group)/2 + w*float64(j)
			top := y(v, max)
			fmt.Fprintf(&b, `<rect class="bar s%d" x="%s" y="%s" width="%s" height="%s"><title>%s</title></rect>`,
				j, num(x), num(top), num(w), num(chartTop+plotH-top), template.HTMLEscapeString(tooltip(c, s, i, v)))
		}
	}
	c.legend(&b)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// lines draws c as one line per series with a dot at each value; a NaN
// breaks the line.
func lines(c chart) template.HTML {
	var b strings.Builder
	max := c.max()
	c.open(&b, max)
	band := c.band()
	for j, s := range c.Series {
		var run []string
		flush := func() {
			if len(run) > 1 {
				fmt.Fprintf(&b, `<polyline class="line s%d" fill="none" points="%s"/>`, j, strings.Join(run, " "))
			}
			run = run[:0]
		}
		for i, v := range s.Values {
			if i >= len(c.Labels) || math.IsNaN(v) {
				flush()
				continue
			}
			x, yy := num(chartLeft+band*(float64(i)+0.5)), num(y(v, max))
			run = append(run, x+","+yy)
		}
		flush()
		for i, v := range s.Values {
			if i >= len(c.Labels) || math.IsNaN(v) {
				continue
			}
			fmt.Fprintf(&b, `<circle class="dot s%d" cx="%s" cy="%s" r="3.5"><title>%s</title></circle>`,
				j, num(chartLeft+band*(float64(i)+0.5)), num(y(v, max)), template.HTMLEscapeString(tooltip(c, s, i, v)))
		}
	}
	c.legend(&b)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func tooltip(c chart, s series, i int, v float64) string {
	t := c.Labels[i] + ": " + c.format(v)
	if s.Name != "" {
		t = s.Name + ", " + t
	}
	return t
}

func max1(n int) int { return max(n, 1) }
