package metrics

import (
	"encoding/json"
	"time"

	"github.com/batonhq/baton"
)

// createdKeys are the fields of a created event's payload (baton.CreatedData)
// that an SLA report groups by.
type createdKeys struct {
	HandoffType string `json:"handoff_type"`
	Tier        string `json:"tier"`
	Team        string `json:"team"`
	Source      string `json:"source"`
	Segment     string `json:"segment"`
}

// decodeCreatedKeys reads k from a created event's payload, and fails
// where decoding it as a baton.CreatedData does. A week's SLA report at a
// million handoffs decodes ten thousand payloads, most of them other
// fields (the context score, the signal): encoding/json took a sixth of
// the report's time. So a payload that is valid JSON is scanned once, the
// other fields' types checked; one with an escape in the five fields or
// in a key, or with a value of the wrong type, is left to encoding/json,
// as is one that is not valid, for its error.
func decodeCreatedKeys(data []byte) (createdKeys, error) {
	var k createdKeys
	if len(data) == 0 {
		return k, nil
	}
	if json.Valid(data) {
		if ok := scanCreatedKeys(data, &k); ok {
			return k, nil
		}
	}
	var d baton.CreatedData
	if err := json.Unmarshal(data, &d); err != nil {
		return createdKeys{}, err
	}
	return createdKeys{HandoffType: d.HandoffType, Tier: d.Tier, Team: d.Team, Source: d.Source, Segment: d.Segment}, nil
}

// createdFields are the JSON names of baton.CreatedData's fields.
var createdFields = [...]string{"signal_id", "signal_type", "handoff_type", "tier", "team", "occurred_at", "source", "segment", "completeness"}

// scanCreatedKeys scans valid JSON for k's fields; false when it cannot
// read them, or check the others, as encoding/json would.
func scanCreatedKeys(b []byte, k *createdKeys) bool {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return string(b[i:]) == "null" // null leaves k empty
	}
	i++
	for {
		i = skipSpace(b, i)
		if b[i] == '}' {
			return true
		}
		if b[i] == ',' {
			i = skipSpace(b, i+1)
		}
		key, next, plain := jsonString(b, i)
		if !plain {
			return false
		}
		i = skipSpace(b, next)
		i = skipSpace(b, i+1) // the colon
		end := skipValue(b, i)
		raw := b[i:end]
		for len(raw) > 0 && isSpace(raw[len(raw)-1]) {
			raw = raw[:len(raw)-1]
		}
		var dst *string
		switch key {
		case "handoff_type":
			dst = &k.HandoffType
		case "tier":
			dst = &k.Tier
		case "team":
			dst = &k.Team
		case "source":
			dst = &k.Source
		case "segment":
			dst = &k.Segment
		case "signal_id", "signal_type":
			if raw[0] != '"' && string(raw) != "null" {
				return false
			}
		case "occurred_at":
			var t time.Time
			if string(raw) != "null" && t.UnmarshalJSON(raw) != nil {
				return false
			}
		case "completeness":
			if string(raw) != "null" && !isInt(raw) {
				return false
			}
		default:
			// encoding/json matches keys case-insensitively: a key that
			// folds to a field's is left to it.
			if foldsToCreatedKey(key) {
				return false
			}
		}
		if dst != nil && string(raw) != "null" {
			v, _, plain := jsonString(raw, 0)
			if !plain {
				return false
			}
			*dst = v
		}
		i = end
	}
}

// isInt reports whether a JSON number is a whole one that fits an int.
func isInt(raw []byte) bool {
	digits := raw
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 18 {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func foldsToCreatedKey(key string) bool {
	for _, name := range createdFields {
		if len(key) == len(name) && equalFoldASCII(key, name) {
			return true
		}
	}
	return false
}

func equalFoldASCII(a, b string) bool {
	for i := range len(a) {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// jsonString reads the string at b[i] (a quote); plain is false when it
// has an escape or a byte outside ASCII (left to encoding/json, which
// replaces invalid UTF-8).
func jsonString(b []byte, i int) (s string, next int, plain bool) {
	if i >= len(b) || b[i] != '"' {
		return "", i, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return string(b[i+1 : j]), j + 1, true
		case c == '\\' || c >= 0x80:
			return "", j, false
		}
	}
	return "", len(b), false
}

// skipValue returns the index after the valid JSON value at b[i].
func skipValue(b []byte, i int) int {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
			if depth == 0 {
				return i + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i // the enclosing object's end
			}
			depth--
			if depth == 0 {
				return i + 1
			}
		case ',':
			if depth == 0 {
				return i
			}
		}
	}
	return i
}
