package csvin_test

import (
	"errors"
	"io"
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
		if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0] != (baton.FieldError{Field: "row 3", Message: "wrong number of fields"}) {
			t.Errorf("got %v, want one error at row 3: wrong number of fields", err)
		}
	})

	t.Run("EmptyFileIsInvalid", func(t *testing.T) {
		t.Parallel()
		if _, err := csvin.ReadSignals(strings.NewReader(""), 10); baton.ErrorCode(err) != baton.EINVALID {
			t.Errorf("got %v, want EINVALID", err)
		}
	})
}

func TestSignalReader(t *testing.T) {
	t.Parallel()
	t.Run("SkipsBlankRowsAndNumbersThemFromTheHeader", func(t *testing.T) {
		t.Parallel()
		file := "\ufeffType,email\ndemo_request,a@x.example\n,\nbad_type,b@x.example\n"
		sr, err := csvin.NewSignalReader(strings.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		var rows []int
		var types []string
		for {
			sig, row, err := sr.Next()
			if errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatal(err)
			}
			rows, types = append(rows, row), append(types, sig.Type)
		}
		if diff := cmp.Diff([]int{2, 4}, rows); diff != "" {
			t.Errorf("rows (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"demo_request", "bad_type"}, types); diff != "" {
			t.Errorf("types (-want +got):\n%s", diff)
		}
	})

	t.Run("ACellErrorLetsReadingGoOn", func(t *testing.T) {
		t.Parallel()
		sr, err := csvin.NewSignalReader(strings.NewReader("external_id,employees\na,many\nb,12\n"))
		if err != nil {
			t.Fatal(err)
		}
		_, row, err := sr.Next()
		if baton.ErrorCode(err) != baton.EINVALID || errors.Is(err, csvin.ErrUnreadable) || row != 2 {
			t.Fatalf("row %d: got %v, want a row 2 EINVALID error", row, err)
		}
		sig, row, err := sr.Next()
		if err != nil || row != 3 || sig.Account.Employees != 12 {
			t.Errorf("got row %d %+v %v, want row 3 with 12 employees", row, sig, err)
		}
	})

	t.Run("ABrokenRowIsUnreadable", func(t *testing.T) {
		t.Parallel()
		sr, err := csvin.NewSignalReader(strings.NewReader("external_id,type\n\"a,demo_request\n"))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := sr.Next(); !errors.Is(err, csvin.ErrUnreadable) {
			t.Errorf("got %v, want ErrUnreadable", err)
		}
	})

	t.Run("NotUTF8IsNamed", func(t *testing.T) {
		t.Parallel()
		sr, err := csvin.NewSignalReader(strings.NewReader("external_id,company\na,\xff\xfe\n"))
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = sr.Next()
		var e *baton.Error
		if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != "row 2: company" {
			t.Errorf("got %v, want an error naming row 2: company", err)
		}
	})
}

func FuzzSignalReader(f *testing.F) {
	f.Add("external_id,type,email,employees,occurred_at\na,demo_request,a@x.example,12,2026-11-23T14:00:00Z\n")
	f.Add("type\n\"\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, file string) {
		sr, err := csvin.NewSignalReader(strings.NewReader(file))
		if err != nil {
			if baton.ErrorCode(err) != baton.EINVALID {
				t.Fatalf("header: got %v, want EINVALID", err)
			}
			return
		}
		for range 1000 {
			sig, _, err := sr.Next()
			if errors.Is(err, io.EOF) || errors.Is(err, csvin.ErrUnreadable) {
				return
			}
			if err == nil && sig == nil {
				t.Fatal("nil signal without an error")
			}
		}
	})
}
