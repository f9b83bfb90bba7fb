package baton

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password rules.
const (
	MinPasswordLength = 10   // characters
	MaxPasswordLength = 1024 // bytes; argon2 hashes anything, but a form need not accept a book
)

// Argon2id parameters for new hashes (OWASP's recommended minimum: 19 MiB
// of memory, 2 passes, 1 lane; a 16-byte salt and a 32-byte key). Stored
// hashes carry their own parameters, so raising these later keeps old
// passwords working.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonSaltLen = 16
	argonKeyLen  = 32
)

// CheckPassword returns an EINVALID error when a new password breaks the
// rules.
func CheckPassword(pw string) error {
	var v Validation
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		v.Add("password", "must be at least %d characters", MinPasswordLength)
	} else if len(pw) > MaxPasswordLength {
		v.Add("password", "must be at most %d bytes", MaxPasswordLength)
	}
	return v.Err()
}

// HashPassword returns the argon2id hash of pw in the PHC string format:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>, base64 without padding.
func HashPassword(pw string) string { return HashPasswordCost(pw, PasswordCost{}) }

// PasswordCost is the work argon2id does for a new hash. The zero value,
// and any zero field, means HashPassword's cost (19 MiB, 2 passes).
// Production always uses that default; tests that hash many passwords
// lower it, since the cost is part of the hash and VerifyPassword reads it
// back.
type PasswordCost struct {
	Memory uint32 // KiB, at least 8
	Time   uint32 // passes over the memory
}

// HashPasswordCost is HashPassword at cost c.
func HashPasswordCost(pw string, c PasswordCost) string {
	mem, passes := uint32(argonMemory), uint32(argonTime)
	if c.Memory != 0 {
		mem = max(c.Memory, 8*argonThreads)
	}
	if c.Time != 0 {
		passes = c.Time
	}
	salt := make([]byte, argonSaltLen)
	rand.Read(salt) // never fails
	key := argon2.IDKey([]byte(pw), salt, passes, mem, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, mem, passes, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// VerifyPassword reports whether pw matches a hash from HashPassword, in
// constant time. A malformed hash never matches.
func VerifyPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) || len(pw) > MaxPasswordLength {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || m > 1<<20 || t == 0 || t > 16 || p == 0 {
		return false
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}
