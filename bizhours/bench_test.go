package bizhours

import (
	"testing"
	"time"
)

func BenchmarkAdd(b *testing.B) {
	fx := newFixture(b)
	c := office(b, fx.ny)
	start := ts(b, "2026-02-26T15:17:00-05:00") // Thursday, 30 days cross DST
	for _, bm := range []struct {
		name string
		d    time.Duration
	}{
		{"4BusinessHours", 4 * time.Hour},
		{"30BusinessDays", 30 * (7*time.Hour + 30*time.Minute)},
		{"OneBusinessYear", 250 * (7*time.Hour + 30*time.Minute)},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = c.Add(start, bm.d)
			}
		})
	}
}

func BenchmarkBetween(b *testing.B) {
	fx := newFixture(b)
	c := office(b, fx.ny)
	start := ts(b, "2026-02-26T15:17:00-05:00")
	end := c.Add(start, 30*(7*time.Hour+30*time.Minute))
	b.ReportAllocs()
	for b.Loop() {
		_ = c.Between(start, end)
	}
}
