package connector_test

import (
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/connector"
)

func TestDomain(t *testing.T) {
	for in, want := range map[string]string{
		"https://www.acme.example/about": "acme.example",
		"acme.example":                   "acme.example",
		"http://user@acme.example:8080":  "acme.example",
		"localhost":                      "",
		"":                               "",
	} {
		if got := connector.Domain(in); got != want {
			t.Errorf("Domain(%q): got %q, want %q", in, got, want)
		}
	}
}

func TestFresh(t *testing.T) {
	now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		at   time.Time
		ok   bool
	}{
		{"Now", now, true},
		{"JustWithin", now.Add(-5 * time.Minute), true},
		{"Stale", now.Add(-5*time.Minute - time.Millisecond), false},
		{"FarAhead", now.Add(6 * time.Minute), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := connector.Fresh(c.at, now, 5*time.Minute)
			if (err == nil) != c.ok || (err != nil && baton.ErrorCode(err) != baton.EUNAUTHORIZED) {
				t.Errorf("got %v, want ok %v (else unauthorized)", err, c.ok)
			}
		})
	}
}

func TestDecodeJSONNamesTheField(t *testing.T) {
	var v struct {
		A struct {
			B int `json:"b"`
		} `json:"a"`
	}
	err := connector.DecodeJSON([]byte(`{"a":{"b":"x"}}`), &v)
	e, ok := err.(*baton.Error)
	if !ok || len(e.Fields) != 1 || e.Fields[0].Field != "a.b" {
		t.Errorf("got %v, want an error naming a.b", err)
	}
}

func TestClipKeepsRunes(t *testing.T) {
	if got := connector.Clip("ééé", 3); got != "é" {
		t.Errorf("got %q, want %q", got, "é")
	}
}
