package web_test

import (
	"bytes"
	"context"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
)

// person is a browser signed in as someone: a cookie jar, no redirects
// followed.
type adminClient struct {
	s *stack
	c *http.Client
}

// signIn gives who (an email local part of the stack's users) a password
// and signs them in by posting the login form.
func (s *stack) signInAdmin(t testing.TB, who string) *adminClient {
	t.Helper()
	email := who + "@t.example"
	pw := "password-of-" + who
	if err := s.svc.SetPassword(context.Background(), email, pw); err != nil {
		t.Fatal(err)
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	p := &adminClient{s: s, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if st, body, _ := p.post(t, "/login", url.Values{"email": {email}, "password": {pw}}); st != http.StatusSeeOther {
		t.Fatalf("sign in as %s: got %d %.200s, want 303", who, st, body)
	}
	return p
}

func (p *adminClient) send(t testing.TB, req *http.Request) (int, string, string) {
	t.Helper()
	res, err := p.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b), res.Header.Get("Location")
}

func (p *adminClient) get(t testing.TB, path string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", p.s.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, body, _ := p.send(t, req)
	return st, body
}

// post posts a form and returns the status, the page and the Location.
func (p *adminClient) post(t testing.TB, path string, form url.Values) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest("POST", p.s.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", formType)
	return p.send(t, req)
}

// upload posts a multipart form with one file.
func (p *adminClient) upload(t testing.TB, path, field, name, content string, form url.Values) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(fw, content)
	mw.Close()
	req, err := http.NewRequest("POST", p.s.srv.URL+path, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	st, body, _ := p.send(t, req)
	return st, body
}

// inputValue returns the value of the input with id in page, unescaped.
func inputValue(t testing.TB, page, id string) string {
	t.Helper()
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `"[^>]*value="([^"]*)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no input #%s with a value in the page: %.600s", id, page)
	}
	return html.UnescapeString(m[1])
}

func TestAdminPagesAreForAdmins(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	id := s.users["sdr2"].ID
	gets := []string{"/admin/team", "/admin/team/" + id, "/admin/tokens", "/admin/playbook", "/admin/outbox"}
	posts := []string{"/admin/team/invite", "/admin/team/" + id, "/admin/team/" + id + "/active", "/admin/team/" + id + "/reset",
		"/admin/tokens", "/admin/playbook", "/admin/playbook/rollback", "/admin/outbox/x/retry"}
	for _, who := range []string{"sdr1", "mgr"} {
		t.Run(who, func(t *testing.T) {
			p := s.signInAdmin(t, who)
			for _, path := range gets {
				if st, _ := p.get(t, path); st != http.StatusForbidden {
					t.Errorf("GET %s: got %d, want 403", path, st)
				}
			}
			for _, path := range posts {
				if st, _, _ := p.post(t, path, url.Values{"active": {"false"}, "version": {"1"}}); st != http.StatusForbidden {
					t.Errorf("POST %s: got %d, want 403", path, st)
				}
			}
			if st, _ := p.get(t, "/account/tokens"); st != http.StatusOK {
				t.Errorf("GET /account/tokens: got %d, want 200", st)
			}
		})
	}
	t.Run("SignedOutGoesToSignIn", func(t *testing.T) {
		if r := s.do(t, "GET", "/admin/team", "", ""); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login?next=") {
			t.Errorf("got %d to %q, want 303 to sign in", r.status, r.header.Get("Location"))
		}
	})
	if u, _ := s.svc.User(context.Background(), id); !u.Active {
		t.Error("a refused POST deactivated sdr2")
	}
}

func TestTeamPage(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	admin := s.signInAdmin(t, "ops")
	ctx := context.Background()

	t.Run("ListsEveryone", func(t *testing.T) {
		st, page := admin.get(t, "/admin/team")
		if st != http.StatusOK {
			t.Fatalf("got %d, want 200", st)
		}
		for _, want := range []string{"Sue Two", "sdr2@t.example", "Europe/London", "Maya Manager", "Otto Ops"} {
			if !strings.Contains(page, want) {
				t.Errorf("the team page lacks %q", want)
			}
		}
	})
	t.Run("InviteShowsALinkThatWorks", func(t *testing.T) {
		st, page, _ := admin.post(t, "/admin/team/invite", url.Values{"email": {"nia@t.example"}, "name": {"Nia New"}, "role": {"ae"},
			"team": {"ae"}, "timezone": {"Europe/Paris"}})
		if st != http.StatusOK {
			t.Fatalf("got %d %.400s, want 200", st, page)
		}
		link := inputValue(t, page, "invite-link")
		path := linkPath(t, link)
		if r := s.do(t, "GET", path, "", ""); r.status != http.StatusOK || !strings.Contains(string(r.body), "Nia New") {
			t.Fatalf("got %s, want the invitation page", r)
		}
		r := s.do(t, "POST", path, "", form("password", "nias-new-password", "confirm", "nias-new-password"), "Content-Type", formType)
		if r.status != http.StatusSeeOther || findCookie(r, "baton_session") == nil {
			t.Errorf("got %s, want signed in", r)
		}
		if st, page := admin.get(t, "/admin/team"); st != http.StatusOK || strings.Contains(page, path) {
			t.Error("the team page shows the invitation link again, want it shown once")
		}
		t.Run("AgainIsAFieldError", func(t *testing.T) {
			st, page, _ := admin.post(t, "/admin/team/invite", url.Values{"email": {"nia@t.example"}, "name": {"Nia Again"}, "role": {"ae"},
				"team": {"ae"}, "timezone": {"Europe/Paris"}})
			if st != http.StatusUnprocessableEntity || !strings.Contains(page, `id="inv-email-err"`) {
				t.Errorf("got %d, want 422 with the error at the email", st)
			}
		})
	})
	t.Run("EditShowsAnInvalidTimeZoneAtTheField", func(t *testing.T) {
		u := s.users["sdr2"]
		st, page, _ := admin.post(t, "/admin/team/"+u.ID, url.Values{"name": {"Sue Two"}, "role": {"sdr"}, "access": {"rep"}, "team": {"sdr"},
			"timezone": {"Mars/Olympus"}, "capacity": {"5"}})
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("got %d, want 422", st)
		}
		if !regexp.MustCompile(`id="f-timezone"[^>]*value="Mars/Olympus"[^>]*aria-invalid="true"`).MatchString(page) ||
			!strings.Contains(page, `<span class="field-error" id="e-timezone">is not an IANA time zone</span>`) {
			t.Errorf("the page lacks the error at the time zone field: %.2000s", page)
		}
		if got, _ := s.svc.User(ctx, u.ID); got.TimeZone != "Europe/London" || got.Capacity != 0 {
			t.Errorf("got %s capacity %d, want nothing saved", got.TimeZone, got.Capacity)
		}
	})
	t.Run("EditSaves", func(t *testing.T) {
		u := s.users["sdr3"]
		st, _, loc := admin.post(t, "/admin/team/"+u.ID, url.Values{"name": {"Sid Three"}, "role": {"sdr"}, "access": {"rep"}, "team": {"sdr"},
			"timezone": {"America/Denver"}, "capacity": {"12"}, "manager_id": {s.users["mgr"].ID},
			"away_from": {"2026-12-24T09:00"}, "away_until": {"2026-12-28T09:00"}})
		if st != http.StatusSeeOther || loc != "/admin/team/"+u.ID+"?saved=1" {
			t.Fatalf("got %d to %q, want 303 to the person", st, loc)
		}
		got, _ := s.svc.User(ctx, u.ID)
		den, _ := time.LoadLocation("America/Denver")
		if got.TimeZone != "America/Denver" || got.Capacity != 12 || !got.AwayFrom.Equal(time.Date(2026, 12, 24, 9, 0, 0, 0, den)) {
			t.Errorf("got %s capacity %d away from %v, want the form saved in Denver time", got.TimeZone, got.Capacity, got.AwayFrom)
		}
	})
	t.Run("DeactivateAndReactivate", func(t *testing.T) {
		id := s.users["sdr1"].ID
		for _, active := range []string{"false", "true"} {
			if st, _, _ := admin.post(t, "/admin/team/"+id+"/active", url.Values{"active": {active}}); st != http.StatusSeeOther {
				t.Fatalf("active=%s: got %d, want 303", active, st)
			}
			got, _ := s.svc.User(ctx, id)
			if want := active == "true"; got.Active != want {
				t.Errorf("got active %v, want %v", got.Active, want)
			}
		}
		if st, _, _ := admin.post(t, "/admin/team/"+s.users["ops"].ID+"/active", url.Values{"active": {"false"}}); st != http.StatusConflict {
			t.Errorf("deactivating oneself: got %d, want 409", st)
		}
	})
	t.Run("ResetLinkShownOnce", func(t *testing.T) {
		st, page, _ := admin.post(t, "/admin/team/"+s.users["mgr"].ID+"/reset", nil)
		if st != http.StatusOK {
			t.Fatalf("got %d, want 200", st)
		}
		path := linkPath(t, inputValue(t, page, "reset-link"))
		if r := s.do(t, "GET", path, "", ""); r.status != http.StatusOK {
			t.Errorf("got %s, want the reset page", r)
		}
	})
}

func TestTeamImport(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	admin := s.signInAdmin(t, "ops")
	ctx := context.Background()
	count := func() int {
		users, err := s.svc.Users(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return len(users)
	}
	before := count()
	const bad = "email,name,role,team,timezone\nann@t.example,Ann,sdr,sdr,UTC\nbob@t.example,Bob,sdr,sdr,Mars/Olympus\n,Nobody,wizard,sdr,UTC\n"
	t.Run("DryRunListsRowErrorsAndWritesNothing", func(t *testing.T) {
		st, page := admin.upload(t, "/admin/team/import", "file", "team.csv", bad, url.Values{"dry_run": {"on"}})
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("got %d, want 422", st)
		}
		for _, want := range []string{"Dry run of team.csv", "3 row(s) processed", "row 3, column timezone", "row 4, column email", "row 4, column role"} {
			if !strings.Contains(page, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		if got := count(); got != before {
			t.Errorf("got %d users, want %d", got, before)
		}
	})
	const good = "email,name,role,team,timezone\nann@t.example,Ann,sdr,sdr,UTC\nsdr1@t.example,Sam One,sdr,sdr,UTC\n"
	t.Run("DryRunOfAGoodFile", func(t *testing.T) {
		st, page := admin.upload(t, "/admin/team/import", "file", "team.csv", good, url.Values{"dry_run": {"on"}})
		if st != http.StatusOK || !strings.Contains(page, "It would create 1 and update 1.") {
			t.Fatalf("got %d, want the counts of a dry run", st)
		}
		if got := count(); got != before {
			t.Errorf("got %d users, want %d", got, before)
		}
	})
	t.Run("Imports", func(t *testing.T) {
		st, page := admin.upload(t, "/admin/team/import", "file", "team.csv", good, nil)
		if st != http.StatusOK || !strings.Contains(page, "Created 1, updated 1.") {
			t.Fatalf("got %d, want the import's counts", st)
		}
		if got := count(); got != before+1 {
			t.Errorf("got %d users, want %d", got, before+1)
		}
	})
}

func TestTokensPage(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	admin := s.signInAdmin(t, "ops")
	st, page, _ := admin.post(t, "/admin/tokens", url.Values{"owner": {s.users["sdr2"].ID}, "name": {"crm sync"}, "days": {"30"}})
	if st != http.StatusOK {
		t.Fatalf("got %d %.300s, want 200", st, page)
	}
	secret := inputValue(t, page, "token-secret")
	if !strings.HasPrefix(secret, "bt_") {
		t.Fatalf("got secret %q, want bt_…", secret)
	}
	t.Run("SecretShownOnce", func(t *testing.T) {
		_, list := admin.get(t, "/admin/tokens")
		if strings.Contains(list, secret) || !strings.Contains(list, "crm sync") || !strings.Contains(list, "Sue Two") {
			t.Error("the tokens page shows the secret again or lacks the token and its owner")
		}
	})
	t.Run("AuthenticatesTheAPI", func(t *testing.T) {
		if r := s.do(t, "GET", "/api/v1/users", secret, ""); r.status != http.StatusOK {
			t.Errorf("got %s, want 200", r)
		}
	})
	toks, err := s.svc.Tokens(context.Background(), "sdr2@t.example")
	if err != nil || len(toks) != 1 {
		t.Fatalf("got %d tokens (%v), want 1", len(toks), err)
	}
	t.Run("OthersCannotRevokeFromTheirAccount", func(t *testing.T) {
		rep := s.signInAdmin(t, "sdr1")
		if st, _, _ := rep.post(t, "/account/tokens/"+toks[0].ID+"/revoke", nil); st != http.StatusNotFound {
			t.Errorf("got %d, want 404", st)
		}
	})
	t.Run("RevokeMakesIt401", func(t *testing.T) {
		if st, _, loc := admin.post(t, "/admin/tokens/"+toks[0].ID+"/revoke", nil); st != http.StatusSeeOther || loc != "/admin/tokens" {
			t.Fatalf("got %d to %q, want 303 to the tokens", st, loc)
		}
		wantError(t, s.do(t, "GET", "/api/v1/users", secret, ""), http.StatusUnauthorized, baton.EUNAUTHORIZED)
	})
	t.Run("OwnTokens", func(t *testing.T) {
		rep := s.signInAdmin(t, "sdr3")
		st, page, _ := rep.post(t, "/account/tokens", url.Values{"name": {"laptop"}, "days": {"0"}, "owner": {s.users["ops"].ID}})
		if st != http.StatusOK {
			t.Fatalf("got %d, want 200", st)
		}
		mine := inputValue(t, page, "token-secret")
		p, err := s.svc.Authenticate(context.Background(), mine)
		if err != nil || p.UserID != s.users["sdr3"].ID {
			t.Errorf("got a token of %q (%v), want sdr3's own whatever the form says", p.UserID, err)
		}
		_, list := rep.get(t, "/account/tokens")
		if strings.Contains(list, "crm sync") || !strings.Contains(list, "laptop") {
			t.Error("got others' tokens on the account page, or not one's own")
		}
	})
	t.Run("BlankNameIsAFieldError", func(t *testing.T) {
		st, page, _ := admin.post(t, "/admin/tokens", url.Values{"owner": {s.users["sdr2"].ID}, "name": {""}})
		if st != http.StatusUnprocessableEntity || !strings.Contains(page, `id="e-t-name"`) {
			t.Errorf("got %d, want 422 with the error at the name", st)
		}
	})
}

// ruleYAML is the default playbook with one routing rule sending Acme
// Robotics to the user with email to.
func ruleYAML(t testing.TB, to string) string {
	t.Helper()
	src := string(playbook.DefaultYAML())
	const empty = "  rules: []\n"
	if !strings.Contains(src, empty) {
		t.Fatal("the default playbook has no empty rules list to replace")
	}
	return strings.Replace(src, empty, `  rules:
    - name: acme
      when: account.domain == "acme-robotics.com"
      to: {users: [`+to+`]}
`, 1)
}

// brokenRule is ruleYAML with a typo in the condition, and the line it is on.
func brokenRule(t testing.TB) (string, int) {
	t.Helper()
	src := strings.Replace(ruleYAML(t, "sdr3@t.example"), "account.domain ==", "account.domian ==", 1)
	for i, l := range strings.Split(src, "\n") {
		if strings.Contains(l, "account.domian") {
			return src, i + 1
		}
	}
	t.Fatal("no broken line")
	return "", 0
}

func TestPlaybookPage(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	admin := s.signInAdmin(t, "ops")
	s.ingest(t, exampleSignal("before")) // something to simulate over
	defaultSrc := string(s.svc.Playbook().Source)

	t.Run("ShowsThePlaybookInForce", func(t *testing.T) {
		st, page := admin.get(t, "/admin/playbook")
		if st != http.StatusOK || !strings.Contains(page, "no version has been published yet") || !strings.Contains(page, `id="v-L1"`) {
			t.Errorf("got %d, want the playbook in force with numbered lines", st)
		}
	})
	t.Run("SaveWithAnErrorShowsLineColumnAndPublishesNothing", func(t *testing.T) {
		src, line := brokenRule(t)
		st, page, _ := admin.post(t, "/admin/playbook", url.Values{"yaml": {src}, "action": {"publish"}})
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("got %d, want 422", st)
		}
		link := regexp.MustCompile(`<a href="#L(\d+)">(\d+):(\d+)</a>: ([^<]*domian[^<]*)</li>`).FindStringSubmatch(page)
		if link == nil || link[1] != link[2] || link[1] != strconv.Itoa(line) {
			t.Fatalf("got problem %q, want a link to line %d naming the typo: %.3000s", link, line, page)
		}
		if !strings.Contains(page, `<li id="L`+strconv.Itoa(line)+`">`) {
			t.Errorf("the page has no numbered line %d to jump to", line)
		}
		if list, _ := s.svc.PlaybookVersions(context.Background()); len(list) != 0 || string(s.svc.Playbook().Source) != defaultSrc {
			t.Errorf("got %d versions or another playbook in force, want nothing published", len(list))
		}
	})
	t.Run("SimulateShowsOwnerChangesAndSpread", func(t *testing.T) {
		st, page, _ := admin.post(t, "/admin/playbook", url.Values{"yaml": {ruleYAML(t, "sdr3@t.example")}, "action": {"simulate"}, "days": {"7"}})
		if st != http.StatusOK || !strings.Contains(page, "Simulation over the last 7 days") || !strings.Contains(page, `class="owner-changes"`) ||
			!strings.Contains(page, `<table class="spread">`) || !strings.Contains(page, "1</strong> signals replayed") {
			t.Errorf("got %d, want the simulation's counts and spread: %.2000s", st, page)
		}
		if list, _ := s.svc.PlaybookVersions(context.Background()); len(list) != 0 {
			t.Errorf("got %d versions after a simulation, want none", len(list))
		}
	})
	// The acceptance test: fix, publish, and the next signal routes by the
	// new rule with no restart.
	t.Run("PublishRoutesTheNextSignal", func(t *testing.T) {
		st, _, loc := admin.post(t, "/admin/playbook", url.Values{"yaml": {ruleYAML(t, "sdr3@t.example")}, "action": {"publish"}, "note": {"Acme to Sid"}})
		if st != http.StatusSeeOther || loc != "/admin/playbook?published=1" {
			t.Fatalf("got %d to %q, want 303 to version 1", st, loc)
		}
		for _, id := range []string{"after1", "after2"} {
			h := s.ingest(t, exampleSignal(id))
			if h.OwnerID != s.users["sdr3"].ID {
				t.Errorf("signal %s: got owner %s, want sdr3 by the new rule", id, h.OwnerID)
			}
		}
	})
	s.clock.Add(time.Minute)
	if st, _, _ := admin.post(t, "/admin/playbook", url.Values{"yaml": {ruleYAML(t, "sdr2@t.example")}, "action": {"publish"}}); st != http.StatusSeeOther {
		t.Fatalf("publish version 2: got %d, want 303", st)
	}
	if h := s.ingest(t, exampleSignal("v2")); h.OwnerID != s.users["sdr2"].ID {
		t.Errorf("got owner %s, want sdr2 by version 2", h.OwnerID)
	}
	t.Run("VersionsListedWithAuthor", func(t *testing.T) {
		_, page := admin.get(t, "/admin/playbook")
		if n := strings.Count(page, `<td class="author">Otto Ops</td>`); n != 2 {
			t.Errorf("got %d versions by Otto Ops, want 2", n)
		}
		if !strings.Contains(page, "version 2</strong>") || !strings.Contains(page, "Acme to Sid") {
			t.Error("the page does not say version 2 is in force, or lacks version 1's note")
		}
	})
	t.Run("RollbackRestores", func(t *testing.T) {
		st, _, loc := admin.post(t, "/admin/playbook/rollback", url.Values{"version": {"1"}})
		if st != http.StatusSeeOther || loc != "/admin/playbook?published=3" {
			t.Fatalf("got %d to %q, want 303 to version 3", st, loc)
		}
		if h := s.ingest(t, exampleSignal("rolled")); h.OwnerID != s.users["sdr3"].ID {
			t.Errorf("got owner %s, want sdr3 by version 1's rule", h.OwnerID)
		}
		_, page := admin.get(t, "/admin/playbook")
		if !strings.Contains(page, "rollback to version 1") {
			t.Error("the versions lack the rollback's note")
		}
	})
}

func TestOutboxPage(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	admin := s.signInAdmin(t, "ops")
	ctx := context.Background()
	h := s.ingest(t, exampleSignal("ob1"))
	claimed, err := s.svc.ClaimMessages(ctx, time.Minute, 10)
	if err != nil || len(claimed) == 0 {
		t.Fatalf("got %d messages (%v), want some", len(claimed), err)
	}
	m := claimed[0]
	m.Status, m.Attempts, m.LastError = baton.MessageFailed, 8, "502 from the webhook"
	if err := s.svc.SettleMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	st, page := admin.get(t, "/admin/outbox")
	if st != http.StatusOK {
		t.Fatalf("got %d, want 200", st)
	}
	for _, want := range []string{"502 from the webhook", `href="/handoffs/` + h.ID + `"`, m.Kind, `action="/admin/outbox/` + m.ID + `/retry"`, "failed (1)"} {
		if !strings.Contains(page, want) {
			t.Errorf("the failed tab lacks %q", want)
		}
	}
	t.Run("RetryMovesItToPending", func(t *testing.T) {
		st, _, loc := admin.post(t, "/admin/outbox/"+m.ID+"/retry", nil)
		if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/outbox?status=failed") {
			t.Fatalf("got %d to %q, want 303 to the failed tab", st, loc)
		}
		pending, err := s.svc.Outbox(ctx, baton.MessagePending, 0, 200)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, p := range pending.Messages {
			found = found || p.ID == m.ID
		}
		if !found || pending.Counts[baton.MessageFailed] != 0 {
			t.Errorf("got the message pending %v and %d failed, want pending and none failed", found, pending.Counts[baton.MessageFailed])
		}
		_, page := admin.get(t, "/admin/outbox?status=pending")
		if !strings.Contains(page, "502 from the webhook") {
			t.Error("the pending tab lacks the retried message")
		}
	})
	t.Run("RetryingAgainIs409", func(t *testing.T) {
		if st, _, _ := admin.post(t, "/admin/outbox/"+m.ID+"/retry", nil); st != http.StatusConflict {
			t.Errorf("got %d, want 409", st)
		}
	})
}
