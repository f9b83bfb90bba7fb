package service_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/batontest"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/worker"
)

// failingStore is a real store whose transactions fail chosen Tx methods
// on demand, as a locked or broken database would.
type failingStore struct {
	baton.Store

	mu    sync.Mutex
	fails map[string]error // Tx method name -> the error it returns
}

// failOn makes method fail with err in every later transaction; a nil err
// heals it.
func (s *failingStore) failOn(method string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fails == nil {
		s.fails = map[string]error{}
	}
	if err == nil {
		delete(s.fails, method)
		return
	}
	s.fails[method] = err
}

func (s *failingStore) failure(method string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fails[method]
}

func (s *failingStore) Update(ctx context.Context, fn func(baton.Tx) error) error {
	return s.Store.Update(ctx, func(tx baton.Tx) error { return fn(&failingTx{Tx: tx, s: s}) })
}

func (s *failingStore) View(ctx context.Context, fn func(baton.Tx) error) error {
	return s.Store.View(ctx, func(tx baton.Tx) error { return fn(&failingTx{Tx: tx, s: s}) })
}

// failingTx is a real transaction with some methods made to fail.
type failingTx struct {
	baton.Tx
	s *failingStore
}

func (tx *failingTx) SignalByExternalID(ctx context.Context, externalID string) (*baton.Signal, error) {
	if err := tx.s.failure("SignalByExternalID"); err != nil {
		return nil, err
	}
	return tx.Tx.SignalByExternalID(ctx, externalID)
}

func (tx *failingTx) User(ctx context.Context, id string) (*baton.User, error) {
	if err := tx.s.failure("User"); err != nil {
		return nil, err
	}
	return tx.Tx.User(ctx, id)
}

func (tx *failingTx) UserByEmail(ctx context.Context, email string) (*baton.User, error) {
	if err := tx.s.failure("UserByEmail"); err != nil {
		return nil, err
	}
	return tx.Tx.UserByEmail(ctx, email)
}

func (tx *failingTx) AccountByDomain(ctx context.Context, domain string) (*baton.Account, error) {
	if err := tx.s.failure("AccountByDomain"); err != nil {
		return nil, err
	}
	return tx.Tx.AccountByDomain(ctx, domain)
}

func (tx *failingTx) Setting(ctx context.Context, key string) ([]byte, error) {
	if err := tx.s.failure("Setting"); err != nil {
		return nil, err
	}
	return tx.Tx.Setting(ctx, key)
}

// setupFailing is setup on a store that fails on demand, with pb in force
// (the default playbook when empty).
func setupFailing(t *testing.T, pb string) (*env, *failingStore) {
	t.Helper()
	ctx := context.Background()
	db := batontest.Store(t)
	fs := &failingStore{Store: db}
	clock := batontest.NewClock(t0)
	book := playbook.Default()
	if pb != "" {
		var err error
		if book, err = playbook.Parse("failing.yaml", []byte(pb)); err != nil {
			t.Fatal(err)
		}
	}
	svc := service.New(fs, clock, book, nil)
	e := &env{ctx: ctx, db: db, svc: svc, clock: clock, timers: &worker.Timers{Service: svc},
		admin: baton.Principal{Name: "admin", Access: baton.AccessAdmin}, rep: baton.Principal{Name: "rep", Access: baton.AccessRep}}
	users := batontest.TeamUsers()
	for i := range users {
		users[i].WorkingHours = "24x7"
	}
	e.users = batontest.Team(t, svc.PutUser, users...)
	return e, fs
}

// fireDue moves the clock by d and fires every timer then due, returning
// the first error.
func (e *env) fireDue(d time.Duration) error {
	e.clock.Add(d)
	for {
		n, err := e.timers.RunOnce(e.ctx)
		if err != nil || n == 0 {
			return err
		}
	}
}

// TestStoreFailureIsNotNotFound checks that a store failure on a look-up
// whose absence is allowed fails the command with that error, instead of
// carrying on as if the row were absent.
func TestStoreFailureIsNotNotFound(t *testing.T) {
	t.Parallel()
	broken := baton.Errorf(baton.EUNAVAILABLE, "database is locked")
	// opsOnce is the ladder playbook without its reassign_backup rung, so
	// alert_ops is due an hour after the accept breach, and alert_ops not
	// repeating, so the ops lead's look-up is the only roster read.
	opsOnce := strings.NewReplacer(
		"      - {after: 30m, action: reassign_backup}\n", "",
		"action: alert_ops}", "action: alert_ops, repeat: \"off\"}",
	).Replace(ladderPlaybook)

	tests := []struct {
		name     string
		playbook string
		method   string
		// run runs the command with method failing; before runs first, with
		// the store sound.
		before func(t *testing.T, e *env)
		run    func(t *testing.T, e *env) error
	}{
		{
			name:   "IngestDuplicateCheckFails",
			method: "SignalByExternalID",
			run: func(t *testing.T, e *env) error {
				_, err := e.svc.Ingest(e.ctx, demoRequest("dup"))
				return err
			},
		},
		{
			name:   "IngestSenderLookupFails",
			method: "UserByEmail",
			run: func(t *testing.T, e *env) error {
				sig := demoRequest("sender")
				sig.Sender = e.users["sdr1"].Email
				_, err := e.svc.Ingest(e.ctx, sig)
				return err
			},
		},
		{
			name:     "BreachManagerLookupFails",
			playbook: ladderPlaybook,
			method:   "User",
			before: func(t *testing.T, e *env) {
				e.ingest(t, demoRequest("breach"))
				e.advance(t, 2*time.Hour-time.Minute) // up to a minute before accept_by
			},
			run: func(t *testing.T, e *env) error { return e.fireDue(time.Minute) },
		},
		{
			name:     "LadderBackupLookupFails",
			playbook: ladderPlaybook,
			method:   "User",
			before: func(t *testing.T, e *env) {
				e.ingest(t, demoRequest("backup"))
				e.advance(t, 2*time.Hour) // breached; reassign_backup is 30m on
			},
			run: func(t *testing.T, e *env) error { return e.fireDue(30 * time.Minute) },
		},
		{
			name:     "LadderOpsLeadLookupFails",
			playbook: opsOnce,
			method:   "Setting",
			before: func(t *testing.T, e *env) {
				e.ingest(t, demoRequest("ops"))
				e.advance(t, 2*time.Hour) // breached; alert_ops is 1h on
			},
			run: func(t *testing.T, e *env) error { return e.fireDue(time.Hour) },
		},
		{
			name:   "PutUserRosterVersionFails",
			method: "Setting",
			run: func(t *testing.T, e *env) error {
				_, err := e.svc.PutUser(e.ctx, &baton.User{Email: "new@t.example", Name: "New Rep", Role: "sdr", Team: "sdr", TimeZone: "UTC", Active: true})
				return err
			},
		},
		{
			name:   "PutAccountDomainLookupFails",
			method: "AccountByDomain",
			run: func(t *testing.T, e *env) error {
				_, err := e.svc.PutAccount(e.ctx, &baton.Account{Name: "Acme Robotics", Domain: "acme-robotics.com"})
				return err
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, fs := setupFailing(t, tt.playbook)
			if tt.before != nil {
				tt.before(t, e)
			}
			fs.failOn(tt.method, broken)
			err := tt.run(t, e)
			if !errors.Is(err, broken) {
				t.Fatalf("with %s failing: got error %v, want %v", tt.method, err, broken)
			}
			if got := baton.ErrorCode(err); got != baton.EUNAVAILABLE {
				t.Errorf("error code: got %q, want %q", got, baton.EUNAVAILABLE)
			}
		})
	}
}
