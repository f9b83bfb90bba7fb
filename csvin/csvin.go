// Package csvin reads the CSV files people export from a spreadsheet and
// hand to Baton: a header row naming required and optional columns in any
// order, data rows whose typed cells are parsed with errors that name the
// row and column, and the signals file a playbook simulation replays.
//
// A file is read whole and checked whole: every error is collected (up to a
// limit) so that one answer lists them all, and nothing is written unless
// there are none.
package csvin

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/batonhq/baton"
)

// ErrUnreadable marks a file that could not be read as a table at all:
// empty, not UTF-8 text, not valid CSV, or beyond its Limits. It is always
// joined with an EINVALID *baton.Error carrying the user-facing message.
var ErrUnreadable = errors.New("csvin: unreadable file")

// Columns is the set of columns a file accepts.
type Columns struct {
	// Required columns must be in the header; Optional ones may be.
	Required, Optional []string
}

// Limits bound a file. A file beyond MaxBytes or MaxRows is refused whole,
// before its rows are checked.
type Limits struct {
	// MaxBytes caps the file's size.
	MaxBytes int
	// MaxRows caps the data rows (the header row not counted).
	MaxRows int
	// MaxErrors caps how many row errors are reported; the message still
	// gives the total. 0 reports them all.
	MaxErrors int
}

// Table is a file read whole: its columns and its non-blank data rows, with
// the errors found in its shape.
type Table struct {
	// Rows are the data rows in file order; blank rows are skipped.
	Rows  []Record
	index map[string]int // column name -> cell index
	errs  Errors
}

// Has reports whether the file has column col.
func (t *Table) Has(col string) bool {
	_, ok := t.index[col]
	return ok
}

// Errors returns a copy of the shape errors found while reading (a row with
// the wrong number of cells), to which the rows' own errors are added.
func (t *Table) Errors() Errors {
	return Errors{list: slices.Clone(t.errs.list), max: t.errs.max}
}

// Record is one data row.
type Record struct {
	// Row is the 1-based row number in the file; the header is row 1.
	Row   int
	cells []string
	index map[string]int
}

// Cell returns the trimmed value of col and whether the file has col.
func (r Record) Cell(col string) (string, bool) {
	i, ok := r.index[col]
	if !ok {
		return "", false
	}
	return r.cells[i], true
}

// unreadable returns an EINVALID error joined with ErrUnreadable.
func unreadable(format string, args ...any) error {
	return fmt.Errorf("%w: %w", ErrUnreadable, baton.Errorf(baton.EINVALID, format, args...))
}

// size writes a byte count for a message: "5242880 bytes (5 MiB)".
func size(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d bytes (%d MiB)", n, n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Read reads a CSV file with a header row naming cols. A leading byte-order
// mark is dropped, header names are matched ignoring case and surrounding
// space, and every cell is trimmed. Errors in the header (an unknown,
// missing or repeated column) are returned as one EINVALID *baton.Error; a
// row with the wrong number of cells is kept in the table's Errors, so that
// the rows' own errors join it. A file that cannot be read as a table at
// all is EINVALID joined with ErrUnreadable.
func Read(r io.Reader, cols Columns, lim Limits) (*Table, error) {
	data, err := io.ReadAll(io.LimitReader(r, int64(lim.MaxBytes)+1))
	if err != nil {
		return nil, fmt.Errorf("csvin: read file: %w", err)
	}
	if len(data) > lim.MaxBytes {
		return nil, unreadable("the file is larger than %s: split it", size(lim.MaxBytes))
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF")) // spreadsheets' byte-order mark
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return nil, unreadable("the file is not UTF-8 text: save it as CSV (UTF-8)")
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1 // a short or long row is a row error, not the end
	header, err := cr.Read()
	if err == io.EOF {
		return nil, unreadable("the file is empty: expected a header row such as %s", strings.Join(cols.Required, ","))
	} else if err != nil {
		return nil, unreadable("the file is not valid CSV: %v", err)
	}

	t := &Table{index: make(map[string]int, len(header)), errs: Errors{max: lim.MaxErrors}}
	known := slices.Concat(cols.Required, cols.Optional)
	herrs := Errors{max: lim.MaxErrors}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		switch _, seen := t.index[name]; {
		case name == "":
			herrs.Add(1, "", "column %d has no name", i+1)
		case !slices.Contains(known, name):
			herrs.Add(1, clip(strings.TrimSpace(h)), "is not a known column (known columns: %s)", strings.Join(known, ", "))
		case seen:
			herrs.Add(1, name, "appears more than once")
		default:
			t.index[name] = i
		}
	}
	for _, c := range cols.Required {
		if _, ok := t.index[c]; !ok {
			herrs.Add(1, c, "is a required column and is missing")
		}
	}
	if err := herrs.Err(); err != nil {
		return nil, err
	}

	for row := 2; ; row++ {
		cells, err := cr.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, unreadable("the file is not valid CSV: %v", err)
		}
		if row-1 > lim.MaxRows {
			return nil, unreadable("the file has more than %d rows: split it", lim.MaxRows)
		}
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if !slices.ContainsFunc(cells, func(c string) bool { return c != "" }) {
			continue // a spreadsheet's empty row
		}
		if len(cells) != len(header) {
			t.errs.Add(row, "", "has %d cells; the header has %d", len(cells), len(header))
			continue
		}
		t.Rows = append(t.Rows, Record{Row: row, cells: cells, index: t.index})
	}
	return t, nil
}
