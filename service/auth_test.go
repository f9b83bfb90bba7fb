package service_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

const testPassword = "correct-horse-battery"

func TestSessions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// steps moves the clock and uses the session after each move.
		steps []time.Duration
		alive bool
	}{
		{"UsedWithinIdleStaysAlive", []time.Duration{11 * time.Hour, 11 * time.Hour, 11 * time.Hour}, true},
		{"IdleForTwelveHoursEnds", []time.Duration{12 * time.Hour}, false},
		{"EndsAtAbsoluteExpiryEvenWhenUsed", repeat(10*time.Hour, 34) /* 340 h > 14 d */, false},
		{"JustBeforeAbsoluteExpiryLives", append(repeat(10*time.Hour, 33), 5*time.Hour+59*time.Minute), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			if err := e.svc.SetPassword(e.ctx, "sdr1@t.example", testPassword); err != nil {
				t.Fatal(err)
			}
			secret, _, err := e.svc.SignIn(e.ctx, "SDR1@t.example", testPassword, "192.0.2.1")
			if err != nil {
				t.Fatal(err)
			}
			var last error
			for i, d := range tc.steps {
				e.clock.Add(d)
				_, last = e.svc.Session(e.ctx, secret)
				if last != nil && i < len(tc.steps)-1 {
					t.Fatalf("step %d: got %v, want the session alive until the last step", i, last)
				}
			}
			if alive := last == nil; alive != tc.alive {
				t.Fatalf("got alive %v (%v), want %v", alive, last, tc.alive)
			}
			if !tc.alive && baton.ErrorCode(last) != baton.EUNAUTHORIZED {
				t.Errorf("got %v, want EUNAUTHORIZED", last)
			}
		})
	}
	t.Run("DeactivatedUserIsSignedOut", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		secret, _, err := e.svc.SignInVerified(e.ctx, "sdr2@t.example", baton.SignInOIDC)
		if err != nil {
			t.Fatal(err)
		}
		u := *e.users["sdr2"]
		u.Active = false
		if _, err := e.svc.PutUser(e.ctx, &u); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Session(e.ctx, secret); baton.ErrorCode(err) != baton.EUNAUTHORIZED {
			t.Errorf("got %v, want EUNAUTHORIZED", err)
		}
	})
	t.Run("SignOutEverywhereEndsEverySession", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		a, p, _ := e.svc.SignInVerified(e.ctx, "sdr3@t.example", baton.SignInOIDC)
		b, _, _ := e.svc.SignInVerified(e.ctx, "sdr3@t.example", baton.SignInOIDC)
		other, _, _ := e.svc.SignInVerified(e.ctx, "sdr1@t.example", baton.SignInOIDC)
		n, err := e.svc.SignOutEverywhere(e.ctx, p.UserID)
		if err != nil || n != 2 {
			t.Fatalf("got %d, %v; want 2 sessions ended", n, err)
		}
		for _, s := range []string{a, b} {
			if _, err := e.svc.Session(e.ctx, s); err == nil {
				t.Error("a session survived signing out everywhere")
			}
		}
		if _, err := e.svc.Session(e.ctx, other); err != nil {
			t.Errorf("another person's session: got %v, want alive", err)
		}
	})
}

func repeat(d time.Duration, n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d
	}
	return out
}

// TestPasswordCost: the services under test hash at batontest's low cost,
// a service left alone hashes at the production cost, and sign-in works the
// same at either (the cost travels in the hash).
func TestPasswordCost(t *testing.T) {
	t.Parallel()
	e := setup(t)
	storedHash := func(t *testing.T, db baton.Store, email string) string {
		t.Helper()
		var h string
		err := db.View(e.ctx, func(tx baton.Tx) error {
			u, err := tx.UserByEmail(e.ctx, email)
			if err != nil {
				return err
			}
			h, err = tx.PasswordHash(e.ctx, u.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	type attempt struct{ email, pw string }
	for _, tc := range []struct {
		name  string
		svc   *service.Service
		email string
		want  string
		// bad sign-ins, all refused; at the production cost each takes a
		// while, so that case tries only the dummy hash's path.
		bad []attempt
	}{
		{"TestsHashCheaply", e.svc, "sdr2@t.example", "$argon2id$v=19$m=64,t=1,p=1$",
			[]attempt{{"sdr2@t.example", "wrong-password"}, {"nobody@t.example", testPassword}, {"mgr@t.example", testPassword}}},
		{"DefaultIsProductionCost", service.New(e.db, e.clock, e.svc.Playbook(), nil), "sdr3@t.example", "$argon2id$v=19$m=19456,t=2,p=1$",
			[]attempt{{"nobody@t.example", testPassword}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.svc.SetPassword(e.ctx, tc.email, testPassword); err != nil {
				t.Fatal(err)
			}
			if h := storedHash(t, e.db, tc.email); !strings.HasPrefix(h, tc.want) {
				t.Errorf("stored hash: got %q, want prefix %q", h, tc.want)
			}
			if _, _, err := tc.svc.SignIn(e.ctx, tc.email, testPassword, "192.0.2.50"); err != nil {
				t.Errorf("right password: got %v, want signed in", err)
			}
			for _, bad := range tc.bad {
				if _, _, err := tc.svc.SignIn(e.ctx, bad.email, bad.pw, "192.0.2.51"); baton.ErrorCode(err) != baton.EUNAUTHORIZED {
					t.Errorf("%s with %q: got %v, want EUNAUTHORIZED", bad.email, bad.pw, err)
				}
			}
		})
	}
}

func TestSignInRateLimit(t *testing.T) {
	t.Parallel()
	e := setup(t)
	if err := e.svc.SetPassword(e.ctx, "sdr1@t.example", testPassword); err != nil {
		t.Fatal(err)
	}
	for i := range baton.MaxFailuresPerAccount {
		_, _, err := e.svc.SignIn(e.ctx, "sdr1@t.example", "wrong-password", "192.0.2.1")
		if baton.ErrorCode(err) != baton.EUNAUTHORIZED || errors.Is(err, service.ErrTooManySignIns) {
			t.Fatalf("failure %d: got %v, want a plain EUNAUTHORIZED", i+1, err)
		}
	}
	_, _, err := e.svc.SignIn(e.ctx, "sdr1@t.example", testPassword, "192.0.2.99")
	if !errors.Is(err, service.ErrTooManySignIns) || baton.ErrorMessage(err) != "Email or password is incorrect." {
		t.Fatalf("right password after %d failures: got %v, want the generic message, limited", baton.MaxFailuresPerAccount, err)
	}
	e.clock.Add(baton.SignInWindow + time.Second)
	if _, _, err := e.svc.SignIn(e.ctx, "sdr1@t.example", testPassword, "192.0.2.99"); err != nil {
		t.Fatalf("after the window: got %v, want signed in", err)
	}
	t.Run("PerAddress", func(t *testing.T) {
		for i := range baton.MaxFailuresPerAddress {
			e.svc.SignIn(e.ctx, "nobody"+string(rune('a'+i))+"@t.example", "wrong-password", "198.51.100.7")
		}
		if _, _, err := e.svc.SignIn(e.ctx, "sdr1@t.example", testPassword, "198.51.100.7"); !errors.Is(err, service.ErrTooManySignIns) {
			t.Fatalf("from a noisy address: got %v, want limited", err)
		}
	})
}

func TestTokens(t *testing.T) {
	t.Parallel()
	e := setup(t)
	t.Run("ActsAsItsUser", func(t *testing.T) {
		t.Parallel()
		_, secret, err := e.svc.CreateToken(e.ctx, "mgr@t.example", "ci", 0)
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.svc.Authenticate(e.ctx, secret)
		if err != nil {
			t.Fatal(err)
		}
		if p.UserID != e.users["mgr"].ID || p.Access != baton.AccessManager || p.Actor() != "user:"+e.users["mgr"].ID {
			t.Errorf("got %+v, want the manager acting as user:%s", p, e.users["mgr"].ID)
		}
	})
	t.Run("RevokedExpiredAndDeactivatedAreRefused", func(t *testing.T) {
		t.Parallel()
		revoked, s1, _ := e.svc.CreateToken(e.ctx, "sdr1@t.example", "revoked", 0)
		if _, err := e.svc.RevokeToken(e.ctx, revoked.ID); err != nil {
			t.Fatal(err)
		}
		_, s2, _ := e.svc.CreateToken(e.ctx, "sdr2@t.example", "short", time.Nanosecond)
		_, s3, _ := e.svc.CreateToken(e.ctx, "ae2@t.example", "leaver", 0)
		u := *e.users["ae2"]
		u.Active = false
		if _, err := e.svc.PutUser(e.ctx, &u); err != nil {
			t.Fatal(err)
		}
		msgs := map[string]bool{}
		for _, s := range []string{s1, s2, s3} {
			_, err := e.svc.Authenticate(e.ctx, s)
			if baton.ErrorCode(err) != baton.EUNAUTHORIZED {
				t.Errorf("got %v, want EUNAUTHORIZED", err)
			}
			msgs[baton.ErrorMessage(err)] = true
		}
		if len(msgs) != 1 {
			t.Errorf("got messages %v, want one message that does not say which", msgs)
		}
	})
}

func TestTokenWithoutOwnerIsRefused(t *testing.T) {
	t.Parallel()
	e := setup(t)
	// A token from a database older than per-user tokens has no user.
	err := e.db.Update(e.ctx, func(tx baton.Tx) error {
		return tx.InsertToken(e.ctx, &baton.Token{ID: "old", Name: "legacy", Role: baton.AccessAdmin, Hash: baton.HashToken("bt_old"), CreatedAt: t0})
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Authenticate(e.ctx, "bt_old")
	if baton.ErrorCode(err) != baton.EUNAUTHORIZED || !strings.Contains(baton.ErrorMessage(err), "--user") {
		t.Errorf("got %v, want EUNAUTHORIZED saying to create one with --user", err)
	}
}
