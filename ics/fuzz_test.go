package ics

import (
	"bytes"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // zones must not depend on the machine's zoneinfo

	golangical "github.com/arran4/golang-ical"
)

// FuzzEncode feeds arbitrary text into every free-text field. Encode must
// accept it (text is cleaned, never rejected), keep lines within 75 octets,
// and golang-ical must read back exactly the cleaned text; clean input comes
// back unchanged.
func FuzzEncode(f *testing.F) {
	f.Add("Intro call", "Agenda:\n1. Intros, goals\n2. Demo; Q&A", "Ana Rep", "VP, Sales")
	f.Add("", "", "", "")
	f.Add("a\r\nb\rc", "back\\slash \\n \\, \\; end\\", `Bo "Bobby" Lee`, `C:\Sales;EMEA`)
	f.Add("\x00\x01\x1f\x7f", "\xff\xfe invalid", "\xc3", "\t\n")
	f.Add(strings.Repeat("長い件名 ", 40), strings.Repeat("é", 200), strings.Repeat("名", 60), strings.Repeat(",", 90))
	f.Add("^n ^' ^^", ":;,\"", "\"", "\\")

	start := time.Date(2026, 3, 30, 13, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, summary, description, name, title string) {
		inv := Invite{
			UID:         UID("fuzz", "baton.example"),
			Method:      MethodRequest,
			Summary:     summary,
			Description: description,
			Location:    summary,
			Start:       start,
			Duration:    time.Hour,
			TimeZone:    "Europe/London",
			Organizer:   Person{Name: name, Title: title, Email: "ana@baton.example"},
			Attendees:   []Person{{Name: name, Title: title, Email: "dana@acme.example"}},
			Stamp:       start,
		}
		out, err := Encode(inv)
		if err != nil {
			t.Fatalf("Encode: %v", err)
		}
		for _, line := range strings.Split(strings.TrimSuffix(string(out), "\r\n"), "\r\n") {
			if len(line) > maxLineOctets || strings.ContainsAny(line, "\r\n") {
				t.Fatalf("bad content line %q", line)
			}
		}
		cal, err := golangical.ParseCalendar(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("golang-ical: %v\n%s", err, out)
		}
		events := cal.Events()
		if len(events) != 1 {
			t.Fatalf("got %d events, want 1\n%s", len(events), out)
		}
		ev := events[0]
		text := func(p golangical.ComponentProperty) string {
			if prop := ev.GetProperty(p); prop != nil {
				return prop.Value
			}
			return ""
		}
		if got, want := text(golangical.ComponentPropertySummary), cleanText(summary); got != want {
			t.Errorf("SUMMARY: got %q, want %q", got, want)
		}
		if cleanText(summary) == summary && text(golangical.ComponentPropertySummary) != summary {
			t.Errorf("clean SUMMARY %q changed", summary)
		}
		if got, want := text(golangical.ComponentPropertyDescription), cleanText(description); got != want {
			t.Errorf("DESCRIPTION: got %q, want %q", got, want)
		}
		attendees := ev.Attendees()
		if len(attendees) != 1 || attendees[0].Email() != "dana@acme.example" {
			t.Fatalf("attendees: got %d, want dana@acme.example only", len(attendees))
		}
		var cn string
		if v := attendees[0].ICalParameters["CN"]; len(v) > 0 {
			cn = v[0]
		}
		if want := commonName(inv.Attendees[0]); cn != want {
			t.Errorf("CN: got %q, want %q", cn, want)
		}
		if got, err := ev.GetStartAt(); err != nil || !got.Equal(start) {
			t.Errorf("start: got %s (err %v), want %s", got, err, start)
		}
	})
}
