package bizhours

import (
	"testing"
	"time"
	_ "time/tzdata"
)

func TestParseWeek(t *testing.T) {
	t.Parallel()
	h := func(a, b int) Interval {
		return Interval{Start: time.Duration(a) * time.Minute, End: time.Duration(b) * time.Minute}
	}
	week, err := ParseWeek("mon-fri 09:00-12:30,13:30-17:30; sat 10:00-14:00")
	if err != nil {
		t.Fatal(err)
	}
	if got := week[time.Wednesday]; len(got) != 2 || got[0] != h(540, 750) || got[1] != h(810, 1050) {
		t.Errorf("wednesday: got %v", got)
	}
	if got := week[time.Saturday]; len(got) != 1 || got[0] != h(600, 840) {
		t.Errorf("saturday: got %v", got)
	}
	if len(week[time.Sunday]) != 0 {
		t.Errorf("sunday: got %v, want none", week[time.Sunday])
	}
	wrap, err := ParseWeek("fri-mon 08:00-12:00")
	if err != nil || len(wrap[time.Sunday]) != 1 || len(wrap[time.Tuesday]) != 0 {
		t.Errorf("wrapping range: got %v, %v", wrap, err)
	}
	for _, bad := range []string{"", "mon", "mon 9-5", "funday 09:00-10:00", "mon 09:00-10:00; mon 11:00-12:00", "mon-fri 09:00"} {
		if _, err := ParseWeek(bad); err == nil {
			t.Errorf("%q: got no error", bad)
		}
	}
	if _, err := ParseCalendar("mon 17:00-09:00", "UTC", nil); err == nil {
		t.Error("reversed interval: got no error")
	}
	c, err := ParseCalendar("24x7", "Europe/London", nil)
	if err != nil || !c.IsWorking(time.Date(2026, 12, 25, 3, 0, 0, 0, time.UTC)) {
		t.Errorf("24x7: got %v, %v", c, err)
	}
}
