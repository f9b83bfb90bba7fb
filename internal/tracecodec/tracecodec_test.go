package tracecodec

import (
	"testing"

	"github.com/batonhq/baton"
	"github.com/google/go-cmp/cmp"
)

// oldTrace is a trace as rows written before version 2 hold it: the API's
// objects, subject omitted when empty.
const oldTrace = `[{"step":"account_match","subject":"Acme","result":"matched","reason":"domain acme.com"},` +
	`{"step":"handoff_type","result":"skipped","reason":"no \"handoff\" type <b>"},` +
	`{"step":"pick","subject":"ana@acme.example","result":"picked","reason":"least recently assigned"}]`

var oldTraceSteps = []baton.Step{
	{Step: "account_match", Subject: "Acme", Result: "matched", Reason: "domain acme.com"},
	{Step: "handoff_type", Result: "skipped", Reason: `no "handoff" type <b>`},
	{Step: "pick", Subject: "ana@acme.example", Result: "picked", Reason: "least recently assigned"},
}

func TestDecode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, stored string
		want         []baton.Step
	}{
		{"Version1", oldTrace, oldTraceSteps},
		{"Version2", Encode(oldTraceSteps), oldTraceSteps},
		{"Version2Spaced", ` [ ["pick", "", "picked", "only one"] ]`, []baton.Step{{Step: "pick", Result: "picked", Reason: "only one"}}},
		{"Empty", `[]`, []baton.Step{}},
		{"EmptyEncoded", Encode(nil), []baton.Step{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Decode(tc.stored)
			if err != nil {
				t.Fatalf("decode %s: %v", tc.stored, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("decode %s (-want +got):\n%s", tc.stored, diff)
			}
			if got == nil {
				t.Error("got a nil trace, want an empty one (the API answers [] for it)")
			}
		})
	}
	t.Run("Version2IsShorter", func(t *testing.T) {
		if got := Encode(oldTraceSteps); len(got) >= len(oldTrace)-80 {
			t.Errorf("got %d bytes (%s), want at least 80 fewer than version 1's %d", len(got), got, len(oldTrace))
		}
	})
	t.Run("RejectsGarbage", func(t *testing.T) {
		for _, s := range []string{`[{`, `[[1, 2]]`, `{"step":"x"}`} {
			if _, err := Decode(s); err == nil {
				t.Errorf("decode %s: got no error, want one", s)
			}
		}
	})
}
