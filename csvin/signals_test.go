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

func TestReadSignals(t *testing.T) {
	t.Parallel()
	t.Run("MapsColumnsAndKeepsOthersAsFields", func(t *testing.T) {
		t.Parallel()
		file := "External_ID,type,email,name,title,timezone,company,domain,employees,industry,country,region,source,campaign,message,occurred_at,lead_score,plan\n" +
			"s1,demo_request,ana@acme.example,Ana,VP,Europe/Madrid,Acme,acme.example,450,Robotics,ES,EMEA,website,spring,hello,2026-11-23T14:00:00Z,72,pro\n" +
			",content_download,bo@b.example,,,,,,,,,,,,,,,\n"
		got, err := csvin.ReadSignals(strings.NewReader(file), 10)
		if err != nil {
			t.Fatal(err)
		}
		want := []*baton.Signal{
			{ExternalID: "s1", Type: "demo_request", Source: "website", Campaign: "spring", Message: "hello",
				OccurredAt: time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC),
				Contact:    baton.SignalContact{Email: "ana@acme.example", Name: "Ana", Title: "VP", TimeZone: "Europe/Madrid"},
				Account:    baton.SignalAccount{Name: "Acme", Domain: "acme.example", Employees: 450, Industry: "Robotics", Country: "ES", Region: "EMEA"},
				Fields:     map[string]any{"lead_score": 72.0, "plan": "pro"}},
			{ExternalID: "row-3", Type: "content_download", Contact: baton.SignalContact{Email: "bo@b.example"}, Fields: map[string]any{}},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("signals (-want +got):\n%s", diff)
		}
	})

	t.Run("ErrorsNameRowAndColumn", func(t *testing.T) {
		t.Parallel()
		file := "external_id,employees,occurred_at\ns1,many,2026-11-23T14:00:00Z\ns2,3,yesterday\n"
		_, err := csvin.ReadSignals(strings.NewReader(file), 10)
		var e *baton.Error
		if !errors.As(err, &e) || e.Code != baton.EINVALID {
			t.Fatalf("got %v, want EINVALID", err)
		}
		var fields []string
		for _, f := range e.Fields {
			fields = append(fields, f.Field)
		}
		if diff := cmp.Diff([]string{"row 2: employees", "row 3: occurred_at"}, fields); diff != "" {
			t.Errorf("fields (-want +got):\n%s", diff)
		}
	})

	t.Run("RefusesMoreThanMax", func(t *testing.T) {
		t.Parallel()
		file := "external_id\na\nb\nc\n"
		_, err := csvin.ReadSignals(strings.NewReader(file), 2)
		var e *baton.Error
		if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0] != (baton.FieldError{Field: "row 4", Message: "more than 2 signals"}) {
			t.Errorf("got %v, want one error at row 4: more than 2 signals", err)
		}
	})

	t.Run("RowOfTheWrongLengthStops", func(t *testing.T) {
		t.Parallel()
		_, err := csvin.ReadSignals(strings.NewReader("external_id,type\na,demo_request\nb\n"), 10)
		var e *baton.Error
		if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != "row 3" {
			t.Errorf("got %v, want one error at row 3", err)
		}
	})

	t.Run("EmptyFileIsInvalid", func(t *testing.T) {
		t.Parallel()
		if _, err := csvin.ReadSignals(strings.NewReader(""), 10); baton.ErrorCode(err) != baton.EINVALID {
			t.Errorf("got %v, want EINVALID", err)
		}
	})
}
