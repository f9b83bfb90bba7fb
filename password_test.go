package baton_test

import (
	"strings"
	"testing"

	"github.com/batonhq/baton"
)

func TestPassword(t *testing.T) {
	t.Parallel()
	h := baton.HashPassword("correct horse battery")
	t.Run("IsPHCArgon2id", func(t *testing.T) {
		if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Count(h, "$") != 5 {
			t.Errorf("got %q, want a PHC argon2id string", h)
		}
	})
	t.Run("VerifiesTheRightPasswordOnly", func(t *testing.T) {
		if !baton.VerifyPassword(h, "correct horse battery") {
			t.Error("right password: got false, want true")
		}
		for _, wrong := range []string{"", "correct horse batter", "Correct horse battery"} {
			if baton.VerifyPassword(h, wrong) {
				t.Errorf("password %q: got true, want false", wrong)
			}
		}
	})
	t.Run("SaltsEachHash", func(t *testing.T) {
		if h2 := baton.HashPassword("correct horse battery"); h2 == h {
			t.Error("two hashes of one password are equal, want different salts")
		}
	})
	t.Run("MalformedHashNeverMatches", func(t *testing.T) {
		for _, bad := range []string{"", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$a2V5", strings.Replace(h, "m=19456", "m=0", 1)} {
			if baton.VerifyPassword(bad, "correct horse battery") {
				t.Errorf("hash %q: got true, want false", bad)
			}
		}
	})
	t.Run("NeedsTenCharacters", func(t *testing.T) {
		if err := baton.CheckPassword("123456789"); baton.ErrorCode(err) != baton.EINVALID {
			t.Errorf("nine characters: got %v, want EINVALID", err)
		}
		if err := baton.CheckPassword("1234567890"); err != nil {
			t.Errorf("ten characters: got %v, want nil", err)
		}
	})
}

func TestPrincipal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		access, want string
		can          bool
	}{
		{baton.AccessAdmin, baton.AccessManager, true},
		{baton.AccessManager, baton.AccessManager, true},
		{baton.AccessRep, baton.AccessManager, false},
		{"", baton.AccessRep, false},
	} {
		if got := (baton.Principal{Access: tc.access}).Can(tc.want); got != tc.can {
			t.Errorf("%q.Can(%q): got %v, want %v", tc.access, tc.want, got, tc.can)
		}
	}
	if got, want := (baton.Principal{UserID: "u1", Name: "Ann"}).Actor(), "user:u1"; got != want {
		t.Errorf("got actor %q, want %q", got, want)
	}
	for role, want := range map[string]string{baton.RoleOps: baton.AccessAdmin, baton.RoleAdmin: baton.AccessAdmin,
		baton.RoleManager: baton.AccessManager, baton.RoleAE: baton.AccessRep, baton.RoleSDR: baton.AccessRep} {
		if got := baton.AccessFor(role); got != want {
			t.Errorf("AccessFor(%q): got %q, want %q", role, got, want)
		}
	}
}
