package bizhours

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestNew(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	monday := func(ivs ...Interval) [7][]Interval {
		var week [7][]Interval
		week[time.Monday] = ivs
		return week
	}

	tests := []struct {
		name     string
		loc      *time.Location
		week     [7][]Interval
		holidays []Date
		wantErr  string // empty for success
	}{
		{"AcceptsLunchBreak", fx.ny, monday(officeHours...), nil, ""},
		{"AcceptsTouchingIntervals", fx.ny, monday(Interval{9 * h, 12 * h}, Interval{12 * h, 17 * h}), nil, ""},
		{"AcceptsWholeDay", fx.ny, monday(Interval{0, 24 * h}), nil, ""},
		{"RejectsNilLocation", nil, monday(officeHours...), nil,
			"bizhours: invalid calendar: nil location"},
		{"RejectsOverlap", fx.ny, monday(Interval{9 * h, 13 * h}, Interval{12 * h, 17 * h}), nil,
			"bizhours: invalid calendar: Monday[1] (12:00-17:00): starts before Monday[0] (09:00-13:00) ends"},
		{"RejectsUnsorted", fx.ny, monday(Interval{13 * h, 17 * h}, Interval{9 * h, 12 * h}), nil,
			"bizhours: invalid calendar: Monday[1] (09:00-12:00): starts before Monday[0] (13:00-17:00) ends"},
		{"RejectsEmptyInterval", fx.ny, monday(Interval{9 * h, 9 * h}), nil,
			"bizhours: invalid calendar: Monday[0] (09:00-09:00): start is not before end"},
		{"RejectsBackwardsInterval", fx.ny, monday(Interval{17 * h, 9 * h}), nil,
			"bizhours: invalid calendar: Monday[0] (17:00-09:00): start is not before end"},
		{"RejectsNegativeStart", fx.ny, monday(Interval{-h, 9 * h}), nil,
			"bizhours: invalid calendar: Monday[0] (-1h0m0s-09:00): start -1h0m0s is outside [0, 24h]"},
		{"RejectsEndAfterMidnight", fx.ny, monday(Interval{22 * h, 25 * h}), nil,
			"bizhours: invalid calendar: Monday[0] (22:00-25h0m0s): end 25h0m0s is outside [0, 24h]"},
		{"RejectsSeconds", fx.ny, monday(Interval{9*h + time.Second, 10 * h}), nil,
			"bizhours: invalid calendar: Monday[0] (9h0m1s-10:00): bounds must be whole minutes"},
		{"RejectsWeekWithoutWorkingTime", fx.ny, [7][]Interval{}, nil,
			"bizhours: invalid calendar: no working time in the week"},
		{"RejectsInvalidHoliday", fx.ny, monday(officeHours...), []Date{{2026, time.January, 1}, {2026, time.February, 29}},
			"bizhours: invalid calendar: holiday 1 (2026-02-29): not a valid date"},
		{"RejectsMonthZero", fx.ny, monday(officeHours...), []Date{{2026, 0, 1}},
			"bizhours: invalid calendar: holiday 0 (2026-00-01): not a valid date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(tt.loc, tt.week, tt.holidays)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("New: got error %v, want nil", err)
				}
				if c == nil {
					t.Fatal("New: got nil calendar, want one")
				}
				return
			}
			if err == nil {
				t.Fatalf("New: got nil error, want %q", tt.wantErr)
			}
			if got := err.Error(); got != tt.wantErr {
				t.Errorf("New: got error %q, want %q", got, tt.wantErr)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("New: got error %v not wrapping ErrInvalid, want it wrapped", err)
			}
		})
	}
}

func TestNewCopiesArguments(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ivs := []Interval{{9 * h, 17 * h}}
	holidays := []Date{{2026, time.January, 19}}
	var week [7][]Interval
	week[time.Monday] = ivs
	c := mustNew(t, fx.ny, week, holidays...)

	ivs[0] = Interval{0, 24 * h}
	holidays[0] = Date{2026, time.January, 26}

	a, b := ts(t, "2026-01-19T00:00:00-05:00"), ts(t, "2026-01-27T00:00:00-05:00")
	if got, want := c.Between(a, b), 8*h; got != want {
		t.Errorf("Between after mutating New's arguments: got %v, want %v", got, want)
	}
}

func TestAlwaysOpen(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	var fullWeek [7][]Interval
	for wd := range fullWeek {
		fullWeek[wd] = []Interval{{0, 12 * h}, {12 * h, 24 * h}}
	}
	start := ts(t, "2026-03-07T22:00:00-05:00")
	for name, c := range map[string]*Calendar{
		"AlwaysOpen":           AlwaysOpen(),
		"Zero":                 {},
		"Nil":                  nil,
		"FullWeekNoHolidays":   mustNew(t, fx.ny, fullWeek),
		"FullWeekOneHoliday":   mustNew(t, fx.ny, fullWeek, Date{1999, time.January, 1}),
		"FullWeekOtherZone":    mustNew(t, fx.sydney, fullWeek),
		"FullWeekLondonIsSame": mustNew(t, fx.london, fullWeek),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// Across New York's spring forward: 30h of working time is 30h
			// of elapsed time when every instant is working time.
			got := c.Add(start, 30*h)
			want := start.Add(30 * h).UTC()
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Add(%v, 30h) mismatch (-want +got):\n%s", start, diff)
			}
			if b := c.Between(start, got); b != 30*h {
				t.Errorf("Between(%v, %v): got %v, want 30h", start, got, b)
			}
		})
	}
}

func TestWeekdays(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	c, err := Weekdays(fx.london, officeHours...)
	if err != nil {
		t.Fatalf("Weekdays: %v", err)
	}
	// Friday 17:00 to the following Friday 17:00: five office days.
	a, b := ts(t, "2026-01-09T17:00:00Z"), ts(t, "2026-01-16T17:00:00Z")
	if got, want := c.Between(a, b), 5*(7*h+30*m); got != want {
		t.Errorf("Between(%v, %v): got %v, want %v", a, b, got, want)
	}
	if _, err := Weekdays(fx.london); !errors.Is(err, ErrInvalid) {
		t.Errorf("Weekdays with no intervals: got error %v, want ErrInvalid", err)
	}
}

func TestSLASteps(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	c := office(t, fx.ny)
	// A 4-business-hour SLA assigned late on a Friday before MLK Day: the
	// half-SLA reminder and the breach both land on Tuesday.
	assigned := ts(t, "2026-01-16T16:00:00-05:00")
	got := []time.Time{c.Add(assigned, 2*h), c.Add(assigned, 4*h)}
	want := []time.Time{ts(t, "2026-01-20T09:30:00-05:00"), ts(t, "2026-01-20T11:30:00-05:00")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SLA steps mismatch (-want +got):\n%s", diff)
	}
}
