package csvin

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/batonhq/baton"
)

// Errors collects the errors of a file's rows. The zero value is ready to
// use and reports every error; a Table's Errors report at most its
// Limits.MaxErrors.
type Errors struct {
	list []rowError
	max  int
}

type rowError struct {
	row      int
	col, msg string
}

// Add records an error at row and column col ("" for the whole row).
func (e *Errors) Add(row int, col, format string, args ...any) {
	e.list = append(e.list, rowError{row: row, col: col, msg: fmt.Sprintf(format, args...)})
}

// Value records that col's value raw is wrong: msg is prefixed with the
// quoted value when there is one ("\"Mars/Base\" is not an IANA time zone").
func (e *Errors) Value(row int, col, raw, msg string) {
	if raw != "" {
		msg = Quote(raw) + " " + msg
	}
	e.list = append(e.list, rowError{row: row, col: col, msg: msg})
}

// Len returns how many errors were recorded.
func (e *Errors) Len() int { return len(e.list) }

// Err returns nil when there are no errors, else one EINVALID *baton.Error
// whose Fields name "row N: column" (or "row N" for a whole row), in row
// order, at most the limit of them; its message says nothing was imported.
func (e *Errors) Err() error {
	if len(e.list) == 0 {
		return nil
	}
	slices.SortStableFunc(e.list, func(a, b rowError) int { return a.row - b.row })
	n := len(e.list)
	shown := e.list
	if e.max > 0 {
		shown = e.list[:min(n, e.max)]
	}
	fields := make([]baton.FieldError, len(shown))
	for i, re := range shown {
		f := fmt.Sprintf("row %d", re.row)
		if re.col != "" {
			f += ": " + re.col
		}
		fields[i] = baton.FieldError{Field: f, Message: re.msg}
	}
	var msg string
	switch {
	case n == 1:
		msg = FormatError(fields[0]) + "; nothing was imported"
	case n > len(shown):
		msg = fmt.Sprintf("the file has %d errors (the first %d are listed); nothing was imported", n, len(shown))
	default:
		msg = fmt.Sprintf("the file has %d errors; nothing was imported", n)
	}
	return &baton.Error{Code: baton.EINVALID, Message: msg, Fields: fields}
}

// FormatError writes an error's field as a reader expects it:
// {"row 7: timezone", "…"} as "row 7, column timezone: …".
func FormatError(f baton.FieldError) string {
	if row, col, ok := strings.Cut(f.Field, ": "); ok {
		return fmt.Sprintf("%s, column %s: %s", row, col, f.Message)
	}
	return f.Field + ": " + f.Message
}

// Quote quotes a cell for a message, clipped so that a huge cell cannot
// make a huge error.
func Quote(s string) string { return strconv.Quote(clip(s)) }

// clip cuts s to at most 60 bytes, on a rune boundary, marking the cut.
func clip(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
