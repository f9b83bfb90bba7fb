package web

import (
	"context"
	"io"
	"sync"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// TokenCacheTTL is how long an API token, once authenticated, is taken
// on its word without reading its row again. Revoking a token, or
// changing or deactivating a user, through this server drops every
// cached token at once; done elsewhere (another node, the baton command)
// it takes effect here within TokenCacheTTL.
const TokenCacheTTL = 5 * time.Second

// tokenCacheMax bounds the tokens kept; a full cache drops its expired
// entries, and if none are, starts again empty.
const tokenCacheMax = 10_000

// tokenCache keeps the principals of recently authenticated API tokens,
// keyed by the SHA-256 of the secret (the stored form), so the API's
// authentication reads the database once per token per TokenCacheTTL
// instead of on every request. Only successes are kept: an unknown,
// expired or revoked token is read again each time.
type tokenCache struct {
	mu sync.Mutex
	m  map[string]tokenEntry
	// gen counts forget's calls: a token read before one is not kept
	// after it (it may be the one revoked).
	gen uint64
}

type tokenEntry struct {
	p     baton.Principal
	until time.Time
}

// get returns the principal cached for hash, if it has not expired by now.
func (c *tokenCache) get(hash string, now time.Time) (baton.Principal, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[hash]
	if !ok || !now.Before(e.until) {
		return baton.Principal{}, false
	}
	return e.p, true
}

// generation returns the count of forget's calls so far, for put.
func (c *tokenCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put keeps p for hash until now + TokenCacheTTL, unless forget was
// called since generation returned gen (p was read before it).
func (c *tokenCache) put(hash string, p baton.Principal, now time.Time, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil {
		c.m = map[string]tokenEntry{}
	}
	if len(c.m) >= tokenCacheMax {
		for k, e := range c.m {
			if !now.Before(e.until) {
				delete(c.m, k)
			}
		}
		if len(c.m) >= tokenCacheMax {
			clear(c.m)
		}
	}
	c.m[hash] = tokenEntry{p: p, until: now.Add(TokenCacheTTL)}
}

// forget drops every cached token: a token was revoked or a user changed
// through this server.
func (c *tokenCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
	c.gen++
}

// authenticate returns the principal an API token secret acts as, from
// the cache when it was authenticated in the last TokenCacheTTL.
func (s *Server) authenticate(ctx context.Context, secret string) (baton.Principal, error) {
	if secret == "" {
		return s.svc.Authenticate(ctx, secret)
	}
	hash := baton.HashToken(secret)
	if p, ok := s.tokens.get(hash, s.svc.Clock().Now()); ok {
		return p, nil
	}
	gen := s.tokens.generation()
	p, err := s.svc.Authenticate(ctx, secret)
	if err != nil {
		return p, err
	}
	s.tokens.put(hash, p, s.svc.Clock().Now(), gen)
	return p, nil
}

// putUser adds or changes a user and drops the cached tokens, which carry
// their users' access.
func (s *Server) putUser(ctx context.Context, u *baton.User) (*baton.User, error) {
	out, err := s.svc.PutUser(ctx, u)
	s.tokens.forget()
	return out, err
}

// importUsersCSV imports a users CSV file and drops the cached tokens:
// the file may change or deactivate users.
func (s *Server) importUsersCSV(ctx context.Context, r io.Reader) (service.ImportResult, error) {
	res, err := s.svc.ImportUsers(ctx, r)
	s.tokens.forget()
	return res, err
}
