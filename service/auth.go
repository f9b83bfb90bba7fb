package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/batonhq/baton"
)

// ErrTooManySignIns marks a sign-in refused because too many recently
// failed for the account or the client address; the web edge answers 429
// with the same generic message as a wrong password.
var ErrTooManySignIns = errors.New("too many failed sign-ins")

// Messages people see when signing in fails. They never say which part was
// wrong.
const (
	msgBadSignIn = "Email or password is incorrect."
	msgBadToken  = "a valid API token is required"
	msgDeadToken = "this API token is expired, revoked, or its user is deactivated"
	msgOldToken  = "this API token belongs to no user (it predates per-user tokens); create one with `baton token create --user EMAIL`"
	msgBadLink   = "This link is not valid any more: it was used, it expired, or it never existed."
)

// SessionLimits bounds browser sessions.
type SessionLimits struct {
	// Idle ends a session after this long without a request (default 12 h).
	Idle time.Duration
	// Max ends a session this long after sign-in (default 14 days).
	Max time.Duration
}

// SetSessionLimits sets the session limits; zero fields keep the defaults.
func (s *Service) SetSessionLimits(l SessionLimits) {
	if l.Idle <= 0 {
		l.Idle = baton.DefaultIdleTimeout
	}
	if l.Max <= 0 {
		l.Max = baton.DefaultMaxSessionAge
	}
	s.sessions.Store(&l)
}

func (s *Service) sessionLimits() SessionLimits {
	if l := s.sessions.Load(); l != nil {
		return *l
	}
	return SessionLimits{Idle: baton.DefaultIdleTimeout, Max: baton.DefaultMaxSessionAge}
}

func principalOf(u *baton.User) baton.Principal {
	return baton.Principal{UserID: u.ID, Email: u.Email, Name: u.Name, Access: u.Access, Team: u.Team, TimeZone: u.TimeZone}
}

// findUser finds a user by id or (case-insensitive) email.
func findUser(ctx context.Context, tx baton.Tx, ref string) (*baton.User, error) {
	u, err := tx.User(ctx, ref)
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		u, err = tx.UserByEmail(ctx, strings.ToLower(strings.TrimSpace(ref)))
	}
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return nil, baton.Errorf(baton.ENOTFOUND, "no user %q", ref)
	}
	return u, err
}

// User returns a user by id or email.
func (s *Service) User(ctx context.Context, ref string) (*baton.User, error) {
	var u *baton.User
	err := s.store.View(ctx, func(tx baton.Tx) (err error) {
		u, err = findUser(ctx, tx, ref)
		return err
	})
	return u, err
}

// --- API tokens ---

// CreateToken creates an API token for a user (by id or email), acting with
// the user's access, and returns it with its secret, which is shown only
// this once. ttl > 0 makes it expire.
func (s *Service) CreateToken(ctx context.Context, userRef, name string, ttl time.Duration) (*baton.Token, string, error) {
	var v baton.Validation
	name = strings.TrimSpace(name)
	if name == "" || len(name) > baton.MaxShortText {
		v.Add("name", "is required (at most %d bytes)", baton.MaxShortText)
	}
	if ttl < 0 {
		v.Add("expires", "must not be negative")
	}
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	secret := baton.NewTokenSecret()
	now := s.clock.Now()
	t := &baton.Token{ID: newID(), Name: name, Hash: baton.HashToken(secret), CreatedAt: now}
	if ttl > 0 {
		t.ExpiresAt = now.Add(ttl)
	}
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		u, err := findUser(ctx, tx, userRef)
		if err != nil {
			return err
		}
		if !u.Active {
			return baton.Errorf(baton.ECONFLICT, "%s is deactivated", u.Email)
		}
		t.UserID = u.ID
		return tx.InsertToken(ctx, t)
	})
	if err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

// Tokens lists a user's tokens (by id or email), or everyone's when userRef
// is empty.
func (s *Service) Tokens(ctx context.Context, userRef string) ([]*baton.Token, error) {
	var out []*baton.Token
	err := s.store.View(ctx, func(tx baton.Tx) error {
		id := ""
		if userRef != "" {
			u, err := findUser(ctx, tx, userRef)
			if err != nil {
				return err
			}
			id = u.ID
		}
		var err error
		out, err = tx.Tokens(ctx, id)
		return err
	})
	return out, err
}

// RevokeToken revokes a token by id; revoking twice is not an error.
func (s *Service) RevokeToken(ctx context.Context, id string) (*baton.Token, error) {
	var t *baton.Token
	err := s.store.Update(ctx, func(tx baton.Tx) (err error) {
		if t, err = tx.Token(ctx, id); err != nil {
			return err
		}
		if t.RevokedAt.IsZero() {
			t.RevokedAt = s.clock.Now()
			return tx.UpdateToken(ctx, t)
		}
		return nil
	})
	return t, err
}

// Authenticate returns the principal a token secret acts as: its user, with
// the user's access. It refuses (EUNAUTHORIZED) unknown, expired and revoked
// tokens, tokens of deactivated users, and tokens with no user.
func (s *Service) Authenticate(ctx context.Context, secret string) (baton.Principal, error) {
	if secret == "" || len(secret) > 200 {
		return baton.Principal{}, baton.Errorf(baton.EUNAUTHORIZED, msgBadToken)
	}
	var t *baton.Token
	var u *baton.User
	err := s.store.View(ctx, func(tx baton.Tx) (err error) {
		if t, err = tx.TokenByHash(ctx, baton.HashToken(secret)); err != nil || t.UserID == "" {
			return err
		}
		u, err = tx.User(ctx, t.UserID)
		return err
	})
	switch {
	case baton.ErrorCode(err) == baton.ENOTFOUND && t == nil:
		return baton.Principal{}, baton.Errorf(baton.EUNAUTHORIZED, msgBadToken)
	case t != nil && t.UserID == "":
		return baton.Principal{}, baton.Errorf(baton.EUNAUTHORIZED, msgOldToken)
	case baton.ErrorCode(err) == baton.ENOTFOUND:
		return baton.Principal{}, baton.Errorf(baton.EUNAUTHORIZED, msgDeadToken)
	case err != nil:
		return baton.Principal{}, err
	}
	now := s.clock.Now()
	if !t.RevokedAt.IsZero() || t.Expired(now) || !u.Active {
		return baton.Principal{}, baton.Errorf(baton.EUNAUTHORIZED, msgDeadToken)
	}
	if now.Sub(t.LastUsedAt) >= baton.SessionTouchEvery {
		t.LastUsedAt = now
		if err := s.store.Update(ctx, func(tx baton.Tx) error { return tx.UpdateToken(ctx, t) }); err != nil {
			s.log.Warn("token last used", "token", t.ID, "err", err)
		}
	}
	p := principalOf(u)
	p.TokenID = t.ID
	return p, nil
}

// --- Passwords and sessions ---

// SetPassword sets a user's password (by id or email) after checking the
// rules. It does not end the user's sessions.
func (s *Service) SetPassword(ctx context.Context, userRef, password string) error {
	if err := baton.CheckPassword(password); err != nil {
		return err
	}
	hash := s.hashPassword(password)
	return s.store.Update(ctx, func(tx baton.Tx) error {
		u, err := findUser(ctx, tx, userRef)
		if err != nil {
			return err
		}
		return tx.PutPasswordHash(ctx, u.ID, hash, s.clock.Now())
	})
}

// defaultDummyHash is verified against when no user or no password exists,
// so a wrong email takes as long as a wrong password. It is made at the
// first sign-in that needs it, not at start: hashing costs tens of
// milliseconds and leaves argon2's 19 MiB of memory to a server that may
// never need it.
var defaultDummyHash = sync.OnceValue(func() string { return baton.HashPassword(dummyPassword) })

const dummyPassword = "baton-dummy-password"

// passwordCost is a cost set by SetPasswordCost and the dummy hash at that
// cost.
type passwordCost struct {
	cost  baton.PasswordCost
	dummy string
}

// SetPasswordCost sets the argon2id cost of the password hashes the service
// makes from now on (the zero value is baton.HashPassword's). Baton never
// calls it: it is for tests that hash many passwords. Stored hashes keep
// the cost they were made with.
func (s *Service) SetPasswordCost(c baton.PasswordCost) {
	s.pwCost.Store(&passwordCost{cost: c, dummy: baton.HashPasswordCost(dummyPassword, c)})
}

// hashPassword hashes a new password at the service's cost.
func (s *Service) hashPassword(pw string) string {
	if c := s.pwCost.Load(); c != nil {
		return baton.HashPasswordCost(pw, c.cost)
	}
	return baton.HashPassword(pw)
}

// dummyHash is the hash SignIn verifies when there is no user or no
// password, at the cost of the service's new hashes.
func (s *Service) dummyHash() string {
	if c := s.pwCost.Load(); c != nil {
		return c.dummy
	}
	return defaultDummyHash()
}

func accountKey(email string) string { return "account:" + strings.ToLower(strings.TrimSpace(email)) }
func addrKey(addr string) string     { return "addr:" + addr }

// SignIn checks an email and password from client address addr and starts a
// session, returning its secret (for the cookie) and the principal. Every
// failure is the same EUNAUTHORIZED message; after too many failures for the
// account or the address within baton.SignInWindow the error also wraps
// ErrTooManySignIns, and the password is not checked at all.
func (s *Service) SignIn(ctx context.Context, email, password, addr string) (string, baton.Principal, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	now := s.clock.Now()
	since := now.Add(-baton.SignInWindow)
	var u *baton.User
	dummy := s.dummyHash()
	hash := dummy
	limited := false
	err := s.store.View(ctx, func(tx baton.Tx) error {
		n, err := tx.SignInFailures(ctx, accountKey(email), since)
		if err != nil {
			return err
		}
		m, err := tx.SignInFailures(ctx, addrKey(addr), since)
		if err != nil {
			return err
		}
		if n >= baton.MaxFailuresPerAccount || m >= baton.MaxFailuresPerAddress {
			limited = true
			return nil
		}
		u, err = tx.UserByEmail(ctx, email)
		if baton.ErrorCode(err) == baton.ENOTFOUND {
			u = nil
			return nil
		} else if err != nil {
			return err
		}
		h, err := tx.PasswordHash(ctx, u.ID)
		if err == nil {
			hash = h
		} else if baton.ErrorCode(err) != baton.ENOTFOUND {
			return err
		}
		return nil
	})
	if err != nil {
		return "", baton.Principal{}, err
	}
	if limited {
		return "", baton.Principal{}, fmt.Errorf("%w: %w", ErrTooManySignIns, baton.Errorf(baton.EUNAUTHORIZED, msgBadSignIn))
	}
	ok := baton.VerifyPassword(hash, password) && hash != dummy && u != nil && u.Active
	if !ok {
		err := s.store.Update(ctx, func(tx baton.Tx) error {
			if err := tx.RecordSignInFailure(ctx, accountKey(email), now, since); err != nil {
				return err
			}
			return tx.RecordSignInFailure(ctx, addrKey(addr), now, since)
		})
		if err != nil {
			return "", baton.Principal{}, err
		}
		return "", baton.Principal{}, baton.Errorf(baton.EUNAUTHORIZED, msgBadSignIn)
	}
	var secret string
	err = s.store.Update(ctx, func(tx baton.Tx) (err error) {
		if err := tx.ClearSignInFailures(ctx, accountKey(email)); err != nil {
			return err
		}
		secret, err = s.startSession(ctx, tx, u.ID, baton.SignInPassword, now)
		return err
	})
	if err != nil {
		return "", baton.Principal{}, err
	}
	return secret, principalOf(u), nil
}

// startSession writes a new session and returns its secret id.
func (s *Service) startSession(ctx context.Context, tx baton.Tx, userID, method string, now time.Time) (string, error) {
	secret := baton.RandomSecret()
	err := tx.InsertSession(ctx, &baton.Session{Hash: baton.HashToken(secret), UserID: userID, Method: method,
		CreatedAt: now, SeenAt: now, ExpiresAt: now.Add(s.sessionLimits().Max)})
	return secret, err
}

// Session returns the principal a session secret (the cookie's value) acts
// as, or EUNAUTHORIZED when the session is unknown, idle for longer than the
// idle limit, past its absolute expiry, or its user is deactivated. It
// records the request's time at most once a minute.
func (s *Service) Session(ctx context.Context, secret string) (baton.Principal, error) {
	unauth := baton.Errorf(baton.EUNAUTHORIZED, "please sign in")
	if secret == "" || len(secret) > 100 {
		return baton.Principal{}, unauth
	}
	hash := baton.HashToken(secret)
	var sess *baton.Session
	var u *baton.User
	err := s.store.View(ctx, func(tx baton.Tx) (err error) {
		if sess, err = tx.SessionByHash(ctx, hash); err != nil {
			return err
		}
		u, err = tx.User(ctx, sess.UserID)
		return err
	})
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return baton.Principal{}, unauth
	} else if err != nil {
		return baton.Principal{}, err
	}
	now := s.clock.Now()
	lim := s.sessionLimits()
	if !now.Before(sess.ExpiresAt) || now.Sub(sess.SeenAt) >= lim.Idle || !u.Active {
		if err := s.store.Update(ctx, func(tx baton.Tx) error { return tx.DeleteSession(ctx, hash) }); err != nil {
			s.log.Warn("end expired session", "err", err)
		}
		return baton.Principal{}, unauth
	}
	if now.Sub(sess.SeenAt) >= baton.SessionTouchEvery {
		if err := s.store.Update(ctx, func(tx baton.Tx) error { return tx.TouchSession(ctx, hash, now) }); err != nil {
			s.log.Warn("touch session", "err", err)
		}
	}
	p := principalOf(u)
	p.SessionID = hash
	return p, nil
}

// SignOut ends the session with this secret; an unknown one is no error.
func (s *Service) SignOut(ctx context.Context, secret string) error {
	if secret == "" {
		return nil
	}
	return s.store.Update(ctx, func(tx baton.Tx) error { return tx.DeleteSession(ctx, baton.HashToken(secret)) })
}

// SignOutEverywhere ends all of a user's sessions and returns how many.
func (s *Service) SignOutEverywhere(ctx context.Context, userID string) (int, error) {
	var n int
	err := s.store.Update(ctx, func(tx baton.Tx) (err error) {
		n, err = tx.DeleteSessions(ctx, userID)
		return err
	})
	return n, err
}

// --- One-time links ---

// CreateLink issues a one-time link of purpose (baton.LinkInvite,
// LinkReset or LinkSignIn) for a user by id or email, and returns its URL
// (public URL + /login/link/<code>). The code is shown only this once.
func (s *Service) CreateLink(ctx context.Context, userRef, purpose string) (string, *baton.Link, error) {
	switch purpose {
	case baton.LinkInvite, baton.LinkReset, baton.LinkSignIn:
	default:
		var v baton.Validation
		v.Add("purpose", "must be invite, reset or signin")
		return "", nil, v.Err()
	}
	code := baton.RandomSecret()
	now := s.clock.Now()
	l := &baton.Link{Hash: baton.HashToken(code), Purpose: purpose, CreatedAt: now, ExpiresAt: now.Add(baton.LinkTTL(purpose))}
	err := s.store.Update(ctx, func(tx baton.Tx) error {
		u, err := findUser(ctx, tx, userRef)
		if err != nil {
			return err
		}
		if !u.Active {
			return baton.Errorf(baton.ECONFLICT, "%s is deactivated", u.Email)
		}
		l.UserID = u.ID
		return tx.InsertLink(ctx, l)
	})
	if err != nil {
		return "", nil, err
	}
	return s.PublicURL() + "/login/link/" + code, l, nil
}

// Link returns a usable one-time link and its user, or ENOTFOUND with a
// message fit to show when the code is unknown, used or expired. It does
// not use the link.
func (s *Service) Link(ctx context.Context, code string) (*baton.Link, *baton.User, error) {
	var l *baton.Link
	var u *baton.User
	err := s.store.View(ctx, func(tx baton.Tx) (err error) {
		l, u, err = s.liveLink(ctx, tx, code)
		return err
	})
	return l, u, err
}

func (s *Service) liveLink(ctx context.Context, tx baton.Tx, code string) (*baton.Link, *baton.User, error) {
	gone := baton.Errorf(baton.ENOTFOUND, msgBadLink)
	if code == "" || len(code) > 100 {
		return nil, nil, gone
	}
	l, err := tx.LinkByHash(ctx, baton.HashToken(code))
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		return nil, nil, gone
	} else if err != nil {
		return nil, nil, err
	}
	if !l.UsedAt.IsZero() || !s.clock.Now().Before(l.ExpiresAt) {
		return nil, nil, gone
	}
	u, err := tx.User(ctx, l.UserID)
	if baton.ErrorCode(err) == baton.ENOTFOUND || (err == nil && !u.Active) {
		return nil, nil, gone
	}
	return l, u, err
}

// UseLink uses a one-time link once: an invitation or reset link sets the
// password (checked against the rules; ignored for a sign-in link), and
// every link starts a session. It returns the session's secret and the
// principal. A reset also ends the user's other sessions.
func (s *Service) UseLink(ctx context.Context, code, password string) (string, baton.Principal, error) {
	l, _, err := s.Link(ctx, code)
	if err != nil {
		return "", baton.Principal{}, err
	}
	hash := ""
	if l.Purpose != baton.LinkSignIn {
		if err := baton.CheckPassword(password); err != nil {
			return "", baton.Principal{}, err
		}
		hash = s.hashPassword(password)
	}
	now := s.clock.Now()
	var secret string
	var u *baton.User
	err = s.store.Update(ctx, func(tx baton.Tx) error {
		var err error
		if l, u, err = s.liveLink(ctx, tx, code); err != nil {
			return err
		}
		if err := tx.UseLink(ctx, l.Hash, now); err != nil {
			return baton.Errorf(baton.ENOTFOUND, msgBadLink)
		}
		if hash != "" {
			if err := tx.PutPasswordHash(ctx, u.ID, hash, now); err != nil {
				return err
			}
		}
		if l.Purpose == baton.LinkReset {
			if _, err := tx.DeleteSessions(ctx, u.ID); err != nil {
				return err
			}
		}
		if err := tx.ClearSignInFailures(ctx, accountKey(u.Email)); err != nil {
			return err
		}
		secret, err = s.startSession(ctx, tx, u.ID, baton.SignInLink, now)
		return err
	})
	if err != nil {
		return "", baton.Principal{}, err
	}
	return secret, principalOf(u), nil
}

// --- Single sign-on ---

// SignInVerified starts a session for the active user whose email matches
// an identity provider's verified email (case-insensitively). No user is
// created: an unknown or deactivated email is ENOTFOUND.
func (s *Service) SignInVerified(ctx context.Context, email, method string) (string, baton.Principal, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	var secret string
	var u *baton.User
	err := s.store.Update(ctx, func(tx baton.Tx) (err error) {
		u, err = tx.UserByEmail(ctx, email)
		if baton.ErrorCode(err) == baton.ENOTFOUND || (err == nil && !u.Active) {
			return baton.Errorf(baton.ENOTFOUND, "%s is not an active Baton user", email)
		} else if err != nil {
			return err
		}
		secret, err = s.startSession(ctx, tx, u.ID, method, s.clock.Now())
		return err
	})
	if err != nil {
		return "", baton.Principal{}, err
	}
	return secret, principalOf(u), nil
}

// SessionLimits returns the session limits in force.
func (s *Service) SessionLimits() SessionLimits { return s.sessionLimits() }
