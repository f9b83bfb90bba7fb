package web

import "testing"

func TestSafeCell(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"website", "website"},
		{"=1+1", "'=1+1"},
		{`=HYPERLINK("https://x.example","y")`, `'=HYPERLINK("https://x.example","y")`},
		{"+1 415 555 0100", "'+1 415 555 0100"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tcmd", "'\tcmd"},
		{"\rcmd", "'\rcmd"},
		{"-5", "-5"},
		{"+3.25", "+3.25"},
		{"-1e3", "-1e3"},
		{"-.5", "-.5"},
		{"-Inf", "'-Inf"},
		{"-", "'-"},
		{"0.5", "0.5"},
		{"a=b", "a=b"},
	} {
		if got := safeCell(tc.in); got != tc.want {
			t.Errorf("safeCell(%q): got %q, want %q", tc.in, got, tc.want)
		}
	}
}
