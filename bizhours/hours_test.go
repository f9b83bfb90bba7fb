package bizhours

import (
	"testing"
	"time"
)

func TestAdd(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	nyOffice := office(t, fx.ny)
	var fourDays [7][]Interval // no working time on Wednesdays
	for _, wd := range []time.Weekday{time.Monday, time.Tuesday, time.Thursday, time.Friday} {
		fourDays[wd] = []Interval{{9 * h, 17 * h}}
	}
	noWednesday := mustNew(t, fx.ny, fourDays)

	tests := []struct {
		name  string
		cal   *Calendar
		start string
		d     time.Duration
		want  string
	}{
		{"WithinMorning", nyOffice, "2026-01-12T10:00:00-05:00", h, "2026-01-12T11:00:00-05:00"},
		{"AcrossLunch", nyOffice, "2026-01-12T12:00:00-05:00", h, "2026-01-12T14:00:00-05:00"},
		{"StartsInLunch", nyOffice, "2026-01-12T12:45:00-05:00", 30 * m, "2026-01-12T14:00:00-05:00"},
		{"EndsAtLunchNotAfterIt", nyOffice, "2026-01-12T09:00:00-05:00", 3*h + 30*m, "2026-01-12T12:30:00-05:00"},
		{"EndsAtClosingNotNextMorning", nyOffice, "2026-01-12T09:00:00-05:00", 7*h + 30*m, "2026-01-12T17:30:00-05:00"},
		{"AcrossNight", nyOffice, "2026-01-12T17:00:00-05:00", h, "2026-01-13T09:30:00-05:00"},
		{"StartsBeforeOpening", nyOffice, "2026-01-12T06:00:00-05:00", h, "2026-01-12T10:00:00-05:00"},
		{"AcrossWeekend", nyOffice, "2026-01-09T17:00:00-05:00", h, "2026-01-12T09:30:00-05:00"},
		{"StartsOnWeekend", nyOffice, "2026-01-10T11:00:00-05:00", h, "2026-01-12T10:00:00-05:00"},
		{"SkipsHolidayAfterWeekend", nyOffice, "2026-01-16T17:00:00-05:00", h, "2026-01-20T09:30:00-05:00"},
		{"SkipsChristmas", nyOffice, "2025-12-24T17:00:00-05:00", h, "2025-12-26T09:30:00-05:00"},
		{"YearEnd", nyOffice, "2025-12-31T16:30:00-05:00", 2 * h, "2026-01-02T10:00:00-05:00"},
		{"InputZoneIgnored", nyOffice, "2026-01-12T15:00:00Z", h, "2026-01-12T11:00:00-05:00"},
		{"ZeroInWorkingTimeIsStart", nyOffice, "2026-01-12T10:00:00-05:00", 0, "2026-01-12T10:00:00-05:00"},
		{"ZeroAtEndOfIntervalIsNextStart", nyOffice, "2026-01-12T12:30:00-05:00", 0, "2026-01-12T13:30:00-05:00"},
		{"NegativeCountsAsZero", nyOffice, "2026-01-10T11:00:00-05:00", -h, "2026-01-12T09:00:00-05:00"},
		{"ThirtyBusinessDaysAcrossSpringForward", nyOffice, "2026-02-02T09:00:00-05:00", 30 * (7*h + 30*m), "2026-03-13T17:30:00-04:00"},
		{"WorkingYear", nyOffice, "2026-01-05T09:00:00-05:00", 257 * (7*h + 30*m), "2026-12-31T17:30:00-05:00"},
		{"WorkingYearAndAnHour", nyOffice, "2026-01-05T09:00:00-05:00", 257*(7*h+30*m) + h, "2027-01-04T10:00:00-05:00"},
		// Past 2037 the zone table gives way to its TZ rule, and Go's lookup
		// misreports bounds on 31 December of leap years (golang/go#81583).
		{"PastZoneTableAcrossLeapYearEnd", nyOffice, "2040-12-10T09:00:00-05:00", 20 * (7*h + 30*m), "2041-01-04T17:30:00-05:00"},
		{"PastZoneTableIntoLeapYearEnd", nyOffice, "2040-12-28T17:00:00-05:00", h, "2040-12-31T09:30:00-05:00"},
		{"PastZoneTableSpringForward", smallHours(t, fx.ny), "2040-03-11T01:30:00-05:00", h, "2040-03-11T03:30:00-04:00"},
		{"SkipsEmptyWeekday", noWednesday, "2026-01-13T16:00:00-05:00", 2 * h, "2026-01-15T10:00:00-05:00"},
		{"ZeroOnEmptyWeekday", noWednesday, "2026-01-14T12:00:00-05:00", 0, "2026-01-15T09:00:00-05:00"},

		// Office hours across each zone's 2026 transitions.
		{"NewYorkSpringForwardWeekend", nyOffice, "2026-03-06T17:00:00-05:00", h, "2026-03-09T09:30:00-04:00"},
		{"NewYorkFallBackWeekend", nyOffice, "2026-10-30T17:00:00-04:00", h, "2026-11-02T09:30:00-05:00"},
		{"LondonSpringForwardWeekend", office(t, fx.london), "2026-03-27T17:00:00Z", h, "2026-03-30T09:30:00+01:00"},
		{"LondonFallBackWeekend", office(t, fx.london), "2026-10-23T17:00:00+01:00", h, "2026-10-26T09:30:00Z"},
		{"SydneyFallBackWeekend", office(t, fx.sydney), "2026-04-03T17:00:00+11:00", h, "2026-04-06T09:30:00+10:00"},
		{"SydneySpringForwardWeekend", office(t, fx.sydney), "2026-10-02T17:00:00+10:00", h, "2026-10-05T09:30:00+11:00"},

		// 00:00-04:00 daily: the transition happens inside working time.
		{"NewYorkSpringForwardLosesAnHour", smallHours(t, fx.ny), "2026-03-08T00:00:00-05:00", 3*h + 30*m, "2026-03-09T00:30:00-04:00"},
		{"NewYorkAcrossSkippedHour", smallHours(t, fx.ny), "2026-03-08T01:30:00-05:00", h, "2026-03-08T03:30:00-04:00"},
		{"NewYorkFallBackGainsAnHour", smallHours(t, fx.ny), "2026-11-01T00:00:00-04:00", 4*h + 30*m, "2026-11-01T03:30:00-05:00"},
		{"NewYorkIntoRepeatedHour", smallHours(t, fx.ny), "2026-11-01T01:30:00-04:00", h, "2026-11-01T01:30:00-05:00"},
		{"LondonAcrossSkippedHour", smallHours(t, fx.london), "2026-03-29T00:30:00Z", h, "2026-03-29T02:30:00+01:00"},
		{"LondonIntoRepeatedHour", smallHours(t, fx.london), "2026-10-25T01:30:00+01:00", h, "2026-10-25T01:30:00Z"},
		{"SydneyIntoRepeatedHour", smallHours(t, fx.sydney), "2026-04-05T02:30:00+11:00", h, "2026-04-05T02:30:00+10:00"},
		{"SydneyAcrossSkippedHour", smallHours(t, fx.sydney), "2026-10-04T01:30:00+10:00", h, "2026-10-04T03:30:00+11:00"},

		// Intervals with a bound inside the skipped hour.
		{"NewYorkIntervalEndingInSkippedHour", sundays(t, fx.ny, Interval{90 * m, 150 * m}), "2026-03-08T00:00:00-05:00", 30 * m, "2026-03-08T03:00:00-04:00"},
		{"NewYorkIntervalEndingInSkippedHourIsShort", sundays(t, fx.ny, Interval{90 * m, 150 * m}), "2026-03-08T00:00:00-05:00", 31 * m, "2026-03-15T01:31:00-04:00"},
		{"NewYorkIntervalInsideSkippedHourIsEmpty", sundays(t, fx.ny, Interval{135 * m, 165 * m}), "2026-03-08T00:00:00-05:00", m, "2026-03-15T02:16:00-04:00"},
		{"NewYorkIntervalStartingInSkippedHour", sundays(t, fx.ny, Interval{150 * m, 210 * m}), "2026-03-08T00:00:00-05:00", 30 * m, "2026-03-08T03:30:00-04:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			start, want := ts(t, tt.start), ts(t, tt.want)
			got := tt.cal.Add(start, tt.d)
			if !got.Equal(want) {
				t.Errorf("Add(%v, %v): got %v, want %v", start, tt.d, got, want)
			}
			if got.Location() != time.UTC {
				t.Errorf("Add(%v, %v): got location %v, want UTC", start, tt.d, got.Location())
			}
			if b := tt.cal.Between(start, got); tt.d >= 0 && b != tt.d {
				t.Errorf("Between(%v, %v): got %v, want %v", start, got, b, tt.d)
			}
		})
	}
}

func TestBetween(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	nyOffice := office(t, fx.ny)

	tests := []struct {
		name string
		cal  *Calendar
		a, b string
		want time.Duration
	}{
		{"SameDayAcrossLunch", nyOffice, "2026-01-12T10:00:00-05:00", "2026-01-12T15:00:00-05:00", 4 * h},
		{"Weekend", nyOffice, "2026-01-09T17:00:00-05:00", "2026-01-12T09:30:00-05:00", h},
		{"Reversed", nyOffice, "2026-01-12T15:00:00-05:00", "2026-01-12T10:00:00-05:00", 0},
		{"Empty", nyOffice, "2026-01-12T10:00:00-05:00", "2026-01-12T10:00:00-05:00", 0},
		{"Week", nyOffice, "2026-01-05T00:00:00-05:00", "2026-01-12T00:00:00-05:00", 37*h + 30*m},
		{"WeekWithHoliday", nyOffice, "2026-01-19T00:00:00-05:00", "2026-01-26T00:00:00-05:00", 30 * h},
		{"YearEnd", nyOffice, "2025-12-31T16:30:00-05:00", "2026-01-02T10:00:00-05:00", 2 * h},
		{"WorkingYear", nyOffice, "2026-01-05T09:00:00-05:00", "2026-12-31T17:30:00-05:00", 257 * (7*h + 30*m)},
		{"PastZoneTableAcrossLeapYearEnd", nyOffice, "2040-12-10T09:00:00-05:00", "2041-01-04T17:30:00-05:00", 20 * (7*h + 30*m)},
		{"PastZoneTableSpringForwardDay", smallHours(t, fx.ny), "2040-03-11T00:00:00-05:00", "2040-03-12T00:00:00-04:00", 3 * h},
		{"SpringForwardWeekend", nyOffice, "2026-03-06T17:00:00-05:00", "2026-03-09T09:30:00-04:00", h},
		{"NewYorkSpringForwardDay", smallHours(t, fx.ny), "2026-03-08T00:00:00-05:00", "2026-03-09T00:00:00-04:00", 3 * h},
		{"NewYorkFallBackDay", smallHours(t, fx.ny), "2026-11-01T00:00:00-04:00", "2026-11-02T00:00:00-05:00", 5 * h},
		{"LondonSpringForwardDay", smallHours(t, fx.london), "2026-03-29T00:00:00Z", "2026-03-30T00:00:00+01:00", 3 * h},
		{"LondonFallBackDay", smallHours(t, fx.london), "2026-10-25T00:00:00+01:00", "2026-10-26T00:00:00Z", 5 * h},
		{"SydneyFallBackDay", smallHours(t, fx.sydney), "2026-04-05T00:00:00+11:00", "2026-04-06T00:00:00+10:00", 5 * h},
		{"SydneySpringForwardDay", smallHours(t, fx.sydney), "2026-10-04T00:00:00+10:00", "2026-10-05T00:00:00+11:00", 3 * h},
		{"NewYorkIntervalInsideSkippedHour", sundays(t, fx.ny, Interval{135 * m, 165 * m}), "2026-03-07T00:00:00-05:00", "2026-03-10T00:00:00-04:00", 0},
		{"NewYorkIntervalAcrossRepeatedHour", sundays(t, fx.ny, Interval{90 * m, 150 * m}), "2026-10-31T00:00:00-04:00", "2026-11-03T00:00:00-05:00", 2 * h},
		{"NewYorkIntervalEndingInRepeatedHour", sundays(t, fx.ny, Interval{30 * m, 90 * m}), "2026-10-31T00:00:00-04:00", "2026-11-03T00:00:00-05:00", h},
		{"LondonIntervalInsideSkippedHour", sundays(t, fx.london, Interval{h, 2 * h}), "2026-03-28T00:00:00Z", "2026-03-31T00:00:00+01:00", 0},
		{"LondonIntervalEndingInSkippedHour", sundays(t, fx.london, Interval{30 * m, 90 * m}), "2026-03-28T00:00:00Z", "2026-03-31T00:00:00+01:00", 30 * m},
		{"LondonIntervalAcrossRepeatedHour", sundays(t, fx.london, Interval{90 * m, 150 * m}), "2026-10-24T00:00:00+01:00", "2026-10-27T00:00:00Z", 2 * h},
		{"SydneyIntervalAcrossRepeatedHour", sundays(t, fx.sydney, Interval{150 * m, 210 * m}), "2026-04-04T00:00:00+11:00", "2026-04-07T00:00:00+10:00", 2 * h},
		{"SydneyIntervalStartingInSkippedHour", sundays(t, fx.sydney, Interval{150 * m, 210 * m}), "2026-10-03T00:00:00+10:00", "2026-10-06T00:00:00+11:00", 30 * m},
		{"AlwaysOpen", AlwaysOpen(), "2026-03-08T00:00:00-05:00", "2026-03-09T00:00:00-04:00", 23 * h},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, b := ts(t, tt.a), ts(t, tt.b)
			if got := tt.cal.Between(a, b); got != tt.want {
				t.Errorf("Between(%v, %v): got %v, want %v", a, b, got, tt.want)
			}
		})
	}
}

func TestNextWorkingAndIsWorking(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	nyOffice := office(t, fx.ny)

	tests := []struct {
		name    string
		cal     *Calendar
		at      string
		want    string
		working bool
	}{
		{"InsideInterval", nyOffice, "2026-01-12T10:00:00-05:00", "2026-01-12T10:00:00-05:00", true},
		{"AtStart", nyOffice, "2026-01-12T09:00:00-05:00", "2026-01-12T09:00:00-05:00", true},
		{"AtEndIsOutside", nyOffice, "2026-01-12T17:30:00-05:00", "2026-01-13T09:00:00-05:00", false},
		{"Lunch", nyOffice, "2026-01-12T13:00:00-05:00", "2026-01-12T13:30:00-05:00", false},
		{"Holiday", nyOffice, "2026-01-19T10:00:00-05:00", "2026-01-20T09:00:00-05:00", false},
		{"ChristmasToMonday", nyOffice, "2026-12-24T18:00:00-05:00", "2026-12-28T09:00:00-05:00", false},
		{"SkipsEmptyIntervalInSkippedHour", sundays(t, fx.ny, Interval{135 * m, 165 * m}), "2026-03-08T00:00:00-05:00", "2026-03-15T02:15:00-04:00", false},
		{"IntervalStartingInSkippedHourOpensAtJump", sundays(t, fx.ny, Interval{150 * m, 210 * m}), "2026-03-08T01:59:00-05:00", "2026-03-08T03:00:00-04:00", false},
		{"FirstOccurrenceOfRepeatedTimeIsWorking", sundays(t, fx.ny, Interval{30 * m, 90 * m}), "2026-11-01T01:15:00-04:00", "2026-11-01T01:15:00-04:00", true},
		{"SecondOccurrenceOfRepeatedTimeIsNot", sundays(t, fx.ny, Interval{30 * m, 90 * m}), "2026-11-01T01:15:00-05:00", "2026-11-08T00:30:00-05:00", false},
		{"SydneySecondOccurrenceInsideLongInterval", sundays(t, fx.sydney, Interval{150 * m, 210 * m}), "2026-04-05T02:45:00+10:00", "2026-04-05T02:45:00+10:00", true},
		{"AlwaysOpen", AlwaysOpen(), "2026-01-10T03:00:00-05:00", "2026-01-10T03:00:00-05:00", true},
		{"NilIsAlwaysOpen", nil, "2026-01-10T03:00:00-05:00", "2026-01-10T03:00:00-05:00", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			at, want := ts(t, tt.at), ts(t, tt.want)
			if got := tt.cal.NextWorking(at); !got.Equal(want) {
				t.Errorf("NextWorking(%v): got %v, want %v", at, got, want)
			}
			if got := tt.cal.IsWorking(at); got != tt.working {
				t.Errorf("IsWorking(%v): got %v, want %v", at, got, tt.working)
			}
		})
	}
}
