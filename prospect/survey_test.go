package prospect_test

import (
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/prospect"
)

func TestSurveyAt(t *testing.T) {
	t.Parallel()
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	w := prospect.Window{From: 8 * time.Hour, To: 20 * time.Hour}
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, tokyo) }
	for _, tc := range []struct {
		name     string
		due      time.Time
		want     time.Time
		zoneless bool
	}{
		{name: "InsideWindowIsDue", due: at(26, 15, 30), want: at(26, 15, 30)},
		{name: "WindowStartCounts", due: at(26, 8, 0), want: at(26, 8, 0)},
		{name: "WindowEndCounts", due: at(26, 20, 0), want: at(26, 20, 0)},
		{name: "EarlyMorningWaitsForWindowStart", due: at(26, 5, 10), want: at(26, 8, 0)},
		{name: "EveningWaitsForNextMorning", due: at(26, 20, 1), want: at(27, 8, 0)},
		{name: "MonthEndRollsOver", due: at(30, 23, 0), want: time.Date(2026, 12, 1, 8, 0, 0, 0, tokyo)},
		{name: "NoZoneIsUTC", due: time.Date(2026, 11, 26, 21, 0, 0, 0, time.UTC), want: time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC), zoneless: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loc := tokyo
			if tc.zoneless {
				loc = nil
			}
			if got := prospect.SurveyAt(tc.due.UTC(), loc, w); !got.Equal(tc.want) || got.Location() != time.UTC {
				t.Errorf("got %v, want %v in UTC", got, tc.want.UTC())
			}
		})
	}
}

func TestRenderSurvey(t *testing.T) {
	t.Parallel()
	d := prospect.SurveyData{Title: "How was your call?", Question: "How useful was it?", When: "Monday 23 November", OwnerName: "Ae <One>",
		URL: "https://baton.example/survey/abc.def", Expires: "Monday 30 November 2026, 15:00 GMT"}
	subject, text, html, err := prospect.RenderSurvey(d)
	if err != nil {
		t.Fatal(err)
	}
	if subject != "How was your call?" {
		t.Errorf("got subject %q", subject)
	}
	for i := 1; i <= 5; i++ {
		link := "https://baton.example/survey/abc.def?score=" + string(rune('0'+i))
		if !strings.Contains(text, link) || !strings.Contains(html, `href="`+link+`"`) {
			t.Errorf("score %d: link %s missing from text or html", i, link)
		}
	}
	if !strings.HasPrefix(text, "Hi there,") || !strings.Contains(text, "Monday 30 November 2026, 15:00 GMT") {
		t.Errorf("got text:\n%s\nwant a greeting without a name and the expiry", text)
	}
	if strings.Contains(html, "<One>") || !strings.Contains(html, "Ae &lt;One&gt;") {
		t.Errorf("got html %s, want names escaped", html)
	}
}
