package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/batonhq/baton"
)

// sessionCookie holds a browser's session id. Only its SHA-256 is stored
// on the server; the API never reads it.
const sessionCookie = "baton_session"

// crossOrigin refuses state-changing page requests that a browser says
// come from another site (Sec-Fetch-Site, or Origin against Host). The API
// is exempt: it authenticates by bearer token only, which no cross-site
// form can send.
var crossOrigin = http.NewCrossOriginProtection()

// checkOrigin answers 403 and returns false for a cross-origin
// state-changing request to a page.
func (s *Server) checkOrigin(w http.ResponseWriter, r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		return true
	}
	if err := crossOrigin.Check(r); err != nil {
		http.Error(w, "cross-origin request refused", http.StatusForbidden)
		return false
	}
	return true
}

// secureCookies reports whether cookies must be Secure: whenever the
// public URL is https.
func (s *Server) secureCookies() bool {
	return strings.HasPrefix(strings.ToLower(s.svc.PublicURL()), "https://")
}

// setSession starts the browser's session cookie. Sign-in always issues a
// fresh id (and ends the one the browser had), so an id planted before
// sign-in is worthless after it.
func (s *Server) setSession(w http.ResponseWriter, r *http.Request, secret string) {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != secret {
		if err := s.svc.SignOut(r.Context(), c.Value); err != nil {
			s.log.Warn("end previous session", "err", err)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", HttpOnly: true, Secure: s.secureCookies(),
		SameSite: http.SameSiteLaxMode, MaxAge: int(s.svc.SessionLimits().Max / time.Second)})
}

func (s *Server) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.secureCookies(),
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// sessionPrincipal authenticates a page request by its session cookie.
func (s *Server) sessionPrincipal(r *http.Request) (baton.Principal, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return baton.Principal{}, baton.Errorf(baton.EUNAUTHORIZED, "please sign in")
	}
	return s.svc.Session(r.Context(), c.Value)
}

// bearer returns the request's bearer token, or "".
func bearer(r *http.Request) string {
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// logout ends this browser's session.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.svc.SignOut(r.Context(), c.Value); err != nil {
			s.log.Error("logout", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
	}
	s.clearSession(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// revokeSessions signs the person out everywhere: every browser.
func (s *Server) revokeSessions(w http.ResponseWriter, r *http.Request, p baton.Principal) {
	if _, err := s.svc.SignOutEverywhere(r.Context(), p.UserID); err != nil {
		s.log.Error("sign out everywhere", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	s.clearSession(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// mayGrant refuses (EFORBIDDEN) a non-admin who would make someone an admin
// or change an admin: only RevOps grants RevOps.
func (s *Server) mayGrant(ctx context.Context, p baton.Principal, u *baton.User) error {
	if p.Can(baton.AccessAdmin) {
		return nil
	}
	prev, err := s.svc.User(ctx, u.Email)
	switch {
	case err == nil && prev.Access == baton.AccessAdmin:
		return baton.Errorf(baton.EFORBIDDEN, "only an admin may change an admin")
	case err == nil && u.Access == "":
		return nil // keeps the user's access
	case err != nil && baton.ErrorCode(err) != baton.ENOTFOUND:
		return err
	}
	if u.Access == baton.AccessAdmin || (u.Access == "" && baton.AccessFor(u.Role) == baton.AccessAdmin) {
		return baton.Errorf(baton.EFORBIDDEN, "only an admin may grant admin access")
	}
	return nil
}
