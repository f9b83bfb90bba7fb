package ics_test

import (
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/ics"
)

func TestProspectInviteOrganizerOwnerAttendeeProspect(t *testing.T) {
	t.Parallel()
	inv := ics.ProspectInvite(ics.ProspectMeeting{UID: "m1@baton", Sequence: 2, Summary: "Discovery", Agenda: "Discovery", Purpose: "a first conversation",
		Team: []ics.Person{{Name: "Lena Park", Title: "Solutions Engineer", Email: "lena@team.test"}}, IntakeURL: "https://b.test/intake/x",
		Start: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC), Duration: 30 * time.Minute, TimeZone: "Asia/Tokyo", Stamp: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC),
		Organizer: ics.Person{Name: "Ben", Email: "ben@team.test"}, Prospect: ics.Person{Name: "Ana", Email: "ana@acme.test"}})
	b, err := ics.Encode(inv)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{"METHOD:REQUEST", "SEQUENCE:2", "mailto:ben@team.test", "mailto:ana@acme.test", "Lena Park\\, Solutions Engineer"} {
		if !strings.Contains(strings.ReplaceAll(s, "\r\n ", ""), want) {
			t.Errorf("invite lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "lena@team.test") {
		t.Errorf("invite lists a team member's address:\n%s", s)
	}
	if len(inv.Attendees) != 1 {
		t.Errorf("got %d attendees, want the prospect only", len(inv.Attendees))
	}
}
