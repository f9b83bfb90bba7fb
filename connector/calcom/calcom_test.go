package calcom_test

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/connector"
	"github.com/batonhq/baton/connector/calcom"
	"github.com/batonhq/baton/playbook"
)

var now = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

var fixtures = []string{"booking_created.json", "booking_rescheduled.json", "booking_cancelled.json", "meeting_ended.json", "no_show_updated.json"}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "connectors", "calcom", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVerify(t *testing.T) {
	body := fixture(t, "booking_created.json")
	good := hex.EncodeToString(calcom.Sign("s3cret", body))
	for _, c := range []struct {
		name, secret string
		body         []byte
		sig          string
		ok           bool
	}{
		{"AcceptsTheDocumentedScheme", "s3cret", body, good, true},
		{"RefusesATamperedBody", "s3cret", append(body, ' '), good, false},
		{"RefusesAnotherSecret", "other", body, good, false},
		{"RefusesAMissingSignature", "s3cret", body, "", false},
		{"RefusesNonHex", "s3cret", body, "zz", false},
		{"RefusesWithoutASecret", "", body, good, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := calcom.Verify(c.secret, c.body, c.sig)
			if (err == nil) != c.ok || (err != nil && baton.ErrorCode(err) != baton.EUNAUTHORIZED) {
				t.Errorf("got %v, want ok %v (else unauthorized)", err, c.ok)
			}
		})
	}
}

func TestParseNamesTheField(t *testing.T) {
	for _, c := range []struct{ name, body, field string }{
		{"Empty", ``, "body"},
		{"NoTrigger", `{"payload":{}}`, "triggerEvent"},
		{"NoUID", `{"triggerEvent":"BOOKING_CREATED","payload":{"startTime":"2026-11-26T16:00:00Z","attendees":[{"email":"a@b.example"}]}}`, "payload.uid"},
		{"NoStart", `{"triggerEvent":"BOOKING_CREATED","payload":{"uid":"u","attendees":[{"email":"a@b.example"}]}}`, "payload.startTime"},
		{"NoAttendee", `{"triggerEvent":"BOOKING_RESCHEDULED","payload":{"uid":"u","startTime":"2026-11-26T16:00:00Z"}}`, "payload.attendees"},
		{"BadEnd", `{"triggerEvent":"BOOKING_CREATED","payload":{"uid":"u","startTime":"2026-11-26T16:00:00Z","endTime":"soon","attendees":[{"email":"a@b.example"}]}}`, "payload.endTime"},
		{"CancelNoUID", `{"triggerEvent":"BOOKING_CANCELLED","payload":{}}`, "payload.uid"},
		{"NoShowNoUID", `{"triggerEvent":"BOOKING_NO_SHOW_UPDATED","payload":{}}`, "payload.bookingUid"},
		{"WrongType", `{"triggerEvent":"BOOKING_CREATED","payload":{"attendees":{}}}`, "payload.attendees"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := calcom.Parse([]byte(c.body))
			e, ok := err.(*baton.Error)
			if !ok || e.Code != baton.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != c.field {
				t.Errorf("got %v, want an invalid error naming %s", err, c.field)
			}
		})
	}
}

func TestMap(t *testing.T) {
	m := playbook.Default().Connectors.CalCom
	m.MeetingTypes = map[string]string{"discovery-call": "discovery"}
	act := func(name string) connector.Action {
		d, err := calcom.Parse(fixture(t, name))
		if err != nil {
			t.Fatal(err)
		}
		return calcom.Map(d, m)
	}
	got := act("booking_created.json")
	want := &baton.Signal{
		ExternalID: "calcom:bFJeNb2uX8ANpT3JL5EfXw", Type: baton.SignalMeetingBooked, OccurredAt: time.Date(2026, 11, 23, 13, 58, 12, 538e6, time.UTC),
		Source:  "calcom",
		Contact: baton.SignalContact{Email: "noah.kim@adatum.example", Name: "Noah Kim", TimeZone: "Europe/London"},
		Account: baton.SignalAccount{Name: "Adatum Corporation"},
		Message: "We are evaluating handoff tools before Q1.",
		Meeting: &baton.SignalMeeting{
			StartsAt: time.Date(2026, 11, 26, 16, 0, 0, 0, time.UTC), Duration: baton.Duration(30 * time.Minute), TimeZone: "Europe/London",
			Agenda: "Discovery call between Ida Berg and Noah Kim", Type: "discovery",
			Attendees: []baton.Attendee{{Name: "Ida Berg", Email: "ida.berg@northwind-sales.example"}, {Name: "Noah Kim", Email: "noah.kim@adatum.example"}},
		},
	}
	if got.Kind != connector.Ingest {
		t.Fatalf("got %s, want a signal", got.Kind)
	}
	if diff := cmp.Diff(want, got.Signal); diff != "" {
		t.Errorf("signal (-want +got):\n%s", diff)
	}
	type change struct{ Kind, Booking, Alias string }
	for name, want := range map[string]change{
		"booking_rescheduled.json": {connector.Reschedule, "calcom:bFJeNb2uX8ANpT3JL5EfXw", "calcom:kM3vQp7sTz1LwR8yH2cDnA"},
		"booking_cancelled.json":   {connector.Cancel, "calcom:kM3vQp7sTz1LwR8yH2cDnA", ""},
		"no_show_updated.json":     {connector.NoShow, "calcom:bFJeNb2uX8ANpT3JL5EfXw", ""},
		"meeting_ended.json":       {connector.Skip, "", ""},
	} {
		a := act(name)
		if diff := cmp.Diff(want, change{a.Kind, a.Booking, a.Alias}); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	if a := act("booking_rescheduled.json"); !a.StartsAt.Equal(time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)) || a.Signal == nil {
		t.Errorf("reschedule: got start %s and fallback signal %v, want 2026-11-27T15:00Z and one", a.StartsAt, a.Signal != nil)
	}
}

// FuzzParse feeds Parse and Map arbitrary deliveries: no panic, errors
// name a field, and signals are checked by Validate without panicking.
func FuzzParse(f *testing.F) {
	for _, name := range fixtures {
		f.Add(fixture(f, name))
	}
	m := playbook.Default().Connectors.CalCom
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := calcom.Parse(body)
		if err != nil {
			if e, ok := err.(*baton.Error); !ok || e.Code != baton.EINVALID || len(e.Fields) == 0 {
				t.Fatalf("got %v, want an invalid error naming a field", err)
			}
			return
		}
		if a := calcom.Map(d, m); a.Signal != nil {
			_ = a.Signal.Validate(now)
		}
	})
}
