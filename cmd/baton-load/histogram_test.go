package main

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestHistogramQuantile(t *testing.T) {
	t.Parallel()

	// seq returns from, from+step, … up to and including to.
	seq := func(from, to, step time.Duration) []time.Duration {
		var out []time.Duration
		for d := from; d <= to; d += step {
			out = append(out, d)
		}
		return out
	}
	repeat := func(d time.Duration, n int) []time.Duration {
		out := make([]time.Duration, n)
		for i := range out {
			out[i] = d
		}
		return out
	}

	tests := []struct {
		name   string
		values []time.Duration
		q      float64
		want   time.Duration // exact nearest-rank value; the histogram may be 1% off
	}{
		{"EmptyIsZero", nil, 0.5, 0},
		{"SingleValueIsEveryQuantile", []time.Duration{3 * time.Millisecond}, 0.999, 3 * time.Millisecond},
		{"SmallValuesAreExact", seq(1, 100, 1), 0.5, 50},
		{"SmallValuesP90", seq(1, 100, 1), 0.9, 90},
		{"RankRoundsUp", seq(1, 10, 1), 0.9, 9},
		{"P999OfTwoValuesIsTheLarger", []time.Duration{time.Millisecond, 2 * time.Millisecond}, 0.999, 2 * time.Millisecond},
		{"OneIsMax", seq(time.Microsecond, time.Second, time.Millisecond), 1, 999*time.Millisecond + time.Microsecond},
		{"UniformMicrosecondsP50", seq(time.Microsecond, 1000*time.Microsecond, time.Microsecond), 0.5, 500 * time.Microsecond},
		{"UniformMicrosecondsP99", seq(time.Microsecond, 1000*time.Microsecond, time.Microsecond), 0.99, 990 * time.Microsecond},
		{"UniformMicrosecondsP999", seq(time.Microsecond, 1000*time.Microsecond, time.Microsecond), 0.999, 999 * time.Microsecond},
		{"TailAboveP99", append(repeat(2*time.Millisecond, 990), repeat(40*time.Millisecond, 10)...), 0.99, 2 * time.Millisecond},
		{"TailAtP999", append(repeat(2*time.Millisecond, 990), repeat(40*time.Millisecond, 10)...), 0.999, 40 * time.Millisecond},
		{"NegativeCountsAsZero", []time.Duration{-time.Second}, 0.5, 0},
		{"HoursFit", []time.Duration{3 * time.Hour}, 0.5, 3 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := new(histogram)
			for _, v := range tt.values {
				h.Record(v)
			}
			got := h.Quantile(tt.q)
			if !within(got, tt.want, 0.01) {
				t.Errorf("Quantile(%v) = %v, want %v ± 1%%", tt.q, got, tt.want)
			}
			if got > h.Max() {
				t.Errorf("Quantile(%v) = %v, above Max %v", tt.q, got, h.Max())
			}
		})
	}
}

func TestHistogramMatchesSortedSample(t *testing.T) {
	t.Parallel()

	// Log-normal latencies around 2ms with a long tail, as a server gives.
	rng := rand.New(rand.NewPCG(1, 2))
	values := make([]time.Duration, 100_000)
	h := new(histogram)
	for i := range values {
		values[i] = time.Duration(2e6 * math.Exp(rng.NormFloat64()))
		h.Record(values[i])
	}
	slices.Sort(values)

	if got, want := h.Count(), uint64(len(values)); got != want {
		t.Fatalf("Count() = %d, want %d", got, want)
	}
	if got, want := h.Max(), values[len(values)-1]; got != want {
		t.Errorf("Max() = %v, want exactly %v", got, want)
	}
	for _, q := range []float64{0.01, 0.5, 0.9, 0.99, 0.999, 0.9999} {
		rank := int(math.Ceil(q * float64(len(values))))
		want := values[rank-1]
		if got := h.Quantile(q); !within(got, want, 0.01) {
			t.Errorf("Quantile(%v) = %v, want %v ± 1%%", q, got, want)
		}
	}
}

func TestBucketsCoverEveryValueWithinBound(t *testing.T) {
	t.Parallel()

	values := []uint64{0, 1, 127, 128, 129, 255, 256, 257, 1000, 999_999, 1 << 20, 1<<20 - 1, 12_345_678_901, 1<<62 + 12345, math.MaxInt64}
	for _, v := range values {
		i := bucketIndex(v)
		if i < 0 || i >= bucketCount {
			t.Fatalf("bucketIndex(%d) = %d, outside [0, %d)", v, i, bucketCount)
		}
		lo, width := bucketBounds(i)
		if v < lo || v-lo >= width {
			t.Errorf("value %d in bucket %d = [%d, %d+%d), not inside", v, i, lo, lo, width)
		}
		if width > 1 && float64(width)/float64(lo) > 1.0/subBucketCount { // below 128ns every value is exact
			t.Errorf("bucket %d = [%d, %d+%d) is wider than 1/%d of its floor", i, lo, lo, width, subBucketCount)
		}
	}
}

// within reports whether got is within frac of want.
func within(got, want time.Duration, frac float64) bool {
	return math.Abs(float64(got-want)) <= frac*float64(want)
}
