package routing

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/batonhq/baton/bizhours"
)

// TestCalendarCacheAgreesWithCalendar checks the answers a calendar keeps
// between decisions against the calendar itself, at instants taken in a
// random order (decisions need not come in time order) around interval
// starts and ends, across a daylight-saving change and a split day.
func TestCalendarCacheAgreesWithCalendar(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, spec, zone string
	}{
		{"OfficeHours", "mon-fri 09:00-17:00", "Europe/London"},
		{"SplitDay", "mon-fri 09:00-12:00,12:05-12:20,13:00-17:30; sat 23:50-24:00; sun 00:00-00:10", "America/New_York"},
		{"Weekends", "sat-sun 10:00-14:00", "Asia/Tokyo"},
		{"AlwaysOpen", "24x7", "UTC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			parsed, err := bizhours.ParseCalendar(tt.spec, tt.zone, nil)
			if err != nil {
				t.Fatal(err)
			}
			cal := &calendar{cal: parsed}
			rng := rand.New(rand.NewPCG(1, 2))
			// Two weeks over the end of European summer time, in steps of
			// odd lengths so instants fall on and beside boundaries.
			start := time.Date(2026, 10, 19, 0, 0, 0, 0, time.UTC)
			var instants []time.Time
			for t := start; t.Before(start.Add(14 * 24 * time.Hour)); t = t.Add(time.Duration(1+rng.IntN(7)) * time.Minute) {
				instants = append(instants, t, t.Add(-time.Nanosecond))
			}
			for _, order := range []string{"forward", "shuffled"} {
				if order == "shuffled" {
					rng.Shuffle(len(instants), func(i, j int) { instants[i], instants[j] = instants[j], instants[i] })
				}
				for _, at := range instants {
					if got, want := cal.isWorking(at), parsed.IsWorking(at); got != want {
						t.Fatalf("%s: isWorking(%v) = %v, want %v", order, at, got, want)
					}
				}
			}
		})
	}
}
