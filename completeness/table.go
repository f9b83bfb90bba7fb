package completeness

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/batonhq/baton/playbook"
)

// MaxRows bounds a table's rows; MaxCell bounds a text cell (bytes).
const (
	MaxRows = 50
	MaxCell = 1000
)

// CellError is a bad row or cell of a table field: Row counts from 0,
// Column is empty when the whole row (or the table) is wrong.
type CellError struct {
	Row     int
	Column  string
	Message string
}

func (e *CellError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("row %d: %s", e.Row+1, e.Message)
	}
	return fmt.Sprintf("row %d, column %s: %s", e.Row+1, e.Column, e.Message)
}

// TableError lists every bad row and cell of one table value.
type TableError []*CellError

func (e TableError) Error() string {
	parts := make([]string, len(e))
	for i, c := range e {
		parts[i] = c.Error()
	}
	return strings.Join(parts, "; ")
}

// normalizeTable validates a table value: a list of at most MaxRows rows,
// each an object keyed by the field's column names, each cell valid for
// its column. Blank cells are left out and blank rows dropped; no rows is
// nil (unanswered). Every bad row and cell is reported at once.
func normalizeTable(f playbook.Field, v any) (any, error) {
	var raw []any
	switch x := v.(type) {
	case []any:
		raw = x
	case []map[string]any:
		for _, r := range x {
			raw = append(raw, r)
		}
	default:
		return nil, fmt.Errorf("must be a list of rows, each an object keyed by column name (%s)", columnNames(f))
	}
	if len(raw) > MaxRows {
		return nil, TableError{{Row: MaxRows, Message: fmt.Sprintf("a table has at most %d rows, got %d", MaxRows, len(raw))}}
	}
	var errs TableError
	out := make([]map[string]any, 0, len(raw))
	for i, r := range raw {
		obj, ok := r.(map[string]any)
		if !ok {
			errs = append(errs, &CellError{Row: i, Message: "must be an object keyed by column name (" + columnNames(f) + ")"})
			continue
		}
		row := map[string]any{}
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			if _, ok := f.Column(k); !ok {
				errs = append(errs, &CellError{Row: i, Column: k, Message: fmt.Sprintf("is not a column of %s (columns: %s)", f.Name, columnNames(f))})
			}
		}
		for _, c := range f.Columns { // errors in column order
			val, ok := obj[c.Name]
			if !ok {
				continue
			}
			k := c.Name
			n, err := NormalizeCell(c, val)
			if err != nil {
				errs = append(errs, &CellError{Row: i, Column: k, Message: err.Error()})
				continue
			}
			if n != nil {
				row[k] = n
			}
		}
		if len(row) > 0 {
			out = append(out, row)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func columnNames(f playbook.Field) string {
	names := make([]string, len(f.Columns))
	for i, c := range f.Columns {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

// NormalizeCell validates v for table column c and returns its stored
// form: nil for a blank cell, else text, a date "2026-12-31", one of the
// options as spelled in the playbook, a Person, a bool or a number. The
// error says what was expected.
func NormalizeCell(c playbook.Column, v any) (any, error) {
	if s, ok := v.(string); ok {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, nil
		}
		v = s
	}
	if v == nil {
		return nil, nil
	}
	switch c.Type {
	case playbook.FieldText, "":
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("must be text")
		}
		if len(s) > MaxCell || !utf8.ValidString(s) {
			return nil, fmt.Errorf("must be valid text of at most %d bytes, got %d", MaxCell, len(s))
		}
		return s, nil
	case playbook.FieldDate:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("must be a date like 2026-12-31")
		}
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return nil, fmt.Errorf("must be a date like 2026-12-31")
		}
		return s, nil
	case playbook.FieldChoice:
		if s, ok := v.(string); ok {
			for _, o := range c.Options {
				if strings.EqualFold(o, s) {
					return o, nil
				}
			}
		}
		return nil, fmt.Errorf("must be one of %s", strings.Join(c.Options, ", "))
	case playbook.FieldPerson:
		return person(v)
	case playbook.ColumnBool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			switch strings.ToLower(x) {
			case "true", "yes", "on":
				return true, nil
			case "false", "no", "off":
				return false, nil
			}
		}
		return nil, fmt.Errorf("must be true or false")
	case playbook.FieldNumber:
		var n float64
		switch x := v.(type) {
		case float64:
			n = x
		case int:
			n = float64(x)
		case string:
			var err error
			if n, err = strconv.ParseFloat(strings.ReplaceAll(x, ",", ""), 64); err != nil {
				return nil, fmt.Errorf("must be a number")
			}
		default:
			return nil, fmt.Errorf("must be a number")
		}
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return nil, fmt.Errorf("must be a number")
		}
		return n, nil
	}
	return nil, fmt.Errorf("unknown column type %q", c.Type)
}

// Value returns field f's stored value in values: under its name, else
// under the name it had before (Formerly) when it has none yet.
func Value(f playbook.Field, values map[string]any) any {
	if v, ok := values[f.Name]; ok && v != nil {
		return v
	}
	if f.Formerly != "" {
		return values[f.Formerly]
	}
	return nil
}

// Rows returns a table field's stored value as rows (objects keyed by
// column name). A value stored before the field was a table (a list of
// text, or text one item a line) gives one row per item with only the
// first column set, and legacy is true. NA, nil and anything else give no
// rows.
func Rows(f playbook.Field, v any) (rows []map[string]any, legacy bool) {
	switch x := v.(type) {
	case nil:
		return nil, false
	case []map[string]any:
		return x, false
	case string:
		if x == NA || len(f.Columns) == 0 {
			return nil, false
		}
		items, _ := list(x)
		l, _ := items.([]string)
		return legacyRows(f, l), true
	case []string:
		return legacyRows(f, x), true
	case []any:
		var items []string
		for _, it := range x {
			switch r := it.(type) {
			case map[string]any:
				rows = append(rows, r)
			case string:
				items = append(items, r)
			}
		}
		if len(rows) == 0 && len(items) > 0 {
			return legacyRows(f, items), true
		}
		return rows, false
	}
	// Any other in-memory form: go through JSON once.
	b, err := json.Marshal(v)
	if err != nil || json.Unmarshal(b, &rows) != nil {
		return nil, false
	}
	return rows, false
}

func legacyRows(f playbook.Field, items []string) []map[string]any {
	if len(f.Columns) == 0 {
		return nil
	}
	rows := make([]map[string]any, 0, len(items))
	for _, it := range items {
		if it = strings.TrimSpace(it); it != "" {
			rows = append(rows, map[string]any{f.Columns[0].Name: it})
		}
	}
	return rows
}

// RowComplete reports whether row has every required column of f set (a
// row of a table without required columns is complete when it has any).
func RowComplete(f playbook.Field, row map[string]any) bool {
	some := false
	for _, c := range f.Columns {
		set := cellSet(row[c.Name])
		if c.Required && !set {
			return false
		}
		some = some || set
	}
	return some
}

func cellSet(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return strings.TrimSpace(x) != ""
	case map[string]any:
		n, _ := x["name"].(string)
		return strings.TrimSpace(n) != ""
	case Person:
		return strings.TrimSpace(x.Name) != ""
	}
	return true
}

// tableAnswered reports whether a table field counts as filled in: N/A, a
// list stored before it was a table, or at least one complete row.
func tableAnswered(f playbook.Field, v any) bool {
	if s, ok := v.(string); ok && s == NA {
		return true
	}
	rows, legacy := Rows(f, v)
	if legacy {
		return len(rows) > 0
	}
	for _, r := range rows {
		if RowComplete(f, r) {
			return true
		}
	}
	return false
}
