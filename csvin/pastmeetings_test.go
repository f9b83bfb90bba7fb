package csvin_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/csvin"
)

// pastNow is the import's now: held times after it are refused.
var pastNow = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

// pastOwners resolves the two owners the files name: ana in New York,
// bo in UTC (no location).
func pastOwners(t testing.TB) func(string) (csvin.Owner, bool) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	owners := map[string]csvin.Owner{"ana@x.example": {ID: "u-ana", Location: ny}, "bo@x.example": {ID: "u-bo"}}
	return func(email string) (csvin.Owner, bool) {
		o, ok := owners[email]
		return o, ok
	}
}

func readPast(t testing.TB, file string) ([]csvin.PastMeetingRow, error) {
	t.Helper()
	return csvin.ReadPastMeetings(strings.NewReader(file), csvin.Limits{MaxBytes: 1 << 20, MaxRows: 100, MaxErrors: 20}, pastNow, pastOwners(t))
}

func TestReadPastMeetings(t *testing.T) {
	t.Parallel()
	t.Run("ReadsEveryColumnWithDatesInTheOwnersZone", func(t *testing.T) {
		t.Parallel()
		file := "Owner,Held_At,Outcome,Status,Source,Account,Deal_Value,External_ID\n" +
			"ANA@x.example,2026-09-01,Closed Won,,website,Acme,\"$50,000\",crm-1\n" +
			"bo@x.example,2026-09-02T15:30:00+02:00,lost,held,,Globex,1250.5,\n" +
			"ana@x.example,2026-09-03,,no_show,,,,\n" +
			"bo@x.example,2026-09-04,held,,,,,crm-4\n" +
			"bo@x.example,2026-09-05,No-Show,,,,5E+04,crm-5\n"
		got, err := readPast(t, file)
		if err != nil {
			t.Fatal(err)
		}
		edt := time.Date(2026, 9, 1, 4, 0, 0, 0, time.UTC) // midnight in New York (EDT)
		want := []csvin.PastMeetingRow{
			{Row: 2, Meeting: baton.PastMeeting{Key: "ext:crm-1", ExternalID: "crm-1", OwnerID: "u-ana", HeldAt: edt,
				Status: baton.MeetingHeld, Outcome: baton.OutcomeWon, Source: "website", Account: "Acme", DealValue: 50000}},
			{Row: 3, Meeting: baton.PastMeeting{Key: "auto:bo@x.example|2026-09-02T13:30:00Z|globex", OwnerID: "u-bo",
				HeldAt: time.Date(2026, 9, 2, 13, 30, 0, 0, time.UTC), Status: baton.MeetingHeld, Outcome: baton.OutcomeNotInterested,
				Account: "Globex", DealValue: 1250.5}},
			{Row: 4, Meeting: baton.PastMeeting{Key: "auto:ana@x.example|2026-09-03T04:00:00Z|", OwnerID: "u-ana",
				HeldAt: edt.AddDate(0, 0, 2), Status: baton.MeetingNoShow, Outcome: baton.OutcomeNoShow}},
			{Row: 5, Meeting: baton.PastMeeting{Key: "ext:crm-4", ExternalID: "crm-4", OwnerID: "u-bo",
				HeldAt: time.Date(2026, 9, 4, 0, 0, 0, 0, time.UTC), Status: baton.MeetingHeld}},
			{Row: 6, Meeting: baton.PastMeeting{Key: "ext:crm-5", ExternalID: "crm-5", OwnerID: "u-bo",
				HeldAt: time.Date(2026, 9, 5, 0, 0, 0, 0, time.UTC), Status: baton.MeetingNoShow, Outcome: baton.OutcomeNoShow, DealValue: 50000}},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("rows (-want +got):\n%s", diff)
		}
	})

	t.Run("MeetingDateIsHeldAtsOtherName", func(t *testing.T) {
		t.Parallel()
		got, err := readPast(t, "owner,meeting_date,outcome\nbo@x.example,2026-09-04,won\n")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || !got[0].Meeting.HeldAt.Equal(time.Date(2026, 9, 4, 0, 0, 0, 0, time.UTC)) || !got[0].Meeting.Won() {
			t.Errorf("got %+v, want one meeting won on 2026-09-04", got)
		}
	})

	t.Run("HeaderErrors", func(t *testing.T) {
		t.Parallel()
		for _, tt := range []struct {
			name, file string
			want       []baton.FieldError
		}{
			{"NoHeldTime", "owner,outcome\n", []baton.FieldError{{Field: "row 1: held_at", Message: "is a required column and is missing (or meeting_date)"}}},
			{"BothHeldTimes", "owner,outcome,held_at,meeting_date\n", []baton.FieldError{{Field: "row 1: meeting_date", Message: "give held_at or meeting_date, not both"}}},
			{"MissingOwner", "held_at,outcome\n", []baton.FieldError{{Field: "row 1: owner", Message: "is a required column and is missing"}}},
		} {
			_, err := readPast(t, tt.file)
			var e *baton.Error
			if !errors.As(err, &e) || e.Code != baton.EINVALID {
				t.Fatalf("%s: got %v, want EINVALID", tt.name, err)
			}
			if diff := cmp.Diff(tt.want, e.Fields); diff != "" {
				t.Errorf("%s: fields (-want +got):\n%s", tt.name, diff)
			}
			if !strings.HasSuffix(e.Message, "nothing was imported") {
				t.Errorf("%s: got message %q, want it to say nothing was imported", tt.name, e.Message)
			}
		}
	})

	t.Run("BadRowsNameRowAndColumnAndReturnNothing", func(t *testing.T) {
		t.Parallel()
		const head = "owner,held_at,outcome,status,deal_value,external_id,account\n"
		for _, tt := range []struct {
			name, row string
			want      baton.FieldError
		}{
			{"UnknownOwner", "cy@x.example,2026-09-01,won,,,,", baton.FieldError{Field: "row 3: owner", Message: `"cy@x.example" is not a user in Baton (import users first)`}},
			{"NotAnEmail", "ana,2026-09-01,won,,,,", baton.FieldError{Field: "row 3: owner", Message: `"ana" is not an email address`}},
			{"NoOwner", ",2026-09-01,won,,,,", baton.FieldError{Field: "row 3: owner", Message: "is required"}},
			{"NoDate", "bo@x.example,,won,,,,", baton.FieldError{Field: "row 3: held_at", Message: "is required"}},
			{"BadDate", "bo@x.example,09/01/2026,won,,,,", baton.FieldError{Field: "row 3: held_at",
				Message: `"09/01/2026" is not a time: use a date (2026-12-24) or an RFC 3339 time (2026-12-24T09:00:00Z)`}},
			{"FutureDate", "bo@x.example,2026-12-01,won,,,,", baton.FieldError{Field: "row 3: held_at", Message: `"2026-12-01" is in the future: import meetings that have happened`}},
			{"AncientDate", "bo@x.example,1999-12-31,won,,,,", baton.FieldError{Field: "row 3: held_at", Message: `"1999-12-31" is before 2000`}},
			{"UnknownOutcome", "bo@x.example,2026-09-01,maybe,,,,", baton.FieldError{Field: "row 3: outcome", Message: `"maybe" must be held, no_show or a result: won (closed_won, booked_won), lost (closed_lost, not_interested), interested_not_closed (open), proposal_requested (proposal), disqualified`}},
			{"NoOutcomeNoStatus", "bo@x.example,2026-09-01,,,,,", baton.FieldError{Field: "row 3: outcome", Message: "is required (or a status of held or no_show)"}},
			{"WonButNoShow", "bo@x.example,2026-09-01,won,no_show,,,", baton.FieldError{Field: "row 3: outcome", Message: `"won" is the result of a meeting held, but the status says no_show`}},
			{"NoShowButHeld", "bo@x.example,2026-09-01,no show,held,,,", baton.FieldError{Field: "row 3: outcome", Message: `"no show" is a no-show, but the status says held`}},
			{"BadStatus", "bo@x.example,2026-09-01,won,cancelled,,,", baton.FieldError{Field: "row 3: status", Message: `"cancelled" must be held or no_show`}},
			{"NegativeValue", "bo@x.example,2026-09-01,won,,-5,,", baton.FieldError{Field: "row 3: deal_value", Message: `"-5" is not an amount between 0 and 1000000000000`}},
			{"BadSeparators", "bo@x.example,2026-09-01,won,,\"5,00\",,", baton.FieldError{Field: "row 3: deal_value", Message: `"5,00" is not an amount between 0 and 1000000000000`}},
			{"NotANumber", "bo@x.example,2026-09-01,won,,NaN,,", baton.FieldError{Field: "row 3: deal_value", Message: `"NaN" is not an amount between 0 and 1000000000000`}},
			{"RepeatedExternalID", "bo@x.example,2026-09-02,won,,,crm-1,", baton.FieldError{Field: "row 3: external_id", Message: `"crm-1" is also in row 2`}},
			{"RepeatedMeetingWithoutID", "ana@x.example,2026-09-01,lost,,,,ACME\nana@x.example,2026-09-01,won,,,,acme", baton.FieldError{Field: "row 4",
				Message: "repeats row 3 (the same owner, held time and account): give each an external_id"}},
			{"LongAccount", "bo@x.example,2026-09-01,won,,,," + strings.Repeat("a", 201), baton.FieldError{Field: "row 3: account", Message: "must be at most 200 bytes"}},
			{"ShortRow", "bo@x.example,2026-09-01", baton.FieldError{Field: "row 3", Message: "has 2 cells; the header has 7"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				// Row 2 is good; the bad row is row 3.
				rows, err := readPast(t, head+"ana@x.example,2026-09-01,won,,,crm-1,Acme\n"+tt.row+"\n")
				if rows != nil {
					t.Errorf("got %d rows, want none", len(rows))
				}
				var e *baton.Error
				if !errors.As(err, &e) || e.Code != baton.EINVALID {
					t.Fatalf("got %v, want EINVALID", err)
				}
				if diff := cmp.Diff([]baton.FieldError{tt.want}, e.Fields); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
				if !strings.HasSuffix(e.Message, "nothing was imported") {
					t.Errorf("got message %q, want it to say nothing was imported", e.Message)
				}
			})
		}
	})

	t.Run("ErrorsOfEveryRowComeTogether", func(t *testing.T) {
		t.Parallel()
		_, err := readPast(t, "owner,held_at,outcome\ncy@x.example,2026-09-01,won\nbo@x.example,tomorrow,won\nbo@x.example,2026-09-01,perhaps\n")
		var e *baton.Error
		if !errors.As(err, &e) || len(e.Fields) != 3 {
			t.Fatalf("got %v, want three row errors", err)
		}
		if got, want := e.Message, "the file has 3 errors; nothing was imported"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
}

func TestPastOutcome(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		cell, status, outcome string
		ok                    bool
	}{
		{"booked_won", baton.MeetingHeld, baton.OutcomeWon, true},
		{"Closed - Won", baton.MeetingHeld, baton.OutcomeWon, true},
		{" WON ", baton.MeetingHeld, baton.OutcomeWon, true},
		{"Closed Lost", baton.MeetingHeld, baton.OutcomeNotInterested, true},
		{"not interested", baton.MeetingHeld, baton.OutcomeNotInterested, true},
		{"DQ", baton.MeetingHeld, baton.OutcomeDisqualified, true},
		{"Interested, not closed", "", "", false},
		{"interested-not-closed", baton.MeetingHeld, baton.OutcomeInterested, true},
		{"Proposal sent", baton.MeetingHeld, baton.OutcomeProposal, true},
		{"held", baton.MeetingHeld, "", true},
		{"no_show", baton.MeetingNoShow, baton.OutcomeNoShow, true},
		{"Didn't show", "", "", false},
		{"did not show", baton.MeetingNoShow, baton.OutcomeNoShow, true},
		{"cancelled", "", "", false},
		{"", "", "", false},
	} {
		status, outcome, ok := csvin.PastOutcome(tt.cell)
		if status != tt.status || outcome != tt.outcome || ok != tt.ok {
			t.Errorf("PastOutcome(%q): got %q, %q, %v; want %q, %q, %v", tt.cell, status, outcome, ok, tt.status, tt.outcome, tt.ok)
		}
	}
}

// FuzzReadPastMeetings: whatever the file, the reader answers rows or an
// EINVALID error, never panics, and every row it returns is a meeting the
// report can count.
func FuzzReadPastMeetings(f *testing.F) {
	for _, seed := range []string{
		"owner,held_at,outcome\nana@x.example,2026-09-01,won\n",
		"owner,meeting_date,outcome,status,source,account,deal_value,external_id\nbo@x.example,2026-09-02T15:30:00+02:00,lost,held,web,Globex,\"$1,250.50\",x\n",
		"owner,held_at,outcome,status\nbo@x.example,2026-09-01,,no_show\nbo@x.example,2026-09-01,,no_show\n",
		"owner,held_at,outcome\n\"a\"\"b\",2026-09-01,won\n",
		"\uFEFFOWNER , Held_At,Outcome\r\n ana@x.example , 2026-09-01 , Closed-Won \r\n",
		"owner,held_at,outcome,deal_value\nbo@x.example,2026-09-01,won,1e400\n",
		"owner,held_at,outcome,deal_value\nbo@x.example,2026-09-01,won,\",,,\"\n",
	} {
		f.Add([]byte(seed))
	}
	owners := pastOwners(f)
	lim := csvin.Limits{MaxBytes: 64 << 10, MaxRows: 200, MaxErrors: 10}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := csvin.ReadPastMeetings(strings.NewReader(string(data)), lim, pastNow, owners)
		if err != nil {
			if baton.ErrorCode(err) != baton.EINVALID {
				t.Fatalf("got error %v (code %s), want EINVALID", err, baton.ErrorCode(err))
			}
			return
		}
		keys := map[string]bool{}
		for _, r := range rows {
			m := r.Meeting
			if m.OwnerID == "" || m.Key == "" || keys[m.Key] || m.HeldAt.IsZero() || m.HeldAt.After(pastNow) {
				t.Fatalf("row %d: got %+v, want an owner, a unique key and a held time before now", r.Row, m)
			}
			keys[m.Key] = true
			switch {
			case m.Status == baton.MeetingNoShow && m.Outcome == baton.OutcomeNoShow:
			case m.Status == baton.MeetingHeld && m.Outcome != baton.OutcomeNoShow:
			default:
				t.Fatalf("row %d: got status %q outcome %q, want held with a result or no_show", r.Row, m.Status, m.Outcome)
			}
			if m.DealValue < 0 || m.DealValue > csvin.MaxDealValue || m.DealValue != m.DealValue {
				t.Fatalf("row %d: got deal value %v", r.Row, m.DealValue)
			}
		}
	})
}
