package baton_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
)

// TestKTMeetingJSON: the API form of the meeting carries its length in
// minutes and reads the old nanoseconds too.
func TestKTMeetingJSON(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(baton.NewKTMeetingJSON(baton.KTMeeting{Status: baton.KTHold, Duration: 45 * time.Minute}))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b); !strings.Contains(got, `"duration_minutes":45`) || strings.Contains(got, `"duration":`) {
		t.Errorf("got %s, want duration_minutes 45 and no duration", got)
	}
	for _, tc := range []struct {
		name, in string
		want     time.Duration
	}{
		{"Minutes", `{"duration_minutes": 30}`, 30 * time.Minute},
		{"OldNanoseconds", `{"duration": 2700000000000}`, 45 * time.Minute},
		{"MinutesWin", `{"duration": 2700000000000, "duration_minutes": 60}`, time.Hour},
		{"Neither", `{"status": "hold"}`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var j baton.KTMeetingJSON
			if err := json.Unmarshal([]byte(tc.in), &j); err != nil {
				t.Fatal(err)
			}
			m, err := j.Meeting()
			if err != nil || m.Duration != tc.want {
				t.Errorf("got %s, %v; want %s", m.Duration, err, tc.want)
			}
		})
	}
	t.Run("BadOldDurationIsAnError", func(t *testing.T) {
		if _, err := (baton.KTMeetingJSON{Duration: json.RawMessage(`"45m"`)}).Meeting(); err == nil {
			t.Error("got no error for a duration that is not a number")
		}
	})
}
