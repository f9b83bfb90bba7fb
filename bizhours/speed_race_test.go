//go:build race

package bizhours

// raceEnabled reports whether the tests run under the race detector, which
// slows this package's single-goroutine arithmetic about tenfold and finds
// nothing in it; the property tests then try fewer random cases.
const raceEnabled = true
