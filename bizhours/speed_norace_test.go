//go:build !race

package bizhours

// raceEnabled reports whether the tests run under the race detector (see
// speed_race_test.go).
const raceEnabled = false
