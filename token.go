package baton

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"time"
)

// API token roles, from most to least powerful.
const (
	TokenAdmin   = "admin"
	TokenManager = "manager"
	TokenRep     = "rep"
)

// TokenRoles lists the valid token roles.
var TokenRoles = []string{TokenAdmin, TokenManager, TokenRep}

// Token is an API credential. Only the SHA-256 of the secret is stored; the
// secret is shown once, when created.
type Token struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	Hash      string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
}

// Principal is who is calling: the token's name and role.
type Principal struct {
	TokenID string
	Name    string
	Role    string
}

// Can reports whether the principal's role is at least role.
func (p Principal) Can(role string) bool {
	return slices.Index(TokenRoles, p.Role) >= 0 && slices.Index(TokenRoles, p.Role) <= slices.Index(TokenRoles, role)
}

// NewTokenSecret returns a fresh random secret ("bt_" + 43 characters).
func NewTokenSecret() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand documents it)
	return "bt_" + base64.RawURLEncoding.EncodeToString(b)
}

// HashToken returns the stored form of a secret.
func HashToken(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}
