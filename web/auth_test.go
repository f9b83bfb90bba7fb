package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/web"
)

// linkPath returns the path of a one-time link URL.
func linkPath(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || !strings.HasPrefix(u.Path, "/login/link/") {
		t.Fatalf("got link %q, want …/login/link/CODE", raw)
	}
	return u.Path
}

func form(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v.Encode()
}

const formType = "application/x-www-form-urlencoded"

func TestSessionCookie(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.svc.SetPublicURL("https://baton.t.example")
	secret := "correct-horse-battery"
	if err := s.svc.SetPassword(context.Background(), "mgr@t.example", secret); err != nil {
		t.Fatal(err)
	}
	r := s.login(t, "mgr@t.example", secret, "")
	c := findCookie(r, "baton_session")
	if c == nil || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
		t.Fatalf("got %+v, want a Secure, HttpOnly, SameSite=Lax baton_session for / with an https public URL", c)
	}
	t.Run("SignInRotatesTheSessionID", func(t *testing.T) {
		r2 := s.do(t, "POST", "/login", "", form("email", "mgr@t.example", "password", secret), "Content-Type", formType, "Cookie", c.String())
		c2 := findCookie(r2, "baton_session")
		if c2 == nil || c2.Value == c.Value {
			t.Fatalf("got %+v, want a new session id", c2)
		}
		if r := s.do(t, "GET", "/", "", "", "Cookie", c.String()); r.status != http.StatusSeeOther {
			t.Errorf("the session from before signing in again: got %d, want 303 to sign in", r.status)
		}
		c = c2
	})
	t.Run("LogoutEndsTheSession", func(t *testing.T) {
		r := s.do(t, "POST", "/logout", "", "", "Cookie", c.String())
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/login" {
			t.Fatalf("got %s, want 303 to /login", r)
		}
		if gone := findCookie(r, "baton_session"); gone == nil || gone.MaxAge >= 0 {
			t.Errorf("got %+v, want the cookie cleared", gone)
		}
		if r := s.do(t, "GET", "/", "", "", "Cookie", c.String()); r.status != http.StatusSeeOther {
			t.Errorf("after logout: got %d, want 303 to sign in", r.status)
		}
	})
	t.Run("SignOutEverywhere", func(t *testing.T) {
		a := findCookie(s.login(t, "mgr@t.example", secret, ""), "baton_session")
		b := findCookie(s.login(t, "mgr@t.example", secret, ""), "baton_session")
		if r := s.do(t, "POST", "/account/sessions/revoke", "", "", "Cookie", a.String()); r.status != http.StatusSeeOther {
			t.Fatalf("got %s, want 303", r)
		}
		if r := s.do(t, "GET", "/", "", "", "Cookie", b.String()); r.status != http.StatusSeeOther {
			t.Errorf("the other browser: got %d, want 303 to sign in", r.status)
		}
	})
}

func TestCrossOriginPostsAreRefused(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	secret, _, err := s.svc.SignInVerified(context.Background(), "sdr1@t.example", baton.SignInOIDC)
	if err != nil {
		t.Fatal(err)
	}
	cookie := "baton_session=" + secret
	for _, tc := range []struct {
		name string
		hdr  []string
	}{
		{"SecFetchSiteCrossSite", []string{"Sec-Fetch-Site", "cross-site"}},
		{"ForeignOrigin", []string{"Origin", "https://evil.example"}},
	} {
		for _, path := range []string{"/logout", "/account/sessions/revoke", "/login"} {
			r := s.do(t, "POST", path, "", "", append([]string{"Cookie", cookie}, tc.hdr...)...)
			if r.status != http.StatusForbidden {
				t.Errorf("%s POST %s: got %d, want 403", tc.name, path, r.status)
			}
		}
	}
	if _, err := s.svc.Session(context.Background(), secret); err != nil {
		t.Fatalf("a refused cross-site post ended the session: %v", err)
	}
	r := s.do(t, "POST", "/logout", "", "", "Cookie", cookie, "Sec-Fetch-Site", "same-origin")
	if r.status != http.StatusSeeOther {
		t.Errorf("same-origin logout: got %d, want 303", r.status)
	}
}

func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	for range baton.MaxFailuresPerAccount {
		if r := s.login(t, "sdr2@t.example", "wrong-password", ""); r.status != http.StatusUnauthorized {
			t.Fatalf("got %d, want 401", r.status)
		}
	}
	r := s.login(t, "sdr2@t.example", "wrong-password", "")
	if r.status != http.StatusTooManyRequests || !strings.Contains(string(r.body), "Email or password is incorrect.") {
		t.Errorf("got %s, want 429 with the generic message", r)
	}
}

func TestInvitation(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	id := s.users["sdr3"].ID
	t.Run("RepCannotInvite", func(t *testing.T) {
		wantError(t, s.do(t, "POST", "/api/v1/users/"+id+"/invite", s.rep, ""), http.StatusForbidden, baton.EFORBIDDEN)
	})
	inv := call[map[string]any](t, s, "POST", "/api/v1/users/"+id+"/invite", s.admin, nil, http.StatusCreated)
	path := linkPath(t, inv["url"].(string))
	page := s.do(t, "GET", path, "", "")
	if page.status != http.StatusOK || !strings.Contains(string(page.body), "Welcome to Baton, Sid Three") || page.header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("got %s, want the invitation page", page)
	}
	for _, tc := range []struct{ name, pw, confirm string }{
		{"TooShort", "short", "short"},
		{"Mismatch", "long-enough-1", "long-enough-2"},
	} {
		if r := s.do(t, "POST", path, "", form("password", tc.pw, "confirm", tc.confirm), "Content-Type", formType); r.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: got %d, want 422", tc.name, r.status)
		}
	}
	r := s.do(t, "POST", path, "", form("password", "sids-new-password", "confirm", "sids-new-password"), "Content-Type", formType)
	if r.status != http.StatusSeeOther || findCookie(r, "baton_session") == nil {
		t.Fatalf("got %s, want 303 with a session", r)
	}
	t.Run("WorksOnce", func(t *testing.T) {
		for _, m := range []string{"GET", "POST"} {
			r := s.do(t, m, path, "", form("password", "another-password", "confirm", "another-password"), "Content-Type", formType)
			if r.status != http.StatusGone {
				t.Errorf("%s a used link: got %d, want 410", m, r.status)
			}
		}
	})
	t.Run("PasswordWorks", func(t *testing.T) {
		if r := s.login(t, "sdr3@t.example", "sids-new-password", ""); r.status != http.StatusSeeOther {
			t.Errorf("got %s, want signed in", r)
		}
	})
	t.Run("Expires", func(t *testing.T) {
		inv := call[map[string]any](t, s, "POST", "/api/v1/users/"+s.users["sdr2"].ID+"/reset", s.admin, nil, http.StatusCreated)
		path := linkPath(t, inv["url"].(string))
		s.clock.Add(baton.ResetTTL)
		if r := s.do(t, "GET", path, "", ""); r.status != http.StatusGone {
			t.Errorf("an expired reset link: got %d, want 410", r.status)
		}
	})
}

func TestTokenActsAsItsUser(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	h := s.ingest(t, exampleSignal("tok1"))
	call[handoffReply](t, s, "POST", "/api/v1/handoffs/"+h.ID+"/reassign", s.manager, map[string]any{"to": s.users["sdr3"].ID, "reason": "covering"}, http.StatusOK)
	v, err := s.svc.Handoff(context.Background(), h.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := v.Events[len(v.Events)-1]
	if want := "user:" + s.users["mgr"].ID; last.Actor != want {
		t.Errorf("got actor %q, want %q", last.Actor, want)
	}
	t.Run("RevokedTokenIs401", func(t *testing.T) {
		tok, secret, err := s.svc.CreateToken(context.Background(), "sdr2@t.example", "laptop", 0)
		if err != nil {
			t.Fatal(err)
		}
		call[map[string]any](t, s, "GET", "/api/v1/users", secret, nil, http.StatusOK)
		// Revoked without this server (as another node or the baton
		// command would): refused once its cached authentication expires.
		if _, err := s.svc.RevokeToken(context.Background(), tok.ID); err != nil {
			t.Fatal(err)
		}
		s.clock.Add(web.TokenCacheTTL)
		wantError(t, s.do(t, "GET", "/api/v1/users", secret, ""), http.StatusUnauthorized, baton.EUNAUTHORIZED)
	})
	t.Run("ExpiredTokenIs401", func(t *testing.T) {
		_, secret, err := s.svc.CreateToken(context.Background(), "sdr2@t.example", "ci", 1)
		if err != nil {
			t.Fatal(err)
		}
		wantError(t, s.do(t, "GET", "/api/v1/users", secret, ""), http.StatusUnauthorized, baton.EUNAUTHORIZED)
	})
}

func TestOIDC(t *testing.T) {
	t.Parallel()
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })
	s := newStack(t)
	s.svc.SetPublicURL(s.srv.URL)
	cfg := m.Config()
	if err := s.web.EnableOIDC(context.Background(), web.OIDCConfig{Issuer: cfg.Issuer, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret}); err != nil {
		t.Fatal(err)
	}
	browser := func(t *testing.T) *http.Client {
		jar, err := cookiejar.New(nil)
		if err != nil {
			t.Fatal(err)
		}
		return &http.Client{Jar: jar}
	}
	get := func(t *testing.T, c *http.Client, path string) (*http.Response, string) {
		t.Helper()
		resp, err := c.Get(s.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	t.Run("KnownVerifiedEmailSignsIn", func(t *testing.T) {
		m.QueueUser(&mockoidc.MockUser{Subject: "sub-1", Email: "SDR1@T.example", EmailVerified: true})
		c := browser(t)
		if _, body := get(t, c, "/login"); !strings.Contains(body, "/auth/oidc/start") {
			t.Fatalf("the sign-in page offers no single sign-on: %s", body)
		}
		resp, body := get(t, c, "/auth/oidc/start?next=%2Fhandoffs%2Fnone")
		if resp.StatusCode != http.StatusNotFound || resp.Request.URL.Path != "/handoffs/none" {
			t.Fatalf("got %d at %s, want signed in and sent on to /handoffs/none (404): %.300s", resp.StatusCode, resp.Request.URL, body)
		}
		resp, body = get(t, c, "/")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Signed in as Sam One") {
			t.Errorf("got %d at %s, want the index as Sam One", resp.StatusCode, resp.Request.URL)
		}
	})
	t.Run("UnknownEmailGetsAClearPageAndNoUser", func(t *testing.T) {
		m.QueueUser(&mockoidc.MockUser{Subject: "sub-2", Email: "stranger@elsewhere.example", EmailVerified: true})
		resp, body := get(t, browser(t), "/auth/oidc/start")
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "No Baton account for stranger@elsewhere.example") {
			t.Errorf("got %d: %.300s, want 403 naming the email", resp.StatusCode, body)
		}
		if _, err := s.svc.User(context.Background(), "stranger@elsewhere.example"); baton.ErrorCode(err) != baton.ENOTFOUND {
			t.Errorf("got %v, want no user created", err)
		}
	})
	t.Run("UnverifiedEmailIsRefused", func(t *testing.T) {
		m.QueueUser(&mockoidc.MockUser{Subject: "sub-3", Email: "sdr2@t.example", EmailVerified: false})
		resp, _ := get(t, browser(t), "/auth/oidc/start")
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("got %d, want 403", resp.StatusCode)
		}
	})
	t.Run("CallbackWithoutStateCookieIsRefused", func(t *testing.T) {
		resp, _ := get(t, browser(t), "/auth/oidc/callback?code=x&state=y")
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("got %d, want 403", resp.StatusCode)
		}
	})
}

func TestOnlyAdminsGrantAdmin(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	for _, body := range []string{
		`{"email":"new@t.example","name":"New","role":"ae","access":"admin","team":"ae","timezone":"UTC","active":true}`,
		`{"email":"new@t.example","name":"New","role":"ops","team":"ops","timezone":"UTC","active":true}`,
		`{"email":"ops@t.example","name":"Otto Ops","role":"ops","access":"rep","team":"ops","timezone":"UTC","active":true}`,
	} {
		wantError(t, s.do(t, "POST", "/api/v1/users", s.manager, body), http.StatusForbidden, baton.EFORBIDDEN)
		if r := s.do(t, "POST", "/api/v1/users", s.admin, body); r.status != http.StatusOK {
			t.Errorf("admin: got %s, want 200", r)
		}
	}
}
