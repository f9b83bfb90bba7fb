// Package service is the one place that orchestrates Baton: each command
// (ingest a signal, accept, reject, reassign, record an outcome, fire a
// timer) runs the engines and writes the new state, its events, its due
// timers and its outbound messages in one transaction.
//
// It holds no SQL and no HTTP: it speaks to a baton.Store and is driven by
// the web and worker adapters.
package service

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync/atomic"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/routing"
	"github.com/google/uuid"
)

// Service runs Baton's commands against a store.
type Service struct {
	store baton.Store
	clock baton.Clock
	log   *slog.Logger
	pb    atomic.Pointer[playbook.Playbook]
	// publicURL is where links sent outside point (SetPublicURL).
	publicURL atomic.Pointer[string]
	// channels are the channels Baton delivers on (SetChannels).
	channels atomic.Pointer[[]string]
	// actionKey signs one-click links (oneclick.go), loaded once.
	actionKey atomic.Pointer[[]byte]
	// sessions bounds browser sessions (SetSessionLimits).
	sessions atomic.Pointer[SessionLimits]
	// obs is told what the service did, for metrics (SetObserver).
	obs atomic.Pointer[Observer]
	// crm is what is written back to which CRMs (SetCRM, crm.go).
	crm atomic.Pointer[CRMConfig]
	// pwCost is the cost of new password hashes (SetPasswordCost); nil
	// means the default.
	pwCost atomic.Pointer[passwordCost]

	roster     atomic.Pointer[roster]
	names      nameIndex
	objections objections
	// checked remembers the transaction whose roster version was last
	// read, so one command reads the version once, not once per lookup.
	checked atomic.Pointer[checkedRoster]
}

type checkedRoster struct {
	tx baton.Tx
	r  *roster
}

// roster caches the team between user writes: routing reads it on every
// signal, and a thousand rows per signal would dominate ingest.
type roster struct {
	*routing.Roster
	version int64
}

// New returns a Service. The logger may be nil.
func New(store baton.Store, clock baton.Clock, pb *playbook.Playbook, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{store: store, clock: clock, log: log}
	s.pb.Store(pb)
	return s
}

// Playbook returns the playbook in force.
func (s *Service) Playbook() *playbook.Playbook { return s.pb.Load() }

// SetPlaybook replaces the playbook in force; handoffs already open keep the
// deadlines they were given.
func (s *Service) SetPlaybook(pb *playbook.Playbook) { s.pb.Store(pb) }

// Clock returns the service's clock.
func (s *Service) Clock() baton.Clock { return s.clock }

// newID returns a new record id: a UUIDv7 (48 bits of Unix milliseconds,
// then random bits) written in 22 characters instead of the UUID's 36.
// An id is stored a dozen times per handoff (its row, events, rollups,
// indexes, and the ids of what it names), so the 14 bytes count.
//
// The 132 bits of the 22 characters are 0001 then the UUID's 128, six bits
// a character from idAlphabet, whose characters are in byte order: ids
// sort as their UUIDs do, by time, and every one begins with "3", so it
// sorts after every id written before in the UUID text form (all begin
// with "0"). The characters are safe in URLs, file names and an email
// Message-ID; ids are case-sensitive, as they always were.
func newID() string { return shortID(uuid.Must(uuid.NewV7())) }

// idAlphabet is the 64 characters of the base64url alphabet in byte order.
const idAlphabet = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"

// shortID writes u as newID does.
func shortID(u uuid.UUID) string {
	var v [17]byte // 136 bits: 0000, 0001, then u
	v[0] = 1
	copy(v[1:], u[:])
	var b [22]byte
	for i := range b {
		off := 4 + 6*i // the character's first bit in v
		w := uint16(v[off/8]) << 8
		if off/8+1 < len(v) {
			w |= uint16(v[off/8+1])
		}
		b[i] = idAlphabet[w>>(10-off%8)&63]
	}
	return string(b[:])
}

const rosterKey = "roster_version"

// users returns the roster, reloading it when another writer changed it.
func (s *Service) users(ctx context.Context, tx baton.Tx) (*roster, error) {
	if c := s.checked.Load(); c != nil && c.tx == tx && c.r == s.roster.Load() {
		return c.r, nil
	}
	var version int64
	if b, err := tx.Setting(ctx, rosterKey); err == nil {
		if err := json.Unmarshal(b, &version); err != nil {
			return nil, fmt.Errorf("service: roster version: %w", err)
		}
	} else if baton.ErrorCode(err) != baton.ENOTFOUND {
		return nil, fmt.Errorf("service: roster version: %w", err)
	}
	if r := s.roster.Load(); r != nil && r.version == version {
		s.checked.Store(&checkedRoster{tx: tx, r: r})
		return r, nil
	}
	users, err := tx.Users(ctx)
	if err != nil {
		return nil, err
	}
	r := &roster{Roster: routing.NewRoster(users), version: version}
	// Only a committed roster may be cached: a write in this transaction
	// bumps the version, and the cache is refreshed on next read.
	s.roster.Store(r)
	s.checked.Store(&checkedRoster{tx: tx, r: r})
	return r, nil
}

// bumpRoster marks the roster changed, in the transaction that changed it.
func (s *Service) bumpRoster(ctx context.Context, tx baton.Tx) error {
	var version int64
	if b, err := tx.Setting(ctx, rosterKey); err == nil {
		if err := json.Unmarshal(b, &version); err != nil {
			return fmt.Errorf("service: bump roster version: %w", err)
		}
	} else if baton.ErrorCode(err) != baton.ENOTFOUND {
		return fmt.Errorf("service: bump roster version: %w", err)
	}
	b, err := json.Marshal(version + 1)
	if err != nil {
		return fmt.Errorf("service: bump roster version: %w", err)
	}
	s.roster.Store(nil)
	return tx.PutSetting(ctx, rosterKey, b)
}
