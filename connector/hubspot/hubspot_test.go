package hubspot_test

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/connector"
	"github.com/batonhq/baton/connector/hubspot"
	"github.com/batonhq/baton/playbook"
)

var now = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "connectors", "hubspot", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVerify(t *testing.T) {
	const secret, uri = "s3cret", "https://baton.example.com/api/v1/connectors/hubspot"
	body := fixture(t, "contact_created.json")
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	good := base64.StdEncoding.EncodeToString(hubspot.Sign(secret, "POST", uri, body, ts))
	stale := strconv.FormatInt(now.Add(-hubspot.Tolerance-time.Millisecond).UnixMilli(), 10)
	for _, c := range []struct {
		name                string
		secret, method, uri string
		body                []byte
		sig, ts             string
		ok                  bool
	}{
		{"AcceptsTheDocumentedScheme", secret, "POST", uri, body, good, ts, true},
		{"RefusesATamperedBody", secret, "POST", uri, append([]byte(" "), body...), good, ts, false},
		{"RefusesAnotherURI", secret, "POST", uri + "?x=1", body, good, ts, false},
		{"RefusesAnotherMethod", secret, "PUT", uri, body, good, ts, false},
		{"RefusesAnotherSecret", "other", "POST", uri, body, good, ts, false},
		{"RefusesAStaleTimestamp", secret, "POST", uri, body,
			base64.StdEncoding.EncodeToString(hubspot.Sign(secret, "POST", uri, body, stale)), stale, false},
		{"RefusesAMissingSignature", secret, "POST", uri, body, "", ts, false},
		{"RefusesATimestampInSeconds", secret, "POST", uri, body, good, "x", false},
		{"RefusesWithoutASecret", "", "POST", uri, body, good, ts, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := hubspot.Verify(c.secret, c.method, c.uri, c.body, c.sig, c.ts, now)
			if (err == nil) != c.ok || (err != nil && baton.ErrorCode(err) != baton.EUNAUTHORIZED) {
				t.Errorf("got %v, want ok %v (else unauthorized)", err, c.ok)
			}
		})
	}
	t.Run("DecodesTheDocumentedPercentEncodings", func(t *testing.T) {
		sig := base64.StdEncoding.EncodeToString(hubspot.Sign(secret, "POST", uri+"?a=b:c", body, ts))
		if err := hubspot.Verify(secret, "POST", uri+"?a=b%3Ac", body, sig, ts, now); err != nil {
			t.Errorf("got %v, want the %%3A decoded before signing", err)
		}
	})
}

func TestParseNamesTheField(t *testing.T) {
	for _, c := range []struct{ name, body, field string }{
		{"Empty", ``, "body"},
		{"NotAnArray", `{"eventId":1}`, "body"},
		{"NoEvents", `[]`, "body"},
		{"BadJSON", `[{"eventId":1,}]`, "body"},
		{"NoEventID", `[{"subscriptionType":"contact.creation","objectId":1,"occurredAt":1}]`, "[0].eventId"},
		{"NoType", `[{"eventId":1,"objectId":1,"occurredAt":1}]`, "[0].subscriptionType"},
		{"NoObject", `[{"eventId":1,"subscriptionType":"contact.creation","occurredAt":1}]`, "[0].objectId"},
		{"NoTime", `[{"eventId":1,"subscriptionType":"contact.creation","objectId":1}]`, "[0].occurredAt"},
		{"NoProperty", `[{"eventId":1,"subscriptionType":"contact.propertyChange","objectId":1,"occurredAt":1}]`, "[0].propertyName"},
		{"WrongType", `[{"eventId":1,"subscriptionType":"contact.creation","objectId":1,"occurredAt":1},{"eventId":2,"subscriptionType":"contact.creation","objectId":"x","occurredAt":1}]`, "[1].objectId"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := hubspot.Parse([]byte(c.body))
			e, ok := err.(*baton.Error)
			if !ok || e.Code != baton.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != c.field {
				t.Errorf("got %v, want an invalid error naming %s", err, c.field)
			}
		})
	}
}

func TestMap(t *testing.T) {
	pb := playbook.Default()
	ev, err := hubspot.Parse(fixture(t, "contact_created.json"))
	if err != nil {
		t.Fatal(err)
	}
	acts := hubspot.Map(ev, pb.Connectors.HubSpot, pb.Connectors.ScoreField)
	if len(acts) != 7 || acts[0].Kind != connector.Ingest {
		t.Fatalf("got %+v, want 7 actions, the first a signal", acts)
	}
	want := &baton.Signal{
		ExternalID: "hubspot:62515:2514706:1849521201", Type: baton.SignalLeadScoreCrossed, OccurredAt: time.UnixMilli(1795442340000).UTC(),
		Source:  "hubspot",
		Contact: baton.SignalContact{Email: "dana.reyes@northwind.example", Name: "Dana Reyes"},
		Account: baton.SignalAccount{Name: "Northwind Traders", Domain: "northwind.example"},
		Fields:  map[string]any{"hubspot_contact_id": "123456789", "lead_score": 92.0},
	}
	if diff := cmp.Diff(want, acts[0].Signal); diff != "" {
		t.Errorf("signal (-want +got):\n%s", diff)
	}
	for _, a := range acts[1:] {
		if a.Kind != connector.Skip || a.Reason == "" {
			t.Errorf("%s %s: got %s %q, want skipped with a reason", a.Path, a.Event, a.Kind, a.Reason)
		}
	}
	t.Run("NoSignalWhenMappedToNone", func(t *testing.T) {
		m := pb.Connectors.HubSpot
		m.ContactCreated, m.ScoreSignal = playbook.NoSignal, playbook.NoSignal
		for _, a := range hubspot.Map(ev, m, "lead_score") {
			if a.Kind != connector.Skip {
				t.Errorf("%s: got %s, want skipped", a.Path, a.Kind)
			}
		}
	})
	t.Run("SkipsAContactWithoutEmail", func(t *testing.T) {
		ev := []hubspot.Event{{EventID: 1, SubscriptionType: "contact.creation", ObjectID: 5, OccurredAt: 1795442340000}}
		if a := hubspot.Map(ev, pb.Connectors.HubSpot, "lead_score")[0]; a.Kind != connector.Skip {
			t.Errorf("got %s, want skipped", a.Kind)
		}
	})
}

// FuzzParse feeds Parse and Map arbitrary deliveries: no panic, errors
// name a field, and every signal they make is checked by Validate without
// panicking either.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"contact_created.json", "form_submission.json", "meeting_booked.json"} {
		f.Add(fixture(f, name))
	}
	f.Add([]byte(`[{"eventId":1,"subscriptionType":"object.propertyChange","objectTypeId":"0-1","objectId":1,"occurredAt":1,"propertyName":"engagements_last_meeting_booked","propertyValue":"x"}]`))
	pb := playbook.Default()
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := hubspot.Parse(body)
		if err != nil {
			if e, ok := err.(*baton.Error); !ok || e.Code != baton.EINVALID || len(e.Fields) == 0 {
				t.Fatalf("got %v, want an invalid error naming a field", err)
			}
			return
		}
		for _, a := range hubspot.Map(ev, pb.Connectors.HubSpot, pb.Connectors.ScoreField) {
			if a.Kind == connector.Ingest {
				_ = a.Signal.Validate(now)
			}
		}
	})
}

// FuzzVerify: no header a sender makes up panics or passes.
func FuzzVerify(f *testing.F) {
	f.Add("POST", "https://b.example/x%3A", "c2ln", "1795442340000")
	f.Fuzz(func(t *testing.T, method, uri, sig, ts string) {
		if err := hubspot.Verify("secret", method, uri, []byte("[]"), sig, ts, now); err == nil {
			t.Fatalf("a made-up signature %q passed", sig)
		}
	})
}
