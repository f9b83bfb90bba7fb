// Package ctxcodec is how both stores keep a handoff's context in its row.
package ctxcodec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/batonhq/baton/internal/jsonstr"
)

// A handoff's context is stored as JSON in two forms. Version 1, in rows
// written before, is the context's JSON object. Version 2, written now, is
// [2, object]: the same object with every key (at any depth) that is one
// of keys below written as its number, "0" for "_auto"; another key is
// written as itself, after a "~" if it is all digits or begins with "~".
// Every handoff's context holds Baton's own facts under the same ten keys
// (playbook.AutoKeys), so version 2 takes about 75 bytes off each.

// keys are the object keys version 2 writes as numbers. Stored contexts
// hold their numbers: append new keys at the end, never change or remove
// one.
var keys = [...]string{
	/* 0 */ "_auto", "account_status", "buyer", "contact_info", "intent_signal", "owner_backup", "problem",
	/* 7 */ "sla_deadline", "source", "stage", "meeting",
	// Template fields of the default playbook, most common first.
	/* 11 */ "budget", "timeline", "pain_points", "deal_value", "stakeholders", "success_criteria", "commitments",
	/* 18 */ "risks", "competitors", "current_solution", "decision_maker", "trigger_event", "objections_discussed",
	/* 24 */ "requested_next_step", "qualification_notes", "product_interest", "name", "role", "stance", "influence",
	/* 31 */ "what", "promised_by", "kind", "risk", "likelihood", "impact", "mitigation", "due",
}

var keyIndex = map[string]int{}

func init() {
	for i, k := range keys {
		if _, dup := keyIndex[k]; dup || k == "" {
			panic("ctxcodec: key " + strconv.Quote(k) + " twice or empty")
		}
		keyIndex[k] = i
	}
}

// Encode returns the stored form (version 2) of a context. A nil context
// is stored as an empty one. Values that are not JSON's own types
// (strings, float64, bool, nil, []any, map[string]any) are written as
// json.Marshal writes them; one it cannot write (NaN) is written null.
func Encode(c map[string]any) string {
	b := make([]byte, 0, 512)
	b = append(b, "[2,"...)
	b = appendObject(b, c)
	return string(append(b, ']'))
}

func appendObject(b []byte, m map[string]any) []byte {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks) // as json.Marshal: the same context, the same text
	b = append(b, '{')
	for i, k := range ks {
		if i > 0 {
			b = append(b, ',')
		}
		if n, ok := keyIndex[k]; ok {
			b = append(b, '"')
			b = strconv.AppendInt(b, int64(n), 10)
			b = append(b, '"')
		} else if k == "" || !strings.HasPrefix(k, "~") && strings.Trim(k, "0123456789") != "" {
			b = jsonstr.Append(b, k)
		} else {
			b = jsonstr.Append(b, "~"+k)
		}
		b = append(b, ':')
		b = appendValue(b, m[k])
	}
	return append(b, '}')
}

func appendValue(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return jsonstr.Append(b, v)
	case bool:
		return strconv.AppendBool(b, v)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return append(b, "null"...)
		}
		return strconv.AppendFloat(b, v, 'g', -1, 64)
	case map[string]any:
		return appendObject(b, v)
	case []any:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendValue(b, e)
		}
		return append(b, ']')
	}
	// Another Go type: its JSON, read back as JSON's own types so that
	// its keys are written as above.
	j, err := json.Marshal(v)
	if err != nil {
		return append(b, "null"...)
	}
	var back any
	if err := json.Unmarshal(j, &back); err != nil {
		return append(b, "null"...)
	}
	return appendValue(b, back)
}

// Decode reads a stored context of either version.
func Decode(stored string) (map[string]any, error) {
	b := bytes.TrimLeft([]byte(stored), " \t\r\n")
	if !bytes.HasPrefix(b, []byte("[")) {
		var c map[string]any // version 1
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("decode context: %w", err)
		}
		return c, nil
	}
	var v []any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("decode context: %w", err)
	}
	if len(v) != 2 || v[0] != float64(2) {
		return nil, fmt.Errorf("decode context: want [2, object]")
	}
	m, ok := v[1].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("decode context: want [2, object]")
	}
	return decodeObject(m)
}

func decodeObject(m map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(m))
	for k, v := range m {
		name := k
		switch {
		case strings.HasPrefix(k, "~"):
			name = k[1:]
		case k != "" && strings.Trim(k, "0123456789") == "":
			n, err := strconv.Atoi(k)
			if err != nil || n >= len(keys) {
				return nil, fmt.Errorf("decode context: no key %s", k)
			}
			name = keys[n]
		}
		dv, err := decodeValue(v)
		if err != nil {
			return nil, err
		}
		out[name] = dv
	}
	return out, nil
}

func decodeValue(v any) (any, error) {
	switch v := v.(type) {
	case map[string]any:
		return decodeObject(v)
	case []any:
		for i, e := range v {
			d, err := decodeValue(e)
			if err != nil {
				return nil, err
			}
			v[i] = d
		}
	}
	return v, nil
}

// JSON returns a stored context of either version as version 1, the
// context's JSON object: for readers of its text, such as
// metrics.DealValueJSON.
func JSON(stored string) string {
	b := bytes.TrimLeft([]byte(stored), " \t\r\n")
	if !bytes.HasPrefix(b, []byte("[")) {
		return stored
	}
	c, err := Decode(stored)
	if err != nil {
		return "{}"
	}
	j, err := json.Marshal(c)
	if err != nil {
		return "{}"
	}
	return string(j)
}
