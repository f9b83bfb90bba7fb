// Package bizhours is a business-hours calendar for SLA deadlines: given a
// weekly schedule of working intervals in an IANA time zone and a list of
// holidays, it answers "when will d of working time have elapsed after t"
// ([Calendar.Add]), "how much working time lies between a and b"
// ([Calendar.Between]) and "when does work next happen" ([Calendar.NextWorking]).
//
// The package is pure: no clock and no I/O. A [Calendar]
// is immutable once built and safe for concurrent use.
//
// # Wall-clock semantics
//
// Intervals are wall-clock times of day. Each bound maps to the first instant
// at which the local clock reads that time or later. So on a spring-forward
// day an interval bound inside the skipped hour maps to the instant of the
// jump (01:00–03:00 in New York lasts one hour on 8 March 2026, 02:15–02:45
// lasts nothing), and on a fall-back day a bound inside the repeated hour maps
// to its first occurrence (01:00–03:00 lasts three hours on 1 November 2026,
// 00:30–01:30 lasts one). Every interval is therefore one contiguous span of
// instants, and spans never overlap.
//
// # Limits
//
//   - Interval bounds have minute resolution; instants and durations keep
//     full nanosecond precision.
//   - Results are returned in UTC, without a monotonic clock reading,
//     whatever the location of the input; convert for display.
//   - A calendar must have working time in its week ([New] rejects one that
//     has none) and holidays are a finite list, so every search ends at most
//     about a week past the later of its target and the last holiday; there
//     is no other cap on how far [Calendar.Add] looks ahead.
//   - Cost does not grow with d minute by minute: whole weeks are summed
//     arithmetically, and only holidays and days next to a zone transition
//     inside the span are visited one by one. In a zone with daylight saving
//     time that is a few days per year spanned.
//   - [Calendar.Between] saturates at the largest [time.Duration] (about 292
//     years of working time).
//   - The arithmetic assumes a zone transition moves the clock by less than
//     a day, as every real one does; Pacific/Apia's skipped 30 December 2011
//     comes out as a day without working time.
package bizhours
