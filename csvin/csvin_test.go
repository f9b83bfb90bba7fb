package csvin_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/csvin"
)

var (
	cols = csvin.Columns{Required: []string{"email", "name"}, Optional: []string{"age", "active"}}
	lim  = csvin.Limits{MaxBytes: 1 << 20, MaxRows: 5, MaxErrors: 3}
)

// cells returns each row's number and cells, as the table read them.
func cells(t *csvin.Table, cols ...string) [][]string {
	var out [][]string
	for _, r := range t.Rows {
		row := []string{fmt.Sprint(r.Row)}
		for _, c := range cols {
			v, ok := r.Cell(c)
			if !ok {
				v = "<none>"
			}
			row = append(row, v)
		}
		out = append(out, row)
	}
	return out
}

func TestRead(t *testing.T) {
	t.Parallel()
	t.Run("ReadsColumnsInAnyOrderTrimmedSkippingBlankRows", func(t *testing.T) {
		t.Parallel()
		tab, err := csvin.Read(strings.NewReader("\uFEFF Name ,EMAIL\r\n Ana , a@x.example \r\n,\r\nBo,b@x.example\r\n"), cols, lim)
		if err != nil {
			t.Fatal(err)
		}
		want := [][]string{{"2", "a@x.example", "Ana", "<none>"}, {"4", "b@x.example", "Bo", "<none>"}}
		if diff := cmp.Diff(want, cells(tab, "email", "name", "age")); diff != "" {
			t.Errorf("rows (-want +got):\n%s", diff)
		}
		if !tab.Has("name") || tab.Has("age") {
			t.Errorf("got Has(name)=%v Has(age)=%v, want true, false", tab.Has("name"), tab.Has("age"))
		}
		if e := tab.Errors(); e.Len() != 0 {
			t.Errorf("got %d errors, want none", e.Len())
		}
	})

	t.Run("HeaderErrorsComeTogether", func(t *testing.T) {
		t.Parallel()
		_, err := csvin.Read(strings.NewReader("email,email,,height\n"), cols, csvin.Limits{MaxBytes: 1 << 20, MaxRows: 5})
		want := []baton.FieldError{
			{Field: "row 1: email", Message: "appears more than once"},
			{Field: "row 1", Message: "column 3 has no name"},
			{Field: "row 1: height", Message: "is not a known column (known columns: email, name, age, active)"},
			{Field: "row 1: name", Message: "is a required column and is missing"},
		}
		var e *baton.Error
		if !errors.As(err, &e) || e.Code != baton.EINVALID {
			t.Fatalf("got %v, want EINVALID", err)
		}
		if diff := cmp.Diff(want, e.Fields); diff != "" {
			t.Errorf("fields (-want +got):\n%s", diff)
		}
		if errors.Is(err, csvin.ErrUnreadable) {
			t.Errorf("got ErrUnreadable for a header error, want a plain EINVALID")
		}
	})

	t.Run("RowWithWrongCellCountIsARowError", func(t *testing.T) {
		t.Parallel()
		tab, err := csvin.Read(strings.NewReader("email,name\na@x.example\nb@x.example,Bo\n"), cols, lim)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(tab.Rows); got != 1 {
			t.Errorf("got %d rows, want 1", got)
		}
		errs := tab.Errors()
		got := baton.ErrorMessage(errs.Err())
		if want := "row 2: has 1 cells; the header has 2; nothing was imported"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})

	t.Run("ErrorsOfATableAreACopy", func(t *testing.T) {
		t.Parallel()
		tab, err := csvin.Read(strings.NewReader("email,name\na@x.example,A\n"), cols, lim)
		if err != nil {
			t.Fatal(err)
		}
		errs := tab.Errors()
		errs.Add(2, "name", "is wrong")
		if n := tab.Errors(); n.Len() != 0 {
			t.Errorf("got %d errors in the table after adding to a copy, want 0", n.Len())
		}
	})

	t.Run("RefusesUnreadableFiles", func(t *testing.T) {
		t.Parallel()
		for _, tt := range []struct {
			name, file string
			lim        csvin.Limits
			want       string
		}{
			{"Empty", "", lim, "the file is empty: expected a header row such as email,name"},
			{"BareQuote", "email,name\na@x.example,A \"the\" rep\n", lim, `the file is not valid CSV: parse error on line 2, column 15: bare " in non-quoted-field`},
			{"Binary", "\x89PNG\r\n\x1a\n\x00\x00", lim, "the file is not UTF-8 text: save it as CSV (UTF-8)"},
			{"TooManyRows", "email,name\n" + strings.Repeat("a@x.example,A\n", 6), lim, "the file has more than 5 rows: split it"},
			{"TooLargeInMiB", "email,name\n" + strings.Repeat("x", 1<<20), lim, "the file is larger than 1048576 bytes (1 MiB): split it"},
			{"TooLarge", "email,name\n" + strings.Repeat("x", 100), csvin.Limits{MaxBytes: 100, MaxRows: 5}, "the file is larger than 100 bytes: split it"},
		} {
			_, err := csvin.Read(strings.NewReader(tt.file), cols, tt.lim)
			if !errors.Is(err, csvin.ErrUnreadable) || baton.ErrorCode(err) != baton.EINVALID {
				t.Errorf("%s: got %v, want EINVALID joined with ErrUnreadable", tt.name, err)
			}
			if got := baton.ErrorMessage(err); got != tt.want {
				t.Errorf("%s: got message %q, want %q", tt.name, got, tt.want)
			}
		}
	})
}

func TestErrors(t *testing.T) {
	t.Parallel()
	t.Run("NoneIsNil", func(t *testing.T) {
		t.Parallel()
		var e csvin.Errors
		if err := e.Err(); err != nil {
			t.Errorf("got %v, want nil", err)
		}
	})

	t.Run("SortedByRowAndCappedAtTheLimit", func(t *testing.T) {
		t.Parallel()
		tab, err := csvin.Read(strings.NewReader("email,name\n"), cols, lim)
		if err != nil {
			t.Fatal(err)
		}
		e := tab.Errors()
		e.Add(9, "name", "is late")
		e.Value(3, "email", "nope", "is not an email address")
		e.Add(3, "", "is odd")
		e.Value(5, "name", "", "is required")
		var be *baton.Error
		if !errors.As(e.Err(), &be) {
			t.Fatalf("got %v, want a *baton.Error", e.Err())
		}
		want := &baton.Error{Code: baton.EINVALID, Message: "the file has 4 errors (the first 3 are listed); nothing was imported",
			Fields: []baton.FieldError{
				{Field: "row 3: email", Message: `"nope" is not an email address`},
				{Field: "row 3", Message: "is odd"},
				{Field: "row 5: name", Message: "is required"},
			}}
		if diff := cmp.Diff(want, be); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})

	t.Run("ZeroValueListsAll", func(t *testing.T) {
		t.Parallel()
		var e csvin.Errors
		for row := range 5 {
			e.Add(row+2, "name", "is wrong")
		}
		if got, want := baton.ErrorMessage(e.Err()), "the file has 5 errors; nothing was imported"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})

	t.Run("QuoteClipsHugeCells", func(t *testing.T) {
		t.Parallel()
		got := csvin.Quote(strings.Repeat("é", 40)) // 80 bytes
		if want := `"` + strings.Repeat("é", 30) + `…"`; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	})

	t.Run("FormatError", func(t *testing.T) {
		t.Parallel()
		for _, tt := range []struct {
			in   baton.FieldError
			want string
		}{
			{baton.FieldError{Field: "row 7: timezone", Message: "is wrong"}, "row 7, column timezone: is wrong"},
			{baton.FieldError{Field: "row 7", Message: "is odd"}, "row 7: is odd"},
		} {
			if got := csvin.FormatError(tt.in); got != tt.want {
				t.Errorf("FormatError(%v): got %q, want %q", tt.in, got, tt.want)
			}
		}
	})
}

// parsed is what Cells read from one row, with the errors found.
type parsed struct {
	Name, Role string
	Age        int
	Active     bool
	Email      string
	HasEmail   bool
	From, To   time.Time
	Errors     []baton.FieldError
}

func TestCells(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	all := csvin.Columns{Optional: []string{"name", "role", "age", "active", "email", "from", "to"}}
	// Every column starts from a value, so that a missing column shows it
	// is left alone.
	start := parsed{Name: "keep", Role: "keep", Age: 7, Active: true, From: time.Unix(1, 0).UTC(), To: time.Unix(1, 0).UTC()}
	for _, tt := range []struct {
		name, file string
		want       parsed
	}{
		{"MissingColumnsKeepTheirValues", "name\nAna\n",
			parsed{Name: "Ana", Role: "keep", Age: 7, Active: true, From: start.From, To: start.To}},
		{"EmptyCellsClear", "name,role,age,active,email,from,to\n,,,,,, x\n",
			parsed{Active: true, HasEmail: true, To: start.To, Errors: []baton.FieldError{
				{Field: "row 2: to", Message: `"x" is not a time: use a date (2026-12-24) or an RFC 3339 time (2026-12-24T09:00:00Z)`}}}},
		{"TypedValues", "name,role,age,active,email,from,to\nAna,SDR,42,no,Ana@X.example,2026-12-24,2026-12-24\n",
			parsed{Name: "Ana", Role: "sdr", Age: 42, Email: "ana@x.example", HasEmail: true,
				From: time.Date(2026, 12, 24, 5, 0, 0, 0, time.UTC), To: time.Date(2026, 12, 25, 5, 0, 0, 0, time.UTC)}},
		{"RFC3339TimesAreUTC", "from\n2026-12-24T09:00:00+01:00\n",
			parsed{Name: "keep", Role: "keep", Age: 7, Active: true, From: time.Date(2026, 12, 24, 8, 0, 0, 0, time.UTC), To: start.To}},
		{"BadValuesAreCellErrors", "name,age,active,email\n" + strings.Repeat("n", 11) + ",4.5,maybe,not-an-email\n",
			parsed{Name: "keep", Role: "keep", Age: 7, Active: true, HasEmail: true, From: start.From, To: start.To, Errors: []baton.FieldError{
				{Field: "row 2: name", Message: "must be at most 10 bytes"},
				{Field: "row 2: age", Message: `"4.5" is not a whole number`},
				{Field: "row 2: active", Message: `"maybe" must be true or false`},
				{Field: "row 2: email", Message: `"not-an-email" is not an email address`},
			}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tab, err := csvin.Read(strings.NewReader(tt.file), all, lim)
			if err != nil {
				t.Fatal(err)
			}
			var errs csvin.Errors
			got := start
			p := tab.Rows[0].Cells(&errs)
			p.Text("name", &got.Name, 10)
			p.Lower("role", &got.Role, 0)
			p.Int("age", &got.Age)
			p.Bool("active", &got.Active, true)
			got.Email, got.HasEmail = p.Email("email")
			p.Time("from", &got.From, ny, false)
			p.Time("to", &got.To, ny, true)
			var be *baton.Error
			if errors.As(errs.Err(), &be) {
				got.Errors = be.Fields
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}
