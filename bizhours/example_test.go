package bizhours_test

import (
	"fmt"
	"time"

	"github.com/batonhq/baton/bizhours"
)

func Example() {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err)
	}
	var week [7][]bizhours.Interval
	for wd := time.Monday; wd <= time.Friday; wd++ {
		week[wd] = []bizhours.Interval{
			{Start: 9 * time.Hour, End: 12*time.Hour + 30*time.Minute},
			{Start: 13*time.Hour + 30*time.Minute, End: 17*time.Hour + 30*time.Minute},
		}
	}
	holidays := []bizhours.Date{{Year: 2026, Month: time.January, Day: 1}}
	cal, err := bizhours.New(ny, week, holidays)
	if err != nil {
		panic(err)
	}

	assigned := time.Date(2025, time.December, 31, 16, 30, 0, 0, ny)
	due := cal.Add(assigned, 4*time.Hour)
	fmt.Println(due.In(ny).Format(time.DateTime))
	fmt.Println(cal.Between(assigned, due))
	// Output:
	// 2026-01-02 12:00:00
	// 4h0m0s
}
