package jsonstr_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/batonhq/baton/internal/jsonstr"
)

// FuzzAppend holds Append to encoding/json: what it writes is valid JSON
// that decodes to the string json.Marshal's output decodes to (the same
// string, invalid UTF-8 replaced).
func FuzzAppend(f *testing.F) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline\rcr", "\x00\x1f\x7f", "é ü 日本 🎉",
		"bad \xff utf-8", "<html> & co", "\u2028\u2029"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := jsonstr.Append([]byte("x"), s)
		if got[0] != 'x' {
			t.Fatalf("Append(%q) overwrote the buffer's start", s)
		}
		var back string
		if err := json.Unmarshal(got[1:], &back); err != nil {
			t.Fatalf("Append(%q) = %s: not a JSON string: %v", s, got[1:], err)
		}
		want, _ := json.Marshal(s)
		var wantBack string
		if err := json.Unmarshal(want, &wantBack); err != nil {
			t.Fatal(err)
		}
		if back != wantBack {
			t.Errorf("Append(%q) decodes to %q, json.Marshal's to %q", s, back, wantBack)
		}
		if strings.ContainsAny(string(got[2:len(got)-1]), "\n\r\t") {
			t.Errorf("Append(%q) = %s: a raw control character", s, got[1:])
		}
	})
}
