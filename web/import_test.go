package web_test

import (
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

func testdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("../testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// postCSV posts a CSV body as text/csv.
func (s *stack) postCSV(t testing.TB, path, token, body string, hdr ...string) reply {
	t.Helper()
	return s.do(t, "POST", path, token, body, append([]string{"Content-Type", "text/csv; charset=utf-8"}, hdr...)...)
}

func TestImportUsersAndAccounts(t *testing.T) {
	t.Parallel()

	t.Run("ImportsTheTestdataFiles", func(t *testing.T) {
		t.Parallel()
		s := newStack(t)
		r := s.postCSV(t, "/api/v1/users/import", s.manager, testdata(t, "users.csv"))
		if r.status != http.StatusOK {
			t.Fatalf("got %s, want 200", r)
		}
		if diff := cmp.Diff(service.ImportResult{Created: 5}, decode[service.ImportResult](t, r)); diff != "" {
			t.Errorf("users import (-want +got):\n%s", diff)
		}
		r = s.postCSV(t, "/api/v1/accounts/import", s.admin, testdata(t, "accounts.csv"), "Content-Type", "application/octet-stream")
		if r.status != http.StatusOK {
			t.Fatalf("got %s, want 200", r)
		}
		if diff := cmp.Diff(service.ImportResult{Created: 4}, decode[service.ImportResult](t, r)); diff != "" {
			t.Errorf("accounts import (-want +got):\n%s", diff)
		}
		// Again: the same rows update.
		r = s.postCSV(t, "/api/v1/users/import", s.manager, testdata(t, "users.csv"))
		if diff := cmp.Diff(service.ImportResult{Updated: 5}, decode[service.ImportResult](t, r)); r.status != http.StatusOK || diff != "" {
			t.Errorf("users re-import: got %s (-want +got):\n%s", r, diff)
		}
		users := call[struct{ Users []*baton.User }](t, s, "GET", "/api/v1/users", s.rep, nil, http.StatusOK).Users
		if got, want := len(users), 5+5; got != want {
			t.Errorf("got %d users, want %d", got, want)
		}
	})

	t.Run("RowErrorsAre422AndWriteNothing", func(t *testing.T) {
		t.Parallel()
		s := newStack(t)
		file := "email,name,role,team,timezone\n" +
			"a@x.example,A,sdr,sdr,UTC\n" +
			"b@x.example,B,sdr,sdr,Mars/Base\n" +
			"c@x.example,C,sdr,sdr,UTC\n" +
			"d@x.example,D,sdr,sdr,UTC\n" +
			"e@x.example,E,sdr,sdr,UTC\n" +
			"f@x.example,F,wizard,sdr,UTC\n"
		e := wantError(t, s.postCSV(t, "/api/v1/users/import", s.manager, file), http.StatusUnprocessableEntity, baton.EINVALID,
			"row 3: timezone", "row 7: role")
		if got, want := e.Error.Fields[0].Message, `"Mars/Base" is not an IANA time zone`; got != want {
			t.Errorf("got message %q, want %q", got, want)
		}
		users := call[struct{ Users []*baton.User }](t, s, "GET", "/api/v1/users", s.rep, nil, http.StatusOK).Users
		if slices.ContainsFunc(users, func(u *baton.User) bool { return strings.HasSuffix(u.Email, "@x.example") }) {
			t.Errorf("a failed import wrote users: %v", users)
		}
		wantError(t, s.postCSV(t, "/api/v1/accounts/import", s.manager, "name,arr\nAcme,1\n"), http.StatusUnprocessableEntity,
			baton.EINVALID, "row 1: arr")
	})

	t.Run("UnreadableBodiesAre400", func(t *testing.T) {
		t.Parallel()
		s := newStack(t)
		for _, tt := range []struct {
			name, body string
			hdr        []string
		}{
			{"JSONContentType", `{"email":"a@x.example"}`, []string{"Content-Type", "application/json"}},
			{"Empty", "", nil},
			{"BareQuote", "name\nA \"B\" C\n", nil},
			{"Binary", "\x89PNG\r\n\x1a\n\x00", nil},
			{"TooLarge", "name\n" + strings.Repeat("a", service.MaxImportBytes), nil},
		} {
			t.Run(tt.name, func(t *testing.T) {
				wantError(t, s.postCSV(t, "/api/v1/accounts/import", s.manager, tt.body, tt.hdr...), http.StatusBadRequest, baton.EINVALID)
			})
		}
	})

	t.Run("NeedsAManagerToken", func(t *testing.T) {
		t.Parallel()
		s := newStack(t)
		for _, path := range []string{"/api/v1/users/import", "/api/v1/accounts/import"} {
			wantError(t, s.postCSV(t, path, "", testdata(t, "users.csv")), http.StatusUnauthorized, baton.EUNAUTHORIZED)
			wantError(t, s.postCSV(t, path, s.rep, testdata(t, "users.csv")), http.StatusForbidden, baton.EFORBIDDEN)
		}
		users := call[struct{ Users []*baton.User }](t, s, "GET", "/api/v1/users", s.rep, nil, http.StatusOK).Users
		if got, want := len(users), 5; got != want {
			t.Errorf("got %d users after refused imports, want %d", got, want)
		}
	})
}

// TestImportUsersWarnsAboutUnroutedTeams: a user in a team the playbook
// never routes to is imported, and the answer names the row.
func TestImportUsersWarnsAboutUnroutedTeams(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	body := "email,name,role,team,timezone\n" +
		"ana@w.example,Ana,sdr,sdr,America/New_York\n" +
		"ben@w.example,Ben,sdr,sdr_na,America/New_York\n"
	r := s.postCSV(t, "/api/v1/users/import", s.manager, body)
	if r.status != http.StatusOK {
		t.Fatalf("got %s, want 200", r)
	}
	type warning struct {
		Row     int    `json:"row"`
		Column  string `json:"column"`
		Message string `json:"message"`
	}
	got := decode[struct {
		Created  int       `json:"created"`
		Warnings []warning `json:"warnings"`
	}](t, r)
	if got.Created != 2 || len(got.Warnings) != 1 {
		t.Fatalf("got %s, want 2 created and one warning", r)
	}
	if w := got.Warnings[0]; w.Row != 3 || w.Column != "team" || !strings.Contains(w.Message, `"sdr_na"`) {
		t.Errorf("got warning %+v, want row 3, column team, naming sdr_na", w)
	}
}
