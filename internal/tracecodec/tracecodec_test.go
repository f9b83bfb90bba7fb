package tracecodec

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"strings"
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
		{"Version2", `[["account_match","Acme","matched","domain acme.com"],["handoff_type","","skipped","no \"handoff\" type <b>"],` +
			`["pick","ana@acme.example","picked","least recently assigned"]]`, oldTraceSteps},
		{"Version3", Encode(oldTraceSteps), oldTraceSteps},
		{"Version3Written", `[3,[8,"Acme",4,"domain acme.com"],[9,0,1,"no \"handoff\" type <b>"],["pick","ana@acme.example",2,"least recently assigned"]]`, oldTraceSteps},
		{"Version2Spaced", ` [ ["pick", "", "picked", "only one"] ]`, []baton.Step{{Step: "pick", Result: "picked", Reason: "only one"}}},
		{"Empty", `[]`, []baton.Step{}},
		{"EmptyEncoded", Encode(nil), []baton.Step{}},
		{"Version3Spaced", ` [ 3 , [ 6 , [ 18 , "sdr" ] , 2 , [ 19 , "sdr" ] ] ]`, []baton.Step{{Step: "pool", Subject: "team sdr", Result: "picked", Reason: "round-robin in team sdr"}}},
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
	t.Run("Version3IsShorter", func(t *testing.T) {
		if got := Encode(typicalTrace); len(got) > 220 {
			t.Errorf("got %d bytes (%s), want at most 220 (version 2 took %d)", len(got), got, len(typicalTraceV2))
		}
	})
	t.Run("RejectsGarbage", func(t *testing.T) {
		for _, s := range []string{`[{`, `[[1, 2]]`, `{"step":"x"}`, `[3,[1,2,3]]`, `[3,[1,2,3,999]]`, `[3,[1,2,3,1.5]]`,
			`[3,[1,2,3,[[1]]]]`, `[3,[1,2,3,true]]`, `[4,[1,2,3,4]]`, `[3`} {
			if _, err := Decode(s); err == nil {
				t.Errorf("decode %s: got no error, want one", s)
			}
		}
	})
}

// typicalTrace is the default playbook's trace for a hot lead from a new
// account, as the disk benchmark writes thousands of them.
var typicalTrace = []baton.Step{
	{Step: "account_match", Subject: "Company 365", Result: "matched", Reason: "account_domain: account domain company365.com (confidence 1.00)"},
	{Step: "handoff_type", Subject: "hot_lead", Result: "matched", Reason: "triggered by pricing_inquiry"},
	{Step: "existing_customer", Result: "skipped", Reason: "account is not a customer"},
	{Step: "open_opportunity", Result: "skipped", Reason: "no open opportunity"},
	{Step: "named_account", Result: "skipped", Reason: "account has no named owner"},
	{Step: "rules", Result: "skipped", Reason: "no rules apply to hot_lead"},
	{Step: "pool", Subject: "team sdr", Result: "info", Reason: "nobody is in working hours (6 eligible); picking regardless"},
	{Step: "pool", Subject: "sdr5@bench.example", Result: "picked", Reason: "round-robin in team sdr"},
	{Step: "backup", Subject: "sdr6@bench.example", Result: "backup", Reason: "next in team sdr"},
}

const typicalTraceV2 = `[["account_match","Company 365","matched","account_domain: account domain company365.com (confidence 1.00)"],` +
	`["handoff_type","hot_lead","matched","triggered by pricing_inquiry"],["existing_customer","","skipped","account is not a customer"],` +
	`["open_opportunity","","skipped","no open opportunity"],["named_account","","skipped","account has no named owner"],` +
	`["rules","","skipped","no rules apply to hot_lead"],["pool","team sdr","info","nobody is in working hours (6 eligible); picking regardless"],` +
	`["pool","sdr5@bench.example","picked","round-robin in team sdr"],["backup","sdr6@bench.example","backup","next in team sdr"]]`

// TestVersion3RoundTrips: any steps read back as written, whatever phrases
// their strings hold, begin or end with, or are.
func TestVersion3RoundTrips(t *testing.T) {
	t.Parallel()
	texts := []string{"", "x", "skipped", "skipped ", " skipped", "team ", "team team ", "round-robin in team ",
		"round-robin in team team ", "no rules apply to no rules apply to ", "and 3 more rules whose condition is false",
		"and  more rules whose condition is false", "\"quoted\" \\ back\nslash\t\x01\x1f <b>&amp;", "héllo wörld ✓",
		"triggered by ", "triggered by triggered by ", " (confidence 1.00)", "x (confidence 1.00)", "3", "[1]", "0"}
	for _, p := range phrases {
		texts = append(texts, p, p+"z", "z"+p, p+p)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 300 { // random glue of phrases and bytes
		var sb strings.Builder
		for range rng.IntN(4) {
			if rng.IntN(2) == 0 {
				sb.WriteString(phrases[rng.IntN(len(phrases))])
			} else {
				sb.WriteByte(byte(32 + rng.IntN(95)))
			}
		}
		texts = append(texts, sb.String())
	}
	var steps []baton.Step
	for i, s := range texts {
		steps = append(steps, baton.Step{Step: s, Subject: texts[(i+1)%len(texts)], Result: texts[(i+7)%len(texts)], Reason: texts[(i+13)%len(texts)]})
	}
	steps = append(steps, typicalTrace...)
	stored := Encode(steps)
	if !json.Valid([]byte(stored)) {
		t.Fatalf("stored form is not JSON: %s", stored)
	}
	got, err := Decode(stored)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(steps, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	// Invalid UTF-8 is replaced, as json.Marshal does.
	got, err = Decode(Encode([]baton.Step{{Step: "a\xffb", Reason: "skipped\xff"}}))
	if err != nil {
		t.Fatal(err)
	}
	if want := []baton.Step{{Step: "a\ufffdb", Reason: "skipped\ufffd"}}; !cmp.Equal(want, got) {
		t.Errorf("invalid UTF-8: got %q, want %q", got, want)
	}
}

// TestPhrasesArePinned: stored traces hold the phrases' numbers, so the
// table may only grow at its end. Appending a phrase: raise pinned to the
// new length and set want to the new sum.
func TestPhrasesArePinned(t *testing.T) {
	t.Parallel()
	const pinned, want = 82, "67f976d3bc9d848f"
	if len(phrases) < pinned {
		t.Fatalf("%d phrases, want at least %d: a stored phrase was removed", len(phrases), pinned)
	}
	sum := sha256.Sum256([]byte(strings.Join(phrases[:pinned], "\x00")))
	if got := hex.EncodeToString(sum[:8]); got != want {
		t.Errorf("the first %d phrases sum to %s, want %s: a stored phrase changed or moved", pinned, got, want)
	}
}

func BenchmarkEncode(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Encode(typicalTrace)
	}
}

func BenchmarkEncodeVersion2(b *testing.B) { // the form written before, for comparison
	b.ReportAllocs()
	for b.Loop() {
		rows := make([][4]string, len(typicalTrace))
		for i, s := range typicalTrace {
			rows[i] = [4]string{s.Step, s.Subject, s.Result, s.Reason}
		}
		_, _ = json.Marshal(rows)
	}
}

func BenchmarkDecode(b *testing.B) {
	stored := Encode(typicalTrace)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(stored); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeVersion2(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(typicalTraceV2); err != nil {
			b.Fatal(err)
		}
	}
}
