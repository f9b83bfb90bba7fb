package service

import (
	"testing"
	"time"
)

// TestOnUTCDays: the SLA review reads the rollups for windows of whole UTC
// days, including one that ends now as the API's caller saw it, a moment
// before the service's clock (the window the API gives when to is left
// out); any other end folds the events.
func TestOnUTCDays(t *testing.T) {
	now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name     string
		from, to time.Time
		want     bool
	}{
		{"MidnightToMidnight", day, day.Add(48 * time.Hour), true},
		{"MidnightToNow", day, now, true},
		{"MidnightToTheCallersNow", day, now.Add(-300 * time.Millisecond), true},
		{"MidnightToAnHourAgo", day, now.Add(-time.Hour), false},
		{"MidnightToAfternoon", day, day.Add(30 * time.Hour), false},
		{"MorningToNow", day.Add(9 * time.Hour), now, false},
	} {
		if got := onUTCDays(tt.from, tt.to, now); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}
