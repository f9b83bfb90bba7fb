package web

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// OIDCConfig configures single sign-on with an OpenID Connect provider.
// The redirect URL is the public URL + /auth/oidc/callback.
type OIDCConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	// Name labels the sign-in button, e.g. "Google" (default "single sign-on").
	Name string
}

// oidcClient is a discovered OpenID provider.
type oidcClient struct {
	name     string
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
}

// oidcCookie carries state, nonce, PKCE verifier and where to go next from
// /auth/oidc/start to the callback; it lives ten minutes.
const (
	oidcCookie    = "baton_oidc"
	oidcCookieAge = 10 * time.Minute
)

// EnableOIDC discovers the provider at cfg.Issuer and turns on "Sign in
// with single sign-on". Call it before serving.
func (s *Server) EnableOIDC(ctx context.Context, cfg OIDCConfig) error {
	if cfg.Issuer == "" || cfg.ClientID == "" || cfg.ClientSecret == "" {
		return fmt.Errorf("oidc: issuer, client id and client secret are all required")
	}
	p, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return fmt.Errorf("oidc: discover %s: %w", cfg.Issuer, err)
	}
	name := cfg.Name
	if name == "" {
		name = "single sign-on"
	}
	s.oidc = &oidcClient{
		name: name,
		oauth: oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Endpoint: p.Endpoint(),
			RedirectURL: s.svc.PublicURL() + "/auth/oidc/callback", Scopes: []string{oidc.ScopeOpenID, "email", "profile"}},
		verifier: p.Verifier(&oidc.Config{ClientID: cfg.ClientID}),
	}
	return nil
}

// authHeaders keeps sign-in pages out of caches and their URLs (which may
// hold a one-time code) out of Referer headers.
func authHeaders(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
}

func (s *Server) loginData(next, email, msg string) map[string]any {
	d := map[string]any{"Next": localPath(next), "Email": email, "Error": msg}
	if s.oidc != nil {
		d["SSO"] = s.oidc.name
	}
	return d
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	authHeaders(w)
	s.render(w, r, http.StatusOK, "login.html", s.loginData(r.URL.Query().Get("next"), "", ""))
}

// login signs in with email and password.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	authHeaders(w)
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		s.render(w, r, http.StatusBadRequest, "login.html", s.loginData("", "", "Could not read the form."))
		return
	}
	email, next := r.PostForm.Get("email"), r.PostForm.Get("next")
	secret, _, err := s.svc.SignIn(r.Context(), email, r.PostForm.Get("password"), clientAddr(r))
	if err != nil {
		status := http.StatusUnauthorized
		switch {
		case errors.Is(err, service.ErrTooManySignIns):
			status = http.StatusTooManyRequests
			w.Header().Set("Retry-After", fmt.Sprint(int(baton.SignInWindow/time.Second)))
		case baton.ErrorCode(err) != baton.EUNAUTHORIZED:
			s.log.Error("sign in", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		s.render(w, r, status, "login.html", s.loginData(next, email, baton.ErrorMessage(err)))
		return
	}
	s.setSession(w, r, secret)
	http.Redirect(w, r, localPath(next), http.StatusSeeOther)
}

// linkPage shows a one-time link: set a password (invitation, reset) or
// sign in (a sign-in link). Showing it does not use it: link previews in
// mail and chat must not spend a single-use link.
func (s *Server) linkPage(w http.ResponseWriter, r *http.Request) {
	authHeaders(w)
	l, u, err := s.svc.Link(r.Context(), r.PathValue("code"))
	if err != nil {
		s.linkGone(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "link.html", map[string]any{"Purpose": l.Purpose, "User": u, "Min": baton.MinPasswordLength})
}

// useLink uses a one-time link and signs the person in.
func (s *Server) useLink(w http.ResponseWriter, r *http.Request) {
	authHeaders(w)
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "could not read the form", http.StatusBadRequest)
		return
	}
	code := r.PathValue("code")
	l, u, err := s.svc.Link(r.Context(), code)
	if err != nil {
		s.linkGone(w, r, err)
		return
	}
	pw := r.PostForm.Get("password")
	if l.Purpose != baton.LinkSignIn && pw != r.PostForm.Get("confirm") {
		s.render(w, r, http.StatusUnprocessableEntity, "link.html", map[string]any{"Purpose": l.Purpose, "User": u,
			"Min": baton.MinPasswordLength, "Error": "The two passwords differ."})
		return
	}
	secret, _, err := s.svc.UseLink(r.Context(), code, pw)
	if baton.ErrorCode(err) == baton.EINVALID {
		s.render(w, r, http.StatusUnprocessableEntity, "link.html", map[string]any{"Purpose": l.Purpose, "User": u,
			"Min": baton.MinPasswordLength, "Error": fieldMessages(err)})
		return
	} else if err != nil {
		s.linkGone(w, r, err)
		return
	}
	s.setSession(w, r, secret)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func fieldMessages(err error) string {
	var e *baton.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return baton.ErrorMessage(err)
	}
	var parts []string
	for _, f := range e.Fields {
		parts = append(parts, "The "+f.Field+" "+f.Message+".")
	}
	return strings.Join(parts, " ")
}

func (s *Server) linkGone(w http.ResponseWriter, r *http.Request, err error) {
	if baton.ErrorCode(err) != baton.ENOTFOUND {
		s.log.Error("one-time link", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	s.notice(w, r, http.StatusGone, "This link does not work any more", baton.ErrorMessage(err)+" Ask your Baton admin for a new one.")
}

func (s *Server) notice(w http.ResponseWriter, r *http.Request, status int, title, text string) {
	s.render(w, r, status, "signin_notice.html", map[string]any{"Title": title, "Text": text})
}

// oidcState is what the short-lived cookie carries between start and
// callback.
type oidcState struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Next     string `json:"x"`
}

// oidcStart sends the browser to the identity provider.
func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request) {
	authHeaders(w)
	if s.oidc == nil {
		http.NotFound(w, r)
		return
	}
	st := oidcState{State: baton.RandomSecret(), Nonce: baton.RandomSecret(), Verifier: oauth2.GenerateVerifier(),
		Next: localPath(r.URL.Query().Get("next"))}
	b, _ := json.Marshal(st)
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/auth/oidc/",
		HttpOnly: true, Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode, MaxAge: int(oidcCookieAge / time.Second)})
	http.Redirect(w, r, s.oidc.oauth.AuthCodeURL(st.State, oidc.Nonce(st.Nonce), oauth2.S256ChallengeOption(st.Verifier)), http.StatusFound)
}

// oidcCallback finishes single sign-on: it checks state and nonce, verifies
// the ID token, and signs in the active user with the verified email.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) {
	authHeaders(w)
	if s.oidc == nil {
		http.NotFound(w, r)
		return
	}
	fail := func(text string) {
		s.notice(w, r, http.StatusForbidden, "Single sign-on did not work", text)
	}
	var st oidcState
	c, err := r.Cookie(oidcCookie)
	if err == nil {
		var b []byte
		if b, err = base64.RawURLEncoding.DecodeString(c.Value); err == nil {
			err = json.Unmarshal(b, &st)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: "/auth/oidc/", HttpOnly: true, Secure: s.secureCookies(),
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
	q := r.URL.Query()
	if err != nil || st.State == "" || subtle.ConstantTimeCompare([]byte(st.State), []byte(q.Get("state"))) != 1 {
		fail("The sign-in took too long or was started elsewhere. Please try again.")
		return
	}
	if e := q.Get("error"); e != "" {
		fail("The identity provider refused the sign-in (" + e + ").")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 15*time.Second)
	defer cancel()
	tok, err := s.oidc.oauth.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(st.Verifier))
	if err != nil {
		s.log.Warn("oidc exchange", "err", err)
		fail("The identity provider did not confirm the sign-in. Please try again.")
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := s.oidc.verifier.Verify(ctx, raw)
	if err != nil || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(st.Nonce)) != 1 {
		s.log.Warn("oidc id token", "err", err)
		fail("The identity provider's answer could not be verified. Please try again.")
		return
	}
	var claims struct {
		Email    string `json:"email"`
		Verified bool   `json:"email_verified"`
	}
	if err := idt.Claims(&claims); err != nil || claims.Email == "" || !claims.Verified {
		fail("The identity provider did not give a verified email address, so Baton cannot tell who you are.")
		return
	}
	secret, _, err := s.svc.SignInVerified(r.Context(), claims.Email, baton.SignInOIDC)
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		s.notice(w, r, http.StatusForbidden, "No Baton account for "+claims.Email,
			"You signed in as "+claims.Email+", but no active Baton user has that email. Ask your RevOps admin to add you to the team.")
		return
	} else if err != nil {
		s.log.Error("oidc sign in", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	s.setSession(w, r, secret)
	http.Redirect(w, r, st.Next, http.StatusSeeOther)
}

// inviteUser issues an invitation link (or, for /reset, a password reset
// link) for a user; an admin sends it to the person.
func (s *Server) inviteUser(w http.ResponseWriter, r *http.Request, _ baton.Principal) error {
	purpose := baton.LinkInvite
	if strings.HasSuffix(r.URL.Path, "/reset") {
		purpose = baton.LinkReset
	}
	url, l, err := s.svc.CreateLink(r.Context(), r.PathValue("id"), purpose)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"url": url, "purpose": l.Purpose, "expires_at": l.ExpiresAt})
	return nil
}
