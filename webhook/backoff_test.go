package webhook

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	t.Parallel()
	top := func() float64 { return 1 }
	half := func() float64 { return 0.5 }
	tests := []struct {
		attempt int
		ceiling time.Duration
	}{
		{math.MinInt, 10 * time.Second},
		{0, 10 * time.Second},
		{1, 10 * time.Second},
		{2, 20 * time.Second},
		{3, 40 * time.Second},
		{4, 80 * time.Second},
		{5, 160 * time.Second},
		{6, 320 * time.Second},
		{7, 640 * time.Second},
		{8, 1280 * time.Second},
		{9, 2560 * time.Second},
		{10, 5120 * time.Second},
		{11, 10240 * time.Second},
		{12, 20480 * time.Second},
		{13, 6 * time.Hour},
		{14, 6 * time.Hour},
		{63, 6 * time.Hour},
		{64, 6 * time.Hour},
		{math.MaxInt, 6 * time.Hour},
	}
	for _, tt := range tests {
		if got := Backoff(tt.attempt, top); got != tt.ceiling {
			t.Errorf("Backoff(%d, 1): got %s, want %s", tt.attempt, got, tt.ceiling)
		}
		if got := Backoff(tt.attempt, half); got != tt.ceiling/2 {
			t.Errorf("Backoff(%d, 0.5): got %s, want %s", tt.attempt, got, tt.ceiling/2)
		}
		if got := Backoff(tt.attempt, func() float64 { return 0 }); got != 0 {
			t.Errorf("Backoff(%d, 0): got %s, want 0", tt.attempt, got)
		}
	}
}

func TestBackoffIsMonotoneUpToCap(t *testing.T) {
	t.Parallel()
	for _, r := range []float64{0.01, 0.5, math.Nextafter(1, 0)} {
		rnd := func() float64 { return r }
		prev := time.Duration(0)
		for attempt := 1; attempt <= 40; attempt++ {
			got := Backoff(attempt, rnd)
			switch {
			case got < prev:
				t.Errorf("r=%v: Backoff(%d) = %s, less than Backoff(%d) = %s", r, attempt, got, attempt-1, prev)
			case got == prev && backoffCeiling(attempt) != BackoffCap:
				t.Errorf("r=%v: Backoff(%d) = %s did not grow below the cap", r, attempt, got)
			}
			prev = got
		}
	}
}

func TestBackoffStaysWithinJitterBounds(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for attempt := 1; attempt <= 20; attempt++ {
		ceiling := backoffCeiling(attempt)
		var sum time.Duration
		const draws = 2000
		for range draws {
			got := Backoff(attempt, rng.Float64)
			if got < 0 || got > ceiling {
				t.Fatalf("Backoff(%d) = %s, outside [0, %s]", attempt, got, ceiling)
			}
			sum += got
		}
		// Full jitter is uniform: the mean is near half the ceiling.
		if mean := sum / draws; mean < ceiling*4/10 || mean > ceiling*6/10 {
			t.Errorf("Backoff(%d): mean %s over %d draws, want near %s", attempt, mean, draws, ceiling/2)
		}
	}
}

func TestBackoffClampsBadRandom(t *testing.T) {
	t.Parallel()
	for _, r := range []float64{-1, math.NaN(), math.Inf(-1)} {
		if got := Backoff(3, func() float64 { return r }); got != 0 {
			t.Errorf("r=%v: got %s, want 0", r, got)
		}
	}
	for _, r := range []float64{2, math.Inf(1)} {
		if got := Backoff(3, func() float64 { return r }); got != 40*time.Second {
			t.Errorf("r=%v: got %s, want 40s", r, got)
		}
	}
	if got := Backoff(3, nil); got < 0 || got > 40*time.Second {
		t.Errorf("nil rnd: got %s, want within [0, 40s]", got)
	}
}

// TestBackoffScheduleMatchesDocs keeps the figures in Backoff's comment true.
func TestBackoffScheduleMatchesDocs(t *testing.T) {
	t.Parallel()
	var total time.Duration
	for attempt := 1; attempt < SuggestedMaxAttempts; attempt++ {
		total += backoffCeiling(attempt)
		if attempt == 12 && total != 11*time.Hour+22*time.Minute+30*time.Second {
			t.Errorf("ceilings of attempts 1-12: got %s, want 11h22m30s", total)
		}
	}
	if want := 47*time.Hour + 22*time.Minute + 30*time.Second; total != want {
		t.Errorf("longest span of %d attempts: got %s, want %s", SuggestedMaxAttempts, total, want)
	}
	if mean := total / 2; mean < 23*time.Hour || mean > 24*time.Hour {
		t.Errorf("mean span of %d attempts: got %s, want about a day", SuggestedMaxAttempts, mean)
	}
}
