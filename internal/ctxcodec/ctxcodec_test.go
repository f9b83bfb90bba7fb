package ctxcodec

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// typical is the context of a hot lead as the disk benchmark writes
// thousands of them: Baton's facts only.
const typical = `{"_auto":{"account_status":"prospect","buyer":"Ivan Ruiz, VP Operations at Company 914",` +
	`"contact_info":"ivan4914@company914.com, +1 415 555 4914","intent_signal":"demo_request",` +
	`"owner_backup":"3P7qaTSNvGc1wEVEeF / 3P7qaTSNPvinaHsKtS","problem":"Our SDR team misses follow-ups across time zones.",` +
	`"sla_deadline":"2026-02-04T17:11:00Z","source":"paid_search / brand-search","stage":"hot_lead"}}`

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	var typ map[string]any
	if err := json.Unmarshal([]byte(typical), &typ); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		in   map[string]any
	}{
		{"Typical", typ},
		{"Empty", map[string]any{}},
		{"Keys", map[string]any{"": 1.0, "~": "a", "~x": "b", "12": "c", "0": "d", "007": true, "1a": nil, "budget": 3.5,
			"_auto": map[string]any{"stage": "mql", "~~": []any{"x", map[string]any{"5": "e", "risk": "f"}}}}},
		{"Values", map[string]any{"s": "\"quoted\" \\ \n\t\x01 <b>&amp; héllo ✓", "f": 1e21, "g": -0.000001, "h": 123456789.125,
			"stakeholders": []any{map[string]any{"name": "Dana", "role": "VP", "influence": "high"}}, "n": nil, "t": false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stored := Encode(tc.in)
			if !json.Valid([]byte(stored)) {
				t.Fatalf("stored form is not JSON: %s", stored)
			}
			got, err := Decode(stored)
			if err != nil {
				t.Fatalf("decode %s: %v", stored, err)
			}
			if diff := cmp.Diff(tc.in, got); diff != "" {
				t.Errorf("round trip of %s (-want +got):\n%s", stored, diff)
			}
			// JSON gives what json.Marshal gave for version 1.
			want, _ := json.Marshal(tc.in)
			if j := JSON(stored); j != string(want) {
				t.Errorf("JSON(%s) = %s, want %s", stored, j, want)
			}
		})
	}
	t.Run("OtherGoTypes", func(t *testing.T) {
		in := map[string]any{"list": []string{"a", "b"}, "n": 3, "m": map[string]int{"1": 1, "budget": 2}, "nan": math.NaN()}
		got, err := Decode(Encode(in))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]any{"list": []any{"a", "b"}, "n": 3.0, "m": map[string]any{"1": 1.0, "budget": 2.0}, "nan": nil}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("Nil", func(t *testing.T) {
		if got, err := Decode(Encode(nil)); err != nil || got == nil || len(got) != 0 {
			t.Errorf("nil context: got %v, %v, want an empty one", got, err)
		}
	})
}

func TestDecodeVersion1(t *testing.T) {
	t.Parallel()
	for _, stored := range []string{typical, `{}`, ` {"12": "a", "~x": 1, "budget": {"0": "b"}}`} {
		var want map[string]any
		if err := json.Unmarshal([]byte(stored), &want); err != nil {
			t.Fatal(err)
		}
		got, err := Decode(stored)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("version 1 %s (-want +got):\n%s", stored, diff)
		}
		if j := JSON(stored); j != stored {
			t.Errorf("JSON of version 1: got %s, want it unchanged", j)
		}
	}
	for _, s := range []string{`[2`, `[3,{}]`, `[2,[]]`, `[2,{"99999":1}]`, `[2,{},1]`, `"x"`} {
		if _, err := Decode(s); err == nil {
			t.Errorf("decode %s: got no error, want one", s)
		}
	}
}

func TestVersion2IsShorter(t *testing.T) {
	t.Parallel()
	var c map[string]any
	if err := json.Unmarshal([]byte(typical), &c); err != nil {
		t.Fatal(err)
	}
	if got := Encode(c); len(got) > len(typical)-70 {
		t.Errorf("got %d bytes (%s), want at least 70 fewer than version 1's %d", len(got), got, len(typical))
	}
}

// TestKeysArePinned: stored contexts hold the keys' numbers, so the table
// may only grow at its end. Appending a key: raise pinned to the new
// length and set want to the new sum.
func TestKeysArePinned(t *testing.T) {
	t.Parallel()
	const pinned, want = 39, "c44f6b9fe577e692"
	if len(keys) < pinned {
		t.Fatalf("%d keys, want at least %d: a stored key was removed", len(keys), pinned)
	}
	sum := sha256.Sum256([]byte(strings.Join(keys[:pinned], "\x00")))
	if got := hex.EncodeToString(sum[:8]); got != want {
		t.Errorf("the first %d keys sum to %s, want %s: a stored key changed or moved", pinned, got, want)
	}
}

func BenchmarkEncode(b *testing.B) {
	var c map[string]any
	if err := json.Unmarshal([]byte(typical), &c); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		Encode(c)
	}
}

func BenchmarkEncodeVersion1(b *testing.B) { // json.Marshal, as written before
	var c map[string]any
	if err := json.Unmarshal([]byte(typical), &c); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	var c map[string]any
	if err := json.Unmarshal([]byte(typical), &c); err != nil {
		b.Fatal(err)
	}
	stored := Encode(c)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(stored); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeVersion1(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(typical); err != nil {
			b.Fatal(err)
		}
	}
}
