package ics

import (
	"bytes"
	"unicode/utf8"
)

// maxLineOctets is the longest content line RFC 5545 section 3.1 allows,
// excluding the CRLF.
const maxLineOctets = 75

var crlf = []byte("\r\n")

// fold splits every CRLF-terminated line of b longer than maxLineOctets into
// a first line and continuation lines that start with a space, cutting only
// between UTF-8 sequences. The space counts towards a continuation line's 75
// octets.
func fold(b []byte) []byte {
	out := make([]byte, 0, len(b)+len(b)/(maxLineOctets-1)*len(" \r\n"))
	for len(b) > 0 {
		var line []byte
		if i := bytes.Index(b, crlf); i >= 0 {
			line, b = b[:i], b[i+len(crlf):]
		} else {
			line, b = b, nil
		}
		limit := maxLineOctets
		for len(line) > limit {
			cut := limit
			for cut > limit-utf8.UTFMax && !utf8.RuneStart(line[cut]) {
				cut--
			}
			out = append(out, line[:cut]...)
			out = append(out, "\r\n "...)
			line = line[cut:]
			limit = maxLineOctets - 1
		}
		out = append(out, line...)
		out = append(out, crlf...)
	}
	return out
}
