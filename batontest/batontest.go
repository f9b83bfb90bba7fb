// Package batontest holds what the tests of several packages share: a fake
// clock moved by hand, a fresh SQLite store per test and the standard test
// team. Helpers that only one package needs stay in that package's tests.
package batontest

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/sqlite"
)

// T0 is where a test's clock usually starts: Monday 23 November 2026,
// 14:00 UTC.
var T0 = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

// PasswordCost is the argon2id cost tests hash passwords at (through
// service.Service.SetPasswordCost): 64 KiB and one pass instead of the
// production 19 MiB and two, which made sign-in tests spend most of their
// time hashing. Hashes carry their cost, so verifying works the same.
var PasswordCost = baton.PasswordCost{Memory: 64, Time: 1}

// Clock is a baton.Clock that tests move by hand. It is safe for
// concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

var _ baton.Clock = (*Clock)(nil)

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Store opens a fresh SQLite store in t.TempDir() (synchronous NORMAL, as
// the tests' disks need no more) and closes it when the test ends. The file
// starts as a copy of an empty, fully migrated store (see FreshFile).
func Store(t testing.TB) *sqlite.DB {
	t.Helper()
	return OpenStore(t, filepath.Join(t.TempDir(), "baton.db"), sqlite.Options{Synchronous: "NORMAL"})
}

// OpenStore opens the SQLite store at path with opts and closes it when the
// test ends. When no file exists at path (and opts is not ReadOnly), the
// store starts as a copy of an empty, fully migrated store (see FreshFile)
// rather than running every migration again.
func OpenStore(t testing.TB, path string, opts sqlite.Options) *sqlite.DB {
	t.Helper()
	if !opts.ReadOnly {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			FreshFile(t, path)
		}
	}
	db, err := sqlite.Open(context.Background(), path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// FreshFile writes at path (which must not exist) the file of an empty
// store with every migration applied, as sqlite.Open leaves a new file.
// Running the migrations costs about a second per store under the race
// detector, so they run once per test binary, into a template whose bytes
// every later call copies; sqlite.Open on the copy finds nothing to
// migrate. The sqlite package's own tests still migrate fresh files.
func FreshFile(t testing.TB, path string) {
	t.Helper()
	files, err := migratedTemplate()
	if err != nil {
		t.Fatalf("batontest: migrated template: %v", err)
	}
	for suffix, b := range files {
		if err := os.WriteFile(path+suffix, b, 0o600); err != nil {
			t.Fatalf("batontest: copy migrated template: %v", err)
		}
	}
}

// template holds the files of an empty, migrated store by suffix ("" for
// the database, "-wal" for a write-ahead log left behind, if any).
var template struct {
	once  sync.Once
	files map[string][]byte
	err   error
}

func migratedTemplate() (map[string][]byte, error) {
	template.once.Do(func() {
		template.files, template.err = migrateTemplate()
	})
	return template.files, template.err
}

func migrateTemplate() (map[string][]byte, error) {
	dir, err := os.MkdirTemp("", "batontest-template-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "baton.db")
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		return nil, err
	}
	if err := db.Close(); err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(path + suffix)
		if suffix != "" && errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return nil, err
		}
		files[suffix] = b
	}
	return files, nil
}

// teamUsers is the standard test team, in the order it is seeded: the
// manager first, so that the others can name them.
var teamUsers = []baton.User{
	{Email: "mgr@t.example", Name: "Maya Manager", Role: baton.RoleManager, Team: "leadership", TimeZone: "America/New_York"},
	{Email: "ops@t.example", Name: "Otto Ops", Role: baton.RoleOps, Team: "ops", TimeZone: "America/Chicago"},
	{Email: "sdr1@t.example", Name: "Sam One", Role: baton.RoleSDR, Team: "sdr", TimeZone: "America/New_York", ManagerID: "mgr@t.example"},
	{Email: "sdr2@t.example", Name: "Sue Two", Role: baton.RoleSDR, Team: "sdr", TimeZone: "Europe/London", ManagerID: "mgr@t.example"},
	{Email: "sdr3@t.example", Name: "Sid Three", Role: baton.RoleSDR, Team: "sdr", TimeZone: "America/Los_Angeles", ManagerID: "mgr@t.example"},
	{Email: "ae1@t.example", Name: "Ae One", Role: baton.RoleAE, Team: "ae", TimeZone: "America/New_York", ManagerID: "mgr@t.example"},
	{Email: "ae2@t.example", Name: "Ae Two", Role: baton.RoleAE, Team: "ae", TimeZone: "Australia/Sydney", ManagerID: "mgr@t.example"},
}

// TeamUsers returns the standard test team, active, with no working hours
// set: a manager (mgr), an ops user (ops), three SDRs (sdr1, sdr2, sdr3) in
// New York, London and Los Angeles and two AEs (ae1, ae2) in New York and
// Sydney, the SDRs and AEs reporting to mgr (ManagerID holds mgr's email,
// which PutUser resolves). Given names, it returns only those users, in the
// team's order. The result is a copy the caller may change.
func TeamUsers(names ...string) []baton.User {
	var out []baton.User
	for _, u := range teamUsers {
		if len(names) == 0 || slices.Contains(names, localPart(u.Email)) {
			u.Active = true
			out = append(out, u)
		}
	}
	return out
}

// Team seeds users in order through put (a service's PutUser) and returns
// the stored users by the local part of their email ("sdr1").
func Team(t testing.TB, put func(context.Context, *baton.User) (*baton.User, error), users ...baton.User) map[string]*baton.User {
	t.Helper()
	out := make(map[string]*baton.User, len(users))
	for _, u := range users {
		got, err := put(context.Background(), &u)
		if err != nil {
			t.Fatalf("put user %s: %v", u.Email, err)
		}
		out[localPart(u.Email)] = got
	}
	return out
}

func localPart(email string) string {
	name, _, _ := strings.Cut(email, "@")
	return name
}
