package baton_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
)

func validUser() *baton.User {
	return &baton.User{Email: " Sam@T.example ", Name: "Sam One", Role: baton.RoleSDR, Team: "sdr", TimeZone: "America/New_York",
		Capacity: 10, Weight: 2, DailyCap: 5, MonthlyCap: 100, WorkingHours: "mon-fri 09:00-17:00",
		AwayFrom: now, AwayUntil: now.Add(48 * time.Hour), Active: true}
}

func TestUserValidate(t *testing.T) {
	t.Parallel()

	t.Run("NormalisesTheEmail", func(t *testing.T) {
		t.Parallel()
		u := validUser()
		if err := u.Validate(); err != nil {
			t.Fatalf("got %v, want nil", err)
		}
		if u.Email != "sam@t.example" {
			t.Errorf("got email %q, want sam@t.example", u.Email)
		}
	})

	for _, tc := range []struct {
		name   string
		edit   func(*baton.User)
		fields []string
	}{
		{"RejectsBadEmail", func(u *baton.User) { u.Email = "sam" }, []string{"email"}},
		{"RejectsInvalidUTF8Email", func(u *baton.User) { u.Email = "s\xffm@t.example" }, []string{"email"}},
		{"RejectsBlankName", func(u *baton.User) { u.Name = " " }, []string{"name"}},
		{"RejectsInvalidUTF8Name", func(u *baton.User) { u.Name = "S\xffm" }, []string{"name"}},
		{"RejectsLongName", func(u *baton.User) { u.Name = strings.Repeat("x", baton.MaxShortText+1) }, []string{"name"}},
		{"RejectsUnknownRole", func(u *baton.User) { u.Role = "wizard" }, []string{"role"}},
		{"RejectsBadTeam", func(u *baton.User) { u.Team = "Sales Team" }, []string{"team"}},
		{"RejectsInvalidUTF8Territory", func(u *baton.User) { u.Territory = "\xfe" }, []string{"territory"}},
		{"RejectsBadTimeZone", func(u *baton.User) { u.TimeZone = "EST5" }, []string{"timezone"}},
		{"RejectsNegativeCapacity", func(u *baton.User) { u.Capacity = -1 }, []string{"capacity"}},
		{"RejectsHugeWeight", func(u *baton.User) { u.Weight = 101 }, []string{"weight"}},
		{"RejectsNegativeDailyCap", func(u *baton.User) { u.DailyCap = -1 }, []string{"daily_cap"}},
		{"RejectsHugeMonthlyCap", func(u *baton.User) { u.MonthlyCap = 1_000_001 }, []string{"monthly_cap"}},
		{"RejectsAwayUntilBeforeAwayFrom", func(u *baton.User) { u.AwayUntil = u.AwayFrom.Add(-time.Hour) }, []string{"away_until"}},
		{"RejectsInvalidUTF8WorkingHours", func(u *baton.User) { u.WorkingHours = "mon-fri 09:00-17:00\xff" }, []string{"working_hours"}},
		{"ReportsEveryBadFieldAtOnce", func(u *baton.User) { u.Email, u.Role, u.TimeZone = "", "", "" }, []string{"email", "role", "timezone"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			u := validUser()
			tc.edit(u)
			err := u.Validate()
			if code := baton.ErrorCode(err); code != baton.EINVALID {
				t.Fatalf("got %v (code %q), want %q", err, code, baton.EINVALID)
			}
			if diff := cmp.Diff(tc.fields, fieldNames(err)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestChannelSetReadsListOrSemicolons(t *testing.T) {
	for _, in := range []string{`{"channels":["email","slack"]}`, `{"channels":"email; Slack"}`} {
		var u baton.User
		if err := json.Unmarshal([]byte(in), &u); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if len(u.Channels) != 2 || u.Channels[0] != "email" || u.Channels[1] != "slack" {
			t.Errorf("%s: got %v, want [email slack]", in, u.Channels)
		}
	}
}
