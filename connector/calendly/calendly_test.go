package calendly_test

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/connector"
	"github.com/batonhq/baton/connector/calendly"
	"github.com/batonhq/baton/playbook"
)

var now = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

var fixtures = []string{"invitee_created.json", "invitee_rescheduled.json", "invitee_canceled.json", "invitee_canceled_for_reschedule.json", "invitee_no_show.json"}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "connectors", "calendly", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func header(key string, at time.Time, body []byte) string {
	ts := strconv.FormatInt(at.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(calendly.Sign(key, ts, body))
}

func TestVerify(t *testing.T) {
	body := fixture(t, "invitee_created.json")
	good := header("key", now, body)
	for _, c := range []struct {
		name, key string
		body      []byte
		header    string
		ok        bool
	}{
		{"AcceptsTheDocumentedScheme", "key", body, good, true},
		{"AcceptsAnyOfSeveralV1", "key", body, "t=" + strconv.FormatInt(now.Unix(), 10) + ",v1=00ff," + good[len("t=1795442400,"):], true},
		{"RefusesATamperedBody", "key", append(body, ' '), good, false},
		{"RefusesAnotherKey", "other", body, good, false},
		{"RefusesAStaleTimestamp", "key", body, header("key", now.Add(-calendly.Tolerance-time.Second), body), false},
		{"RefusesAFutureTimestamp", "key", body, header("key", now.Add(calendly.Tolerance+time.Second), body), false},
		{"RefusesNoTimestamp", "key", body, "v1=" + good[len("t=1795442400,v1="):], false},
		{"RefusesNoSignature", "key", body, "t=1795442400", false},
		{"RefusesAMissingHeader", "key", body, "", false},
		{"RefusesWithoutAKey", "", body, good, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := calendly.Verify(c.key, c.body, c.header, now)
			if (err == nil) != c.ok || (err != nil && baton.ErrorCode(err) != baton.EUNAUTHORIZED) {
				t.Errorf("got %v, want ok %v (else unauthorized)", err, c.ok)
			}
		})
	}
}

func TestParseNamesTheField(t *testing.T) {
	for _, c := range []struct{ name, body, field string }{
		{"Empty", ``, "body"},
		{"NoEvent", `{"payload":{}}`, "event"},
		{"NoURI", `{"event":"invitee.created","payload":{"email":"a@b.example","scheduled_event":{"start_time":"2026-11-25T17:00:00Z"}}}`, "payload.uri"},
		{"NoEmail", `{"event":"invitee.created","payload":{"uri":"u","scheduled_event":{"start_time":"2026-11-25T17:00:00Z"}}}`, "payload.email"},
		{"NoStart", `{"event":"invitee.created","payload":{"uri":"u","email":"a@b.example"}}`, "payload.scheduled_event.start_time"},
		{"EmptyOldInvitee", `{"event":"invitee.created","payload":{"uri":"u","email":"a@b.example","old_invitee":"","scheduled_event":{"start_time":"2026-11-25T17:00:00Z"}}}`, "payload.old_invitee"},
		{"CancelNoURI", `{"event":"invitee.canceled","payload":{}}`, "payload.uri"},
		{"NoShowNoInvitee", `{"event":"invitee_no_show.created","payload":{}}`, "payload.invitee"},
		{"WrongType", `{"event":"invitee.created","payload":{"rescheduled":"yes"}}`, "payload.rescheduled"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := calendly.Parse([]byte(c.body))
			e, ok := err.(*baton.Error)
			if !ok || e.Code != baton.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != c.field {
				t.Errorf("got %v, want an invalid error naming %s", err, c.field)
			}
		})
	}
}

func TestMap(t *testing.T) {
	m := playbook.Default().Connectors.Calendly
	m.MeetingTypes = map[string]string{"30 Minute Demo": "demo"}
	act := func(name string) connector.Action {
		d, err := calendly.Parse(fixture(t, name))
		if err != nil {
			t.Fatal(err)
		}
		return calendly.Map(d, m)
	}
	const first = "calendly:https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/AAAAAAAAAAAAAAAA"
	const second = "calendly:https://api.calendly.com/scheduled_events/HCHCDCAADAEDCRZ3/invitees/BBBBBBBBBBBBBBBB"
	got := act("invitee_created.json")
	want := &baton.Signal{
		ExternalID: first, Type: baton.SignalMeetingBooked, OccurredAt: time.Date(2026, 11, 23, 13, 58, 40, 0, time.UTC),
		Source: "calendly", Campaign: "q4-inbound",
		Contact: baton.SignalContact{Email: "grace.liu@proseware.example", Name: "Grace Liu", TimeZone: "America/Chicago"},
		Account: baton.SignalAccount{Name: "Proseware, Inc."},
		Message: "What would you like to discuss?: We route 400 inbound leads a month by hand.",
		Meeting: &baton.SignalMeeting{
			StartsAt: time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC), Duration: baton.Duration(30 * time.Minute), TimeZone: "America/Chicago",
			Agenda: "30 Minute Demo", Type: "demo",
			Attendees: []baton.Attendee{{Name: "Max Ortiz", Email: "max.ortiz@northwind-sales.example"}, {Name: "Grace Liu", Email: "grace.liu@proseware.example"}},
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
		"invitee_rescheduled.json":             {connector.Reschedule, first, second},
		"invitee_canceled_for_reschedule.json": {connector.Skip, "", ""},
		"invitee_canceled.json":                {connector.Cancel, second, ""},
		"invitee_no_show.json":                 {connector.NoShow, first, ""},
	} {
		a := act(name)
		if diff := cmp.Diff(want, change{a.Kind, a.Booking, a.Alias}); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
}

// FuzzParse feeds Parse and Map arbitrary deliveries: no panic, errors
// name a field, and signals are checked by Validate without panicking.
func FuzzParse(f *testing.F) {
	for _, name := range fixtures {
		f.Add(fixture(f, name))
	}
	m := playbook.Default().Connectors.Calendly
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := calendly.Parse(body)
		if err != nil {
			if e, ok := err.(*baton.Error); !ok || e.Code != baton.EINVALID || len(e.Fields) == 0 {
				t.Fatalf("got %v, want an invalid error naming a field", err)
			}
			return
		}
		if a := calendly.Map(d, m); a.Signal != nil {
			_ = a.Signal.Validate(now)
		}
	})
}

// FuzzVerify: no header a sender makes up panics or passes.
func FuzzVerify(f *testing.F) {
	f.Add("t=1795442400,v1=00ff")
	f.Add("t=,v1=,v1")
	f.Fuzz(func(t *testing.T, header string) {
		if err := calendly.Verify("key", []byte("{}"), header, now); err == nil {
			t.Fatalf("a made-up header %q passed", header)
		}
	})
}
