package postgres

import "strings"

// maxRows caps the rows of one multi-row INSERT, well under PostgreSQL's
// limit of 65,535 bound parameters.
const maxRows = 256

// valueRows is the VALUES list of a multi-row INSERT: row n times, comma
// separated.
func valueRows(row string, n int) string {
	if n == 1 {
		return row
	}
	var b strings.Builder
	b.Grow(n * (len(row) + 2))
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}
