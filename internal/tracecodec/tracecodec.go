// Package tracecodec is how both stores keep a handoff's routing trace in
// its row.
package tracecodec

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/batonhq/baton"
)

// A handoff's routing trace is stored as JSON in two forms, told apart by
// their first element. Version 1, in rows written before, is the API's
// form: an array of objects with their keys ({"step", "subject",
// "result", "reason"}). Version 2, written now, is an array of arrays
// [step, subject, result, reason]: the same strings without the keys that
// every step repeated, about 35 bytes a step and a third of a typical
// trace. Both read back as the same steps, so the API answers the same.

// Encode returns the stored form (version 2) of a trace. Marshalling
// strings cannot fail (invalid UTF-8 is replaced, as in version 1).
func Encode(steps []baton.Step) string {
	rows := make([][4]string, len(steps))
	for i, s := range steps {
		rows[i] = [4]string{s.Step, s.Subject, s.Result, s.Reason}
	}
	b, _ := json.Marshal(rows)
	return string(b)
}

// Decode reads a stored trace of either version.
func Decode(stored string) ([]baton.Step, error) {
	b := bytes.TrimLeft([]byte(stored), " \t\r\n")
	if !bytes.HasPrefix(b, []byte("[")) || !bytes.HasPrefix(bytes.TrimLeft(b[1:], " \t\r\n"), []byte("[")) {
		var steps []baton.Step // version 1, or empty
		if err := json.Unmarshal(b, &steps); err != nil {
			return nil, fmt.Errorf("decode trace: %w", err)
		}
		return steps, nil
	}
	var rows [][4]string
	if err := json.Unmarshal(b, &rows); err != nil {
		return nil, fmt.Errorf("decode trace: %w", err)
	}
	steps := make([]baton.Step, len(rows))
	for i, r := range rows {
		steps[i] = baton.Step{Step: r[0], Subject: r[1], Result: r[2], Reason: r[3]}
	}
	return steps, nil
}
