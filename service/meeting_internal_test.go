package service

import "testing"

func TestPlainRendersTableRows(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   any
		want string
	}{
		{"Stakeholders", []any{
			map[string]any{"name": "Dana Ortiz", "role": "VP Operations", "stance": "champion", "influence": "high"},
			map[string]any{"name": "Lee Park", "role": "CFO", "stance": "", "communication": nil},
		}, "Dana Ortiz (influence: high, role: VP Operations, stance: champion); Lee Park (role: CFO)"},
		{"Commitment", []any{map[string]any{"what": "SSO by March", "promised_by": "Sam", "kind": "verbal"}},
			"SSO by March (kind: verbal, promised by: Sam)"},
		{"RowWithoutALeadingCell", []any{map[string]any{"likelihood": "high", "impact": "low"}}, "impact: low, likelihood: high"},
		{"List", []any{"Acme", "Globex"}, "Acme; Globex"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := plain(tc.in); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
