package csvin

import (
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton"
)

// Cells reads one record's typed cells, recording errors at the record's
// row and the cell's column. Each method leaves dst alone when the file has
// no such column, and sets its zero value (or default) for an empty cell.
type Cells struct {
	rec  Record
	errs *Errors
}

// Cells returns a reader of r's typed cells that records errors in errs.
func (r Record) Cells(errs *Errors) Cells { return Cells{rec: r, errs: errs} }

// Text reads a string of at most max bytes; 0 leaves the bound to the
// caller (usually the domain type's Validate).
func (p Cells) Text(col string, dst *string, max int) {
	v, ok := p.rec.Cell(col)
	if !ok {
		return
	}
	if max > 0 && len(v) > max {
		p.errs.Add(p.rec.Row, col, "must be at most %d bytes", max)
		return
	}
	*dst = v
}

// Lower reads a string as Text does, in lower case.
func (p Cells) Lower(col string, dst *string, max int) {
	p.Text(col, dst, max)
	*dst = strings.ToLower(*dst)
}

// Int reads a whole number; an empty cell reads as 0.
func (p Cells) Int(col string, dst *int) {
	v, ok := p.rec.Cell(col)
	if !ok {
		return
	}
	if v == "" {
		*dst = 0
		return
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		p.errs.Value(p.rec.Row, col, v, "is not a whole number")
		return
	}
	*dst = n
}

// Bool reads true/false, t/f, yes/no, y/n or 1/0 in any case; an empty cell
// reads as def.
func (p Cells) Bool(col string, dst *bool, def bool) {
	v, ok := p.rec.Cell(col)
	if !ok {
		return
	}
	switch strings.ToLower(v) {
	case "":
		*dst = def
	case "true", "t", "yes", "y", "1":
		*dst = true
	case "false", "f", "no", "n", "0":
		*dst = false
	default:
		p.errs.Value(p.rec.Row, col, v, "must be true or false")
	}
}

// Email reads a column holding an email address, in lower case; has reports
// whether the file has the column. An invalid address is an error and
// reads as "".
func (p Cells) Email(col string) (email string, has bool) {
	v, ok := p.rec.Cell(col)
	if !ok || v == "" {
		return "", ok
	}
	v = strings.ToLower(v)
	if !baton.ValidEmail(v) {
		p.errs.Value(p.rec.Row, col, v, "is not an email address")
		return "", true
	}
	return v, true
}

// Time reads a time: RFC 3339, or a date at the start of that day in loc
// (the day after, for endOfDay, so that a date reads as "through that
// day"). The result is in UTC; an empty cell reads as the zero time.
func (p Cells) Time(col string, dst *time.Time, loc *time.Location, endOfDay bool) {
	v, ok := p.rec.Cell(col)
	if !ok {
		return
	}
	if v == "" {
		*dst = time.Time{}
		return
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		*dst = t.UTC()
		return
	}
	d, err := time.ParseInLocation(time.DateOnly, v, loc)
	if err != nil {
		p.errs.Value(p.rec.Row, col, v, "is not a time: use a date (2026-12-24) or an RFC 3339 time (2026-12-24T09:00:00Z)")
		return
	}
	if endOfDay {
		d = d.AddDate(0, 0, 1)
	}
	*dst = d.UTC()
}
