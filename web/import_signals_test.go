package web_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// leadsCSV is a file of n demo requests from different companies.
func leadsCSV(n int) string {
	var b strings.Builder
	b.WriteString("external_id,type,email,company,domain,employees\n")
	for i := range n {
		fmt.Fprintf(&b, "lead-%d,demo_request,buyer%d@lead%d.example,Lead %d,lead%d.example,%d\n", i, i, i, i, i, 100+i)
	}
	return b.String()
}

func TestImportSignalsAPI(t *testing.T) {
	t.Parallel()
	s := newStack(t)

	t.Run("RowErrorsAre422AndWriteNothing", func(t *testing.T) {
		file := "external_id,type,email\nx1,demo_request,a@x.example\nx2,teleport,b@x.example\nx3,demo_request,nope\n"
		wantError(t, s.postCSV(t, "/api/v1/signals/import", s.manager, file), http.StatusUnprocessableEntity, baton.EINVALID,
			"row 3: type", "row 4: contact.email")
		r := s.do(t, "GET", "/api/v1/handoffs", s.admin, "")
		if strings.Contains(string(r.body), "a@x.example") {
			t.Errorf("a refused import wrote a handoff: %.300s", r.body)
		}
	})

	t.Run("DryRunThenImportThenAgain", func(t *testing.T) {
		file := leadsCSV(7)
		r := s.postCSV(t, "/api/v1/signals/import?dry_run=true", s.manager, file)
		if diff := cmp.Diff(service.SignalImportResult{Rows: 7, DryRun: true}, decode[service.SignalImportResult](t, r)); r.status != http.StatusOK || diff != "" {
			t.Fatalf("dry run: got %s (-want +got):\n%s", r, diff)
		}
		r = s.postCSV(t, "/api/v1/signals/import", s.manager, file)
		if diff := cmp.Diff(service.SignalImportResult{Rows: 7, Created: 7}, decode[service.SignalImportResult](t, r)); r.status != http.StatusOK || diff != "" {
			t.Fatalf("import: got %s (-want +got):\n%s", r, diff)
		}
		r = s.postCSV(t, "/api/v1/signals/import", s.manager, file)
		if diff := cmp.Diff(service.SignalImportResult{Rows: 7, Duplicates: 7}, decode[service.SignalImportResult](t, r)); r.status != http.StatusOK || diff != "" {
			t.Fatalf("again: got %s (-want +got):\n%s", r, diff)
		}
	})

	t.Run("BadRequests", func(t *testing.T) {
		wantError(t, s.postCSV(t, "/api/v1/signals/import?dry_run=maybe", s.manager, leadsCSV(1)), http.StatusBadRequest, baton.EINVALID, "dry_run")
		wantError(t, s.postCSV(t, "/api/v1/signals/import", s.manager, "external_id,type\n\"x,demo_request\n"), http.StatusBadRequest, baton.EINVALID, "row 2")
		r := s.do(t, "POST", "/api/v1/signals/import", s.manager, leadsCSV(1), "Content-Type", "application/json")
		if r.status != http.StatusBadRequest {
			t.Errorf("JSON body: got %s, want 400", r)
		}
		if r := s.postCSV(t, "/api/v1/signals/import", s.rep, leadsCSV(1)); r.status != http.StatusForbidden {
			t.Errorf("a rep's token: got %s, want 403", r)
		}
	})
}

// startSignalImport uploads file (as leads.csv, with the form's other
// fields) from the Team page as admin, waits for the import to finish and
// returns its page's path.
func startSignalImport(t *testing.T, s *stack, admin *adminClient, file string, form url.Values) string {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, err := mw.CreateFormFile("file", "leads.csv")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(fw, file)
	mw.Close()
	req, err := http.NewRequest("POST", s.srv.URL+"/admin/imports/signals", &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	st, body, loc := admin.send(t, req)
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/imports/") {
		t.Fatalf("got %d %s %.200s, want a 303 to the import's page", st, loc, body)
	}
	if !s.web.WaitSignalImport(strings.TrimPrefix(loc, "/admin/imports/")) {
		t.Fatalf("no import at %s", loc)
	}
	return loc
}

func TestImportSignalsPage(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	admin := s.signInAdmin(t, "ops")
	start := func(t *testing.T, file string, form url.Values) string {
		t.Helper()
		loc := startSignalImport(t, s, admin, file, form)
		st, page := admin.get(t, loc)
		if st != http.StatusOK {
			t.Fatalf("GET %s: got %d, want 200", loc, st)
		}
		return page
	}

	t.Run("ImportShowsTheFullBarAndTheCounts", func(t *testing.T) {
		page := start(t, leadsCSV(5), nil)
		for _, want := range []string{`<progress id="import-progress" max="5" value="5"`, "5 of 5 rows (100 %)", "<dt>Handoffs created</dt><dd>5</dd>"} {
			if !strings.Contains(page, want) {
				t.Errorf("the page lacks %q:\n%s", want, page)
			}
		}
	})

	t.Run("DryRunWithRowErrors", func(t *testing.T) {
		page := start(t, "type,email\ndemo_request,a@y.example\ndemo_request,nope\n", url.Values{"dry_run": {"on"}})
		for _, want := range []string{"Dry run of leads.csv", "1 error in the file; nothing was imported", "row 3, column contact.email"} {
			if !strings.Contains(page, want) {
				t.Errorf("the page lacks %q:\n%s", want, page)
			}
		}
	})

	t.Run("UnknownImportIs404", func(t *testing.T) {
		if st, _ := admin.get(t, "/admin/imports/nope"); st != http.StatusNotFound {
			t.Errorf("got %d, want 404", st)
		}
	})
}
