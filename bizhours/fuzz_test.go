package bizhours

import (
	"testing"
	"time"
)

// FuzzAddBetween checks the round trip Between(t, Add(t, d)) == d, and that
// nothing panics, for any start in 1990-2060, any d up to two years of
// working time (negative counts as zero) and any of the property zones or
// an always-open calendar.
func FuzzAddBetween(f *testing.F) {
	zs := propertyZones(f)
	cals := []*Calendar{AlwaysOpen()}
	for _, z := range zs {
		cals = append(cals, z.cal)
	}
	for _, seed := range []struct {
		sec     int64
		minutes int64
		zone    uint8
	}{
		{ts(f, "2026-03-08T01:30:00-05:00").Unix(), 90, 1},
		{ts(f, "2026-11-01T01:30:00-04:00").Unix(), 60, 1},
		{ts(f, "2026-10-25T00:45:00+01:00").Unix(), 600, 2},
		{ts(f, "2026-04-05T02:30:00+11:00").Unix(), 240, 3},
		{ts(f, "2025-12-31T16:30:00-05:00").Unix(), 30 * 450, 1},
		{0, -5, 0},
	} {
		f.Add(seed.sec, seed.minutes, seed.zone)
	}

	const (
		from = 631152000 // 1990-01-01
		span = 70 * 365 * 86400
		most = int64(2 * 365 * 24 * time.Hour / time.Minute)
	)
	f.Fuzz(func(t *testing.T, sec, minutes int64, zone uint8) {
		c := cals[int(zone)%len(cals)]
		// Scramble so that the small numbers mutators favour still spread
		// over the whole range.
		start := time.Unix(from+int64(uint64(sec)*0x9E3779B97F4A7C15%span), 0)
		d := time.Duration(minutes%most) * time.Minute

		u := c.Add(start, d)
		if u.Before(start) {
			t.Fatalf("Add(%v, %v): got %v, want no earlier than the start", start, d, u)
		}
		if got, want := c.Between(start, u), max(d, 0); got != want {
			t.Fatalf("Between(%v, Add(%v, %v) = %v): got %v, want %v", start, start, d, u, got, want)
		}
		if nw := c.NextWorking(u); !c.IsWorking(nw) {
			t.Fatalf("IsWorking(NextWorking(%v) = %v): got false, want true", u, nw)
		}
	})
}
