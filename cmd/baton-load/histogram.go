package main

import (
	"math"
	"math/bits"
	"sync/atomic"
	"time"
)

// The histogram keeps HdrHistogram's layout with 7 bits of precision: values
// below 128ns get a bucket each, and every power-of-two range [2^e, 2^(e+1))
// above is split into 128 equal buckets. A bucket is therefore at most 1/128
// of its lower bound wide, and reporting its midpoint is within 1/256 (0.4%)
// of any value in it. 58 ranges cover every int64 nanosecond count in 59 KiB.
const (
	subBucketBits  = 7
	subBucketCount = 1 << subBucketBits
	bucketCount    = (64 - subBucketBits + 1) * subBucketCount
)

// histogram is a fixed-size, log-bucketed latency histogram. Record is safe
// for concurrent use (atomic counters, no lock); read it once recording has
// stopped. Its memory does not grow with the number of samples.
type histogram struct {
	counts [bucketCount]atomic.Uint64
	total  atomic.Uint64
	max    atomic.Int64
}

// Record adds one latency. Negative values count as zero.
func (h *histogram) Record(d time.Duration) {
	d = max(d, 0)
	h.counts[bucketIndex(uint64(d))].Add(1)
	h.total.Add(1)
	for {
		m := h.max.Load()
		if int64(d) <= m || h.max.CompareAndSwap(m, int64(d)) {
			return
		}
	}
}

// Count returns the number of recorded values.
func (h *histogram) Count() uint64 { return h.total.Load() }

// Max returns the largest recorded value, exactly.
func (h *histogram) Max() time.Duration { return time.Duration(h.max.Load()) }

// Quantile returns the nearest-rank q-quantile (0 < q ≤ 1): the value at
// rank ⌈q·n⌉ in sorted order, to within 0.4%, and never above Max. It returns
// 0 for an empty histogram.
func (h *histogram) Quantile(q float64) time.Duration {
	n := h.total.Load()
	if n == 0 {
		return 0
	}
	// The epsilon keeps 0.9·10 (9.000000000000002 in float64) at rank 9.
	rank := uint64(math.Ceil(q*float64(n) - 1e-9))
	rank = min(max(rank, 1), n)
	var seen uint64
	for i := range h.counts {
		seen += h.counts[i].Load()
		if seen >= rank {
			lo, width := bucketBounds(i)
			return min(time.Duration(lo+width/2), h.Max())
		}
	}
	return h.Max()
}

// bucketIndex returns the bucket holding v.
func bucketIndex(v uint64) int {
	if v < subBucketCount {
		return int(v)
	}
	shift := bits.Len64(v) - 1 - subBucketBits
	return (shift+1)*subBucketCount + int(v>>shift) - subBucketCount
}

// bucketBounds returns the smallest value of bucket i and how many values it
// holds.
func bucketBounds(i int) (lo, width uint64) {
	block := i / subBucketCount
	if block == 0 {
		return uint64(i), 1
	}
	shift := block - 1
	return uint64(i%subBucketCount+subBucketCount) << shift, 1 << shift
}
