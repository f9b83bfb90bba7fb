package baton

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// Token is an API credential. It belongs to a user and acts with that
// user's access; it is refused once the user is deactivated, or the token
// expired or was revoked. Only the SHA-256 of the secret is stored; the
// secret is shown once, when created. Tokens from before tokens had owners
// have an empty UserID and are refused.
type Token struct {
	ID     string `json:"id"`
	UserID string `json:"user_id"`
	Name   string `json:"name"`
	Hash   string `json:"-"`
	// Role is the access a token was minted with before tokens had owners;
	// it grants nothing any more.
	Role       string    `json:"-"`
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  time.Time `json:"expires_at,omitzero"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
	RevokedAt  time.Time `json:"revoked_at,omitzero"`
}

// Expired reports whether the token has an expiry at or before now.
func (t *Token) Expired(now time.Time) bool { return !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt) }

// NewTokenSecret returns a fresh random secret ("bt_" + 43 characters).
func NewTokenSecret() string {
	return "bt_" + RandomSecret()
}

// RandomSecret returns 32 random bytes, base64url-encoded (43 characters).
func RandomSecret() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand documents it)
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken returns the stored form of a secret: its SHA-256, in hex. Tokens,
// session ids and one-time links are all stored this way.
func HashToken(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}
