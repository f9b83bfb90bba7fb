package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/web"
)

// TestTokenCache checks the cache of authenticated API tokens: a token
// revoked, or whose user is deactivated, through this server is refused
// on its next request; one revoked elsewhere (another node, the baton
// command, here the service directly) once TokenCacheTTL has passed.
func TestTokenCache(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStack(t)
	admin := s.signInAdmin(t, "ops")
	token := func(t *testing.T, who string) (*baton.Token, string) {
		t.Helper()
		tok, secret, err := s.svc.CreateToken(ctx, who, "crm sync", 0)
		if err != nil {
			t.Fatal(err)
		}
		// Authenticated once: cached from here.
		call[map[string]any](t, s, "GET", "/api/v1/users", secret, nil, http.StatusOK)
		return tok, secret
	}

	t.Run("RevokedHereIs401OnTheNextRequest", func(t *testing.T) {
		tok, secret := token(t, "sdr2@t.example")
		if st, _, loc := admin.post(t, "/admin/tokens/"+tok.ID+"/revoke", nil); st != http.StatusSeeOther || loc != "/admin/tokens" {
			t.Fatalf("revoke: got %d to %q, want 303 to the tokens", st, loc)
		}
		wantError(t, s.do(t, "GET", "/api/v1/users", secret, ""), http.StatusUnauthorized, baton.EUNAUTHORIZED)
	})

	t.Run("OwnTokenRevokedHereIs401OnTheNextRequest", func(t *testing.T) {
		tok, secret := token(t, "sdr3@t.example")
		rep := s.signInAdmin(t, "sdr3")
		if st, _, _ := rep.post(t, "/account/tokens/"+tok.ID+"/revoke", nil); st != http.StatusSeeOther {
			t.Fatalf("revoke: got %d, want 303", st)
		}
		wantError(t, s.do(t, "GET", "/api/v1/users", secret, ""), http.StatusUnauthorized, baton.EUNAUTHORIZED)
	})

	t.Run("DeactivatedHereIs401OnTheNextRequest", func(t *testing.T) {
		_, secret := token(t, "sdr1@t.example")
		u := s.users["sdr1"]
		body := fmt.Sprintf(`{"email":%q,"name":%q,"role":%q,"team":%q,"timezone":"UTC","active":false}`, u.Email, u.Name, u.Role, u.Team)
		if r := s.do(t, "POST", "/api/v1/users", s.admin, body); r.status != http.StatusOK {
			t.Fatalf("deactivate: got %s, want 200", r)
		}
		wantError(t, s.do(t, "GET", "/api/v1/users", secret, ""), http.StatusUnauthorized, baton.EUNAUTHORIZED)
	})

	t.Run("RevokedElsewhereIs401AfterTheExpiry", func(t *testing.T) {
		tok, secret := token(t, "mgr@t.example")
		if _, err := s.svc.RevokeToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		s.clock.Add(web.TokenCacheTTL)
		wantError(t, s.do(t, "GET", "/api/v1/users", secret, ""), http.StatusUnauthorized, baton.EUNAUTHORIZED)
	})
}
