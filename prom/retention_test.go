package prom_test

import (
	"testing"
	"time"

	"github.com/batonhq/baton/prom"
)

func TestRetentionRoundIsCounted(t *testing.T) {
	t.Parallel()
	m := prom.New()
	reg := m.Registry()
	if got := sample(t, reg, "baton_retention_removed_total", "what", "timers"); got != 0 {
		t.Errorf("timers removed before any round: got %v, want 0 (present from the start)", got)
	}
	m.RetentionRound(7, 3, 2, 1500*time.Millisecond)
	m.RetentionRound(1, 0, 0, 250*time.Millisecond)
	for _, c := range []struct {
		name  string
		label []string
		want  float64
	}{
		{"baton_retention_removed_total", []string{"what", "timers"}, 8},
		{"baton_retention_removed_total", []string{"what", "messages"}, 3},
		{"baton_retention_removed_total", []string{"what", "signal_bodies"}, 2},
		{"baton_retention_rounds_total", nil, 2},
		{"baton_retention_last_round_seconds", nil, 0.25},
	} {
		if got := sample(t, reg, c.name, c.label...); got != c.want {
			t.Errorf("%s %v: got %v, want %v", c.name, c.label, got, c.want)
		}
	}
}
