package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/browsertest"
	"github.com/batonhq/baton/web"
)

// TestSSOInABrowser signs in with single sign-on in headless Chromium
// against an OpenID provider started for the test: the person clicks the
// single sign-on link on the sign-in page, is sent to the provider, comes
// back signed in and lands on their inbox under their name. An email no
// Baton user has gets the page saying so, and no session. Every page on
// the way fits a phone and passes the accessibility smoke check.
func TestSSOInABrowser(t *testing.T) {
	t.Parallel()
	b := browser.Browser(t)
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
	const ssoLink = `a[href^="/auth/oidc/start"]`

	// The provider answers each sign-in with the next queued user, so the
	// subtests run one after another.
	for _, v := range []browsertest.Viewport{browsertest.Phone, browsertest.Desktop} {
		t.Run("KnownEmailLandsOnTheInbox/"+v.Name, func(t *testing.T) {
			m.QueueUser(&mockoidc.MockUser{Subject: "sub-sdr1", Email: "SDR1@T.example", EmailVerified: true})
			p := b.NewPage(t, v)
			if got := p.Navigate(s.srv.URL + "/login"); got != http.StatusOK {
				t.Fatalf("got status %d for the sign-in page, want 200", got)
			}
			p.WaitVisible(ssoLink)
			if got := p.Text(ssoLink); got != "Sign in with single sign-on" {
				t.Errorf("got link text %q, want Sign in with single sign-on", got)
			}
			p.Keep("sso-login")
			p.NoHorizontalScroll(t)
			p.Accessible(t)

			if got := p.ClickNavigate(ssoLink); got != http.StatusOK {
				t.Fatalf("got status %d after single sign-on, want 200 at the inbox", got)
			}
			if got, want := p.Location(), s.srv.URL+"/"; got != want {
				t.Fatalf("got location %q after single sign-on, want the inbox %q", got, want)
			}
			if got := p.Text(".me"); got != "Signed in as Sam One" {
				t.Errorf("got %q in the header, want Signed in as Sam One", got)
			}
			if got := p.Text("h1"); got == "" {
				t.Errorf("the inbox has no heading")
			}
			p.Keep("sso-inbox")
			p.NoHorizontalScroll(t)
			p.Accessible(t)
		})
	}

	t.Run("UnknownEmailSeesNoSuchUser", func(t *testing.T) {
		m.QueueUser(&mockoidc.MockUser{Subject: "sub-stranger", Email: "stranger@elsewhere.example", EmailVerified: true})
		p := b.NewPage(t, browsertest.Phone)
		p.Navigate(s.srv.URL + "/login?next=%2Fboard")
		if got := p.ClickNavigate(ssoLink); got != http.StatusForbidden {
			t.Errorf("got status %d for an unknown email, want 403", got)
		}
		if got, want := p.Text("h1"), "No Baton account for stranger@elsewhere.example"; got != want {
			t.Errorf("got heading %q, want %q", got, want)
		}
		if got := p.Text("main"); !strings.Contains(got, "Ask your RevOps admin to add you to the team.") {
			t.Errorf("got %q, want it to say whom to ask", got)
		}
		p.Keep("sso-unknown")
		p.NoHorizontalScroll(t)
		p.Accessible(t)

		if got := p.Navigate(s.srv.URL + "/board"); got != http.StatusOK {
			t.Fatalf("got status %d going on to /board, want 200 (the sign-in page)", got)
		}
		if got, want := p.Location(), s.srv.URL+"/login?next=%2Fboard"; got != want {
			t.Errorf("got location %q, want %q: the stranger must not be signed in", got, want)
		}
		if _, err := s.svc.User(context.Background(), "stranger@elsewhere.example"); baton.ErrorCode(err) != baton.ENOTFOUND {
			t.Errorf("got %v, want no user created for the stranger", err)
		}
	})
}
