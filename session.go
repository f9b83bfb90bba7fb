package baton

import "time"

// Session defaults. A session ends after IdleTimeout without a request or
// MaxSessionAge after sign-in, whichever comes first.
const (
	DefaultIdleTimeout   = 12 * time.Hour
	DefaultMaxSessionAge = 14 * 24 * time.Hour
	// SessionTouchEvery bounds how often a session's last-seen time is
	// written: at most once a minute per session.
	SessionTouchEvery = time.Minute
)

// Session is a signed-in browser. The cookie holds a random 32-byte id;
// only its SHA-256 (Hash) is stored.
type Session struct {
	Hash      string
	UserID    string
	Method    string // how the person signed in: password, link or oidc
	CreatedAt time.Time
	SeenAt    time.Time
	ExpiresAt time.Time // absolute expiry
}

// Ways of signing in, recorded on the session.
const (
	SignInPassword = "password"
	SignInLink     = "link"
	SignInOIDC     = "oidc"
)

// One-time link purposes, and how long each link is valid.
const (
	LinkInvite = "invite" // a new person sets their password
	LinkReset  = "reset"  // a person sets a new password
	LinkSignIn = "signin" // signs in once (the demo prints one)

	InviteTTL = 7 * 24 * time.Hour
	ResetTTL  = time.Hour
	SignInTTL = 15 * time.Minute
)

// LinkTTL returns how long a link of the purpose is valid.
func LinkTTL(purpose string) time.Duration {
	switch purpose {
	case LinkInvite:
		return InviteTTL
	case LinkReset:
		return ResetTTL
	}
	return SignInTTL
}

// Link is a one-time link: an invitation, a password reset or a sign-in.
// Only the SHA-256 of its code is stored. It works once, before ExpiresAt.
type Link struct {
	Hash      string
	UserID    string
	Purpose   string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
}

// Sign-in rate limits: failures counted in the database per account and
// per client address within SignInWindow.
const (
	SignInWindow          = 15 * time.Minute
	MaxFailuresPerAccount = 5
	MaxFailuresPerAddress = 20
)
