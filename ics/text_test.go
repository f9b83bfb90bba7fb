package ics

import (
	"strings"
	"testing"
)

func TestFold(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		in   string
		want string
	}{
		{"KeepsShortLines", "A:b\r\nC:d\r\n", "A:b\r\nC:d\r\n"},
		{"Keeps75Octets", strings.Repeat("x", 75) + "\r\n", strings.Repeat("x", 75) + "\r\n"},
		{"Folds76Octets", strings.Repeat("x", 76) + "\r\n", strings.Repeat("x", 75) + "\r\n x\r\n"},
		{
			"CountsTheLeadingSpace",
			strings.Repeat("x", 75+74+1) + "\r\n",
			strings.Repeat("x", 75) + "\r\n " + strings.Repeat("x", 74) + "\r\n x\r\n",
		},
		{
			// "é" is two octets and would straddle octet 75.
			"NeverSplitsUTF8",
			strings.Repeat("x", 74) + "é" + "\r\n",
			strings.Repeat("x", 74) + "\r\n é\r\n",
		},
		{"AddsMissingFinalCRLF", "A:b", "A:b\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := string(fold([]byte(tt.in))); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCleanText(t *testing.T) {
	t.Parallel()

	tests := []struct{ in, want string }{
		{"plain, text; here", "plain, text; here"},
		{"a\r\nb\rc\nd", "a\nb\nc\nd"},
		{"tab\tkept", "tab\tkept"},
		{"bell\a and nul\x00 and del\x7f", "bell and nul and del"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
	}
	for _, tt := range tests {
		if got := cleanText(tt.in); got != tt.want {
			t.Errorf("cleanText(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCommonName(t *testing.T) {
	t.Parallel()

	tests := []struct {
		p    Person
		want string
	}{
		{Person{Name: "Ana Rep"}, "Ana Rep"},
		{Person{Name: "Ana Rep", Title: "AE"}, "Ana Rep (AE)"},
		{Person{Title: "AE"}, ""},
		{Person{Name: " Bo \"Bobby\"\n Lee ", Title: "VP\\Sales"}, "Bo 'Bobby' Lee (VP/Sales)"},
		{Person{Name: "\x00\t"}, ""},
	}
	for _, tt := range tests {
		if got := commonName(tt.p); got != tt.want {
			t.Errorf("commonName(%+v): got %q, want %q", tt.p, got, tt.want)
		}
	}
}
