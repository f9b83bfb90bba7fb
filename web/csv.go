package web

import (
	"encoding/csv"
	"io"
	"regexp"
)

// csvWriter is the one way Baton writes CSV: an encoding/csv writer whose
// cells a spreadsheet will not run as formulas (see safeCell).
type csvWriter struct{ *csv.Writer }

func newCSVWriter(w io.Writer) csvWriter { return csvWriter{csv.NewWriter(w)} }

// Write writes one row, each cell made safe.
func (c csvWriter) Write(row []string) error {
	safe := make([]string, len(row))
	for i, cell := range row {
		safe[i] = safeCell(cell)
	}
	return c.Writer.Write(safe)
}

// plainNumber is a decimal number as Baton writes one (-5, +3.25, 1e-3).
var plainNumber = regexp.MustCompile(`^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$`)

// safeCell neutralises formula injection (CWE-1236). The rule: a cell that
// starts with =, +, -, @, a tab or a carriage return is prefixed with a
// single quote, which spreadsheets show as text and do not evaluate, unless
// the whole cell is a plain decimal number ("-5", "+3.25", "-1e3"), which
// stays as it is so that numbers stay numbers. Other cells are unchanged.
func safeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if plainNumber.MatchString(s) {
			return s
		}
		return "'" + s
	}
	return s
}
